"""Report periods as people write them, and due dates per profile across months and years."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from govsites.reports import periods
from govsites.reports.models import ReportKind

M, Q, A = ReportKind.MONTHLY, ReportKind.QUARTERLY, ReportKind.ANNUAL


def due(kind: str, text: str) -> dt.date | None:
    return periods.due_on(periods.parse(kind, text))


def test_periods_parse_to_their_calendar_days():
    november = periods.parse(M, "2026-11")
    assert (november.key, november.label, november.period.first, november.period.last) == (
        "2026-11", "2026年11月", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert periods.parse(M, "2026-2").key == "2026-02"
    q4 = periods.parse(Q, "2026q4")
    assert q4.key == "2026-Q4" and q4.period.first == dt.date(2026, 10, 1) and q4.period.last == dt.date(2026, 12, 31)
    assert [m.label for m in q4.months()] == ["2026年10月", "2026年11月", "2026年12月"]
    year = periods.parse(A, "2026")
    assert len(year.months()) == 12 and [q.label for q in year.quarters()][0] == "2026年第1季度"


@pytest.mark.parametrize(("kind", "text", "message"), [
    (M, "2026-13", "报告期格式应为 2026-11，月份为1至12。"), (M, "2026/11", "报告期格式应为 2026-11。"),
    (Q, "2026-Q5", "报告期格式应为 2026-Q4。"), (A, "26", "报告期格式应为 2026。"), (A, "1899", "报告期格式应为 2026。"),
    (M, "", "报告期格式应为 2026-11。"),
])
def test_bad_periods_are_refused_in_chinese(kind, text, message):
    with pytest.raises(ValidationError) as refused:
        periods.parse(kind, text)
    assert refused.value.message_dict == {"period": [message]}


def test_shifting_periods_crosses_years():
    assert periods.shifted(periods.parse(M, "2026-01"), -1).key == "2025-12"
    assert periods.shifted(periods.parse(M, "2026-12"), 1).key == "2027-01"
    assert periods.shifted(periods.parse(Q, "2026-Q1"), -1).key == "2025-Q4"
    assert periods.shifted(periods.parse(A, "2026"), -1).key == "2025"
    assert periods.containing(Q, dt.date(2026, 8, 31)).key == "2026-Q3"


@pytest.mark.rule("SUP-01")
def test_shanxi_due_dates(profile):
    profile("shanxi")
    assert due(M, "2026-11") == dt.date(2026, 12, 6)
    assert due(M, "2026-12") == dt.date(2027, 1, 6)  # the next month is in the next year
    assert due(Q, "2026-Q4") == dt.date(2026, 12, 6)  # the 6th of the quarter's last month
    assert due(Q, "2027-Q1") == dt.date(2027, 3, 6)
    assert due(A, "2026") == dt.date(2027, 1, 6)


@pytest.mark.rule("SUP-02")
def test_chongqing_and_national_due_dates(profile):
    profile("chongqing")
    assert due(A, "2026") == dt.date(2027, 1, 31)
    assert due(M, "2026-11") is None and due(Q, "2026-Q4") is None
    profile("national")
    assert due(A, "2027") == dt.date(2028, 1, 31)


def test_a_due_day_past_the_months_end_is_its_last_day():
    from govsites.policy.profiles import Profile

    custom = Profile("test", {"reports": {"due": {"monthly": {"months_after": 1, "day": 31}}}})
    assert periods.due_on(periods.parse(M, "2027-01"), custom) == dt.date(2027, 2, 28)
    assert periods.due_on(periods.parse(M, "2028-01"), custom) == dt.date(2028, 2, 29)
