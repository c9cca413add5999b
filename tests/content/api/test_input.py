"""Bad input to the content API: a 400 in the one JSON shape with Chinese messages naming the field
(and the rule where a rule refused it), never a stack trace, and nothing half-saved."""

import random
import re
import threading

import pytest
from django.db import close_old_connections
from wagtail.models import APIToken, Revision, TaskState

from govsites.api import api as ninja_api
from govsites.audit.models import AuditLogEntry
from govsites.content.models import IndexCounter, InterpretationLink, Item, Placement
from govsites.content.richtext import BODY_MAX_CHARS
from tests.content.api.conftest import NOTICE, ORG, ApiClient, approve, new_item, ok, refused

POLICY = {
    "kind": "policy",
    "title": "青岚市统计局关于印发《统计数据质量管理办法》的通知",
    "issuing_body": "青岚市统计局",
    "org_code": ORG,
    "document_number": "青统发〔2026〕3号",
    "written_on": "2026-02-20",
    "published_on": "2026-03-01",
    "subject": "02.01",
}


def rows():
    """Everything a write touches; a refused request must leave all of it unchanged."""
    return (Item.objects.count(), Revision.objects.count(), Placement.objects.count(), IndexCounter.objects.count(),
            InterpretationLink.objects.count(), AuditLogEntry.objects.filter(action__startswith="content.").count())


@pytest.fixture
def editor(api, desk):
    return api(desk.editor_a)


def create(client, desk, **fields):
    return client.post("/items", {"site": desk.a.pk, "column": desk.policies_a.pk, **fields})


# -- CON-10 and the other kind rules -----------------------------------------------------------


@pytest.mark.rule("CON-10")
def test_a_malformed_document_number_is_refused_with_the_correct_form(editor, desk):
    before = rows()
    for number in ("青统发[2026]03号", "青统发〔2026〕第3号", "青统发（2026）3号", "青统发〔2026〕03号"):
        body = refused(create(editor, desk, **{**POLICY, "document_number": number}), 400)
        assert body["rule"] == "CON-10", body
        [message] = body["errors"]["document_number"]
        assert "青统发〔2026〕3号" in message or "〔" in message, message
    assert rows() == before
    good = ok(create(editor, desk, **POLICY), 201)
    assert good["document_number"] == "青统发〔2026〕3号" and good["index_number"] == f"{ORG}/2026-00001"


@pytest.mark.rule("CON-10")
def test_a_malformed_index_number_is_refused(editor, desk):
    before = rows()
    for index in ("ABC", f"{ORG}/2026-1", f"{ORG}/26-00001", "000014340/2026-00001"):
        body = refused(create(editor, desk, **{**POLICY, "index_number": index}), 400)
        assert body["errors"]["index_number"], body
        assert body["rule"] == "CON-10", body
    assert rows() == before
    manual = ok(create(editor, desk, **{**POLICY, "index_number": f"{ORG}/2026-00007"}), 201)
    assert manual["index_number"] == f"{ORG}/2026-00007"
    taken = refused(create(editor, desk, **{**POLICY, "index_number": f"{ORG}/2026-00007",
                                           "document_number": "青统发〔2026〕4号"}), 400)
    assert taken["rule"] == "CON-10" and "已被使用" in taken["errors"]["index_number"][0]


@pytest.mark.rule("CON-10")
def test_missing_policy_metadata_is_reported_field_by_field(editor, desk):
    before = rows()
    body = refused(create(editor, desk, kind="policy", title="关于统计工作的通知"), 400)
    assert body["rule"] == "CON-10"
    assert {"issuing_body", "document_number", "written_on", "subject"} <= set(body["errors"])
    assert body["errors"]["issuing_body"] == ["【CON-10】请填写发文机关。"]
    assert "请填写发文机关" in body["detail"]
    assert rows() == before


def test_the_kind_rules_answer_with_their_rule(editor, desk):
    before = rows()
    assert refused(create(editor, desk, kind="map", title="青岚市行政区划图"), 400)["rule"] == "CON-06"
    assert refused(create(editor, desk, kind="response", title="关于网传消息的说明"), 400)["rule"] == "CON-08"
    reading = refused(create(editor, desk, kind="interpretation", title="解读", interpretation_form="text"), 400)
    assert reading["rule"] == "CON-07" and "policies" in reading["errors"]
    # an interpretation may only explain a policy the editor can see
    other = refused(create(editor, desk, kind="interpretation", title="解读", interpretation_form="text",
                           policies=[987654]), 400)
    assert other["rule"] == "CON-07" and "987654" in other["errors"]["policies"][0]
    assert rows() == before


@pytest.mark.rule("CON-05")
def test_banned_words_are_shown_to_the_reviewer_and_block_publishing(api, desk, editor):
    d = desk
    item = new_item(editor, d.a, d.news_a, body="<p>本站提供网络赌博服务，欢迎访问。</p>")
    [problem] = [p for p in item["problems"] if p["rule"] == "CON-05"]
    assert problem["blocking"] is True and problem["field"] == "body" and problem["positions"]
    ok(editor.post(f"/items/{item['id']}/submit"))
    ok(approve(api(d.reviewer_a), item["id"]))
    step = TaskState.objects.get(status=TaskState.STATUS_IN_PROGRESS).pk
    entries = AuditLogEntry.objects.count()
    body = refused(approve(api(d.secrecy_a), item["id"]), 400)
    assert body["rule"] == "CON-05" and body["detail"].startswith("【CON-05】")
    # nothing of the refused approval stays: not live, the step still open, no audit entry
    stored = Item.objects.get(pk=item["id"])
    assert not stored.live and stored.live_revision_id is None
    assert TaskState.objects.get(pk=step).status == TaskState.STATUS_IN_PROGRESS
    assert AuditLogEntry.objects.count() == entries


# -- the shape of the request ------------------------------------------------------------------


def test_unknown_fields_are_refused(editor, desk):
    before = rows()
    body = refused(create(editor, desk, **NOTICE, titel="错字段", owning_site=desk.b.pk), 400)
    assert body["errors"]["titel"] == ["“titel”不是可接受的字段。"]
    assert "owning_site" in body["errors"]
    item = new_item(editor, desk.a, desk.news_a)
    patch = refused(editor.patch(f"/items/{item['id']}", {"expected_revision_id": item["latest_revision_id"],
                                                          "kind": "policy", "live": True}), 400)
    assert set(patch["errors"]) == {"kind", "live"}
    assert Item.objects.get(pk=item["id"]).revisions.count() == 1
    assert rows()[0] == before[0] + 1


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        ({"site": "abc"}, "site", "须为整数"),
        ({"site": True}, "site", "须为整数"),
        ({"column": 1.5}, "column", "须为整数"),
        ({"column": 0}, "column", "不能小于1"),
        ({"site": 2**70}, "site", "不能大于"),
        ({"title": 123}, "title", "须为字符串"),
        ({"body": ["<p>x</p>"]}, "body", "须为字符串"),
        ({"is_important_policy": "yes"}, "is_important_policy", "true 或 false"),
        ({"is_standard_map": "false"}, "is_standard_map", "true 或 false"),
        ({"kind": "novel"}, "kind", "须为以下值之一"),
        ({"written_on": 20260220}, "written_on", "YYYY-MM-DD"),
        ({"written_on": "2026-02-30"}, "written_on", "不是有效的日期"),
        ({"go_live_at": "明天上午"}, "go_live_at", "ISO 8601"),
        ({"go_live_at": 1767225600}, "go_live_at", "ISO 8601"),
        ({"policies": "1,2"}, "policies", "须为数组"),
        ({"policies": ["a"]}, "policies.0", "须为整数"),
        ({"title": "标\u0000题"}, "title", "空字符"),
    ],
)
def test_wrong_types_name_the_field(editor, desk, change, field, expected):
    before = rows()
    body = refused(create(editor, desk, **{**NOTICE, **change}), 400)
    assert expected in body["errors"][field][0], body
    assert rows() == before


@pytest.mark.parametrize("raw", ['{"site": 1,', "not json", b"\xff\xfe{}", "[1, 2]", '"string"'])
def test_a_body_that_is_not_a_json_object(editor, raw):
    before = rows()
    body = refused(editor.post("/items", raw=raw), 400)
    assert "请求体" in body["detail"] or "JSON" in body["detail"]
    assert rows() == before


def test_oversized_fields_are_refused_without_being_echoed(editor, desk):
    before = rows()
    for field, size, limit in (("title", 201, 200), ("summary", 1001, 1000), ("source_name", 101, 100),
                               ("body", BODY_MAX_CHARS + 1, BODY_MAX_CHARS)):
        response = create(editor, desk, **{**NOTICE, field: "长" * size})
        body = refused(response, 400)
        assert body["errors"][field] == [f"“{field}”不能超过{limit}个字符。"]
        assert len(response.content) < 2000
    assert rows() == before
    # a long but legitimate body (a long policy document) is stored whole
    long_body = "<p>" + "统计数据质量管理。" * 20_000 + "</p>"
    item = ok(create(editor, desk, **{**NOTICE, "body": long_body}), 201)
    assert Item.objects.get(pk=item["id"]).body == long_body


def test_a_request_beyond_the_upload_limit_is_refused_in_chinese(editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    before = rows()
    response = editor.post("/items", {"title": "大", "body": "长" * 20_000})
    refused(response, response.status_code)  # the one shape, in Chinese, no trace
    assert rows() == before


def test_a_request_beyond_the_upload_limit_is_a_413(editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = editor.post("/items", {"title": "大", "body": "长" * 20_000})
    assert response.status_code == 413 and "过大" in response.json()["detail"]


def test_script_and_event_handlers_never_reach_the_stored_body(editor, desk):
    hostile = ('<p onclick="steal()">各单位：</p><script>alert(document.cookie)</script>'
               '<img src=x onerror="alert(1)"><a href="javascript:alert(1)">点击</a>'
               '<iframe src="https://evil.example/"></iframe><p style="display:none">隐藏</p>'
               '<svg><script>alert(2)</script></svg><a href="https://www.qinglan.gov.cn/">市政府</a>')
    item = ok(create(editor, desk, **{**NOTICE, "body": hostile}), 201)
    patched = ok(editor.patch(f"/items/{item['id']}", {"expected_revision_id": item["latest_revision_id"],
                                                       "body": hostile + "<p>补充</p>"}))
    stored = Item.objects.get(pk=item["id"])
    for body in (item["body"], patched["body"], stored.body, stored.latest_revision.content["body"]):
        lowered = body.lower()
        for bad in ("<script", "onerror", "onclick", "javascript:", "<iframe", "alert(", "style="):
            assert bad not in lowered, (bad, body)
        assert "各单位：" in body and 'href="https://www.qinglan.gov.cn/"' in body


def test_bad_query_parameters_and_ids(editor):
    assert "cursor" in refused(editor.get("/items", cursor="not-a-cursor"), 400)["errors"]
    assert "cursor" in refused(editor.get("/items", cursor="W10"), 400)["errors"]  # base64 of []
    assert "limit" in refused(editor.get("/items", limit=0), 400)["errors"]
    assert "limit" in refused(editor.get("/items", limit=10_000), 400)["errors"]
    assert "status" in refused(editor.get("/items", status="published"), 400)["errors"]
    assert "date_from" in refused(editor.get("/items", date_from="2026-02-30"), 400)["errors"]
    assert "item_id" in refused(editor.get("/items/abc"), 400)["errors"]
    refused(editor.get(f"/items/{2**70}"), 404)
    refused(editor.get("/items/-5"), 404)
    assert "site" in refused(editor.get("/columns"), 400)["errors"]


def test_an_empty_edit_and_a_decision_without_its_step_are_refused(editor, desk):
    item = new_item(editor, desk.a, desk.news_a)
    body = refused(editor.patch(f"/items/{item['id']}", {"expected_revision_id": item["latest_revision_id"]}), 400)
    assert "至少" in body["detail"]
    assert "expected_revision_id" in refused(editor.patch(f"/items/{item['id']}", {"title": "新标题"}), 400)["errors"]
    assert "task_state_id" in refused(editor.post(f"/items/{item['id']}/approve", {}), 400)["errors"]
    assert "duty" in refused(editor.post("/repost", {"column": desk.news_a.pk}), 400)["errors"]
    assert Item.objects.get(pk=item["id"]).revisions.count() == 1


def test_an_unexpected_failure_is_a_500_without_a_traceback(editor, desk, monkeypatch):
    from govsites.content.actions import CreateItem

    def explode(self):
        raise RuntimeError("boom /srv/govsites/secret.py")

    monkeypatch.setattr(CreateItem, "perform", explode)
    body = refused(create(editor, desk, **NOTICE), 500)
    assert "boom" not in body["detail"] and "服务器内部错误" in body["detail"]


# -- two editors at once -----------------------------------------------------------------------


def test_two_editors_patching_the_same_version_one_wins(api, desk, editor):
    item = new_item(editor, desk.a, desk.news_a)
    seen = item["latest_revision_id"]
    before = rows()
    first = editor.patch(f"/items/{item['id']}", {"expected_revision_id": seen, "title": "甲的标题"})
    second = api(desk.editor2_a).patch(f"/items/{item['id']}", {"expected_revision_id": seen, "title": "乙的标题"})
    assert ok(first)["title"] == "甲的标题"
    assert refused(second, 409)["detail"].startswith("该信息已被他人修改（stats_editor于")
    stored = Item.objects.get(pk=item["id"])
    assert stored.title == "甲的标题" and stored.revisions.count() == 2
    assert rows() == (before[0], before[1] + 1, before[2], before[3], before[4], before[5] + 1)
    assert AuditLogEntry.objects.filter(action="content.item.edit").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_editors_patching_at_once_through_the_api(migration_rows, desk):
    """Two real concurrent requests: exactly one edit is saved, the other gets a 409."""
    item = Item.objects.get(pk=new_item(
        ApiClient(APIToken.create_token(user=desk.editor_a, name="pytest")[1]), desk.a, desk.news_a)["id"])
    seen = item.latest_revision_id
    clients = {name: ApiClient(APIToken.create_token(user=who, name="pytest")[1])
               for name, who in (("甲", desk.editor_a), ("乙", desk.editor2_a))}
    barrier = threading.Barrier(2)
    responses = {}

    def edit(name):
        try:
            barrier.wait(timeout=10)
            responses[name] = clients[name].patch(f"/items/{item.pk}", {"expected_revision_id": seen,
                                                                         "title": f"{name}的标题"})
        finally:
            close_old_connections()

    threads = [threading.Thread(target=edit, args=(name,)) for name in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(r.status_code for r in responses.values()) == [200, 409], {
        n: r.content[:300] for n, r in responses.items()}
    winner = next(name for name, r in responses.items() if r.status_code == 200)
    loser = next(r for r in responses.values() if r.status_code == 409).json()
    assert set(loser) == {"detail", "rule", "errors"} and "已被他人修改" in loser["detail"]
    item.refresh_from_db()
    assert item.title == f"{winner}的标题" and item.revisions.count() == 2
    assert AuditLogEntry.objects.filter(action="content.item.edit").count() == 1


# -- junk ----------------------------------------------------------------------------------------

JUNK = [None, True, 0, -1, 2**70, 1.5, "", " ", "x" * 300, "a\u0000b", "2026-13-45", [], {}, [1, "a"], {"a": 1},
        "长" * 3000, "<script>alert(1)</script>"]


def test_junk_in_every_field_of_every_endpoint_never_fails_the_server(api, desk, editor):
    """Seeded junk into each documented body field and query parameter: never a 500."""
    item = new_item(editor, desk.a, desk.news_a)
    rng = random.Random(20260302)
    schema = ninja_api.get_openapi_schema(path_prefix="/api/v1/")
    components = schema["components"]["schemas"]
    clients = [editor, api(desk.admin_a), api(desk.reviewer_b)]
    for path, ops in schema["paths"].items():
        if not path.startswith("/api/v1/content/"):
            continue
        for method, op in ops.items():
            for object_id in (item["id"], desk.news_a.pk, "abc", 2**70):
                url = re.sub(r"\{[^}]+\}", str(object_id), path.removeprefix("/api/v1/content"))
                ref = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
                fields = list(components[ref["$ref"].split("/")[-1]]["properties"]) if ref else []
                query = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
                for client in clients:
                    if method == "get":
                        response = client.get(url, **{name: str(rng.choice(JUNK)) for name in query})
                    else:
                        response = getattr(client, method)(url, {name: rng.choice(JUNK) for name in fields})
                    assert response.status_code < 500, (method, url, response.content[:300])
                    if response.status_code >= 400:
                        assert set(response.json()) == {"detail", "rule", "errors"}
