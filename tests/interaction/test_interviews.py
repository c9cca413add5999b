"""Online interviews: schedule, guests, moderated live questions, published transcript."""

import pytest

from govsites import clock as govclock
from govsites.actions import NotAllowed
from govsites.audit.context import Actor
from govsites.audit.models import AuditLogEntry
from govsites.interaction.actions import (
    AnswerQuestion,
    AskQuestion,
    CreateInterview,
    EditInterview,
    FinishInterview,
    InteractionError,
    ModerateQuestion,
    PublishTranscript,
    StartInterview,
)
from govsites.interaction.actions.messages import ReplayedSubmission
from govsites.interaction.models import InterviewQuestion, InterviewStatus, QuestionStatus
from govsites.publishing.models import PublishRequest

from .estate import act, interaction_estate

pytestmark = pytest.mark.django_db

PUBLIC = Actor(user=None, via="public")
GUESTS = [{"name": "李明", "position": "青岚市水利局局长"}, {"name": "赵敏", "position": "青岚市水利局副局长"}]
TRANSCRIPT = "主持人：各位网友大家好，欢迎参加本期在线访谈。\n李明：大家好，今天和大家聊聊防汛工作。"
_tokens = iter(range(1, 10**9))


@pytest.fixture
def e(clock):
    return interaction_estate()


def create(e, who=None, **overrides):
    values = dict(title="防汛工作在线访谈", summary="市水利局负责人解读今年防汛工作安排，回应网民关切。",
                  starts_at=govclock.at(2026, 3, 5, 15), ends_at=govclock.at(2026, 3, 5, 16, 30), guests=GUESTS)
    values.update(overrides)
    return act(who or e.triage, CreateInterview, e.city_portal, **values)


def ask(interview, body="请问今年汛期河道清淤工作什么时候完成？", token=None, **extra):
    token = f"interview-{next(_tokens)}" if token is None else token
    return AskQuestion(PUBLIC, interview, body, token=token, client_hash="c1", **extra).execute()


@pytest.mark.rule("INT-01")
def test_an_interview_from_announcement_to_published_transcript(e, clock):
    PublishRequest.objects.all().delete()
    interview = create(e)
    assert interview.status == InterviewStatus.SCHEDULED
    assert [(g.name, g.position) for g in interview.guests.all()] == [("李明", "青岚市水利局局长"),
                                                                      ("赵敏", "青岚市水利局副局长")]
    assert PublishRequest.objects.filter(site=e.city_portal, reason="dynamic:interaction").exists()
    early = ask(interview, nickname="河边人")  # questions are collected from the announcement on
    spam = ask(interview, body="广告广告广告广告")
    assert early.status == QuestionStatus.PENDING and early.nickname == "河边人"

    clock.set(govclock.at(2026, 3, 5, 15))
    act(e.triage, StartInterview, interview)
    act(e.triage, ModerateQuestion, early, approve=True)
    act(e.triage, ModerateQuestion, spam, approve=False)
    live = ask(interview, body="防汛物资储备情况如何？")
    with pytest.raises(InteractionError, match="只能回答已采用的提问"):
        act(e.triage, AnswerQuestion, live, interview.guests.first(), "储备充足。")
    guest = interview.guests.get(name="李明")
    act(e.triage, AnswerQuestion, early, guest, "河道清淤工作将在5月底前全部完成。")
    early.refresh_from_db()
    spam.refresh_from_db()
    assert early.status == QuestionStatus.ANSWERED and early.answered_by == guest
    assert early.moderated_by == e.triage and spam.status == QuestionStatus.REJECTED

    clock.set(govclock.at(2026, 3, 5, 16))
    act(e.triage, FinishInterview, interview)
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.FINISHED and interview.ends_at == govclock.at(2026, 3, 5, 16)
    with pytest.raises(InteractionError, match="不接受提问"):
        ask(interview)
    act(e.triage, PublishTranscript, interview, TRANSCRIPT)
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.PUBLISHED and interview.transcript == TRANSCRIPT
    assert interview.published_at == govclock.at(2026, 3, 5, 16)
    logged = set(AuditLogEntry.objects.filter(action__startswith="interaction.interview").values_list("action",
                                                                                                       flat=True))
    assert logged == {"interaction.interview.create", "interaction.interview.start",
                      "interaction.interview.question.approve", "interaction.interview.question.reject",
                      "interaction.interview.question.answer", "interaction.interview.finish",
                      "interaction.interview.transcript"}


def test_questions_end_when_the_interview_ends(e, clock):
    interview = create(e)
    clock.set(govclock.at(2026, 3, 5, 16, 30))
    with pytest.raises(InteractionError):
        ask(interview)
    assert not InterviewQuestion.objects.exists()


@pytest.mark.parametrize("body, nickname, field", [
    ("短", "", "body"),
    ("长" * 1001, "", "body"),
    ("一个正常的问题？", "名" * 31, "nickname"),
])
def test_bad_questions_are_refused(e, body, nickname, field):
    interview = create(e)
    with pytest.raises(InteractionError) as refused:
        ask(interview, body=body, nickname=nickname)
    assert field in refused.value.message_dict
    assert not InterviewQuestion.objects.exists()


def test_a_replayed_question_is_stored_once_and_text_is_kept_as_text(e):
    interview = create(e)
    ask(interview, body="<script>alert(1)</script> 何时开工？", token="t-1")
    with pytest.raises(ReplayedSubmission):
        ask(interview, body="<script>alert(1)</script> 何时开工？", token="t-1")
    assert InterviewQuestion.objects.get().body == "<script>alert(1)</script> 何时开工？"


def test_moderation_and_answers_follow_the_rules(e, clock):
    interview = create(e)
    question = ask(interview)
    act(e.triage, ModerateQuestion, question, approve=True)
    with pytest.raises(InteractionError, match="已处理"):
        act(e.triage, ModerateQuestion, question, approve=False)
    with pytest.raises(InteractionError, match="不能回答提问"):  # not started yet
        act(e.triage, AnswerQuestion, question, interview.guests.first(), "回答内容。")
    clock.set(govclock.at(2026, 3, 5, 15))
    act(e.triage, StartInterview, interview)
    other = create(e, title="另一场访谈", guests=[{"name": "钱学", "position": "市统计局局长"}])
    with pytest.raises(InteractionError) as refused:
        act(e.triage, AnswerQuestion, question, other.guests.get(), "回答内容。")
    assert "guest" in refused.value.message_dict
    with pytest.raises(InteractionError):
        act(e.triage, AnswerQuestion, question, interview.guests.first(), "")
    question.refresh_from_db()
    assert question.status == QuestionStatus.APPROVED and question.answer == ""


def test_state_changes_in_order_only(e, clock):
    interview = create(e)
    with pytest.raises(InteractionError):
        act(e.triage, FinishInterview, interview)
    with pytest.raises(InteractionError):
        act(e.triage, PublishTranscript, interview, TRANSCRIPT)
    clock.set(govclock.at(2026, 3, 5, 15))
    act(e.triage, StartInterview, interview)
    with pytest.raises(InteractionError):
        act(e.triage, StartInterview, interview)
    act(e.triage, FinishInterview, interview)
    with pytest.raises(InteractionError) as refused:
        act(e.triage, PublishTranscript, interview, "太短")
    assert "transcript" in refused.value.message_dict
    act(e.triage, PublishTranscript, interview, TRANSCRIPT)
    act(e.triage, PublishTranscript, interview, TRANSCRIPT + "\n（完）")
    assert AuditLogEntry.objects.filter(action="interaction.interview.transcript_edit").exists()
    with pytest.raises(InteractionError):
        act(e.triage, EditInterview, interview, title="改标题", summary=interview.summary,
            starts_at=interview.starts_at, ends_at=interview.ends_at, guests=GUESTS)


def test_starting_after_the_end_is_refused(e, clock):
    interview = create(e)
    clock.set(govclock.at(2026, 3, 6))
    with pytest.raises(InteractionError):
        act(e.triage, StartInterview, interview)


@pytest.mark.parametrize("overrides, field", [
    ({"title": ""}, "title"),
    ({"summary": "短"}, "summary"),
    ({"ends_at": govclock.at(2026, 3, 5, 14)}, "ends_at"),
    ({"guests": []}, "guests"),
    ({"guests": [{"name": "李", "position": "局长"}]}, "guests"),
    ({"guests": [GUESTS[0], GUESTS[0]]}, "guests"),
    ({"guests": [{"name": f"嘉宾{n}", "position": "处长"} for n in range(11)]}, "guests"),
])
def test_bad_announcements_are_refused(e, overrides, field):
    with pytest.raises(InteractionError) as refused:
        create(e, **overrides)
    assert field in refused.value.message_dict
    assert not e.city_portal.interviews.exists()


def test_editing_guests_keeps_those_who_answered(e, clock):
    interview = create(e)
    question = ask(interview)
    act(e.triage, ModerateQuestion, question, approve=True)
    clock.set(govclock.at(2026, 3, 5, 15))
    act(e.triage, StartInterview, interview)
    act(e.triage, AnswerQuestion, question, interview.guests.get(name="赵敏"), "回答内容如下。")
    base = dict(title=interview.title, summary=interview.summary, starts_at=interview.starts_at,
                ends_at=interview.ends_at)
    with pytest.raises(InteractionError) as refused:
        act(e.triage, EditInterview, interview, **base, guests=[GUESTS[0]])
    assert "已回答问题的嘉宾不能删除" in refused.value.message_dict["guests"][0]
    act(e.triage, EditInterview, interview, **base,
        guests=[{"name": "赵敏", "position": "青岚市水利局党组成员、副局长"}, {"name": "孙立", "position": "防汛办主任"}])
    assert [(g.name, g.order) for g in interview.guests.all()] == [("赵敏", 1), ("孙立", 2)]
    question.refresh_from_db()
    assert question.answered_by.name == "赵敏"
    with pytest.raises(InteractionError, match="没有变化"):
        act(e.triage, EditInterview, interview, **base,
            guests=[{"name": "赵敏", "position": "青岚市水利局党组成员、副局长"}, {"name": "孙立", "position": "防汛办主任"}])


def test_who_may_run_an_interview(e):
    for refused in (e.outsider, e.water_handler, e.county_triage):
        with pytest.raises(NotAllowed):
            create(e, who=refused)
    interview = create(e)
    question = ask(interview)
    with pytest.raises(NotAllowed):
        act(e.water_approver, ModerateQuestion, question, approve=True)
    question.refresh_from_db()
    assert question.status == QuestionStatus.PENDING
