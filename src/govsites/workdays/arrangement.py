"""The small text format an administrator loads a year's arrangement with (docs/workdays.md).

::

    # 国务院办公厅关于2027年部分节假日安排的通知
    year: 2027
    notice: 国办发明电〔2026〕X号
    # 类型, 开始日期, 结束日期（单日可留空）, 名称
    holiday, 2027-01-01, 2027-01-03, 元旦
    workday, 2027-02-07, , 春节调休上班

UTF-8 (a BOM is fine); ``#`` starts a comment; blank lines are ignored; commas may be ASCII or
full-width. ``year`` and ``notice`` (``年份`` / ``文号``) are required once each. Each other line
is ``kind, first day, last day, name``: kind ``holiday``/``放假`` (a range of days off) or
``workday``/``上班`` (an adjusted working Saturday or Sunday). The last day may be empty (one
day); the name may contain commas.

Parsing is strict and reports *every* problem with its line number in one go, in Chinese; a file
with any error loads nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

HOLIDAY, WORKDAY = "holiday", "workday"
KINDS = {"holiday": HOLIDAY, "放假": HOLIDAY, "workday": WORKDAY, "上班": WORKDAY}
KIND_LABELS = {HOLIDAY: "放假", WORKDAY: "调休上班"}
HEADERS = {"year": "year", "年份": "year", "notice": "notice", "文号": "notice", "通知文号": "notice"}

MAX_BYTES = 64 * 1024
MAX_LINES = 1000
MAX_RANGE_DAYS = 31  # the longest arrangement ever was 9 days; longer is a typo
MAX_NAME = 50
MAX_NOTICE = 100
FIRST_YEAR, LAST_YEAR = 2000, 2100
WEEKDAYS = "一二三四五六日"

_SEPARATOR = re.compile(r"\s*[,，]\s*")
_COLON = re.compile(r"\s*[:：]\s*")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


@dataclass(frozen=True)
class Problem:
    line: int | None
    text: str

    def __str__(self) -> str:
        return f"第{self.line}行：{self.text}" if self.line else self.text


class CalendarError(ValidationError):
    """The arrangement cannot be loaded; ``problems`` lists why (with line numbers where known)."""

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem(None, problems)]
        self.problems = problems
        super().__init__([str(p) for p in problems])


@dataclass(frozen=True)
class Day:
    date: dt.date
    kind: str
    name: str
    line: int | None = None


@dataclass
class Arrangement:
    year: int
    notice: str
    days: list[Day]
    warnings: list[Problem] = field(default_factory=list)

    def entries(self) -> list[tuple[dt.date, str, str]]:
        return sorted((d.date, d.kind, d.name) for d in self.days)

    def count(self, kind: str) -> int:
        return sum(1 for d in self.days if d.kind == kind)


def weekday_label(day: dt.date) -> str:
    return "周" + WEEKDAYS[day.weekday()]


def decode(data: bytes) -> str:
    """The uploaded bytes as text (UTF-8 only), or :class:`CalendarError`."""
    if len(data) > MAX_BYTES:
        raise CalendarError(f"文件过大（{len(data) // 1024} KB）：放假安排表格不应超过 {MAX_BYTES // 1024} KB。")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CalendarError("文件不是 UTF-8 编码。请在编辑器中选择“UTF-8”编码另存后重新上传。") from None
    if "\x00" in text:
        raise CalendarError("文件含有无法识别的字符，请上传纯文本（.txt 或 .csv）文件。")
    return text


def parse(text: str) -> Arrangement:
    """Read and check an arrangement; raises :class:`CalendarError` listing every problem."""
    problems: list[Problem] = []
    headers: dict[str, tuple[str, int]] = {}
    rows: list[tuple[int, str, dt.date, dt.date, str]] = []
    lines = text.lstrip("\ufeff").splitlines()
    if len(lines) > MAX_LINES:
        raise CalendarError(f"文件共 {len(lines)} 行，超过 {MAX_LINES} 行的上限，请只填写放假安排。")

    for number, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        first = _SEPARATOR.split(line, maxsplit=1)[0]
        if _COLON.search(first):
            _header(line, number, headers, problems)
        else:
            row = _row(line, number, problems)
            if row is not None:
                rows.append(row)

    year = _year(headers, problems)
    notice = _notice(headers, problems)
    if not rows and not problems:
        problems.append(Problem(None, "没有任何放假或调休上班日期。每行一项，例如：holiday, 2027-01-01, 2027-01-03, 元旦"))
    days, warnings = _days(rows, year, problems)
    if problems:
        raise CalendarError(problems)
    return Arrangement(year=year, notice=notice, days=days, warnings=warnings)


def _header(line: str, number: int, headers: dict, problems: list[Problem]) -> None:
    key, value = _COLON.split(line, maxsplit=1)
    name = HEADERS.get(key.strip().lower())
    if name is None:
        problems.append(Problem(number, f"无法识别的项目“{key.strip()}”：只能是 year（年份）或 notice（通知文号）。"))
    elif name in headers:
        problems.append(Problem(number, f"{_header_label(name)}重复填写（第{headers[name][1]}行已填写）。"))
    else:
        headers[name] = (value.strip(), number)


def _header_label(name: str) -> str:
    return "年份（year）" if name == "year" else "通知文号（notice）"


def _year(headers: dict, problems: list[Problem]) -> int | None:
    if "year" not in headers:
        problems.append(Problem(None, "缺少年份：请在文件开头写一行“year: 2027”。"))
        return None
    value, number = headers["year"]
    if not re.fullmatch(r"\d{4}", value) or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        problems.append(Problem(number, f"年份“{value}”无效：应为四位数字，如 2027。"))
        return None
    return int(value)


def _notice(headers: dict, problems: list[Problem]) -> str:
    value, number = headers.get("notice", ("", None))
    if not value:
        problems.append(Problem(number, "缺少通知文号：请写一行“notice: 国办发明电〔2026〕7号”（以通知原文为准）。"))
    elif len(value) > MAX_NOTICE:
        problems.append(Problem(number, f"通知文号过长（{len(value)}个字，最多{MAX_NOTICE}个）。"))
    return value


def _date(value: str, label: str, number: int, problems: list[Problem]) -> dt.date | None:
    match = _DATE.fullmatch(value)
    try:
        if match is None:
            raise ValueError
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        shown = value or "（空）"
        problems.append(Problem(number, f"{label}“{shown}”不是有效日期，应写成 2027-01-01 的形式。"))
        return None


def _row(line: str, number: int, problems: list[Problem]):
    fields = _SEPARATOR.split(line, maxsplit=3)
    if len(fields) != 4:
        problems.append(Problem(number, "应有4项，以逗号分隔：类型, 开始日期, 结束日期, 名称"
                                        "（单日的结束日期可留空，但逗号不能省略）。"))
        return None
    kind_text, start_text, end_text, name = (f.strip() for f in fields)
    before = len(problems)
    kind = KINDS.get(kind_text.lower())
    if kind is None:
        problems.append(Problem(number, f"未知的类型“{kind_text}”：只能是 holiday（放假）或 workday（调休上班）。"))
    start = _date(start_text, "开始日期", number, problems)
    end = _date(end_text, "结束日期", number, problems) if end_text else start
    if start and end and end < start:
        problems.append(Problem(number, f"结束日期 {end} 早于开始日期 {start}。"))
    elif start and end and (end - start).days >= MAX_RANGE_DAYS:
        problems.append(Problem(number, f"{start} 至 {end} 超过{MAX_RANGE_DAYS}天，请检查日期。"))
    if not name:
        problems.append(Problem(number, "请填写名称（如“春节”或“春节调休上班”）。"))
    elif len(name) > MAX_NAME:
        problems.append(Problem(number, f"名称过长（{len(name)}个字，最多{MAX_NAME}个）。"))
    if len(problems) > before:
        return None
    return number, kind, start, end, name


def _days(rows, year: int | None, problems: list[Problem]) -> tuple[list[Day], list[Problem]]:
    seen: dict[dt.date, int] = {}
    days: list[Day] = []
    warnings: list[Problem] = []
    for number, kind, start, end, name in rows:
        span = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
        if year is not None and any(day.year != year for day in span):
            problems.append(Problem(number, f"日期 {start if start.year != year else end} 不在{year}年内。"
                                            f"每个文件只载入一年；跨年的调休日属于它所在的那一年。"))
            continue
        for day in span:
            if day in seen:
                problems.append(Problem(number, f"{day} 已在第{seen[day]}行列出，同一天只能出现一次。"))
                continue
            seen[day] = number
            if kind == WORKDAY and day.weekday() < 5:
                problems.append(Problem(number, f"{day}（{weekday_label(day)}）本来就是工作日：调休上班日只能是周六或周日。"))
                continue
            days.append(Day(day, kind, name, number))
        if kind == HOLIDAY and all(day.weekday() >= 5 for day in span):
            warnings.append(Problem(number, f"{start} 至 {end} 都是周六或周日，本来就休息；仍按通知记为放假。"
                                    if end != start else f"{start}（{weekday_label(start)}）本来就休息；仍按通知记为放假。"))
    return days, warnings


def render(year: int, notice: str, entries, *, title: str = "") -> str:
    """The file for stored days (consecutive days of one kind and name become one range), so an
    administrator can download a year, correct it and load it again."""
    lines = [f"# {title}" if title else f"# {year}年放假安排", f"year: {year}", f"notice: {notice}",
             "# 类型, 开始日期, 结束日期, 名称"]
    ranges: list[list] = []
    for day, kind, name in sorted(entries):
        last = ranges[-1] if ranges else None
        if last and last[0] == kind and last[3] == name and last[2] + dt.timedelta(days=1) == day:
            last[2] = day
        else:
            ranges.append([kind, day, day, name])
    for kind, start, end, name in ranges:
        lines.append(f"{kind}, {start.isoformat()}, {end.isoformat() if end != start else ''}, {name}")
    return "\n".join(lines) + "\n"
