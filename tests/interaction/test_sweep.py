"""The deadline sweep: reminders before, escalation after, across real holidays (INT-02/05)."""

import datetime as dt

import pytest
from django.core import mail

from govsites import clock as govclock
from govsites.actions import NotAllowed
from govsites.audit.context import Actor
from govsites.audit.models import AuditLogEntry
from govsites.interaction import sweep
from govsites.interaction.actions import (
    DraftReply,
    EscalateMessage,
    InteractionError,
    RemindMessage,
    ReviewMessage,
)
from govsites.interaction.models import ChannelKind, EventKind, Message
from govsites.scheduling import jobs

from .estate import act, answered, interaction_estate, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def e(clock):
    e = interaction_estate()
    for account in (e.triage, e.water_handler, e.water_approver, e.stats_handler, e.city_office, e.province_office,
                    e.county_office, e.county_triage):
        account.email = f"{account.username}@qinglan.gov.cn"
        account.save(update_fields=["email"])
    return e


def at(clock, *args):
    clock.set(govclock.at(*args))


def recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


def events(message, kind) -> int:
    return message.events.filter(kind=kind).count()


@pytest.fixture
def before_national_day(e, clock):
    """A consultation received 17:55 on Tuesday 2025-09-30, routed to the water bureau on Oct 9.
    5 working days after Sep 30: Oct 9, 10, 11 (adjusted working Saturday), 13, 14."""
    at(clock, 2025, 9, 30, 17, 55)
    message, _ = submit(e.channels[ChannelKind.CONSULTATION])
    at(clock, 2025, 10, 9, 9)
    act(e.triage, ReviewMessage, message, valid=True, department=e.water)
    message.refresh_from_db()
    assert govclock.local(message.due_at) == govclock.at(2025, 10, 15, 0, 0)
    mail.outbox.clear()
    return message


@pytest.mark.rule("INT-02")
def test_the_reminder_comes_on_the_working_day_before_the_last_day_not_during_the_holiday(e, clock,
                                                                                          before_national_day):
    message = before_national_day
    for day in (10, 11, 12):  # Fri, adjusted working Sat, Sun: the last day (Tue 14) is 2+ working days away
        at(clock, 2025, 10, day, 23, 59)
        assert sweep.run().reminded == []
    at(clock, 2025, 10, 13, 0, 5)  # Monday: one working day before the last day
    result = sweep.run()
    assert result.reminded == [message.case_number]
    message.refresh_from_db()
    assert message.reminded_at == govclock.at(2025, 10, 13, 0, 5) and events(message, EventKind.REMINDED) == 1
    assert recipients() == {"water_handler@qinglan.gov.cn"}
    sent = mail.outbox[0]
    assert message.case_number in sent.subject and "2025-10-14" in sent.body
    assert "13800138000" not in sent.body and message.title not in sent.body  # no personal data, no text
    entry = AuditLogEntry.objects.get(action="interaction.message.reminded")
    assert entry.via == "system" and entry.user is None
    # idempotent: the next sweeps do nothing more
    at(clock, 2025, 10, 13, 0, 20)
    assert sweep.run().reminded == [] and len(mail.outbox) == 1 and events(message, EventKind.REMINDED) == 1


@pytest.mark.rule("INT-02")
def test_escalation_starts_at_the_exclusive_deadline(e, clock, before_national_day):
    message = before_national_day
    at(clock, 2025, 10, 14, 23, 59)
    assert sweep.run().escalated == []
    mail.outbox.clear()
    clock.set(govclock.at(2025, 10, 15, 0, 0))
    assert sweep.run().escalated == [message.case_number]
    message.refresh_from_db()
    assert message.escalated_at is not None and events(message, EventKind.ESCALATED) == 1
    assert "2025-10-14" in message.events.get(kind=EventKind.ESCALATED).note
    # the site's triage handlers and the supervisors of its area — not the county's office
    assert recipients() == {"city_triage@qinglan.gov.cn", "city_office@qinglan.gov.cn",
                            "province_office@qinglan.gov.cn"}
    at(clock, 2025, 10, 16, 9)
    assert sweep.run().escalated == [] and events(message, EventKind.ESCALATED) == 1


def test_answered_and_invalid_messages_are_left_alone(e, clock):
    at(clock, 2025, 9, 30, 17, 55)
    done = answered(e, submit(e.channels[ChannelKind.CONSULTATION], client_hash="a")[0])
    invalid, _ = submit(e.channels[ChannelKind.COMPLAINT], title="广告", body="推销广告信息。", phone="13900000000",
                        client_hash="b")
    act(e.triage, ReviewMessage, invalid, valid=False, reason="广告推销")
    at(clock, 2025, 12, 1, 9)
    result = sweep.run()
    assert result.reminded == [] and result.escalated == []
    assert not Message.objects.filter(pk__in=[done.pk, invalid.pk], escalated_at__isnull=False).exists()


def test_a_message_waiting_for_approval_reminds_the_approvers_too(e, clock, before_national_day):
    message = before_national_day
    at(clock, 2025, 10, 10, 9)
    act(e.water_handler, DraftReply, message, "已转交工程科核实开工时间。", submit=True)
    at(clock, 2025, 10, 13, 9)
    sweep.run()
    assert recipients() == {"water_handler@qinglan.gov.cn", "water_approver@qinglan.gov.cn"}


def test_a_message_nobody_has_taken_reminds_the_triage_handlers(e, clock):
    at(clock, 2026, 3, 2, 9)  # Monday; consultation due by the end of Monday 03-09
    message, _ = submit(e.channels[ChannelKind.CONSULTATION])
    at(clock, 2026, 3, 6, 9)  # Friday: one working day before the last day
    assert sweep.run().reminded == [message.case_number]
    assert recipients() == {"city_triage@qinglan.gov.cn"}


@pytest.mark.rule("INT-05")
def test_a_chongqing_error_report_not_forwarded_in_time_is_escalated(e, clock, profile):
    profile("chongqing")
    at(clock, 2025, 9, 30, 17, 55)
    report, _ = submit(e.channels[ChannelKind.ERROR_REPORT], title="首页链接打不开", body="首页“政策文件”链接无法打开。",
                       page_url="https://www.qinglan.gov.cn/")
    at(clock, 2025, 10, 9, 23, 59)  # forwarding is due by the end of Oct 9
    assert sweep.run().escalated == []
    at(clock, 2025, 10, 10, 0, 0)
    assert sweep.run().escalated == [report.case_number]
    report.refresh_from_db()
    assert "转交期限（2025-10-09）" in report.events.get(kind=EventKind.ESCALATED).note
    assert any("超过转交期限" in m.subject for m in mail.outbox)


def test_deadlines_waiting_for_a_calendar_year_are_filled(e, clock):
    message, _ = submit(e.channels[ChannelKind.CONSULTATION])
    Message.objects.filter(pk=message.pk).update(due_at=None, deadline_error="未载入2026年的工作日历")
    assert sweep.run().filled == 1
    message.refresh_from_db()
    assert govclock.local(message.due_at) == govclock.at(2026, 3, 10, 0, 0) and message.deadline_error == ""


def test_only_the_system_takes_these_steps(e, clock, before_national_day):
    with pytest.raises(NotAllowed):
        RemindMessage(Actor.cli(e.triage), before_national_day).execute()
    with pytest.raises(InteractionError):  # not overdue yet
        EscalateMessage(Actor.system(), before_national_day).execute()
    assert Message.objects.get(pk=before_national_day.pk).escalated_at is None


def test_a_failing_mail_server_does_not_stop_the_sweep(e, clock, before_national_day, settings, caplog):
    settings.EMAIL_BACKEND = "tests.interaction.test_sweep.BrokenBackend"
    at(clock, 2025, 10, 15, 9)
    assert sweep.run().escalated == [before_national_day.case_number]
    assert Message.objects.get(pk=before_national_day.pk).escalated_at is not None
    assert "notification(s) failed" in caplog.text and not mail.outbox


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_the_sweep_is_a_scheduled_job_every_quarter_hour():
    (job,) = [job for job in jobs() if job.name == "interaction.deadlines"]
    assert job.every == dt.timedelta(minutes=15) and job.run is sweep.run and job.command == "interaction_sweep"


def test_cron_can_run_the_sweep_through_its_command(e, clock, before_national_day):
    from io import StringIO

    from django.core.management import call_command

    at(clock, 2025, 10, 13, 9)
    out = StringIO()
    call_command("interaction_sweep", stdout=out)
    assert f"临期提醒 {before_national_day.case_number}" in out.getvalue() and "临期提醒 1 条" in out.getvalue()
