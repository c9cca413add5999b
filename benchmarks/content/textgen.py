"""A small generator of plausible Chinese government-website texts for the benchmark data.

Deterministic for a given ``random.Random``. Titles are built from templates per item kind and
a fixed list of policy topics, so every topic word ("安全生产", "乡村振兴", …) occurs in roughly
1/len(TOPICS) of the titles — the benchmark's search terms rely on that (see ``SEARCH_TERMS``).
"""

from __future__ import annotations

import random

TOPICS = [
    "安全生产", "防汛抗旱", "森林防火", "优化营商环境", "乡村振兴", "生态环境保护", "城乡居民医疗保险",
    "义务教育", "老旧小区改造", "数字政府建设", "政务服务一网通办", "稳就业", "高标准农田建设", "粮食安全",
    "河长制", "林长制", "大气污染防治", "水污染防治", "土壤污染防治", "垃圾分类", "文明城市创建",
    "食品安全", "药品安全", "特种设备安全", "道路交通安全", "消防安全", "燃气安全", "自建房安全",
    "地质灾害防治", "应急管理", "疫情防控", "爱国卫生运动", "全民健身", "文化旅游融合", "非物质文化遗产保护",
    "科技创新", "专精特新企业培育", "招商引资", "民营经济发展", "中小企业纾困", "减税降费", "金融风险防范",
    "政府债务管理", "预算绩效管理", "国有资产监管", "统计执法", "审计整改", "营商环境投诉", "知识产权保护",
    "市场监管", "价格监测", "粮油储备", "能源保供", "新能源汽车推广", "充电基础设施建设", "节能降碳",
    "碳达峰碳中和", "绿色建筑", "城市更新", "海绵城市建设", "城镇燃气管网改造", "农村人居环境整治",
    "农村厕所革命", "农村公路建设", "四好农村路", "水利工程建设", "农田水利", "畜禽养殖污染治理",
    "耕地保护", "自然资源确权登记", "国土空间规划", "不动产登记", "住房保障", "公租房分配", "住房公积金",
    "养老服务体系建设", "婴幼儿照护服务", "残疾人帮扶", "困难群众救助", "退役军人服务", "双拥共建",
    "社会保障卡", "基本养老保险", "工伤保险", "失业保险", "职业技能培训", "高校毕业生就业", "农民工工资支付",
    "劳动关系协调", "校外培训治理", "学前教育", "职业教育", "高中阶段教育", "教师队伍建设", "校园安全",
    "公共卫生", "基层医疗卫生", "分级诊疗", "中医药发展", "医疗保障基金监管", "药品集中采购",
    "法治政府建设", "行政执法", "普法宣传", "信访工作", "平安建设", "扫黑除恶", "禁毒工作", "网络安全",
    "数据安全", "政务公开", "政府网站与政务新媒体", "12345政务服务便民热线", "人口普查", "经济普查",
    "农业普查", "统计监测", "政府采购", "公共资源交易", "工程建设项目审批", "投资项目审批", "重点项目建设",
    "交通强省", "物流降本增效", "电子商务", "外贸稳增长", "对口支援", "东西部协作", "巩固脱贫攻坚成果",
]

#: Search terms for the benchmark: a frequent topic, a two-character word, a term matching nothing.
SEARCH_TERMS = {"common": "安全生产", "short": "防汛", "none": "不存在的检索词"}

_POLICY = [
    "{org}关于印发《{place}{topic}实施方案》的通知",
    "{org}关于进一步加强{topic}工作的通知",
    "{org}关于{topic}的实施意见",
    "{org}办公室关于做好{year}年{topic}工作的通知",
    "{org}关于印发《{place}{topic}三年行动计划（{year}—{year2}年）》的通知",
    "{org}关于推进{topic}高质量发展的若干措施",
    "《{place}{topic}管理办法》",
]
_INTERPRETATION = [
    "《{place}{topic}实施方案》政策解读",
    "一图读懂《关于进一步加强{topic}工作的通知》",
    "{org}负责人就{topic}有关问题答记者问",
    "图解：{place}{topic}三年行动计划",
    "视频解读：{topic}新政策带来哪些变化",
]
_ARTICLE = [
    "{place}召开{topic}工作推进会",
    "{org}主要负责同志调研{topic}工作",
    "{place}{topic}工作取得新成效",
    "{place}扎实推进{topic}",
    "{org}召开{year}年{topic}工作会议",
    "{place}开展{topic}专项督查",
    "{place}举办{topic}业务培训班",
    "{place}{topic}典型经验做法",
]
_ANNOUNCEMENT = [
    "关于{topic}有关事项的公告",
    "{org}关于{topic}的公示",
    "{year}年{org}公开招聘工作人员公告",
    "关于征求《{place}{topic}规划（征求意见稿）》意见的公告",
    "{org}关于{topic}专项资金分配结果的公示",
    "关于开展{year}年度{topic}评审工作的通知",
]
_RESPONSE = [
    "关于网传“{place}{topic}”有关情况的说明",
    "关于群众反映{topic}问题的回应",
    "辟谣：{place}{topic}相关传言不实",
    "关于{place}{topic}热点问题的回应",
]
_MAP = ["{place}标准地图（{year}年版）", "{place}行政区划图", "{place}{topic}分布图"]

TEMPLATES = {
    "policy": _POLICY,
    "interpretation": _INTERPRETATION,
    "article": _ARTICLE,
    "announcement": _ANNOUNCEMENT,
    "response": _RESPONSE,
    "map": _MAP,
}

_SENTENCES = [
    "为深入贯彻落实党中央、国务院决策部署，进一步做好{topic}工作，结合本地实际，现就有关事项通知如下。",
    "各地各部门要提高政治站位，压实工作责任，确保各项措施落到实处。",
    "{place}坚持问题导向，聚焦群众急难愁盼，推动{topic}工作走深走实。",
    "会议强调，要完善工作机制，加强统筹协调，形成工作合力。",
    "下一步，将持续加大工作力度，建立健全长效机制，不断提升群众满意度。",
    "请各单位于规定时间内报送工作进展情况，逾期未报送的予以通报。",
    "本通知自印发之日起施行，有效期五年。",
    "联系人及电话：{person}，{phone}。",
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧巧美玲桂红平刚霞辉建国晓文志海燕宁琳婷雪梅鑫宇浩然子轩欣怡梓涵雨"


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


class TextGen:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def title(self, kind: str, org: str, place: str, year: int) -> tuple[str, str]:
        """(title, topic) for an item of ``kind`` issued by ``org`` (an institution name)."""
        topic = self.rng.choice(TOPICS)
        template = self.rng.choice(TEMPLATES[kind])
        title = template.format(org=org, place=place, topic=topic, year=year, year2=year + 2)
        return title[:200], topic

    def body(self, topic: str, place: str) -> tuple[str, str]:
        """(summary, body HTML) — a few paragraphs, ~150–400 characters."""
        rng = self.rng
        n = rng.randint(2, 5)
        sentences = [
            s.format(topic=topic, place=place, person=person(rng), phone=f"0601-{rng.randint(1000000, 9999999)}")
            for s in rng.sample(_SENTENCES, n)
        ]
        summary = sentences[0][:200]
        body = "".join(f"<p>{s}</p>" for s in sentences)
        return summary, body
