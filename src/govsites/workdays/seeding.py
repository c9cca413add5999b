"""The years the maintained library ``chinese_calendar`` knows, as calendar rows.

The library's ``constants.holidays`` / ``constants.workdays`` map every day off (weekends inside a
holiday range included) and every adjusted working day to an English holiday name. The data
migration seeds all of them, ``workdays_seed`` adds years a newer library release brings. Both go
through :func:`write_year` so that migration (historical models) and runtime store the same rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from importlib.metadata import PackageNotFoundError, version

#: the library's English names → the names the State Council's notices use
NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

HOLIDAY, WORKDAY = "holiday", "workday"

Entry = tuple[dt.date, str, str]  # (date, kind, Chinese name)


def library_version() -> str:
    try:
        return version("chinese-calendar")
    except PackageNotFoundError:  # pragma: no cover - installed with the project
        return "unknown"


def chinese_name(english: str) -> str:
    """The Chinese name (an unknown future name is kept as the library spells it)."""
    return NAMES.get(english, english)[:50]


def library_entries() -> dict[int, list[Entry]]:
    """Every year the library covers → its exceptions, sorted by date."""
    from chinese_calendar import constants

    years: dict[int, list[Entry]] = defaultdict(list)
    for source, kind in ((constants.holidays, HOLIDAY), (constants.workdays, WORKDAY)):
        for day, name in source.items():
            years[day.year].append((day, kind, chinese_name(str(name))))
    return {year: sorted(entries) for year, entries in sorted(years.items())}


def write_year(year_model, day_model, *, year: int, entries, source: str, notice: str, loaded_at, loaded_by=None,
               existing=None):
    """Create (or, given ``existing``, overwrite) one year and its days; returns the year row."""
    if existing is None:
        row = year_model.objects.create(year=year, source=source, notice=notice, loaded_at=loaded_at,
                                        loaded_by=loaded_by)
    else:
        row = existing
        day_model.objects.filter(year=row).delete()
        row.source, row.notice, row.loaded_at, row.loaded_by = source, notice, loaded_at, loaded_by
        row.save()
    day_model.objects.bulk_create([day_model(year=row, date=day, kind=kind, name=name) for day, kind, name in entries])
    return row
