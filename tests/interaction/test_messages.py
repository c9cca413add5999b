"""The life of a message through the actions (INT-02/03/05/06)."""

import datetime as dt

import pytest

from govsites import clock as govclock
from govsites.actions import NotAllowed
from govsites.audit.models import AuditLogEntry
from govsites.interaction.actions import (
    AssignMessage,
    DecideReply,
    DraftReply,
    ForwardToSite,
    InteractionError,
    MarkPolicySuggestion,
    PublishMessage,
    ReviewAbove,
    ReviewMessage,
    TransferMessage,
    WithholdPublication,
)
from govsites.interaction.actions.messages import DuplicateSubmission, ReplayedSubmission
from govsites.interaction.models import ChannelKind, EventKind, Message, MessageStatus, ReplyStatus
from govsites.privacy.models import PersonalRecord
from govsites.publishing.models import PublishRequest

from .estate import act, answered, interaction_estate, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def e(clock):
    return interaction_estate()


def local_day(moment):
    return govclock.local(moment).date()


@pytest.mark.rule("INT-02")
def test_a_submission_is_stored_with_its_case_number_query_code_and_deadline(e, clock):
    clock.set(govclock.at(2026, 3, 2, 10, 30))  # Monday
    message, code = submit(e.channels[ChannelKind.CONSULTATION])
    stored = Message.objects.get(pk=message.pk)
    assert stored.case_number == f"20260302{message.pk:07d}"
    assert Message.objects.by_case_number(stored.case_number) == stored
    assert Message.objects.by_case_number(f"20260303{message.pk:07d}") is None
    assert Message.objects.by_case_number("not-a-number") is None
    assert stored.query_code_matches(code) and not stored.query_code_matches("WRONG123")
    assert code not in stored.query_code_hash
    # consultation: 5 working days after the day of receipt → end of Monday 2026-03-09
    assert govclock.local(stored.due_at) == govclock.at(2026, 3, 10, 0, 0)
    assert stored.status == MessageStatus.RECEIVED
    assert list(stored.events.values_list("kind", flat=True)) == [EventKind.RECEIVED]
    # personal data lives only in the encrypted record
    assert stored.submitter.phone.reveal() == "13800138000"
    assert "13800138000" not in str(PersonalRecord.objects.filter(pk=stored.submitter_id).values().get())


@pytest.mark.rule("INT-02")
def test_deadline_of_a_message_received_before_national_day_2025(e, clock):
    clock.set(govclock.at(2025, 9, 30, 17, 55))  # Tuesday before the Oct 1–8 holiday
    message, _code = submit(e.channels[ChannelKind.CONSULTATION])
    # working days after Sep 30: Oct 9 (Thu), 10 (Fri), 11 (adjusted working Saturday), 13, 14
    assert govclock.local(message.due_at) == govclock.at(2025, 10, 15, 0, 0)


def test_a_replayed_form_is_refused_and_stored_once(e):
    from govsites.audit.context import Actor
    from govsites.interaction.actions import Submission, SubmitMessage

    submission = Submission(channel=e.channels[ChannelKind.CONSULTATION], title="重复提交测试", body="同一张表单提交两次。",
                            name="李四", phone="13900000000", token="same-token")
    message, _ = SubmitMessage(Actor(user=None), submission).execute()
    with pytest.raises(ReplayedSubmission) as refused:
        SubmitMessage(Actor(user=None), submission).execute()
    assert refused.value.receipt == message.case_number
    assert Message.objects.count() == 1 and PersonalRecord.objects.count() == 1


def test_the_same_text_from_the_same_person_is_a_duplicate(e):
    first, _ = submit(e.channels[ChannelKind.CONSULTATION], body="请问 溪口河段 的整治工程何时开工？")
    with pytest.raises(DuplicateSubmission) as dup:
        submit(e.channels[ChannelKind.CONSULTATION], body="请问溪口河段的整治工程，何时开工", client_hash="other")
    assert dup.value.case_number == first.case_number
    # someone else may ask the same question
    submit(e.channels[ChannelKind.CONSULTATION], phone="13700000000", client_hash="client-b")
    assert Message.objects.count() == 2


@pytest.mark.parametrize("fields, key", [
    ({"title": " "}, "title"),
    ({"title": "标" * 101}, "title"),
    ({"body": "短"}, "body"),
    ({"body": "长" * 5001}, "body"),
    ({"name": ""}, "name"),
    ({"phone": "", "email": ""}, "phone"),
])
def test_bad_submissions_name_the_field_and_store_nothing(e, fields, key):
    with pytest.raises(InteractionError) as refused:
        submit(e.channels[ChannelKind.CONSULTATION], **fields)
    assert key in refused.value.message_dict
    assert Message.objects.count() == 0 and PersonalRecord.objects.count() == 0


def test_an_error_report_needs_the_page_address(e):
    with pytest.raises(InteractionError) as refused:
        submit(e.channels[ChannelKind.ERROR_REPORT], page_url="javascript:alert(1)")
    assert "page_url" in refused.value.message_dict
    message, _ = submit(e.channels[ChannelKind.ERROR_REPORT], page_url="https://www.qinglan.gov.cn/a.html")
    assert message.page_url == "https://www.qinglan.gov.cn/a.html"


def test_closed_channel_takes_nothing(e):
    ch = e.channels[ChannelKind.COMPLAINT]
    ch.enabled = False
    ch.save()
    with pytest.raises(InteractionError):
        submit(ch)
    with pytest.raises(InteractionError):
        submit(e.channels[ChannelKind.SURVEY])


@pytest.mark.rule("INT-02")
def test_invalid_messages_keep_their_reason(e):
    message, _ = submit(e.channels[ChannelKind.CONSULTATION])
    with pytest.raises(InteractionError):
        act(e.triage, ReviewMessage, message, valid=False, reason="")
    act(e.triage, ReviewMessage, message, valid=False, reason="内容与政务无关的广告信息")
    message.refresh_from_db()
    assert message.status == MessageStatus.INVALID and message.invalid_reason == "内容与政务无关的广告信息"
    assert message.events.filter(kind=EventKind.INVALID, note="内容与政务无关的广告信息").exists()
    assert AuditLogEntry.objects.filter(action="interaction.message.invalid").exists()
    with pytest.raises(InteractionError):
        act(e.triage, ReviewMessage, message, valid=True)


@pytest.mark.rule("INT-02")
def test_accept_route_reply_approve_publish(e, clock):
    message, _ = submit(e.channels[ChannelKind.CONSULTATION])
    clock.set(govclock.at(2026, 3, 3, 9))
    act(e.triage, ReviewMessage, message, valid=True, department=e.water)
    message.refresh_from_db()
    assert message.status == MessageStatus.ACCEPTED and message.department == e.water
    assert local_day(message.accepted_at) == dt.date(2026, 3, 3)

    with pytest.raises(NotAllowed):  # another department's handler
        act(e.stats_handler, DraftReply, message, "不是我们的事。", submit=True)
    reply = act(e.water_handler, DraftReply, message, "整治工程计划于明年3月开工。", submit=True)
    message.refresh_from_db()
    assert message.status == MessageStatus.REPLY_PENDING and message.published_at is None

    with pytest.raises(NotAllowed):  # a handler is not an approver
        act(e.water_handler, DecideReply, reply, approve=True)
    clock.set(govclock.at(2026, 3, 4, 15))
    PublishRequest.objects.all().delete()
    act(e.water_approver, DecideReply, reply, approve=True)
    message.refresh_from_db()
    assert message.status == MessageStatus.ANSWERED
    assert local_day(message.replied_at) == dt.date(2026, 3, 4)
    assert message.reply_department == e.water and message.reply_body == "整治工程计划于明年3月开工。"
    assert message.published_at is not None and not message.overdue()
    assert PublishRequest.objects.filter(site=e.city_portal, reason__endswith="interaction").exists()
    kinds = list(message.events.values_list("kind", flat=True))
    assert kinds == [EventKind.RECEIVED, EventKind.ACCEPTED, EventKind.ASSIGNED, EventKind.REPLY_SUBMITTED,
                     EventKind.REPLY_APPROVED, EventKind.PUBLISHED]


def test_a_drafter_who_is_also_approver_cannot_approve_own_reply(e):
    from govsites.interaction.models import HandlerAssignment, HandlerRole

    HandlerAssignment.objects.create(user=e.water_approver, institution=e.water, role=HandlerRole.HANDLER)
    message, _ = submit(e.channels[ChannelKind.CONSULTATION])
    act(e.triage, ReviewMessage, message, valid=True, department=e.water)
    message.refresh_from_db()
    reply = act(e.water_approver, DraftReply, message, "自己起草的答复内容。", submit=True)
    with pytest.raises(InteractionError):
        act(e.water_approver, DecideReply, reply, approve=True)


def test_a_returned_reply_goes_back_to_the_department(e):
    message, _ = submit(e.channels[ChannelKind.CONSULTATION])
    act(e.triage, ReviewMessage, message, valid=True, department=e.water)
    message.refresh_from_db()
    reply = act(e.water_handler, DraftReply, message, "初稿内容不够具体。", submit=True)
    with pytest.raises(InteractionError):
        act(e.water_approver, DecideReply, reply, approve=False, note="")
    act(e.water_approver, DecideReply, reply, approve=False, note="请写明开工日期")
    message.refresh_from_db()
    reply.refresh_from_db()
    assert message.status == MessageStatus.ACCEPTED and reply.status == ReplyStatus.REJECTED
    second = act(e.water_handler, DraftReply, message, "工程定于2027年3月1日开工。", submit=True)
    assert second.pk != reply.pk


@pytest.mark.rule("INT-02")
def test_transfer_between_departments_keeps_the_deadline(e):
    message, _ = submit(e.channels[ChannelKind.CONSULTATION])
    due = message.due_at
    act(e.triage, ReviewMessage, message, valid=True, department=e.water)
    message.refresh_from_db()
    with pytest.raises(InteractionError):
        act(e.water_handler, TransferMessage, message, e.stats, "")
    act(e.water_handler, TransferMessage, message, e.stats, "属统计业务，转市统计局办理")
    message.refresh_from_db()
    assert message.department == e.stats and message.due_at == due
    event = message.events.get(kind=EventKind.TRANSFERRED)
    assert (event.from_institution, event.to_institution) == (e.water, e.stats)
    with pytest.raises(NotAllowed):
        act(e.water_handler, DraftReply, message, "已不归我们办理。")
    act(e.stats_handler, DraftReply, message, "统计局的答复草稿。")
    act(e.triage, AssignMessage, message, e.water, "退回水利局")
    message.refresh_from_db()
    assert message.department == e.water


@pytest.mark.rule("INT-06")
def test_a_message_forwarded_from_a_superior_site_is_handled_like_own(e):
    message, _ = submit(e.channels[ChannelKind.CONSULTATION], title="溪口县学校招生咨询", body="溪口县小学今年何时报名？")
    due = message.due_at
    with pytest.raises(InteractionError):  # the province portal is not below the city
        act(e.triage, ForwardToSite, message, e.province_portal)
    with pytest.raises(NotAllowed):  # the county cannot pull a city message
        act(e.county_triage, AssignMessage, message, e.county_edu)
    act(e.triage, ForwardToSite, message, e.county_portal, "属溪口县事权")
    message.refresh_from_db()
    assert message.handling_site == e.county_portal and message.forwarded_from == e.city_portal
    assert message.status == MessageStatus.ACCEPTED and message.due_at == due
    # the county routes, answers and approves it exactly like its own messages
    act(e.county_triage, AssignMessage, message, e.county_edu)
    message.refresh_from_db()
    reply = act(e.county_edu_handler, DraftReply, message, "今年小学报名时间为7月1日至7月10日。", submit=True)
    from govsites.interaction.models import HandlerAssignment, HandlerRole
    from tests.factories import user

    approver = user("county_edu_approver")
    HandlerAssignment.objects.create(user=approver, institution=e.county_edu, role=HandlerRole.APPROVER)
    act(approver, DecideReply, reply, approve=True)
    message.refresh_from_db()
    assert message.status == MessageStatus.ANSWERED and message.reply_department == e.county_edu
    assert message.site == e.city_portal and message.published_at is not None  # shown where it was asked


@pytest.mark.rule("INT-03")
def test_a_policy_suggestion_goes_to_the_business_department_and_its_handling_is_published(e):
    message, _ = submit(e.channels[ChannelKind.SUGGESTION], title="建议统计公报增加分区县数据",
                        body="建议在年度统计公报中增加分区县的主要指标。")
    consultation, _ = submit(e.channels[ChannelKind.CONSULTATION], phone="13600000000")
    act(e.triage, ReviewMessage, message, valid=True)
    act(e.triage, ReviewMessage, consultation, valid=True)
    message.refresh_from_db()
    consultation.refresh_from_db()
    with pytest.raises(InteractionError):
        act(e.triage, MarkPolicySuggestion, consultation, e.stats)
    act(e.triage, MarkPolicySuggestion, message, e.stats, "有参考价值，转送业务部门研究")
    message.refresh_from_db()
    assert message.policy_suggestion and message.department == e.stats
    assert message.events.filter(kind=EventKind.POLICY_FORWARDED, to_institution=e.stats).exists()
    from govsites.interaction.models import HandlerAssignment, HandlerRole
    from tests.factories import user

    approver = user("stats_approver")
    HandlerAssignment.objects.create(user=approver, institution=e.stats, role=HandlerRole.APPROVER)
    reply = act(e.stats_handler, DraftReply, message, "感谢建议，明年公报将增加分区县主要指标。", submit=True)
    act(approver, DecideReply, reply, approve=True)
    message.refresh_from_db()
    assert message.published_at is not None and message.reply_department == e.stats


@pytest.mark.rule("INT-02")
def test_special_cases_stay_unpublished_only_with_a_reason(e):
    message = answered(e, submit(e.channels[ChannelKind.COMPLAINT])[0])
    assert message.published_at is not None
    with pytest.raises(InteractionError):
        act(e.triage, WithholdPublication, message, "")
    act(e.triage, WithholdPublication, message, "经核实反映情况不属实")
    message.refresh_from_db()
    assert message.published_at is None and message.withheld_reason == "经核实反映情况不属实"
    act(e.triage, PublishMessage, message)
    message.refresh_from_db()
    assert message.published_at is not None and message.withheld_reason == ""


def test_a_citizen_may_ask_not_to_be_published(e):
    message = answered(e, submit(e.channels[ChannelKind.LEADER_MAILBOX], wants_private=True)[0])
    assert message.published_at is None and message.withheld_reason == "留言人要求不公开"


@pytest.mark.rule("INT-05")
def test_chongqing_error_report_is_forwarded_to_the_sponsor_within_one_working_day(e, clock, profile):
    profile("chongqing")
    clock.set(govclock.at(2025, 9, 30, 17, 55))
    report, _ = submit(e.channels[ChannelKind.ERROR_REPORT], title="首页链接打不开", body="首页“政策文件”链接无法打开。",
                       page_url="https://www.qinglan.gov.cn/")
    # forward by the end of Oct 9 (first working day after the holiday), answer by the end of Oct 10
    assert govclock.local(report.forward_due_at) == govclock.at(2025, 10, 10, 0, 0)
    assert govclock.local(report.due_at) == govclock.at(2025, 10, 11, 0, 0)
    clock.set(govclock.at(2025, 10, 9, 9))
    act(e.triage, ReviewMessage, report, valid=True)
    report.refresh_from_db()
    assert report.department == e.city and report.forwarded_at < report.forward_due_at
    assert report.events.filter(kind=EventKind.FORWARDED_TO_SPONSOR, to_institution=e.city).exists()


@pytest.mark.rule("INT-05")
def test_shanxi_error_report_is_published_after_the_review_above(e, clock, profile):
    profile("shanxi")
    clock.set(govclock.at(2026, 2, 13, 16))  # Friday before the Spring Festival (Feb 15–23; Feb 14 works)
    report, _ = submit(e.channels[ChannelKind.ERROR_REPORT], title="办事指南错别字", body="办事指南中“申请”写成了“申情”。",
                       page_url="https://www.qinglan.gov.cn/bszn/1.html")
    assert report.forward_due_at is None
    # 2 working days after Feb 13: Feb 14 (adjusted working Saturday) and Feb 24
    assert govclock.local(report.due_at) == govclock.at(2026, 2, 25, 0, 0)
    from govsites.interaction.models import HandlerAssignment, HandlerRole
    from tests.factories import user

    handler, approver = user("city_handler"), user("city_approver")
    HandlerAssignment.objects.create(user=handler, institution=e.city, role=HandlerRole.HANDLER)
    HandlerAssignment.objects.create(user=approver, institution=e.city, role=HandlerRole.APPROVER)
    act(e.triage, ReviewMessage, report, valid=True, department=e.city)
    report.refresh_from_db()
    reply = act(handler, DraftReply, report, "感谢指正，已更正错别字。", submit=True)
    act(approver, DecideReply, reply, approve=True)
    report.refresh_from_db()
    assert report.status == MessageStatus.ANSWERED and report.passed_up_at is not None
    assert report.published_at is None
    with pytest.raises(InteractionError):
        act(e.triage, PublishMessage, report)
    with pytest.raises(NotAllowed):
        act(e.county_office, ReviewAbove, report)
    act(e.province_office, ReviewAbove, report)
    report.refresh_from_db()
    assert report.reviewed_at is not None and report.published_at is not None


def test_every_staff_step_is_audited(e):
    message = answered(e, submit(e.channels[ChannelKind.CONSULTATION])[0])
    actions = set(AuditLogEntry.objects.filter(object_id=str(message.pk)).values_list("action", flat=True))
    assert {"interaction.message.accepted", "interaction.message.assigned", "interaction.message.reply_submitted",
            "interaction.message.reply_approved", "interaction.message.published"} <= actions


@pytest.mark.rule("INT-06")
def test_a_lower_government_is_reached_by_forwarding_not_routing(e):
    message, _ = submit(e.channels[ChannelKind.CONSULTATION])
    act(e.triage, ReviewMessage, message, valid=True)
    message.refresh_from_db()
    with pytest.raises(InteractionError) as refused:
        act(e.triage, AssignMessage, message, e.county_edu)
    assert "转办至其网站" in str(refused.value)
    act(e.triage, AssignMessage, message, e.hydrology)  # a unit under a city department is fine
    message.refresh_from_db()
    assert message.department == e.hydrology
