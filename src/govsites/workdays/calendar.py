"""Working-day arithmetic on the official calendar (what deadlines are computed with).

Semantics (docs/workdays.md has the full table):

* Everything counts in **Asia/Shanghai local dates**. An aware datetime in any zone is converted
  first; a naive datetime is a programming error (``ValueError``). A plain ``date`` is taken as a
  Shanghai date.
* A day is a working day when it is Monday–Friday and not a holiday of the year's arrangement, or
  when it is an adjusted working Saturday/Sunday (调休上班).
* **The day of receipt never counts**, whatever the hour (收到之日不计入). "Within N working days"
  of something received at any time on day D ends at the *end* of the N-th working day strictly
  after D; :func:`deadline` returns 00:00 Shanghai time of the calendar day after it, an exclusive
  bound: on time iff ``replied_at < deadline``.
* A date in a year whose arrangement is not loaded raises :class:`MissingCalendarYear` — also when
  a walk crosses into such a year. Never a silent guess.

Worked examples (2025 arrangement: 10-01…10-08 off, Sun 09-28 and Sat 10-11 working)::

    deadline(at(2025, 9, 30, 17, 55), 1)  -> 2025-10-10 00:00+08:00   (the 9th is the 1st working day)
    deadline(at(2025, 9, 30, 17, 55), 3)  -> 2025-10-12 00:00+08:00   (Sat 10-11 is a working day)
    deadline(at(2025, 9, 27, 23, 59), 1)  -> 2025-09-29 00:00+08:00   (Sun 09-28 is a working day)
    deadline(at(2025, 9, 28, 0, 0), 1)    -> 2025-09-30 00:00+08:00   (received on 09-28: not counted)
    working_days_between(at(2025, 9, 30, 17, 55), at(2025, 10, 9, 10, 0)) -> 1

Speed: a year's exceptions are read once per process (two queries) and kept as a per-day flag
table and a sorted list of working days, so a call costs a few dictionary and bisect operations;
statistics over a million messages do not query per message. The cache entry of a year is
dropped when that year is loaded in this process (signal ``calendar_year_loaded``) and expires
after :data:`CACHE_SECONDS` so that other processes (workers, the scheduler) see a load soon too.
"""

from __future__ import annotations

import datetime as dt
import time
from bisect import bisect_right
from dataclasses import dataclass

from govsites.clock import SHANGHAI

#: how long a process trusts its copy of a year (a load in another process is seen after this)
CACHE_SECONDS = 300


class MissingCalendarYear(LookupError):
    """The arrangement of ``year`` is not loaded, so working days of that year are unknown."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"未载入{year}年的工作日历（国务院节假日安排），无法按工作日计算期限。"
            f"请系统管理员在“设置 → 工作日历”中载入{year}年的放假安排。"
        )


@dataclass(frozen=True)
class YearCalendar:
    """One year's working days: ``flags[i]`` is 1 when day ``i`` of the year (0 = 1 January) is a
    working day; ``working`` holds the working days' ordinals in order (for counting and walking)."""

    year: int
    first: int
    flags: bytes
    working: tuple[int, ...]

    @classmethod
    def build(cls, year: int, holidays: set[dt.date], workdays: set[dt.date]) -> YearCalendar:
        first = dt.date(year, 1, 1).toordinal()
        last = dt.date(year, 12, 31).toordinal()
        flags = bytearray()
        for ordinal in range(first, last + 1):
            day = dt.date.fromordinal(ordinal)
            flags.append(1 if day in workdays or (day.weekday() < 5 and day not in holidays) else 0)
        working = tuple(first + i for i, flag in enumerate(flags) if flag)
        return cls(year=year, first=first, flags=bytes(flags), working=working)

    def is_workday(self, day: dt.date) -> bool:
        return self.flags[day.toordinal() - self.first] == 1

    def count_through(self, day: dt.date) -> int:
        """Working days of this year on or before ``day``."""
        return bisect_right(self.working, day.toordinal())


_cache: dict[int, tuple[float, YearCalendar | None]] = {}


def _read(year: int) -> YearCalendar | None:
    from .models import CalendarDay, CalendarYear, DayKind

    if not CalendarYear.objects.filter(year=year).exists():
        return None
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for day, kind in CalendarDay.objects.filter(year__year=year).values_list("date", "kind"):
        (workdays if kind == DayKind.WORKDAY else holidays).add(day)
    return YearCalendar.build(year, holidays, workdays)


def year_calendar(year: int) -> YearCalendar:
    """The loaded calendar of ``year`` (cached), or :class:`MissingCalendarYear`."""
    now = time.monotonic()
    hit = _cache.get(year)
    if hit is None or now - hit[0] > CACHE_SECONDS:
        hit = (now, _read(year))
        _cache[year] = hit
    if hit[1] is None:
        raise MissingCalendarYear(year)
    return hit[1]


def clear_cache(year: int | None = None) -> None:
    """Forget one year (or all): the next call reads it from the database again."""
    if year is None:
        _cache.clear()
    else:
        _cache.pop(year, None)


def forget_loaded_year(sender=None, year: int | None = None, **kwargs) -> None:
    """Receiver of ``calendar_year_loaded``."""
    clear_cache(year)


def local_date(moment: dt.date | dt.datetime) -> dt.date:
    """The Shanghai calendar date of an aware datetime (a plain date is taken as it is)."""
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"naive datetime {moment.isoformat()}: working-day arithmetic needs an aware datetime")
        return moment.astimezone(SHANGHAI).date()
    if isinstance(moment, dt.date):
        return moment
    raise TypeError(f"expected a date or an aware datetime, not {type(moment).__name__}")


def is_workday(day: dt.date) -> bool:
    day = local_date(day)
    return year_calendar(day.year).is_workday(day)


def add_workdays(day: dt.date, n: int) -> dt.date:
    """The ``n``-th working day strictly after ``day`` (``n >= 1``)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, not {n!r}")
    day = local_date(day)
    ordinal = day.toordinal()
    year = day.year
    while True:
        cal = year_calendar(year)
        index = bisect_right(cal.working, ordinal)
        available = len(cal.working) - index
        if n <= available:
            return dt.date.fromordinal(cal.working[index + n - 1])
        n -= available
        year += 1


def next_workday(day: dt.date) -> dt.date:
    """The first working day strictly after ``day``."""
    return add_workdays(day, 1)


def deadline(received_at: dt.datetime, working_days: int) -> dt.datetime:
    """The exclusive bound of "within ``working_days`` working days of ``received_at``": 00:00
    Shanghai time of the day after the ``working_days``-th working day after the day of receipt."""
    last = add_workdays(local_date(received_at), working_days)
    after = last + dt.timedelta(days=1)
    return dt.datetime(after.year, after.month, after.day, tzinfo=SHANGHAI)


def working_days_between(start: dt.datetime, end: dt.datetime) -> int:
    """Working days strictly after ``start``'s local date up to and including ``end``'s (0 when
    ``end`` is on the same day or before): the working days taken to answer."""
    first, last = local_date(start), local_date(end)
    if last <= first:
        return 0
    total = -year_calendar(first.year).count_through(first)
    for year in range(first.year, last.year):
        total += len(year_calendar(year).working)
    return total + year_calendar(last.year).count_through(last)
