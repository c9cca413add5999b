"""Tenancy through the API: an editor of site A never learns of site B's drafts — not by id, not in
any list, filter or cursor — and cannot act on them; B's published items are readable and
reusable by A (CON-01). Every operation needs a token of a user who may use the platform."""

import re

import pytest
from django.test import Client

from govsites.api import api as ninja_api
from govsites.audit.models import AuditLogEntry
from govsites.content.api.common import encode_cursor
from govsites.content.models import Item, Placement
from tests.content.api.conftest import ApiClient, new_item, ok, refused, review


def operations():
    """Every (method, path) of the content API, from its own OpenAPI schema."""
    schema = ninja_api.get_openapi_schema(path_prefix="/api/v1/")
    return [
        (method, re.sub(r"\{[^}]+\}", "1", path).removeprefix("/api/v1/content"))
        for path, ops in schema["paths"].items()
        for method in ops
        if path.startswith("/api/v1/content/")
    ]


@pytest.fixture
def b_items(api, desk, clock):
    """Site B's draft (in review, so reviewers could act on it) and B's published item."""
    editor = api(desk.editor_b)
    draft = new_item(editor, desk.b, desk.news_b, title="市政府常务会议纪要（草稿）", published_on="2026-03-01")
    ok(editor.post(f"/items/{draft['id']}/submit"))
    published = new_item(editor, desk.b, desk.news_b, title="市政府常务会议召开", published_on="2026-03-01")
    ok(editor.post(f"/items/{published['id']}/submit"))
    review(api, desk.reviewer_b, desk.secrecy_b, published["id"])
    return Item.objects.get(pk=draft["id"]), Item.objects.get(pk=published["id"])


def every_page(client, **filters):
    """All rows of a listing, one row per page, following the cursors."""
    ids, cursor = [], None
    for _ in range(100):
        page = ok(client.get("/items", limit=1, **filters, **({"cursor": cursor} if cursor else {})))
        ids += [row["id"] for row in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids
    raise AssertionError("the cursor never ends")


def test_another_sites_draft_is_not_found_and_never_listed(api, desk, b_items):
    d = desk
    draft_b, published_b = b_items
    a = api(d.editor_a)
    own = new_item(a, d.a, d.news_a, title="统计局动态（草稿）", published_on="2026-03-01")

    # by id: the same 404 as for an id that never existed
    missing = refused(a.get("/items/999999"), 404)
    assert refused(a.get(f"/items/{draft_b.pk}"), 404) == missing
    assert missing["detail"] == "未找到该信息，或您无权查看。"

    # in lists: whatever the filter, whatever the cursor
    filters = [{}, {"site": d.b.pk}, {"kind": "article"}, {"status": "in_review"}, {"status": "draft"},
               {"q": "草稿"}, {"q": "纪要"}, {"column": d.news_b.pk}, {"date_from": "2026-03-01", "date_to": "2026-03-01"},
               {"subject": ""}]
    for params in filters:
        listed = every_page(a, **params)
        assert draft_b.pk not in listed, params
    assert set(every_page(a)) == {own["id"], published_b.pk}
    assert every_page(a, site=d.b.pk) == [published_b.pk]
    # a cursor forged to point just past B's draft still cannot reach it
    forged = Item.objects.get(pk=draft_b.pk)
    for key in (forged.published_on, forged.updated_at):
        for pk in (draft_b.pk + 1, draft_b.pk):
            page = ok(a.get("/items", cursor=encode_cursor(key, pk), limit=500))
            assert draft_b.pk not in [row["id"] for row in page["items"]]

    # and no action reaches it: 404 before any rule could say anything about it
    step = draft_b.current_workflow_state.current_task_state.pk
    for client in (a, api(d.reviewer_a), api(d.admin_a)):
        for method, path, body in [
            ("patch", "", {"expected_revision_id": draft_b.latest_revision_id, "title": "改"}),
            ("post", "/submit", {}), ("post", "/approve", {"task_state_id": step}),
            ("post", "/reject", {"task_state_id": step, "comment": "不行"}), ("post", "/lock", {}),
            ("post", "/unlock", {}), ("post", "/publish", {}), ("post", "/unschedule", {}),
            ("post", "/unpublish", {"reason": "撤"}), ("post", "/archive", {}),
            ("post", "/revert", {"revision_id": draft_b.latest_revision_id,
                                 "expected_revision_id": draft_b.latest_revision_id}),
        ]:
            assert refused(getattr(client, method)(f"/items/{draft_b.pk}{path}", body), 404) == missing
        refused(client.get(f"/items/{draft_b.pk}/revisions"), 404)
        refused(client.post("/repost", {"item": draft_b.pk, "site": d.a.pk, "column": d.news_a.pk}), 404)
    draft_b.refresh_from_db()
    assert not draft_b.live and not draft_b.locked and draft_b.revisions.count() == 1
    assert draft_b.current_workflow_state.current_task_state.pk == step
    assert not AuditLogEntry.objects.filter(object_id=str(draft_b.pk)).exclude(
        action__in=["content.item.create", "content.item.submit", "wagtail.workflow.start"]).exists()


def test_no_creating_into_another_sites_columns(api, desk):
    d = desk
    a = api(d.editor_a)
    before = (Item.objects.count(), Placement.objects.count())
    body = refused(a.post("/items", {"site": d.b.pk, "column": d.news_b.pk, "title": "越权新建"}), 403)
    assert "权限" in body["detail"]
    wrong_column = refused(a.post("/items", {"site": d.a.pk, "column": d.news_b.pk, "title": "放错栏目"}), 400)
    assert "不属于网站" in wrong_column["errors"]["column"][0]
    unknown = refused(a.post("/items", {"site": d.a.pk, "column": 987654, "title": "不存在的栏目"}), 400)
    assert "column" in unknown["errors"]
    assert (Item.objects.count(), Placement.objects.count()) == before
    # nor into its structure: B's columns, B's repost queue
    refused(a.get("/columns", site=d.b.pk), 404)
    refused(api(d.admin_a).post(f"/columns/{d.news_b.pk}/archive"), 404)
    refused(a.get("/repost-queue", site=d.b.pk), 404)
    own_columns = ok(a.get("/columns", site=d.a.pk))
    assert {c["title"] for c in own_columns} >= {"政务动态", "政策文件"}
    assert all(c["level"] == 1 and c["parent_id"] is None for c in own_columns)


@pytest.mark.rule("CON-01")
def test_another_sites_published_item_is_readable_and_reusable_but_not_changeable(api, desk, b_items):
    d = desk
    _draft_b, published_b = b_items
    a = api(d.editor_a)
    seen = ok(a.get(f"/items/{published_b.pk}"))
    assert seen["version"] == "live" and seen["title"] == "市政府常务会议召开"
    assert seen["workflow"] is None and seen["lock"] is None and seen["problems"] is None
    assert published_b.pk in [row["id"] for row in ok(a.get("/items", status="live"))["items"]]

    # B's item is B's to change
    for method, path, body in [
        ("patch", "", {"expected_revision_id": seen["latest_revision_id"], "title": "改"}),
        ("post", "/submit", {}), ("post", "/lock", {}), ("post", "/archive", {}),
        ("post", "/unpublish", {"reason": "撤下"}), ("post", "/publish", {}),
    ]:
        refused(getattr(a, method)(f"/items/{published_b.pk}{path}", body), 403)
    refused(api(d.admin_a).post(f"/items/{published_b.pk}/unpublish", {"reason": "撤下"}), 403)

    # … but any site may use it, with the source stated (CON-01, CON-04)
    used = ok(a.post("/repost", {"item": published_b.pk, "site": d.a.pk, "column": d.news_a.pk}), 201)
    assert used["is_repost"] is False and used["duty_id"] is None
    assert used["shows_source"] is True and used["source_name"] == d.b.name
    # not into another site's column, nor for a site the caller does not edit
    refused(a.post("/repost", {"item": published_b.pk, "site": d.county.pk, "column": d.policies_county.pk}), 403)
    wrong = refused(a.post("/repost", {"item": published_b.pk, "site": d.a.pk, "column": d.policies_county.pk}), 400)
    assert wrong["rule"] == "CON-01" and "column" in wrong["errors"]
    again = refused(a.post("/repost", {"item": published_b.pk, "site": d.a.pk, "column": d.policies_a.pk}), 409)
    assert "已于" in again["detail"]  # one use per site
    assert Placement.objects.filter(item=published_b).count() == 2
    published_b.refresh_from_db()
    assert published_b.title == "市政府常务会议召开" and not published_b.locked


def test_a_published_items_pending_revision_stays_its_sites_business(api, desk, b_items):
    d = desk
    _draft_b, published_b = b_items
    editor_b = api(d.editor_b)
    ok(editor_b.patch(f"/items/{published_b.pk}", {"expected_revision_id": published_b.latest_revision_id,
                                                   "title": "市政府常务会议召开（修订稿）"}))
    ok(editor_b.post(f"/items/{published_b.pk}/submit"))
    assert ok(editor_b.get(f"/items/{published_b.pk}"))["status"] == "in_review"
    a = api(d.editor_a)
    seen = ok(a.get(f"/items/{published_b.pk}"))
    assert (seen["status"], seen["title"], seen["has_unpublished_changes"]) == ("live", "市政府常务会议召开", False)
    assert seen["latest_revision_id"] == seen["live_revision_id"]
    for status in ("in_review", "draft", "needs_changes", "scheduled"):
        assert published_b.pk not in every_page(a, status=status), status
    [row] = [r for r in ok(a.get("/items", site=d.b.pk))["items"]]
    assert row["status"] == "live" and row["title"] == "市政府常务会议召开"


def test_estate_supervisors_read_drafts_but_change_nothing(api, estate, b_items):
    draft_b, _published_b = b_items
    client = api(estate.province_office)  # a registry role: may use the platform
    seen = ok(client.get(f"/items/{draft_b.pk}"))
    assert seen["version"] == "latest" and seen["status"] == "in_review"
    refused(client.post(f"/items/{draft_b.pk}/lock"), 403)


@pytest.mark.parametrize(("method", "path"), operations())
def test_every_endpoint_requires_a_token(db, method, path):
    for client in (ApiClient(), ApiClient("wagtail_not-a-real-token")):
        body = refused(client.request(method, path), 401)
        assert "令牌" in body["detail"]


@pytest.mark.parametrize(("method", "path"), operations())
def test_a_user_without_platform_access_is_refused_everywhere(api, estate, method, path):
    body = refused(api(estate.outsider).request(method, path), 403)
    assert "权限" in body["detail"]


def test_the_schema_documents_every_content_operation_in_chinese(db):
    schema = ok(Client().get("/api/v1/openapi.json"))
    ops = [(path, op) for path, methods in schema["paths"].items() if path.startswith("/api/v1/content/")
           for op in methods.values()]
    assert len(ops) == len(operations()) == 19
    for path, op in ops:
        assert re.search(r"[\u4e00-\u9fff]", op["summary"]), path
        assert op["security"] == [{"PlatformTokenAuth": []}]
    patch = schema["paths"]["/api/v1/content/items/{item_id}"]["patch"]
    assert {"400", "403", "404", "409"} <= set(patch["responses"])
    body = schema["components"]["schemas"]["ItemEditIn"]
    assert body["additionalProperties"] is False and "expected_revision_id" in body["required"]
    assert body["properties"]["title"]["maxLength"] == 200


def test_a_stale_decision_message_says_nothing_about_other_items(api, desk, b_items):
    d = desk
    draft_b, published_b = b_items
    ok(api(d.reviewer_b).post(f"/items/{draft_b.pk}/approve", {
        "task_state_id": draft_b.current_workflow_state.current_task_state.pk}))
    decided = draft_b.workflow_states.get().task_states.get(status="approved")
    # site A's reviewer names the decided step of B's draft while "deciding" B's published item
    response = api(d.reviewer_a).post(f"/items/{published_b.pk}/approve", {"task_state_id": decided.pk})
    body = refused(response, 403)  # not a member of B: nothing about B's reviews, stale or not
    assert "city_reviewer" not in body["detail"] and "市政府审核" not in body["detail"], body["detail"]
