"""Item actions, the one way content changes state (create, edit, submit, review, lock): review by
the named people of the item's own site (CON-09), tenancy, and two editors saving at once."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Revision, TaskState, WorkflowState

from govsites import clock
from govsites.audit.models import AuditLogEntry
from govsites.content.actions import (
    ConflictError,
    CreateItem,
    DecideReview,
    EditItem,
    LockItem,
    NotAllowed,
    RevertItem,
    RuleViolation,
    SubmitItem,
    UnlockItem,
    UnpublishItem,
)
from govsites.content.columns import ColumnType
from govsites.content.models import InterpretationLink, Item, Placement, SiteRole
from govsites.registry.errors import messages_of, rule_of
from tests.conftest import actor
from tests.content.library_helpers import column, draft, member, site_workflow, two_step_workflow

NOTICE = {"title": "关于做好春季防汛工作的通知", "body": "<p>各县（区）人民政府：现就做好防汛工作通知如下。</p>"}


@pytest.fixture
def desk(estate):
    """Site A (统计局) with a two-step workflow and its named people; site B (市政府门户) with its own."""
    a, b = estate.stats_site, estate.city_portal
    site_workflow(a, two_step_workflow())
    return {
        "a": a,
        "b": b,
        "news_a": column(a, ColumnType.NEWS),
        "news_b": column(b, ColumnType.NEWS),
        "editor": member("stats_editor", a, SiteRole.EDITOR),
        "editor2": member("stats_editor2", a, SiteRole.EDITOR),
        "reviewer": member("stats_reviewer", a, SiteRole.REVIEWER),
        "secrecy": member("stats_secrecy", a, SiteRole.CONFIDENTIALITY_REVIEWER),
        "admin": member("stats_admin", a, SiteRole.SITE_ADMIN),
        "editor_b": member("portal_editor", b, SiteRole.EDITOR),
        "reviewer_b": member("portal_reviewer", b, SiteRole.REVIEWER, SiteRole.CONFIDENTIALITY_REVIEWER),
    }


def create(user, site, col, **data):
    return CreateItem(actor(user), site, col, {**NOTICE, **data}).execute()


def edit(user, item, **data):
    item.refresh_from_db()
    return EditItem(actor(user), item, data, item.latest_revision_id).execute()


def decide(user, item, approve=True, comment="", **kwargs):
    return DecideReview(actor(user), item, approve, comment, **kwargs).execute()


def review_through(desk, item):
    """Both steps approved by site A's named people."""
    decide(desk["reviewer"], item)
    return decide(desk["secrecy"], item)


def entries(action):
    return AuditLogEntry.objects.filter(action=action)


@pytest.mark.rule("CON-09")
def test_an_item_goes_from_draft_through_both_reviews_to_live(desk):
    d = desk
    item = create(d["editor"], d["a"], d["news_a"], source_name="青岚市统计局")
    assert not item.live and item.revisions.count() == 1
    assert Placement.objects.get(item=item).column_id == d["news_a"].pk
    assert item.created_by == d["editor"]

    state = SubmitItem(actor(d["editor"]), item).execute()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name.endswith("内容审核")
    # the confidentiality reviewer cannot take the content step, nor the content reviewer the next
    with pytest.raises(NotAllowed, match="内容审核"):
        decide(d["secrecy"], item)
    item = decide(d["reviewer"], item)
    assert not item.live
    with pytest.raises(NotAllowed, match="保密审查"):
        decide(d["reviewer"], item)
    item = decide(d["secrecy"], item, comment="无涉密内容")
    assert item.live and item.live_revision_id == item.latest_revision_id
    assert item.current_workflow_state is None
    approvals = TaskState.objects.filter(status=TaskState.STATUS_APPROVED, revision=item.live_revision)
    assert {ts.finished_by for ts in approvals} == {d["reviewer"], d["secrecy"]}
    # every step is in the audit trail, under the owning site
    trail = AuditLogEntry.objects.filter(object_id=str(item.pk), action__startswith="content.item.")
    assert list(trail.order_by("timestamp", "id").values_list("action", flat=True)) == [
        "content.item.create", "content.item.submit", "content.item.approve", "content.item.approve",
    ]
    assert set(trail.values_list("site_ref", flat=True)) == {d["a"].pk}
    assert trail.get(action="content.item.approve", reason="无涉密内容").data["published"] is True


@pytest.mark.rule("CON-09")
def test_a_rejected_item_is_revised_and_reviewed_again_from_the_first_step(desk):
    d = desk
    item = create(d["editor"], d["a"], d["news_a"])
    SubmitItem(actor(d["editor"]), item).execute()
    decide(d["reviewer"], item)
    with pytest.raises(ValidationError) as excinfo:
        decide(d["secrecy"], item, approve=False)
    assert messages_of(excinfo.value) == {"comment": ["退回修改须填写意见，说明需要如何修改。"]}
    decide(d["secrecy"], item, approve=False, comment="第三段含内部会议安排，请删除")
    item.refresh_from_db()
    state = item.current_workflow_state
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.current_task_state.comment == "第三段含内部会议安排，请删除"
    assert entries("content.item.reject").get().reason == "第三段含内部会议安排，请删除"

    edit(d["editor"], item, body="<p>删除内部安排后的正文。</p>")
    SubmitItem(actor(d["editor"]), item).execute()
    item.refresh_from_db()
    # the revised version goes through both steps again: the old content approval does not carry over
    assert item.current_workflow_state.current_task_state.task.name.endswith("内容审核")
    assert WorkflowState.objects.for_instance(item).filter(status=WorkflowState.STATUS_CANCELLED).count() == 1
    item = review_through(d, item)
    assert item.live and item.body == "<p>删除内部安排后的正文。</p>"
    assert entries("content.item.submit").filter(data__resubmitted=True).count() == 1


@pytest.mark.rule("CON-09")
def test_a_site_without_configured_review_cannot_submit(desk):
    d = desk
    item = create(d["editor_b"], d["b"], d["news_b"])
    with pytest.raises(RuleViolation) as excinfo:
        SubmitItem(actor(d["editor_b"]), item).execute()
    assert str(excinfo.value).startswith("【CON-09】本网站尚未配置内容审核和保密审查流程")
    assert not WorkflowState.objects.for_instance(item).exists()


def test_an_item_in_review_is_not_submitted_twice_nor_changed_by_its_editor(desk, settings):
    d = desk
    settings.WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
    item = create(d["editor"], d["a"], d["news_a"])
    SubmitItem(actor(d["editor"]), item).execute()
    with pytest.raises(ConflictError, match="已在审核中"):
        SubmitItem(actor(d["editor2"]), item).execute()
    with pytest.raises(ConflictError, match="审核期间"):
        edit(d["editor"], item, title="改标题")
    # as in Wagtail, the reviewer of the current step may correct it …
    edit(d["reviewer"], item, title="关于做好2026年春季防汛工作的通知")
    decide(d["reviewer"], item)
    item.refresh_from_db()
    # … and as the approval covered the submitted text, the step runs again on the corrected one
    task_state = item.current_workflow_state.current_task_state
    assert task_state.task.name.endswith("内容审核") and task_state.revision_id == item.latest_revision_id
    assert review_through(d, item).title == "关于做好2026年春季防汛工作的通知"


def test_editing_a_live_item_makes_a_draft_until_it_is_approved(desk):
    d = desk
    item = review_through(d, _submitted(d))
    edited = edit(d["editor"], item, title="关于做好春季防汛工作的补充通知")
    item.refresh_from_db()
    assert item.live and item.title == NOTICE["title"] and item.has_unpublished_changes
    assert edited.title == "关于做好春季防汛工作的补充通知"
    assert item.get_latest_revision_as_object().title == "关于做好春季防汛工作的补充通知"
    change = entries("content.item.edit").get()
    assert change.changes == {"title": {"before": NOTICE["title"], "after": "关于做好春季防汛工作的补充通知"}}
    assert change.site_ref == d["a"].pk
    SubmitItem(actor(d["editor"]), item).execute()
    assert review_through(d, item).title == "关于做好春季防汛工作的补充通知"


def test_two_editors_saving_the_same_version_one_wins(desk):
    d = desk
    item = create(d["editor"], d["a"], d["news_a"])
    seen = item.latest_revision_id  # both opened this version
    EditItem(actor(d["editor"]), Item.objects.get(pk=item.pk), {"title": "甲的标题"}, seen).execute()
    with pytest.raises(ConflictError) as excinfo:
        EditItem(actor(d["editor2"]), Item.objects.get(pk=item.pk), {"title": "乙的标题"}, seen).execute()
    assert excinfo.value.message.startswith("该信息已被他人修改（stats_editor于")
    item.refresh_from_db()
    assert item.revisions.count() == 2 and item.title == "甲的标题"
    assert entries("content.item.edit").count() == 1


def test_a_lock_keeps_everyone_else_out(desk):
    d = desk
    item = create(d["editor"], d["a"], d["news_a"])
    LockItem(actor(d["editor"]), item).execute()
    with pytest.raises(ConflictError, match="已被stats_editor于.*锁定编辑"):
        edit(d["editor2"], item, title="乙的标题")
    with pytest.raises(ConflictError, match="锁定"):
        LockItem(actor(d["editor2"]), item).execute()
    with pytest.raises(NotAllowed):
        UnlockItem(actor(d["editor2"]), item).execute()
    assert edit(d["editor"], item, title="甲的标题").title == "甲的标题"  # the holder edits
    UnlockItem(actor(d["admin"]), item).execute()  # a site administrator releases it
    assert edit(d["editor2"], item, title="乙的标题").title == "乙的标题"
    assert entries("content.item.unlock").get().data == {"locked_by": d["editor"].pk}
    with pytest.raises(NotAllowed):
        LockItem(actor(d["editor_b"]), item).execute()


def test_rollback_to_an_earlier_revision(desk):
    d = desk
    item = create(d["editor"], d["a"], d["news_a"])
    first = item.latest_revision_id
    edit(d["editor"], item, title="第二版标题")
    item.refresh_from_db()
    reverted = RevertItem(actor(d["editor"]), item, first, item.latest_revision_id).execute()
    assert reverted.title == NOTICE["title"] and reverted.revisions.count() == 3
    assert entries("content.item.revert").get().data["previous_revision"] == first
    other = create(d["editor"], d["a"], d["news_a"], title="另一条")
    with pytest.raises(ValidationError, match="所选版本不属于该信息"):
        RevertItem(actor(d["editor"]), item, other.latest_revision_id, reverted.latest_revision_id).execute()
    with pytest.raises(NotAllowed):
        RevertItem(actor(d["editor_b"]), item, first, reverted.latest_revision_id).execute()


def test_title_is_required_and_short(desk):
    d = desk
    with pytest.raises(ValidationError) as excinfo:
        create(d["editor"], d["a"], d["news_a"], title="  ")
    assert messages_of(excinfo.value) == {"title": ["请填写标题。"]}
    with pytest.raises(ValidationError) as excinfo:
        create(d["editor"], d["a"], d["news_a"], title="长" * 201)
    assert messages_of(excinfo.value) == {"title": ["标题不能超过200个字（现为201个字）。"]}
    with pytest.raises(ValidationError) as excinfo:
        create(d["editor"], d["a"], d["news_a"], colour="红")
    assert "colour" in messages_of(excinfo.value)
    assert not Item.objects.exists()


def test_scheduled_publishing_waits_for_its_time(desk):
    d = desk
    with pytest.raises(ValidationError, match="下线时间须晚于定时发布时间"):
        create(d["editor"], d["a"], d["news_a"], go_live_at="2099-05-01 09:00", expire_at="2099-04-01")
    item = create(d["editor"], d["a"], d["news_a"], go_live_at=clock.now() + dt.timedelta(days=30))
    SubmitItem(actor(d["editor"]), item).execute()
    item = review_through(d, item)
    assert not item.live and item.revisions.filter(approved_go_live_at__isnull=False).count() == 1
    with pytest.raises(ConflictError, match="定时发布"):
        edit(d["editor"], item, title="改标题")


def test_only_a_site_administrator_unpublishes_and_says_why(desk):
    d = desk
    item = review_through(d, _submitted(d))
    with pytest.raises(NotAllowed):
        UnpublishItem(actor(d["editor"]), item, "过时").execute()
    with pytest.raises(ValidationError, match="请填写撤下原因"):
        UnpublishItem(actor(d["admin"]), item, " ").execute()
    UnpublishItem(actor(d["admin"]), item, "信息已过时").execute()
    item.refresh_from_db()
    assert not item.live
    assert entries("content.item.unpublish").get().reason == "信息已过时"
    with pytest.raises(ConflictError, match="尚未发布或已被撤下"):
        UnpublishItem(actor(d["admin"]), item, "再次撤下").execute()


# -- tenancy ----------------------------------------------------------------------------------

@pytest.mark.rule("CON-01")
def test_an_editor_works_only_in_own_site(desk):
    d = desk
    with pytest.raises(NotAllowed):
        create(d["editor"], d["b"], d["news_b"])
    with pytest.raises(ValidationError) as excinfo:
        create(d["editor"], d["a"], d["news_b"])  # own site, other site's column
    assert messages_of(excinfo.value)["column"] == ["栏目“政务动态”不属于网站“青岚市统计局网站”，请选择本网站的栏目。"]
    item_b = create(d["editor_b"], d["b"], d["news_b"])
    for action in (
        EditItem(actor(d["editor"]), item_b, {"title": "篡改"}, item_b.latest_revision_id),
        SubmitItem(actor(d["editor"]), item_b),
        LockItem(actor(d["editor"]), item_b),
    ):
        with pytest.raises(NotAllowed):
            action.execute()
    assert Item.objects.count() == 1 and item_b.revisions.count() == 1


@pytest.mark.rule("CON-09")
def test_a_reviewer_of_another_site_cannot_decide(desk):
    d = desk
    item = _submitted(d)
    with pytest.raises(NotAllowed):
        decide(d["reviewer_b"], item)
    with pytest.raises(NotAllowed):
        decide(d["reviewer_b"], item, approve=False, comment="驳回")
    assert item.current_workflow_state.current_task_state.status == TaskState.STATUS_IN_PROGRESS


@pytest.mark.rule("CON-09")
def test_a_decision_on_a_step_someone_else_decided_is_refused(desk):
    d = desk
    second = member("stats_reviewer2", d["a"], SiteRole.REVIEWER)
    item = _submitted(d)
    shown = item.current_workflow_state.current_task_state_id  # both reviewers opened this step
    decide(d["reviewer"], item, task_state_id=shown)
    with pytest.raises(ConflictError) as excinfo:
        decide(second, item, approve=False, comment="不同意", task_state_id=shown)
    assert excinfo.value.message == "“内容审核+保密审查·内容审核”步骤已由stats_reviewer处理为“已批准”，您的决定未生效，请刷新后查看。"
    assert not entries("content.item.reject").exists()


@pytest.mark.rule("CON-09")
def test_a_decision_that_loses_the_race_is_refused_under_the_lock(desk):
    d = desk
    second = member("stats_reviewer2", d["a"], SiteRole.REVIEWER)
    item = _submitted(d)
    racing = DecideReview(actor(second), item, False, "不同意")
    checked = racing.check_permission

    def check_then_lose_the_race():
        allowed = checked()  # the step was open when the reviewer pressed the button …
        decide(d["reviewer"], Item.objects.get(pk=item.pk))  # … and a colleague's approval commits first
        return allowed

    racing.check_permission = check_then_lose_the_race
    with pytest.raises(ConflictError, match="已由stats_reviewer处理为.*未生效"):
        racing.execute()
    assert not entries("content.item.reject").exists()
    item.refresh_from_db()
    assert item.current_workflow_state.current_task_state.task.name.endswith("保密审查")


@pytest.mark.rule("CON-09")
def test_a_refused_publish_undoes_the_final_approval(desk, monkeypatch):
    d = desk
    item = _submitted(d)
    decide(d["reviewer"], item)

    def refuse(self, revision, **kwargs):
        raise RuleViolation("CON-07", "重大政策文件须同步发布解读。")

    monkeypatch.setattr(Item, "publish", refuse)
    with pytest.raises(RuleViolation, match="【CON-07】"):
        decide(d["secrecy"], item)
    item.refresh_from_db()
    task_state = item.current_workflow_state.current_task_state
    assert not item.live
    assert task_state.status == TaskState.STATUS_IN_PROGRESS and task_state.task.name.endswith("保密审查")
    assert item.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert entries("content.item.approve").count() == 1  # only the content review's


def _submitted(d):
    item = create(d["editor"], d["a"], d["news_a"])
    SubmitItem(actor(d["editor"]), item).execute()
    item.refresh_from_db()
    return item


def test_revisions_are_wagtail_revisions(desk):
    d = desk
    item = create(d["editor"], d["a"], d["news_a"])
    revision = Revision.objects.for_instance(item).get()
    assert revision.user == d["editor"] and revision.as_object().title == NOTICE["title"]


@pytest.mark.rule("CON-07")
def test_an_interpretation_links_only_policies_its_editor_may_see(desk):
    d = desk
    policy_b = draft(d["b"], d["news_b"], d["editor_b"], kind="policy", title="市政府关于…的意见（草稿）")
    published_b = draft(d["b"], d["news_b"], d["editor_b"], kind="policy", title="市政府关于…的意见")
    published_b.live = True
    published_b.save()
    interp = column(d["a"], ColumnType.INTERPRETATIONS)
    before = Item.objects.count()
    with pytest.raises(RuleViolation) as excinfo:
        create(d["editor"], d["a"], interp, kind="interpretation", interpretation_form="text",
               policies=[policy_b.pk])
    assert rule_of(excinfo.value) == "CON-07"
    assert f"编号{policy_b.pk}" in str(excinfo.value) and "无权查看" in str(excinfo.value)
    assert Item.objects.count() == before and not InterpretationLink.objects.exists()
    with pytest.raises(RuleViolation, match="须选择解读形式"):
        create(d["editor"], d["a"], interp, kind="interpretation", policies=[published_b.pk])
    item = create(d["editor"], d["a"], interp, kind="interpretation", interpretation_form="graphic",
                  policies=[published_b.pk])
    assert list(InterpretationLink.objects.values_list("policy_id", "interpretation_id")) == [(published_b.pk, item.pk)]
    with pytest.raises(RuleViolation, match="须关联所解读的政策文件"):
        edit(d["editor"], item, policies=[])
    second = draft(d["a"], d["news_a"], d["editor"], kind="policy", title="统计局关于…的办法（草稿）")
    edit(d["editor"], item, policies=[second.pk])  # own site's drafts may be linked
    assert list(InterpretationLink.objects.values_list("policy_id", flat=True)) == [second.pk]
    with pytest.raises(RuleViolation, match="只有政策解读可以关联政策文件"):
        create(d["editor"], d["a"], d["news_a"], policies=[published_b.pk])
