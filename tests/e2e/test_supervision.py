"""A supervisor's day in 网站监管, in a real browser (issue #7, SUP-01/02/03/07): the dashboard with
verdicts and trends, a failed site's veto evidence, a finding closed with a reason, the findings
of one family, then the reports — a monthly report generated and read with its charts, downloaded
as HTML and as XLSX with native charts.

The estate's six months of censuses are played by the demo's helper (``govsites.demo.monitoring``)
through the monitor's actions; nothing is crawled.
"""

import datetime as dt
import io

import openpyxl
import pytest
from playwright.sync_api import expect

from govsites import clock
from govsites.demo import monitoring
from govsites.monitoring.models import Finding, FindingStatus, SiteResult
from govsites.registry.models import Site, SiteStatus
from govsites.reports import periods
from govsites.reports.models import Report, ReportKind
from tests.factories import build_estate, department, site

pytestmark = pytest.mark.e2e

PROVINCE_DEPARTMENTS = (("澜川省公安厅", "gat"), ("澜川省交通运输厅", "jtt"), ("澜川省卫生健康委员会", "wsjkw"),
                        ("澜川省自然资源厅", "zrzyt"), ("澜川省生态环境厅", "sthjt"), ("澜川省住房和城乡建设厅", "zjt"),
                        ("澜川省农业农村厅", "nynct"), ("澜川省文化和旅游厅", "whhlyt"))
CITY_DEPARTMENTS = (("青岚市教育局", "jyj"), ("青岚市卫生健康委员会", "wjw"), ("青岚市市场监督管理局", "scjgj"),
                    ("青岚市人力资源和社会保障局", "rsj"))
REASON = "该页面为历史归档页面，经认定不再整改"
#: the history ends here (a fixed day: the same data, deadlines in a year of the official calendar)
NOW = clock.at(2026, 12, 5, 10, 0)


@pytest.fixture
def supervised(migration_rows):
    """The test estate with twenty running sites (registered the year before) and six months of
    supervision behind it."""
    with clock.frozen(NOW - dt.timedelta(days=400)):
        e = build_estate()
        site(e.education, "jyt.lanchuan.gov.cn")
        site(e.water, "slj.qinglan.gov.cn")
        for name, prefix in PROVINCE_DEPARTMENTS:
            site(department(name, e.province), f"{prefix}.lanchuan.gov.cn")
        for name, prefix in CITY_DEPARTMENTS:
            site(department(name, e.city), f"{prefix}.qinglan.gov.cn")
        site(department("溪口县农业农村局", e.county), "nyncj.xikou.gov.cn")
    monitoring.supervise(e.province, e.province_office, now=NOW)
    e.sites = Site.objects.filter(status=SiteStatus.ONLINE).count()
    return e


def whole_page(page, screenshot, name):
    """The admin scrolls inside ``<main>``: the window is made as tall as its content for a
    full-page screenshot, then restored."""
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('main').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    screenshot(name)
    page.set_viewport_size(size)


def latest_failed_with_veto():
    """The site whose latest result failed on a veto (a stubborn one: never fixed)."""
    for result in SiteResult.objects.filter(passed=False).exclude(vetoes=[]).order_by("-checked_at"):
        newest = SiteResult.objects.filter(site=result.site).order_by("-checked_at").first()
        if newest == result and any(v["check"] == "home_not_updated" for v in result.vetoes):
            return result
    raise AssertionError("no site failed its latest census on a veto")


def test_supervisor_follows_the_estate_from_the_dashboard_to_the_reports(page, log_in, supervised, screenshot,
                                                                         tmp_path):
    e = supervised
    log_in("province_office")

    # 网站监管 → 总览: every running site with its verdict, score and trend.
    page.get_by_role("button", name="网站监管").click()
    page.get_by_role("link", name="总览").click()
    expect(page.locator("h1")).to_contain_text("网站监管总览")
    rows = page.locator("main table.listing tbody tr")
    expect(rows).to_have_count(e.sites)
    expect(rows.locator("svg.gs-spark")).to_have_count(e.sites)
    assert "近6次检查" in rows.first.locator("svg.gs-spark").get_attribute("aria-label")
    expect(rows.locator(".gs-status--online", has_text="合格").first).to_be_visible()
    expect(rows.locator(".gs-status--refused", has_text="不合格").first).to_be_visible()
    expect(page.locator(".gs-summary")).to_contain_text("合格率")
    whole_page(page, screenshot, "supervision-dashboard")

    # A failed site: the veto with its evidence.
    failed = latest_failed_with_veto()
    rows.filter(has_text=failed.site.domain).get_by_role("link", name=failed.site.name).click()
    expect(page.locator("h1")).to_contain_text(failed.site.name)
    latest = page.locator("#latest-section")
    expect(latest).to_contain_text("单项否决项")
    expect(latest.locator(".gs-problem--blocking").first).to_contain_text("首页最近更新")
    expect(page.locator("#history-section tbody tr")).to_have_count(SiteResult.objects.filter(site=failed.site).count())
    screenshot("supervision-site")

    # One of its findings, escalated when left unfixed: the evidence and timeline, then closed with a reason.
    finding = (Finding.objects.filter(site=failed.site, status=FindingStatus.OPEN, escalated_at__isnull=False,
                                      check_type="column_not_updated").order_by("pk").first())
    assert finding is not None
    page.locator("#findings-section").get_by_role("link", name=f"#{finding.pk}", exact=True).click()
    expect(page.locator("h1")).to_contain_text("栏目未按时更新")
    expect(page.locator("#evidence-section")).to_contain_text("最近更新")
    expect(page.locator("#timeline-section")).to_contain_text("逾期督办")
    whole_page(page, screenshot, "supervision-finding")
    page.get_by_label("关闭理由").fill(REASON)
    page.get_by_role("button", name="关闭问题").click()
    expect(page.locator("main")).to_contain_text(REASON)
    expect(page.locator("main .gs-status", has_text="已关闭").first).to_be_visible()
    expect(page.locator("#timeline-section")).to_contain_text("人工关闭")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED and finding.closed_reason == REASON

    # 监测问题 of one family.
    page.get_by_role("button", name="网站监管").click()
    page.get_by_role("link", name="监测问题").click()
    page.get_by_label("检查类别").select_option(label="链接可用性")
    page.get_by_role("button", name="筛选").click()
    assert "family=broken_links" in page.url
    listed = page.locator("main table.listing tbody tr")
    expect(listed.first).to_contain_text("链接不可用")
    labels = set(listed.locator("td:nth-child(3)").all_inner_texts())
    assert labels <= {"首页链接不可用", "链接不可用"} and labels

    # 监管报表: generate last month's report, read it with its charts, download HTML and XLSX.
    page.get_by_role("button", name="网站监管").click()
    page.get_by_role("link", name="监管报表").click()
    last_month = periods.shifted(periods.containing(ReportKind.MONTHLY, clock.local(NOW).date()), -1)
    form = page.locator("form", has=page.get_by_role("button", name="生成"))
    form.get_by_label("报表类型").select_option(ReportKind.MONTHLY)
    form.get_by_label("报告期").fill(last_month.key)
    form.get_by_role("button", name="生成").click()
    expect(page.locator(".messages")).to_contain_text("已生成")
    report = Report.objects.get(kind=ReportKind.MONTHLY, period=last_month.key, scope=e.province)
    assert report.revision == 2  # the demo history generated it once already
    expect(page.get_by_role("article").locator("h1")).to_have_text(report.title)
    charts = page.locator("main svg[role=img]")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 3
    assert page.locator("main svg[role=img] rect, main svg[role=img] polyline").count() > 10

    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="下载XLSX").click()
    assert xlsx_download.value.suggested_filename == f"monthly-{last_month.key}.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes()))
    charts = [chart for sheet in workbook.worksheets for chart in sheet._charts]
    assert len(charts) >= 3 and {type(chart).__name__ for chart in charts} >= {"BarChart"}

    # The downloaded HTML opens on its own (offline, charts inline): the report as people read it.
    with page.expect_download() as html_download:
        page.get_by_role("link", name="下载HTML").click()
    standalone = tmp_path / html_download.value.suggested_filename
    html_download.value.save_as(standalone)
    page.goto(standalone.as_uri())
    expect(page.locator("h1")).to_have_text(report.title)
    assert page.locator("svg[role=img]").count() >= 3
    screenshot("report-monthly", full_page=True)
