"""The report as HTML (with inline SVG charts that have a title, a description and the data table
beside them) and as XLSX (one sheet per table, native charts over the same cells)."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from openpyxl.chart import BarChart, LineChart

from govsites import clock as govclock
from govsites.reports import builders, charts, html, periods, xlsx
from govsites.reports import document as d
from govsites.reports.models import ReportKind

from .estate import report_estate

pytestmark = pytest.mark.django_db
INLINE_SCRIPT_OR_STYLE = re.compile(r"<script|\sstyle=|javascript:", re.I)


@pytest.fixture
def e(clock):
    clock.set(govclock.at(2026, 12, 3, 9, 0))
    return report_estate()


def build(e, kind: str, period: str) -> dict:
    return builders.build(periods.parse(kind, period), e.province)


def chart_title(chart) -> str:
    return "".join(run.t for p in chart.title.tx.rich.p for run in (p.r or ()))


@pytest.mark.rule("SUP-01")
def test_monthly_html_shows_the_numbers_charts_and_tables(e):
    page = html.standalone(build(e, ReportKind.MONTHLY, "2026-11"))
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page
    assert "<style>" in page and ".report-figure-item" in page  # standalone: the stylesheet is inside
    assert "澜川省2026年11月政府网站普查情况报告" in page
    assert "<dt>合格率</dt><dd>66.7%</dd>" in page and "<dt>不合格</dt><dd>2</dd>" in page
    assert '<th scope="row">青岚市</th><td class="num">3</td><td class="num">1</td><td class="num">2</td>' in page
    assert "<td>首页不更新</td>" in page
    svgs = re.findall(r"<svg\b.*?</svg>", page, re.S)
    assert len(svgs) >= 4
    for svg in svgs:
        assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
        ids = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
        assert all(f'id="{i}"' in svg for i in ids)
    regions = next(s for s in svgs if "各地区本月合格率" in s)
    assert "青岚市最低" not in regions and "合格率最高为省本级（100.0%），最低为青岚市（33.3%）" in regions
    assert ">33.3%</text>" in regions
    assert not INLINE_SCRIPT_OR_STYLE.search(page.split("</style>", 1)[1])
    # every chart is followed by its data table
    for key in ("regions", "scores", "problems"):
        block = page.split(f'id="report-{key}"', 1)[1].split("</section>", 1)[0]
        assert "<svg" in block and "<table" in block


def test_html_escapes_registry_text(e):
    e.city_portal.name = '<img src=x onerror=alert(1)>网站'
    e.city_portal.save()
    page = html.standalone(build(e, ReportKind.MONTHLY, "2026-11"))
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;网站" in page


@pytest.mark.rule("SUP-01")
def test_xlsx_has_a_sheet_per_table_with_the_same_numbers_and_native_charts(e):
    doc = build(e, ReportKind.MONTHLY, "2026-11")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.workbook(doc)))
    assert book.sheetnames[0] == "概况"
    assert book.sheetnames[1:] == [s["table"]["sheet"] for s in doc["sections"]]
    cover = {row[0]: row[1] for row in book["概况"].iter_rows(values_only=True) if row[0]}
    assert cover["报告期"] == "2026年11月" and cover["合格"] == 4 and cover["合格率"] == pytest.approx(0.6667)
    regions = book["各地区合格率"]
    assert [c.value for c in regions[1]] == ["地区", "检查网站数", "合格", "不合格", "未评定", "合格率"]
    assert [c.value for c in regions[3]] == ["青岚市", 3, 1, 2, 0, pytest.approx(0.3333)]
    assert regions["F3"].number_format == "0.0%"
    (chart,) = regions._charts
    assert isinstance(chart, BarChart) and chart.type == "bar"
    assert chart_title(chart) == "各地区本月合格率"
    assert chart.series[0].val.numRef.f == "'各地区合格率'!$F$2:$F$4"
    categories = chart.series[0].cat
    assert (categories.strRef or categories.numRef).f == "'各地区合格率'!$A$2:$A$4"
    failed = list(book["不合格网站"].iter_rows(min_row=2, values_only=True))
    assert {row[0] for row in failed} == {e.city_portal.name, e.county_portal.name}
    problems = book["主要问题"]
    assert [c.value for c in problems[2]] == ["链接不可用", "链接可用性", 3, 3] and problems._charts


@pytest.mark.rule("SUP-02")
def test_quarterly_xlsx_and_html_have_the_month_trend_lines(e):
    doc = build(e, ReportKind.QUARTERLY, "2026-Q4")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.workbook(doc)))
    trend = book["逐月趋势"]
    assert [c.value for c in trend[2]][:5] == ["2026年10月", 6, 5, 1, pytest.approx(5 / 6, abs=1e-4)]
    (line,) = trend._charts
    assert isinstance(line, LineChart) and chart_title(line) == "逐月合格率"
    regional = book["各地区逐月合格率"]
    assert len(regional._charts[0].series) == 3
    page = html.body(doc)
    assert "<polyline" in page and "各地区逐月合格率" in page and "不合格网站名单" in page


def test_xlsx_stores_text_as_text_never_as_a_formula(e):
    e.city_portal.name = "=HYPERLINK(\"http://evil\",\"x\")"
    e.city_portal.save()
    book = openpyxl.load_workbook(io.BytesIO(xlsx.workbook(build(e, ReportKind.MONTHLY, "2026-11"))))
    cells = [c for row in book["不合格网站"].iter_rows(min_row=2) for c in row if c.value == e.city_portal.name]
    assert cells and all(c.data_type == "s" for c in cells)


@pytest.mark.rule("SUP-01")
def test_annual_html_and_xlsx_mark_platform_and_supervisor_fields(e):
    doc = build(e, ReportKind.ANNUAL, "2026")
    page = html.body(doc)
    assert "澜川省2026年政府网站监管年度报表" in page
    assert "不合格网站数量（分季度和全年）" in page and "<td>监管单位填报</td>" in page and "<td>平台统计</td>" in page
    book = openpyxl.load_workbook(io.BytesIO(xlsx.workbook(doc)))
    quarters = list(book["分季度检查"].iter_rows(values_only=True))
    assert quarters[4][:4] == ("第4季度", 6, 4, 2) and quarters[5][0] == "全年"
    chart = book["分季度检查"]._charts[0]
    assert chart.series[0].val.numRef.f == "'分季度检查'!$D$2:$D$5"  # the four quarters, not the year


def test_charts_escape_text_and_handle_gaps():
    sec = d.section("x", "t", d.table("t", [d.column("名称"), d.column("数", "int"), d.column("率", "percent")], [
        ["<b>甲</b>", 3, 0.5], ["乙" * 40, None, None], ["丙", 12, 1.0]]), chrt=d.chart("bar", "比较 <图>", [1]))
    svg = str(charts.render(sec, "c1"))
    assert "<b>" not in svg and "&lt;b&gt;甲&lt;/b&gt;" in svg and "比较 &lt;图&gt;" in svg
    assert "…" in svg  # the long name is shortened; the table keeps it whole
    assert ">12</text>" in svg and ">20</text>" in svg  # axis up to 20 in whole steps
    sec["chart"] = d.chart("line", "折线", [1, 2])
    line = str(charts.render(sec, "c2"))
    assert line.count("<circle") == 4 and "<polyline" not in line  # a gap breaks each line
    assert charts.render(d.section("y", "t", d.table("t", [d.column("a")], []), chrt=d.chart("bar", "t", [0])),
                         "c3") == ""
