"""Survey and interview forms posted from a static page (no challenge yet) are shown back with
one; nothing is stored and no failed challenge is counted."""

import datetime as dt

import pytest
from django.test import override_settings

from govsites import clock as govclock
from govsites.interaction.models import (
    Interview,
    InterviewQuestion,
    InterviewStatus,
    RateCounter,
    Survey,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("govsites.public.urls")]


@pytest.fixture
def open_survey(estate, clock):
    survey = Survey.objects.create(site=estate.city_portal, title="公交线路优化意见征集", description="征集意见。",
                                   opens_at=govclock.now() - dt.timedelta(days=1),
                                   closes_at=govclock.now() + dt.timedelta(days=10), status=SurveyStatus.OPEN)
    SurveyQuestion.objects.create(survey=survey, text="您常坐哪条线路？", kind="text", required=True)
    return survey


@override_settings(ALLOWED_HOSTS=["*"])
def test_a_survey_posted_from_the_static_page_is_shown_back_with_the_challenge(client, open_survey):
    question = open_survey.questions.get()
    response = client.post(f"/surveys/{open_survey.pk}/", {f"q{question.pk}": "<b>12路</b>"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="token"' in page and "12路" in page and "<b>12路</b>" not in page
    assert SurveyResponse.objects.count() == 0 and RateCounter.objects.count() == 0


@override_settings(ALLOWED_HOSTS=["*"])
def test_an_interview_question_posted_from_the_static_page_is_shown_back(client, estate, clock):
    interview = Interview.objects.create(site=estate.city_portal, title="优化营商环境访谈", summary="简介",
                                         starts_at=govclock.now() + dt.timedelta(days=1),
                                         ends_at=govclock.now() + dt.timedelta(days=1, hours=2),
                                         status=InterviewStatus.SCHEDULED)
    response = client.post(f"/interviews/{interview.pk}/questions", {"body": "企业开办需要几天？"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="token"' in page and "企业开办需要几天？" in page
    assert InterviewQuestion.objects.count() == 0 and RateCounter.objects.count() == 0
    trapped = client.post(f"/interviews/{interview.pk}/questions", {"body": "x", "website": "spam"})
    assert trapped.status_code == 400 and InterviewQuestion.objects.count() == 0
