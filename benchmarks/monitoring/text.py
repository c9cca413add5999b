"""Chinese government-website text for the simulated estate: titles, bodies, enquiries, guides.

Deterministic for a given ``random.Random``. The phrase banks are written so that ordinary text
never contains a planted wrong form (see ``WORDING`` in :mod:`.estate`): the generator's tests
search every rendered page for each planted string and expect it only where it was planted.
Correct forms of the confusable words (部署, 安装, 截至, 其他 …) and of fixed political expressions
do occur in ordinary text, as on real sites.
"""

from __future__ import annotations

import random

from benchmarks.content.textgen import TOPICS

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
# No character that would let a made-up official's name be, or sound like, a national leader's
# (强, 平, 宁, 奇, 希, 正, 际, 祥, 鹏, 洋, 怡, 凯, 勇, 晨, 军 are left out: 李鹏, 汪洋, 王毅, 马凯 …).
_GIVEN = "伟芳娜敏静丽磊艳杰娟涛明超秀霞刚英华玉兰红建志文斌宇浩俊辉丹萍燕晓婷雪琳欣佳慧颖昊睿博航思远梦雨瑶嘉诚立新海卫东"


def person(rng: random.Random) -> str:
    """A common-looking made-up name (two or three characters)."""
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))


_OFFICIAL_TITLES = ["局长", "副局长", "主任", "副主任", "党组书记", "副市长", "副县长", "二级巡视员", "处长"]

TITLES = {
    "dynamic": [
        "{place}召开{topic}工作推进会",
        "{org}召开{year}年{topic}工作会议",
        "{org}开展{topic}专项检查",
        "{person}{office}带队调研{topic}工作",
        "{place}举办{topic}业务培训班",
        "{org}召开党组理论学习中心组学习会议",
        "{place}{topic}工作取得阶段性成效",
        "{org}赴基层开展{topic}督导",
        "{place}扎实推进{topic}",
        "{org}组织开展{topic}宣传活动",
        "{place}召开{topic}联席会议",
        "{org}与{other}座谈交流{topic}工作",
        "{place}{topic}典型经验做法",
        "{org}部署{topic}重点任务",
    ],
    "notice": [
        "关于{topic}有关事项的通知",
        "关于开展{year}年度{topic}工作的通知",
        "{org}关于{topic}的公告",
        "关于{topic}项目的公示",
        "{year}年{org}公开招聘工作人员公告",
        "关于征求《{place}{topic}实施方案（征求意见稿）》意见的公告",
        "关于{topic}专项资金分配结果的公示",
        "关于做好{topic}工作的通知",
    ],
    "policy": [
        "{org}关于印发《{place}{topic}实施方案》的通知",
        "{gov}办公室关于进一步加强{topic}工作的意见",
        "《{place}{topic}管理办法》",
        "{org}关于推进{topic}高质量发展的若干措施",
        "{gov}关于印发《{place}{topic}三年行动计划（{year}—{year2}年）》的通知",
    ],
    "personnel": [
        "{org}{year}年公开招聘拟聘用人员公示",
        "关于{person}等同志职务任免的通知",
        "{org}干部任前公示",
        "{year}年度考试录用公务员拟录用人员名单公示",
        "{org}{year}年公开遴选公务员公告",
    ],
    "planning": [
        "{place}{topic}“十四五”规划",
        "{org}{year}年工作计划",
        "{org}{year}年工作总结和{year2}年工作安排",
        "{place}{topic}三年行动计划（{year}—{year2}年）",
        "{org}{year}年部门预算公开",
    ],
    "other": [
        "《{place}{topic}实施方案》政策解读",
        "一图读懂《关于进一步加强{topic}工作的通知》",
        "{org}负责人就{topic}有关问题答记者问",
        "图解：{place}{topic}三年行动计划",
        "{place}{topic}专题",
        "{year}年{place}{topic}统计数据",
    ],
}

_SENTENCES = [
    "为深入贯彻落实党中央、国务院决策部署，进一步做好{topic}工作，结合本地实际，现就有关事项通知如下。",
    "会议以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大和二十届历次全会精神。",
    "各地各部门要提高政治站位，压实工作责任，确保各项措施落到实处。",
    "{place}坚持问题导向，聚焦群众急难愁盼，推动{topic}工作走深走实。",
    "会议强调，要完善工作机制，加强统筹协调，形成工作合力。",
    "下一步，将持续加大工作力度，建立健全长效机制，不断提升群众满意度。",
    "截至{month}月底，全{level}累计完成{topic}相关项目{n}个，完成年度目标任务的{pct}%。",
    "{person}{office}出席会议并讲话，{person2}主持会议。",
    "会议听取了各成员单位关于{topic}工作进展情况的汇报，研究部署了下一阶段重点工作。",
    "要坚持以人民为中心的发展思想，把{topic}作为重要民生工程抓紧抓实。",
    "检查组采取听取汇报、查阅资料、实地查看等方式，对{topic}工作开展情况进行了全面检查。",
    "针对检查中发现的问题，要建立问题清单，明确整改时限，逐项整改到位。",
    "请各单位于规定时间内报送工作进展情况，逾期未报送的予以通报。",
    "本通知自印发之日起施行，有效期五年。",
    "各有关单位要严格按照要求，认真组织实施，确保取得实效。",
    "今年以来，{place}围绕{topic}目标任务，创新工作举措，各项工作有序推进。",
    "与会人员围绕{topic}工作中遇到的困难和问题进行了深入交流，并提出了意见建议。",
    "培训采取专题授课、案例分析、现场观摩相结合的方式进行，共有{n}名业务骨干参加。",
    "此次活动共发放宣传资料{n0}余份，现场解答群众咨询{n}人次。",
    "会议要求，要加强部门协作，强化数据共享，切实提升{topic}工作的精细化水平。",
    "{org}将继续优化服务流程，压缩办理时限，推动更多事项网上办、掌上办、就近办。",
    "要切实增强“四个意识”、坚定“四个自信”、做到“两个维护”，把各项工作落到实处。",
    "如对本公示内容有异议，请于公示期内以书面形式向{org}反映，联系电话：{phone}。",
    "公示时间为{year}年{month}月{day}日至{year}年{month}月{day2}日，共5个工作日。",
    "其他未尽事宜，由{org}负责解释。",
    "联系人：{person}，联系电话：{phone}。",
    "本次调研深入{n}个乡镇（街道），实地察看了{topic}项目建设情况。",
    "要统筹发展和安全，守牢安全底线，坚决防范化解重大风险。",
    "{place}将以此次会议为契机，持续深化{topic}改革，为全{level}经济社会高质量发展贡献力量。",
    "会议传达学习了上级有关会议精神，通报了{topic}工作推进情况。",
]

_QUESTIONS = [
    "您好，我想咨询一下{topic}的申请条件和办理流程，需要准备哪些材料？",
    "请问{place}今年的{topic}补贴政策是否有调整？在哪里可以查到具体标准？",
    "我是外地户籍人员，在{place}工作三年，请问能否办理{topic}相关业务？",
    "请问{topic}业务可以网上办理吗？办理时限是多久？",
    "小区附近{topic}问题一直没有解决，请问应当向哪个部门反映？",
]
_REPLIES = [
    "您好，您反映的问题已收悉。经核实，{topic}相关业务可通过政务服务网在线办理，具体材料清单请查看办事指南。感谢您的关注和支持！",
    "您好，根据现行政策规定，符合条件的申请人可向户籍所在地或居住地的服务窗口提出申请。如有疑问，可拨打{phone}咨询。",
    "您好，您咨询的事项我局已转相关科室办理，工作人员已与您电话联系并作了解答。感谢您对我们工作的支持！",
    "您好，{topic}办理时限为承诺办结时限5个工作日，材料齐全的当场受理。欢迎您继续关注。",
]

SERVICES = [
    "城乡居民基本养老保险参保登记", "户口迁移登记", "不动产首次登记", "食品经营许可", "个体工商户设立登记",
    "建设工程规划许可证核发", "社会团体成立登记", "医疗机构执业登记", "道路货物运输经营许可", "取水许可",
    "残疾人证办理", "内地居民婚姻登记", "最低生活保障审核确认", "公共场所卫生许可", "出版物零售单位设立审批",
    "特种设备使用登记", "排污许可证核发", "药品零售企业许可", "住房公积金提取", "失业保险金申领",
    "高龄津贴申领", "临时救助审批", "民办学校设立审批", "林木采伐许可证核发", "燃气经营许可",
]

#: The ten element categories of a service guide (national.md §2.2, the tail of the list UNCONFIRMED).
GUIDE_ELEMENTS = (
    "事项名称", "设定依据", "申请条件", "办理材料", "办理地点", "办理机构", "收费标准", "办理时间", "联系电话", "办理流程",
)


class Text:
    """Text for one site: place and organisation names fixed, everything else drawn from ``rng``."""

    def __init__(self, rng: random.Random, *, place: str, org: str, gov: str, level: str, phone: str, year: int):
        self.rng, self.place, self.org, self.gov, self.level, self.phone, self.year = rng, place, org, gov, level, phone, year

    def _fill(self, template: str, topic: str) -> str:
        rng = self.rng
        month = rng.randint(1, 12)
        day = rng.randint(1, 20)
        return template.format(
            place=self.place, org=self.org, gov=self.gov, other=rng.choice(["兄弟单位", "驻地高校", "相关企业", "市直有关部门"]),
            topic=topic, year=self.year, year2=self.year + 2, month=month, day=day, day2=day + 6,
            level=self.level, n=rng.randint(3, 300), n0=rng.randint(2, 90) * 100, pct=rng.randint(40, 99),
            person=person(rng), person2=person(rng), office=rng.choice(_OFFICIAL_TITLES), phone=self.phone,
        )

    def title(self, kind: str) -> str:
        topic = self.rng.choice(TOPICS)
        return self._fill(self.rng.choice(TITLES[kind]), topic)[:60]

    def paragraphs(self, n: int | None = None) -> list[str]:
        topic = self.rng.choice(TOPICS)
        count = n if n is not None else self.rng.randint(3, 8)
        return [self._fill(s, topic) for s in self.rng.sample(_SENTENCES, count)]

    def question(self) -> tuple[str, str]:
        topic = self.rng.choice(TOPICS)
        title = self.rng.choice(["关于{topic}的咨询", "咨询{topic}办理流程", "{topic}政策咨询", "请问{topic}如何申请"])
        return title.format(topic=topic), self._fill(self.rng.choice(_QUESTIONS), topic)

    def reply(self) -> str:
        return self._fill(self.rng.choice(_REPLIES), self.rng.choice(TOPICS))

    def guide_value(self, element: str, service: str) -> str:
        rng = self.rng
        values = {
            "事项名称": service,
            "设定依据": f"《{rng.choice(['中华人民共和国行政许可法', '社会保险法', '城乡规划法', '食品安全法', '不动产登记暂行条例'])}》第{rng.randint(2, 60)}条",
            "申请条件": f"申请人具有完全民事行为能力，符合{service}的法定条件。",
            "办理材料": "1.申请表（原件1份）；2.申请人身份证件（原件核验）；3.其他相关证明材料（复印件1份）。",
            "办理地点": f"{self.place}政务服务中心{rng.randint(1, 4)}楼{rng.randint(1, 40)}号窗口",
            "办理机构": self.org,
            "收费标准": rng.choice(["不收费", "不收取费用", f"按规定标准收取工本费{rng.randint(5, 80)}元"]),
            "办理时间": "工作日上午9:00—12:00，下午13:30—17:00（法定节假日除外）",
            "联系电话": self.phone,
            "办理流程": "申请→受理→审查→决定→送达",
        }
        return values[element]
