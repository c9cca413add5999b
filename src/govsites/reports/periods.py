"""Report periods and due dates.

A period is written the way people say it: ``2026-11`` (a month), ``2026-Q4`` (a quarter),
``2026`` (a year). Due dates come from the profile (``reports.due.<kind>``): the report of a
period is due by ``day`` of the month ``months_after`` months after the period's last month;
``day = 0`` means the profile sets no due date for that report. Shanxi (SUP-01): monthly by the
6th of the next month (``1``/``6``), quarterly by the 6th of the quarter's last month (``0``/``6``),
annual by 6 January (``1``/``6``); the national rule and Chongqing (SUP-02): the annual report
public by 31 January (``1``/``31``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from govsites.interaction.statistics import Period
from govsites.policy import profiles

from .models import ReportKind

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")

FORMATS = {ReportKind.MONTHLY: "2026-11", ReportKind.QUARTERLY: "2026-Q4", ReportKind.ANNUAL: "2026"}


@dataclass(frozen=True)
class ReportPeriod:
    kind: str
    key: str  # the canonical text: 2026-11, 2026-Q4, 2026
    period: Period

    @property
    def label(self) -> str:
        return self.period.label

    @property
    def year(self) -> int:
        return self.period.first.year

    def months(self) -> list[Period]:
        """The calendar months of the period, in order."""
        first, out = self.period.first, []
        while first <= self.period.last:
            out.append(Period.month(first.year, first.month))
            first = _add_months(first, 1)
        return out

    def quarters(self) -> list[Period]:
        return [Period.quarter(self.year, q) for q in range(1, 5)] if self.kind == ReportKind.ANNUAL else []


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def parse(kind: str, text: str) -> ReportPeriod:
    """The period of a ``kind`` report written as ``text``; a Chinese ValidationError otherwise."""
    text = (text or "").strip()
    if kind not in ReportKind.values:
        raise ValidationError({"kind": "请选择报表类型。"})
    pattern = {ReportKind.MONTHLY: _MONTH, ReportKind.QUARTERLY: _QUARTER, ReportKind.ANNUAL: _YEAR}[kind]
    match = pattern.match(text)
    year = int(match.group(1)) if match else 0
    if not match or not 2000 <= year <= 2100:
        raise ValidationError({"period": f"报告期格式应为 {FORMATS[kind]}。"})
    if kind == ReportKind.MONTHLY:
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise ValidationError({"period": f"报告期格式应为 {FORMATS[kind]}，月份为1至12。"})
        return ReportPeriod(kind, f"{year}-{month:02d}", Period.month(year, month))
    if kind == ReportKind.QUARTERLY:
        quarter = int(match.group(2))
        return ReportPeriod(kind, f"{year}-Q{quarter}", Period.quarter(year, quarter))
    return ReportPeriod(kind, f"{year}", Period.year(year))


def containing(kind: str, day: dt.date) -> ReportPeriod:
    """The ``kind`` period that contains ``day``."""
    if kind == ReportKind.MONTHLY:
        return parse(kind, f"{day.year}-{day.month}")
    if kind == ReportKind.QUARTERLY:
        return parse(kind, f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    return parse(kind, f"{day.year}")


def shifted(period: ReportPeriod, steps: int) -> ReportPeriod:
    """The period ``steps`` periods after (negative: before) ``period``."""
    months = {ReportKind.MONTHLY: 1, ReportKind.QUARTERLY: 3, ReportKind.ANNUAL: 12}[period.kind]
    return containing(period.kind, _add_months(period.period.first, months * steps))


def due_on(period: ReportPeriod, profile=None) -> dt.date | None:
    """The last day the report of ``period`` may be submitted and published (inclusive)."""
    rule = (profile or profiles.active()).get(f"reports.due.{period.kind}")
    day = int(rule.get("day", 0))
    if day <= 0:
        return None
    month = _add_months(dt.date(period.period.last.year, period.period.last.month, 1), int(rule.get("months_after", 0)))
    return month.replace(day=min(day, calendar.monthrange(month.year, month.month)[1]))
