"""The registry JSON API: tokens, the schema, reads and visibility, and every action end to end.

Everything goes through the real URL stack (``/api/v1/registry/…``) with Wagtail API tokens.
"""

import datetime as dt
import json
import re
import threading

import pytest
from django.db import close_old_connections
from django.test import Client
from wagtail.models import APIToken

from govsites.accounts.models import Role
from govsites.api import api as ninja_api
from govsites.audit.models import AuditLogEntry
from govsites.registry import identifiers
from govsites.registry.actions import ApplyForTemporaryOffline, ApplyToOpenSite, DecideStep, FileChange
from govsites.registry.models import (
    Announcement,
    AnnouncementKind,
    Application,
    ApplicationStatus,
    ArchiveRecord,
    Institution,
    NationalReport,
    Site,
    SiteStatus,
    SpecialTopic,
    StepStatus,
)
from tests.conftest import actor
from tests.factories import site as make_site
from tests.factories import user as make_user
from tests.registry.helpers import SITE_IDENTIFIERS, approve_all, approver_for

BASE = "/api/v1/registry"
CJK = re.compile(r"[\u4e00-\u9fff]")

WATER_SITE = {
    "name": "青岚市水利局网站",
    "domain": "slj.qinglan.gov.cn",
    "chinese_domain": "青岚市水利局.政务",
    "sponsor_name": "青岚市水利局",
    "responsible_person": "赵敏",
    "responsible_phone": "0351-7654321",
}


class ApiClient:
    """A JSON client for one bearer token (or none)."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, path, **params):
        return self.client.get(BASE + path, params, **self.headers)

    def post(self, path, data=None, *, raw: str | bytes | None = None):
        body = raw if raw is not None else json.dumps(data if data is not None else {})
        return self.client.post(BASE + path, body, content_type="application/json", **self.headers)

    def request(self, method, path):
        return getattr(self.client, method)(path, **self.headers)


@pytest.fixture
def api(estate, clock):
    """``api(user)`` → a client authenticated with a fresh token of ``user``."""

    def client_for(user):
        _, plaintext = APIToken.create_token(user=user, name="pytest")
        return ApiClient(plaintext)

    return client_for


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()
    return response.json()


def refused(response, status):
    """An error answer: the one JSON shape, a Chinese sentence, never a traceback."""
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert set(body) == {"detail", "rule", "errors"}
    assert CJK.search(body["detail"]), body
    assert "Traceback" not in body["detail"]
    return body


def approve_via_api(api, application_id):
    """Walk the chain, each step decided through the API by its own approver's token."""
    application = Application.objects.get(pk=application_id)
    while (step := application.current_step) is not None:
        ok(api(approver_for(step)).post(f"/steps/{step.pk}/decision", {"approve": True, "comment": "同意"}))
    return ok(api(application.submitted_by).get(f"/applications/{application_id}"))


def operations():
    """Every (method, path) of the registry API, from its own OpenAPI schema."""
    schema = ninja_api.get_openapi_schema(path_prefix="/api/v1/")
    return [
        (method, re.sub(r"\{[^}]+\}", "1", path))
        for path, ops in schema["paths"].items()
        for method in ops
        if path.startswith("/api/v1/registry/")
    ]


# -- tokens and the schema ------------------------------------------------------------------------


def test_openapi_schema_loads_and_documents_every_operation_in_chinese(db):
    response = Client().get("/api/v1/openapi.json")
    schema = ok(response)
    assert schema["components"]["securitySchemes"]["PlatformTokenAuth"]["scheme"] == "bearer"
    ops = [op for path in schema["paths"].values() for op in path.values()]
    registry_ops = [op for url, path in schema["paths"].items() if url.startswith("/api/v1/registry/")
                    for op in path.values()]
    assert len(registry_ops) == len(operations()) >= 26
    for op in ops:
        assert CJK.search(op["summary"]), op["operationId"]
        assert op["security"] == [{"PlatformTokenAuth": []}]
    temporary = schema["paths"]["/api/v1/registry/applications/temporary_offline"]["post"]
    assert {"400", "403", "404", "409"} <= set(temporary["responses"])
    body = schema["components"]["schemas"]["TemporaryOfflineIn"]
    assert body["additionalProperties"] is False
    assert body["properties"]["reason"]["maxLength"] == 2000


@pytest.mark.parametrize(("method", "path"), operations())
def test_every_endpoint_requires_a_token(db, method, path):
    for client in (ApiClient(), ApiClient("wagtail_not-a-real-token")):
        body = refused(client.request(method, path), 401)
        assert "令牌" in body["detail"]


def test_revoked_token_and_inactive_user_are_refused(estate, clock):
    token, plaintext = APIToken.create_token(user=estate.city_office, name="pytest")
    client = ApiClient(plaintext)
    assert client.get("/sites").status_code == 200
    token.revoke()
    refused(client.get("/sites"), 401)
    _, plaintext = APIToken.create_token(user=estate.county_office, name="pytest")
    estate.county_office.is_active = False
    estate.county_office.save()
    refused(ApiClient(plaintext).get("/sites"), 401)


@pytest.mark.parametrize(("method", "path"), operations())
def test_a_user_without_any_role_is_refused_everywhere(api, estate, method, path):
    body = refused(api(estate.outsider).request(method, path), 403)
    assert "权限" in body["detail"]


def test_api_actions_are_audited_as_api_calls_from_the_client_address(api, estate):
    ok(api(estate.stats_manager).post("/applications/outage", {
        "site": estate.stats_site.pk, "outage_cause": "force_majeure", "start_date": "2026-03-01",
        "end_date": "2026-03-02", "reason": "线路被挖断"}), 201)
    entry = AuditLogEntry.objects.get(action="registry.application.submit")
    assert (entry.via, entry.user, entry.ip_address) == ("api", estate.stats_manager, "127.0.0.1")


# -- reads --------------------------------------------------------------------------------------


def test_institution_list_filters_within_what_the_user_may_see(api, estate):
    city = api(estate.city_office)
    page = ok(city.get("/institutions"))
    names = {i["name"] for i in page["items"]}
    assert estate.county_edu.name in names and estate.province.name not in names
    assert page["count"] == Institution.objects.within(estate.city).count()
    governments = ok(city.get("/institutions", kind="government", level="county"))["items"]
    assert {i["name"] for i in governments} == {estate.county.name, estate.new_county.name}
    assert governments[0]["kind_label"] == "人民政府" and governments[0]["level_label"] == "县级"
    children = ok(city.get("/institutions", parent=estate.water.pk))["items"]
    assert [i["name"] for i in children] == [estate.hydrology.name]
    assert [i["name"] for i in ok(city.get("/institutions", q="统计"))["items"]] == [estate.stats.name]
    assert ok(api(estate.water_manager).get("/institutions"))["count"] == 1


@pytest.mark.rule("REG-07")
def test_institution_detail_suggests_domains(api, estate):
    water = ok(api(estate.city_office).get(f"/institutions/{estate.water.pk}"))
    assert water["domain_suggestions"][0] == "slj.qinglan.gov.cn"
    assert water["government"] == {"id": estate.city.pk, "name": estate.city.name}
    assert water["site"] is None
    stats = ok(api(estate.city_office).get(f"/institutions/{estate.stats.pk}"))
    assert stats["site"]["domain"] == "tjj.qinglan.gov.cn"
    new_county = ok(api(estate.city_office).get(f"/institutions/{estate.new_county.pk}"))
    assert new_county["domain_suggestions"]
    for domain in new_county["domain_suggestions"]:
        assert identifiers.validate_portal_domain(domain) == domain


def test_objects_of_another_area_are_not_found(api, estate):
    county = api(estate.county_office)
    for path in (f"/sites/{estate.stats_site.pk}", f"/sites/{estate.stats_site.pk}/timeline",
                 f"/institutions/{estate.water.pk}", f"/sites/{estate.city_portal.pk}"):
        assert "未找到" in refused(county.get(path), 404)["detail"]
    assert refused(county.post(f"/sites/{estate.stats_site.pk}/resume"), 404)["detail"] == \
        refused(county.post("/sites/999999/resume"), 404)["detail"]
    refused(county.post("/applications/temporary_offline", {
        "site": estate.stats_site.pk, "start_date": "2026-04-01", "end_date": "2026-04-03", "reason": "搬迁"}), 404)
    domains = {s["domain"] for s in ok(county.get("/sites"))["items"]}
    assert domains == {"www.xikou.gov.cn"}


def test_site_list_filters_and_pagination(api, estate, admin_user):
    make_site(estate.township, "www.taoyuan.gov.cn", hosted=False)
    province = api(estate.province_office)
    assert ok(province.get("/sites"))["count"] == Site.objects.count() == 6
    assert ok(api(admin_user).get("/sites"))["count"] == 6
    assert {s["domain"] for s in ok(province.get("/sites", region=estate.city.pk))["items"]} == {
        "www.qinglan.gov.cn", "tjj.qinglan.gov.cn", "www.xikou.gov.cn", "www.taoyuan.gov.cn"}
    assert {s["domain"] for s in ok(province.get("/sites", level="province"))["items"]} == {
        "www.lanchuan.gov.cn", "fgw.lanchuan.gov.cn"}
    assert ok(province.get("/sites", site_type="department"))["count"] == 2
    assert [s["domain"] for s in ok(province.get("/sites", hosted="false"))["items"]] == ["www.taoyuan.gov.cn"]
    assert ok(province.get("/sites", status="closed"))["count"] == 0
    assert [s["domain"] for s in ok(province.get("/sites", q="TJJ"))["items"]] == ["tjj.qinglan.gov.cn"]
    assert [s["domain"] for s in ok(province.get("/sites", q=estate.stats_site.site_code))["items"]] == [
        "tjj.qinglan.gov.cn"]
    flagged = ok(province.get("/sites", needs_integration="true"))["items"]
    assert [s["domain"] for s in flagged] == ["www.taoyuan.gov.cn"] and flagged[0]["needs_integration"] is True
    assert ok(province.get("/sites", needs_integration="false"))["count"] == 5
    first, second = (ok(province.get("/sites", limit=3, offset=o)) for o in (0, 3))
    assert first["count"] == 6 and len(first["items"]) == 3
    assert not {s["id"] for s in first["items"]} & {s["id"] for s in second["items"]}
    assert "limit" in refused(province.get("/sites", limit=501), 400)["errors"]
    assert "region" in refused(api(estate.county_office).get("/sites", region=estate.city.pk), 400)["errors"]


@pytest.mark.rule("REG-03")
def test_site_detail_carries_checklist_announcements_archive_and_integration(api, estate):
    township_site = make_site(estate.township, "www.taoyuan.gov.cn")
    ArchiveRecord.objects.create(site=township_site, url="https://www.taoyuan.gov.cn/a.html", title="旧页面",
                                 archived_on=dt.date(2026, 3, 1), reason="改版")
    detail = ok(api(estate.county_office).get(f"/sites/{township_site.pk}"))
    assert detail["needs_integration"] is True and "乡镇政府" in detail["integration_reason"]
    assert detail["archive_records"][0]["banner"] == "已归档　归档时间：2026-03-01"
    assert detail["archive_records"][0]["archived_on"] == "2026-03-01"
    assert detail["institution"]["level_label"] == "乡镇级"
    assert detail["status_label"] == "运行中"
    assert detail["checklist"] == [] and detail["announcements"] == []
    assert detail["updated_at"].endswith("+08:00")


def test_applications_list_detail_and_inbox(api, estate):
    application = ApplyToOpenSite(actor(estate.water_manager), estate.water, site_data=WATER_SITE,
                                  reason="开设网站").execute()
    manager = api(estate.water_manager)
    listed = ok(manager.get("/applications", kind="open", status="pending"))
    assert [a["id"] for a in listed["items"]] == [application.pk]
    assert listed["items"][0]["current_step"]["kind_label"] == "单位主要负责人同意"
    assert ok(manager.get("/applications", kind="change"))["count"] == 0
    assert ok(manager.get("/applications", site=application.site_id))["count"] == 1
    detail = ok(manager.get(f"/applications/{application.pk}"))
    assert [s["institution"]["name"] for s in detail["steps"]] == [
        estate.water.name, estate.city.name, estate.province.name]
    assert [s["status"] for s in detail["steps"]] == ["pending", "waiting", "waiting"]
    assert detail["site"]["status"] == "proposed" and detail["submitted_by"] == "water_manager"
    inbox = ok(api(estate.water_head).get("/inbox"))
    assert [i["application"]["id"] for i in inbox["items"]] == [application.pk]
    assert ok(api(estate.city_office).get("/inbox"))["count"] == 0
    assert ok(api(estate.city_office).get(f"/applications/{application.pk}"))["id"] == application.pk
    refused(api(estate.county_office).get(f"/applications/{application.pk}"), 404)
    refused(api(estate.stats_manager).get(f"/applications/{application.pk}"), 404)


@pytest.mark.rule("REG-02")
def test_governments_missing_a_portal(api, estate):
    assert [g["name"] for g in ok(api(estate.city_office).get("/governments-missing-portal"))["items"]] == [
        estate.new_county.name]
    assert ok(api(estate.county_office).get("/governments-missing-portal"))["count"] == 0


def test_site_timeline_shows_who_when_where_what_and_why(api, estate):
    ok(api(estate.city_office).post("/applications/change", {
        "site": estate.stats_site.pk, "changes": {"responsible_person": "钱进"}, "reason": "人事调整"}), 201)
    approve_via_api(api, Application.objects.get().pk)
    entries = ok(api(estate.stats_manager).get(f"/sites/{estate.stats_site.pk}/timeline"))["items"]
    change = next(e for e in entries if e["action"] == "registry.site.change")
    assert change["action_label"] == "网站信息变更"
    assert change["changes"]["responsible_person"] == {"before": "王伟", "after": "钱进"}
    assert change["reason"] == "人事调整" and change["via"] == "api"
    assert change["user"] == "city_office" and change["ip_address"] == "127.0.0.1"
    assert entries[-1]["action"] == "registry.application.submit"


# -- applications and approvals -----------------------------------------------------------------


@pytest.mark.rule("REG-08", "REG-09", "REG-10")
def test_open_approve_checklist_launch_through_the_api_alone(api, estate):
    manager = api(estate.water_manager)
    application = ok(manager.post("/applications/open", {
        "institution": estate.water.pk, **WATER_SITE, "reason": "统一发布水利政务信息"}), 201)
    assert application["status"] == "pending" and application["kind_label"] == "开设网站"
    site_id = application["site"]["id"]
    refused(manager.post(f"/sites/{site_id}/launch"), 400)
    approved = approve_via_api(api, application["id"])
    assert approved["status"] == "approved"
    assert [s["status"] for s in approved["steps"]] == ["approved"] * 3
    site = ok(manager.get(f"/sites/{site_id}"))
    assert site["status"] == "approved" and len(site["checklist"]) == 6
    refused_launch = refused(manager.post(f"/sites/{site_id}/launch"), 400)
    assert refused_launch["rule"] == "REG-09" and "上线前程序尚未完成" in refused_launch["detail"]
    references = {**SITE_IDENTIFIERS, "site_code": "9901000099"}
    for item in site["checklist"]:
        done = ok(manager.post(f"/sites/{site_id}/checklist", {
            "checklist": "launch", "key": item["key"], "reference": references[item["key"]]}))
        assert done["done"] is True and done["label"] == item["label"]
    launched = ok(manager.post(f"/sites/{site_id}/launch"))
    assert launched["status"] == "online" and launched["site_code"] == "9901000099"
    notice = launched["announcements"][0]
    assert notice["kind"] == "launch" and notice["host_site"]["id"] == estate.city_portal.pk
    assert NationalReport.objects.filter(site_id=site_id, kind="launch").exists()


@pytest.mark.rule("REG-09")
def test_checklist_identifiers_are_validated(api, estate):
    application = ApplyToOpenSite(actor(estate.water_manager), estate.water, site_data=WATER_SITE,
                                  reason="开设网站").execute()
    approve_all(application)
    manager = api(estate.water_manager)
    body = refused(manager.post(f"/sites/{application.site_id}/checklist", {
        "checklist": "launch", "key": "site_code", "reference": "1401000001"}), 400)
    assert body["rule"] == "REG-09" and "990100" in body["detail"]
    assert "reference" in refused(manager.post(f"/sites/{application.site_id}/checklist", {
        "checklist": "launch", "key": "icp_filing"}), 400)["errors"]
    refused(manager.post(f"/sites/{application.site_id}/checklist", {"checklist": "launch", "key": "nope"}), 400)
    ok(manager.post(f"/sites/{application.site_id}/checklist", {"checklist": "launch", "key": "security_test"}))
    assert "已于" in refused(manager.post(f"/sites/{application.site_id}/checklist", {
        "checklist": "launch", "key": "security_test"}), 409)["detail"]


@pytest.mark.rule("REG-03")
def test_a_township_may_not_apply_to_open_a_site(api, estate):
    before = (Application.objects.count(), Site.objects.count())
    body = refused(api(estate.county_office).post("/applications/open", {
        "institution": estate.township.pk, "name": estate.township.name, "domain": "www.taoyuan.gov.cn",
        "sponsor_name": "桃源镇人民政府", "responsible_person": "李强", "reason": "开设网站"}), 400)
    assert body["rule"] == "REG-03" and "乡镇政府" in body["detail"]
    assert (Application.objects.count(), Site.objects.count()) == before


@pytest.mark.rule("REG-04")
def test_an_event_gets_a_special_topic_not_a_site(api, estate):
    manager = api(estate.stats_manager)
    body = refused(manager.post("/applications/open", {
        "institution": estate.water.pk, **WATER_SITE, "purpose": "event", "reason": "普查"}), 404)
    assert "未找到" in body["detail"]
    body = refused(api(estate.water_manager).post("/applications/open", {
        "institution": estate.water.pk, **WATER_SITE, "purpose": "event", "reason": "普查"}), 400)
    assert body["rule"] == "REG-04"
    wrong = refused(manager.post("/applications/special_topic", {
        "institution": estate.stats.pk, "topic_title": "第五次经济普查", "topic_institutions": [estate.stats.pk],
        "topic_host_site": estate.city_portal.pk, "reason": "专项工作"}), 400)
    assert wrong["rule"] == "REG-04" and "topic_host_site" in wrong["errors"]
    several = ok(manager.post("/applications/special_topic", {
        "institution": estate.stats.pk, "topic_title": "第五次经济普查",
        "topic_institutions": [estate.stats.pk, estate.water.pk], "topic_host_site": estate.city_portal.pk,
        "reason": "专项工作"}), 201)
    assert {i["name"] for i in several["topic_institutions"]} == {estate.stats.name, estate.water.name}
    approve_via_api(api, several["id"])
    assert SpecialTopic.objects.get().host_site == estate.city_portal
    unknown = refused(manager.post("/applications/special_topic", {
        "institution": estate.stats.pk, "topic_title": "x", "topic_institutions": [987654],
        "topic_host_site": 987655, "lead_institution": 987656}), 400)
    assert "987654" in unknown["errors"]["topic_institutions"][0]


@pytest.mark.rule("REG-07")
def test_open_application_with_a_bad_domain_creates_nothing(api, estate):
    before = (Application.objects.count(), Site.objects.count(), AuditLogEntry.objects.count())
    body = refused(api(estate.water_manager).post("/applications/open", {
        "institution": estate.water.pk, **WATER_SITE, "domain": "slj.lanchuan.gov.cn", "responsible_phone": "12",
        "reason": "开设"}), 400)
    assert body["rule"] == "REG-07"
    assert "qinglan.gov.cn" in body["errors"]["domain"][0]
    assert "格式不正确" in body["errors"]["responsible_phone"][0]
    assert (Application.objects.count(), Site.objects.count(), AuditLogEntry.objects.count()) == before


@pytest.mark.rule("REG-12")
def test_a_second_temporary_offline_in_one_year_is_refused(api, estate):
    manager = api(estate.stats_manager)
    request = {"site": estate.stats_site.pk, "start_date": "2026-03-10", "end_date": "2026-03-15",
               "reason": "机房搬迁"}
    first = ok(manager.post("/applications/temporary_offline", request), 201)
    assert (first["start_date"], first["end_date"]) == ("2026-03-10", "2026-03-15")
    assert "请勿重复提交" in refused(manager.post("/applications/temporary_offline", request), 400)["detail"]
    approve_via_api(api, first["id"])
    before = Application.objects.count()
    body = refused(manager.post("/applications/temporary_offline", {
        **request, "start_date": "2026-09-01", "end_date": "2026-09-03"}), 400)
    assert body["rule"] == "REG-12" and "每年不得超过1次" in body["detail"]
    assert "start_date" in body["errors"]
    assert Application.objects.count() == before
    too_long = refused(manager.post("/applications/temporary_offline", {
        **request, "start_date": "2027-04-01", "end_date": "2027-05-01"}), 400)
    assert too_long["rule"] == "REG-12" and "end_date" in too_long["errors"]


@pytest.mark.rule("REG-13")
def test_outage_report_through_the_api(api, estate):
    manager = api(estate.stats_manager)
    body = refused(manager.post("/applications/outage", {
        "site": estate.stats_site.pk, "outage_cause": "force_majeure", "start_date": "2026-03-01",
        "end_date": "2026-03-05", "reason": "断电"}), 400)
    assert body["rule"] == "REG-13"
    created = ok(manager.post("/applications/outage", {
        "site": estate.stats_site.pk, "outage_cause": "force_majeure", "start_date": "2026-03-01",
        "end_date": "2026-03-03", "reason": "断电"}), 201)
    assert created["outage_cause_label"].startswith("不可抗力")
    approve_via_api(api, created["id"])
    assert ok(manager.get(f"/sites/{estate.stats_site.pk}"))["status"] == "outage"
    resumed = ok(manager.post(f"/sites/{estate.stats_site.pk}/resume"))
    assert resumed["status"] == "online" and resumed["offline_until"] is None
    assert "无需恢复" in refused(manager.post(f"/sites/{estate.stats_site.pk}/resume"), 400)["detail"]


@pytest.mark.rule("REG-11")
def test_a_portal_permanent_offline_is_refused(api, estate):
    before = Application.objects.count()
    body = refused(api(estate.county_office).post("/applications/permanent_offline", {
        "site": estate.county_portal.pk, "migration_target": estate.city_portal.pk, "safeguards": "全部迁移",
        "reason": "合并"}), 400)
    assert body["rule"] == "REG-11" and "门户网站不得关停" in body["detail"]
    assert Application.objects.count() == before


@pytest.mark.rule("REG-14", "REG-15")
def test_permanent_offline_migration_and_closure_through_the_api(api, estate):
    manager = api(estate.stats_manager)
    site = f"/sites/{estate.stats_site.pk}"
    missing = refused(manager.post("/applications/permanent_offline", {
        "site": estate.stats_site.pk, "safeguards": "迁移", "reason": "机构改革"}), 400)
    assert missing["rule"] == "REG-14" and "migration_target" in missing["errors"]
    assert "migration_target" in refused(manager.post("/applications/permanent_offline", {
        "site": estate.stats_site.pk, "migration_target": 987654, "safeguards": "迁移", "reason": "改革"}),
        400)["errors"]
    application = ok(manager.post("/applications/permanent_offline", {
        "site": estate.stats_site.pk, "migration_target": estate.city_portal.pk, "safeguards": "内容整体迁移",
        "reason": "机构改革"}), 201)
    approve_via_api(api, application["id"])
    assert ok(manager.get(site))["status"] == "closing"
    early = refused(manager.post(f"{site}/migration", {"pages": []}), 400)
    assert early["rule"] == "REG-14" and "迁移公告" in early["detail"]
    notice = ok(manager.post(f"{site}/migration-notice", {}), 201)
    assert notice["kind"] == "migration_notice" and "www.qinglan.gov.cn" in notice["body"]
    assert "已经发布" in refused(manager.post(f"{site}/migration-notice", {}), 409)["detail"]
    done = ok(manager.post(f"{site}/migration", {"pages": [
        {"url": "https://tjj.qinglan.gov.cn/gk/2025.html", "title": "2025年统计公报"}]}), 201)
    assert done["kind"] == "migration_done" and done["host_site"]["id"] == estate.city_portal.pk
    assert done["publish_until"] >= "2026-04-01"
    premature = refused(manager.post(f"{site}/close"), 400)
    assert premature["rule"] == "REG-14" and "注销ICP备案号" in premature["detail"]
    for key in ("icp_cancelled", "site_mark_cancelled", "public_security_cancelled", "domain_cancelled"):
        ok(manager.post(f"{site}/checklist", {"checklist": "closure", "key": key, "reference": "已注销"}))
    assert "自动办理" in refused(manager.post(f"{site}/checklist", {
        "checklist": "closure", "key": "status_reported"}), 400)["detail"]
    closed = ok(manager.post(f"{site}/close"))
    assert closed["status"] == "closed" and closed["migrated_to"]["id"] == estate.city_portal.pk
    assert all(item["done"] for item in closed["checklist"])
    assert closed["archive_records"][0]["banner"].startswith("已归档")
    assert NationalReport.objects.filter(site=estate.stats_site, kind="closure").exists()


@pytest.mark.rule("REG-15")
def test_archive_pages_on_redesign(api, estate):
    manager = api(estate.stats_manager)
    records = ok(manager.post(f"/sites/{estate.stats_site.pk}/archive", {
        "pages": [{"url": "https://tjj.qinglan.gov.cn/old/a.html", "title": "旧版首页"}], "reason": "改版",
        "new_base": "https://tjj.qinglan.gov.cn"}))
    assert records[0]["new_location"] == "https://tjj.qinglan.gov.cn/archive/old/a.html"
    assert records[0]["banner"] == "已归档　归档时间：2026-03-02"
    assert "pages" in refused(manager.post(f"/sites/{estate.stats_site.pk}/archive", {
        "pages": [], "reason": "改版"}), 400)["errors"]
    assert "reason" in refused(manager.post(f"/sites/{estate.stats_site.pk}/archive", {
        "pages": [{"url": "https://tjj.qinglan.gov.cn/b.html", "title": "b"}], "reason": " "}), 400)["errors"]
    assert ArchiveRecord.objects.count() == 1


@pytest.mark.rule("REG-16")
def test_change_filing_through_the_api(api, estate):
    manager = api(estate.stats_manager)
    assert "changes" in refused(manager.post("/applications/change", {
        "site": estate.stats_site.pk, "changes": {}, "reason": "无"}), 400)["errors"]
    filed = ok(manager.post("/applications/change", {
        "site": estate.stats_site.pk, "changes": {"domain": "tongji.qinglan.gov.cn", "contact_phone": "0351-2223333"},
        "reason": "域名调整"}), 201)
    assert filed["changes"]["after"] == {"domain": "tongji.qinglan.gov.cn", "contact_phone": "0351-2223333"}
    assert [s["institution"]["name"] for s in filed["steps"]] == [estate.city.name]
    approve_via_api(api, filed["id"])
    site = ok(manager.get(f"/sites/{estate.stats_site.pk}"))
    assert site["domain"] == "tongji.qinglan.gov.cn"
    assert [a["kind"] for a in site["announcements"]] == ["domain_change"]


def test_withdraw_an_application(api, estate):
    manager = api(estate.water_manager)
    application = ok(manager.post("/applications/open", {
        "institution": estate.water.pk, **WATER_SITE, "reason": "开设网站"}), 201)
    refused(api(estate.stats_manager).post(f"/applications/{application['id']}/withdraw", {}), 404)
    withdrawn = ok(manager.post(f"/applications/{application['id']}/withdraw", {"reason": "暂缓"}))
    assert withdrawn["status"] == "withdrawn"
    assert {s["status"] for s in withdrawn["steps"]} == {"cancelled"}
    assert Site.objects.get(pk=application["site"]["id"]).status == SiteStatus.REFUSED
    assert "无法撤回" in refused(manager.post(f"/applications/{application['id']}/withdraw", {}), 409)["detail"]


def test_decisions_check_the_approver_and_the_comment(api, estate):
    application = ApplyToOpenSite(actor(estate.water_manager), estate.water, site_data=WATER_SITE,
                                  reason="开设网站").execute()
    step = application.steps.get(position=0)
    path = f"/steps/{step.pk}/decision"
    assert refused(api(estate.water_manager).post(path, {"approve": True}), 403)["detail"] == \
        "您不是该审批环节的审批人。"
    refused(api(estate.county_office).post(path, {"approve": True}), 404)
    assert "comment" in refused(api(estate.water_head).post(path, {"approve": False}), 400)["errors"]
    rejected = ok(api(estate.water_head).post(path, {"approve": False, "comment": "材料不全"}))
    assert rejected["status"] == "rejected"
    assert rejected["steps"][0]["decided_by"] == "water_head" and rejected["steps"][0]["comment"] == "材料不全"


@pytest.mark.rule("REG-08")
def test_a_decision_that_lost_the_race_is_a_409(api, estate):
    application = ApplyToOpenSite(actor(estate.water_manager), estate.water, site_data=WATER_SITE,
                                  reason="开设网站").execute()
    step = application.steps.get(position=0)
    deputy = make_user("water_deputy", (Role.INSTITUTION_HEAD, estate.water))
    DecideStep(actor(estate.water_head), step, approve=True, comment="同意").execute()
    body = refused(api(deputy).post(f"/steps/{step.pk}/decision", {"approve": False, "comment": "不同意"}), 409)
    assert "未生效" in body["detail"] and "同意" in body["detail"]
    step.refresh_from_db()
    assert (step.status, step.decided_by) == (StepStatus.APPROVED, estate.water_head)
    assert Application.objects.get().status == ApplicationStatus.PENDING
    assert AuditLogEntry.objects.filter(action__in=["registry.step.approve", "registry.step.reject"]).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.rule("REG-08")
def test_two_approvers_deciding_at_once_through_the_api(estate):
    """Two real concurrent requests: exactly one decision takes effect, the other gets a 409."""
    deputy = make_user("water_deputy", (Role.INSTITUTION_HEAD, estate.water))
    application = ApplyToOpenSite(actor(estate.water_manager), estate.water, site_data=WATER_SITE,
                                  reason="开设").execute()
    step = application.steps.get(position=0)
    clients = {name: ApiClient(APIToken.create_token(user=who, name="pytest")[1])
               for name, who in (("approve", estate.water_head), ("reject", deputy))}
    barrier = threading.Barrier(2)
    responses = {}

    def decide(name, approve):
        try:
            barrier.wait(timeout=10)
            responses[name] = clients[name].post(f"/steps/{step.pk}/decision", {"approve": approve, "comment": name})
        finally:
            close_old_connections()

    threads = [threading.Thread(target=decide, args=(name, name == "approve")) for name in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(r.status_code for r in responses.values()) == [200, 409]
    winner = next(name for name, r in responses.items() if r.status_code == 200)
    loser = next(r for r in responses.values() if r.status_code == 409).json()
    assert "未生效" in loser["detail"] and loser["rule"] is None
    step.refresh_from_db()
    assert step.status == (StepStatus.APPROVED if winner == "approve" else StepStatus.REJECTED)
    assert step.comment == winner
    assert AuditLogEntry.objects.filter(action__in=["registry.step.approve", "registry.step.reject"]).count() == 1


@pytest.mark.rule("REG-01")
def test_create_institution(api, estate):
    city = api(estate.city_office)
    created = ok(city.post("/institutions", {
        "name": "青岚市交通运输局", "short_name": "市交通运输局", "kind": "department", "level": "city",
        "parent": estate.city.pk}), 201)
    assert created["parent"]["id"] == estate.city.pk
    assert created["domain_suggestions"][0].endswith(".qinglan.gov.cn")
    assert "已存在" in refused(city.post("/institutions", {
        "name": "青岚市交通运输局", "kind": "department", "level": "city", "parent": estate.city.pk}),
        400)["errors"]["name"][0]
    bad_code = refused(city.post("/institutions", {
        "name": "青岚市北湖区人民政府", "kind": "government", "level": "county", "division_code": "980102",
        "parent": estate.city.pk}), 400)
    assert bad_code["rule"] == "REG-01" and "division_code" in bad_code["errors"]
    refused(api(estate.county_office).post("/institutions", {
        "name": "青岚市文化局", "kind": "department", "level": "city", "parent": estate.city.pk}), 404)
    refused(city.post("/institutions", {"name": "另一个省人民政府", "kind": "government", "level": "province",
                                        "division_code": "980000", "abbreviation": "另"}), 403)


@pytest.mark.rule("REG-01", "REG-03")
def test_register_existing_sites(api, estate):
    city = api(estate.city_office)
    registered = ok(city.post("/sites", {
        "institution": estate.water.pk, **WATER_SITE, "site_code": "9901000123", "hosted": False,
        "hosting_notes": "部署在市政务云"}), 201)
    assert registered["status"] == "online" and registered["hosted"] is False
    assert registered["needs_integration"] is False
    township = ok(api(estate.county_office).post("/sites", {
        "institution": estate.township.pk, "name": estate.township.name, "domain": "www.taoyuan.gov.cn",
        "sponsor_name": "桃源镇人民政府", "responsible_person": "李强", "site_code": "9901210001"}), 201)
    assert township["needs_integration"] is True
    twice = refused(city.post("/sites", {"institution": estate.water.pk, **WATER_SITE, "site_code": "9901000124"}),
                    400)
    assert twice["rule"] == "REG-02"
    assert refused(city.post("/sites", {"institution": estate.hydrology.pk, "name": "青岚市水利局水文站网站",
                                        "domain": "swz.qinglan.gov.cn", "sponsor_name": "水文站",
                                        "responsible_person": "周", "status": "proposed"}), 400)["errors"]["status"]
    refused(api(estate.stats_manager).post("/sites", {
        "institution": estate.stats.pk, **WATER_SITE, "site_code": "9901000125"}), 403)


def test_announcements_are_listed_on_the_site(api, estate):
    Announcement.objects.create(kind=AnnouncementKind.LAUNCH, site=estate.stats_site, host_site=estate.city_portal,
                                title="开通公告", body="正文", publish_from=estate.stats_site.created_at)
    detail = ok(api(estate.stats_manager).get(f"/sites/{estate.stats_site.pk}"))
    assert detail["announcements"][0]["kind_label"] == "开通公告"
    assert detail["announcements"][0]["host_site"]["domain"] == "www.qinglan.gov.cn"


@pytest.mark.rule("REG-15")
def test_a_failing_action_leaves_no_partial_state(api, estate):
    before = (ArchiveRecord.objects.count(), AuditLogEntry.objects.count())
    body = refused(api(estate.stats_manager).post(f"/sites/{estate.stats_site.pk}/archive", {
        "pages": [{"url": "https://tjj.qinglan.gov.cn/a.html", "title": "第一页"},
                  {"url": "https://tjj.qinglan.gov.cn/b.html", "title": " "}],
        "reason": "改版"}), 400)
    assert "pages" in body["errors"]
    assert (ArchiveRecord.objects.count(), AuditLogEntry.objects.count()) == before


def _decide_first_step(application):
    step = application.steps.get(status=StepStatus.PENDING)
    DecideStep(actor(approver_for(step)), step, approve=True, comment="同意").execute()


@pytest.mark.parametrize("path", ["/sites", "/applications", "/inbox", "/institutions"])
def test_lists_cost_the_same_number_of_queries_however_long(api, estate, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    province = api(estate.province_office)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert ok(province.get(path))["count"] > 0
        return len(captured)

    _decide_first_step(ApplyToOpenSite(actor(estate.education_manager), estate.education, site_data={
        "name": "澜川省教育厅网站", "domain": "jyt.lanchuan.gov.cn", "sponsor_name": "澜川省教育厅",
        "responsible_person": "孙丽"}, reason="开设").execute())
    queries()  # the first call also records when the token was last used
    first = queries()
    make_site(estate.hydrology, "swz.qinglan.gov.cn")
    make_site(estate.county_edu, "jyj.xikou.gov.cn")
    Institution.objects.create(name="青岚市文化局", kind="department", level="city", parent=estate.city)
    _decide_first_step(ApplyForTemporaryOffline(actor(estate.stats_manager), estate.stats_site,
                                                 start_date=dt.date(2026, 4, 1), end_date=dt.date(2026, 4, 2),
                                                 reason="搬迁").execute())
    FileChange(actor(estate.province_office), estate.dev_reform_site, changes={"contact_phone": "0351-1112222"},
               reason="电话变更").execute()
    assert queries() == first
