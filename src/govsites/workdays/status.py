"""Which years must be loaded by now: the current year always, the next one from 1 November
(the State Council publishes it around then, and deadlines of late-December messages reach into
it). Shared by the system check, the scheduled warning and ``workdays_status``."""

from __future__ import annotations

import datetime as dt
import logging

from govsites import clock

logger = logging.getLogger("govsites.workdays")

#: from this day of the year on, next year's arrangement is expected
NEXT_YEAR_FROM = (11, 1)


def required_years(today: dt.date | None = None) -> list[int]:
    today = today or clock.today()
    years = [today.year]
    if (today.month, today.day) >= NEXT_YEAR_FROM:
        years.append(today.year + 1)
    return years


def missing_years(today: dt.date | None = None) -> list[int]:
    from .models import CalendarYear

    required = required_years(today)
    loaded = set(CalendarYear.objects.filter(year__in=required).values_list("year", flat=True))
    return [year for year in required if year not in loaded]


def missing_message(year: int) -> str:
    return (f"{year}年的工作日历（国务院节假日安排）尚未载入：按工作日计算的答复期限将无法计算。"
            f"请在国务院办公厅发布通知后，由系统管理员在“设置 → 工作日历”中载入（或运行 workdays_load）。")


def warn_missing() -> list[int]:
    """The scheduled job: log a warning for each missing year; returns them."""
    missing = missing_years()
    for year in missing:
        logger.warning(missing_message(year))
    return missing
