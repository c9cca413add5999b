"""Every state change of the monitor: a census starts, records each site, finishes; findings are
opened, re-seen, fixed, escalated or closed; violations are recorded (SUP-03, SUP-07, SEC-04).

A census is a system run (CLI, scheduler, or a supervisor pressing "start"); its audit entries
are one per census, while each finding keeps its own timeline (``FindingEvent``) — a census
touches thousands of findings and the audit chain serialises its writers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError

from govsites import clock
from govsites.actions import Action
from govsites.policy import profiles
from govsites.registry.models import Site
from govsites.workdays import calendar
from govsites.workdays.calendar import MissingCalendarYear

from .checks.catalogue import CHECKS, family_of
from .models import (
    Census,
    CensusKind,
    CensusStatus,
    Finding,
    FindingEvent,
    FindingEventKind,
    FindingStatus,
    SiteResult,
    SiteResultStatus,
    Violation,
    ViolationKind,
    finding_key,
)
from .permissions import may_start_census, may_supervise
from .signals import finding_changed
from .types import Observation, SiteOutcome


class MonitoringError(ValidationError):
    """A refused step, with a Chinese message."""


class MonitoringAction(Action):
    denied_message = "只有主管单位的监管人员可以执行此操作。"

    def system_or_supervisor(self, site: Site | None) -> bool:
        return self.actor.user is None or may_supervise(self.user, site)


def fix_deadline(severity: str, found_at: dt.datetime) -> dt.datetime | None:
    """Working days to fix from the profile (``monitoring.fix_working_days.<severity>``); None while
    the year's official calendar is missing (the sweep fills it in later)."""
    days = profiles.active().get(f"monitoring.fix_working_days.{severity}")
    try:
        return calendar.deadline(found_at, int(days))
    except MissingCalendarYear:
        return None


# -- a census ---------------------------------------------------------------------------------------

class StartCensus(MonitoringAction):
    def __init__(self, actor, *, kind: str = CensusKind.ADHOC, note: str = "", planned: int = 0):
        super().__init__(actor)
        self.kind, self.note, self.planned = kind, note, planned

    def check_permission(self) -> bool:
        return self.actor.user is None or may_start_census(self.user)

    def perform(self) -> Census:
        census = Census.objects.create(kind=self.kind, note=(self.note or "")[:200], started_by=self.user,
                                       profile=profiles.active().name, stats={"planned": self.planned})
        self.audit(census, "monitoring.census.start", data={"kind": self.kind, "planned": self.planned})
        return census


class FinishCensus(MonitoringAction):
    def __init__(self, actor, census: Census, *, stats: dict | None = None, failed: str = ""):
        super().__init__(actor)
        self.census, self.stats, self.failed = census, stats or {}, failed

    def check_permission(self) -> bool:
        return self.actor.user is None or may_start_census(self.user)

    def perform(self) -> Census:
        census = self.census
        census.status = CensusStatus.FAILED if self.failed else CensusStatus.DONE
        census.finished_at = clock.now()
        census.stats = {**census.stats, **self.stats, **({"failed": self.failed} if self.failed else {})}
        census.save()
        self.audit(census, "monitoring.census.finish", data={
            "status": census.status, "sites": census.results.count(),
            "open_findings": Finding.objects.filter(last_census=census, status=FindingStatus.OPEN).count(),
        })
        return census


class RecordSiteResult(MonitoringAction):
    """Store one site's census outcome and bring its findings up to date: new observations open
    findings (assigned to the sponsor with a deadline), known ones are seen again (a fixed one
    reopens), and open findings of the families that were checked but not seen again are fixed."""

    def __init__(self, actor, census: Census, outcome: SiteOutcome, verdict=None):
        super().__init__(actor)
        self.census, self.outcome, self.verdict = census, outcome, verdict

    def check_permission(self) -> bool:
        return self.system_or_supervisor(self.site)

    @property
    def site(self) -> Site | None:
        site_id = self.outcome.facts.site_id
        if site_id is None:
            return None
        if not hasattr(self, "_site"):
            self._site = Site.objects.select_related("institution").filter(pk=site_id).first()
        return self._site

    def perform(self) -> SiteResult:
        outcome, census, now = self.outcome, self.census, clock.now()
        host = outcome.facts.host.lower()
        verdict = self.verdict
        result = SiteResult.objects.create(
            census=census, site=self.site, host=host, home_url=outcome.facts.home_url[:500],
            status=outcome.status, error=outcome.error[:500], pages=outcome.pages, links=outcome.links,
            observations=len(outcome.observations), elapsed=round(outcome.elapsed, 3), checked_at=now,
            passed=verdict.passed if verdict else None, vetoes=verdict.vetoes if verdict else [],
            score=verdict.score if verdict else None, deductions=verdict.deductions if verdict else [],
        )
        seen = self.record_observations(host, outcome.observations, now)
        if outcome.status == SiteResultStatus.CHECKED:
            self.fix_unseen(host, seen, set(outcome.families), now)
        return result

    def record_observations(self, host: str, observations: Iterable[Observation], now) -> set[str]:
        site, census = self.site, self.census
        seen: set[str] = set()
        for obs in observations:
            kind = CHECKS.get(obs.check)
            if kind is None:
                raise MonitoringError(f"未知的检查项：{obs.check}")
            key = finding_key(host, obs.check, obs.url, obs.target)
            if key in seen:
                continue
            seen.add(key)
            finding = Finding.objects.filter(key=key).first()
            if finding is None:
                finding = Finding.objects.create(
                    key=key, site=site, host=host, check_type=obs.check, severity=kind.severity, url=obs.url,
                    target=obs.target, evidence=obs.evidence[:2000], detail=obs.detail, first_seen=now,
                    last_seen=now, first_census=census, last_census=census,
                    assigned_to=site.institution if site else None, due_at=fix_deadline(kind.severity, now),
                )
                FindingEvent.objects.create(finding=finding, kind=FindingEventKind.OPENED, at=now, census=census,
                                            note=obs.evidence[:500])
                self.emit(finding_changed, sender=Finding, finding=finding, kind=FindingEventKind.OPENED)
                continue
            finding.last_seen, finding.last_census = now, census
            finding.times_seen += 1
            finding.evidence, finding.detail = obs.evidence[:2000], obs.detail
            if finding.status == FindingStatus.FIXED:
                finding.status, finding.fixed_at = FindingStatus.OPEN, None
                finding.due_at = fix_deadline(finding.severity, now)
                finding.escalated_at = None
                FindingEvent.objects.create(finding=finding, kind=FindingEventKind.REOPENED, at=now, census=census)
                self.emit(finding_changed, sender=Finding, finding=finding, kind=FindingEventKind.REOPENED)
            finding.save()
        return seen

    def fix_unseen(self, host: str, seen: set[str], families: set[str], now) -> None:
        """Open findings of a checked family that this census did not see again are fixed."""
        if not families:
            return
        for finding in Finding.objects.filter(host=host, status=FindingStatus.OPEN).exclude(key__in=seen):
            if family_of(finding.check_type) not in families:
                continue
            finding.status, finding.fixed_at = FindingStatus.FIXED, now
            finding.save(update_fields=["status", "fixed_at"])
            FindingEvent.objects.create(finding=finding, kind=FindingEventKind.FIXED, at=now, census=self.census)
            self.emit(finding_changed, sender=Finding, finding=finding, kind=FindingEventKind.FIXED)


# -- findings -------------------------------------------------------------------------------------

class CloseFinding(MonitoringAction):
    """A supervisor closes a finding that is not a problem (a false positive, an accepted
    exception), with the reason; later censuses leave it closed."""

    def __init__(self, actor, finding: Finding, reason: str):
        super().__init__(actor)
        self.finding, self.reason = finding, reason

    def check_permission(self) -> bool:
        return may_supervise(self.user, self.finding.site)

    def perform(self) -> Finding:
        reason = " ".join((self.reason or "").split())
        if len(reason) < 2:
            raise MonitoringError({"reason": "请填写关闭理由。"})
        finding = self.finding
        if finding.status == FindingStatus.CLOSED:
            raise MonitoringError("该问题已关闭。")
        finding.status, finding.closed_at, finding.closed_reason = FindingStatus.CLOSED, clock.now(), reason[:500]
        finding.save()
        FindingEvent.objects.create(finding=finding, kind=FindingEventKind.CLOSED, actor=self.user, note=reason[:500])
        self.audit(finding, "monitoring.finding.close", reason=reason, site_id=finding.site_id)
        self.emit(finding_changed, sender=Finding, finding=finding, kind=FindingEventKind.CLOSED)
        return finding


class EscalateFinding(MonitoringAction):
    """An open finding past its deadline is escalated once: the supervisors are told, and the
    site gets a violation "问题逾期未整改" (SUP-07)."""

    def __init__(self, actor, finding: Finding):
        super().__init__(actor)
        self.finding = finding

    def check_permission(self) -> bool:
        return self.actor.user is None or may_supervise(self.user, self.finding.site)

    def perform(self) -> Finding:
        finding, now = self.finding, clock.now()
        if not finding.overdue or finding.escalated_at is not None:
            raise MonitoringError("该问题未逾期或已督办。")
        finding.escalated_at = now
        finding.save(update_fields=["escalated_at"])
        FindingEvent.objects.create(finding=finding, kind=FindingEventKind.ESCALATED, at=now, actor=self.user)
        if finding.site_id is not None:
            Violation.objects.create(
                site_id=finding.site_id, kind=ViolationKind.UNFIXED, occurred_on=clock.local(now).date(),
                description=f"{finding.label}（{finding.target or finding.url}）逾期未整改，整改期限"
                            f"{clock.local(finding.due_at):%Y-%m-%d}。",
                finding=finding, recorded_by=self.user,
            )
        self.audit(finding, "monitoring.finding.escalate", site_id=finding.site_id)
        self.emit(finding_changed, sender=Finding, finding=finding, kind=FindingEventKind.ESCALATED)
        return finding


class RecordViolation(MonitoringAction):
    """SUP-07: a violation recorded against a site by a supervisor."""

    def __init__(self, actor, site: Site, *, kind: str, occurred_on: dt.date, description: str,
                 finding: Finding | None = None):
        super().__init__(actor)
        self.site, self.kind, self.occurred_on = site, kind, occurred_on
        self.description, self.finding = description, finding

    def check_permission(self) -> bool:
        return may_supervise(self.user, self.site)

    def perform(self) -> Violation:
        errors = {}
        if self.kind not in ViolationKind.values:
            errors["kind"] = "请选择违规类型。"
        description = (self.description or "").strip()
        if len(description) < 5:
            errors["description"] = "请填写情况说明（至少5个字）。"
        if self.occurred_on is None or self.occurred_on > clock.local(clock.now()).date():
            errors["occurred_on"] = "发生日期不能晚于今天。"
        if errors:
            raise MonitoringError(errors)
        violation = Violation.objects.create(site=self.site, kind=self.kind, occurred_on=self.occurred_on,
                                             description=description[:5000], finding=self.finding,
                                             recorded_by=self.user)
        self.audit(violation, "monitoring.violation.record", site_id=self.site.pk,
                   data={"kind": self.kind, "occurred_on": self.occurred_on.isoformat()})
        return violation
