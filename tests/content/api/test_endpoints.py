"""The library listing (filters, keyset pages at constant cost) and the remaining item endpoints:
lock, revert, schedule, publish now, unpublish, archive an item or a column."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govsites import clock as govclock
from govsites.audit.models import AuditLogEntry
from govsites.content.models import Item
from tests.content.api.conftest import ORG, approve, new_item, ok, refused, review

LATER = "2030-01-06T09:00:00+08:00"  # Wagtail schedules against the real clock


def listed(client, **params):
    return [row["id"] for row in ok(client.get("/items", **params))["items"]]


def test_filters_and_statuses(api, desk, clock):
    d = desk
    editor = api(d.editor_a)
    draft = new_item(editor, d.a, d.news_a, title="统计局动态", published_on="2026-02-01")
    policy = new_item(editor, d.a, d.policies_a, kind="policy", title="统计执法检查办法", issuing_body="青岚市统计局",
                      org_code=ORG, document_number="青统发〔2026〕5号", written_on="2026-02-20",
                      published_on="2026-03-01", subject="02.01")
    waiting = new_item(editor, d.a, d.news_a, title="定时发布的通知", go_live_at=LATER)
    ok(editor.post(f"/items/{waiting['id']}/submit"))
    review(api, d.reviewer_a, d.secrecy_a, waiting["id"])
    live = new_item(editor, d.a, d.news_a, title="已发布的动态")
    ok(editor.post(f"/items/{live['id']}/submit"))
    review(api, d.reviewer_a, d.secrecy_a, live["id"])
    in_review = new_item(editor, d.a, d.news_a, title="审核中的动态")
    ok(editor.post(f"/items/{in_review['id']}/submit"))
    archived = new_item(editor, d.a, d.news_a, title="旧动态")
    ok(api(d.admin_a).post(f"/items/{archived['id']}/archive"))

    statuses = {row["id"]: row["status"] for row in ok(editor.get("/items"))["items"]}
    assert statuses == {draft["id"]: "draft", policy["id"]: "draft", waiting["id"]: "scheduled",
                        live["id"]: "live", in_review["id"]: "in_review", archived["id"]: "archived"}
    for status in ("draft", "scheduled", "live", "in_review", "archived"):
        assert set(listed(editor, status=status)) == {k for k, v in statuses.items() if v == status}, status
    assert listed(editor, kind="policy") == [policy["id"]]
    assert listed(editor, subject="02") == [policy["id"]]
    assert listed(editor, q="执法") == [policy["id"]]
    assert listed(editor, q="青统发〔2026〕5号") == [policy["id"]]
    assert listed(editor, q=f"{ORG}/2026-00001") == [policy["id"]]
    assert listed(editor, date_from="2026-02-01", date_to="2026-02-01") == [draft["id"]]
    assert set(listed(editor, column=d.policies_a.pk)) == {policy["id"]}
    assert set(listed(editor, site=d.a.pk)) == set(statuses)
    row = ok(editor.get("/items", kind="policy"))["items"][0]
    assert row["kind_label"] == "政策文件" and row["status_label"] == "草稿" and row["owning_site"]["id"] == d.a.pk
    scheduled = ok(editor.get(f"/items/{waiting['id']}"))
    assert scheduled["scheduled_at"] == "2030-01-06T09:00:00+08:00" and scheduled["lock"]["blocks_you"] is True


def test_keyset_pages_walk_every_row_once_newest_first_at_constant_cost(api, desk, clock):
    d = desk
    editor = api(d.editor_a)
    # the same moment for many rows (a frozen clock): ties are broken by id
    ids = [new_item(editor, d.a, d.news_a, title=f"动态{n}")["id"] for n in range(7)]
    dated = new_item(editor, d.a, d.news_a, title="有发布时间的动态", published_on="2026-01-05")["id"]
    clock.set(govclock.at(2026, 3, 5, 10))
    newest = new_item(editor, d.a, d.news_a, title="最新动态")["id"]
    expected = [newest, *sorted(ids, reverse=True), dated]
    for size in (1, 2, 3, 50):
        seen, cursor = [], None
        while True:
            page = ok(editor.get("/items", limit=size, **({"cursor": cursor} if cursor else {})))
            assert len(page["items"]) <= size
            seen += [row["id"] for row in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == expected, size
    # the cost of a page does not grow with its length or its depth
    counts = []
    for params in ({"limit": 1}, {"limit": 50}, {"limit": 2, "cursor": ok(editor.get("/items", limit=5))["next_cursor"]}):
        with CaptureQueriesContext(connection) as queries:
            ok(editor.get("/items", **params))
        counts.append(len(queries))
    assert len(set(counts)) == 1 and counts[0] <= 8, counts


def test_lock_keeps_the_other_editor_out_until_unlocked(api, desk):
    d = desk
    first, second = api(d.editor_a), api(d.editor2_a)
    item = new_item(first, d.a, d.news_a)
    locked = ok(first.post(f"/items/{item['id']}/lock"))
    assert locked["lock"]["locked"] is True and locked["lock"]["locked_by"] == "stats_editor"
    assert locked["lock"]["blocks_you"] is False
    seen = ok(second.get(f"/items/{item['id']}"))
    assert seen["lock"]["blocks_you"] is True and "锁定编辑" in seen["lock"]["message"]
    body = refused(second.patch(f"/items/{item['id']}", {"expected_revision_id": item["latest_revision_id"],
                                                         "title": "乙的标题"}), 409)
    assert "锁定" in body["detail"]
    refused(second.post(f"/items/{item['id']}/lock"), 409)
    refused(second.post(f"/items/{item['id']}/unlock"), 403)  # only its holder or a site administrator
    assert ok(api(d.admin_a).post(f"/items/{item['id']}/unlock"))["lock"]["locked"] is False
    ok(second.patch(f"/items/{item['id']}", {"expected_revision_id": item["latest_revision_id"], "title": "乙的标题"}))


def test_revert_to_an_earlier_version(api, desk):
    d = desk
    editor = api(d.editor_a)
    item = new_item(editor, d.a, d.news_a)
    first = item["latest_revision_id"]
    edited = ok(editor.patch(f"/items/{item['id']}", {"expected_revision_id": first, "title": "改后的标题"}))
    stale = refused(editor.post(f"/items/{item['id']}/revert", {"revision_id": first,
                                                                "expected_revision_id": first}), 409)
    assert "已被他人修改" in stale["detail"]
    back = ok(editor.post(f"/items/{item['id']}/revert", {"revision_id": first,
                                                          "expected_revision_id": edited["latest_revision_id"]}))
    assert back["title"] == "关于做好春季防汛工作的通知"
    assert [r["id"] for r in ok(editor.get(f"/items/{item['id']}/revisions"))["items"]][1:] == [
        edited["latest_revision_id"], first]
    other = new_item(editor, d.a, d.news_a)
    wrong = refused(editor.post(f"/items/{item['id']}/revert", {
        "revision_id": other["latest_revision_id"], "expected_revision_id": back["latest_revision_id"]}), 400)
    assert "不属于该信息" in wrong["detail"]


@pytest.mark.rule("CON-09")
def test_publish_now_unschedule_and_unpublish(api, desk):
    d = desk
    editor, admin = api(d.editor_a), api(d.admin_a)
    item = new_item(editor, d.a, d.news_a, go_live_at=LATER)
    refused(admin.post(f"/items/{item['id']}/publish"), 400)  # not reviewed (CON-09)
    assert refused(admin.post(f"/items/{item['id']}/unschedule"), 409)["detail"] == "该信息没有定时发布安排。"
    ok(editor.post(f"/items/{item['id']}/submit"))
    waiting = review(api, d.reviewer_a, d.secrecy_a, item["id"])
    assert waiting["status"] == "scheduled" and not waiting["live"]
    refused(editor.post(f"/items/{item['id']}/publish"), 403)  # editors do not publish
    unscheduled = ok(editor.post(f"/items/{item['id']}/unschedule"))
    assert unscheduled["status"] == "draft" and unscheduled["scheduled_at"] is None
    live = ok(admin.post(f"/items/{item['id']}/publish"))
    assert live["status"] == "live" and live["live_revision_id"] == live["latest_revision_id"]

    assert "撤下原因" in refused(admin.post(f"/items/{item['id']}/unpublish", {}), 400)["errors"]["reason"][0]
    refused(editor.post(f"/items/{item['id']}/unpublish", {"reason": "核实"}), 403)
    down = ok(admin.post(f"/items/{item['id']}/unpublish", {"reason": "内容需核实"}))
    assert down["live"] is False
    assert AuditLogEntry.objects.get(action="content.item.unpublish").reason == "内容需核实"
    assert ok(admin.post(f"/items/{item['id']}/publish"))["live"] is True


@pytest.mark.rule("REG-15")
def test_archiving_an_item_and_a_column(api, desk, clock):
    d = desk
    editor, admin = api(d.editor_a), api(d.admin_a)
    item = new_item(editor, d.a, d.news_a)
    ok(editor.post(f"/items/{item['id']}/submit"))
    live = review(api, d.reviewer_a, d.secrecy_a, item["id"])
    refused(editor.post(f"/items/{item['id']}/archive"), 403)
    archived = ok(admin.post(f"/items/{item['id']}/archive"))
    assert archived["status"] == "archived" and archived["live"] is True
    assert archived["archive_banner"] == "已归档\u3000归档时间：2026-03-02"
    assert archived["archived_on"] == "2026-03-02"
    read_only = refused(editor.patch(f"/items/{item['id']}", {"expected_revision_id": live["latest_revision_id"],
                                                              "title": "改"}), 400)
    assert read_only["rule"] == "REG-15"
    assert refused(admin.post(f"/items/{item['id']}/archive"), 409)["detail"].startswith("该信息已于2026-03-02归档")

    second = new_item(editor, d.a, d.news_a, title="栏目中的另一条")
    elsewhere = new_item(editor, d.a, d.policies_a, title="其他栏目的信息")
    refused(editor.post(f"/columns/{d.news_a.pk}/archive"), 403)
    result = ok(admin.post(f"/columns/{d.news_a.pk}/archive"))
    assert result["column"]["id"] == d.news_a.pk and result["column"]["title"] == "政务动态"
    assert [row["id"] for row in result["archived"]] == [second["id"]]
    assert result["archived"][0]["status"] == "archived"
    assert Item.objects.get(pk=elsewhere["id"]).archived_on is None
    refused(admin.post("/columns/987654/archive"), 404)


def test_the_reviewer_sees_the_pre_publish_problems(api, desk):
    d = desk
    editor = api(d.editor_a)
    item = new_item(editor, d.a, d.news_a, kind="map", title="青岚市行政区划图", map_approval_number="澜S（2026）012号",
                    body="<p>欢迎加微信领取优惠。</p>")
    ok(editor.post(f"/items/{item['id']}/submit"))
    seen = ok(api(d.reviewer_a).get(f"/items/{item['id']}"))
    assert all(set(p) == {"rule", "message", "blocking", "field", "positions"} for p in seen["problems"])
    assert all(p["message"].startswith(f"【{p['rule']}】") for p in seen["problems"])
    ok(approve(api(d.reviewer_a), item["id"]))


def test_columns_of_a_site_in_tree_order(api, desk, estate):
    d = desk
    columns = ok(api(d.editor_a).get("/columns", site=d.a.pk))
    assert columns[0]["title"] == "概况信息" and columns[0]["column_type"] == "overview"
    assert columns[0]["column_type_label"] == "概况信息" and columns[0]["level"] == 1
    # a supervisor reads the structure of the sites of the area
    assert ok(api(estate.city_office).get("/columns", site=d.a.pk)) == columns
    refused(api(estate.county_office).get("/columns", site=d.a.pk), 404)
    # a site without a page tree yet has no columns
    assert ok(api(estate.province_office).get("/columns", site=estate.dev_reform_site.pk)) == []
    refused(api(d.editor_a).get("/columns", site=987654), 404)


def test_the_repost_queue_is_the_editors_own(api, desk, clock):
    d = desk
    editor = api(d.editor_b)
    item = new_item(editor, d.b, d.policies_b, is_important_policy=True)
    ok(editor.post(f"/items/{item['id']}/submit"))
    review(api, d.reviewer_b, d.secrecy_b, item["id"])
    [duty] = ok(api(d.editor_a).get("/repost-queue"))
    assert duty["site"]["id"] == d.a.pk and duty["hours_left"] == 12.0
    # a duty is only its site's: nobody else reposts through it
    refused(api(d.editor_county).post("/repost", {"duty": duty["id"], "column": d.policies_county.pk}), 404)
    wrong = refused(api(d.editor_a).post("/repost", {"duty": duty["id"], "site": d.county.pk,
                                                     "column": d.policies_county.pk}), 403)
    assert "转载" in wrong["detail"]
    assert ok(api(d.reviewer_a).get("/repost-queue")) == []  # reviewers do not repost
    clock.set(govclock.at(2026, 3, 2, 9) + dt.timedelta(hours=1))
    assert ok(api(d.editor_a).get("/repost-queue", site=d.a.pk))[0]["hours_left"] == 11.0
