"""Loading a year of the calendar: from the State Council's notice, or from the library.

Only the system administrator (superuser) may load — or whoever runs the management commands on
the server, acting as the CLI. Every load is one transaction with its audit entry; the cache of
the arithmetic is dropped after the commit (signal ``calendar_year_loaded``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError

from govsites import clock
from govsites.actions import Action

from . import seeding
from .arrangement import Arrangement, CalendarError, decode, parse
from .models import CalendarDay, CalendarYear, DayKind, Source
from .signals import calendar_year_loaded

LOG_ACTIONS = {
    "workdays.year.load": "载入工作日历",
    "workdays.year.seed": "从日历库载入工作日历",
}


def _day_label(entry) -> str:
    day, kind, name = entry
    return f"{day.isoformat()} {DayKind(kind).label} {name}"


class CalendarAction(Action):
    denied_message = "只有系统管理员可以载入工作日历。"

    def check_permission(self) -> bool:
        user = self.actor.user
        if user is None:
            return self.actor.via in ("cli", "system")
        return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)

    def integrity_error(self, exc: IntegrityError) -> Exception:
        return CalendarError("同一年份刚被他人载入，请刷新页面查看后再决定是否替换。")

    def store(self, year: int, entries: list, *, source: str, notice: str, existing: CalendarYear | None,
              action: str) -> CalendarYear:
        """Write the year (replacing ``existing``'s days), audit what changed, signal the commit."""
        before = _entries(existing) if existing is not None else []
        previous = {"source": existing.source, "notice": existing.notice} if existing is not None else None
        row = seeding.write_year(CalendarYear, CalendarDay, year=year, entries=entries, source=source, notice=notice,
                                 loaded_at=clock.now(), loaded_by=self.user, existing=existing)
        old, new = set(before), set(entries)
        data = {
            "year": year,
            "source": source,
            "notice": notice,
            "holidays": sum(1 for e in entries if e[1] == DayKind.HOLIDAY),
            "workdays": sum(1 for e in entries if e[1] == DayKind.WORKDAY),
            "replaced": previous,
            "added": [_day_label(e) for e in sorted(new - old)],
            "removed": [_day_label(e) for e in sorted(old - new)],
        }
        if source == Source.LIBRARY:
            data["library_version"] = seeding.library_version()
        changes = {"source": {"before": previous["source"], "after": source},
                   "notice": {"before": previous["notice"], "after": notice}} if previous else {}
        changes = {k: v for k, v in changes.items() if v["before"] != v["after"]}
        self.audit(row, action, changes=changes, data=data)
        self.emit(calendar_year_loaded, sender=CalendarYear, year=year, replaced=existing is not None)
        return row


def _entries(row: CalendarYear) -> list[tuple]:
    return sorted(row.days.values_list("date", "kind", "name"))


class LoadCalendarYear(CalendarAction):
    """Load a year from the notice's table (text, bytes of an upload, or a parsed arrangement).

    A year already loaded is replaced only with ``replace=True``; the arrangement is checked in
    full first, and nothing is written when anything is wrong (:class:`CalendarError`).
    """

    def __init__(self, actor, arrangement: Arrangement | str | bytes, *, replace: bool = False):
        super().__init__(actor)
        self.arrangement = arrangement
        self.replace = replace

    def perform(self) -> CalendarYear:
        arrangement = self.arrangement
        if isinstance(arrangement, bytes):
            arrangement = decode(arrangement)
        if isinstance(arrangement, str):
            arrangement = parse(arrangement)
        existing = CalendarYear.objects.select_for_update().filter(year=arrangement.year).first()
        if existing is not None and not self.replace:
            origin = (f"国务院通知 {existing.notice}" if existing.source == Source.NOTICE
                      else "日历库 chinese_calendar")
            raise CalendarError(
                f"{arrangement.year}年的工作日历已经载入（来源：{origin}）。如需按新通知替换，"
                f"请勾选“替换已载入的年份”（命令行加 --replace）。"
            )
        return self.store(arrangement.year, arrangement.entries(), source=Source.NOTICE, notice=arrangement.notice,
                          existing=existing, action="workdays.year.load")


@dataclass
class SeedResult:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    kept_notice: list[int] = field(default_factory=list)  # loaded from a notice: never overwritten

    def summary(self) -> str:
        def years(items):
            return "、".join(str(y) for y in items) or "无"

        return (f"新载入：{years(self.created)}；按日历库更新：{years(self.updated)}；"
                f"无变化：{len(self.unchanged)}个年份；按国务院通知载入、未改动：{years(self.kept_notice)}。")


class SeedFromLibrary(CalendarAction):
    """(Re-)seed the years ``chinese_calendar`` covers; idempotent. A year whose rows already
    match is left alone, and a year loaded from a notice is never overwritten."""

    def __init__(self, actor, years: list[int] | None = None):
        super().__init__(actor)
        self.years = years

    def perform(self) -> SeedResult:
        library = seeding.library_entries()
        wanted = sorted(library) if self.years is None else sorted(set(self.years))
        unknown = [y for y in wanted if y not in library]
        if unknown:
            raise CalendarError(
                f"日历库 chinese_calendar {seeding.library_version()} 中没有"
                f"{'、'.join(map(str, unknown))}年的数据（现有 {min(library)}–{max(library)} 年）。"
                "新一年的安排请在国务院通知发布后由管理员载入，或升级日历库。"
            )
        existing = {row.year: row for row in CalendarYear.objects.select_for_update().filter(year__in=wanted)}
        result = SeedResult()
        for year in wanted:
            row = existing.get(year)
            if row is not None and row.source == Source.NOTICE:
                result.kept_notice.append(year)
            elif row is not None and _entries(row) == library[year]:
                result.unchanged.append(year)
            else:
                self.store(year, library[year], source=Source.LIBRARY, notice="", existing=row,
                           action="workdays.year.seed")
                (result.updated if row is not None else result.created).append(year)
        return result
