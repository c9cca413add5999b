"""Surveys and solicitations: questions, the open period, answers, results and adoption feedback."""

import datetime as dt

import pytest

from govsites import clock as govclock
from govsites.actions import NotAllowed
from govsites.audit.context import Actor
from govsites.audit.models import AuditLogEntry
from govsites.interaction.actions import (
    AnswerSurvey,
    CloseSurvey,
    CreateSurvey,
    EditSurvey,
    InteractionError,
    OpenSurvey,
    PublishResults,
)
from govsites.interaction.actions.messages import ReplayedSubmission
from govsites.interaction.models import SurveyResponse, SurveyStatus
from govsites.interaction.surveys import results
from govsites.privacy.models import PersonalRecord
from govsites.publishing.models import PublishRequest

from .estate import act, interaction_estate

pytestmark = pytest.mark.django_db

PUBLIC = Actor(user=None, via="public")
QUESTIONS = [
    {"text": "您对本方案的总体评价？", "kind": "single", "choices": ["满意", "基本满意", "不满意"]},
    {"text": "您最关心哪些内容？（可多选）", "kind": "multiple", "choices": ["停车", "绿化", "照明", "安全"]},
    {"text": "其他意见和建议", "kind": "text", "required": False},
]
_tokens = iter(range(1, 10**9))


@pytest.fixture
def e(clock):
    return interaction_estate()


def create(e, who=None, **overrides):
    values = dict(title="老旧小区改造方案意见征集", description="现就老旧小区改造方案公开征求意见，欢迎提出宝贵意见。",
                  opens_at=govclock.at(2026, 3, 2, 9), closes_at=govclock.at(2026, 3, 16, 18), questions=QUESTIONS)
    values.update(overrides)
    return act(who or e.triage, CreateSurvey, e.city_portal, **values)


def opened(e, **overrides):
    survey = create(e, **overrides)
    return act(e.triage, OpenSurvey, survey)


def ids(survey):
    return [q.pk for q in survey.questions.all()]


def answer(survey, answers, token=None, **personal):
    token = f"survey-{next(_tokens)}" if token is None else token
    return AnswerSurvey(PUBLIC, survey, answers, token=token, client_hash="c1", **personal).execute()


@pytest.mark.rule("INT-01")
def test_a_survey_is_drafted_opened_answered_closed_and_its_results_published(e, clock):
    survey = create(e)
    assert survey.status == SurveyStatus.DRAFT
    assert [(q.kind, q.choices, q.required) for q in survey.questions.all()] == [
        ("single", ["满意", "基本满意", "不满意"], True), ("multiple", ["停车", "绿化", "照明", "安全"], True),
        ("text", [], False)]
    with pytest.raises(InteractionError, match="未开放"):
        answer(survey, {})
    PublishRequest.objects.all().delete()
    act(e.triage, OpenSurvey, survey)
    assert PublishRequest.objects.filter(site=e.city_portal, reason="dynamic:interaction").exists()
    single, multiple, text = ids(survey)
    answer(survey, {str(single): 0, str(multiple): [3, 0], str(text): "建议增加充电桩。"})
    answer(survey, {single: "1", multiple: ["1"]})
    answer(survey, {str(single): 0, str(multiple): [1]})
    stored = SurveyResponse.objects.order_by("pk").first()
    assert stored.answers == {str(single): 0, str(multiple): [0, 3], str(text): "建议增加充电桩。"}

    counted = results(survey)
    assert counted.responses == 3
    first, second, third = counted.questions
    assert [(o.label, o.count) for o in first.options] == [("满意", 2), ("基本满意", 1), ("不满意", 0)]
    assert first.options[0].percent == 66.7 and first.answered == 3
    assert [o.count for o in second.options] == [1, 2, 0, 1]
    assert third.text_answers == 1 and third.answered == 1 and third.is_text

    clock.set(govclock.at(2026, 3, 10, 15))
    with pytest.raises(InteractionError, match="尚未结束"):
        act(e.triage, PublishResults, survey, results_summary="共收到意见3份。", adoption_feedback="采纳增设充电桩的建议。")
    act(e.triage, CloseSurvey, survey, reason="提前完成征集")
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED and survey.closes_at == govclock.at(2026, 3, 10, 15)
    with pytest.raises(InteractionError, match="未开放或已经结束"):
        answer(survey, {str(single): 0, str(multiple): [1]})
    act(e.triage, PublishResults, survey, results_summary="共收到有效问卷3份，多数受访者对方案表示满意。",
        adoption_feedback="采纳增设新能源汽车充电桩的建议，已纳入改造方案。")
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.RESULTS_PUBLISHED
    assert survey.results_published_at == govclock.at(2026, 3, 10, 15)
    actions = set(AuditLogEntry.objects.filter(action__startswith="interaction.survey.").values_list("action", flat=True))
    assert actions == {"interaction.survey.create", "interaction.survey.open", "interaction.survey.close",
                       "interaction.survey.results"}
    # answers are not staff actions: no audit entry for them
    assert not AuditLogEntry.objects.filter(action__contains="answer").exists()


def test_results_can_be_corrected_after_publication(e, clock):
    survey = opened(e)
    clock.set(govclock.at(2026, 3, 20))
    act(e.triage, PublishResults, survey, results_summary="结果说明第一稿。", adoption_feedback="采纳情况第一稿。")
    clock.set(govclock.at(2026, 3, 21))
    act(e.triage, PublishResults, survey, results_summary="结果说明修订稿。", adoption_feedback="采纳情况修订稿。")
    survey.refresh_from_db()
    assert survey.results_summary == "结果说明修订稿。"
    assert survey.results_published_at == govclock.at(2026, 3, 20)  # first publication kept
    assert AuditLogEntry.objects.filter(action="interaction.survey.results_edit").exists()
    with pytest.raises(InteractionError):
        act(e.triage, PublishResults, survey, results_summary="", adoption_feedback="")


@pytest.mark.parametrize("questions, message", [
    ([], "至少设置一个问题"),
    ([{"text": "只有一个选项", "kind": "single", "choices": ["是"]}], "第1题：单选题须有2至20个选项"),
    ([QUESTIONS[0], {"text": "重复选项", "kind": "multiple", "choices": ["甲", "甲"]}], "第2题：选项不能重复"),
    ([{"text": "文字题不设选项", "kind": "text", "choices": ["甲", "乙"]}], "文字意见题不设选项"),
    ([{"text": "题型", "kind": "ranking", "choices": ["甲", "乙"]}], "题型无效"),
    ([{"text": "", "kind": "single", "choices": ["甲", "乙"]}], "请填写问题"),
    ([QUESTIONS[2]] * 51, "问题不能超过50个"),
])
def test_bad_questions_are_refused_with_their_number(e, questions, message):
    with pytest.raises(InteractionError) as refused:
        create(e, questions=questions)
    assert message in refused.value.message_dict["questions"][0]
    assert not e.city_portal.surveys.exists()


def test_bad_fields_are_all_reported(e):
    with pytest.raises(InteractionError) as refused:
        create(e, title="", description="短", closes_at=govclock.at(2026, 3, 1), department=e.education)
    assert set(refused.value.message_dict) == {"title", "description", "closes_at", "department"}
    assert "须晚于开始时间" in refused.value.message_dict["closes_at"][0]


@pytest.mark.parametrize("answers, key, message", [
    ({"Q1": 5}, "1", "第1题的选项无效"),
    ({"Q1": [0, 1]}, "1", "第1题只能选择一项"),
    ({"Q1": True}, "1", "第1题的选项无效"),
    ({"Q1": 0, "Q2": [0, 0]}, "2", "第2题的选项重复"),
    ({"Q1": 0, "Q2": []}, "2", "请回答第2题"),
    ({"Q2": [1]}, "1", "请回答第1题"),
    ({"Q1": 0, "Q2": [1], "Q3": "长" * 2001}, "3", "不能超过2000个字"),
    ({"Q1": 0, "Q2": [1], "Q3": ["不是文字"]}, "3", "第3题的回答无效"),
    ({"Q1": "-1", "Q2": ["１"]}, "1", "第1题的选项无效"),
])
def test_answers_are_checked_against_the_questions(e, answers, key, message):
    survey = opened(e)
    qids = ids(survey)
    mapped = {str(qids[int(k[1:]) - 1]): v for k, v in answers.items()}
    with pytest.raises(InteractionError) as refused:
        answer(survey, mapped)
    assert message in refused.value.message_dict[str(qids[int(key) - 1])][0]
    assert not SurveyResponse.objects.exists()


def test_unknown_questions_and_other_surveys_questions_are_refused(e):
    survey, other = opened(e), opened(e, title="另一项调查")
    single, multiple, _ = ids(survey)
    for answers in ({str(single): 0, str(multiple): [0], "999999": 1},
                    {str(single): 0, str(multiple): [0], str(ids(other)[0]): 0},
                    {"<script>": 0}):
        with pytest.raises(InteractionError) as refused:
            answer(survey, answers)
        assert "answers" in refused.value.message_dict
    with pytest.raises(InteractionError):
        answer(survey, ["not", "a", "mapping"])
    assert not SurveyResponse.objects.exists()


def test_a_replayed_form_is_stored_once_and_contact_details_are_encrypted(e):
    survey = opened(e)
    single, multiple, _ = ids(survey)
    given = {str(single): 2, str(multiple): [2]}
    answer(survey, given, token="same-token", name="王五", phone="13800001111", email="wang@example.cn")
    with pytest.raises(ReplayedSubmission):
        answer(survey, given, token="same-token", name="王五", phone="13800001111")
    assert SurveyResponse.objects.count() == 1 and PersonalRecord.objects.count() == 1
    record = SurveyResponse.objects.get().submitter
    assert record.source == "survey" and record.site == e.city_portal
    assert record.phone.reveal() == "13800001111"
    assert "13800001111" not in str(PersonalRecord.objects.filter(pk=record.pk).values().get())
    with pytest.raises(InteractionError):
        answer(survey, given, email="not-an-address")
    assert PersonalRecord.objects.count() == 1
    with pytest.raises(InteractionError):
        answer(survey, given, token="")


def test_only_between_opening_and_closing(e, clock):
    survey = opened(e, opens_at=govclock.at(2026, 3, 5, 9))
    single, multiple, _ = ids(survey)
    with pytest.raises(InteractionError):
        answer(survey, {str(single): 0, str(multiple): [0]})
    clock.set(govclock.at(2026, 3, 5, 9))
    answer(survey, {str(single): 0, str(multiple): [0]})
    clock.set(govclock.at(2026, 3, 16, 18))
    with pytest.raises(InteractionError):
        answer(survey, {str(single): 0, str(multiple): [0]})
    assert SurveyResponse.objects.count() == 1


def test_an_open_survey_keeps_its_questions(e, clock):
    survey = opened(e)
    base = dict(title=survey.title, description=survey.description, opens_at=survey.opens_at,
                closes_at=govclock.at(2026, 3, 30, 18))
    with pytest.raises(InteractionError) as refused:
        act(e.triage, EditSurvey, survey, **base, questions=QUESTIONS[:2])
    assert "不能修改问题" in refused.value.message_dict["questions"][0]
    with pytest.raises(InteractionError):
        act(e.triage, EditSurvey, survey, **{**base, "opens_at": govclock.at(2026, 3, 3)})
    act(e.triage, EditSurvey, survey, **base, questions=QUESTIONS)  # same questions: allowed
    survey.refresh_from_db()
    assert survey.closes_at == govclock.at(2026, 3, 30, 18) and survey.questions.count() == 3
    entry = AuditLogEntry.objects.get(action="interaction.survey.edit")
    assert list(entry.changes) == ["closes_at"]


def test_a_draft_may_change_everything(e):
    survey = create(e)
    act(e.triage, EditSurvey, survey, title="改后的标题", description=survey.description, opens_at=survey.opens_at,
        closes_at=survey.closes_at, questions=QUESTIONS[:1], department=e.water)
    survey.refresh_from_db()
    assert survey.title == "改后的标题" and survey.questions.count() == 1 and survey.department == e.water
    with pytest.raises(InteractionError, match="没有变化"):
        act(e.triage, EditSurvey, survey, title="改后的标题", description=survey.description,
            opens_at=survey.opens_at, closes_at=survey.closes_at, department=e.water)


def test_closed_surveys_cannot_be_edited_or_reopened(e, clock):
    survey = opened(e)
    act(e.triage, CloseSurvey, survey)
    with pytest.raises(InteractionError):
        act(e.triage, EditSurvey, survey, title="x" * 5, description=survey.description, opens_at=survey.opens_at,
            closes_at=survey.closes_at)
    with pytest.raises(InteractionError):
        act(e.triage, OpenSurvey, survey)
    with pytest.raises(InteractionError):
        act(e.triage, CloseSurvey, survey)


def test_opening_needs_a_future_closing_time(e, clock):
    survey = create(e)
    clock.set(govclock.at(2026, 3, 17))
    with pytest.raises(InteractionError) as refused:
        act(e.triage, OpenSurvey, survey)
    assert "closes_at" in refused.value.message_dict
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.DRAFT


def test_who_may_run_a_survey(e):
    for refused in (e.outsider, e.water_handler, e.county_triage, e.city_office):
        with pytest.raises(NotAllowed):
            create(e, who=refused)
    # a department's handlers run their department's surveys
    survey = create(e, who=e.water_handler, department=e.water)
    act(e.water_handler, OpenSurvey, survey)
    with pytest.raises(NotAllowed):
        act(e.stats_handler, CloseSurvey, survey)
    with pytest.raises(NotAllowed):  # a handler cannot hand it to a department they do not belong to
        act(e.water_handler, EditSurvey, survey, title=survey.title, description=survey.description,
            opens_at=survey.opens_at, closes_at=dt.datetime(2026, 3, 20, tzinfo=dt.UTC), department=e.stats)
    act(e.triage, CloseSurvey, survey)  # and the site's column staff
