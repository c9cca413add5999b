"""Who keeps and who reads the security records, through the actions and the admin pages:
the security officer manages (in his area); the auditor and the supervisors only read, a
supervisor only the sites of his area; editors, site administrators and the system administrator
neither read nor change them."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from govsites.accounts.models import Role
from govsites.actions import NotAllowed
from govsites.audit.models import AuditLogEntry
from govsites.content.models import SiteRole
from govsites.security.actions import (
    OpenIncident,
    RecordCounterfeitCase,
    RecordFix,
    RecordHostingFacts,
    RecordNotice,
)
from govsites.security.models import (
    CounterfeitCase,
    FoundVia,
    HostingFacts,
    Incident,
    IncidentKind,
    Severity,
    VulnerabilityNotice,
    VulnerabilitySource,
    VulnerabilityState,
)
from tests.content.library_helpers import member
from tests.factories import user
from tests.security.records_helpers import act, plan_file


def login(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def people(estate):
    admin = get_user_model().objects.create_user("sysadmin", password=None, is_superuser=True, is_staff=True)
    return {
        "editor": member("stats_editor", estate.stats_site, SiteRole.EDITOR),
        "site_admin": member("stats_admin", estate.stats_site, SiteRole.SITE_ADMIN),
        "system_admin": admin,
        "site_manager": estate.stats_manager,
    }


def new_notice(estate, site):
    return RecordNotice(act(estate.security_officer), [site], source=VulnerabilitySource.SELF_FOUND,
                        title="弱口令", severity=Severity.MEDIUM, notified_on=dt.date(2026, 3, 1)).execute()


@pytest.mark.rule("SEC-05")
@pytest.mark.parametrize("who", ["editor", "site_admin", "system_admin", "site_manager"])
def test_editors_and_the_system_administrator_cannot_manage_or_read(estate, clock, people, who):
    person = people[who]
    with pytest.raises(NotAllowed):
        RecordNotice(act(person), [estate.stats_site], source=VulnerabilitySource.SELF_FOUND, title="x",
                     severity=Severity.LOW, notified_on=dt.date(2026, 3, 1)).execute()
    with pytest.raises(NotAllowed):
        RecordHostingFacts(act(person), estate.stats_site, in_mainland=True, server_region="青岚", provider="x",
                           os_product="x", cms_product="x").execute()
    assert not VulnerabilityNotice.objects.exists() and not HostingFacts.objects.exists()
    n = new_notice(estate, estate.stats_site)
    client = login(person)
    for url in (reverse("security:overview"), reverse("security:notices"), reverse("security:notice", args=[n.pk]),
                reverse("security:notice_new")):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "您没有访问此页面的权限" in response.content.decode()


@pytest.mark.rule("SEC-06")
def test_the_auditor_reads_everything_and_changes_nothing(estate, clock, settings, tmp_path):
    settings.GOVSITES_PRIVATE_FILES_ROOT = tmp_path
    n = new_notice(estate, estate.stats_site)
    incident = OpenIncident(act(estate.security_officer), estate.county_portal, kind=IncidentKind.OUTAGE,
                            title="机房断电", detected_at=clock.set(dt.date(2026, 3, 2))).execute()
    auditor = estate.auditor
    client = login(auditor)
    assert client.get(reverse("security:notices")).status_code == 200
    page = client.get(reverse("security:notice", args=[n.pk])).content.decode()
    assert "弱口令" in page and "登记修复" not in page  # no operation forms for a reader
    assert "机房断电" in client.get(reverse("security:incidents")).content.decode()
    assert client.get(reverse("security:notice_new")).status_code == 403

    response = client.post(reverse("security:notice_do", args=[n.pk, "fix"]), {"description": "审计员修复"})
    assert response.status_code == 403
    response = client.post(reverse("security:incident_do", args=[incident.pk, "note"]), {"text": "x"})
    assert response.status_code == 403
    response = client.post(reverse("security:hosting", args=[estate.stats_site.pk]), {"provider": "x"})
    assert response.status_code == 403
    with pytest.raises(NotAllowed):
        RecordFix(act(auditor), n, "审计员修复").execute()
    n.refresh_from_db()
    assert n.state == VulnerabilityState.RECEIVED
    assert not AuditLogEntry.objects.filter(user=auditor, action__startswith="security.").exists()


@pytest.mark.rule("SEC-06")
def test_a_supervisor_reads_only_the_records_of_his_area(estate, clock):
    stats = new_notice(estate, estate.stats_site)      # city area, not the county's
    county = new_notice(estate, estate.county_portal)  # county area (inside the city's)
    county_office = login(estate.county_office)
    listing = county_office.get(reverse("security:notices")).content.decode()
    assert reverse("security:notice", args=[county.pk]) in listing
    assert reverse("security:notice", args=[stats.pk]) not in listing
    assert county_office.get(reverse("security:notice", args=[stats.pk])).status_code == 404
    assert county_office.get(reverse("security:notice", args=[county.pk])).status_code == 200
    overview = county_office.get(reverse("security:overview")).content.decode()
    assert estate.county_portal.name in overview and estate.stats_site.name not in overview
    # the city office sees both, and manages neither
    city_office = login(estate.city_office)
    assert city_office.get(reverse("security:notice", args=[stats.pk])).status_code == 200
    response = city_office.post(reverse("security:notice_do", args=[stats.pk, "start"]), {"note": ""})
    assert response.status_code == 403
    with pytest.raises(NotAllowed):
        RecordFix(act(estate.city_office), stats, "主管单位代为修复").execute()


@pytest.mark.rule("SEC-07")
def test_a_security_officer_manages_only_his_area(estate, clock):
    county_officer = user("county_security", (Role.SECURITY_OFFICER, estate.county))
    with pytest.raises(NotAllowed):
        RecordCounterfeitCase(act(county_officer), estate.stats_site, domain="tjj-qinglan.com",
                              found_via=FoundVia.MONITORING, found_on=dt.date(2026, 3, 1),
                              evidence_notes="x").execute()
    RecordCounterfeitCase(act(county_officer), estate.county_portal, domain="xikou-gov.com",
                          found_via=FoundVia.MONITORING, found_on=dt.date(2026, 3, 1), evidence_notes="x").execute()
    assert CounterfeitCase.objects.count() == 1
    form = login(county_officer).get(reverse("security:counterfeit_new")).content.decode()
    assert estate.county_portal.name in form and estate.stats_site.name not in form


@pytest.mark.rule("SEC-05")
def test_the_security_officer_works_through_the_admin(estate, clock):
    client = login(estate.security_officer)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "\\u5b89\\u5168\\u7ba1\\u7406" in home and '"/admin/security/notices/"' in home  # 安全管理
    editor_home = login(member("editor", estate.stats_site, SiteRole.EDITOR)).get(reverse("wagtailadmin_home"))
    assert '"/admin/security/' not in editor_home.content.decode()

    # a refused form comes back with Chinese errors and stores nothing
    response = client.post(reverse("security:notice_new"), {
        "sites": [estate.stats_site.pk], "source": "cnvd", "title": "", "severity": "high",
        "notified_on": "2026-03-40"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "请填写“漏洞名称”。" in page and "请输入有效的日期" in page
    assert not VulnerabilityNotice.objects.exists()

    response = client.post(reverse("security:notice_new"), {
        "sites": [estate.stats_site.pk], "source": "cnvd", "title": "<script>alert(1)</script>",
        "severity": "high", "notified_on": "2026-03-01"})
    n = VulnerabilityNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("security:notice", args=[n.pk])
    detail = client.get(reverse("security:notice", args=[n.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail and "<script>alert(1)" not in detail
    assert "2026-03-08" in detail and "登记修复" in detail

    response = client.post(reverse("security:notice_do", args=[n.pk, "fix"]), {"description": "打补丁"})
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.state == VulnerabilityState.FIXED
    # verifying one's own fix comes back on the form
    response = client.post(reverse("security:notice_do", args=[n.pk, "verify"]), {"passed": "1"})
    assert response.status_code == 400 and "不能验证自己登记的修复" in response.content.decode()
    # a state that does not allow the operation is a 404, not a change
    assert client.post(reverse("security:notice_do", args=[n.pk, "start"]), {}).status_code == 404

    for name in ("notices", "scans", "plans", "incidents", "counterfeits", "hostings", "overview"):
        assert client.get(reverse(f"security:{name}"), {"site": estate.stats_site.pk, "flag": "on"}).status_code == 200
    for name in ("notice_new", "scan_new", "plan_new", "drill_new", "incident_new", "counterfeit_new"):
        assert client.get(reverse(f"security:{name}")).status_code == 200


def test_admin_forms_for_plans_incidents_cases_and_hosting(estate, clock, settings, tmp_path):
    settings.GOVSITES_PRIVATE_FILES_ROOT = tmp_path
    client = login(estate.security_officer)
    response = client.post(reverse("security:plan_new"), {
        "institution": estate.stats.pk, "title": "预案", "version": "v1", "adopted_on": "2026-01-01",
        "document": plan_file("plan.pdf", b"MZ\x90\x00 not a pdf")})
    assert response.status_code == 400 and "不能上传" in response.content.decode()
    response = client.post(reverse("security:plan_new"), {
        "institution": estate.stats.pk, "title": "预案", "version": "v1", "adopted_on": "2026-01-01",
        "document": plan_file()})
    assert response.status_code == 302
    plan_url = response["Location"]
    response = client.post(plan_url + "do/filing/", {"authority": "cyberspace", "filed_on": "2026-02-01"})
    assert response.status_code == 302
    page = client.get(plan_url).content.decode()
    assert "向网信部门备案（2026-02-01）" in page and "未完成备案（须向两处备案）" in page
    download = client.get(plan_url + "document/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert login(estate.county_office).get(plan_url + "document/").status_code == 404

    response = client.post(reverse("security:incident_new"), {
        "site": estate.stats_site.pk, "kind": "dark_link", "grade": "general", "title": "首页暗链",
        "detected_at": "2026-03-02T08:00"})
    incident = Incident.objects.get()
    assert response.status_code == 302 and incident.detected_at.hour == 0  # 08:00 Shanghai = 00:00 UTC
    response = client.post(reverse("security:incident_do", args=[incident.pk, "resolve"]), {"note": "清除暗链"})
    assert response.status_code == 302
    response = client.post(reverse("security:incident_do", args=[incident.pk, "close"]), {})
    assert response.status_code == 400 and "结案前还须" in response.content.decode()
    page = client.get(reverse("security:incident", args=[incident.pk])).content.decode()
    assert "清除暗链" in page and "gs-timeline" in page and "依据本预案的演练" not in page

    response = client.post(reverse("security:counterfeit_new"), {
        "domain": "www.qinglan-gov.cn", "imitated_site": estate.city_portal.pk, "found_via": "monitoring",
        "found_on": "2026-03-01", "evidence_notes": "仿冒"})
    assert response.status_code == 302
    response = client.post(reverse("security:counterfeit_new"), {
        "domain": "HTTP://WWW.QINGLAN-GOV.CN/", "imitated_site": estate.city_portal.pk,
        "found_via": "monitoring", "found_on": "2026-03-01", "evidence_notes": "仿冒"})
    assert response.status_code == 400 and "已有未结案的假冒网站案件" in response.content.decode()
    case = CounterfeitCase.objects.get()
    page = client.get(reverse("security:counterfeit", args=[case.pk])).content.decode()
    assert "www.qinglan-gov.cn" in page and "移交网信部门" in page

    hosting = reverse("security:hosting", args=[estate.stats_site.pk])
    response = client.post(hosting, {"in_mainland": "0", "provider": "海外云", "os_product": "Linux",
                                     "cms_product": "govsites", "ip_addresses": "8.8.8.8"})
    assert response.status_code == 302
    page = client.get(hosting).content.decode()
    assert "服务器位于境外" in page
    assert "服务器位于境外" in login(estate.auditor).get(reverse("security:hostings")).content.decode()
