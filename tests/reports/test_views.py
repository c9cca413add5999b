"""监管报表 in the admin: supervisors list, generate, read, download, publish and fill in; everyone
else is refused; another area's report does not exist for them."""

from __future__ import annotations

import io

import openpyxl
import pytest
from wagtail import hooks

from govsites import clock as govclock
from govsites.audit.models import AuditLogEntry
from govsites.content.sites import ensure_site_tree
from govsites.reports.models import AnnualReportFacts, Report

from .estate import report_estate

pytestmark = pytest.mark.django_db


@pytest.fixture
def e(clock, profile):
    profile("shanxi")
    clock.set(govclock.at(2026, 12, 3, 9, 0))
    return report_estate()


def signed_in(client, account):
    client.force_login(account)
    return client


def generated(client, e, kind="monthly", period="2026-11", scope=None) -> Report:
    response = client.post("/admin/reports/generate/", {"kind": kind, "period": period,
                                                         "scope": (scope or e.province).pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Report.objects.get(kind=kind, period=period, scope=scope or e.province)


@pytest.mark.rule("SUP-01")
def test_the_list_shows_due_dates_and_the_generate_form(client, e):
    page = signed_in(client, e.province_office).get("/admin/reports/").content.decode()
    assert "监管报表" in page and "报送期限" in page
    assert "2026-12-06" in page and "2026年11月" in page and "2026年第4季度" in page  # Shanxi: by 6 December
    assert 'name="period"' in page and 'value="2026-11"' in page  # last month by default
    assert "/admin/reports/facts/" in page


def test_only_supervisors_enter(client, e):
    for account in (e.water_manager, e.security_officer, e.water_head):
        assert signed_in(client, account).get("/admin/reports/").status_code == 403
    assert signed_in(client, e.outsider).get("/admin/reports/").status_code == 302  # no admin access at all


@pytest.mark.rule("SUP-01")
def test_generate_read_download_and_publish(client, e):
    ensure_site_tree(e.province_portal)
    c = signed_in(client, e.province_office)
    report = generated(c, e)
    page = c.get(f"/admin/reports/{report.pk}/").content.decode()
    assert "澜川省2026年11月政府网站普查情况报告" in page and "<svg" in page
    assert "govsites/reports/report.css" in page and f"发布到{e.province_portal.name}" in page

    workbook = c.get(f"/admin/reports/{report.pk}/download.xlsx")
    assert workbook["Content-Disposition"] == 'attachment; filename="monthly-2026-11.xlsx"'
    assert openpyxl.load_workbook(io.BytesIO(workbook.content))["概况"]["A1"].value == report.title
    standalone = c.get(f"/admin/reports/{report.pk}/download.html")
    assert standalone["Content-Disposition"].startswith("attachment;") and b"<style>" in standalone.content
    assert AuditLogEntry.objects.filter(action="reports.report.download").count() == 2
    assert c.get(f"/admin/reports/{report.pk}/download.pdf").status_code == 404

    response = c.post(f"/admin/reports/{report.pk}/publish/")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.is_published and report.published_by == e.province_office
    again = c.post(f"/admin/reports/{report.pk}/publish/", follow=True).content.decode()
    assert "该报表已发布，且发布后未重新生成。" in again

    assert "从门户网站撤回" in again
    refused = c.post(f"/admin/reports/{report.pk}/withdraw/", {"reason": ""})
    assert refused.status_code == 400 and "必需字段" in refused.content.decode()
    assert Report.objects.get(pk=report.pk).is_published
    withdrawn = c.post(f"/admin/reports/{report.pk}/withdraw/", {"reason": "数据有误"}, follow=True).content.decode()
    assert "已撤回" in withdrawn and "原因：数据有误" in withdrawn
    assert not Report.objects.get(pk=report.pk).is_published
    assert AuditLogEntry.objects.filter(action="reports.report.withdraw", object_id=str(report.pk)).exists()
    refused = c.post(f"/admin/reports/{report.pk}/withdraw/", {"reason": "再次撤回"}, follow=True).content.decode()
    assert "该报表未在门户网站发布，无需撤回。" in refused


def test_bad_input_is_shown_on_the_form(client, e):
    c = signed_in(client, e.province_office)
    response = c.post("/admin/reports/generate/", {"kind": "monthly", "period": "2026/11", "scope": e.province.pk})
    assert response.status_code == 400 and "报告期格式应为 2026-11。" in response.content.decode()
    response = c.post("/admin/reports/generate/", {"kind": "monthly", "period": "2026-11", "scope": e.education.pk})
    assert response.status_code == 400  # not a scope on offer
    assert not Report.objects.exists()


def test_a_city_supervisor_sees_only_its_area(client, e):
    province_report = generated(signed_in(client, e.province_office), e)
    c = signed_in(client, e.city_office)
    assert c.get(f"/admin/reports/{province_report.pk}/").status_code == 404
    assert c.get(f"/admin/reports/{province_report.pk}/download.xlsx").status_code == 404
    assert c.post(f"/admin/reports/{province_report.pk}/publish/").status_code == 404
    assert c.post(f"/admin/reports/{province_report.pk}/withdraw/", {"reason": "x"}).status_code == 404
    response = c.post("/admin/reports/generate/", {"kind": "monthly", "period": "2026-11", "scope": e.province.pk})
    assert response.status_code == 400
    city = generated(c, e, scope=e.city)
    listing = c.get("/admin/reports/").content.decode()
    assert city.title in listing and province_report.title not in listing
    assert "门户网站未在本平台运行" not in listing


@pytest.mark.rule("SUP-01")
def test_the_annual_fill_in_form(client, e):
    c = signed_in(client, e.province_office)
    url = f"/admin/reports/facts/{e.province.pk}/2026/"
    assert "问责人次" in c.get(url).content.decode()
    response = c.post(url, {"accountable_persons": "4", "training_sessions": "", "trained_persons": "",
                            "training_notes": "培训两期。", "unit_head": "李明", "filled_on": "2027-01-04"})
    assert response.status_code == 302
    facts = AnnualReportFacts.objects.get(scope=e.province, year=2026)
    assert facts.accountable_persons == 4 and facts.training_sessions is None and facts.unit_head == "李明"
    response = c.post(url, {"accountable_persons": "-2"})
    assert response.status_code == 400
    assert signed_in(client, e.city_office).get(url).status_code == 404


def test_the_reports_page_is_in_the_supervision_menu(e):
    items = [fn() for fn in hooks.get_hooks("register_monitoring_menu_item")]
    assert any(item.name == "monitoring-reports" and str(item.url) == "/admin/reports/" for item in items)
