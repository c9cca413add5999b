"""Case lookup: case number + query code → status, public timeline and the four reply fields;
nothing for anyone else, and no way to tell an unknown case from a wrong code."""

from __future__ import annotations

import pytest

from govsites import clock as govclock
from govsites.interaction.actions import ReviewMessage, TransferMessage
from govsites.interaction.models import EventKind
from tests.interaction.estate import act, answered
from tests.interaction.estate import submit as submit_action

from .conftest import form_post

pytestmark = pytest.mark.usefixtures("public")


def look_up(client, case_number, code, remote="10.7.0.1"):
    return form_post(client, "/cases/lookup", {"case_number": case_number, "code": code}, REMOTE_ADDR=remote)


def test_the_lookup_form_is_accessible(client):
    html = client.get("/cases/lookup").content.decode()
    assert 'for="f-case_number"' in html and 'for="f-code"' in html and "<script" not in html


@pytest.mark.rule("INT-02")
def test_an_answered_case_shows_acceptance_and_reply_dates_department_and_reply(client, e, clock):
    clock.set(govclock.at(2026, 3, 2, 10))
    message, code = submit_action(e.channels["consultation"], name="赵六", phone="13811112222")
    clock.set(govclock.at(2026, 3, 3, 9))
    message = answered(e, message, body="溪口河段整治工程计划于2027年3月开工。")
    response = look_up(client, message.case_number, code.lower())  # the code is not case-sensitive
    assert response.status_code == 200
    html = response.content.decode()
    assert "已答复" in html and "2026-03-03" in html
    assert "受理日期" in html and "答复日期" in html and "答复部门" in html and e.water.name in html
    assert "溪口河段整治工程计划于2027年3月开工。" in html
    # personal data and internal steps stay out
    assert "赵六" not in html and "13811112222" not in html and "1381" not in html
    assert str(EventKind.REPLY_SUBMITTED.label) not in html and str(EventKind.ASSIGNED.label) not in html
    assert str(EventKind.RECEIVED.label) in html and str(EventKind.PUBLISHED.label) in html


def test_an_open_case_shows_its_status_without_a_reply_and_hides_transfer_reasons(client, e):
    message, code = submit_action(e.channels["consultation"])
    act(e.triage, ReviewMessage, message, valid=True, department=e.water)
    message.refresh_from_db()
    act(e.water_handler, TransferMessage, message, e.stats, "内部原因：本局人手不足")
    html = look_up(client, message.case_number, code).content.decode()
    assert "办理中" in html and "答复部门" not in html
    assert str(EventKind.TRANSFERRED.label) in html and "人手不足" not in html


def test_an_invalid_case_shows_its_reason(client, e):
    message, code = submit_action(e.channels["consultation"])
    act(e.triage, ReviewMessage, message, valid=False, reason="内容与政务无关")
    html = look_up(client, message.case_number, code).content.decode()
    assert "无效" in html and "内容与政务无关" in html


def test_an_unknown_case_and_a_wrong_code_look_the_same(client, e):
    message, code = submit_action(e.channels["consultation"])
    wrong = look_up(client, message.case_number, "AAAAAAAA")
    unknown = look_up(client, "202603029999999", code)
    malformed = look_up(client, "' OR 1=1 --", code)
    assert wrong.status_code == unknown.status_code == malformed.status_code == 404
    strip = lambda r, number: r.content.decode().replace(number, "")  # noqa: E731 - the number is echoed back
    assert strip(wrong, message.case_number) == strip(unknown, "202603029999999") == strip(malformed, "&#x27; OR 1=1 --")
    assert message.title not in wrong.content.decode()


def test_guessing_query_codes_is_rate_limited(client, e, settings):
    settings.GOVSITES_PUBLIC = {"LOOKUP_FAILURES_PER_ADDRESS": 3}
    message, code = submit_action(e.channels["consultation"])
    for _ in range(3):
        assert look_up(client, message.case_number, "WRONG000").status_code == 404
    blocked = look_up(client, message.case_number, code)  # even the right code, from this address, for now
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
    assert look_up(client, message.case_number, code, remote="10.7.0.2").status_code == 200
