"""Due-date reminders: the estate's supervisors are mailed before each due date and once after it,
each stage once, never for a published report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from govsites.accounts.models import Role
from govsites.audit.models import AuditLogEntry
from govsites.reports import reminders
from govsites.reports.models import Report, ReportKind, ReportReminder
from govsites.scheduling import jobs
from tests.factories import build_estate, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def e(clock, profile):
    profile("shanxi")
    estate = build_estate()
    estate.province_office.email = "office@lanchuan.gov.cn"
    estate.province_office.save()
    estate.deputy = user("deputy", (Role.SUPERVISOR, estate.province))  # no e-mail address: not mailed
    estate.city_office.email = "city@qinglan.gov.cn"  # a city supervisor: the estate's reports are not theirs
    estate.city_office.save()
    return estate


def published(e, kind: str, period: str) -> Report:
    return Report.objects.create(kind=kind, period=period, scope=e.province, title="已发布", data={},
                                 published_data={}, published_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))


def subjects() -> list[str]:
    return sorted(m.subject for m in mail.outbox)


@pytest.mark.rule("SUP-01")
def test_supervisors_are_reminded_once_per_stage_before_the_due_date(e, clock):
    published(e, ReportKind.MONTHLY, "2026-10")
    clock.set(dt.date(2026, 11, 29))  # 7 days before 6 December
    assert reminders.run() == {"reminders": 2, "mails": 2}
    assert subjects() == ["【报表提醒】2026年11月月度普查报告应于12月6日前报送",
                          "【报表提醒】2026年第4季度季度检查通报应于12月6日前报送"]
    assert all(m.to == ["office@lanchuan.gov.cn"] for m in mail.outbox)
    assert "2026年12月6日前（含当日）报送并公开，距期限还有7天。" in mail.outbox[0].body
    assert "/admin/reports/" in mail.outbox[0].body

    assert reminders.run()["reminders"] == 0  # the hourly job again: nothing new
    clock.set(dt.date(2026, 11, 30))
    assert reminders.run()["reminders"] == 0  # still the 7-day stage
    assert len(mail.outbox) == 2

    clock.set(dt.date(2026, 12, 5))
    assert reminders.run() == {"reminders": 2, "mails": 2}  # the 1-day stage
    assert "距期限还有1天。" in mail.outbox[-1].body
    assert ReportReminder.objects.filter(stage=1).count() == 2
    assert AuditLogEntry.objects.filter(action="reports.reminder.send").count() == 4


@pytest.mark.rule("SUP-01")
def test_a_published_report_is_not_reminded_and_an_unpublished_one_gets_one_overdue_notice(e, clock):
    published(e, ReportKind.MONTHLY, "2026-10")
    published(e, ReportKind.MONTHLY, "2026-11")
    clock.set(dt.date(2026, 12, 7))
    assert reminders.run() == {"reminders": 1, "mails": 1}
    assert subjects() == ["【逾期提醒】2026年第4季度季度检查通报已超过报送期限"]
    clock.set(dt.date(2026, 12, 20))
    assert reminders.run()["reminders"] == 0


@pytest.mark.rule("SUP-02")
def test_chongqing_reminds_of_the_annual_report_before_31_january(e, clock, profile):
    profile("chongqing")
    clock.set(dt.date(2027, 1, 24))
    assert reminders.run()["reminders"] == 1
    assert subjects() == ["【报表提醒】2026年政府网站监管年度报表应于1月31日前报送"]


def test_stages():
    assert reminders.stage_for(10, [7, 1], True) is None
    assert reminders.stage_for(7, [7, 1], True) == 7
    assert reminders.stage_for(3, [7, 1], True) == 7
    assert reminders.stage_for(0, [7, 1], True) == 1
    assert reminders.stage_for(-1, [7, 1], True) == reminders.OVERDUE
    assert reminders.stage_for(-1, [7, 1], False) is None
    assert reminders.stage_for(-40, [7, 1], True) is None


def test_the_reminder_job_is_scheduled(e):
    (job,) = [j for j in jobs() if j.name == "reports.reminders"]
    assert job.command == "report_reminders" and job.every == dt.timedelta(hours=1)
