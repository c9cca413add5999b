"""The one source of "now" for rule logic.

Deadlines, yearly limits and announcement periods all depend on the date, so rule code asks this
module instead of calling ``timezone.now()``. Tests (and the demo generator) move time with
:func:`frozen`; production uses the system clock. Local dates are in Asia/Shanghai.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")

_frozen_at: ContextVar[dt.datetime | None] = ContextVar("govsites_clock", default=None)


def now() -> dt.datetime:
    """Current aware datetime (UTC-based, like ``timezone.now()``)."""
    frozen = _frozen_at.get()
    return frozen if frozen is not None else timezone.now()


def today() -> dt.date:
    """Current calendar date in Asia/Shanghai, the date every rule counts in."""
    return now().astimezone(SHANGHAI).date()


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(SHANGHAI)


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    """An aware datetime for a Shanghai wall-clock time (handy in tests and fixtures)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@contextlib.contextmanager
def frozen(moment: dt.datetime | dt.date) -> Iterator[dt.datetime]:
    """Pin "now" to ``moment`` (a date means 09:00 Shanghai time) inside the block."""
    if not isinstance(moment, dt.datetime):
        moment = at(moment.year, moment.month, moment.day)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=SHANGHAI)
    token = _frozen_at.set(moment)
    try:
        yield moment
    finally:
        _frozen_at.reset(token)


def set_frozen(moment: dt.datetime | None) -> None:
    """Pin (or with ``None`` release) the clock for the rest of this context; for fixtures."""
    _frozen_at.set(moment)
