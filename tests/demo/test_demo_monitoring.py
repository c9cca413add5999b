"""The demo's supervision history: six monthly censuses over the small demo estate through the
monitor's actions, findings in every state, escalations and violations, probes, and the reports."""

import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q

from govsites import clock
from govsites.demo import accounts, estate, monitoring
from govsites.monitoring.checks.catalogue import CHECKS
from govsites.monitoring.models import (
    Census,
    CensusKind,
    CensusStatus,
    Finding,
    FindingEvent,
    FindingEventKind,
    FindingStatus,
    Probe,
    SiteResult,
    SiteResultStatus,
    Violation,
    ViolationKind,
)
from govsites.registry.models import Site, SiteStatus
from govsites.reports import xlsx
from govsites.reports.models import Report, ReportKind

MOMENT = clock.at(2026, 12, 5, 10, 30)


@pytest.fixture(scope="module")
def played(demo, django_db_blocker):
    """The demo accounts and the supervision history, once for the module (inside its rollback)."""
    with django_db_blocker.unblock():
        accounts.issue_all()
        started = time.monotonic()
        with clock.frozen(MOMENT):
            made = monitoring.play()
        yield made, time.monotonic() - started


def snapshot():
    results = sorted(SiteResult.objects.values_list("census__kind", "host", "status", "passed", "score", "checked_at"))
    findings = sorted(Finding.objects.values_list("host", "check_type", "url", "target", "status", "escalated_at"))
    return results, findings, Violation.objects.count(), Probe.objects.count()


def online_sites():
    return Site.objects.within(estate.demo_root()).filter(status=SiteStatus.ONLINE).exclude(domain="")


def test_one_monthly_census_a_month_over_the_online_sites(played, db):
    made, seconds = played
    assert made.played and seconds < 20
    monthly = list(Census.objects.filter(kind=CensusKind.MONTHLY).order_by("started_at"))
    assert len(monthly) == monitoring.MONTHS
    months = [(clock.local(c.started_at).year, clock.local(c.started_at).month) for c in monthly]
    assert len(set(months)) == monitoring.MONTHS and months[-2] == (2026, 11) and months[-1] == (2026, 12)
    assert all(c.status == CensusStatus.DONE and c.finished_at > c.started_at for c in monthly)
    assert monthly[-1].started_at < MOMENT
    counts = [c.results.count() for c in monthly]
    assert counts == sorted(counts) and counts[0] > 20  # a site launched since joins the next census
    for census, count in zip(monthly, counts, strict=True):
        assert count == online_sites().filter(Q(launched_at=None) | Q(launched_at__lte=census.started_at)).count()
    assert Census.objects.filter(kind=CensusKind.ADHOC).count() == 1  # the hacked site's spot check


def test_most_sites_pass_some_fail_with_vetoes_and_one_scores_below_the_line(played, db):
    latest = Census.objects.filter(kind=CensusKind.MONTHLY).order_by("-started_at").first()
    passed = latest.results.filter(passed=True).count()
    failed = list(latest.results.filter(passed=False))
    assert passed > 2 * len(failed) and failed
    assert all(r.vetoes and r.vetoes[0]["evidence"] for r in failed)
    vetoes = {v["check"] for r in SiteResult.objects.filter(passed=False) for v in r.vetoes}
    assert {"home_not_updated", "zombie_site", "site_unreachable", "dark_link", "enquiry_unanswered"} <= vetoes
    low = SiteResult.objects.filter(passed=False, vetoes=[]).first()
    assert low is not None and low.score < 60 and len(low.deductions) >= 8
    assert SiteResult.objects.filter(status=SiteResultStatus.UNREACHABLE).count() == 1
    assert all(r.score >= 60 for r in SiteResult.objects.filter(passed=True))


def test_findings_of_many_check_types_in_every_state(played, db):
    findings = Finding.objects.all()
    assert set(findings.values_list("status", flat=True)) == set(FindingStatus.values)
    types = set(findings.values_list("check_type", flat=True))
    assert types <= set(CHECKS) and len(types) >= 18
    assert len({CHECKS[t].family for t in types}) >= 12
    for finding in findings.filter(check_type__in=["column_not_updated", "column_empty"]):
        assert finding.url == finding.target  # the column page, as the checks file it
    assert all(f.assigned_to_id and f.due_at for f in findings)
    closed = findings.get(status=FindingStatus.CLOSED)
    assert closed.check_type == "broken_link_home" and closed.closed_reason and closed.times_seen > 1
    # a problem fixed, then seen again, is reopened
    assert FindingEvent.objects.filter(kind=FindingEventKind.REOPENED).exists()
    # improving sites: vetoed at first, their findings fixed by later censuses, passed since
    improved = [s for s in online_sites() if [r.passed for r in SiteResult.objects.filter(
        site=s, census__kind=CensusKind.MONTHLY).order_by("checked_at")][:1] == [False]
        and SiteResult.objects.filter(site=s).order_by("-checked_at").first().passed]
    assert len(improved) >= 2
    assert findings.filter(site__in=improved, status=FindingStatus.FIXED, severity="veto").exists()


def test_late_findings_are_escalated_into_violations(played, db):
    made, _seconds = played
    escalated = Finding.objects.filter(escalated_at__isnull=False)
    assert 3 <= escalated.count() == made.escalated <= 40
    assert all(f.due_at <= f.escalated_at for f in escalated)
    unfixed = Violation.objects.filter(kind=ViolationKind.UNFIXED)
    assert unfixed.count() >= escalated.count()  # a finding escalated, fixed and reopened may be again
    kinds = set(Violation.objects.values_list("kind", flat=True))
    assert {ViolationKind.UNFIXED, ViolationKind.ZOMBIE, ViolationKind.SECURITY_INCIDENT,
            ViolationKind.LATE_PUBLISHING} <= kinds
    for zombie in Violation.objects.filter(kind=ViolationKind.ZOMBIE):
        assert zombie.finding.check_type == "zombie_site" and zombie.recorded_by.username == "demo-province"
    # the hacked site's dark links were fixed by the spot check the next day: never escalated
    assert not Finding.objects.filter(check_type="dark_link", escalated_at__isnull=False).exists()
    assert Finding.objects.filter(check_type="dark_link", status=FindingStatus.FIXED).count() >= 2


def test_probes_behind_the_availability_veto(played, db):
    assert Probe.objects.count() > online_sites().count() * 150
    latest = Census.objects.filter(kind=CensusKind.MONTHLY).order_by("-started_at").first()
    vetoed = [r for r in latest.results.all() if any(v["check"] == "site_unreachable" for v in r.vetoes)]
    assert len(vetoed) == 1 and vetoed[0].status == SiteResultStatus.CHECKED
    assert "探测" in vetoed[0].vetoes[0]["evidence"][0]


def test_last_months_report_and_the_last_quarters_bulletin(played, db):
    made, _seconds = played
    monthly = Report.objects.get(kind=ReportKind.MONTHLY)
    quarterly = Report.objects.get(kind=ReportKind.QUARTERLY)
    assert (monthly.period, quarterly.period) == ("2026-11", "2026-Q3")
    assert made.reports == [monthly.title, quarterly.title]
    assert monthly.generated_by.username == "demo-province"
    figures = {f["label"]: f["value"] for f in monthly.data["summary"]}
    assert any(value for value in figures.values())
    assert any(s["chart"] and s["table"]["rows"] for s in monthly.data["sections"])
    assert xlsx.workbook(monthly.data)[:2] == b"PK"


def test_a_second_run_adds_nothing(played, db):
    before = snapshot()
    with clock.frozen(MOMENT):
        made = monitoring.play()
    assert not made.played and snapshot() == before


def test_the_same_seed_plays_the_same_history_and_reset_clears_it(played, db):
    before = snapshot()
    monitoring.reset()
    assert not (Census.objects.exists() or Finding.objects.exists() or Violation.objects.exists()
                or Probe.objects.exists() or Report.objects.exists())
    with clock.frozen(MOMENT):
        monitoring.play()
    assert snapshot() == before
    monitoring.reset()
    estate.reset()  # the estate can be cleared once its violations are gone
    assert not Site.objects.exists()


def test_the_command_reports_what_it_made_and_resets(played, db):
    out = StringIO()
    with clock.frozen(MOMENT):
        call_command("demo_monitoring", stdout=out)
    assert "未重复生成" in out.getvalue()
    again = StringIO()
    with clock.frozen(MOMENT):
        call_command("demo_monitoring", "--reset", stdout=again)
    text = again.getvalue()
    assert "检查批次 7 个" in text and "违规记录" in text and "已生成报表" in text


def test_no_supervision_demo_without_the_accounts(played, db):
    Census.objects.all().delete()
    from govsites.accounts.models import Role, RoleAssignment

    RoleAssignment.objects.filter(role=Role.SUPERVISOR).delete()
    with pytest.raises(CommandError, match="demo_accounts"):
        call_command("demo_monitoring", stdout=StringIO())
