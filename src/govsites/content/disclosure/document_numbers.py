"""发文字号: document numbers ``机关代字〔YYYY〕N号`` (national.md §7.3, GB/T 9704—2012 §7.2.4).

GB/T 9704 says: the year is written in full and enclosed in hexagonal brackets 〔〕, the serial
number has no 第 and no padding zeros (1, not 01), and is followed by 号. Editors routinely type
``[2017]``, ``（2017）``, ``【2017】``, ``〔2017年〕``, ``047``, full-width digits or spaces, so the
parser recognises each of those, says exactly what is wrong and proposes the corrected number.
Government orders are numbered without a year (``国务院令第732号``) and are accepted too.

The year bound depends on "now", which the caller passes in (``current_year``) so rule code keeps
one source of time (``govsites.clock``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from .errors import DisclosureError

FIRST_YEAR = 1949
EXAMPLE = "国办发〔2017〕47号"
ORDER_EXAMPLE = "国务院令第732号"

# Bracket pairs editors use instead of 〔〕, with the name the message gives them.
BRACKETS = {
    "〔": ("〕", "六角括号“〔〕”"),
    "[": ("]", "方括号“[]”"),
    "［": ("］", "全角方括号“［］”"),
    "(": (")", "半角圆括号“()”"),
    "（": ("）", "圆括号“（）”"),
    "【": ("】", "方头括号“【】”"),
    "﹝": ("﹞", "形近的小号六角括号“﹝﹞”"),
    "〖": ("〗", "空心方头括号“〖〗”"),
    "{": ("}", "花括号“{}”"),
}
_OPEN = re.escape("".join(BRACKETS))
_CLOSE = re.escape("".join(close for close, _ in BRACKETS.values()))
_NOT_AGENCY = rf"[^\d{_OPEN}{_CLOSE}]"
_YEARLY = re.compile(
    rf"^(?P<agency>{_NOT_AGENCY}*?)(?P<open>[{_OPEN}])(?P<year>\d+)(?P<nian>年?)(?P<close>[{_CLOSE}])"
    r"(?P<di>第?)(?P<serial>\d+)(?P<hao>号?)$"
)
_ORDER = re.compile(rf"^(?P<agency>{_NOT_AGENCY}*令)(?P<di>第?)(?P<serial>\d+)(?P<hao>号?)$")
_WHITESPACE = re.compile(r"\s+")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Issues after which no corrected number can be proposed.
_UNFIXABLE = {"agency_missing", "agency_format", "year_format", "year_range", "serial_zero"}


class Issue(NamedTuple):
    """One thing wrong with a number: ``kind`` for code, ``message`` (Chinese) for people."""

    kind: str
    message: str


@dataclass(frozen=True)
class DocumentNumber:
    """A valid document number; ``year`` is None for government orders (``国务院令第732号``)."""

    agency_code: str
    year: int | None
    serial: int

    def __str__(self) -> str:
        if self.year is None:
            return f"{self.agency_code}第{self.serial}号"
        return f"{self.agency_code}〔{self.year}〕{self.serial}号"


def parse(value: str, *, current_year: int) -> DocumentNumber:
    """Parse and validate a document number; raises :class:`DisclosureError` listing every issue.

    The error's ``issues`` holds each problem and ``suggestion`` the corrected number when the
    input can be corrected mechanically.
    """
    text = (value or "").strip()
    if not text:
        raise DisclosureError(f"请填写发文字号，如“{EXAMPLE}”。", kind="missing")
    issues: list[Issue] = []
    compact = _WHITESPACE.sub("", text)
    if compact != text:
        issues.append(Issue("spaces", "发文字号中不应有空格"))
    normalised = compact.translate(_FULLWIDTH_DIGITS)
    if normalised != compact:
        issues.append(
            Issue(
                "fullwidth_digits",
                "年份和序号应使用半角阿拉伯数字（如“2017”），不要用全角数字（如“２０１７”）",
            )
        )
    if match := _YEARLY.match(normalised):
        year = _year(match, issues, current_year)
        if match["di"]:
            issues.append(Issue("ordinal", "发文顺序号前不加“第”字"))
    elif match := _ORDER.match(normalised):
        year = None
        if not match["di"]:
            issues.append(Issue("order_ordinal", f"政府令的序号前应加“第”字（如“{ORDER_EXAMPLE}”）"))
    else:
        raise DisclosureError(
            "发文字号应由机关代字、用六角括号“〔〕”括入的四位年份、发文顺序号和“号”字组成，"
            f"如“{EXAMPLE}”（政府令写作“{ORDER_EXAMPLE}”）；“{text}”不符合。",
            kind="format",
        )
    agency = _agency(match["agency"], issues)
    serial = _serial(match["serial"], match["hao"], issues)
    number = DocumentNumber(agency, year, serial)
    if issues:
        _raise(text, issues, number)
    return number


def _agency(agency: str, issues: list[Issue]) -> str:
    if not agency:
        issues.append(Issue("agency_missing", "缺少机关代字（如“国办发”“晋政办发”）"))
    elif not _CJK.search(agency):
        issues.append(
            Issue("agency_format", f"机关代字“{agency}”应为发文机关的汉字代字（如“国办发”“晋政办发”）")
        )
    return agency


def _year(match: re.Match, issues: list[Issue], current_year: int) -> int:
    opening, closing = match["open"], match["close"]
    expected_close, name = BRACKETS[opening]
    if opening != "〔" or closing != "〕":
        used = name if closing == expected_close else f"不成对的括号“{opening}{closing}”"
        issues.append(Issue("brackets", f"年份应使用六角括号“〔〕”括入，不能用{used}"))
    if match["nian"]:
        issues.append(Issue("year_suffix", "年份后不加“年”字"))
    digits = match["year"]
    year = int(digits)
    if len(digits) == 2:
        year = 2000 + year if 2000 + year <= current_year + 1 else 1900 + year
        issues.append(Issue("year_abbreviated", f"年份应标全称（四位数字），“{digits}”应写作“{year}”"))
    elif len(digits) != 4:
        issues.append(Issue("year_format", f"年份应为四位数字，“{digits}”不符合"))
    if len(digits) == 4 and not FIRST_YEAR <= year <= current_year + 1:
        issues.append(Issue("year_range", f"年份{year}不在合理范围内（{FIRST_YEAR}—{current_year + 1}年）"))
    return year


def _serial(digits: str, hao: str, issues: list[Issue]) -> int:
    serial = int(digits)
    if serial == 0:
        issues.append(Issue("serial_zero", "发文顺序号须从1起编"))
    elif digits.startswith("0"):
        issues.append(Issue("leading_zeros", f"发文顺序号不编虚位，“{digits}”应写作“{serial}”"))
    if not hao:
        issues.append(Issue("missing_hao", "发文顺序号后须加“号”字"))
    return serial


def _raise(text: str, issues: list[Issue], corrected: DocumentNumber) -> None:
    fixable = not any(issue.kind in _UNFIXABLE for issue in issues)
    suggestion = str(corrected) if fixable else None
    message = f"发文字号“{text}”有误：" + "；".join(issue.message for issue in issues) + "。"
    if suggestion:
        message += f"应写作“{suggestion}”。"
    raise DisclosureError(message, kind=issues[0].kind, suggestion=suggestion, issues=tuple(issues))
