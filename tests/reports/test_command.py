"""``govsites report``: generate from the command line, write standalone HTML and XLSX, publish;
bad input is a clear Chinese error and writes nothing."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from govsites import clock as govclock
from govsites.content.sites import ensure_site_tree
from govsites.reports.models import Report, ReportKind

from .estate import report_estate

pytestmark = pytest.mark.django_db


@pytest.fixture
def e(clock):
    clock.set(govclock.at(2026, 12, 3, 9, 0))
    return report_estate()


def run(*args) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


@pytest.mark.rule("SUP-01")
def test_the_command_writes_a_standalone_html_file_and_a_workbook(e, tmp_path):
    page, book = tmp_path / "nov.html", tmp_path / "nov.xlsx"
    out = run("monthly", "--period", "2026-11", "--html", str(page), "--xlsx", str(book))
    assert "已生成：澜川省2026年11月政府网站普查情况报告" in out and str(page) in out
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<style>" in text and "<svg" in text
    assert "<link" not in text and "<script" not in text  # opens offline, on its own
    sheet = openpyxl.load_workbook(book)["各地区合格率"]
    assert sheet["A3"].value == "青岚市" and sheet._charts
    report = Report.objects.get()
    assert (report.kind, report.period, report.scope, report.generated_by) == (ReportKind.MONTHLY, "2026-11",
                                                                               e.province, None)


def test_the_default_period_is_the_last_finished_one_and_a_scope_may_be_named(e):
    run("quarterly", "--scope", "青岚市人民政府")
    report = Report.objects.get()
    assert report.period == "2026-Q3" and report.scope == e.city


@pytest.mark.rule("SUP-01")
def test_publish_from_the_command_line(e, front):
    ensure_site_tree(e.province_portal)
    out = run("annual", "--period", "2026", "--publish", "--as", "province_office")
    report = Report.objects.get()
    assert report.is_published and report.published_by == e.province_office
    assert f"已提交发布到{e.province_portal.name}" in out

    with pytest.raises(CommandError, match="请填写撤回原因。"):
        run("annual", "--period", "2026", "--withdraw", " ", "--as", "province_office")
    with pytest.raises(CommandError, match="不能与 --publish"):
        run("annual", "--period", "2026", "--withdraw", "数据有误", "--publish")
    with pytest.raises(CommandError, match="未找到澜川省人民政府该报告期（2025）的报表。"):
        run("annual", "--period", "2025", "--withdraw", "数据有误")
    assert Report.objects.get().is_published
    out = run("annual", "--period", "2026", "--withdraw", "数据有误", "--as", "province_office")
    report = Report.objects.get()
    assert not report.is_published and report.withdrawal_reason == "数据有误" and f"已撤回：{report.title}" in out


@pytest.mark.parametrize(("args", "message"), [
    (["monthly", "--period", "2026-13"], "报告期格式应为 2026-11，月份为1至12。"),
    (["monthly", "--period", "2027-02"], "2027年2月尚未开始，不能生成报表。"),
    (["monthly", "--scope", "不存在的机构"], "未找到监管单位：不存在的机构"),
    (["monthly", "--html", "out.pdf"], "输出文件的扩展名须为 .html"),
    (["monthly", "--xlsx", "/nonexistent/dir/out.xlsx"], "目录不存在：/nonexistent/dir"),
    (["annual", "--as", "city_office"], "只有主管单位的监管人员可以处理监管报表。"),
    (["annual", "--as", "nobody"], "用户“nobody”不存在或已停用。"),
    (["annual", "--scope", "青岚市人民政府", "--publish"], "青岚市人民政府的门户网站未在本平台运行"),
])
def test_bad_input_is_a_chinese_error_and_nothing_is_stored(e, args, message):
    e.city_portal.hosted = False
    e.city_portal.save()
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(".", r"\.")):
        run(*args)
    assert not Report.objects.exists()
