"""Due-date reminders (job ``reports.reminders``, command ``report_reminders``; SUP-01, SUP-02).

For each report kind the profile gives a due date (``reports.due``), the supervisors of the
estate's top government are mailed ``reports.remind_days`` days before it (e.g. 7 and 1) and
once the day after it passed (``reports.overdue_notice``), unless the report is already
published. Each stage is sent once (``ReportReminder``); a stage missed while the platform was
down is not sent late, only the nearest one is. Mail goes through Django's mail API like the
interaction platform's notifications (``interaction.notify.send``).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from govsites import clock
from govsites.accounts.models import Role
from govsites.audit.context import Actor
from govsites.interaction.notify import send
from govsites.policy import profiles
from govsites.registry.models import Institution, InstitutionKind

from . import periods
from .actions import RecordReminder
from .models import Report, ReportKind

logger = logging.getLogger("govsites.reports.reminders")
OVERDUE = -1
#: how long after a due date the overdue notice may still go out
OVERDUE_WINDOW = dt.timedelta(days=31)


def stage_for(days_left: int, remind_days: list[int], overdue_notice: bool) -> int | None:
    """The reminder stage ``days_left`` days before the due date falls in (None: no reminder):
    the smallest configured number of days not below ``days_left``; ``OVERDUE`` once it passed."""
    if days_left < 0:
        return OVERDUE if overdue_notice and -days_left <= OVERDUE_WINDOW.days else None
    candidates = [days for days in remind_days if days >= days_left]
    return min(candidates) if candidates else None


def candidate_periods(kind: str, today: dt.date) -> list[periods.ReportPeriod]:
    """The periods whose due date may be near ``today``: the current one and the ones before."""
    current = periods.containing(kind, today)
    back = {ReportKind.MONTHLY: 3, ReportKind.QUARTERLY: 2, ReportKind.ANNUAL: 1}[kind]
    return [periods.shifted(current, -step) for step in range(back, -1, -1)]


def supervisors(scope: Institution):
    return (get_user_model().objects.filter(is_active=True, role_assignments__role=Role.SUPERVISOR,
                                            role_assignments__institution=scope)
            .exclude(email="").distinct())


def message(kind: str, period: periods.ReportPeriod, due: dt.date, days_left: int) -> tuple[str, list[str]]:
    label = ReportKind(kind).label
    link = (getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "").rstrip("/") + reverse("reports:list")
    if days_left < 0:
        subject = f"【逾期提醒】{period.label}{label}已超过报送期限"
        first = f"{period.label}{label}的报送期限为{due.year}年{due.month}月{due.day}日，目前尚未在平台发布，请尽快生成、报送并公开。"
    else:
        subject = f"【报表提醒】{period.label}{label}应于{due.month}月{due.day}日前报送"
        first = (f"{period.label}{label}应于{due.year}年{due.month}月{due.day}日前（含当日）报送并公开，"
                 + (f"距期限还有{days_left}天。" if days_left else "今天是最后一天。"))
    return subject, [first, "在平台“网站监管 → 监管报表”中可生成报表、导出HTML和XLSX，并发布到门户网站。",
                     f"监管报表：{link}"]


def run(today: dt.date | None = None) -> dict[str, int]:
    """Send the reminders due today; returns how many reminders and mails went out."""
    today = today or clock.today()
    profile = profiles.active()
    remind_days = [int(days) for days in profile.get("reports.remind_days")]
    overdue_notice = bool(profile.get("reports.overdue_notice"))
    sent = mails = 0
    for scope in Institution.objects.filter(parent__isnull=True, kind=InstitutionKind.GOVERNMENT):
        published = set(Report.objects.filter(scope=scope, published_at__isnull=False).values_list("kind", "period"))
        for kind in ReportKind.values:
            for period in candidate_periods(kind, today):
                due = periods.due_on(period, profile)
                if due is None or (kind, period.key) in published:
                    continue
                days_left = (due - today).days
                stage = stage_for(days_left, remind_days, overdue_notice)
                if stage is None:
                    continue
                people = list(supervisors(scope))
                reminder = RecordReminder(Actor.system(), kind=kind, period=period.key, scope=scope, due_on=due,
                                          stage=stage, recipients=len(people)).execute()
                if reminder is None:
                    continue
                sent += 1
                subject, lines = message(kind, period, due, days_left)
                mails += send(people, subject, lines)
    if sent:
        logger.info("report reminders: %d sent, %d mails", sent, mails)
    return {"reminders": sent, "mails": mails}
