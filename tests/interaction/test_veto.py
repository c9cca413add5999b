"""The national veto: a valid enquiry unanswered for more than three months within the past year
(INT-02, national.md §2 item 4)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from govsites import clock as govclock
from govsites.interaction import veto
from govsites.interaction.actions import ReviewMessage
from govsites.interaction.models import ChannelKind
from govsites.interaction.veto import AT_RISK, VETO, add_months, classify

from .estate import act, answered, interaction_estate, submit

at = govclock.at
SECOND = dt.timedelta(seconds=1)


def test_calendar_months_clamp_the_day_of_the_month():
    assert add_months(at(2025, 11, 30, 10), 3) == at(2026, 2, 28, 10)
    assert add_months(at(2027, 11, 30, 10), 3) == at(2028, 2, 29, 10)  # leap year
    assert add_months(at(2026, 1, 31, 8), 3) == at(2026, 4, 30, 8)
    assert add_months(at(2026, 3, 2, 9), -12) == at(2025, 3, 2, 9)
    assert add_months(at(2026, 3, 31, 9), -1) == at(2026, 2, 28, 9)
    assert add_months(at(2025, 12, 15, 9), 1) == at(2026, 1, 15, 9)
    # in Shanghai wall-clock time, whatever zone the input is in
    utc = dt.datetime(2025, 11, 30, 20, 0, tzinfo=dt.UTC)  # 2025-12-01 04:00 in Shanghai
    assert add_months(utc, 3) == at(2026, 3, 1, 4)


@pytest.mark.rule("INT-02")
def test_more_than_three_months_open_is_the_veto_to_the_second():
    received = at(2025, 11, 30, 10)
    line = at(2026, 2, 28, 10)
    assert classify(received, None, True, line, months=3) == AT_RISK  # exactly three months: not more
    assert classify(received, None, True, line + SECOND, months=3) == VETO


@pytest.mark.rule("INT-02")
def test_an_answer_after_more_than_three_months_is_the_veto_too():
    received = at(2025, 11, 30, 10)
    now = at(2026, 6, 1)
    assert classify(received, at(2026, 2, 28, 10), False, now, months=3) is None
    assert classify(received, at(2026, 2, 28, 10) + SECOND, False, now, months=3) == VETO
    assert classify(received, at(2025, 12, 5), False, now, months=3) is None


def test_at_risk_means_crossing_the_line_within_30_days():
    received = at(2025, 11, 30, 10)
    line = at(2026, 2, 28, 10)
    assert classify(received, None, True, line - dt.timedelta(days=30), months=3) == AT_RISK
    assert classify(received, None, True, line - dt.timedelta(days=30) - SECOND, months=3) is None


@pytest.fixture
def e(clock):
    return interaction_estate()


@pytest.mark.django_db
@pytest.mark.rule("INT-02")
def test_the_site_report_counts_valid_enquiries_of_the_past_year(e, clock):
    def message_at(moment, channel=None, **kwargs):
        clock.set(moment)
        return submit(channel or e.channels[ChannelKind.CONSULTATION], **kwargs)[0]

    now = at(2026, 3, 2, 9)
    window = add_months(now, -12)  # 2025-03-02 09:00, inclusive
    old_open = message_at(window - SECOND, title="一年前的咨询", client_hash="a", phone="13800000001")
    in_window_open = message_at(window, title="整一年前的咨询", client_hash="b", phone="13800000002")
    late = message_at(at(2025, 6, 1, 9), title="答复太迟的投诉", channel=e.channels[ChannelKind.COMPLAINT],
                      body="投诉内容很长。", client_hash="c", phone="13800000003")
    clock.set(at(2025, 9, 2, 9))  # more than three months later
    answered(e, late)
    in_time = message_at(at(2025, 10, 1, 9), title="按时答复的建议", channel=e.channels[ChannelKind.SUGGESTION],
                         body="建议内容。", client_hash="d", phone="13800000004")
    answered(e, in_time)
    error_report = message_at(at(2025, 4, 1, 9), channel=e.channels[ChannelKind.ERROR_REPORT], title="页面错误",
                              body="找错不计入否决项。", page_url="https://www.qinglan.gov.cn/", client_hash="e",
                              phone="13800000005")
    invalid = message_at(at(2025, 4, 2, 9), title="无效留言", body="无效留言的内容。", client_hash="f",
                         phone="13800000006")
    act(e.triage, ReviewMessage, invalid, valid=False, reason="重复留言")
    soon = message_at(at(2025, 12, 20, 9), title="即将超期的咨询", body="即将超期。", client_hash="g",
                      phone="13800000007")
    fresh = message_at(at(2026, 2, 20, 9), title="新咨询", body="刚收到的咨询。", client_hash="h", phone="13800000008")
    county = message_at(at(2025, 5, 1, 9), channel=e.county_channel, title="县咨询", body="县咨询内容。",
                        client_hash="i", phone="13800000009")

    report = {entry.site: entry for entry in veto.report([e.city_portal, e.county_portal], now)}
    city = report[e.city_portal]
    assert {c.message.pk for c in city.vetoes} == {in_window_open.pk, late.pk}
    assert {c.message.pk for c in city.at_risk} == {soon.pk}
    assert city.vetoed and report[e.county_portal].vetoed
    assert {c.message.pk for c in report[e.county_portal].vetoes} == {county.pk}
    found = {c.message.pk for entry in report.values() for c in [*entry.vetoes, *entry.at_risk]}
    assert not found & {old_open.pk, in_time.pk, error_report.pk, invalid.pk, fresh.pk}
    assert veto.report([e.city_portal], now)[0].vetoes[0].line == add_months(in_window_open.received_at, 3)


@pytest.mark.django_db
def test_the_veto_page_per_role(e, clock):
    clock.set(at(2025, 9, 1, 9))
    submit(e.county_channel, title="县咨询", body="县咨询内容。")
    clock.set(at(2026, 3, 2, 9))
    url = reverse("interaction:veto")

    def get(account, **params):
        client = Client()
        client.force_login(account)
        return client.get(url, params)

    county = get(e.county_triage)
    assert [entry.site for entry in county.context["entries"]] == [e.county_portal]
    assert county.context["vetoed"] == 1 and "触发否决" in county.content.decode()
    city = get(e.city_office)
    assert [entry.site for entry in city.context["entries"]] == [e.county_portal, e.city_portal]  # vetoed first
    assert [entry.site for entry in get(e.city_office, problems="on").context["entries"]] == [e.county_portal]
    assert [entry.site for entry in get(e.city_office, site=e.city_portal.pk).context["entries"]] == [e.city_portal]
    case = city.context["entries"][0].vetoes[0]
    assert case.viewable and reverse("interaction:message", args=[case.message.pk]) in city.content.decode()
    assert get(e.triage).context["entries"][0].site == e.city_portal
    assert get(e.water_handler).status_code == 403
