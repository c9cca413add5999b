"""The numbers of the reports, from stored censuses, findings and violations (estate.py explains
the scenario and the expected figures)."""

from __future__ import annotations

import pytest

from govsites import clock as govclock
from govsites.reports import builders, periods
from govsites.reports.models import ReportKind

from .estate import report_estate

pytestmark = pytest.mark.django_db


@pytest.fixture
def e(clock):
    clock.set(govclock.at(2026, 12, 3, 9, 0))
    return report_estate()


def section(doc: dict, key: str) -> dict:
    return next(s for s in doc["sections"] if s["key"] == key)


def rows(doc: dict, key: str) -> list[list]:
    return section(doc, key)["table"]["rows"]


def summary(doc: dict) -> dict:
    return {f["label"]: f["value"] for f in doc["summary"]}


@pytest.mark.rule("SUP-01")
def test_monthly_report_counts_each_sites_worst_result_of_the_month(e):
    doc = builders.build(periods.parse(ReportKind.MONTHLY, "2026-11"), e.province)
    figures = summary(doc)
    assert (figures["检查网站"], figures["合格"], figures["不合格"], figures["未评定"]) == (6, 4, 2, 0)
    assert figures["合格率"] == pytest.approx(4 / 6, abs=1e-4)
    assert figures["运行中网站"] == 6
    assert doc["title"] == "澜川省2026年11月政府网站普查情况报告"
    assert doc["complete"] is True and doc["as_of"] == "2026-11-30"
    regions = {r[0]: r[1:] for r in rows(doc, "regions")}
    assert list(regions) == ["省本级", "青岚市", "白河市"]
    assert regions["省本级"] == [2, 2, 0, 0, 1.0]
    assert regions["青岚市"][:4] == [3, 1, 2, 0] and regions["青岚市"][4] == pytest.approx(1 / 3, abs=1e-4)
    assert regions["白河市"] == [1, 1, 0, 0, 1.0]
    failed = {r[0]: r for r in rows(doc, "failed")}
    assert set(failed) == {e.city_portal.name, e.county_portal.name}
    assert failed[e.city_portal.name][3] == "首页不更新"
    assert failed[e.county_portal.name][3] == "得分低于合格线" and failed[e.county_portal.name][4] == 55.0


def test_monthly_findings_problems_and_violations(e):
    doc = builders.build(periods.parse(ReportKind.MONTHLY, "2026-11"), e.province)
    findings = dict(rows(doc, "findings"))
    assert findings["本期新发现"] == 3 and findings["本期已整改（复查确认）"] == 1 and findings["本期人工关闭"] == 1
    assert findings["待整改（截至2026-11-30）"] == 2 and findings["其中逾期未整改（截至2026-11-30）"] == 1
    problems = rows(doc, "problems")
    assert problems[0] == ["链接不可用", "链接可用性", 3, 3]
    assert ["首页长期未更新", "首页不更新", 1, 1] in problems
    assert all(p[0] != "错别字" for p in problems)  # fixed before November
    assert rows(doc, "violations") == [["问题逾期未整改", 1]]
    assert rows(doc, "violation_list") == [["2026-11-21", e.city_portal.name, "青岚市", "问题逾期未整改"]]
    bands = dict(rows(doc, "scores"))
    assert bands["90–100分"] == 2 and bands["80–89分"] == 1 and bands["70–79分"] == 1
    assert bands["60分以下"] == 1 and bands["单项否决"] == 1


def test_a_site_only_unreachable_in_the_period_is_not_rated(e, clock):
    clock.set(govclock.at(2026, 11, 15, 9, 0))  # before the spot check that reached 白河
    doc = builders.build(periods.parse(ReportKind.MONTHLY, "2026-11"), e.province)
    assert summary(doc)["未评定"] == 1 and summary(doc)["检查网站"] == 6
    assert rows(doc, "unrated") == [[e.baihe_portal.name, "www.baihe.gov.cn", "白河市", "首页无法打开：timeout",
                                     "2026-11-10"]]
    assert doc["complete"] is False and doc["notes"][0] == "报告期尚未结束，数据截至2026-11-15。"


def test_a_city_report_covers_only_its_area(e):
    doc = builders.build(periods.parse(ReportKind.MONTHLY, "2026-11"), e.city)
    assert summary(doc)["检查网站"] == 3
    assert [r[0] for r in rows(doc, "regions")] == ["市本级", "溪口县"]
    assert doc["title"].startswith("青岚市2026年11月")


@pytest.mark.rule("SUP-02")
def test_quarterly_bulletin_has_the_month_trend_and_the_public_list_of_unqualified_sites(e):
    doc = builders.build(periods.parse(ReportKind.QUARTERLY, "2026-Q4"), e.province)
    assert doc["title"] == "澜川省2026年第4季度政府网站检查情况通报"
    trend = rows(doc, "trend")
    assert [r[0] for r in trend] == ["2026年10月", "2026年11月", "2026年12月"]
    assert trend[0][1:5] == [6, 5, 1, pytest.approx(5 / 6, abs=1e-4)]
    assert trend[1][1:4] == [6, 4, 2]
    assert trend[2][1] == 0 and trend[2][4] is None  # December: nothing checked yet
    unqualified = {r[0] for r in rows(doc, "failed")}
    assert unqualified == {e.city_portal.name, e.county_portal.name}
    assert section(doc, "failed")["title"] == "不合格网站名单"
    by_month = section(doc, "region_trend")["table"]
    assert [c["title"] for c in by_month["columns"]] == ["月份", "省本级", "青岚市", "白河市"]
    assert by_month["rows"][0][2] == pytest.approx(2 / 3, abs=1e-4)


@pytest.mark.rule("SUP-01")
def test_annual_report_fields_from_the_platform_and_from_the_supervisor(e):
    doc = builders.build(periods.parse(ReportKind.ANNUAL, "2026"), e.province)
    assert doc["title"] == "澜川省2026年政府网站监管年度报表"
    quarters = rows(doc, "quarters")
    assert [q[0] for q in quarters] == ["第1季度", "第2季度", "第3季度", "第4季度", "全年"]
    assert quarters[3][1:4] == [6, 4, 2] and quarters[4][3] == 2
    assert quarters[0][1] == 0
    filled = {r[0]: r[1:] for r in rows(doc, "filled")}
    assert filled["问责人次"] == ["未填报", "监管单位填报"]
    estate = {r[0]: r[1] for r in rows(doc, "estate")}
    assert estate["运行中网站（截至2026-12-03）"] == 6
    assert estate["本年开设（上线）网站"] == 1
    assert estate["本年关停网站"] == 1 and estate["其中：整合迁移至其他网站"] == 1
    assert dict(rows(doc, "statuses")) == {"运行中": 6, "已关停": 1}


def test_hosts_outside_the_registry_count_for_the_estate_only(e):
    from govsites.monitoring.models import Census, CensusKind, CensusStatus, SiteResult

    run = Census.objects.create(kind=CensusKind.ADHOC, status=CensusStatus.DONE, started_at=govclock.at(2026, 11, 5))
    SiteResult.objects.create(census=run, site=None, host="www.unlisted.example.cn", home_url="https://x/",
                              passed=False, vetoes=[{"check": "dark_link", "label": "安全问题（暗链）"}],
                              checked_at=govclock.at(2026, 11, 5))
    estate = builders.build(periods.parse(ReportKind.MONTHLY, "2026-11"), e.province)
    assert summary(estate)["检查网站"] == 7 and rows(estate, "regions")[-1][:4] == ["未登记网站", 1, 0, 1]
    assert ["www.unlisted.example.cn", "www.unlisted.example.cn", "未登记网站", "安全问题（暗链）", None, "2026-11-05"] \
        in rows(estate, "failed")
    city = builders.build(periods.parse(ReportKind.MONTHLY, "2026-11"), e.city)
    assert summary(city)["检查网站"] == 3


@pytest.mark.rule("SUP-01")
def test_annual_counts_error_reports_and_counterfeit_cases_of_the_area(e, clock):
    import datetime as dt

    from govsites.interaction.models import ChannelKind, Message
    from govsites.security.models import CounterfeitCase, CounterfeitOutcome, CounterfeitState, FoundVia
    from tests.interaction.estate import channel, submit

    reports = channel(e.city_portal, ChannelKind.ERROR_REPORT)
    clock.set(govclock.at(2026, 6, 1, 10, 0))
    for n in range(2):
        submit(reports, title=f"页面错误{n}", body="栏目链接打不开。", page_url="https://www.qinglan.gov.cn/a.html")
    submit(channel(e.city_portal, ChannelKind.CONSULTATION))  # not an error report
    clock.set(govclock.at(2026, 12, 3, 9, 0))
    assert Message.objects.count() == 3
    for domain, found_on, state, closed_on in (("qinglan-gov.cn", dt.date(2026, 3, 1), CounterfeitState.CLOSED,
                                                dt.date(2026, 4, 1)),
                                               ("qing1an.gov.cn.example", dt.date(2026, 8, 1), CounterfeitState.OPEN,
                                                None),
                                               ("old-fake.cn", dt.date(2025, 5, 1), CounterfeitState.OPEN, None)):
        CounterfeitCase.objects.create(domain=domain, imitated_site=e.city_portal, found_via=FoundVia.MONITORING,
                                       found_on=found_on, state=state, closed_on=closed_on,
                                       outcome=CounterfeitOutcome.TAKEN_DOWN if closed_on else "")
    doc = builders.build(periods.parse(ReportKind.ANNUAL, "2026"), e.province)
    errors = {r[0]: r[1] for r in rows(doc, "error_reports")}
    assert errors["收到网民纠错留言（有效）"] == 2 and errors["已答复"] == 0
    assert errors["超期未答复"] + errors["办理中未到期"] == 2
    fakes = {r[0]: r[1] for r in rows(doc, "counterfeit")}
    assert fakes["本年发现假冒政府网站"] == 2 and fakes["其中：平台监测发现"] == 2
    assert fakes["本年结案"] == 1 and fakes["其中：已关停"] == 1 and fakes["未结案（截至2026-12-03）"] == 2
    city = builders.build(periods.parse(ReportKind.ANNUAL, "2026"), e.county)
    assert {r[0]: r[1] for r in rows(city, "counterfeit")}["本年发现假冒政府网站"] == 0
