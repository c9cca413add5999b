"""Applications and their approval chains: submit, decide a step, withdraw."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q

from govsites import clock
from govsites.audit.log import diff, snapshot
from govsites.policy.profiles import active as active_profile

from .. import permissions, rules
from ..chains import build_chain
from ..errors import ConflictError, RuleViolation
from ..models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    ApprovalStep,
    Institution,
    OutageCause,
    Site,
    SiteStatus,
    SiteType,
    StepStatus,
)
from ..signals import application_step_decided, application_submitted
from ..validation import clean_site_fields
from .base import Action
from .effects import on_approved, on_rejected

MATERIAL_LABELS = {
    "responsibilities": "责任分工",
    "review_mechanism": "内容及保密审查机制",
    "security_measures": "安全防护措施",
    "emergency_plan": "应急响应预案",
}


class SubmitApplication(Action):
    """Base of every application: permission to file, validation, the chain, the audit entry."""

    kind: str = ""

    def __init__(self, actor, institution: Institution, *, reason: str = ""):
        super().__init__(actor)
        self.institution = institution
        self.reason = (reason or "").strip()

    def check_permission(self) -> bool:
        return permissions.may_file_for(self.user, self.institution)

    def validate(self) -> None:
        """Raise ValidationError / RuleViolation; runs inside the transaction."""

    def build(self) -> Application:
        raise NotImplementedError

    def perform(self) -> Application:
        self.validate()
        application = self.build()
        application.kind = self.kind
        application.institution = self.institution
        application.reason = self.reason
        application.submitted_by = self.user
        application.submitted_at = clock.now()
        application.save()
        self.after_save(application)
        chain = build_chain(self.kind, self.institution)
        ApprovalStep.objects.bulk_create(
            ApprovalStep(
                application=application,
                position=index,
                kind=kind,
                institution=institution,
                is_final=index == len(chain) - 1,
                status=StepStatus.PENDING if index == 0 else StepStatus.WAITING,
            )
            for index, (kind, institution) in enumerate(chain)
        )
        self.audit(
            application,
            "registry.application.submit",
            reason=self.reason,
            data={"kind": self.kind, "chain": [f"{k}:{i.pk}" for k, i in chain]},
            site=application.site,
        )
        self.emit(application_submitted, sender=Application, application=application)
        return application

    def after_save(self, application: Application) -> None:
        """Hook for many-to-many data that needs the saved application."""

    def require_site(self, site: Site, *statuses: str) -> None:
        """Check the site (re-read under a row lock: the caller's copy may be stale)."""
        site.refresh_from_db()
        Site.objects.select_for_update().filter(pk=site.pk).exists()
        if site.institution_id != self.institution.pk:
            raise RuleViolation("REG-01", "只能为本单位的网站提交申请。")
        if statuses and site.status not in statuses:
            labels = "、".join(str(SiteStatus(s).label) for s in statuses)
            raise ValidationError(f"网站当前状态为“{site.get_status_display()}”，此申请只适用于“{labels}”的网站。")

    def require_no_pending(self, site: Site) -> None:
        pending = Application.objects.filter(site=site, kind=self.kind, status=ApplicationStatus.PENDING)
        if pending.exists():
            raise ValidationError("该网站已有同类申请正在审批中，请勿重复提交。")


class ApplyToOpenSite(SubmitApplication):
    """REG-02/03/04/08: apply to open the institution's site; the proposed site is recorded now."""

    kind = ApplicationKind.OPEN

    def __init__(self, actor, institution, *, site_data: dict, materials: dict | None = None,
                 purpose: str = "institution", reason: str = ""):
        super().__init__(actor, institution, reason=reason)
        self.site_data = dict(site_data)
        self.materials = {k: str(v).strip() for k, v in (materials or {}).items() if k in MATERIAL_LABELS}
        self.purpose = purpose

    def validate(self) -> None:
        rules.check_not_event_site(self.purpose)
        rules.check_may_have_site(self.institution)
        rules.check_no_live_site(self.institution)
        missing = [
            MATERIAL_LABELS[key]
            for key in active_profile().get("registry.open_application_materials")
            if not self.materials.get(key)
        ]
        if missing:
            raise RuleViolation("REG-08", f"开设申请材料不完整，缺少：{'、'.join(missing)}。", "materials")
        if not self.reason:
            raise ValidationError({"reason": ["请填写申请理由。"]})
        self.site_type = rules.site_type_for(self.institution)
        self.cleaned = clean_site_fields(self.site_data, self.institution, self.site_type)

    def build(self) -> Application:
        site = Site.objects.create(
            institution=self.institution,
            site_type=self.site_type,
            status=SiteStatus.PROPOSED,
            **{k: v for k, v in self.cleaned.items() if k in {f.name for f in Site._meta.fields}},
        )
        self.audit(site, "registry.site.propose", reason=self.reason,
                   changes=diff({}, snapshot(site, Site.RECORD_FIELDS)))
        return Application(site=site, materials=self.materials)


class ApplyForTemporaryOffline(SubmitApplication):
    """REG-12: at most once per calendar year, at most N days (profile)."""

    kind = ApplicationKind.TEMPORARY_OFFLINE

    def __init__(self, actor, site: Site, *, start_date: dt.date, end_date: dt.date, reason: str = ""):
        super().__init__(actor, site.institution, reason=reason)
        self.site, self.start_date, self.end_date = site, start_date, end_date

    def validate(self) -> None:
        self.require_site(self.site, SiteStatus.ONLINE)
        self.require_no_pending(self.site)
        check_period(self.start_date, self.end_date)
        if not self.reason:
            raise ValidationError({"reason": ["请填写临时下线的理由。"]})
        profile = active_profile()
        max_days = profile.get("registry.temporary_offline_max_days")
        days = (self.end_date - self.start_date).days + 1
        if days > max_days:
            raise RuleViolation("REG-12", f"临时下线时间不得超过{max_days}天，本次申请为{days}天。", "end_date")
        max_per_year = profile.get("registry.temporary_offline_max_per_year")
        year = self.start_date.year
        used = Application.objects.filter(
            site=self.site,
            kind=ApplicationKind.TEMPORARY_OFFLINE,
            status__in=[ApplicationStatus.APPROVED, ApplicationStatus.PENDING],
            start_date__year=year,
        ).count()
        if used >= max_per_year:
            raise RuleViolation(
                "REG-12", f"临时下线每年不得超过{max_per_year}次，该网站{year}年已有{used}次临时下线申请或记录。",
                "start_date",
            )

    def build(self) -> Application:
        return Application(site=self.site, start_date=self.start_date, end_date=self.end_date)


class ReportOutage(SubmitApplication):
    """REG-13: a force-majeure outage (≤ N days) or a security take-down, reported up, not counted."""

    kind = ApplicationKind.OUTAGE

    def __init__(self, actor, site: Site, *, cause: str, start_date: dt.date, end_date: dt.date, reason: str = ""):
        super().__init__(actor, site.institution, reason=reason)
        self.site, self.cause, self.start_date, self.end_date = site, cause, start_date, end_date

    def validate(self) -> None:
        self.require_site(self.site, SiteStatus.ONLINE, SiteStatus.OUTAGE)
        self.require_no_pending(self.site)
        if self.cause not in OutageCause.values:
            raise ValidationError({"outage_cause": ["请选择断网原因。"]})
        check_period(self.start_date, self.end_date, allow_past=True)
        if not self.reason:
            raise ValidationError({"reason": ["请说明断网情况。"]})
        profile = active_profile()
        days = (self.end_date - self.start_date).days + 1
        if self.cause == OutageCause.FORCE_MAJEURE:
            max_days = profile.get("registry.force_majeure_max_days")
            if days > max_days:
                raise RuleViolation(
                    "REG-13",
                    f"不可抗力断网报备只适用于不超过{max_days}天的情况（本次{days}天）；更长时间请申请临时下线。",
                    "end_date",
                )
        elif not profile.get("registry.security_takedown_allowed"):
            raise RuleViolation("REG-13", "本地政策不支持“被责令紧急下线”类报备。", "outage_cause")

    def build(self) -> Application:
        return Application(
            site=self.site, outage_cause=self.cause, start_date=self.start_date, end_date=self.end_date
        )


class ApplyForPermanentOffline(SubmitApplication):
    """REG-11/14: portals never close; others close with reasons, safeguards and a migration target."""

    kind = ApplicationKind.PERMANENT_OFFLINE

    def __init__(self, actor, site: Site, *, migration_target: Site | None, safeguards: str = "", reason: str = ""):
        super().__init__(actor, site.institution, reason=reason)
        self.site, self.target, self.safeguards = site, migration_target, (safeguards or "").strip()

    def validate(self) -> None:
        if self.site.site_type == SiteType.PORTAL and self.site.institution.level in rules.PORTAL_LEVELS:
            raise RuleViolation("REG-11", "政府门户网站不得关停；改版升级应在确保网站正常运行的情况下进行。")
        self.require_site(self.site, SiteStatus.ONLINE, SiteStatus.TEMPORARILY_OFFLINE, SiteStatus.OUTAGE)
        self.require_no_pending(self.site)
        problems = {}
        if not self.reason:
            problems["reason"] = ["请阐明永久下线的理由。"]
        if not self.safeguards:
            problems["safeguards"] = ["请说明整合迁移的保障措施。"]
        if problems:
            raise ValidationError(problems)
        if self.target is None:
            raise RuleViolation("REG-14", "永久下线须指定原有内容整合迁移的目标网站。", "migration_target")
        if self.target.pk == self.site.pk or self.target.status != SiteStatus.ONLINE:
            raise RuleViolation("REG-14", "迁移目标须为另一个正在运行的政府网站。", "migration_target")

    def build(self) -> Application:
        return Application(site=self.site, migration_target=self.target, safeguards=self.safeguards)


class FileChange(SubmitApplication):
    """REG-16: file a change of sponsor, people, contacts, domain, structure or addresses."""

    kind = ApplicationKind.CHANGE

    def __init__(self, actor, site: Site, *, changes: dict, reason: str = ""):
        super().__init__(actor, site.institution, reason=reason)
        self.site = site
        self.raw_changes = dict(changes)

    def validate(self) -> None:
        self.require_site(self.site, SiteStatus.ONLINE, SiteStatus.TEMPORARILY_OFFLINE, SiteStatus.OUTAGE,
                          SiteStatus.APPROVED)
        self.require_no_pending(self.site)
        allowed = set(Site.CHANGEABLE_FIELDS) | {"structure_note"}
        unknown = sorted(set(self.raw_changes) - allowed)
        if unknown:
            raise ValidationError({"changes": [f"以下内容不能通过变更备案修改：{'、'.join(unknown)}。"]})
        note = str(self.raw_changes.pop("structure_note", "") or "").strip()
        fields = {k: v for k, v in self.raw_changes.items() if str(v or "").strip() != str(getattr(self.site, k))}
        if not fields and not note:
            raise ValidationError({"changes": ["没有需要备案的变更内容。"]})
        cleaned = clean_site_fields(fields, self.institution, self.site.site_type, site=self.site, partial=True)
        self.changes = {k: cleaned[k] for k in fields}
        if note:
            self.changes["structure_note"] = note
        if not self.reason:
            raise ValidationError({"reason": ["请填写变更原因。"]})

    def build(self) -> Application:
        before = {k: getattr(self.site, k) for k in self.changes if k != "structure_note"}
        return Application(site=self.site, changes={"before": before, "after": self.changes})


class ApplyForSpecialTopic(SubmitApplication):
    """REG-04: a campaign or event gets a special-topic column on the right site, not a site."""

    kind = ApplicationKind.SPECIAL_TOPIC

    def __init__(self, actor, institution, *, title: str, institutions: list[Institution],
                 host_site: Site, lead: Institution | None = None, reason: str = ""):
        super().__init__(actor, institution, reason=reason)
        self.title = (title or "").strip()
        self.involved = list(institutions) or [institution]
        self.host_site, self.lead = host_site, lead

    def validate(self) -> None:
        if not self.title:
            raise ValidationError({"topic_title": ["请填写专栏专题名称。"]})
        if len(self.title) > 100:
            raise ValidationError({"topic_title": ["专栏专题名称不能超过100个字符。"]})
        hosts = rules.special_topic_hosts(self.involved, self.lead)
        if self.host_site not in hosts:
            names = "、".join(h.name for h in hosts) or "（无符合条件的网站）"
            raise RuleViolation(
                "REG-04",
                "专栏专题只涉及一个部门的，开在该部门网站；涉及多个部门的，开在本级政府门户网站或牵头部门网站。"
                f"可选网站：{names}。",
                "topic_host_site",
            )

    def build(self) -> Application:
        return Application(site=self.host_site, topic_title=self.title, topic_host_site=self.host_site)

    def after_save(self, application: Application) -> None:
        application.topic_institutions.set(self.involved)
        if self.lead is not None:
            application.materials = {"lead_institution": self.lead.pk}
            application.save(update_fields=["materials"])


def check_period(start: dt.date | None, end: dt.date | None, allow_past: bool = False) -> None:
    if start is None or end is None:
        raise ValidationError({"start_date": ["请填写开始日期和结束日期。"]})
    if end < start:
        raise ValidationError({"end_date": ["结束日期不能早于开始日期。"]})
    if not allow_past and start < clock.today():
        raise ValidationError({"start_date": ["开始日期不能早于今天。"]})


class DecideStep(Action):
    """Approve or reject the pending step. Exactly one of two simultaneous deciders wins."""

    def __init__(self, actor, step: ApprovalStep, *, approve: bool, comment: str = ""):
        super().__init__(actor)
        self.step, self.approve, self.comment = step, approve, (comment or "").strip()
        self.denied_message = "您不是该审批环节的审批人。"

    def check_permission(self) -> bool:
        return permissions.may_decide(self.user, self.step)

    def perform(self) -> Application:
        if not self.approve and not self.comment:
            raise ValidationError({"comment": ["驳回时请填写审批意见。"]})
        if len(self.comment) > 2000:
            raise ValidationError({"comment": ["审批意见不能超过2000字。"]})
        if ApprovalStep.objects.filter(pk=self.step.pk, status=StepStatus.WAITING).exists():
            raise ValidationError("尚未轮到该环节审批：前序环节还没有同意。")
        now = clock.now()
        status = StepStatus.APPROVED if self.approve else StepStatus.REJECTED
        won = ApprovalStep.objects.filter(pk=self.step.pk, status=StepStatus.PENDING).update(
            status=status, decided_by=self.user, decided_at=now, comment=self.comment, ip_address=self.actor.ip_address
        )
        if won != 1:
            current = ApprovalStep.objects.select_related("decided_by").get(pk=self.step.pk)
            who = f"（{current.decided_by}，{clock.local(current.decided_at):%Y-%m-%d %H:%M}）" if current.decided_by else ""
            raise ConflictError(f"该审批环节已被处理为“{current.get_status_display()}”{who}，您的决定未生效。")
        step = ApprovalStep.objects.select_related("application__site", "application__institution").get(pk=self.step.pk)
        application = step.application
        self.audit(
            application,
            "registry.step.approve" if self.approve else "registry.step.reject",
            reason=self.comment,
            data={"step": step.position, "kind": step.kind, "institution": step.institution_id},
            site=application.site,
        )
        if not self.approve:
            application.steps.filter(status=StepStatus.WAITING).update(status=StepStatus.CANCELLED)
            self.finish(application, ApplicationStatus.REJECTED)
            on_rejected(self, application)
        elif step.is_final:
            self.finish(application, ApplicationStatus.APPROVED)
            on_approved(self, application)
        else:
            nxt = application.steps.filter(status=StepStatus.WAITING).order_by("position").first()
            nxt.status = StepStatus.PENDING
            nxt.save(update_fields=["status"])
        self.emit(application_step_decided, sender=Application, application=application, step=step,
                  approved=self.approve)
        return application

    def finish(self, application: Application, status: str) -> None:
        application.status = status
        application.decided_at = clock.now()
        application.save(update_fields=["status", "decided_at"])
        self.audit(application, f"registry.application.{'approve' if status == 'approved' else 'reject'}",
                   reason=self.comment, site=application.site)


class WithdrawApplication(Action):
    """The applicant takes back a pending application."""

    def __init__(self, actor, application: Application, *, reason: str = ""):
        super().__init__(actor)
        self.application, self.reason = application, (reason or "").strip()

    def check_permission(self) -> bool:
        return permissions.may_file_for(self.user, self.application.institution)

    def perform(self) -> Application:
        won = Application.objects.filter(pk=self.application.pk, status=ApplicationStatus.PENDING).update(
            status=ApplicationStatus.WITHDRAWN, decided_at=clock.now()
        )
        if won != 1:
            raise ConflictError("该申请已办结，无法撤回。")
        application = Application.objects.select_related("site").get(pk=self.application.pk)
        application.steps.filter(Q(status=StepStatus.PENDING) | Q(status=StepStatus.WAITING)).update(
            status=StepStatus.CANCELLED
        )
        self.audit(application, "registry.application.withdraw", reason=self.reason, site=application.site)
        on_rejected(self, application)
        return application
