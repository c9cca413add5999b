"""Dates in disclosure metadata: accepted as ``date`` objects or as typed/imported text."""

from __future__ import annotations

import datetime as dt
import re

from .errors import DisclosureError

_TEXT_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def chinese_date(day: dt.date) -> str:
    """``2024-03-01`` → ``2024年3月1日`` (no padding zeros, as in official texts)."""
    return f"{day.year}年{day.month}月{day.day}日"


def parse_date(value, label: str) -> dt.date:
    """A date from a ``date``/``datetime`` or ``2017-05-15`` / ``2017/5/15`` / ``2017年5月15日``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _TEXT_DATE.match(str(value or "").strip())
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise DisclosureError(
        f"{label}“{value}”不是有效的日期，应写作“2017-05-15”或“2017年5月15日”。", kind="date_format"
    )
