"""Message statistics per site, department and period (INT-02).

The numbers of a period, counted over the messages *received* in it, as things stood at the
period's end (or now, for a period still running — "the cut-off"):

- **received**: valid messages (not judged invalid) received in the period; **invalid** apart;
- **answered**: of those, answered before the cut-off — **on time** (``replied_at < due_at``) or
  **late**;
- **open and overdue**: not answered by the cut-off although the deadline had passed;
- **open, not yet due** (办理中未到期): not answered, deadline still ahead — shown, but no verdict;
- **on-time rate** = on time / (on time + late + open and overdue). Items still open and already
  late count against the rate: leaving a message unanswered must never look better than
  answering it late. Items not yet due are left out;
- **average working days to answer**: ``working_days_between(received_at, replied_at)`` of the
  answered ones (the day of receipt does not count);
- **published**: answered ones whose result was public by the cut-off.

A message whose deadline could not be computed (calendar year missing) is counted as
"no deadline" and left out of the rate. :func:`summarize` is pure (rows in, figures out); the
helpers below fetch the rows in one query.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields

from govsites import clock
from govsites.clock import SHANGHAI
from govsites.workdays import calendar

from .models import Message, MessageStatus

ROW_FIELDS = ("status", "received_at", "due_at", "replied_at", "published_at")


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


@dataclass(frozen=True)
class Period:
    """Local calendar days ``first`` … ``last`` (both included)."""

    first: dt.date
    last: dt.date
    label: str

    @property
    def start(self) -> dt.datetime:
        return _midnight(self.first)

    @property
    def end(self) -> dt.datetime:
        """Exclusive: 00:00 of the day after ``last``."""
        return _midnight(self.last + dt.timedelta(days=1))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        days = month_calendar.monthrange(year, month)[1]
        return cls(dt.date(year, month, 1), dt.date(year, month, days), f"{year}年{month}月")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = dt.date(year, 3 * quarter - 2, 1)
        last_month = 3 * quarter
        last = dt.date(year, last_month, month_calendar.monthrange(year, last_month)[1])
        return cls(first, last, f"{year}年第{quarter}季度")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年")

    @classmethod
    def custom(cls, first: dt.date, last: dt.date) -> Period:
        return cls(first, last, f"{first:%Y-%m-%d}至{last:%Y-%m-%d}")


@dataclass(frozen=True)
class Row:
    """What the figures need of one message."""

    status: str
    received_at: dt.datetime
    due_at: dt.datetime | None = None
    replied_at: dt.datetime | None = None
    published_at: dt.datetime | None = None


@dataclass
class Figures:
    received: int = 0
    invalid: int = 0
    answered: int = 0
    on_time: int = 0
    late: int = 0
    open_overdue: int = 0
    open_not_due: int = 0
    no_deadline: int = 0
    published: int = 0
    #: answered messages whose working days could be counted, and their sum
    timed: int = 0
    working_days: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    @property
    def judged(self) -> int:
        """The on-time rate's denominator."""
        return self.on_time + self.late + self.open_overdue

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.judged if self.judged else None

    @property
    def average_working_days(self) -> float | None:
        return self.working_days / self.timed if self.timed else None

    def as_dict(self) -> dict:
        """JSON-ready numbers (rates as fractions 0…1, rounded; ``None`` when there is nothing to rate)."""
        data = {k: v for k, v in asdict(self).items() if k not in ("timed", "working_days")}
        rate, average = self.on_time_rate, self.average_working_days
        data["on_time_rate"] = round(rate, 4) if rate is not None else None
        data["average_working_days"] = round(average, 1) if average is not None else None
        return data


def cutoff(period: Period, as_of: dt.datetime) -> dt.datetime:
    return min(period.end, as_of)


def count(figures: Figures, row: Row, period: Period, as_of: dt.datetime) -> None:
    """Add one message to ``figures`` (nothing if it was not received in ``period``)."""
    if not (period.start <= row.received_at < period.end):
        return
    if row.status == MessageStatus.INVALID:
        figures.invalid += 1
        return
    figures.received += 1
    until = cutoff(period, as_of)
    if row.replied_at is not None and row.replied_at < until:
        figures.answered += 1
        if row.due_at is None:
            figures.no_deadline += 1
        elif row.replied_at < row.due_at:
            figures.on_time += 1
        else:
            figures.late += 1
        if row.published_at is not None and row.published_at < until:
            figures.published += 1
        try:
            figures.working_days += calendar.working_days_between(row.received_at, row.replied_at)
            figures.timed += 1
        except calendar.MissingCalendarYear:
            pass
    elif row.due_at is None:
        figures.no_deadline += 1
    elif row.due_at <= until:
        figures.open_overdue += 1
    else:
        figures.open_not_due += 1


def summarize(rows: Iterable[Row], period: Period, as_of: dt.datetime | None = None) -> Figures:
    as_of = as_of or clock.now()
    figures = Figures()
    for row in rows:
        count(figures, row, period, as_of)
    return figures


def summarize_by(keyed_rows: Iterable[tuple[object, Row]], period: Period,
                 as_of: dt.datetime | None = None) -> dict[object, Figures]:
    """``(key, row)`` pairs → figures per key (e.g. per site, department or kind)."""
    as_of = as_of or clock.now()
    groups: dict[object, Figures] = defaultdict(Figures)
    for key, row in keyed_rows:
        count(groups[key], row, period, as_of)
    return dict(groups)


# -- from the database -------------------------------------------------------------------------


def _received_in(queryset, period: Period):
    return queryset.filter(received_at__gte=period.start, received_at__lt=period.end).order_by()


def figures(queryset, period: Period, as_of: dt.datetime | None = None) -> Figures:
    """Figures of the messages of ``queryset`` received in ``period`` (one query)."""
    rows = (Row(*values) for values in _received_in(queryset, period).values_list(*ROW_FIELDS).iterator())
    return summarize(rows, period, as_of)


def figures_by(queryset, key: str, period: Period, as_of: dt.datetime | None = None) -> dict[object, Figures]:
    """Figures per value of ``key`` (``"site_id"``, ``"department_id"``, ``"kind"``), one query."""
    values = _received_in(queryset, period).values_list(key, *ROW_FIELDS).iterator()
    return summarize_by(((v[0], Row(*v[1:])) for v in values), period, as_of)


def breakdown(queryset, keys: tuple[str, ...], period: Period,
              as_of: dt.datetime | None = None) -> tuple[Figures, dict[str, dict[object, Figures]]]:
    """The total and the figures per value of each of ``keys`` in one query (the statistics page)."""
    as_of = as_of or clock.now()
    total = Figures()
    groups: dict[str, dict[object, Figures]] = {key: defaultdict(Figures) for key in keys}
    for values in _received_in(queryset, period).values_list(*keys, *ROW_FIELDS).iterator():
        row = Row(*values[len(keys):])
        count(total, row, period, as_of)
        for key, value in zip(keys, values[: len(keys)], strict=True):
            count(groups[key][value], row, period, as_of)
    return total, {key: dict(per) for key, per in groups.items()}


def public_summary(site, year: int, as_of: dt.datetime | None = None) -> dict:
    """The numbers the site's public statistics page shows for ``year`` (JSON-ready).

    ``{"year", "as_of", "period_first", "period_last", "received", "invalid", "answered",
    "on_time", "late", "open_overdue", "open_not_due", "no_deadline", "published",
    "on_time_rate", "average_working_days", "by_kind": {kind: {...same numbers...}}}``
    """
    as_of = as_of or clock.now()
    period = Period.year(year)
    by_kind = figures_by(Message.objects.filter(site=site), "kind", period, as_of)
    total = sum(by_kind.values(), Figures())
    return {
        "year": year,
        "as_of": clock.local(cutoff(period, as_of)).isoformat(),
        "period_first": period.first.isoformat(),
        "period_last": period.last.isoformat(),
        **total.as_dict(),
        "by_kind": {kind: by_kind[kind].as_dict() for kind in sorted(by_kind)},
    }
