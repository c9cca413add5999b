"""Answering a survey and asking an interview question through the public service."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from govsites import clock as govclock
from govsites.interaction.models import (
    Interview,
    InterviewQuestion,
    InterviewStatus,
    Survey,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)
from govsites.privacy.models import PersonalRecord

from .conftest import form_post, solved

pytestmark = pytest.mark.usefixtures("public")


@pytest.fixture
def survey(e):
    now = govclock.now()
    survey = Survey.objects.create(site=e.city_portal, title="城市公园开放时间意见征集", description="请提出您的意见。",
                                   opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=10),
                                   status=SurveyStatus.OPEN)
    survey.single = SurveyQuestion.objects.create(survey=survey, order=1, text="您多久去一次公园？", kind="single",
                                                  choices=["每天", "每周", "很少"])
    survey.multiple = SurveyQuestion.objects.create(survey=survey, order=2, text="您希望增加哪些设施？",
                                                    kind="multiple", choices=["座椅", "照明", "卫生间"])
    survey.text = SurveyQuestion.objects.create(survey=survey, order=3, text="其他意见", kind="text", required=False)
    return survey


@pytest.fixture
def interview(e):
    now = govclock.now()
    return Interview.objects.create(site=e.city_portal, title="市水利局局长谈防汛", summary="欢迎网民提问。",
                                    starts_at=now + dt.timedelta(days=1), ends_at=now + dt.timedelta(days=1, hours=2),
                                    status=InterviewStatus.SCHEDULED)


@pytest.mark.rule("INT-01")
def test_a_survey_page_takes_answers_and_a_replay_is_refused(client, survey):
    page = client.get(f"/surveys/{survey.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert survey.title in html and "每周" in html and 'type="checkbox"' in html and "请填写阿拉伯数字" in html
    fields = {f"q{survey.single.pk}": "1", f"q{survey.multiple.pk}": ["0", "2"],
              f"q{survey.text.pk}": "<b>晚上</b>多开放", "phone": "13600000000", "website": "", **solved()}
    response = form_post(client, f"/surveys/{survey.pk}/", fields, REMOTE_ADDR="10.8.0.1")
    assert response.status_code == 200 and "感谢参与" in response.content.decode()
    stored = SurveyResponse.objects.get()
    assert stored.answers == {str(survey.single.pk): 1, str(survey.multiple.pk): [0, 2],
                              str(survey.text.pk): "<b>晚上</b>多开放"}
    assert stored.client_hash and stored.submitter.phone.reveal() == "13600000000"
    replay = form_post(client, f"/surveys/{survey.pk}/", fields, REMOTE_ADDR="10.8.0.2")
    assert replay.status_code == 409 and SurveyResponse.objects.count() == 1


def test_a_survey_answer_missing_a_required_question_is_shown_again(client, survey):
    fields = {f"q{survey.multiple.pk}": ["1"], **solved()}
    response = form_post(client, f"/surveys/{survey.pk}/", fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert "请回答第1题" in html and 'value="1" type="checkbox" checked' in html
    assert SurveyResponse.objects.count() == 0


def test_a_closed_survey_is_404(client, survey, clock):
    clock.set(govclock.now() + dt.timedelta(days=11))
    assert client.get(f"/surveys/{survey.pk}/").status_code == 404
    assert client.get("/surveys/999999/").status_code == 404


def test_survey_answers_through_the_api(client, survey):
    payload = {"answers": {str(survey.single.pk): 0, str(survey.multiple.pk): [1]}, **solved()}
    response = client.post(f"/api/v1/surveys/{survey.pk}/responses", json.dumps(payload),
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["id"] == SurveyResponse.objects.get().pk
    bad = {"answers": {str(survey.single.pk): 9}, **solved()}
    response = client.post(f"/api/v1/surveys/{survey.pk}/responses", json.dumps(bad), content_type="application/json")
    assert response.status_code == 422 and str(survey.single.pk) in response.json()["errors"]
    assert PersonalRecord.objects.count() == 0


def test_an_interview_question_is_held_for_moderation(client, interview):
    page = client.get(f"/interviews/{interview.pk}/questions")
    assert page.status_code == 200 and interview.title in page.content.decode()
    fields = {"body": "今年汛期的水库调度有什么安排？<script>x</script>", "nickname": "热心市民", **solved()}
    response = form_post(client, f"/interviews/{interview.pk}/questions", fields)
    assert response.status_code == 200 and "经审核后" in response.content.decode()
    question = InterviewQuestion.objects.get()
    assert question.status == "pending" and question.body.endswith("<script>x</script>") and question.client_hash
    short = form_post(client, f"/interviews/{interview.pk}/questions", {"body": "短", **solved()})
    assert short.status_code == 400 and InterviewQuestion.objects.count() == 1
    api = client.post(f"/api/v1/interviews/{interview.pk}/questions",
                      json.dumps({"body": "防汛物资储备情况如何？", **solved()}), content_type="application/json")
    assert api.status_code == 201 and InterviewQuestion.objects.count() == 2


def test_a_finished_interview_takes_no_questions(client, interview):
    interview.status = InterviewStatus.FINISHED
    interview.save()
    assert client.get(f"/interviews/{interview.pk}/questions").status_code == 404
    response = client.post(f"/api/v1/interviews/{interview.pk}/questions",
                           json.dumps({"body": "还能提问吗？还能吗？", **solved()}), content_type="application/json")
    assert response.status_code == 404 and InterviewQuestion.objects.count() == 0
