"""Fictional names for the demo estate: places, departments, people, phones, addresses.

The demo must never look like a counterfeit of a real government site (SEC-07 is about
catching exactly that), so:

- the province is "澜川省" (abbreviation "澜", pinyin ``lanchuan``) under the unassigned
  division prefix ``99``; its capital is "青岚市" (``qinglan``), as in the test factories;
- every other place name is a two-character combination drawn from pools of poetic characters
  that real place names seldom use, and every candidate whose pinyin is a known real province,
  prefecture, county or district (``real_places.txt``, compiled from general knowledge, not an
  official list) is dropped. ``is_real_place`` is the check; the tests run it on every demo host.

Department names, short names and domain labels follow real provincial and municipal practice
(发改委 → ``fgw``), since those labels sit under the fictional place's domain. Phones use the
area codes 0600–0630, which no Chinese city has, and a ``555`` local prefix.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from govsites.registry.identifiers import full_pinyin

PROVINCE = "澜川"
PROVINCE_PINYIN = "lanchuan"
PROVINCE_ABBREVIATION = "澜"
PROVINCE_CODE = "990000"
CAPITAL = "青岚"
CAPITAL_PINYIN = "qinglan"

_FIRST = "汀芷蘅筠棠琅翎黛箬蒹漪溆湄霏岫岑樾萱苒珞琮菁葳荻霓鸥鸾澜霁璎瑾芮蓁绮雩霖桐蕖芸莳苓蔚璞曦晗溟潆泓澹沐渌漱"
_SECOND = "汀渚湄岫岚湾塘浦屿涧皋麓漾潭沚阜谷坞霞崖峦矶埭渡滨棠"
# Readings that sound like words a government domain must not say (政务, 通知, 汉奸, 监狱 …),
# famous names (欧阳, 兰亭) or something silly (地狱, 母鸡).
_AVOID = {
    "diyu", "feiwu", "feiji", "yiyu", "luanji", "shitang", "lanting", "dandu", "shiwu", "mutan", "ouyang",
    "yingyu", "tingzhi", "weiji", "weixiu", "shuji", "zhentan", "mingji", "jidu", "muji", "nigu", "dixia",
    "jinji", "hanjian", "dizhu", "jianyu", "jingji", "tongzhi", "xuzhi", "shiji", "shizhi",
}


@cache
def real_places() -> frozenset[str]:
    """Pinyin of real Chinese places (see the module docstring)."""
    text = (Path(__file__).with_name("real_places.txt")).read_text(encoding="utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            words.update(line.partition(":")[2].split())
    return frozenset(words)


def is_real_place(pinyin: str) -> bool:
    return pinyin.lower() in real_places()


@dataclass(frozen=True)
class Place:
    name: str
    pinyin: str


class PlaceNames:
    """Unique fictional place names, in a seeded random order."""

    def __init__(self, rng: random.Random):
        reserved = {PROVINCE_PINYIN, CAPITAL_PINYIN}
        candidates: dict[str, Place] = {}
        for first in _FIRST:
            for second in _SECOND:
                if first == second:
                    continue
                pinyin = full_pinyin(first + second)
                if full_pinyin(first) == full_pinyin(second) or pinyin in _AVOID:
                    continue
                if pinyin in reserved or pinyin in candidates or is_real_place(pinyin):
                    continue
                candidates[pinyin] = Place(first + second, pinyin)
        self._pool = sorted(candidates.values(), key=lambda p: p.pinyin)
        rng.shuffle(self._pool)

    def take(self) -> Place:
        if not self._pool:
            raise RuntimeError("The fictional place-name pool is exhausted; use a smaller scale.")
        return self._pool.pop()

    def __len__(self) -> int:
        return len(self._pool)


@dataclass(frozen=True)
class Department:
    """One kind of government department, as it is named at provincial and at city level.

    ``None`` for a level means such a department does not exist there. A full name that starts
    with "人民政府" follows the place's government name (澜川省人民政府外事办公室).
    """

    key: str
    province: tuple[str, str, str] | None  # full name, short name, domain label
    city: tuple[str, str, str] | None


def _same(full: str, short: str, label: str) -> tuple[str, str, str]:
    return (full, short, label)


# Most important first: a smaller scale takes a prefix of this list.
DEPARTMENTS = [
    Department("fgw", _same("发展和改革委员会", "发改委", "fgw"), _same("发展和改革委员会", "发改委", "fgw")),
    Department("jy", ("教育厅", "教育厅", "jyt"), ("教育局", "教育局", "jyj")),
    Department("ga", ("公安厅", "公安厅", "gat"), ("公安局", "公安局", "gaj")),
    Department("cz", ("财政厅", "财政厅", "czt"), ("财政局", "财政局", "czj")),
    Department("rs", ("人力资源和社会保障厅", "人社厅", "rst"), ("人力资源和社会保障局", "人社局", "rsj")),
    Department("sc", ("市场监督管理局", "市场监管局", "scjgj"), ("市场监督管理局", "市场监管局", "scjgj")),
    Department("sj", ("数据局", "数据局", "sjj"), ("数据资源管理局", "数据资源局", "sjzyj")),
    Department("ty", ("退役军人事务厅", "退役军人厅", "tyjrt"), ("退役军人事务局", "退役军人局", "tyjrj")),
    Department("yb", ("医疗保障局", "医保局", "ybj"), ("医疗保障局", "医保局", "ybj")),
    Department("xf", ("信访局", "信访局", "xfj"), ("信访局", "信访局", "xfj")),
    Department("yj", ("应急管理厅", "应急厅", "yjt"), ("应急管理局", "应急局", "yjj")),
    Department("rf", _same("人民防空办公室", "人防办", "rfb"), _same("人民防空办公室", "人防办", "rfb")),
    Department("wj", _same("卫生健康委员会", "卫健委", "wjw"), _same("卫生健康委员会", "卫健委", "wjw")),
    Department("zj", ("住房和城乡建设厅", "住建厅", "zjt"), ("住房和城乡建设局", "住建局", "zjj")),
    Department("jt", ("交通运输厅", "交通运输厅", "jtyst"), ("交通运输局", "交通运输局", "jtysj")),
    Department("zr", ("自然资源厅", "自然资源厅", "zrzyt"), ("自然资源和规划局", "自然资源和规划局", "zrzyj")),
    Department("st", ("生态环境厅", "生态环境厅", "sthjt"), ("生态环境局", "生态环境局", "sthjj")),
    Department("ny", ("农业农村厅", "农业农村厅", "nynct"), ("农业农村局", "农业农村局", "nyncj")),
    Department("kj", ("科学技术厅", "科技厅", "kjt"), ("科学技术局", "科技局", "kjj")),
    Department("gx", ("工业和信息化厅", "工信厅", "gxt"), ("工业和信息化局", "工信局", "gxj")),
    Department("sw", ("商务厅", "商务厅", "swt"), ("商务局", "商务局", "swj")),
    Department("wl", ("文化和旅游厅", "文旅厅", "wlt"), ("文化广电旅游局", "文广旅局", "wglj")),
    Department("sl", ("水利厅", "水利厅", "slt"), ("水利局", "水利局", "slj")),
    Department("mz", ("民政厅", "民政厅", "mzt"), ("民政局", "民政局", "mzj")),
    Department("sf", ("司法厅", "司法厅", "sft"), ("司法局", "司法局", "sfj")),
    Department("sjt", ("审计厅", "审计厅", "sjt"), ("审计局", "审计局", "sjj")),
    Department("tj", ("统计局", "统计局", "tjj"), ("统计局", "统计局", "tjj")),
    Department("gz", _same("人民政府国有资产监督管理委员会", "国资委", "gzw"),
               _same("人民政府国有资产监督管理委员会", "国资委", "gzw")),
    Department("mzw", ("民族宗教事务委员会", "民宗委", "mzw"), ("民族宗教事务局", "民宗局", "mzzj")),
    Department("ly", ("林业局", "林业局", "lyj"), ("林业局", "林业局", "lyj")),
    Department("tyj", ("体育局", "体育局", "tyj"), ("体育局", "体育局", "tyj")),
    Department("jg", ("机关事务管理局", "机关事务局", "jgswj"), ("机关事务管理局", "机关事务局", "jgswj")),
    Department("jr", ("地方金融管理局", "金融局", "jrj"), ("地方金融管理局", "金融局", "jrj")),
    Department("lc", ("粮食和物资储备局", "粮储局", "lcj"), ("粮食和物资储备局", "粮储局", "lcj")),
    Department("wb", _same("人民政府外事办公室", "外办", "wb"), _same("人民政府外事办公室", "外办", "wb")),
    Department("zw", ("政务服务管理局", "政务服务局", "zwfwj"), ("行政审批服务局", "行政审批局", "xzspj")),
    Department("tc", ("投资促进局", "投促局", "tcj"), ("投资促进局", "投促局", "tcj")),
    Department("cg", None, ("城市管理局", "城管局", "cgj")),
    Department("gd", ("广播电视局", "广电局", "gdj"), None),
    Department("nyj", ("能源局", "能源局", "nyj"), None),
    Department("yjj", ("药品监督管理局", "药监局", "yjj"), None),
    Department("zscq", ("知识产权局", "知识产权局", "zscqj"), None),
    Department("zyy", ("中医药管理局", "中医药局", "zyyj"), None),
    Department("jyg", ("监狱管理局", "监狱局", "jyglj"), None),
    Department("ww", ("文物局", "文物局", "wwj"), None),
    Department("dz", ("地震局", "地震局", "dzj"), None),
]

# County departments recorded for the integration stories (REG-03: they may not open sites).
COUNTY_DEPARTMENTS = [
    ("教育局", "jyj"), ("卫生健康局", "wsjkj"), ("农业农村局", "nyncj"), ("自然资源局", "zrzyj"),
    ("市场监督管理局", "scjgj"), ("文化和旅游局", "wlj"),
]

# Departments abolished by the institutional reforms whose old sites are still registered
# (zombie sites to integrate, REG-14), with the department that took their duties over.
ABOLISHED_DEPARTMENTS = [
    ("食品药品监督管理局", "spypjgj", "sc"),
    ("物价局", "wjj", "sc"),
    ("卫生和计划生育委员会", "wsjsw", "wj"),
    ("工商行政管理局", "gsj", "sc"),
    ("质量技术监督局", "zljdj", "sc"),
]

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华玉兰红建志文斌宇浩凯鹏俊辉丹萍燕晓婷雪琳欣怡佳慧颖晨昊睿博航思远梦雨瑶嘉诚立新海卫东"
# Names of national leaders, past and present: never generated for a fictional official.
_FAMOUS = {
    "毛泽东", "周恩来", "刘少奇", "朱德", "邓小平", "江泽民", "胡锦涛", "习近平", "李鹏", "朱镕基", "温家宝",
    "李克强", "李强", "赵乐际", "王沪宁", "蔡奇", "丁薛祥", "李希", "韩正", "王岐山", "王毅", "汪洋", "栗战书",
}


def person(rng: random.Random) -> str:
    """A common-looking three-character Chinese name."""
    while True:
        name = rng.choice(_SURNAMES) + "".join(rng.sample(_GIVEN, 2))
        if name not in _FAMOUS:
            return name


def phone(rng: random.Random, area: str) -> str:
    """``0601-55501234``: area codes 0600–0630 are unassigned; 555 marks the number as made up."""
    return f"0{area}-555{rng.randrange(10000, 100000)}"


_ROADS = ["人民路", "政务大道", "文昌路", "明德路", "府前街", "建设路", "迎宾大道", "滨江路", "新华路", "和平路", "行政中心路"]


def address(rng: random.Random, place: str) -> str:
    return f"{place}{rng.choice(_ROADS)}{rng.randrange(1, 300)}号"
