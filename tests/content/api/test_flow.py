"""The whole path through the API: a major policy and its interpretation are created, linked,
reviewed by both named reviewers and published; a subordinate site's editor finds the repost
duty in the queue and reposts it, and the repost shows its source."""

import datetime as dt

import pytest

from govsites import clock as govclock
from govsites.audit.models import AuditLogEntry
from govsites.content.models import InterpretationLink, Item, Placement, RepostDuty
from tests.content.api.conftest import ORG, approve, new_item, ok, refused, review

START = govclock.at(2026, 3, 2, 9)

POLICY = {
    "kind": "policy",
    "title": "青岚市人民政府关于加快推进数字政府建设的实施意见",
    "issuing_body": "青岚市人民政府",
    "org_code": ORG,
    "document_number": "青政发〔2026〕3号",
    "written_on": "2026-02-20",
    "published_on": "2026-03-01",
    "subject": "02.01",
    "is_important_policy": True,
    "is_major_policy": True,
    "body": "<p>各县（区）人民政府，市政府各部门：现就加快推进数字政府建设提出如下意见。</p>",
}


@pytest.mark.rule("CON-01", "CON-03", "CON-04", "CON-09")
def test_policy_and_interpretation_through_review_to_a_repost_with_its_source(api, desk, clock):
    d = desk
    editor = api(d.editor_b)

    # -- create, linked -----------------------------------------------------------------------
    policy = new_item(editor, d.b, d.policies_b, **{k: v for k, v in POLICY.items()})
    assert policy["status"] == "draft" and policy["version"] == "latest"
    assert policy["index_number"] == f"{ORG}/2026-00001"  # allocated (CON-10)
    assert policy["document_number"] == "青政发〔2026〕3号"
    reading = new_item(editor, d.b, d.interpretations_b, kind="interpretation", interpretation_form="graphic",
                       title="图解：青岚市加快推进数字政府建设实施意见", policies=[policy["id"]])
    assert [p["id"] for p in reading["policies"]] == [policy["id"]]
    assert [i["id"] for i in ok(editor.get(f"/items/{policy['id']}"))["interpretations"]] == [reading["id"]]

    # -- submit both ---------------------------------------------------------------------------
    for item in (policy, reading):
        submitted = ok(editor.post(f"/items/{item['id']}/submit"))
        assert submitted["status"] == "in_review"
        assert submitted["workflow"]["current_task"]["name"] == "市政府审核·内容审核"
        assert submitted["workflow"]["current_task"]["you_may_decide"] is False
        assert submitted["lock"]["blocks_you"] is True  # in review: only the step's reviewer edits

    # CON-09: the confidentiality reviewer cannot take the content step, an editor no step at all
    body = refused(approve(api(d.secrecy_b), policy["id"]), 403)
    assert "内容审核" in body["detail"]
    refused(approve(editor, policy["id"]), 403)

    # content review of the policy, then its confidentiality review: refused while the major
    # policy has no live interpretation (Shanxi: block, CON-07) — and nothing of the approval stays
    seen = ok(api(d.reviewer_b).get(f"/items/{policy['id']}"))
    assert seen["workflow"]["current_task"]["you_may_decide"] is True
    ok(approve(api(d.reviewer_b), policy["id"], "同意"))
    early = refused(approve(api(d.secrecy_b), policy["id"]), 400)
    assert early["rule"] == "CON-07" and "解读" in early["detail"]
    assert not Item.objects.get(pk=policy["id"]).live
    assert ok(editor.get(f"/items/{policy['id']}"))["workflow"]["current_task"]["name"] == "市政府审核·保密审查"

    # the interpretation through both steps, then the policy's last step publishes it
    live_reading = review(api, d.reviewer_b, d.secrecy_b, reading["id"])
    assert live_reading["status"] == "live" and live_reading["live"] is True
    live_policy = ok(approve(api(d.secrecy_b), policy["id"], "无涉密内容"))
    assert live_policy["status"] == "live" and live_policy["workflow"] is None
    assert live_policy["live_revision_id"] == live_policy["latest_revision_id"]
    assert [i["id"] for i in live_policy["interpretations"]] == [reading["id"]]
    assert live_policy["interpretations"][0]["live"] is True
    assert InterpretationLink.objects.filter(policy_id=policy["id"], interpretation_id=reading["id"]).count() == 1
    decided = AuditLogEntry.objects.filter(object_id=str(policy["id"]), action="content.item.approve")
    assert {(e.user, e.via) for e in decided} == {(d.reviewer_b, "api"), (d.secrecy_b, "api")}

    # -- the subordinate sites owe a repost within 12 hours (Shanxi, CON-03) ----------------------
    owing = set(RepostDuty.objects.filter(item_id=policy["id"]).values_list("site_id", flat=True))
    assert owing == {d.a.pk, d.county.pk}
    county = api(d.editor_county)
    clock.set(START + dt.timedelta(hours=3))
    [duty] = ok(county.get("/repost-queue"))
    assert duty["item"]["id"] == policy["id"] and duty["site"]["id"] == d.county.pk
    assert duty["hours_left"] == 9.0 and duty["late"] is False
    assert duty["due_at"] == (START + dt.timedelta(hours=12)).isoformat()
    assert duty["source_name"] == "青岚市人民政府"
    assert ok(county.get("/repost-queue", site=d.county.pk)) == [duty]

    # the county editor reads the live policy (CON-01) but not its workflow, lock or drafts
    read = ok(county.get(f"/items/{policy['id']}"))
    assert read["version"] == "live" and read["workflow"] is None and read["problems"] is None
    refused(county.get(f"/items/{policy['id']}/revisions"), 404)

    reposted = ok(county.post("/repost", {"duty": duty["id"], "column": d.policies_county.pk}), 201)
    assert reposted["is_repost"] is True and reposted["duty_id"] == duty["id"] and reposted["late"] is False
    assert reposted["site"]["id"] == d.county.pk and reposted["column"]["id"] == d.policies_county.pk
    published = govclock.local(Item.objects.get(pk=policy["id"]).published_on)
    source_url = f"https://www.qinglan.gov.cn/zcwj/{published:%Y%m}/t{published:%Y%m%d}_{policy['id']}.html"
    assert (reposted["source_name"], reposted["source_url"]) == ("青岚市人民政府", source_url)
    assert ok(county.get("/repost-queue")) == []
    assert RepostDuty.objects.get(pk=duty["id"]).fulfilled_at == START + dt.timedelta(hours=3)

    # GET shows every use; the one on the county site states the source name and link (CON-04)
    shown = {p["site"]["id"]: p for p in ok(county.get(f"/items/{policy['id']}"))["placements"]}
    assert shown[d.b.pk]["shows_source"] is False and shown[d.b.pk]["source_name"] is None
    assert shown[d.county.pk]["shows_source"] is True and shown[d.county.pk]["is_repost"] is True
    assert (shown[d.county.pk]["source_name"], shown[d.county.pk]["source_url"]) == ("青岚市人民政府", source_url)
    # the repost is the one library item, not a copy (CON-01)
    assert Item.objects.count() == 2
    assert Placement.objects.filter(item_id=policy["id"]).count() == 2

    # reposting again is refused; the API call is audited under the reposting site
    again = refused(county.post("/repost", {"duty": duty["id"], "column": d.policies_county.pk}), 409)
    assert "已于" in again["detail"]
    entry = AuditLogEntry.objects.get(action="content.item.repost")
    assert (entry.user, entry.via, entry.site_ref) == (d.editor_county, "api", d.county.pk)


@pytest.mark.rule("CON-03")
def test_a_late_repost_is_marked_late(api, desk, clock):
    d = desk
    editor = api(d.editor_b)
    item = new_item(editor, d.b, d.news_b, is_important_policy=True)
    ok(editor.post(f"/items/{item['id']}/submit"))
    review(api, d.reviewer_b, d.secrecy_b, item["id"])
    clock.set(START + dt.timedelta(hours=13))
    county = api(d.editor_county)
    [duty] = ok(county.get("/repost-queue"))
    assert duty["late"] is True and duty["hours_left"] == -1.0
    reposted = ok(county.post("/repost", {"duty": duty["id"], "column": d.policies_county.pk}), 201)
    assert reposted["late"] is True and reposted["is_repost"] is True


@pytest.mark.rule("CON-09")
def test_reject_then_revise_and_resubmit(api, desk):
    d = desk
    editor = api(d.editor_a)
    item = new_item(editor, d.a, d.news_a)
    ok(editor.post(f"/items/{item['id']}/submit"))
    reviewer = api(d.reviewer_a)
    seen = ok(reviewer.get(f"/items/{item['id']}"))
    step = seen["workflow"]["current_task"]["task_state_id"]
    missing = refused(reviewer.post(f"/items/{item['id']}/reject", {"task_state_id": step}), 400)
    assert "意见" in missing["errors"]["comment"][0]
    back = ok(reviewer.post(f"/items/{item['id']}/reject", {"task_state_id": step, "comment": "请补充时间要求"}))
    assert back["status"] == "needs_changes" and back["workflow"]["current_task"]["comment"] == "请补充时间要求"
    # the decision the reviewer saw is taken: deciding it again is a 409
    stale = refused(reviewer.post(f"/items/{item['id']}/approve", {"task_state_id": step}), 409)
    assert "未生效" in stale["detail"]

    edited = ok(editor.patch(f"/items/{item['id']}", {
        "expected_revision_id": back["latest_revision_id"], "body": "<p>请于3月10日前完成。</p>"}))
    assert edited["status"] == "needs_changes" and edited["latest_revision_id"] != back["latest_revision_id"]
    assert ok(editor.post(f"/items/{item['id']}/submit"))["status"] == "in_review"
    live = review(api, d.reviewer_a, d.secrecy_a, item["id"])
    assert live["status"] == "live" and live["body"] == "<p>请于3月10日前完成。</p>"
    revisions = ok(editor.get(f"/items/{item['id']}/revisions"))
    assert revisions["count"] == 2 and revisions["items"][0]["is_live"] and revisions["items"][0]["is_latest"]
