"""Advertising patterns that a word list cannot express: contact IDs, sales phone numbers, prices,
QR-code bait and shop links.

They run on the *light* view (width and case folded, invisible characters removed, punctuation
kept), so ``ＶＸ：ａｂｃ１２３`` reads as ``vx:abc123``. Speed on megabytes of text: every
quantifier is bounded, and a pattern that cannot start with a cheap character class runs only
in a small window around a *trigger* (a cheap regex that every match contains, e.g. ``元`` for
prices), because Python's regex engine is only fast when it can skip ahead on a first character.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .normalize import SENTENCE_END

Span = tuple[int, int, str]  # start, end, note

_ID = r"[a-z0-9][a-z0-9_-]{4,19}(?![a-z0-9_-])"
_GAP = r"\s{0,3}"
_NUMBER = r"(?<![0-9.])[0-9]{1,9}(?:\.[0-9]{1,2})?"
_CURRENCY = "[¥$]"  # ￥ and ＄ fold to these
_LATIN_OR_DIGIT = "abcdefghijklmnopqrstuvwxyz0123456789"
_CONTACT_NOTE = "留下微信、QQ等联系方式招揽生意"

PHONE_CANDIDATE = re.compile(r"[+0-9][0-9\s-]{6,}")
PHONE = re.compile(
    r"(?<![0-9])(?:(?:\+?86[\s-]?)?1[3-9][0-9](?:[\s-]?[0-9]){8}"
    r"|0[1-9][0-9]{1,2}[\s-]?[0-9]{7,8}"
    r"|400[\s-]?[0-9]{3}[\s-]?[0-9]{4})(?![0-9])"
)
SELLING = re.compile(
    "促销|特价|优惠价|优惠券|打折|折扣价|包邮|加盟|订购|下单|批发|出售|回收|货到付款|低价|秒杀|团购|抢购|代开|办证|无抵押"
)
PHONE_WINDOW = 25


def clusters(characters: str, reach: int) -> re.Pattern[str]:
    """Trigger characters grouped while less than two reaches apart, so windows never overlap
    and a text made only of triggers is scanned once, not once per character."""
    return re.compile(f"[{characters}](?:[^{characters}]{{0,{2 * reach}}}[{characters}])*")


@dataclass(frozen=True, slots=True)
class Pattern:
    """A regex heuristic.

    ``trigger``: scan only ``reach`` characters around the trigger hits (every match contains
    one; see :func:`clusters`). ``not_after``: characters that may not precede a match
    ("参加vr" is not "加v").
    """

    term: str  # shown to the editor as what was found
    note: str
    pattern: re.Pattern[str]
    trigger: re.Pattern[str] | None = None
    reach: int = 0
    not_after: str = ""

    def _matches(self, text: str) -> Iterator[re.Match[str]]:
        if self.trigger is None:
            yield from self.pattern.finditer(text)
            return
        done = 0
        for cluster in self.trigger.finditer(text):
            for match in self.pattern.finditer(text, max(done, cluster.start() - self.reach), cluster.end() + self.reach):
                done = match.end()
                yield match

    def find(self, text: str) -> Iterator[Span]:
        for match in self._matches(text):
            start = match.start()
            if not (start and text[start - 1] in self.not_after):
                yield start, match.end(), self.note


@dataclass(frozen=True, slots=True)
class SalesPhone:
    """A phone number is an ad only with a selling word in the same sentence nearby."""

    term: str = "销售电话"

    def find(self, text: str) -> Iterator[Span]:
        for candidate in PHONE_CANDIDATE.finditer(text):
            for match in PHONE.finditer(text, candidate.start(), candidate.end()):
                start, end = match.span()
                before = SENTENCE_END.split(text[max(0, start - PHONE_WINDOW) : start])[-1]
                after = SENTENCE_END.split(text[end : end + PHONE_WINDOW], maxsplit=1)[0]
                word = SELLING.search(before) or SELLING.search(after)
                if word:
                    yield start, end, f"电话号码附近有“{word.group()}”等销售用语"


HEURISTICS = (
    Pattern(
        "微信/QQ联系方式",
        _CONTACT_NOTE,
        re.compile(rf"[加+]{_GAP}(?:vx|wx|v信|微信|威信|薇信|徽信|微|v|qq|扣扣|q){_GAP}号?{_GAP}:?{_GAP}{_ID}"),
        not_after="参增更附追" + _LATIN_OR_DIGIT,
    ),
    Pattern(
        "微信/QQ联系方式",
        _CONTACT_NOTE,
        re.compile(rf"(?=[vwq威薇徽扣微])(?:vx|wx|v信|威信|薇信|徽信|qq号|qq群|qq|扣扣|微信号){_GAP}:?{_GAP}{_ID}"),
        not_after=_LATIN_OR_DIGIT + "加+",
    ),
    Pattern("微信/QQ联系方式", _CONTACT_NOTE, re.compile(rf"微信{_GAP}:{_GAP}{_ID}"), not_after="加+"),
    SalesPhone(),
    Pattern(
        "商品标价",
        "疑似商品促销标价",
        re.compile(
            rf"{_CURRENCY}{_GAP}{_NUMBER}{_GAP}元?{_GAP}(?:包邮|起|秒杀|抢购|特价|/件|/盒|/斤|/瓶|/套|一件|一盒)"
            rf"|(?:仅售|特价|秒杀价|促销价|优惠价|到手价|券后价?|活动价|团购价|折后价|低至){_GAP}:?{_GAP}"
            rf"{_CURRENCY}?{_GAP}{_NUMBER}{_GAP}元"
            rf"|{_NUMBER}{_GAP}元{_GAP}(?:包邮|秒杀|抢购|起售|一件|/件)"
            rf"|原价{_GAP}:?{_GAP}{_CURRENCY}?{_GAP}{_NUMBER}{_GAP}元?{_GAP},?{_GAP}现价"
        ),
        trigger=clusters("元¥$", 40),
        reach=40,
    ),
    Pattern(
        "扫码引流",
        "以扫码领取、购买等方式引流",
        re.compile(
            rf"(?:扫码|扫描二维码|扫一扫|长按识别二维码|长按二维码|识别二维码){_GAP}(?:即可|立即|免费)?{_GAP}"
            "(?:领取|领红包|购买|下单|抢购|加好友|进群|入群|咨询客服)"
        ),
    ),
    Pattern(
        "电商链接",
        "链接指向电商平台",
        re.compile(r"(?:(?:taobao|tmall|jd|pinduoduo|yangkeduo|weidian|1688)\.com|tb\.cn)(?![a-z0-9-])"),
        not_after=_LATIN_OR_DIGIT + "-",
    ),
)
