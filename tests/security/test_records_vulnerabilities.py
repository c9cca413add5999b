"""SEC-05: periodic scans recorded; vulnerability notices tracked to verified closure, never
verified by the person who fixed them, overdue after the profile's days for their severity."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from govsites.audit.models import AuditLogEntry
from govsites.security import overview
from govsites.security.actions import (
    AcceptRisk,
    RecordFix,
    RecordNotice,
    RecordScan,
    StartFix,
    VerifyFix,
)
from govsites.security.models import (
    ScanScope,
    Severity,
    VulnerabilityNotice,
    VulnerabilitySource,
    VulnerabilityState,
)
from tests.security.records_helpers import act, second_officer


def notice(estate, severity=Severity.HIGH, notified_on=dt.date(2026, 3, 2), sites=None, **extra):
    return RecordNotice(
        act(estate.security_officer), sites or [estate.stats_site], source=VulnerabilitySource.CNVD,
        title="某CMS组件远程代码执行漏洞", severity=severity, notified_on=notified_on, reference="CNVD-2026-0001",
        **extra,
    ).execute()


@pytest.mark.rule("SEC-05")
def test_a_notice_is_tracked_to_verified_closure(estate, clock):
    officer, checker = estate.security_officer, second_officer(estate)
    n = notice(estate, sites=[estate.stats_site, estate.city_portal])
    assert n.state == VulnerabilityState.RECEIVED and n.deadline == dt.date(2026, 3, 9)

    StartFix(act(officer), n, "已通知运维单位").execute()
    clock.set(dt.date(2026, 3, 5))
    RecordFix(act(officer), n, "升级组件到 2.3.1，关闭调试接口").execute()
    clock.set(dt.date(2026, 3, 6))
    VerifyFix(act(checker), n, passed=True, note="复测未再发现").execute()

    n.refresh_from_db()
    assert n.state == VulnerabilityState.CLOSED
    assert n.fixed_by == officer and n.verified_by == checker and not n.fixed_late
    states = [e.state for e in n.timeline.order_by("occurred_at", "id")]
    assert states == ["received", "fixing", "fixed", "closed"]
    # every change is in the audit trail, once for each site concerned, with who and from where
    entries = AuditLogEntry.objects.filter(action__startswith="security.notice.", object_id=str(n.pk))
    assert entries.count() == 4 * 2
    assert set(entries.values_list("site_ref", flat=True)) == {estate.stats_site.pk, estate.city_portal.pk}
    verify = entries.get(action="security.notice.verify", site_ref=estate.stats_site.pk)
    assert verify.user == checker and verify.ip_address == "10.0.0.9"
    assert verify.changes["state"] == {"before": "fixed", "after": "closed"}


@pytest.mark.rule("SEC-05")
def test_the_fixer_cannot_verify_his_own_fix(estate, clock):
    officer = estate.security_officer
    n = notice(estate)
    RecordFix(act(officer), n, "打补丁").execute()
    with pytest.raises(ValidationError, match="不能验证自己登记的修复"):
        VerifyFix(act(officer), n, passed=True).execute()
    n.refresh_from_db()
    assert n.state == VulnerabilityState.FIXED and n.verified_by is None


@pytest.mark.rule("SEC-05")
def test_a_failed_verification_sends_the_notice_back_to_fixing(estate, clock):
    n = notice(estate)
    RecordFix(act(estate.security_officer), n, "打补丁").execute()
    with pytest.raises(ValidationError, match="请说明原因"):
        VerifyFix(act(second_officer(estate)), n, passed=False).execute()
    VerifyFix(act(second_officer(estate, "so3")), n, passed=False, note="复测仍可利用").execute()
    n.refresh_from_db()
    assert n.state == VulnerabilityState.FIXING and n.is_open


@pytest.mark.rule("SEC-05")
@pytest.mark.parametrize(("severity", "days"), [(Severity.HIGH, 7), (Severity.MEDIUM, 30), (Severity.LOW, 90)])
def test_overdue_after_the_profile_days_for_the_severity(estate, clock, severity, days):
    n = notice(estate, severity=severity)
    assert n.deadline == dt.date(2026, 3, 2) + dt.timedelta(days=days)
    clock.set(n.deadline)
    assert not n.is_overdue and not VulnerabilityNotice.objects.overdue().exists()
    clock.set(n.deadline + dt.timedelta(days=1))
    assert n.is_overdue
    assert list(VulnerabilityNotice.objects.overdue()) == [n]
    assert overview.security_overview(estate.stats_site)["overdue_vulnerabilities"] == 1
    # fixed (awaiting verification) is no longer overdue, but recorded as fixed late
    RecordFix(act(estate.security_officer), n, "已修复").execute()
    assert not VulnerabilityNotice.objects.overdue().exists() and n.fixed_late


@pytest.mark.rule("SEC-05")
def test_the_deadline_days_come_from_the_profile(estate, clock, monkeypatch):
    from govsites.policy import profiles

    data = profiles.load("national").as_dict()
    data["security"]["vulnerability_fix_days"]["high"] = 3
    monkeypatch.setattr(profiles, "active", lambda: profiles.Profile("stricter", data))
    assert notice(estate).deadline == dt.date(2026, 3, 5)


@pytest.mark.rule("SEC-05")
def test_a_later_deadline_than_the_profile_allows_is_refused(estate, clock):
    with pytest.raises(ValidationError, match="整改期限不能晚于2026-03-09"):
        notice(estate, deadline=dt.date(2026, 4, 1))
    assert not VulnerabilityNotice.objects.exists()
    assert notice(estate, deadline=dt.date(2026, 3, 4)).deadline == dt.date(2026, 3, 4)


@pytest.mark.rule("SEC-05")
def test_accepting_the_risk_needs_a_reason(estate, clock):
    n = notice(estate, severity=Severity.LOW)
    with pytest.raises(ValidationError, match="理由"):
        AcceptRisk(act(estate.security_officer), n, "没空").execute()
    AcceptRisk(act(estate.security_officer), n, "厂商无补丁，已在防火墙封禁该接口并加强监测").execute()
    n.refresh_from_db()
    assert n.state == VulnerabilityState.RISK_ACCEPTED and not n.is_open
    with pytest.raises(ValidationError, match="当前状态为“已接受风险”"):
        RecordFix(act(estate.security_officer), n, "补").execute()


@pytest.mark.rule("SEC-05")
def test_periodic_scans_are_recorded_and_a_missing_scope_is_overdue(estate, clock):
    officer = estate.security_officer
    for scope in (ScanScope.APPLICATION, ScanScope.OS):
        RecordScan(act(officer), [estate.stats_site], performed_on=dt.date(2026, 3, 1), scope=scope,
                   tool="漏洞扫描系统", findings_count=2).execute()
    info = overview.security_overview(estate.stats_site)
    assert info["last_scans"] == {"application": dt.date(2026, 3, 1), "os": dt.date(2026, 3, 1)}
    assert info["scan_overdue_scopes"] == ["database"]
    clock.set(dt.date(2026, 3, 1) + dt.timedelta(days=91))
    assert overview.security_overview(estate.stats_site)["scan_overdue_scopes"] == ["application", "os", "database"]
    with pytest.raises(ValidationError, match="扫描日期不能晚于今天"):
        RecordScan(act(officer), [estate.stats_site], performed_on=dt.date(2027, 1, 1), scope=ScanScope.DATABASE,
                   tool="x").execute()
