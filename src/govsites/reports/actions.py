"""Every state change of the reports: generate a report, publish it on the portal, withdraw it from
the portal, fill in the annual report's own facts, record a due-date reminder (SUP-01, SUP-02).

Who: the supervisors of the supervising government (``registry.permissions.is_supervisor_of``
its institution); the CLI and the scheduler act as the system.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from govsites import clock
from govsites.actions import Action
from govsites.audit.log import snapshot
from govsites.registry import permissions as registry_permissions
from govsites.registry.models import Institution, InstitutionKind, Site, SiteType

from . import builders, periods
from .models import AnnualReportFacts, Report, ReportReminder


class ReportError(ValidationError):
    """A refused step, with a Chinese message."""


def may_report(user, scope: Institution) -> bool:
    """Supervisors of the scope's area (the estate root's office for the estate)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return registry_permissions.is_supervisor_of(user, scope)


def estate_root() -> Institution:
    """The estate's top government, the default scope; an error when there is none or several."""
    roots = list(Institution.objects.filter(parent__isnull=True, kind=InstitutionKind.GOVERNMENT)[:2])
    if len(roots) != 1:
        raise ReportError({"scope": "请指定监管单位（平台登记的顶级政府不唯一）。" if roots else "平台尚未登记政府机构。"})
    return roots[0]


def portal_of(scope: Institution) -> Site | None:
    """The supervising government's own portal, when the platform hosts and runs it."""
    return (Site.objects.live().filter(institution=scope, site_type=SiteType.PORTAL, hosted=True)
            .order_by("pk").first())


class ReportAction(Action):
    denied_message = "只有主管单位的监管人员可以处理监管报表。"

    def system_or_supervisor(self, scope: Institution) -> bool:
        return self.actor.user is None or may_report(self.user, scope)


class GenerateReport(ReportAction):
    """Build the report of a period from the stored data and keep it (a new revision of the
    period's report when it exists: the published page stays until it is published again)."""

    def __init__(self, actor, kind: str, period: str, scope: Institution):
        super().__init__(actor)
        self.kind, self.period_text, self.scope = kind, period, scope

    def check_permission(self) -> bool:
        return self.system_or_supervisor(self.scope)

    def perform(self) -> Report:
        if not self.scope.is_government:
            raise ReportError({"scope": "监管单位须为人民政府（其办公厅、室承担网站监管职责）。"})
        period = periods.parse(self.kind, self.period_text)
        now = clock.now()
        if period.period.start > now:
            raise ReportError({"period": f"{period.label}尚未开始，不能生成报表。"})
        data = builders.build(period, self.scope, now)
        due = periods.due_on(period)
        report = Report.objects.select_for_update().filter(kind=self.kind, period=period.key, scope=self.scope).first()
        if report is None:
            report = Report(kind=self.kind, period=period.key, scope=self.scope, revision=0)
        report.title, report.data, report.due_on = data["title"], data, due
        report.generated_at, report.generated_by = now, self.user
        report.revision += 1
        report.save()
        self.audit(report, "reports.report.generate", data={
            "kind": self.kind, "period": period.key, "scope": self.scope.pk, "revision": report.revision})
        return report


class PublishReport(ReportAction):
    """Put the report's current version on the supervising government's portal under
    ``jiandu/`` (``outputs``); the publisher renders it on its next run (SUP-01: results
    published on the sites; SUP-02: results public)."""

    def __init__(self, actor, report: Report):
        super().__init__(actor)
        self.report = report

    def check_permission(self) -> bool:
        return self.system_or_supervisor(self.report.scope)

    def perform(self) -> Report:
        from govsites.publishing.receivers import queue_outputs

        from . import outputs

        report = self.report
        site = portal_of(report.scope)
        if site is None:
            raise ReportError(f"{report.scope.name}的门户网站未在本平台运行，无法发布；请导出HTML后在门户网站发布。")
        if report.is_published and not report.changed_since_published and report.published_site_id == site.pk:
            raise ReportError("该报表已发布，且发布后未重新生成。")
        now = clock.now()
        report.published_data, report.published_at = report.data, now
        report.published_by, report.published_site = self.user, site
        report.withdrawn_at, report.withdrawn_by, report.withdrawal_reason = None, None, ""
        report.save(update_fields=["published_data", "published_at", "published_by", "published_site",
                                   "withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        queue_outputs(site.pk, outputs.NAME)
        self.audit(report, "reports.report.publish", site_id=site.pk, data={
            "kind": report.kind, "period": report.period, "revision": report.revision,
            "path": outputs.report_page(report)})
        return report


class WithdrawReport(ReportAction):
    """Take a published report off the portal (a wrong figure, a report published by mistake):
    its page leaves ``jiandu/`` and the home page on the publisher's next run. The report itself
    stays, to be corrected, regenerated and published again; the reason is kept and audited."""

    REASON_LIMIT = 500

    def __init__(self, actor, report: Report, reason: str):
        super().__init__(actor)
        self.report, self.reason = report, (reason or "").strip()

    def check_permission(self) -> bool:
        return self.system_or_supervisor(self.report.scope)

    def perform(self) -> Report:
        from govsites.publishing.receivers import queue_outputs

        from . import outputs

        if not self.reason:
            raise ReportError({"reason": "请填写撤回原因。"})
        if len(self.reason) > self.REASON_LIMIT:
            raise ReportError({"reason": f"撤回原因不能超过{self.REASON_LIMIT}个字。"})
        report = Report.objects.select_for_update().get(pk=self.report.pk)
        if not report.is_published:
            raise ReportError("该报表未在门户网站发布，无需撤回。")
        site, path = report.published_site, outputs.report_page(report)
        report.published_data = report.published_at = report.published_by = None
        report.withdrawn_at, report.withdrawn_by, report.withdrawal_reason = clock.now(), self.user, self.reason
        report.save(update_fields=["published_data", "published_at", "published_by", "withdrawn_at", "withdrawn_by",
                                   "withdrawal_reason"])
        if site is not None:
            queue_outputs(site.pk, outputs.NAME)
        self.audit(report, "reports.report.withdraw", reason=self.reason, site_id=site.pk if site else None, data={
            "kind": report.kind, "period": report.period, "revision": report.revision, "path": path})
        self.report = report
        return report


class SaveAnnualFacts(ReportAction):
    """The supervisor fills in what the platform cannot know for the annual report."""

    NUMBERS = ("accountable_persons", "training_sessions", "trained_persons")

    def __init__(self, actor, scope: Institution, year: int, values: dict):
        super().__init__(actor)
        self.scope, self.year, self.values = scope, year, values

    def check_permission(self) -> bool:
        return self.actor.user is not None and may_report(self.user, self.scope)

    def perform(self) -> AnnualReportFacts:
        this_year = clock.today().year
        if not isinstance(self.year, int) or not 2000 <= self.year <= this_year:
            raise ReportError({"year": f"年度应在2000年至{this_year}年之间。"})
        facts = (AnnualReportFacts.objects.select_for_update().filter(scope=self.scope, year=self.year).first()
                 or AnnualReportFacts(scope=self.scope, year=self.year))
        fields = AnnualReportFacts.FILLED_FIELDS
        before = snapshot(facts, fields) if facts.pk else {}
        errors = {}
        for name in fields:
            if name not in self.values:
                continue
            value = self.values[name]
            if name in self.NUMBERS:
                if value not in (None, "") and (not isinstance(value, int) or value < 0 or value > 1_000_000):
                    errors[name] = "请填写0至1000000之间的整数。"
                    continue
                value = None if value == "" else value
            elif name == "filled_on":
                if value is not None and not isinstance(value, dt.date):
                    errors[name] = "请填写日期。"
                    continue
            else:
                value = (value or "").strip()
                limit = AnnualReportFacts._meta.get_field(name).max_length or 5000
                if len(value) > limit:
                    errors[name] = f"不能超过{limit}个字。"
                    continue
            setattr(facts, name, value)
        if errors:
            raise ReportError(errors)
        facts.updated_at, facts.updated_by = clock.now(), self.user
        facts.save()
        after = snapshot(facts, fields)
        self.audit(facts, "reports.facts.save", changes={
            k: {"before": before.get(k), "after": v} for k, v in after.items() if before.get(k) != v},
            data={"scope": self.scope.pk, "year": self.year})
        return facts


class RecordReminder(ReportAction):
    """The scheduler notes a due-date reminder it is about to send; ``None`` when this stage was
    already sent (the unique row is the guard, so two schedulers never mail twice)."""

    def __init__(self, actor, *, kind: str, period: str, scope: Institution, due_on: dt.date, stage: int,
                 recipients: int):
        super().__init__(actor)
        self.kind, self.period, self.scope = kind, period, scope
        self.due, self.stage, self.recipients = due_on, stage, recipients

    def check_permission(self) -> bool:
        return self.actor.user is None

    def perform(self) -> ReportReminder | None:
        reminder, created = ReportReminder.objects.get_or_create(
            kind=self.kind, period=self.period, scope=self.scope, stage=self.stage,
            defaults={"due_on": self.due, "recipients": self.recipients, "sent_at": clock.now()})
        if not created:
            return None
        self.audit(reminder, "reports.reminder.send", data={
            "kind": self.kind, "period": self.period, "due_on": self.due.isoformat(), "stage": self.stage,
            "recipients": self.recipients})
        return reminder
