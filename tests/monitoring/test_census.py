"""A census end to end: real sites on 127.0.0.1 (by Host header), the crawler, the checks, the
verdict, and findings followed from one census to the next (SUP-03, SUP-07, SEC-04)."""

import datetime as dt
import hashlib
import json

import pytest
from aiohttp import web
from django.core.management import call_command

from govsites import clock as govclock
from govsites.actions import NotAllowed
from govsites.audit.context import Actor
from govsites.monitoring import availability, sweep
from govsites.monitoring.actions import CloseFinding, EscalateFinding, MonitoringError, RecordViolation
from govsites.monitoring.census import CensusOptions, check_tampering, run_census
from govsites.monitoring.models import (
    Census,
    CensusStatus,
    Finding,
    FindingEventKind,
    FindingStatus,
    Probe,
    SiteResult,
    Violation,
    ViolationKind,
)
from govsites.monitoring.sitelist import facts_for_site
from govsites.monitoring.types import SiteFacts
from tests.factories import build_estate

from .checks.sitebuild import serve

pytestmark = pytest.mark.django_db

NOW = govclock.at(2026, 7, 20, 9, 0)  # Monday
QUICK = {"host_delay": 0, "retries": 0, "timeout": 5}


def page(title: str, body: str, footer: str = "") -> str:
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body><main>{body}</main><footer>{footer}</footer></body></html>")


def footer_of(site) -> str:
    return (f"<p>主办单位：{site.sponsor_name}</p><p>联系电话：0600-12345678</p><p>网站标识码：{site.site_code}</p>"
            f"<p>{site.icp_number}</p><p>{site.public_security_number}</p>")


class Estate:
    """What the test server answers, per host and path; tests change it between censuses."""

    def __init__(self):
        self.pages: dict[tuple[str, str], str] = {}

    async def handle(self, request):
        html = self.pages.get((request.host.split(":")[0], request.path))
        if html is None:
            return web.Response(status=404, text="not found")
        return web.Response(text=html, content_type="text/html", headers={
            "Content-Security-Policy": "default-src 'self'", "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"})


@pytest.fixture
def e(clock):
    clock.set(NOW)
    return build_estate()


@pytest.fixture
def served(e):
    state = Estate()
    with serve([("/{tail:.*}", state.handle)]) as base:
        port = int(base.rsplit(":", 1)[1])
        state.resolve = [f"{s.domain}:80:127.0.0.1:{port}" for s in (e.city_portal, e.stats_site)]
        yield state


def census(e, served, *families, actor=None):
    sites = [facts_for_site(s, "http") for s in (e.city_portal, e.stats_site)]
    options = CensusOptions(resolve=served.resolve, fetcher=QUICK,
                            families=families or ("broken_links", "identity", "accessibility", "freshness"))
    return run_census(sites, actor or Actor.cli(None), options=options)


@pytest.mark.rule("SUP-03")
def test_a_census_judges_each_site_and_opens_findings_for_the_sponsor(e, served):
    city, stats = e.city_portal, e.stats_site
    served.pages[(city.domain, "/")] = page("青岚市人民政府", '<a href="/gone.html">旧通知</a>', footer_of(city))
    served.pages[(stats.domain, "/")] = page("青岚市统计局", "<p>统计数据</p>", "")
    done = census(e, served, "broken_links", "identity", "accessibility")
    assert done.status == CensusStatus.DONE and done.results.count() == 2
    broken = Finding.objects.get(check_type="broken_link_home")
    assert broken.site == city and broken.assigned_to == city.institution and broken.status == FindingStatus.OPEN
    assert broken.target == f"http://{city.domain}/gone.html" and 404 in broken.detail.values()
    # five working days… no: a deduction gets ten working days (profile), counted on the official calendar
    assert govclock.local(broken.due_at).date() == dt.date(2026, 8, 4)
    missing = set(Finding.objects.filter(site=stats, check_type="footer_missing").values_list("target", flat=True))
    assert {"主办单位", "网站标识码"} <= missing
    city_result = SiteResult.objects.get(census=done, site=city)
    assert city_result.passed and city_result.score < 100
    assert any(d["check"] == "broken_link_home" for d in city_result.deductions)
    assert list(broken.events.values_list("kind", flat=True)) == [FindingEventKind.OPENED]


@pytest.mark.rule("SUP-03")
def test_a_veto_fails_the_site_whatever_its_score(e, served):
    city = e.city_portal
    served.pages[(city.domain, "/")] = page("青岚市人民政府", "<ul><li><a href='/a.html'>旧闻</a>"
                                            "<span>2026-06-01</span></li></ul>", footer_of(city))
    served.pages[(city.domain, "/a.html")] = page("旧闻", "<p>内容</p>", footer_of(city))
    done = census(e, served, "freshness")
    result = SiteResult.objects.get(census=done, site=city)
    assert result.passed is False and result.score is None
    assert [v["check"] for v in result.vetoes] == ["home_not_updated"]
    assert "2026-06-01" in Finding.objects.get(site=city, check_type="home_not_updated").evidence


def test_a_fixed_problem_is_closed_by_the_next_census_and_reopens_if_it_comes_back(e, served, clock):
    city = e.city_portal
    served.pages[(city.domain, "/")] = page("青岚市人民政府", '<a href="/gone.html">旧通知</a>', footer_of(city))
    first = census(e, served, "broken_links")
    finding = Finding.objects.get(check_type="broken_link_home")
    served.pages[(city.domain, "/")] = page("青岚市人民政府", "<p>已更正</p>", footer_of(city))
    clock.set(NOW + dt.timedelta(days=1))
    second = census(e, served, "broken_links")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.FIXED and finding.last_census == first
    # a family that was not checked leaves its findings alone
    served.pages[(city.domain, "/")] = page("青岚市人民政府", '<a href="/gone.html">旧通知</a>', "")
    third = census(e, served, "broken_links", "identity")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN and finding.times_seen == 2 and finding.last_census == third
    kinds = list(finding.events.values_list("kind", flat=True))
    assert kinds == [FindingEventKind.OPENED, FindingEventKind.FIXED, FindingEventKind.REOPENED]
    footer = Finding.objects.filter(site=city, check_type="footer_missing")
    assert footer.exists()
    census(e, served, "broken_links")
    assert all(f.status == FindingStatus.OPEN for f in footer)  # identity was not checked this time
    assert second.status == CensusStatus.DONE


def test_an_unreachable_site_is_judged_and_keeps_its_other_findings_open(e, served):
    city, stats = e.city_portal, e.stats_site
    served.pages[(city.domain, "/")] = page("青岚市人民政府", '<a href="/gone.html">旧通知</a>', footer_of(city))
    census(e, served, "broken_links")
    del served.pages[(city.domain, "/")]
    done = census(e, served, "broken_links")
    result = SiteResult.objects.get(census=done, site=city)
    assert result.status == "unreachable" and "404" in result.error
    assert Finding.objects.get(site=city, check_type="site_unreachable").status == FindingStatus.OPEN
    assert Finding.objects.get(site=city, check_type="broken_link_home").status == FindingStatus.OPEN
    assert SiteResult.objects.get(census=done, site=stats).status == "unreachable"


@pytest.mark.rule("SEC-04")
def test_tampering_of_a_hosted_site_is_detected_against_the_manifest(e, served):
    city = e.city_portal
    published = page("青岚市人民政府", "<p>正文</p>", footer_of(city))
    served.pages[(city.domain, "/")] = published.replace("<p>正文</p>", '<p>正文</p><a href="http://bc.example/">彩票</a>')
    facts = SiteFacts(host=city.domain, home_url=f"http://{city.domain}/", hosted=True, site_id=city.pk,
                      extra={"manifest": {"index.html": hashlib.sha256(published.encode()).hexdigest()}})
    run_census([facts], Actor.cli(None), options=CensusOptions(resolve=served.resolve, fetcher=QUICK,
                                                               families=("tampering",)))
    tampered = Finding.objects.get(check_type="tampered")
    assert tampered.severity == "serious" and tampered.target == "index.html"
    # the untouched page is not reported
    served.pages[(city.domain, "/")] = published
    assert check_tampering(facts, []) == []


@pytest.mark.rule("SUP-03")
def test_the_availability_veto_needs_five_percent_of_a_weeks_probes(e):
    facts = facts_for_site(e.city_portal)
    assert availability.unreachable_observations(facts, NOW) is None  # no probes: no judgement
    start = NOW - dt.timedelta(days=7)
    Probe.objects.bulk_create([Probe(site=e.city_portal, at=start + dt.timedelta(hours=1 + i), ok=i % 25 != 0)
                               for i in range(160)])  # 7 failures of 160 = 4.4 %
    assert availability.unreachable_observations(facts, NOW) == []
    Probe.objects.bulk_create([Probe(site=e.city_portal, at=start + dt.timedelta(hours=2, minutes=i), ok=False)
                               for i in range(2)])  # 9 of 162 = 5.6 %
    (veto,) = availability.unreachable_observations(facts, NOW)
    assert veto.check == "site_unreachable" and veto.detail["failed"] == 9 and veto.detail["probes"] == 162


@pytest.mark.rule("SUP-07")
def test_a_late_finding_is_escalated_once_and_recorded_as_a_violation(e, served, clock):
    city = e.city_portal
    served.pages[(city.domain, "/")] = page("青岚市人民政府", '<a href="/gone.html">旧通知</a>', footer_of(city))
    census(e, served, "broken_links")
    finding = Finding.objects.get(check_type="broken_link_home")
    with pytest.raises(MonitoringError):
        EscalateFinding(Actor.system(), finding).execute()
    clock.set(finding.due_at + dt.timedelta(minutes=1))
    assert sweep.run()["escalated"] == 2  # the hourly job: this one and the statistics site's dead home page
    assert sweep.run()["escalated"] == 0
    finding.refresh_from_db()
    assert finding.escalated_at is not None
    violation = Violation.objects.get(site=city)
    assert violation.kind == ViolationKind.UNFIXED and violation.finding == finding
    assert "逾期未整改" in violation.description
    with pytest.raises(MonitoringError):
        EscalateFinding(Actor.system(), finding).execute()


@pytest.mark.rule("SUP-07")
def test_supervisors_record_violations_and_close_findings_others_may_not(e, served):
    city = e.city_portal
    served.pages[(city.domain, "/")] = page("青岚市人民政府", '<a href="/gone.html">旧通知</a>', footer_of(city))
    census(e, served, "broken_links")
    finding = Finding.objects.get(check_type="broken_link_home")
    with pytest.raises(NotAllowed):
        CloseFinding(Actor.cli(e.stats_manager), finding, "误报").execute()
    with pytest.raises(MonitoringError):
        CloseFinding(Actor.cli(e.city_office), finding, " ").execute()
    CloseFinding(Actor.cli(e.city_office), finding, "链接指向已归档页面，属正常调整").execute()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED and finding.closed_reason.startswith("链接指向")
    census(e, served, "broken_links")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED  # a closed finding stays closed
    with pytest.raises(NotAllowed):
        RecordViolation(Actor.cli(e.county_office), city, kind=ViolationKind.FEES, occurred_on=NOW.date(),
                        description="违规收取费用的情况说明").execute()
    with pytest.raises(MonitoringError) as refused:
        RecordViolation(Actor.cli(e.city_office), city, kind="nonsense", occurred_on=NOW.date() + dt.timedelta(days=2),
                        description="短").execute()
    assert set(refused.value.message_dict) == {"kind", "occurred_on", "description"}
    RecordViolation(Actor.cli(e.province_office), city, kind=ViolationKind.MISSED_FILING, occurred_on=NOW.date(),
                    description="网站变更后未在规定时间内报送信息。").execute()
    assert Violation.objects.filter(site=city, kind=ViolationKind.MISSED_FILING).count() == 1


def test_the_census_command_writes_the_findings_export(e, served, tmp_path):
    city, stats = e.city_portal, e.stats_site
    served.pages[(city.domain, "/")] = page("青岚市人民政府", '<a href="/gone.html">旧通知</a>', footer_of(city))
    served.pages[(stats.domain, "/")] = page("青岚市统计局", "<p>统计数据</p>", footer_of(stats))
    sites = tmp_path / "sites.txt"
    sites.write_text(f"# two sites\nhttp://{city.domain}/\n{stats.domain}  # no scheme: https\n", encoding="utf-8")
    resolve = tmp_path / "resolve.txt"
    port = served.resolve[0].rsplit(":", 1)[1]
    resolve.write_text(f"{city.domain}:80:127.0.0.1:{port}\n{stats.domain}:443:127.0.0.1:{port}\n")
    out = tmp_path / "findings.jsonl"
    call_command("census", "--sites", str(sites), "--resolve-file", str(resolve), "--export", str(out),
                 "--only", "broken_links", "--delay", "0", verbosity=0)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    broken = [line for line in lines if line["check"] == "broken_link_home"]
    assert broken and set(broken[0]) >= {"site", "check", "url", "target", "severity", "evidence", "first_seen",
                                         "status"}
    assert broken[0]["site"] == city.domain and broken[0]["status"] == "open"
    # the https "site" answered plain HTTP on its TLS port: unreachable, not a crash
    assert any(line["site"] == stats.domain and line["check"] == "site_unreachable" for line in lines)
    assert Census.objects.get().results.count() == 2


def test_a_bad_site_list_or_resolve_entry_is_a_clear_error(tmp_path):
    from django.core.management.base import CommandError

    bad = tmp_path / "sites.json"
    bad.write_text('[{"home_url": "ftp://x"}]', encoding="utf-8")
    with pytest.raises(CommandError, match="无效的网站地址"):
        call_command("census", "--sites", str(bad), verbosity=0)
    bad.write_text("[{", encoding="utf-8")
    with pytest.raises(CommandError, match="不是有效的 JSON"):
        call_command("census", "--sites", str(bad), verbosity=0)
    good = tmp_path / "sites.txt"
    good.write_text("www.example.gov.cn\n", encoding="utf-8")
    with pytest.raises(CommandError, match="HOST:PORT:ADDR"):
        call_command("census", "--sites", str(good), "--resolve", "nonsense", verbosity=0)


def test_a_census_scales_out_as_one_task_per_site(e, served):
    from govsites.monitoring.tasks import enqueue_census

    city, stats = e.city_portal, e.stats_site
    served.pages[(city.domain, "/")] = page("青岚市人民政府", '<a href="/gone.html">旧通知</a>', footer_of(city))
    served.pages[(stats.domain, "/")] = page("青岚市统计局", "<p>统计数据</p>", footer_of(stats))
    sites = [facts_for_site(s, "http") for s in (city, stats)]
    options = CensusOptions(resolve=served.resolve, fetcher=QUICK, families=("broken_links",))
    census = enqueue_census(sites, Actor.cli(e.city_office), options=options)  # the test backend runs tasks at once
    census.refresh_from_db()
    assert census.status == CensusStatus.DONE and census.started_by == e.city_office
    assert sorted(census.results.values_list("host", flat=True)) == sorted([city.domain, stats.domain])
    assert Finding.objects.get(check_type="broken_link_home").first_census == census
