"""Nothing goes live past a blocking pre-publish problem (CON-05/06/07/09/10, REG-15).

Each rule is driven through the real two-step Wagtail workflow: the confidentiality reviewer's
approval is what publishes, so a refusal must roll that approval back and leave the item as it was.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import transaction
from wagtail.models import TaskState, Workflow, WorkflowState, WorkflowTask

from govsites.audit.models import AuditLogEntry
from govsites.content import prepublish
from govsites.content.columns import ColumnType
from govsites.content.models import InterpretationLink, SiteRole
from govsites.content.models.review import ContentReviewTask
from govsites.content.prepublish_receivers import INTERPRETATION_MISSING
from govsites.registry.errors import RuleViolation
from tests.content.library_helpers import column, draft, member, site_workflow, two_step_workflow

POLICY = {
    "kind": "policy",
    "title": "山西省统计局关于印发统计执法检查办法的通知",
    "issuing_body": "山西省统计局",
    "document_number": "晋统发〔2026〕3号",
    "written_on": dt.date(2026, 2, 20),
    "subject": "02.01",
    "validity": "valid",
}


@pytest.fixture
def desk(estate):
    site = estate.stats_site
    return SimpleNamespace(
        site=site,
        column=column(site, ColumnType.NEWS),
        editor=member("stats_editor", site, SiteRole.EDITOR),
        reviewer=member("stats_reviewer", site, SiteRole.REVIEWER),
        secrecy=member("stats_secrecy", site, SiteRole.CONFIDENTIALITY_REVIEWER),
        admin=member("stats_admin", site, SiteRole.SITE_ADMIN),
        workflow=site_workflow(site, two_step_workflow()).workflow,
    )


def item(desk, **fields):
    return draft(desk.site, desk.column, desk.editor, **fields)


def policy(desk, seq, **fields):
    return item(desk, index_number=f"000014349/2026-{seq:05d}", **{**POLICY, **fields})


def decide(obj, user):
    """One reviewer's approval, atomic like the moderation view's request."""
    task_state = obj.current_workflow_state.current_task_state
    with transaction.atomic():
        task_state.task.specific.on_action(task_state, user, "approve", comment="")
    obj.refresh_from_db()


def submit(desk, obj):
    desk.workflow.start(obj, desk.editor)
    obj.refresh_from_db()
    decide(obj, desk.reviewer)


def review(desk, obj):
    """Both approvals; the second one publishes."""
    submit(desk, obj)
    decide(obj, desk.secrecy)
    assert obj.live


def refused(desk, obj, rule) -> str:
    """Both reviewers approve, publishing fails with ``rule`` and nothing of the approval remains."""
    submit(desk, obj)
    with pytest.raises(RuleViolation) as error:
        decide(obj, desk.secrecy)
    assert error.value.rule == rule
    message = str(error.value)
    assert message.startswith(f"【{rule}】")
    obj.refresh_from_db()
    assert not obj.live and obj.live_revision is None
    state = WorkflowState.objects.for_instance(obj).get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.status == TaskState.STATUS_IN_PROGRESS  # the secrecy step is open again
    return message


def found(obj, rule):
    return [p for p in prepublish.report(obj) if p.rule == rule]


@pytest.mark.rule("CON-05")
def test_a_banned_word_blocks_publishing_and_says_where(desk):
    obj = item(desk, body="<p>本站提供网络赌博服务。</p>")
    [problem] = found(obj, "CON-05")
    assert problem.blocking and problem.field == "body" and problem.positions == (5,)
    message = refused(desk, obj, "CON-05")
    assert "正文" in message and "第5字“网络赌博”" in message


@pytest.mark.rule("CON-05")
def test_advertising_is_flagged_for_the_reviewer_and_does_not_block(desk):
    obj = item(desk, body="<p>本店促销，买一送一。</p>")
    [problem] = found(obj, "CON-05")
    assert not problem.blocking and problem.positions == (3, 6)
    assert "第3字“促销”" in problem.message and "需审核人员确认" in problem.message
    review(desk, obj)


@pytest.mark.rule("CON-05")
def test_news_about_fighting_gambling_publishes(desk):
    obj = item(desk, title="我市严厉打击赌博违法犯罪", body="<p>公安机关严厉打击赌博违法犯罪。</p>")
    assert found(obj, "CON-05") == []
    review(desk, obj)


@pytest.mark.rule("CON-06")
def test_a_map_needs_its_approval_number(desk):
    obj = item(desk, kind="map", title="青澜市行政区划图")
    assert "审图号" in refused(desk, obj, "CON-06")


@pytest.mark.rule("CON-06")
@pytest.mark.parametrize("fields", [{"map_approval_number": "晋S(2024)012号"}, {"is_standard_map": True}])
def test_a_map_with_approval_number_or_standard_publishes(desk, fields):
    review(desk, item(desk, kind="map", title="青澜市行政区划图", **fields))


@pytest.mark.rule("CON-05", "CON-06")
def test_one_refusal_lists_every_blocking_problem(desk):
    message = refused(desk, item(desk, kind="map", title="赌场分布图"), "CON-05")
    assert "【CON-06】" in message and message.count("【") == 2


@pytest.mark.rule("CON-07")
def test_a_major_policy_without_live_interpretation_is_blocked_in_shanxi(desk, profile, clock):
    profile("shanxi")
    obj = policy(desk, 1, is_major_policy=True)
    InterpretationLink.objects.create(policy=obj, interpretation=item(desk, kind="interpretation"))  # a draft
    assert "解读" in refused(desk, obj, "CON-07")


@pytest.mark.rule("CON-07")
def test_a_major_policy_without_interpretation_is_flagged_under_the_national_profile(desk, profile, clock):
    profile("national")
    obj = policy(desk, 1, is_major_policy=True)
    [problem] = found(obj, "CON-07")
    assert not problem.blocking
    review(desk, obj)


@pytest.fixture
def linked(desk, profile, clock):
    """A live major policy with one live interpretation, under the Shanxi profile."""
    profile("shanxi")
    reading = item(desk, kind="interpretation", title="《统计执法检查办法》政策解读")
    review(desk, reading)
    obj = policy(desk, 1, is_major_policy=True)
    InterpretationLink.objects.create(policy=obj, interpretation=reading)
    review(desk, obj)
    return SimpleNamespace(policy=obj, reading=reading)


def warnings_for(obj):
    return AuditLogEntry.objects.filter(action=INTERPRETATION_MISSING, object_id=str(obj.pk))


@pytest.mark.rule("CON-07")
def test_a_major_policy_with_live_interpretation_publishes_and_both_see_each_other(linked):
    assert list(prepublish.interpretations_of(linked.policy)) == [linked.reading]
    assert list(prepublish.policies_of(linked.reading)) == [linked.policy]


@pytest.mark.rule("CON-07")
def test_unpublishing_the_last_interpretation_keeps_the_link_and_warns_the_supervisor(linked):
    linked.reading.unpublish()
    assert InterpretationLink.objects.filter(policy=linked.policy, interpretation=linked.reading).exists()
    assert not prepublish.interpretations_of(linked.policy).exists()
    [warning] = warnings_for(linked.policy)
    assert warning.reason.startswith("【CON-07】") and warning.user is None and warning.via == "system"
    assert warning.site_ref == linked.policy.owning_site_id


@pytest.mark.rule("CON-07")
def test_no_warning_while_another_interpretation_is_live(desk, linked):
    video = item(desk, kind="interpretation", title="《统计执法检查办法》视频解读")
    review(desk, video)
    InterpretationLink.objects.create(policy=linked.policy, interpretation=video)
    linked.reading.unpublish()
    assert list(prepublish.interpretations_of(linked.policy)) == [video]
    assert not warnings_for(linked.policy).exists()


@pytest.mark.rule("CON-07")
def test_unpublishing_the_policy_leaves_the_links(linked):
    linked.policy.unpublish()
    assert InterpretationLink.objects.filter(policy=linked.policy).count() == 1
    assert not prepublish.policies_of(linked.reading).exists()
    assert not warnings_for(linked.policy).exists()


@pytest.mark.rule("CON-09")
def test_publishing_directly_without_review_is_refused(desk):
    obj = item(desk)
    with pytest.raises(RuleViolation) as error, transaction.atomic():
        obj.latest_revision.publish(user=desk.admin)
    assert error.value.rule == "CON-09" and "内容审核和保密审查" in str(error.value)
    obj.refresh_from_db()
    assert not obj.live


@pytest.mark.rule("CON-09")
def test_an_edit_after_approval_is_not_published_without_a_new_review(desk):
    obj = item(desk)
    review(desk, obj)
    obj.title = "关于做好春季防汛工作的补充通知"
    revision = obj.save_revision(user=desk.editor)
    with pytest.raises(RuleViolation) as error, transaction.atomic():
        revision.publish(user=desk.admin)
    assert error.value.rule == "CON-09"
    obj.refresh_from_db()
    assert obj.live and obj.title == "关于做好春季防汛工作的通知"


@pytest.mark.rule("CON-09")
def test_a_workflow_without_confidentiality_review_cannot_publish(desk):
    single = Workflow.objects.create(name="仅内容审核", active=True)
    task = ContentReviewTask.objects.create(name="仅内容审核·内容审核")
    WorkflowTask.objects.create(workflow=single, task=task, sort_order=0)
    obj = item(desk)
    single.start(obj, desk.editor)
    obj.refresh_from_db()
    with pytest.raises(RuleViolation) as error:
        decide(obj, desk.reviewer)
    assert error.value.rule == "CON-09" and "保密审查" in str(error.value)
    obj.refresh_from_db()
    assert not obj.live and WorkflowState.objects.for_instance(obj).get().status == WorkflowState.STATUS_IN_PROGRESS


@pytest.mark.rule("CON-10")
def test_a_policy_with_a_malformed_document_number_is_refused(desk, clock):
    obj = policy(desk, 2, document_number="晋统发[2026]03号")
    [problem] = found(obj, "CON-10")
    assert problem.blocking and problem.field == "document_number"
    message = refused(desk, obj, "CON-10")
    assert "晋统发〔2026〕3号" in message


@pytest.mark.rule("CON-10")
def test_a_policy_with_complete_metadata_publishes(desk, clock):
    review(desk, policy(desk, 3))


@pytest.mark.rule("REG-15")
def test_an_archived_item_is_not_published_again(desk, clock):
    obj = item(desk)
    review(desk, obj)
    obj.unpublish()
    type(obj).objects.filter(pk=obj.pk).update(archived_on=dt.date(2026, 3, 2))
    with pytest.raises(RuleViolation) as error, transaction.atomic():
        obj.latest_revision.publish(user=desk.admin)
    assert error.value.rule == "REG-15" and "2026年3月2日" in str(error.value)
