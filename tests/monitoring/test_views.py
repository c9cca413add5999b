"""The supervision admin (网站监管): dashboard, site and finding pages, findings list and export,
violations, censuses — each page with data, each user's scope, the forms with their Chinese errors,
a census put on the task queue, and query counts that do not grow with the estate."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from aiohttp import web
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks import default_task_backend

from govsites import clock as govclock
from govsites.audit.models import AuditLogEntry
from govsites.monitoring import tasks
from govsites.monitoring.models import (
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
from govsites.monitoring.views.charts import sparkline
from govsites.registry.models import SiteStatus
from tests.factories import build_estate, site, user

from .checks.sitebuild import serve

pytestmark = pytest.mark.django_db

NOW = govclock.at(2026, 7, 20, 9, 0)  # Monday
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>")
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def e(clock):
    clock.set(NOW)
    return build_estate()


def census_at(days_ago: int, kind=CensusKind.MONTHLY, **extra) -> Census:
    at = NOW - dt.timedelta(days=days_ago)
    return Census.objects.create(kind=kind, status=CensusStatus.DONE, started_at=at, finished_at=at,
                                 stats={"sites": 3, "seconds": 12.5}, **extra)


def result(census, s, *, passed, score=None, vetoes=(), deductions=(), status=SiteResultStatus.CHECKED, **extra):
    return SiteResult.objects.create(
        census=census, site=s, host=s.domain if s else extra.pop("host"), home_url=f"https://{s.domain if s else 'x'}/",
        status=status, passed=passed, score=score, vetoes=list(vetoes), deductions=list(deductions),
        checked_at=census.started_at, pages=40, links=300, observations=len(vetoes) + len(deductions), **extra)


def finding(s, check, severity, *, url="", target="", status=FindingStatus.OPEN, due_in=None, evidence="证据",
            host=None, **extra) -> Finding:
    host = host or s.domain
    url = url or f"https://{host}/"
    f = Finding.objects.create(
        key=finding_key(host, check, url, target), site=s, host=host, check_type=check, severity=severity, url=url,
        target=target, evidence=evidence, status=status, assigned_to=s.institution if s else None,
        first_seen=NOW - dt.timedelta(days=10), last_seen=NOW - dt.timedelta(days=1),
        due_at=NOW + dt.timedelta(days=due_in) if due_in is not None else None, **extra)
    FindingEvent.objects.create(finding=f, kind=FindingEventKind.OPENED, at=f.first_seen, note=evidence[:500])
    return f


@pytest.fixture
def data(e):
    """Six monthly censuses: the city portal passes with a falling score, the statistics site is
    vetoed in the latest; the county portal was never checked; findings and a violation."""
    censuses = [census_at(30 * (5 - i)) for i in range(6)]
    for i, c in enumerate(censuses):
        result(c, e.city_portal, passed=True, score=Decimal(98 - 3 * i),
               deductions=[{"check": "broken_link_home", "label": "首页链接不可用", "count": 1, "points": 1.0,
                            "evidence": ["https://www.qinglan.gov.cn/ https://www.qinglan.gov.cn/gone.html：HTTP 404"]}])
        if i < 5:
            result(c, e.stats_site, passed=True, score=Decimal(90))
    latest = censuses[-1]
    result(latest, e.stats_site, passed=False, vetoes=[
        {"check": "home_not_updated", "label": "首页长期未更新", "count": 1,
         "evidence": ["https://tjj.qinglan.gov.cn/：最近更新 2026-05-01"]}])
    result(latest, e.province_portal, passed=True, score=Decimal("95.50"))
    broken = finding(e.city_portal, "broken_link_home", "deduction", target="https://www.qinglan.gov.cn/gone.html",
                     due_in=5, evidence="HTTP 404", detail={"status": 404, "anchor": "旧通知"},
                     first_census=latest, last_census=latest)
    stale = finding(e.stats_site, "home_not_updated", "veto", due_in=-2, evidence="首页最近更新：2026-05-01",
                    detail={"last_date": "2026-05-01"})
    fixed = finding(e.stats_site, "typo", "deduction", target="既使", status=FindingStatus.FIXED, due_in=3)
    header = finding(e.stats_site, "security_header_missing", "warning", target="X-Frame-Options", due_in=20,
                     evidence="=HYPERLINK(\"http://evil\")")
    outside = finding(None, "dark_link", "serious", host="fake-gov.example.com", due_in=1)
    violation = Violation.objects.create(site=e.stats_site, kind=ViolationKind.LATE_PUBLISHING,
                                         occurred_on=dt.date(2026, 7, 1), description="政策文件发布滞后两个月。",
                                         finding=stale, recorded_by=e.city_office)
    return SimpleNamespace(censuses=censuses, latest=latest, broken=broken, stale=stale, fixed=fixed, header=header,
                           outside=outside, violation=violation)


def client_for(client, account):
    client.force_login(account)
    return client


def text(response) -> str:
    return response.content.decode()


# -- the dashboard ----------------------------------------------------------------------------------


@pytest.mark.rule("SUP-03")
def test_dashboard_shows_each_sites_verdict_score_findings_and_trend(client, e, data):
    response = client_for(client, e.province_office).get("/admin/monitoring/")
    assert response.status_code == 200
    body = text(response)
    for s in (e.city_portal, e.stats_site, e.province_portal, e.county_portal):
        assert s.name in body
    assert "首页长期未更新" in body and "不合格" in body and "尚未检查" in body  # the county portal
    assert "83.00" in body  # the city portal's latest score (98 − 3 × 5)
    assert "单项否决 1" in body and "扣分项 1" in body
    assert body.count('<svg class="gs-spark"') == 3  # city, statistics, province: those with results
    assert "近6次检查" in body and not INLINE_SCRIPT.search(body) and " style=" not in body
    ctx = response.context
    assert ctx["totals"]["checked"] == 3 and ctx["totals"]["sites"] == len(ctx["page"].object_list)
    assert ctx["totals"]["rate"] == "66.7%"  # 2 of the 3 rated
    assert ctx["totals"]["open"] == 3 and ctx["totals"]["overdue"] == 1  # the outside host is not a site
    assert response["Cache-Control"].startswith("no-store")


def test_dashboard_filters_and_sorts(client, e, data):
    c = client_for(client, e.province_office)

    def names(query):
        return [row["site"].name for row in c.get(f"/admin/monitoring/?{query}").context["rows"]]

    assert names("verdict=failed") == [e.stats_site.name]
    assert names("verdict=unchecked") == [e.dev_reform_site.name, e.county_portal.name]  # by region
    assert names("overdue=on") == [e.stats_site.name]
    assert set(names(f"region={e.county.pk}")) == {e.county_portal.name}
    assert names("sort=-score")[:2] == [e.province_portal.name, e.city_portal.name]  # then the unscored
    assert names("sort=score")[-2:] == [e.city_portal.name, e.province_portal.name]
    assert names("sort=-open")[0] == e.stats_site.name
    assert names("q=tjj") == [e.stats_site.name]
    e.county_portal.status = SiteStatus.CLOSED
    e.county_portal.save()
    assert e.county_portal.name not in names("")
    assert names("status=closed") == [e.county_portal.name]
    bad = c.get("/admin/monitoring/?sort=nonsense&region=999999")
    assert bad.status_code == 200 and "选择一个有效的选项" in text(bad)


def test_dashboard_trend_sparkline_is_drawn_on_the_server():
    points = [{"score": Decimal(s) if s is not None else None, "passed": p, "checked_at": NOW - dt.timedelta(days=i)}
              for i, (s, p) in enumerate([(90, True), (50, False), (None, False)])]
    svg = str(sparkline(points[::-1], pass_score=60))
    assert svg.startswith('<svg class="gs-spark"') and svg.count("<circle") == 3
    assert 'fill="#b91c1c"' in svg and 'fill="#15803d"' in svg and "<polyline" in svg
    assert "单项否决" in svg and "90.0分（合格）" in svg
    assert str(sparkline([])) == ""


def test_dashboard_queries_do_not_grow_with_the_estate(client, e, data, django_assert_max_num_queries):
    c = client_for(client, e.province_office)
    c.get("/admin/monitoring/")  # warm caches (content types, site root)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert c.get("/admin/monitoring/").status_code == 200
        return len(queries)

    small = count()
    for n in range(25):
        inst = e.city.children.create(name=f"青岚市第{n}局", kind="department", level=e.city.level)
        extra = site(inst, f"j{n}.qinglan.gov.cn")
        result(data.latest, extra, passed=n % 2 == 0, score=Decimal(70 + n % 30))
        finding(extra, "broken_link", "deduction", due_in=-1 if n % 3 else 4)
    assert count() == small
    # about a dozen are the dashboard's own; the rest is the admin's chrome (session, menus)
    with django_assert_max_num_queries(26):
        c.get(f"/admin/monitoring/?sort=score&verdict=passed&overdue=on&region={e.city.pk}")


# -- scope and roles ---------------------------------------------------------------------------------


def test_a_supervisor_of_another_area_sees_nothing_of_this_one(client, e, data):
    c = client_for(client, e.county_office)  # 溪口县: the county portal only
    body = text(c.get("/admin/monitoring/"))
    assert e.county_portal.name in body and e.city_portal.name not in body and e.stats_site.name not in body
    assert c.get(f"/admin/monitoring/sites/{e.city_portal.pk}/").status_code == 404
    assert c.get(f"/admin/monitoring/findings/{data.broken.pk}/").status_code == 404
    assert c.post(f"/admin/monitoring/findings/{data.broken.pk}/close/", {"reason": "不是问题"}).status_code == 404
    assert c.get(f"/admin/monitoring/sites/{e.stats_site.pk}/violations/").status_code == 404
    assert c.get("/admin/monitoring/findings/").context["page"].paginator.count == 0
    assert "tjj.qinglan.gov.cn" not in text(c.get("/admin/monitoring/findings/?format=csv"))
    assert c.get("/admin/monitoring/violations/").context["page"].paginator.count == 0
    censuses = c.get("/admin/monitoring/censuses/").context["rows"]
    assert censuses == []  # no census touched the county
    assert c.get(f"/admin/monitoring/censuses/{data.latest.pk}/").status_code == 404
    assert data.broken.status == Finding.objects.get(pk=data.broken.pk).status == FindingStatus.OPEN


def test_the_city_supervisor_sees_the_city_not_the_province_nor_outside_hosts(client, e, data):
    c = client_for(client, e.city_office)
    names = {row["site"].name for row in c.get("/admin/monitoring/").context["rows"]}
    assert names == {e.city_portal.name, e.stats_site.name, e.county_portal.name}
    hosts = {row["finding"].host for row in c.get("/admin/monitoring/findings/").context["rows"]}
    assert hosts == {"www.qinglan.gov.cn", "tjj.qinglan.gov.cn"}
    census = c.get(f"/admin/monitoring/censuses/{data.latest.pk}/").context
    assert census["census"].sites == 2 and {r["result"].host for r in census["rows"]} == {
        "www.qinglan.gov.cn", "tjj.qinglan.gov.cn"}
    # the estate supervisor also sees hosts outside the registry (a census over a given list)
    hosts = {row["finding"].host for row in client_for(client, e.province_office)
             .get("/admin/monitoring/findings/").context["rows"]}
    assert "fake-gov.example.com" in hosts


def test_a_site_manager_reads_their_own_site_only(client, e, data):
    c = client_for(client, e.stats_manager)
    names = {row["site"].name for row in c.get("/admin/monitoring/").context["rows"]}
    assert names == {e.stats_site.name}
    page = c.get(f"/admin/monitoring/findings/{data.stale.pk}/")
    assert page.status_code == 200 and page.context["close_form"] is None and "关闭问题" not in text(page)
    refused = c.post(f"/admin/monitoring/findings/{data.stale.pk}/close/", {"reason": "已经更新首页"})
    assert refused.status_code == 403 and "只有主管单位的监管人员可以关闭监测问题" in text(refused)
    assert Finding.objects.get(pk=data.stale.pk).status == FindingStatus.OPEN
    violations = c.get(f"/admin/monitoring/sites/{e.stats_site.pk}/violations/")
    assert violations.status_code == 200 and violations.context["form"] is None
    assert c.post(f"/admin/monitoring/sites/{e.stats_site.pk}/violations/", {
        "kind": "fees", "occurred_on": "2026-07-01", "description": "违规收取查询费用。"}).status_code == 403
    assert Violation.objects.count() == 1
    assert c.get("/admin/monitoring/censuses/").context["start_form"] is None
    assert c.post("/admin/monitoring/censuses/start/", {"kind": "adhoc"}).status_code == 403
    assert c.get(f"/admin/monitoring/sites/{e.city_portal.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["stats_head", "outsider", "security_officer", "auditor", "superuser"])
def test_everyone_else_is_refused_in_chinese(client, e, data, who):
    account = user("m_root") if who == "superuser" else getattr(e, who)
    if who == "superuser":
        account.is_superuser = account.is_staff = True
        account.save()
    c = client_for(client, account)
    for url in ("/admin/monitoring/", "/admin/monitoring/findings/", f"/admin/monitoring/sites/{e.stats_site.pk}/",
                f"/admin/monitoring/findings/{data.stale.pk}/", "/admin/monitoring/censuses/",
                "/admin/monitoring/violations/"):
        response = c.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 403:
            assert "您没有访问此页面的权限" in text(response)


# -- a site -------------------------------------------------------------------------------------------


@pytest.mark.rule("SUP-03")
def test_site_page_shows_verdict_evidence_findings_history_and_violations(client, e, data):
    c = client_for(client, e.city_office)
    response = c.get(f"/admin/monitoring/sites/{e.stats_site.pk}/")
    assert response.status_code == 200
    body = text(response)
    assert "首页长期未更新" in body and "https://tjj.qinglan.gov.cn/：最近更新 2026-05-01" in body
    assert "政策文件发布滞后两个月" in body and len(response.context["history"]) == 6
    statuses = [row["finding"].status for row in response.context["rows"]]
    assert statuses == [FindingStatus.OPEN, FindingStatus.OPEN, FindingStatus.FIXED]  # open first
    assert response.context["rows"][0]["finding"] == data.stale  # the veto before the warning
    only_fixed = c.get(f"/admin/monitoring/sites/{e.stats_site.pk}/?status=fixed").context["rows"]
    assert [row["finding"] for row in only_fixed] == [data.fixed]
    wording = c.get(f"/admin/monitoring/sites/{e.stats_site.pk}/?family=wording").context["rows"]
    assert [row["finding"] for row in wording] == [data.fixed]
    city = text(c.get(f"/admin/monitoring/sites/{e.city_portal.pk}/"))
    assert "扣分项" in city and "https://www.qinglan.gov.cn/gone.html：HTTP 404" in city and "83.00" in city


# -- a finding: evidence, timeline, closing -------------------------------------------------------


def test_finding_page_shows_evidence_detail_timeline_assignee_and_due_date(client, e, data):
    response = client_for(client, e.city_office).get(f"/admin/monitoring/findings/{data.broken.pk}/")
    body = text(response)
    assert response.status_code == 200
    assert "HTTP 404" in body and "旧通知" in body and "https://www.qinglan.gov.cn/gone.html" in body
    assert e.city.name in body and "2026-07-25" in body  # assigned institution, due date
    assert "发现" in body and "链接可用性" in body and response.context["close_form"] is not None
    assert response.context["detail"] == [("链接文字", "旧通知"), ("HTTP状态码", "404")]  # labelled, key order


def test_a_supervisor_closes_a_finding_with_a_reason(client, e, data):
    c = client_for(client, e.city_office)
    response = c.post(f"/admin/monitoring/findings/{data.broken.pk}/close/", {"reason": "链接指向已归档页面，属正常调整"})
    assert response.status_code == 302 and response["Location"] == f"/admin/monitoring/findings/{data.broken.pk}/"
    closed = Finding.objects.get(pk=data.broken.pk)
    assert closed.status == FindingStatus.CLOSED and closed.closed_reason == "链接指向已归档页面，属正常调整"
    assert closed.events.last().kind == FindingEventKind.CLOSED and closed.events.last().actor == e.city_office
    assert AuditLogEntry.objects.filter(action="monitoring.finding.close").count() == 1
    page = text(c.get(f"/admin/monitoring/findings/{data.broken.pk}/"))
    assert "链接指向已归档页面" in page and "人工关闭" in page


@pytest.mark.parametrize("reason, message", [("", "请填写关闭理由。"), ("   ", "请填写关闭理由。"),
                                             ("好", "请填写关闭理由。"), ("长" * 501, "关闭理由不能超过500个字。")])
def test_closing_without_a_proper_reason_is_refused_in_chinese(client, e, data, reason, message):
    response = client_for(client, e.city_office).post(f"/admin/monitoring/findings/{data.broken.pk}/close/",
                                                      {"reason": reason})
    assert response.status_code == 400 and message in text(response)
    assert Finding.objects.get(pk=data.broken.pk).status == FindingStatus.OPEN
    assert not AuditLogEntry.objects.filter(action="monitoring.finding.close").exists()


def test_closing_a_closed_finding_again_says_so(client, e, data):
    c = client_for(client, e.city_office)
    c.post(f"/admin/monitoring/findings/{data.broken.pk}/close/", {"reason": "误报，页面正常"})
    again = c.post(f"/admin/monitoring/findings/{data.broken.pk}/close/", {"reason": "误报，页面正常"})
    assert again.status_code == 400 and "该问题已关闭。" in text(again)
    assert Finding.objects.get(pk=data.broken.pk).events.filter(kind=FindingEventKind.CLOSED).count() == 1


# -- the findings list and its export --------------------------------------------------------------


def test_findings_list_filters(client, e, data):
    c = client_for(client, e.province_office)

    def found(query):
        return {row["finding"] for row in c.get(f"/admin/monitoring/findings/?{query}").context["rows"]}

    assert found("check_type=home_not_updated") == {data.stale}
    assert found("family=security_headers") == {data.header}
    assert found("severity=serious") == {data.outside}
    assert found("status=fixed") == {data.fixed}
    assert found("overdue=on") == {data.stale}
    assert found(f"site={e.stats_site.pk}&status=open") == {data.stale, data.header}
    assert found("q=gone.html") == {data.broken}
    bad = c.get("/admin/monitoring/findings/?severity=nonsense")
    assert bad.status_code == 400 and "选择一个有效的选项" in text(bad)
    not_exported = c.get("/admin/monitoring/findings/?severity=nonsense&format=csv")  # not everything instead
    assert not_exported.status_code == 400 and "Content-Disposition" not in not_exported


def test_findings_export_csv_is_audited_and_safe_for_spreadsheets(client, e, data):
    response = client_for(client, e.city_office).get("/admin/monitoring/findings/?status=open&format=csv")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    assert rows[0][:4] == ["编号", "网站", "域名", "检查项"] and len(rows) == 1 + 3
    by_id = {int(row[0]): row for row in rows[1:]}
    assert by_id[data.stale.pk][3] == "首页长期未更新" and by_id[data.stale.pk][-1] == "是"
    assert by_id[data.header.pk][8].startswith("'=")  # no formula injection
    entry = AuditLogEntry.objects.get(action="monitoring.findings.export")
    assert entry.data["rows"] == 3 and entry.data["filters"] == {"status": "open"}


# -- violations -------------------------------------------------------------------------------------


@pytest.mark.rule("SUP-07")
def test_a_supervisor_records_a_violation_for_a_site(client, e, data):
    c = client_for(client, e.city_office)
    form = c.get(f"/admin/monitoring/sites/{e.stats_site.pk}/violations/")
    assert form.status_code == 200 and form.context["form"] is not None and "登记违规情况" in text(form)
    response = c.post(f"/admin/monitoring/sites/{e.stats_site.pk}/violations/", {
        "kind": ViolationKind.FEES, "occurred_on": "2026-07-10", "description": "在线办事页面违规收取查询费用。",
        "finding": str(data.header.pk)})
    assert response.status_code == 302
    recorded = Violation.objects.get(kind=ViolationKind.FEES)
    assert recorded.site == e.stats_site and recorded.recorded_by == e.city_office and recorded.finding == data.header
    assert AuditLogEntry.objects.filter(action="monitoring.violation.record").count() == 1
    listing = c.get("/admin/monitoring/violations/?kind=fees")
    assert [v.pk for v in listing.context["violations"]] == [recorded.pk]
    assert "在线办事页面违规收取查询费用" in text(listing)


@pytest.mark.parametrize("post, messages", [
    ({"kind": "", "occurred_on": "2026-07-10", "description": "违规收费情况说明"}, ["请选择违规类型。"]),
    ({"kind": "fees", "occurred_on": "2026-13-01", "description": "违规收费情况说明"}, ["请输入有效的日期"]),
    ({"kind": "fees", "occurred_on": "2026-08-01", "description": "收费"}, ["发生日期不能晚于今天。",
                                                                           "请填写情况说明（至少5个字）。"]),
    ({"kind": "fees", "occurred_on": "2026-07-10", "description": "违规收费情况说明", "finding": "999999"},
     ["本网站没有这个编号的监测问题。"]),
])
def test_a_wrong_violation_is_refused_in_chinese_and_nothing_is_written(client, e, data, post, messages):
    response = client_for(client, e.city_office).post(f"/admin/monitoring/sites/{e.stats_site.pk}/violations/", post)
    assert response.status_code == 400
    for message in messages:
        assert message in text(response)
    assert Violation.objects.count() == 1


def test_a_finding_of_another_site_cannot_be_attached_to_a_violation(client, e, data):
    response = client_for(client, e.city_office).post(f"/admin/monitoring/sites/{e.stats_site.pk}/violations/", {
        "kind": "fees", "occurred_on": "2026-07-10", "description": "违规收费情况说明", "finding": str(data.broken.pk)})
    assert response.status_code == 400 and "本网站没有这个编号的监测问题。" in text(response)


# -- censuses ---------------------------------------------------------------------------------------


def test_censuses_list_shows_figures_for_the_scope(client, e, data):
    running = Census.objects.create(kind=CensusKind.ADHOC, started_at=NOW - dt.timedelta(minutes=5),
                                    started_by=e.province_office)
    response = client_for(client, e.province_office).get("/admin/monitoring/censuses/")
    assert response.status_code == 200
    rows = {row["census"].pk: row for row in response.context["rows"]}
    latest = rows[data.latest.pk]
    assert (latest["census"].sites, latest["census"].passed, latest["census"].failed) == (3, 2, 1)
    assert latest["rate"] == "66.7%" and running.pk in rows
    assert response.context["running"] == running and "有一次检查正在进行" in text(response)
    detail = client_for(client, e.province_office).get(f"/admin/monitoring/censuses/{data.latest.pk}/")
    assert detail.status_code == 200 and "12.5" in text(detail) and "耗时（秒）" in text(detail)
    assert detail.context["rows"][0]["result"].site == e.stats_site  # failed first


@pytest.mark.rule("SUP-01")
def test_starting_a_census_enqueues_a_task_for_the_users_area(client, e, data, settings,
                                                               django_capture_on_commit_callbacks):
    settings.TASKS = DUMMY_TASKS
    c = client_for(client, e.city_office)
    page = c.get("/admin/monitoring/censuses/")
    assert page.context["planned"] == 3  # city portal, statistics site, county portal
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post("/admin/monitoring/censuses/start/", {"kind": "monthly", "note": "7月月度普查"})
    assert response.status_code == 302
    [queued] = default_task_backend.results
    assert queued.task.func is tasks.census_of_scope.func
    assert queued.kwargs["user_id"] == e.city_office.pk and queued.kwargs["kind"] == "monthly"
    assert queued.kwargs["note"] == "7月月度普查" and queued.kwargs["scheme"] == "https"
    started = Census.objects.get(pk=queued.kwargs["census_id"])  # started in the request, checked by the task
    assert started.status == CensusStatus.RUNNING and started.started_by == e.city_office
    assert started.stats == {"planned": 3} and not started.results.exists()
    assert AuditLogEntry.objects.filter(action="monitoring.census.start", object_id=str(started.pk)).exists()
    with django_capture_on_commit_callbacks(execute=True):
        again = c.post("/admin/monitoring/censuses/start/", {"kind": "monthly"})  # a second click
    assert again.status_code == 400 and "已有一次检查正在进行" in text(again)
    assert len(default_task_backend.results) == 1 and Census.objects.count() == len(data.censuses) + 1


def test_a_census_is_not_started_twice_nor_with_bad_input(client, e, data, settings):
    settings.TASKS = DUMMY_TASKS
    c = client_for(client, e.city_office)
    bad = c.post("/admin/monitoring/censuses/start/", {"kind": "recheck", "note": "x" * 201})
    assert bad.status_code == 400 and "请选择检查类型。" in text(bad) and "说明不能超过200个字。" in text(bad)
    Census.objects.create(kind=CensusKind.ADHOC, started_at=NOW - dt.timedelta(minutes=1))
    busy = c.post("/admin/monitoring/censuses/start/", {"kind": "adhoc"})
    assert busy.status_code == 400 and "已有一次检查正在进行" in text(busy)
    assert default_task_backend.results == []


def test_nothing_to_check_is_said_plainly(client, e, settings):
    settings.TASKS = DUMMY_TASKS
    for s in (e.county_portal,):
        s.status = SiteStatus.TEMPORARILY_OFFLINE
        s.save()
    response = client_for(client, e.county_office).post("/admin/monitoring/censuses/start/", {"kind": "adhoc"})
    assert response.status_code == 400 and "没有运行中且登记了域名的网站" in text(response)
    assert default_task_backend.results == []


@pytest.mark.rule("SUP-01")
def test_the_census_task_checks_the_supervisors_area_in_their_name(e):
    pages = {}

    async def handle(request):
        html = pages.get(request.host.split(":")[0])
        if html is None:
            return web.Response(status=404, text="not found")
        return web.Response(text=html, content_type="text/html")

    county = e.county_portal
    pages[county.domain] = ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>溪口县</title></head>'
                            "<body><main><p>政务公开</p></main><footer>主办单位：溪口县人民政府办公室</footer></body></html>")
    with serve([("/{tail:.*}", handle)]) as base:
        port = int(base.rsplit(":", 1)[1])
        resolve = [f"{s.domain}:80:127.0.0.1:{port}" for s in (county, e.city_portal, e.stats_site)]
        started = Census.objects.create(kind=CensusKind.ADHOC, note="县级检查", started_by=e.county_office)
        census_id = tasks.census_of_scope.call(e.county_office.pk, kind="adhoc", note="县级检查", scheme="http",
                                               resolve=resolve, families=["identity"], census_id=started.pk)
    assert census_id == started.pk
    census = Census.objects.get(pk=census_id)
    assert census.status == CensusStatus.DONE and census.started_by == e.county_office and census.note == "县级检查"
    assert list(census.results.values_list("host", flat=True)) == [county.domain]  # the county only
    assert Finding.objects.filter(site=county, check_type="footer_missing").exists()
    assert census.stats["planned"] == 1


def test_the_census_task_refuses_someone_no_longer_supervising(e):
    from govsites.actions import NotAllowed

    with pytest.raises(NotAllowed):
        tasks.census_of_scope.call(e.stats_manager.pk)
    assert not Census.objects.exists()
    started = Census.objects.create(kind=CensusKind.ADHOC, started_by=e.stats_manager)
    with pytest.raises(NotAllowed):
        tasks.census_of_scope.call(e.stats_manager.pk, census_id=started.pk)
    started.refresh_from_db()  # not left "running"
    assert started.status == CensusStatus.FAILED and started.stats["failed"] == "发起人已无监管权限"
