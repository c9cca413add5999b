"""Bad input to the registry API: a 400 with Chinese messages naming the field, and nothing written."""

import random
import re

import pytest

from govsites.api import api as ninja_api
from govsites.audit.models import AuditLogEntry
from govsites.registry.models import Application, ApprovalStep, Institution, Site
from tests.registry import test_api as shared
from tests.registry.test_api import WATER_SITE, refused

api = shared.api  # the token-client fixture

OFFLINE = "/applications/temporary_offline"


def rows():
    """Every table a bad request might touch."""
    return (Application.objects.count(), ApprovalStep.objects.count(), Site.objects.count(),
            Institution.objects.count(), AuditLogEntry.objects.count())


@pytest.fixture
def manager(api, estate):
    return api(estate.stats_manager)


@pytest.fixture
def offline(estate):
    return {"site": estate.stats_site.pk, "start_date": "2026-04-01", "end_date": "2026-04-03", "reason": "搬迁"}


@pytest.mark.parametrize("raw", ['{"site": 1,', "not json", b"\xff\xfe{}", "{'site': 1}"])
def test_malformed_json_is_a_400_and_changes_nothing(manager, raw):
    before = rows()
    body = refused(manager.post(OFFLINE, raw=raw), 400)
    assert body["detail"] == "请求体不是有效的 JSON，无法解析。"
    assert rows() == before


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        ({"site": "abc"}, "site", "须为整数"),
        ({"site": True}, "site", "须为整数"),
        ({"site": 1.5}, "site", "须为整数"),
        ({"site": 0}, "site", "不能小于1"),
        ({"site": 2**70}, "site", "不能大于"),
        ({"reason": 123}, "reason", "须为字符串"),
        ({"reason": ["a"]}, "reason", "须为字符串"),
        ({"start_date": 20260401}, "start_date", "YYYY-MM-DD"),
        ({"start_date": None}, "start_date", "YYYY-MM-DD"),
    ],
)
def test_wrong_types_name_the_field(manager, offline, change, field, expected):
    before = rows()
    body = refused(manager.post(OFFLINE, {**offline, **change}), 400)
    assert expected in body["errors"][field][0]
    assert f"“{field}”" in body["detail"] and body["rule"] is None
    assert rows() == before


@pytest.mark.parametrize("value", ["2026-02-30", "2026/04/01", "2026-4-1", "01-04-2026", "", "2026-04-01T00:00:00",
                                   "tomorrow"])
def test_invalid_dates_are_refused(manager, offline, value):
    before = rows()
    body = refused(manager.post(OFFLINE, {**offline, "end_date": value}), 400)
    assert "日期" in body["errors"]["end_date"][0]
    assert rows() == before


def test_missing_fields_and_unknown_fields(manager, offline):
    before = rows()
    body = refused(manager.post(OFFLINE, {"reason": "搬迁"}), 400)
    assert set(body["errors"]) == {"site", "start_date", "end_date"}
    assert body["errors"]["site"] == ["“site”为必填项。"]
    unknown = refused(manager.post(OFFLINE, {**offline, "status": "approved", "submitted_by": 1}), 400)
    assert unknown["errors"]["status"] == ["“status”不是可接受的字段。"]
    assert "submitted_by" in unknown["errors"]
    nested = refused(manager.post("/applications/change", {
        "site": offline["site"], "changes": {"site_code": "9901000001"}, "reason": "x"}), 400)
    assert "changes.site_code" in nested["errors"]
    assert rows() == before


@pytest.mark.parametrize("raw", ["", "[]", '"text"', "null", "42"])
def test_a_body_that_is_not_an_object(manager, raw):
    before = rows()
    body = refused(manager.post(OFFLINE, raw=raw), 400)
    assert "请求体" in body["detail"] or "JSON" in body["detail"]
    assert rows() == before


def test_100_kb_strings_are_refused_without_being_echoed(api, estate, manager, offline):
    huge = "长" * 100_000
    before = rows()
    for path, payload, field in [
        (OFFLINE, {**offline, "reason": huge}, "reason"),
        ("/applications/open", {"institution": estate.water.pk, **WATER_SITE, "name": huge}, "name"),
        ("/applications/change", {"site": estate.stats_site.pk, "changes": {"contact_address": huge}},
         "changes.contact_address"),
        (f"/sites/{estate.stats_site.pk}/archive", {"pages": [{"url": huge, "title": "t"}], "reason": "改版"},
         "pages.0.url"),
    ]:
        client = api(estate.water_manager) if "open" in path else manager
        response = client.post(path, payload)
        body = refused(response, 400)
        assert "不能超过" in body["errors"][field][0]
        assert len(response.content) < 2000
    body = refused(api(estate.city_office).post("/institutions", {
        "name": huge, "kind": "department", "level": "city", "parent": estate.city.pk}), 400)
    assert body["errors"]["name"] == ["“name”不能超过100个字符。"]
    assert rows() == before


def test_nul_characters_are_refused(manager, offline):
    before = rows()
    body = refused(manager.post(OFFLINE, {**offline, "reason": "搬\u0000迁"}), 400)
    assert "空字符" in body["errors"]["reason"][0]
    assert rows() == before


def test_bad_enum_values_list_the_allowed_ones(api, estate, manager):
    body = refused(manager.post("/applications/outage", {
        "site": estate.stats_site.pk, "outage_cause": "aliens", "start_date": "2026-03-01",
        "end_date": "2026-03-02", "reason": "x"}), 400)
    assert body["errors"]["outage_cause"] == ["“outage_cause”须为以下值之一：force_majeure、security_order。"]
    listed = refused(manager.get("/sites", status="gone"), 400)
    assert "online" in listed["errors"]["status"][0]
    assert "approve" in refused(api(estate.water_head).post("/steps/1/decision", {"approve": "yes"}), 400)["errors"]


def test_bad_path_and_query_ids(manager):
    assert "site_id" in refused(manager.get("/sites/abc"), 400)["errors"]
    refused(manager.get(f"/sites/{2**70}"), 404)
    refused(manager.get("/sites/-5"), 404)
    assert "limit" in refused(manager.get("/sites", limit="many"), 400)["errors"]
    assert "offset" in refused(manager.get("/sites", offset=-1), 400)["errors"]
    assert "offset" in refused(manager.get("/sites", offset=10**20), 400)["errors"]
    assert "region" in refused(manager.get("/sites", region=2**70), 400)["errors"]


def test_an_unexpected_failure_is_a_500_without_a_traceback(manager, offline, monkeypatch):
    from govsites.registry.actions import ApplyForTemporaryOffline

    def explode(self):
        raise RuntimeError("boom /secret/path.py")

    monkeypatch.setattr(ApplyForTemporaryOffline, "perform", explode)
    body = refused(manager.post(OFFLINE, offline), 500)
    assert "boom" not in body["detail"] and "服务器内部错误" in body["detail"]


JUNK = [None, True, 0, -1, 2**70, 1.5, "", " ", "x" * 300, "a\u0000b", "2026-13-45", [], {}, [1, "a"], {"a": 1},
        "长" * 3000]


def test_junk_in_every_field_of_every_endpoint_never_fails_the_server(api, estate):
    """Seeded junk into each documented body field and query parameter: never a 500."""
    rng = random.Random(20260302)
    schema = ninja_api.get_openapi_schema(path_prefix="/api/v1/")
    components = schema["components"]["schemas"]
    clients = [api(estate.city_office), api(estate.stats_manager)]
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            for object_id in (estate.stats_site.pk, "abc", 2**70):
                url = re.sub(r"\{[^}]+\}", str(object_id), path.removeprefix("/api/v1/registry"))
                ref = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
                fields = list(components[ref["$ref"].split("/")[-1]]["properties"]) if ref else []
                query = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
                for client in clients:
                    if method == "get":
                        response = client.get(url, **{name: str(rng.choice(JUNK)) for name in query})
                    else:
                        response = client.post(url, {name: rng.choice(JUNK) for name in fields})
                    assert response.status_code < 500, (method, url, response.content[:300])
                    if response.status_code >= 400:
                        assert set(response.json()) == {"detail", "rule", "errors"}
