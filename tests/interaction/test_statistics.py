"""Message statistics (INT-02): on-time rates that count open overdue items, working-day averages."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from govsites import clock as govclock
from govsites.audit.models import AuditLogEntry
from govsites.interaction import statistics
from govsites.interaction.actions import ReviewMessage
from govsites.interaction.models import ChannelKind, MessageStatus
from govsites.interaction.statistics import Period, Row, summarize

from .estate import act, answered, interaction_estate, submit

# the working-day calendar lives in the database (seeded by migration)
pytestmark = pytest.mark.django_db
at = govclock.at
MARCH = Period.month(2026, 3)
END_OF_MARCH = at(2026, 4, 1, 0, 0)


def row(status, received, due=None, replied=None, published=None):
    return Row(status, received, due, replied, published)


def test_periods_are_local_calendar_days():
    assert (MARCH.first, MARCH.last) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert MARCH.start == at(2026, 3, 1, 0, 0) and MARCH.end == END_OF_MARCH
    assert Period.month(2028, 2).last == dt.date(2028, 2, 29)
    q4 = Period.quarter(2025, 4)
    assert (q4.first, q4.last, q4.label) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31), "2025年第4季度")
    assert Period.year(2025).end == at(2026, 1, 1, 0, 0)
    assert Period.custom(dt.date(2025, 9, 30), dt.date(2025, 10, 9)).end == at(2025, 10, 10, 0, 0)


@pytest.mark.rule("INT-02")
def test_open_overdue_messages_count_against_the_on_time_rate_and_open_not_due_ones_are_apart():
    due = at(2026, 3, 10, 0, 0)
    rows = [
        row("answered", at(2026, 3, 2, 9), due, replied=at(2026, 3, 9, 23, 59), published=at(2026, 3, 10, 8)),
        row("answered", at(2026, 3, 2, 9), due, replied=at(2026, 3, 10, 0, 0)),  # at the bound: late
        row("accepted", at(2026, 3, 2, 9), due),  # still open, past due at the end of March
        row("received", at(2026, 3, 31, 23), at(2026, 4, 8, 0, 0)),  # open, not yet due
        row("invalid", at(2026, 3, 3, 9), due),
        row("answered", at(2026, 2, 28, 23, 59), due, replied=at(2026, 3, 2, 9)),  # February's
    ]
    f = summarize(rows, MARCH, as_of=at(2026, 6, 1))
    assert (f.received, f.answered, f.on_time, f.late, f.open_overdue, f.open_not_due, f.invalid) == (4, 2, 1, 1, 1, 1, 1)
    assert f.on_time_rate == pytest.approx(1 / 3)  # not 1/2: the open overdue one counts
    assert f.published == 1
    # working days: Mar 2 → Mar 9 = 5 (Tue–Fri, Mon); Mar 2 → Mar 10 = 6
    assert f.average_working_days == pytest.approx(5.5)


@pytest.mark.rule("INT-02")
def test_leaving_a_message_open_never_looks_better_than_answering_it_late():
    due = at(2026, 3, 10, 0, 0)
    late = summarize([row("answered", at(2026, 3, 2, 9), due, replied=at(2026, 3, 20))], MARCH, at(2026, 6, 1))
    still_open = summarize([row("accepted", at(2026, 3, 2, 9), due)], MARCH, at(2026, 6, 1))
    assert late.on_time_rate == still_open.on_time_rate == 0


@pytest.mark.rule("INT-02")
def test_a_past_period_is_counted_as_things_stood_at_its_end():
    due = at(2026, 3, 30, 0, 0)
    answered_in_april = row("answered", at(2026, 3, 20, 9), due, replied=at(2026, 4, 2, 9))
    not_due_at_end = row("answered", at(2026, 3, 31, 9), at(2026, 4, 8, 0, 0), replied=at(2026, 4, 3, 9))
    f = summarize([answered_in_april, not_due_at_end], MARCH, as_of=at(2026, 6, 1))
    assert (f.answered, f.open_overdue, f.open_not_due) == (0, 1, 1)
    assert f.on_time_rate == 0 and f.average_working_days is None


def test_a_period_still_running_is_counted_as_of_now():
    row_ = row("accepted", at(2026, 3, 2, 9), at(2026, 3, 10, 0, 0))
    assert summarize([row_], MARCH, as_of=at(2026, 3, 9, 12)).open_not_due == 1
    assert summarize([row_], MARCH, as_of=at(2026, 3, 10, 0, 0)).open_overdue == 1


def test_nothing_to_rate_is_none_not_zero():
    f = summarize([row("received", at(2026, 3, 20, 9), at(2026, 3, 27, 0, 0))], MARCH, as_of=at(2026, 3, 21))
    assert f.on_time_rate is None and f.average_working_days is None
    assert f.as_dict()["on_time_rate"] is None and f.as_dict()["open_not_due"] == 1
    assert summarize([row("received", at(2026, 3, 20, 9))], MARCH, at(2026, 3, 21)).no_deadline == 1


@pytest.mark.rule("INT-02")
def test_working_days_to_answer_skip_the_national_day_holiday():
    period = Period.quarter(2025, 3)
    f = summarize([row("answered", at(2025, 9, 30, 17, 55), at(2025, 10, 15, 0, 0), replied=at(2025, 10, 9, 10))],
                  Period.custom(dt.date(2025, 9, 1), dt.date(2025, 10, 31)), as_of=at(2025, 11, 1))
    assert f.average_working_days == 1 and f.on_time == 1
    # the same message in Q3 (received Sep 30): still open at the end of Q3, not yet due
    assert summarize([row("answered", at(2025, 9, 30, 17, 55), at(2025, 10, 15, 0, 0), replied=at(2025, 10, 9))],
                     period, as_of=at(2025, 11, 1)).open_not_due == 1


def test_figures_add_up():
    a = summarize([row("answered", at(2026, 3, 2, 9), at(2026, 3, 10, 0, 0), replied=at(2026, 3, 3, 9))], MARCH,
                  at(2026, 6, 1))
    b = summarize([row("accepted", at(2026, 3, 2, 9), at(2026, 3, 10, 0, 0))], MARCH, at(2026, 6, 1))
    total = a + b
    assert (total.received, total.on_time, total.open_overdue, total.on_time_rate) == (2, 1, 1, 0.5)


# -- from the database and on the page -------------------------------------------------------------


@pytest.fixture
def e(clock):
    e = interaction_estate()
    clock.set(at(2026, 3, 2, 9))
    e.on_time = answered(e, submit(e.channels[ChannelKind.CONSULTATION], client_hash="a", phone="13800000001")[0])
    e.open_overdue, _ = submit(e.channels[ChannelKind.COMPLAINT], title="噪音投诉", body="工地夜间施工噪音扰民。",
                               client_hash="b", phone="13800000002")
    act(e.triage, ReviewMessage, e.open_overdue, valid=True, department=e.stats)
    e.county_message, _ = submit(e.county_channel, title="县里的咨询", body="县里的咨询内容。", client_hash="c",
                                 phone="13800000003")
    clock.set(at(2026, 3, 25, 9))
    return e


@pytest.mark.rule("INT-02")
def test_public_summary_of_a_site_and_year(e):
    summary = statistics.public_summary(e.city_portal, 2026)
    assert summary["year"] == 2026 and summary["received"] == 2 and summary["answered"] == 1
    assert summary["on_time_rate"] == 0.5 and summary["published"] == 1 and summary["average_working_days"] == 0
    assert summary["by_kind"]["complaint"]["open_overdue"] == 1
    assert set(summary["by_kind"]) == {"consultation", "complaint"}
    assert summary["as_of"].startswith("2026-03-25T09:00")
    import json

    json.dumps(summary)  # ready for the static site


def login(account):
    client = Client()
    client.force_login(account)
    return client


def test_the_statistics_page_per_role(e):
    url = reverse("interaction:statistics")
    city = login(e.city_office).get(url)
    assert city.status_code == 200 and city.context["total"]["figures"].received == 3
    names = {row["label"] for title, rows in city.context["tables"] for row in rows}
    assert {"青岚市人民政府", "青岚市溪口县人民政府", "青岚市水利局", "青岚市统计局", "咨询", "投诉"} <= names
    triage = login(e.triage).get(url)
    assert triage.context["total"]["figures"].received == 2  # the city portal only
    assert "50.0%" in triage.content.decode()
    county = login(e.county_triage).get(url, {"site": e.city_portal.pk})
    assert county.context["valid"] is False  # not one of their sites
    assert login(e.water_handler).get(url).status_code == 403


def test_periods_and_bad_input_on_the_statistics_page(e):
    client = login(e.triage)
    url = reverse("interaction:statistics")
    feb = client.get(url, {"period": "month", "year": "2026", "month": "2"})
    assert feb.context["period"].label == "2026年2月" and feb.context["total"]["figures"].received == 0
    year = client.get(url, {"period": "year", "year": "2026", "department": e.stats.pk})
    assert year.context["total"]["figures"].open_overdue == 1 and year.context["total"]["figures"].received == 1
    bad = client.get(url, {"period": "custom", "first": "2026-03-31", "last": "2026-03-01"})
    assert bad.status_code == 200 and "结束日期不能早于开始日期。" in bad.content.decode()
    assert "年份须在2000至2100之间。" in client.get(url, {"period": "year", "year": "1900"}).content.decode()


def test_the_csv_export_is_audited(e):
    response = login(e.city_office).get(reverse("interaction:statistics"), {"period": "year", "year": "2026",
                                                                            "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("分组,名称,收到（有效）") and "青岚市统计局" in body
    entry = AuditLogEntry.objects.get(action="interaction.statistics.export")
    assert entry.user == e.city_office and entry.data["format"] == "csv"


def test_invalid_messages_are_counted_apart(e):
    invalid, _ = submit(e.channels[ChannelKind.SUGGESTION], title="广告", body="推销广告信息。", client_hash="d",
                        phone="13800000004")
    act(e.triage, ReviewMessage, invalid, valid=False, reason="广告推销")
    figures = statistics.figures(e.city_portal.messages.all(), MARCH)
    assert figures.invalid == 1 and figures.received == 2
    assert invalid.status == MessageStatus.INVALID
