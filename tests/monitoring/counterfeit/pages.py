"""Pages for the counterfeit tests: an estate home page, a copy of it, and pages that are not."""

from govsites.monitoring.types import SiteFacts

SITE = SiteFacts(
    host="www.jinzhong.gov.cn",
    home_url="http://www.jinzhong.gov.cn/",
    name="晋中市人民政府",
    sponsor="晋中市人民政府办公室",
    identifier_code="1407000001",
    icp_number="晋ICP备05004347号-1",
    police_filing="晋公网安备 14070202000123号",
)

NEWS = [
    "市政府召开常务会议研究部署近期重点工作，会议强调要坚持稳中求进工作总基调。",
    "我市举行重大项目集中开工仪式，共有四十二个项目开工建设，总投资一百八十亿元。",
    "晋中市第五届人民代表大会常务委员会第十九次会议审议通过关于优化营商环境的决定。",
    "市人民政府关于做好今冬明春农村供暖保障工作的通知已经印发，请各县区认真落实。",
    "全市安全生产工作会议召开，要求全面排查整治重点行业领域的安全隐患，坚决遏制事故。",
    "晋中国家农业高新技术产业示范区建设取得新进展，一批科技成果在示范区转化落地。",
]

FOOTER = """
<div class="footer">
  <p>主办单位：晋中市人民政府办公室　联系电话：0354-3021234</p>
  <p>网站标识码：1407000001　晋ICP备05004347号-1　晋公网安备 14070202000123号</p>
  <span id="_ideConac"><script src="https://dcs.conac.cn/js/05/000/0000/60405012/CA050000000604050120001.js"></script></span>
</div>
"""


def home_page(extra: str = "") -> str:
    items = "".join(f"<li><a href='/xw/{i}.html'>{text}</a><span>2026-03-0{i + 1}</span></li>" for i, text in enumerate(NEWS))
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="SiteName" content="晋中市人民政府"><meta name="SiteDomain" content="www.jinzhong.gov.cn">
<meta name="SiteIDCode" content="1407000001"><title>晋中市人民政府</title></head>
<body><div class="header"><h1>晋中市人民政府</h1><ul class="nav"><li>首页</li><li>政务公开</li><li>政务服务</li>
<li>政民互动</li><li>走进晋中</li></ul></div>{extra}<div class="news"><h2>政务要闻</h2><ul>{items}</ul></div>
{FOOTER}</body></html>"""


# A copy on a look-alike domain: same page, one injected link to the impostor's payment form.
COPY = home_page(extra="<div class='notice'><a href='http://pay.example.net/'>社保补贴在线申领</a></div>")

UNRELATED = """<!doctype html><html><head><meta charset="utf-8"><title>晋中旅游网 - 特价酒店与景点门票</title></head>
<body><h1>晋中旅游网</h1><p>平遥古城一日游特价门票，乔家大院、王家大院、张壁古堡精品线路，欢迎来电咨询预订。</p>
<p>本站为旅行社商业网站，提供酒店预订、包车服务与导游讲解。客服电话：400-000-0000</p>
<p>主办：晋中某某旅行社有限公司　晋ICP备19000001号-2</p></body></html>"""

# Claims to be a government site, but some other one: identifier code and badge of its own.
OTHER_GOVERNMENT = """<!doctype html><html><head><meta charset="utf-8"><title>某某县人民政府</title></head>
<body><h1>某某县人民政府</h1><p>关于发放二〇二六年度就业补贴的公告，请符合条件的群众在线填写个人信息和银行卡号。</p>
<p>主办单位：某某县人民政府办公室　网站标识码：9999990001</p>
<img src="/images/red.png" alt="党政机关"></body></html>"""

EDUCATION = SiteFacts(
    host="jyj.jinzhong.gov.cn",
    home_url="http://jyj.jinzhong.gov.cn/",
    name="晋中市教育局",
    sponsor="晋中市教育局",
    identifier_code="1407000123",
)

EDUCATION_HOME = """<!doctype html><html><head><meta charset="utf-8"><title>晋中市教育局</title></head>
<body><h1>晋中市教育局</h1><ul><li>关于做好二〇二六年普通高中招生工作的通知</li>
<li>全市中小学校开展春季学期开学安全大检查，确保师生安全健康返校。</li>
<li>晋中市教育局关于公布义务教育阶段学校招生入学政策的公告</li></ul>
<p>主办单位：晋中市教育局　网站标识码：1407000123</p></body></html>"""
