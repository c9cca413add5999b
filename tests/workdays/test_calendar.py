"""Working-day arithmetic on the real 2025 and 2026 arrangements (国办发明电〔2024〕12号 /
〔2025〕7号, as chinese_calendar carries them): deadlines across every holiday, adjusted working
weekends, the day of receipt, midnight and time zones."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from govsites.clock import SHANGHAI
from govsites.workdays import calendar
from govsites.workdays.calendar import (
    MissingCalendarYear,
    add_workdays,
    deadline,
    is_workday,
    next_workday,
    working_days_between,
)
from govsites.workdays.models import CalendarYear

UTC = dt.UTC


def sh(y, m, d, hh=9, mm=0, ss=0):
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI)


def midnight(y, m, d):
    return dt.datetime(y, m, d, tzinfo=SHANGHAI)


# (what it shows, received at (Shanghai), working days, deadline = 00:00 Shanghai of)
BOUNDARIES = [
    # 2025 Spring Festival: 01-28…02-04 off; Sun 01-26 and Sat 02-08 working
    ("Fri before the working Sunday", sh(2025, 1, 24, 17), 2, (2025, 1, 28)),
    ("last working day before the holiday", sh(2025, 1, 27, 16), 2, (2025, 2, 7)),
    ("received during the holiday", sh(2025, 1, 30, 10), 1, (2025, 2, 6)),
    ("Fri before the working Saturday", sh(2025, 2, 7, 12), 1, (2025, 2, 9)),
    ("received on the working Saturday (receipt day never counts)", sh(2025, 2, 8, 10), 1, (2025, 2, 11)),
    # 2025 Qingming: Fri 04-04 … Sun 04-06
    ("Thu before Qingming", sh(2025, 4, 3, 18), 1, (2025, 4, 8)),
    # 2025 Labour Day: 05-01…05-05 off; Sun 04-27 working
    ("Sat before the working Sunday", sh(2025, 4, 26, 10), 1, (2025, 4, 28)),
    ("23:59:59 on the eve of Labour Day", sh(2025, 4, 30, 23, 59, 59), 1, (2025, 5, 7)),
    ("00:00 on Labour Day", sh(2025, 5, 1, 0, 0, 0), 2, (2025, 5, 8)),
    # 2025 Dragon Boat: Sat 05-31 … Mon 06-02
    ("Fri before Dragon Boat", sh(2025, 5, 30, 15), 1, (2025, 6, 4)),
    # 2025 National Day + Mid-Autumn: 10-01…10-08 off; Sun 09-28 and Sat 10-11 working
    ("17:55 on 09-30, 1 day", sh(2025, 9, 30, 17, 55), 1, (2025, 10, 10)),
    ("17:55 on 09-30, 2 days", sh(2025, 9, 30, 17, 55), 2, (2025, 10, 11)),
    ("17:55 on 09-30, 3 days reach the working Saturday", sh(2025, 9, 30, 17, 55), 3, (2025, 10, 12)),
    ("23:59:59 Sat 09-27: the working Sunday counts", sh(2025, 9, 27, 23, 59, 59), 1, (2025, 9, 29)),
    ("00:00 Sun 09-28: received on it, it does not count", sh(2025, 9, 28, 0, 0, 0), 1, (2025, 9, 30)),
    ("Fri 10-10 23:59:59: the working Saturday counts", sh(2025, 10, 10, 23, 59, 59), 1, (2025, 10, 12)),
    # New Year across the year boundary: 2026-01-01…01-03 off, Sun 01-04 working
    ("New Year's Eve 2025, 1 day", sh(2025, 12, 31, 20), 1, (2026, 1, 5)),
    ("New Year's Eve 2025, 2 days", sh(2025, 12, 31, 20), 2, (2026, 1, 6)),
    # 2026 Spring Festival: 02-15…02-23 off; Sat 02-14 and Sat 02-28 working
    ("Fri before the working Saturday 02-14", sh(2026, 2, 13, 17), 1, (2026, 2, 15)),
    ("Fri 02-13, 2 days jump the holiday", sh(2026, 2, 13, 17), 2, (2026, 2, 25)),
    ("received during the 2026 holiday", sh(2026, 2, 20, 11), 2, (2026, 2, 26)),
    ("Fri before the working Saturday 02-28", sh(2026, 2, 27, 9), 1, (2026, 3, 1)),
    # 2026 Qingming: Sat 04-04 … Mon 04-06
    ("Fri before Qingming 2026", sh(2026, 4, 3, 12), 1, (2026, 4, 8)),
    # 2026 Labour Day: 05-01…05-05 off; Sat 05-09 working
    ("Thu before Labour Day 2026", sh(2026, 4, 30, 12), 2, (2026, 5, 8)),
    ("Fri before the working Saturday 05-09", sh(2026, 5, 8, 12), 1, (2026, 5, 10)),
    # 2026 Dragon Boat: Fri 06-19 … Sun 06-21
    ("Thu before Dragon Boat 2026", sh(2026, 6, 18, 12), 1, (2026, 6, 23)),
    # 2026 Mid-Autumn 09-25…09-27, National Day 10-01…10-07; Sun 09-20 and Sat 10-10 working
    ("Sat before the working Sunday 09-20", sh(2026, 9, 19, 12), 1, (2026, 9, 21)),
    ("Thu before Mid-Autumn 2026", sh(2026, 9, 24, 12), 1, (2026, 9, 29)),
    ("Wed before National Day 2026, 2 days", sh(2026, 9, 30, 12), 2, (2026, 10, 10)),
    ("Wed before National Day 2026, 3 days", sh(2026, 9, 30, 12), 3, (2026, 10, 11)),
    ("the last days of a loaded year need no next year", sh(2026, 12, 30, 12), 1, (2027, 1, 1)),
]


@pytest.mark.rule("INT-02", "INT-05")
@pytest.mark.parametrize(("label", "received", "days", "due"), BOUNDARIES, ids=[b[0] for b in BOUNDARIES])
def test_deadline_on_real_holiday_boundaries(label, received, days, due):
    assert deadline(received, days) == midnight(*due)


@pytest.mark.rule("INT-02", "INT-05")
def test_on_time_means_before_the_exclusive_deadline():
    received = sh(2025, 9, 30, 17, 55)
    due = deadline(received, 1)
    assert due == midnight(2025, 10, 10)
    assert sh(2025, 10, 9, 23, 59, 59) < due
    assert not sh(2025, 10, 10, 0, 0, 0) < due
    assert working_days_between(received, sh(2025, 10, 9, 23, 59, 59)) == 1
    assert working_days_between(received, sh(2025, 10, 10, 0, 0, 0)) == 2


@pytest.mark.rule("INT-02", "INT-05")
def test_utc_times_near_midnight_count_in_shanghai():
    # 2025-10-10 15:59:59Z is Friday 23:59:59 in Shanghai; one second later it is the working Saturday
    assert deadline(dt.datetime(2025, 10, 10, 15, 59, 59, tzinfo=UTC), 1) == midnight(2025, 10, 12)
    assert deadline(dt.datetime(2025, 10, 10, 16, 0, 0, tzinfo=UTC), 1) == midnight(2025, 10, 14)
    # 2025-09-30 16:30Z is already 10-01 in Shanghai (a holiday): same first working day, 10-09
    assert deadline(dt.datetime(2025, 9, 30, 16, 30, tzinfo=UTC), 1) == midnight(2025, 10, 10)
    # another zone: 10:59 on 01-03 in New York is 23:59 in Shanghai (a holiday), and the working
    # Sunday 01-04 is the first working day; at 11:00 it is already that Sunday, which does not count
    new_york = ZoneInfo("America/New_York")
    assert deadline(dt.datetime(2026, 1, 3, 10, 59, tzinfo=new_york), 1) == midnight(2026, 1, 5)
    assert deadline(dt.datetime(2026, 1, 3, 11, 0, tzinfo=new_york), 1) == midnight(2026, 1, 6)


def test_deadline_is_shanghai_midnight_whatever_the_input_zone():
    due = deadline(dt.datetime(2025, 4, 3, 1, 0, tzinfo=UTC), 1)
    assert due.utcoffset() == dt.timedelta(hours=8)
    assert due.astimezone(UTC) == dt.datetime(2025, 4, 7, 16, 0, tzinfo=UTC)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        deadline(dt.datetime(2025, 9, 30, 17, 55), 1)
    with pytest.raises(ValueError, match="naive"):
        working_days_between(dt.datetime(2025, 9, 30), sh(2025, 10, 9))
    with pytest.raises(ValueError, match="naive"):
        is_workday(dt.datetime(2025, 9, 30))


def test_working_day_count_must_be_positive():
    for bad in (0, -1, True, 1.5):
        with pytest.raises(ValueError):
            add_workdays(dt.date(2025, 9, 30), bad)
        with pytest.raises(ValueError):
            deadline(sh(2025, 9, 30), bad)


def test_is_workday_follows_weekends_holidays_and_adjusted_days():
    assert is_workday(dt.date(2025, 9, 28))  # Sunday, adjusted working day
    assert is_workday(dt.date(2025, 10, 11))  # Saturday, adjusted working day
    assert not is_workday(dt.date(2025, 10, 8))  # Wednesday, National Day holiday
    assert not is_workday(dt.date(2025, 10, 6))  # Monday, Mid-Autumn
    assert not is_workday(dt.date(2025, 10, 18))  # ordinary Saturday
    assert is_workday(dt.date(2025, 10, 17))  # ordinary Friday
    assert is_workday(sh(2025, 10, 10, 23, 59, 59)) and is_workday(dt.datetime(2025, 10, 10, 16, tzinfo=UTC))


def test_next_workday_is_strictly_after():
    assert next_workday(dt.date(2025, 9, 29)) == dt.date(2025, 9, 30)  # a working day is not its own next
    assert next_workday(dt.date(2025, 9, 30)) == dt.date(2025, 10, 9)
    assert next_workday(dt.date(2025, 10, 10)) == dt.date(2025, 10, 11)
    assert add_workdays(dt.date(2025, 9, 26), 2) == dt.date(2025, 9, 29)  # Sun 28th, Mon 29th


def test_every_day_the_library_covers_agrees_with_the_library():
    day, last = dt.date(2004, 1, 1), dt.date(2026, 12, 31)
    disagreements = []
    while day <= last:
        if is_workday(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += dt.timedelta(days=1)
    assert disagreements == []


def test_working_days_between():
    assert working_days_between(sh(2025, 9, 30, 17), sh(2025, 9, 30, 23, 59)) == 0  # same day
    assert working_days_between(sh(2025, 10, 9), sh(2025, 9, 30)) == 0  # end before start
    assert working_days_between(sh(2025, 9, 30, 17), sh(2025, 10, 8, 12)) == 0  # only holidays
    assert working_days_between(sh(2025, 9, 30, 17), sh(2025, 10, 11, 9)) == 3  # 9th, 10th, Sat 11th
    assert working_days_between(sh(2025, 12, 31, 20), sh(2026, 1, 5, 9)) == 2  # Sun 01-04 and Mon 01-05
    # 2025 and 2026 have 248 working days each (counted from the notices)
    assert working_days_between(sh(2025, 1, 1), sh(2026, 1, 1)) == 248
    assert working_days_between(sh(2024, 12, 31), sh(2026, 12, 31)) == 248 + 248


def test_between_and_add_are_inverse_across_years():
    rng = random.Random(6)
    for _ in range(300):
        start = dt.date(2004, 1, 1) + dt.timedelta(days=rng.randrange(0, 8000))
        n = rng.randrange(1, 400)
        try:
            end = add_workdays(start, n)
        except MissingCalendarYear:
            continue
        assert working_days_between(start, end) == n
        assert working_days_between(start, end - dt.timedelta(days=1)) == n - 1


def test_a_year_not_loaded_is_never_guessed():
    with pytest.raises(MissingCalendarYear) as caught:
        is_workday(dt.date(2027, 3, 1))
    assert caught.value.year == 2027
    assert "未载入2027年的工作日历（国务院节假日安排）" in str(caught.value)
    with pytest.raises(MissingCalendarYear):
        is_workday(dt.date(2003, 6, 2))
    with pytest.raises(MissingCalendarYear):
        working_days_between(sh(2026, 12, 1), sh(2027, 1, 5))


@pytest.mark.rule("INT-02")
def test_a_walk_into_a_missing_year_raises():
    # 2026-12-31 is a Thursday; the next working day would be in 2027, which is not loaded
    with pytest.raises(MissingCalendarYear) as caught:
        deadline(sh(2026, 12, 31, 10), 1)
    assert caught.value.year == 2027
    with pytest.raises(MissingCalendarYear):
        add_workdays(dt.date(2026, 12, 30), 2)
    assert add_workdays(dt.date(2026, 12, 30), 1) == dt.date(2026, 12, 31)


def test_a_year_is_read_once_then_served_from_memory(django_assert_num_queries):
    with django_assert_num_queries(2):
        deadline(sh(2025, 9, 30), 1)
    with django_assert_num_queries(0):
        for hour in range(24):
            deadline(sh(2025, 9, 30, hour), 5)
            working_days_between(sh(2025, 9, 30, hour), sh(2025, 12, 1))
            is_workday(dt.date(2025, 11, hour + 1))


def test_the_cache_expires(monkeypatch, django_assert_num_queries):
    is_workday(dt.date(2025, 9, 30))
    clock = {"now": 1000.0}
    monkeypatch.setattr(calendar.time, "monotonic", lambda: clock["now"])
    calendar.clear_cache()
    is_workday(dt.date(2025, 9, 30))
    clock["now"] += calendar.CACHE_SECONDS + 1
    with django_assert_num_queries(2):
        is_workday(dt.date(2025, 9, 30))


def test_a_missing_year_is_remembered_until_it_is_loaded(django_assert_num_queries):
    with pytest.raises(MissingCalendarYear):
        is_workday(dt.date(2027, 3, 1))
    with django_assert_num_queries(0), pytest.raises(MissingCalendarYear):
        is_workday(dt.date(2027, 3, 2))
    assert not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.rule("INT-02")
def test_on_time_is_decided_by_the_deadline_not_by_the_count():
    """Within the deadline the count never exceeds N, but a reply on a rest day after the deadline
    still counts N working days: lateness must be judged with ``deadline()``."""
    rng = random.Random(2025)
    for _ in range(500):
        received = sh(2025, 1, 1) + dt.timedelta(minutes=rng.randrange(0, 700 * 24 * 60))
        replied = received + dt.timedelta(minutes=rng.randrange(0, 20 * 24 * 60))
        n = rng.randrange(1, 6)
        try:
            due = deadline(received, n)
        except MissingCalendarYear:
            continue
        if replied < due:
            assert working_days_between(received, replied) <= n, (received, replied, n)
        if working_days_between(received, replied) > n:
            assert replied >= due, (received, replied, n)
    # Wed 2026-07-22, 2 working days: due at Sat 07-25 00:00; a reply on Sunday counts 2 but is late
    received, replied = sh(2026, 7, 22, 12), sh(2026, 7, 26, 22)
    assert deadline(received, 2) == midnight(2026, 7, 25) and not replied < deadline(received, 2)
    assert working_days_between(received, replied) == 2
