"""Every change of a security record: check the capability, change the rows and their timeline in
one transaction, write one audit entry per site concerned, signal after the commit.

Views (and later the API or CLI) build these with an :class:`~govsites.audit.context.Actor`.
Refusals are ``NotAllowed`` (403) or a ``RuleViolation`` naming the rule, in Chinese.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Iterable

from django.db import IntegrityError
from django.utils.translation import gettext as _

from govsites import clock
from govsites.actions import Action
from govsites.audit.log import diff, snapshot
from govsites.registry.errors import RuleViolation
from govsites.registry.models import LIVE_STATUSES, Institution, Site

from . import permissions
from .models import (
    UNFIXED_STATES,
    CounterfeitCase,
    CounterfeitOutcome,
    CounterfeitState,
    Drill,
    EmergencyPlan,
    HostingFacts,
    Incident,
    IncidentKind,
    IncidentState,
    PeriodicScan,
    TimelineEntry,
    VulnerabilityNotice,
    VulnerabilitySource,
    VulnerabilityState,
    fix_deadline,
)
from .signals import record_changed

NOTICE_FIELDS = ("source", "reference", "title", "description", "severity", "notified_on", "deadline", "state",
                 "fix_description", "fixed_at", "verified_at", "risk_reason")
INCIDENT_FIELDS = ("kind", "grade", "title", "detected_at", "state", "contained_at", "resolved_at", "closed_at",
                   "reported_to_supervisor_on", "reported_to_cyberspace_on", "reported_to_public_security_on",
                   "personal_data", "remedied_on")
CASE_FIELDS = ("domain", "name", "imitated_site", "found_via", "found_on", "evidence_url", "state",
               "handed_over_on", "handover_reference", "office_filed_on", "outcome", "closed_on")
PLAN_FIELDS = ("institution", "site", "title", "version", "adopted_on", "filed_with_supervisor_on",
               "supervisor_reference", "filed_with_cyberspace_on", "cyberspace_reference", "reviewed_on", "is_current")


def _not_future(day: dt.date | None, field: str, rule: str, label: str) -> None:
    if day is not None and day > clock.today():
        raise RuleViolation(rule, _("%(label)s不能晚于今天。") % {"label": label}, field)


def _not_before(day: dt.date | None, earliest: dt.date, field: str, rule: str, message: str) -> None:
    if day is not None and day < earliest:
        raise RuleViolation(rule, message, field)


def _state_error(rule: str, record, verb: str) -> RuleViolation:
    return RuleViolation(
        rule, _("当前状态为“%(state)s”，不能%(verb)s。") % {"state": record.get_state_display(), "verb": verb}
    )


class SecurityAction(Action):
    """Base: the security officer of every site concerned may act; audit per site."""

    rule = "SEC-05"
    capability = permissions.MANAGE

    def sites(self) -> list[Site]:
        raise NotImplementedError

    def check_permission(self) -> bool:
        return permissions.may_manage_sites(self.user, self.sites())

    def integrity_error(self, exc: IntegrityError) -> Exception:
        return RuleViolation(self.rule, _("数据与已有记录冲突，请刷新页面后重试。"))

    def locked(self, record):
        """Re-read ``record`` under a row lock, so two officers cannot both move the same state."""
        fresh = type(record).objects.select_for_update().get(pk=record.pk)
        record.__dict__.update({k: v for k, v in fresh.__dict__.items() if not k.startswith("_")})
        return record

    def audit_sites(self, instance, action: str, *, reason: str = "", changes=None, data=None) -> None:
        for site in self.sites() or [None]:
            self.audit(instance, action, reason=reason, changes=changes, data=data,
                       site_id=site.pk if site is not None else None)

    def note(self, record, text: str, *, state: str = "", occurred_at: dt.datetime | None = None) -> TimelineEntry:
        label = str(record.get_state_display()) if state else ""
        return TimelineEntry.objects.create(
            record=record, text=text, state=state, state_label=label, actor=self.user,
            occurred_at=occurred_at or clock.now(), recorded_at=clock.now(),
        )

    def changed(self, record, action: str) -> None:
        self.emit(record_changed, sender=type(record), record=record, action=action)


# -- SEC-05 --------------------------------------------------------------------------------------


class RecordScan(SecurityAction):
    """Record a periodic scan of applications / OS / databases of one or more sites."""

    def __init__(self, actor, sites: Iterable[Site], *, performed_on, scope, tool, findings_count=0, summary=""):
        super().__init__(actor)
        self._sites = list(sites)
        self.fields = dict(performed_on=performed_on, scope=scope, tool=tool.strip(),
                           findings_count=findings_count, summary=summary.strip())

    def sites(self):
        return self._sites

    def perform(self) -> PeriodicScan:
        if not self._sites:
            raise RuleViolation("SEC-05", _("请选择扫描涉及的网站。"), "sites")
        _not_future(self.fields["performed_on"], "performed_on", "SEC-05", _("扫描日期"))
        scan = PeriodicScan.objects.create(recorded_by=self.user, created_at=clock.now(), **self.fields)
        scan.sites.set(self._sites)
        self.audit_sites(scan, "security.scan.record", data={"sites": [s.pk for s in self._sites], **{
            k: str(v) for k, v in self.fields.items()}})
        self.changed(scan, "security.scan.record")
        return scan


class NoticeAction(SecurityAction):
    def __init__(self, actor, notice: VulnerabilityNotice):
        super().__init__(actor)
        self.notice = notice
        self._sites = list(notice.sites.select_related("institution"))

    def sites(self):
        return self._sites

    def move(self, state: str, action: str, text: str, *, reason: str = "", **fields) -> VulnerabilityNotice:
        notice = self.notice
        before = snapshot(notice, NOTICE_FIELDS)
        notice.state = state
        notice.updated_at = clock.now()
        for name, value in fields.items():
            setattr(notice, name, value)
        notice.save()
        self.note(notice, text, state=state)
        self.audit_sites(notice, action, reason=reason, changes=diff(before, snapshot(notice, NOTICE_FIELDS)))
        self.changed(notice, action)
        return notice


class RecordNotice(SecurityAction):
    """Register a vulnerability (from a scan or an authority's notice); the deadline follows the
    profile's days for its severity unless the notice itself sets an earlier one."""

    def __init__(self, actor, sites: Iterable[Site], *, source, title, severity, notified_on, reference="",
                 description="", scan: PeriodicScan | None = None, deadline: dt.date | None = None):
        super().__init__(actor)
        self._sites = list(sites)
        self.fields = dict(source=source, title=title.strip(), severity=severity, notified_on=notified_on,
                           reference=reference.strip(), description=description.strip(), scan=scan)
        self.deadline = deadline

    def sites(self):
        return self._sites

    def perform(self) -> VulnerabilityNotice:
        if not self._sites:
            raise RuleViolation("SEC-05", _("请选择漏洞涉及的网站。"), "sites")
        notified_on = self.fields["notified_on"]
        _not_future(notified_on, "notified_on", "SEC-05", _("发现/通报日期"))
        latest = fix_deadline(self.fields["severity"], notified_on)
        deadline = self.deadline or latest
        if deadline > latest:
            raise RuleViolation("SEC-05", _("整改期限不能晚于%(day)s（%(severity)s漏洞须在发现后%(days)d天内整改）。") % {
                "day": latest.isoformat(), "severity": dict(_severity_labels())[self.fields["severity"]],
                "days": (latest - notified_on).days}, "deadline")
        _not_before(deadline, notified_on, "deadline", "SEC-05", _("整改期限不能早于发现/通报日期。"))
        if self.fields["scan"] is not None and self.fields["source"] != VulnerabilitySource.SCAN:
            raise RuleViolation("SEC-05", _("只有“定期扫描发现”的漏洞才能关联扫描记录。"), "scan")
        notice = VulnerabilityNotice.objects.create(
            deadline=deadline, created_by=self.user, created_at=clock.now(), updated_at=clock.now(), **self.fields
        )
        notice.sites.set(self._sites)
        self.note(notice, _("登记漏洞：%(title)s，整改期限%(day)s。") % {"title": notice.title, "day": deadline},
                  state=notice.state)
        self.audit_sites(notice, "security.notice.record", changes=diff({}, snapshot(notice, NOTICE_FIELDS)))
        self.changed(notice, "security.notice.record")
        return notice


def _severity_labels():
    from .models import Severity

    return [(value, str(label)) for value, label in Severity.choices]


class StartFix(NoticeAction):
    def __init__(self, actor, notice, note: str = ""):
        super().__init__(actor, notice)
        self.text = note.strip()

    def perform(self):
        self.locked(self.notice)
        if self.notice.state != VulnerabilityState.RECEIVED:
            raise _state_error("SEC-05", self.notice, _("开始整改"))
        return self.move(VulnerabilityState.FIXING, "security.notice.start_fix", self.text or _("开始整改。"))


class RecordFix(NoticeAction):
    """The fix is done: what was done, by whom. Someone else verifies it."""

    def __init__(self, actor, notice, description: str):
        super().__init__(actor, notice)
        self.description = description.strip()

    def perform(self):
        self.locked(self.notice)
        if self.notice.state not in UNFIXED_STATES:
            raise _state_error("SEC-05", self.notice, _("登记修复"))
        if not self.description:
            raise RuleViolation("SEC-05", _("请说明修复情况（采取了哪些措施）。"), "description")
        return self.move(
            VulnerabilityState.FIXED, "security.notice.fix", _("已修复：%(text)s") % {"text": self.description},
            fix_description=self.description, fixed_at=clock.now(), fixed_by=self.user,
        )


class VerifyFix(NoticeAction):
    """Verify a fix: passed closes the notice, failed sends it back to fixing. Never by the fixer."""

    def __init__(self, actor, notice, *, passed: bool, note: str = ""):
        super().__init__(actor, notice)
        self.passed, self.text = passed, note.strip()

    def perform(self):
        notice = self.locked(self.notice)
        if notice.state != VulnerabilityState.FIXED:
            raise _state_error("SEC-05", notice, _("验证"))
        if notice.fixed_by_id is not None and notice.fixed_by_id == getattr(self.user, "pk", None):
            raise RuleViolation("SEC-05", _("修复须由登记修复以外的人员验证，您不能验证自己登记的修复。"))
        if self.passed:
            return self.move(VulnerabilityState.CLOSED, "security.notice.verify",
                             _("验证通过，关闭。%(note)s") % {"note": self.text},
                             verified_at=clock.now(), verified_by=self.user)
        if not self.text:
            raise RuleViolation("SEC-05", _("验证未通过时请说明原因。"), "note")
        return self.move(VulnerabilityState.FIXING, "security.notice.reject_fix",
                         _("验证未通过，退回整改：%(note)s") % {"note": self.text}, reason=self.text)


class AcceptRisk(NoticeAction):
    """Close a notice without a fix (e.g. no patch exists and the function is shut off), with a reason."""

    def __init__(self, actor, notice, reason: str):
        super().__init__(actor, notice)
        self.reason = reason.strip()

    def perform(self):
        self.locked(self.notice)
        if self.notice.state not in UNFIXED_STATES:
            raise _state_error("SEC-05", self.notice, _("接受风险"))
        if len(self.reason) < 10:
            raise RuleViolation("SEC-05", _("接受风险须写明理由和采取的缓解措施（至少10个字）。"), "reason")
        return self.move(VulnerabilityState.RISK_ACCEPTED, "security.notice.accept_risk",
                         _("接受风险：%(reason)s") % {"reason": self.reason}, reason=self.reason,
                         risk_reason=self.reason)


# -- timeline notes (notices, incidents, counterfeit cases) --------------------------------------


class AddNote(SecurityAction):
    """A line on a record's timeline: what happened or what was done, at a given time."""

    def __init__(self, actor, record, text: str, occurred_at: dt.datetime | None = None):
        super().__init__(actor)
        self.record, self.text, self.occurred_at = record, text.strip(), occurred_at
        self.rule = {Incident: "SEC-06", CounterfeitCase: "SEC-07"}.get(type(record), "SEC-05")

    def sites(self):
        record = self.record
        if isinstance(record, VulnerabilityNotice):
            return list(record.sites.select_related("institution"))
        if isinstance(record, CounterfeitCase):
            return [record.imitated_site]
        return [record.site]

    def perform(self):
        if not self.text:
            raise RuleViolation(self.rule, _("请填写处置情况。"), "text")
        if self.occurred_at is not None and self.occurred_at > clock.now():
            raise RuleViolation(self.rule, _("发生时间不能晚于现在。"), "occurred_at")
        entry = self.note(self.record, self.text, occurred_at=self.occurred_at)
        self.audit_sites(self.record, "security.timeline.note", data={"text": self.text})
        self.changed(self.record, "security.timeline.note")
        return entry


# -- SEC-06: plans and drills --------------------------------------------------------------------


class PlanScopeMixin:
    def _check_scope(self, institution: Institution, site: Site | None) -> None:
        if site is not None and site.institution_id != institution.pk:
            raise RuleViolation("SEC-06", _("所选网站不属于该单位。"), "site")


class RecordPlan(PlanScopeMixin, SecurityAction):
    """Record a (new version of an) emergency plan; it supersedes the current one of the same scope."""

    rule = "SEC-06"

    def __init__(self, actor, institution: Institution, *, site: Site | None, title, version, document,
                 adopted_on, filed_with_supervisor_on=None, supervisor_reference="", filed_with_cyberspace_on=None,
                 cyberspace_reference="", reviewed_on=None):
        super().__init__(actor)
        self.institution, self.site = institution, site
        self.fields = dict(
            title=title.strip(), version=version.strip(), document=document, adopted_on=adopted_on,
            filed_with_supervisor_on=filed_with_supervisor_on, supervisor_reference=supervisor_reference.strip(),
            filed_with_cyberspace_on=filed_with_cyberspace_on, cyberspace_reference=cyberspace_reference.strip(),
            reviewed_on=reviewed_on,
        )

    def sites(self):
        return [self.site] if self.site is not None else []

    def check_permission(self) -> bool:
        return permissions.covers(self.user, permissions.MANAGE, self.institution)

    def integrity_error(self, exc):
        return RuleViolation("SEC-06", _("该单位（网站）已有此版本号的应急预案，请填写新的版本号。"), "version")

    def perform(self) -> EmergencyPlan:
        self._check_scope(self.institution, self.site)
        if not self.fields["document"]:
            raise RuleViolation("SEC-06", _("请上传预案文件。"), "document")
        if EmergencyPlan.objects.filter(institution=self.institution, site=self.site,
                                        version=self.fields["version"]).exists():
            raise self.integrity_error(None)
        f = self.fields
        for field, label in (("adopted_on", _("印发日期")), ("filed_with_supervisor_on", _("备案日期")),
                             ("filed_with_cyberspace_on", _("备案日期")), ("reviewed_on", _("评审日期"))):
            _not_future(f[field], field, "SEC-06", label)
        for field in ("filed_with_supervisor_on", "filed_with_cyberspace_on"):
            _not_before(f[field], f["adopted_on"], field, "SEC-06", _("备案日期不能早于预案印发日期。"))
        EmergencyPlan.objects.filter(institution=self.institution, site=self.site, is_current=True).update(
            is_current=False
        )
        plan = EmergencyPlan.objects.create(institution=self.institution, site=self.site, created_by=self.user,
                                            created_at=clock.now(), is_current=True, **f)
        self.note(plan, _("登记预案%(version)s（印发日期%(day)s）。") % {"version": plan.version, "day": plan.adopted_on})
        self.audit_plan(plan, "security.plan.record", changes=diff({}, snapshot(plan, PLAN_FIELDS)))
        self.changed(plan, "security.plan.record")
        return plan

    def audit_plan(self, plan, action, **kwargs):
        self.audit(plan, action, site_id=plan.site_id, data={"institution": plan.institution_id}, **kwargs)


class RecordPlanFiling(SecurityAction):
    """Record that a plan was filed with the supervising office or the cyberspace office."""

    rule = "SEC-06"
    AUTHORITIES = {
        "supervisor": ("filed_with_supervisor_on", "supervisor_reference"),
        "cyberspace": ("filed_with_cyberspace_on", "cyberspace_reference"),
    }

    def __init__(self, actor, plan: EmergencyPlan, *, authority: str, filed_on: dt.date, reference: str = "",
                 reviewed_on: dt.date | None = None):
        super().__init__(actor)
        self.plan, self.authority, self.filed_on = plan, authority, filed_on
        self.reference, self.reviewed_on = reference.strip(), reviewed_on

    def check_permission(self) -> bool:
        return permissions.covers(self.user, permissions.MANAGE, self.plan.institution)

    def perform(self):
        plan = self.locked(self.plan)
        if self.authority not in self.AUTHORITIES:
            raise RuleViolation("SEC-06", _("请选择备案机关。"), "authority")
        _not_future(self.filed_on, "filed_on", "SEC-06", _("备案日期"))
        _not_before(self.filed_on, plan.adopted_on, "filed_on", "SEC-06", _("备案日期不能早于预案印发日期。"))
        date_field, reference_field = self.AUTHORITIES[self.authority]
        before = snapshot(plan, PLAN_FIELDS)
        setattr(plan, date_field, self.filed_on)
        if self.reference:
            setattr(plan, reference_field, self.reference)
        plan.save()
        whom = _("主管单位") if self.authority == "supervisor" else _("网信部门")
        self.note(plan, _("向%(whom)s备案（%(day)s%(ref)s）。") % {
            "whom": whom, "day": self.filed_on, "ref": f"，{self.reference}" if self.reference else ""})
        self.audit(plan, "security.plan.filing", site_id=plan.site_id,
                   changes=diff(before, snapshot(plan, PLAN_FIELDS)), data={"institution": plan.institution_id})
        self.changed(plan, "security.plan.filing")
        return plan


class RecordPlanReview(SecurityAction):
    rule = "SEC-06"

    def __init__(self, actor, plan: EmergencyPlan, reviewed_on: dt.date):
        super().__init__(actor)
        self.plan, self.reviewed_on = plan, reviewed_on

    def check_permission(self) -> bool:
        return permissions.covers(self.user, permissions.MANAGE, self.plan.institution)

    def perform(self):
        plan = self.locked(self.plan)
        _not_future(self.reviewed_on, "reviewed_on", "SEC-06", _("评审日期"))
        before = snapshot(plan, PLAN_FIELDS)
        plan.reviewed_on = self.reviewed_on
        plan.save()
        self.note(plan, _("预案评审（%(day)s）。") % {"day": self.reviewed_on})
        self.audit(plan, "security.plan.review", site_id=plan.site_id,
                   changes=diff(before, snapshot(plan, PLAN_FIELDS)), data={"institution": plan.institution_id})
        self.changed(plan, "security.plan.review")
        return plan


class RecordDrill(PlanScopeMixin, SecurityAction):
    rule = "SEC-06"

    def __init__(self, actor, institution: Institution, *, site: Site | None, held_on, scenario, participants,
                 findings="", plan: EmergencyPlan | None = None):
        super().__init__(actor)
        self.institution, self.site, self.plan = institution, site, plan
        self.fields = dict(held_on=held_on, scenario=scenario.strip(), participants=participants.strip(),
                           findings=findings.strip())

    def check_permission(self) -> bool:
        return permissions.covers(self.user, permissions.MANAGE, self.institution)

    def perform(self) -> Drill:
        self._check_scope(self.institution, self.site)
        _not_future(self.fields["held_on"], "held_on", "SEC-06", _("演练日期"))
        if self.plan is not None and self.plan.institution_id != self.institution.pk:
            raise RuleViolation("SEC-06", _("所选预案不属于该单位。"), "plan")
        drill = Drill.objects.create(institution=self.institution, site=self.site, plan=self.plan,
                                     recorded_by=self.user, created_at=clock.now(), **self.fields)
        self.audit(drill, "security.drill.record", site_id=drill.site_id,
                   data={"institution": self.institution.pk, **{k: str(v) for k, v in self.fields.items()}})
        self.changed(drill, "security.drill.record")
        return drill


# -- SEC-06: incidents ---------------------------------------------------------------------------


class OpenIncident(SecurityAction):
    rule = "SEC-06"

    def __init__(self, actor, site: Site, *, kind, title, detected_at, grade="general", description="",
                 personal_data=False):
        super().__init__(actor)
        self.site = site
        self.fields = dict(kind=kind, title=title.strip(), detected_at=detected_at, grade=grade,
                           description=description.strip(), personal_data=bool(personal_data))

    def sites(self):
        return [self.site]

    def perform(self) -> Incident:
        if self.fields["detected_at"] > clock.now():
            raise RuleViolation("SEC-06", _("发现时间不能晚于现在。"), "detected_at")
        if self.fields["personal_data"] and self.fields["kind"] != IncidentKind.DATA_LEAK:
            raise RuleViolation("SEC-06", _("只有“数据泄露”事件才能标记为涉及个人信息。"), "personal_data")
        incident = Incident.objects.create(site=self.site, created_by=self.user, created_at=clock.now(),
                                           **self.fields)
        self.note(incident, _("发现事件：%(title)s") % {"title": incident.title}, state=incident.state,
                  occurred_at=incident.detected_at)
        self.audit_sites(incident, "security.incident.open", changes=diff({}, snapshot(incident, INCIDENT_FIELDS)))
        self.changed(incident, "security.incident.open")
        return incident


class IncidentAction(SecurityAction):
    rule = "SEC-06"

    def __init__(self, actor, incident: Incident):
        super().__init__(actor)
        self.incident = incident

    def sites(self):
        return [self.incident.site]

    def save(self, action: str, before: dict, text: str, *, state: str = "", occurred_at=None, reason=""):
        incident = self.incident
        incident.save()
        self.note(incident, text, state=state, occurred_at=occurred_at)
        self.audit_sites(incident, action, reason=reason, changes=diff(before, snapshot(incident, INCIDENT_FIELDS)))
        self.changed(incident, action)
        return incident


#: state → (the states it may be reached from, the time field, the verb for errors)
INCIDENT_STEPS = {
    IncidentState.CONTAINED: ((IncidentState.OPEN,), "contained_at", "标记为已控制"),
    IncidentState.RESOLVED: ((IncidentState.OPEN, IncidentState.CONTAINED), "resolved_at", "标记为已恢复"),
}


class AdvanceIncident(IncidentAction):
    """Contained, then resolved (a contained step may be skipped when both happened at once)."""

    def __init__(self, actor, incident, state: str, *, at: dt.datetime | None = None, note: str = ""):
        super().__init__(actor, incident)
        self.state, self.at, self.text = state, at, note.strip()

    def perform(self):
        incident = self.locked(self.incident)
        if self.state not in INCIDENT_STEPS:
            raise RuleViolation("SEC-06", _("不支持的状态变更。"), "state")
        sources, time_field, verb = INCIDENT_STEPS[self.state]
        if incident.state not in sources:
            raise _state_error("SEC-06", incident, _(verb))
        at = self.at or clock.now()
        if at > clock.now():
            raise RuleViolation("SEC-06", _("时间不能晚于现在。"), "at")
        if at < incident.detected_at:
            raise RuleViolation("SEC-06", _("时间不能早于事件发现时间。"), "at")
        if not self.text:
            raise RuleViolation("SEC-06", _("请说明采取的处置措施。"), "note")
        before = snapshot(incident, INCIDENT_FIELDS)
        incident.state = self.state
        setattr(incident, time_field, at)
        if self.state == IncidentState.RESOLVED and incident.contained_at is None:
            incident.contained_at = at
        return self.save(f"security.incident.{self.state}", before, self.text, state=self.state, occurred_at=at)


class RecordIncidentReport(IncidentAction):
    """The incident was reported to the supervising office, the cyberspace office or the police."""

    AUTHORITIES = {
        "supervisor": ("reported_to_supervisor_on", "向主管单位报告"),
        "cyberspace": ("reported_to_cyberspace_on", "向网信部门报告"),
        "public_security": ("reported_to_public_security_on", "向公安机关报告"),
    }

    def __init__(self, actor, incident, *, authority: str, reported_on: dt.date, note: str = ""):
        super().__init__(actor, incident)
        self.authority, self.reported_on, self.text = authority, reported_on, note.strip()

    def perform(self):
        incident = self.locked(self.incident)
        if incident.state == IncidentState.CLOSED:
            raise _state_error("SEC-06", incident, _("登记报告"))
        if self.authority not in self.AUTHORITIES:
            raise RuleViolation("SEC-06", _("请选择报告对象。"), "authority")
        _not_future(self.reported_on, "reported_on", "SEC-06", _("报告日期"))
        _not_before(self.reported_on, clock.local(incident.detected_at).date(), "reported_on", "SEC-06",
                    _("报告日期不能早于事件发现日期。"))
        field, label = self.AUTHORITIES[self.authority]
        before = snapshot(incident, INCIDENT_FIELDS)
        setattr(incident, field, self.reported_on)
        text = _("%(what)s（%(day)s）。%(note)s") % {"what": _(label), "day": self.reported_on, "note": self.text}
        return self.save("security.incident.report", before, text.strip())


class RecordRemedy(IncidentAction):
    """SEC-08: the remedial measures of a data leak are complete."""

    def __init__(self, actor, incident, *, remedied_on: dt.date, note: str):
        super().__init__(actor, incident)
        self.remedied_on, self.text = remedied_on, note.strip()

    def perform(self):
        incident = self.locked(self.incident)
        if incident.kind != IncidentKind.DATA_LEAK:
            raise RuleViolation("SEC-08", _("只有数据泄露事件需要登记补救措施。"))
        if incident.state == IncidentState.CLOSED:
            raise _state_error("SEC-08", incident, _("登记补救措施"))
        _not_future(self.remedied_on, "remedied_on", "SEC-08", _("补救完成日期"))
        if not self.text:
            raise RuleViolation("SEC-08", _("请说明采取的补救措施。"), "note")
        before = snapshot(incident, INCIDENT_FIELDS)
        incident.remedied_on = self.remedied_on
        return self.save("security.incident.remedy", before, _("补救措施完成：%(note)s") % {"note": self.text})


class CloseIncident(IncidentAction):
    """Close a resolved incident once it has been reported (a personal-data leak also remedied and
    reported to the police)."""

    def __init__(self, actor, incident, note: str = ""):
        super().__init__(actor, incident)
        self.text = note.strip()

    def perform(self):
        incident = self.locked(self.incident)
        if incident.state != IncidentState.RESOLVED:
            raise _state_error("SEC-06", incident, _("结案（须先恢复）"))
        missing = incident.missing_reports()
        if missing:
            rule = "SEC-08" if incident.is_personal_data_leak and len(missing) > 0 else "SEC-06"
            raise RuleViolation(rule, _("结案前还须：%(missing)s。") % {"missing": "、".join(missing)})
        before = snapshot(incident, INCIDENT_FIELDS)
        incident.state = IncidentState.CLOSED
        incident.closed_at = clock.now()
        return self.save("security.incident.close", before, self.text or _("已报告，结案。"), state=incident.state)


class OpenIncidentFromIntegrity(SecurityAction):
    """SEC-04 → SEC-06: an integrity incident of the publisher opens an incident of the site, or is
    linked to the site's open tampering incident. Run by the system (the publisher's watch)."""

    rule = "SEC-06"

    def __init__(self, actor, integrity_incident):
        super().__init__(actor)
        self.integrity = integrity_incident

    def sites(self):
        return [self.integrity.site]

    def check_permission(self) -> bool:
        return self.actor.via == "system"

    def perform(self) -> Incident:
        from govsites.publishing.models import IncidentStatus

        found = self.integrity
        files = _("被篡改%(m)d个、多出%(a)d个、缺失%(r)d个文件") % {
            "m": len(found.modified), "a": len(found.added), "r": len(found.removed)}
        restored = found.status == IncidentStatus.RESTORED
        outcome = _("已自动恢复") if restored else _("自动恢复失败：%(error)s") % {"error": found.error[:200]}
        incident = (
            Incident.objects.select_for_update().open()
            .filter(site_id=found.site_id, kind=IncidentKind.TAMPERING).order_by("-detected_at").first()
        )
        text = _("防篡改监测（%(target)s，第%(release)d版）：%(files)s，%(outcome)s。") % {
            "target": found.target, "release": found.release, "files": files, "outcome": outcome}
        if incident is None:
            incident = Incident.objects.create(
                site=found.site, kind=IncidentKind.TAMPERING, title=_("前端页面被篡改（防篡改监测发现）"),
                description=text, detected_at=found.detected_at, created_at=clock.now(),
            )
            self.note(incident, text, state=incident.state, occurred_at=found.detected_at)
            action = "security.incident.open"
        else:
            self.note(incident, text, occurred_at=found.detected_at)
            action = "security.incident.link"
        incident.integrity_incidents.add(found)
        if restored and incident.state == IncidentState.OPEN and found.restored_at is not None:
            incident.state, incident.contained_at = IncidentState.CONTAINED, found.restored_at
            incident.save(update_fields=["state", "contained_at"])
            self.note(incident, _("被篡改文件已按发布清单恢复。"), state=incident.state, occurred_at=found.restored_at)
        self.audit(incident, action, site_id=found.site_id, data={"integrity_incident": found.pk})
        self.changed(incident, action)
        return incident


# -- SEC-07: counterfeit sites -------------------------------------------------------------------

_HOST = re.compile(r"^(?=.{1,253}$)([^\s./:@?#]{1,63}\.)+[^\s./:@?#]{1,63}$")


def normalise_domain(raw: str) -> str:
    """``https://WWW.Example.gov.cn.com/x`` → ``www.example.gov.cn.com``; "" when not a host name."""
    text = (raw or "").strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    text = re.split(r"[/?#]", text, maxsplit=1)[0]
    text = text.rsplit("@", 1)[-1].split(":", 1)[0].rstrip(".")
    return text if _HOST.match(text) else ""


class CaseAction(SecurityAction):
    rule = "SEC-07"

    def __init__(self, actor, case: CounterfeitCase):
        super().__init__(actor)
        self.case = case

    def sites(self):
        return [self.case.imitated_site]

    def save(self, action, before, text, *, state=""):
        case = self.case
        case.save()
        self.note(case, text, state=state)
        self.audit_sites(case, action, changes=diff(before, snapshot(case, CASE_FIELDS)))
        self.changed(case, action)
        return case


class RecordCounterfeitCase(SecurityAction):
    rule = "SEC-07"

    def __init__(self, actor, imitated_site: Site, *, domain, found_via, found_on, name="", evidence_url="",
                 evidence_notes="", screenshot=None):
        super().__init__(actor)
        self.site = imitated_site
        self.raw_domain = domain
        self.fields = dict(name=name.strip(), found_via=found_via, found_on=found_on,
                           evidence_url=evidence_url.strip(), evidence_notes=evidence_notes.strip(),
                           screenshot=screenshot or "")

    def sites(self):
        return [self.site]

    def integrity_error(self, exc):
        return RuleViolation("SEC-07", _("该域名已有未结案的假冒网站案件，请在原案件中补充证据。"), "domain")

    def perform(self) -> CounterfeitCase:
        domain = normalise_domain(self.raw_domain)
        if not domain:
            raise RuleViolation("SEC-07", _("请填写假冒网站的域名，例如 www.example.com。"), "domain")
        existing = CounterfeitCase.objects.open().filter(domain=domain).first()
        if existing is not None:
            raise RuleViolation("SEC-07", _(
                "该域名已有未结案的假冒网站案件（第%(pk)d号，%(state)s），请在原案件中补充证据，不要重复登记。"
            ) % {"pk": existing.pk, "state": existing.get_state_display()}, "domain")
        if Site.objects.filter(status__in=LIVE_STATUSES, domain=domain).exists():
            raise RuleViolation("SEC-07", _("该域名是本平台登记的政府网站域名，不是假冒网站。"), "domain")
        _not_future(self.fields["found_on"], "found_on", "SEC-07", _("发现日期"))
        if not (self.fields["evidence_url"] or self.fields["evidence_notes"] or self.fields["screenshot"]):
            raise RuleViolation("SEC-07", _("请至少提供一项证据：证据网址、页面截图或证据说明。"), "evidence_notes")
        case = CounterfeitCase.objects.create(domain=domain, imitated_site=self.site, created_by=self.user,
                                              created_at=clock.now(), **self.fields)
        self.note(case, _("登记假冒网站：%(domain)s（%(via)s）。") % {
            "domain": domain, "via": case.get_found_via_display()}, state=case.state)
        self.audit_sites(case, "security.counterfeit.record", changes=diff({}, snapshot(case, CASE_FIELDS)))
        self.changed(case, "security.counterfeit.record")
        return case


class HandOverCase(CaseAction):
    """SX 19 "商请网信部门处理，并报省政府办公厅备案": the handover (and the office filing)."""

    def __init__(self, actor, case, *, handed_over_on: dt.date, reference: str = "",
                 office_filed_on: dt.date | None = None, note: str = ""):
        super().__init__(actor, case)
        self.handed_over_on, self.reference = handed_over_on, reference.strip()
        self.office_filed_on, self.text = office_filed_on, note.strip()

    def perform(self):
        case = self.locked(self.case)
        if case.state != CounterfeitState.OPEN:
            raise _state_error("SEC-07", case, _("移交"))
        _not_future(self.handed_over_on, "handed_over_on", "SEC-07", _("移交日期"))
        _not_before(self.handed_over_on, case.found_on, "handed_over_on", "SEC-07", _("移交日期不能早于发现日期。"))
        _not_future(self.office_filed_on, "office_filed_on", "SEC-07", _("备案日期"))
        before = snapshot(case, CASE_FIELDS)
        case.state = CounterfeitState.HANDED_OVER
        case.handed_over_on, case.handover_reference = self.handed_over_on, self.reference
        if self.office_filed_on:
            case.office_filed_on = self.office_filed_on
        text = _("移交网信部门处理（%(day)s%(ref)s）。%(note)s") % {
            "day": self.handed_over_on, "ref": f"，{self.reference}" if self.reference else "", "note": self.text}
        return self.save("security.counterfeit.hand_over", before, text.strip(), state=case.state)


class CloseCase(CaseAction):
    def __init__(self, actor, case, *, outcome: str, closed_on: dt.date, note: str = "",
                 office_filed_on: dt.date | None = None):
        super().__init__(actor, case)
        self.outcome, self.closed_on, self.text, self.office_filed_on = outcome, closed_on, note.strip(), office_filed_on

    def perform(self):
        case = self.locked(self.case)
        if self.outcome not in CounterfeitOutcome.values:
            raise RuleViolation("SEC-07", _("请选择处理结果。"), "outcome")
        if case.state == CounterfeitState.CLOSED:
            raise _state_error("SEC-07", case, _("结案"))
        if case.state == CounterfeitState.OPEN and self.outcome != CounterfeitOutcome.NOT_COUNTERFEIT:
            raise RuleViolation("SEC-07", _("假冒网站须先移交网信部门处理后才能结案（经核实非假冒的除外）。"), "outcome")
        if self.outcome == CounterfeitOutcome.OTHER and not self.text:
            raise RuleViolation("SEC-07", _("处理结果为“其他”时请说明情况。"), "note")
        _not_future(self.closed_on, "closed_on", "SEC-07", _("结案日期"))
        _not_before(self.closed_on, case.handed_over_on or case.found_on, "closed_on", "SEC-07",
                    _("结案日期不能早于发现或移交日期。"))
        before = snapshot(case, CASE_FIELDS)
        case.state, case.outcome, case.closed_on = CounterfeitState.CLOSED, self.outcome, self.closed_on
        if self.office_filed_on:
            case.office_filed_on = self.office_filed_on
        text = _("结案：%(outcome)s。%(note)s") % {"outcome": case.get_outcome_display(), "note": self.text}
        return self.save("security.counterfeit.close", before, text.strip(), state=case.state)


# -- SEC-09: hosting facts -----------------------------------------------------------------------


def clean_ip_addresses(raw: str) -> str:
    """One address per line, each a valid IPv4/IPv6 address; duplicates dropped."""
    seen: list[str] = []
    for token in re.split(r"[\s,，;；]+", raw or ""):
        if not token:
            continue
        try:
            address = str(ipaddress.ip_address(token))
        except ValueError:
            raise RuleViolation("SEC-09", _("“%(value)s”不是有效的IP地址。") % {"value": token[:50]},
                                "ip_addresses") from None
        if address not in seen:
            seen.append(address)
    return "\n".join(seen)


class RecordHostingFacts(SecurityAction):
    """Create or update the one hosting record of a site."""

    rule = "SEC-09"

    def __init__(self, actor, site: Site, **fields):
        super().__init__(actor)
        self.site = site
        unknown = set(fields) - set(HostingFacts.RECORD_FIELDS)
        if unknown:
            raise TypeError(f"unknown hosting fields: {sorted(unknown)}")
        self.fields = fields

    def sites(self):
        return [self.site]

    def perform(self) -> HostingFacts:
        fields = {k: v.strip() if isinstance(v, str) else v for k, v in self.fields.items()}
        if "ip_addresses" in fields:
            fields["ip_addresses"] = clean_ip_addresses(fields["ip_addresses"])
        facts = HostingFacts.objects.select_for_update().filter(site=self.site).first()
        created = facts is None
        if created:
            facts = HostingFacts(site=self.site)
        before = {} if created else snapshot(facts, HostingFacts.RECORD_FIELDS)
        for name, value in fields.items():
            setattr(facts, name, value)
        if facts.in_mainland is None:
            raise RuleViolation("SEC-09", _("请选择服务器是否位于境内。"), "in_mainland")
        if facts.in_mainland and not facts.server_region:
            raise RuleViolation("SEC-09", _("服务器位于境内时请填写所在省市。"), "server_region")
        if not facts.provider:
            raise RuleViolation("SEC-09", _("请填写托管服务商。"), "provider")
        for field, label in (("graded_assessed_on", _("等级测评日期")), ("security_tested_on", _("安全检测日期"))):
            _not_future(getattr(facts, field), field, "SEC-09", label)
        facts.updated_by, facts.updated_at = self.user, clock.now()
        facts.save()
        action = "security.hosting.record" if created else "security.hosting.change"
        self.audit_sites(facts, action, changes=diff(before, snapshot(facts, HostingFacts.RECORD_FIELDS)))
        self.changed(facts, action)
        return facts
