"""Surveys and solicitations (征集调查): draft ──OpenSurvey──► open ──CloseSurvey──► closed
──PublishResults──► results published (INT-01).

The questions are fixed once a survey opens (answers refer to them by id and option index);
until then ``EditSurvey`` may replace them. Citizens answer through the public service
(``AnswerSurvey``), only while the survey is open.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError

from govsites import clock
from govsites.actions import NotAllowed
from govsites.audit.log import diff, snapshot
from govsites.privacy.models import PersonalRecord, Source
from govsites.registry.models import Institution, Site

from .. import permissions
from ..models import Survey, SurveyQuestion, SurveyResponse, SurveyStatus
from ..models.surveys import QuestionKind
from .base import InteractionError
from .columns import Checks, ColumnAction, PublicAction, utc
from .messages import clean_text, spend_token

MAX_QUESTIONS = 50
MAX_CHOICES = 20
TEXT_ANSWER_LIMIT = 2000
FIELDS = ("title", "description", "opens_at", "closes_at", "department")
KIND_LABELS = dict(QuestionKind.choices)


def check_questions(checks: Checks, questions: Iterable[Mapping] | None) -> list[dict]:
    """Each question as ``{"text", "kind", "choices", "required"}``, cleaned; errors name the
    question by its number."""
    cleaned = []
    for n, raw in enumerate(list(questions or []), start=1):
        raw = raw if isinstance(raw, Mapping) else {}
        text = " ".join(clean_text(str(raw.get("text") or "")).split())
        kind = raw.get("kind") or QuestionKind.SINGLE
        choices = [" ".join(clean_text(str(c)).split()) for c in raw.get("choices") or []]
        choices = [c for c in choices if c]
        if len(text) < 2 or len(text) > 300:
            checks.add("questions", f"第{n}题：请填写问题（2至300个字）。")
        elif kind not in QuestionKind.values:
            checks.add("questions", f"第{n}题：题型无效。")
        elif kind == QuestionKind.TEXT and choices:
            checks.add("questions", f"第{n}题：文字意见题不设选项。")
        elif kind != QuestionKind.TEXT and not 2 <= len(choices) <= MAX_CHOICES:
            checks.add("questions", f"第{n}题：{KIND_LABELS[kind]}题须有2至{MAX_CHOICES}个选项。")
        elif len(set(choices)) != len(choices):
            checks.add("questions", f"第{n}题：选项不能重复。")
        elif any(len(c) > 100 for c in choices):
            checks.add("questions", f"第{n}题：每个选项不能超过100个字。")
        cleaned.append({"text": text, "kind": kind, "choices": choices, "required": bool(raw.get("required", True))})
    if not cleaned:
        checks.add("questions", "请至少设置一个问题。")
    elif len(cleaned) > MAX_QUESTIONS:
        checks.add("questions", f"问题不能超过{MAX_QUESTIONS}个。")
    return cleaned


def current_questions(survey: Survey) -> list[dict]:
    return [{"text": q.text, "kind": q.kind, "choices": list(q.choices or []), "required": q.required}
            for q in survey.questions.all()]


class SurveyAction(ColumnAction):
    def __init__(self, actor, survey: Survey):
        super().__init__(actor, survey.site, survey.department_id)
        self.survey = survey

    def require(self, *statuses: str, what: str) -> None:
        if self.survey.status not in statuses:
            raise InteractionError(f"该征集调查当前状态为“{self.survey.get_status_display()}”，不能{what}。")

    def log(self, what: str, **kwargs) -> None:
        self.record(self.survey, f"survey.{what}", **kwargs)


class SurveyFields:
    """The checks ``CreateSurvey`` and ``EditSurvey`` share."""

    def check(self, site: Site, values: dict, *, questions=None) -> tuple[dict, list[dict] | None]:
        checks = Checks()
        fields = {
            "title": checks.text("title", values.get("title"), "标题", limit=100, line=True),
            "description": checks.text("description", values.get("description"), "征集说明", minimum=5, limit=5000),
            "opens_at": utc(values.get("opens_at")),
            "closes_at": utc(values.get("closes_at")),
            "department": values.get("department"),
        }
        checks.period(fields["opens_at"], fields["closes_at"], start_field="opens_at", end_field="closes_at",
                      labels=("开始时间", "截止时间"))
        checks.department(site, fields["department"])
        cleaned = check_questions(checks, questions) if questions is not None else None
        checks.done()
        return fields, cleaned

    def save_questions(self, survey: Survey, questions: list[dict]) -> None:
        survey.questions.all().delete()
        SurveyQuestion.objects.bulk_create([
            SurveyQuestion(survey=survey, order=n, text=q["text"], kind=q["kind"], choices=q["choices"],
                           required=q["required"])
            for n, q in enumerate(questions, start=1)
        ])


class CreateSurvey(SurveyFields, ColumnAction):
    """A draft survey with its questions (not yet on the site)."""

    def __init__(self, actor, site: Site, *, title: str, description: str, opens_at, closes_at,
                 questions: Iterable[Mapping], department: Institution | None = None):
        super().__init__(actor, site, department.pk if department else None)
        self.values = {"title": title, "description": description, "opens_at": opens_at, "closes_at": closes_at,
                       "department": department}
        self.questions = questions

    def perform(self) -> Survey:
        fields, questions = self.check(self.site, self.values, questions=self.questions)
        survey = Survey.objects.create(site=self.site, created_by=self.user, created_at=clock.now(), **fields)
        self.save_questions(survey, questions)
        self.record(survey, "survey.create", data={"title": survey.title, "questions": len(questions)})
        return survey


class EditSurvey(SurveyFields, SurveyAction):
    """Change a draft freely; an open survey keeps its questions and opening time (answers refer
    to them) but its title, description, department and closing time may change."""

    def __init__(self, actor, survey: Survey, *, title: str, description: str, opens_at, closes_at,
                 department: Institution | None = None, questions: Iterable[Mapping] | None = None):
        super().__init__(actor, survey)
        self.values = {"title": title, "description": description, "opens_at": opens_at, "closes_at": closes_at,
                       "department": department}
        self.questions = questions

    def perform(self) -> Survey:
        survey = self.survey
        self.require(SurveyStatus.DRAFT, SurveyStatus.OPEN, what="修改（征集结束后只能公布结果）")
        fields, questions = self.check(self.site, self.values, questions=self.questions)
        department = fields["department"]
        if (department.pk if department else None) != survey.department_id and not permissions.may_run_column(
                self.user, self.site, department.pk if department else None):
            raise NotAllowed("只能将征集调查交由本人所在部门或本网站负责。")
        if survey.status == SurveyStatus.OPEN:
            if questions is not None and questions != current_questions(survey):
                raise InteractionError({"questions": "征集已开始，不能修改问题和选项。"})
            if fields["opens_at"] != survey.opens_at:
                raise InteractionError({"opens_at": "征集已开始，不能修改开始时间。"})
            if fields["closes_at"] <= clock.now():
                raise InteractionError({"closes_at": "截止时间须晚于当前时间；提前结束请使用“结束征集”。"})
        before = snapshot(survey, FIELDS)
        for name, value in fields.items():
            setattr(survey, name, value)
        changes = diff(before, snapshot(survey, FIELDS))
        replaced = questions is not None and questions != current_questions(survey)
        if not changes and not replaced:
            raise InteractionError("征集调查内容没有变化。")
        survey.save()
        if replaced:
            self.save_questions(survey, questions)
        self.log("edit", changes=changes, data={"questions_replaced": replaced})
        if survey.status == SurveyStatus.OPEN:
            self.shown(Survey)
        return survey


class OpenSurvey(SurveyAction):
    """Put the survey on the site; answers are taken from its opening until its closing time."""

    def perform(self) -> Survey:
        survey = self.survey
        self.require(SurveyStatus.DRAFT, what="发布")
        if not survey.questions.exists():
            raise InteractionError({"questions": "请至少设置一个问题后再发布。"})
        if survey.closes_at <= clock.now():
            raise InteractionError({"closes_at": "截止时间已过，请先修改截止时间。"})
        survey.status = SurveyStatus.OPEN
        survey.save()
        self.log("open", data={"opens_at": survey.opens_at.isoformat(), "closes_at": survey.closes_at.isoformat()})
        self.shown(Survey)
        return survey


class CloseSurvey(SurveyAction):
    """End the survey; before its closing time this closes it early (the time is recorded)."""

    def __init__(self, actor, survey: Survey, reason: str = ""):
        super().__init__(actor, survey)
        self.reason = reason

    def perform(self) -> Survey:
        survey, now = self.survey, clock.now()
        self.require(SurveyStatus.OPEN, what="结束")
        early = now < survey.closes_at
        if early:
            survey.closes_at = max(now, survey.opens_at)
        survey.status = SurveyStatus.CLOSED
        survey.save()
        self.log("close", reason=(self.reason or "").strip()[:500], data={"early": early})
        self.shown(Survey)
        return survey


class PublishResults(SurveyAction):
    """Publish (or correct) the results and the feedback on what was adopted; an open survey past
    its closing time is closed on the way."""

    def __init__(self, actor, survey: Survey, *, results_summary: str, adoption_feedback: str):
        super().__init__(actor, survey)
        self.results_summary, self.adoption_feedback = results_summary, adoption_feedback

    def perform(self) -> Survey:
        survey, now = self.survey, clock.now()
        if survey.status == SurveyStatus.OPEN and now < survey.closes_at:
            raise InteractionError("征集尚未结束，不能公布结果。")
        self.require(SurveyStatus.OPEN, SurveyStatus.CLOSED, SurveyStatus.RESULTS_PUBLISHED, what="公布结果")
        checks = Checks()
        summary = checks.text("results_summary", self.results_summary, "结果说明", minimum=5, limit=10000)
        feedback = checks.text("adoption_feedback", self.adoption_feedback, "意见采纳情况", minimum=5, limit=10000)
        checks.done()
        first = survey.status != SurveyStatus.RESULTS_PUBLISHED
        survey.results_summary, survey.adoption_feedback = summary, feedback
        survey.status = SurveyStatus.RESULTS_PUBLISHED
        if first:
            survey.results_published_at = now
        survey.save()
        self.log("results" if first else "results_edit", data={"responses": survey.responses.count()})
        self.shown(Survey)
        return survey


class AnswerSurvey(PublicAction):
    """A citizen's answers, checked against every question (required answers, option indexes,
    text length, no unknown questions), while the survey is open. The form token is spent, so a
    replayed form is refused; contact details, if given, go to an encrypted personal record."""

    def __init__(self, actor, survey: Survey, answers: Mapping, *, token: str, client_hash: str,
                 name: str = "", phone: str = "", email: str = ""):
        super().__init__(actor)
        self.survey, self.answers = survey, answers
        self.token, self.client_hash = token, client_hash
        self.name, self.phone, self.email = name, phone, email

    def perform(self) -> SurveyResponse:
        survey = self.survey
        if not survey.is_open(clock.now()):
            raise InteractionError("该征集调查未开放或已经结束，不能提交。")
        answers = self.check_answers(list(survey.questions.all()))
        record = self.personal_record()
        response = SurveyResponse.objects.create(
            survey=survey, answers=answers, submitted_at=clock.now(), submitter=record,
            client_hash=(self.client_hash or "")[:64],
        )
        spend_token(self.token)
        return response

    def check_answers(self, questions: list[SurveyQuestion]) -> dict:
        given = self.answers if isinstance(self.answers, Mapping) else {}
        by_id = {str(q.pk): q for q in questions}
        unknown = [key for key in given if str(key) not in by_id]
        if unknown:
            raise InteractionError({"answers": "提交的答卷包含本调查没有的问题，请刷新页面后重新填写。"})
        values = {str(key): value for key, value in given.items()}
        cleaned, checks = {}, Checks()
        for n, question in enumerate(questions, start=1):
            key = str(question.pk)
            value = _answer(question, values.get(key), checks, key, n)
            if value is not None:
                cleaned[key] = value
        checks.done()
        if not cleaned:
            raise InteractionError({"answers": "请至少回答一个问题。"})
        return cleaned

    def personal_record(self) -> PersonalRecord | None:
        name = " ".join(clean_text(self.name).split())
        phone, email = (self.phone or "").strip(), (self.email or "").strip()
        if not (name or phone or email):
            return None
        record = PersonalRecord(source=Source.SURVEY, site_id=self.survey.site_id, name=name, phone=phone,
                                email=email)
        try:
            record.full_clean(exclude=["site"])
        except ValidationError as invalid:
            raise InteractionError(invalid.message_dict) from None
        record.save()
        return record


def _answer(question: SurveyQuestion, value, checks: Checks, key: str, n: int):
    """One answer in its stored form (an option index, a sorted list of them, or text), ``None``
    when unanswered; a wrong one is added to ``checks``."""
    options = len(question.choices or [])
    if question.kind == QuestionKind.TEXT:
        text = clean_text(value) if isinstance(value, str) else ""
        if value not in (None, "") and not isinstance(value, str):
            checks.add(key, f"第{n}题的回答无效。")
        elif len(text) > TEXT_ANSWER_LIMIT:
            checks.add(key, f"第{n}题的回答不能超过{TEXT_ANSWER_LIMIT}个字（现有{len(text)}个）。")
        elif not text and question.required:
            checks.add(key, f"请回答第{n}题。")
        return text or None
    chosen = value if isinstance(value, list | tuple) else ([] if value in (None, "") else [value])
    indexes = [_index(v) for v in chosen]
    if any(i is None or not 0 <= i < options for i in indexes):
        checks.add(key, f"第{n}题的选项无效，请重新选择。")
        return None
    if question.kind == QuestionKind.SINGLE and len(indexes) > 1:
        checks.add(key, f"第{n}题只能选择一项。")
        return None
    if len(set(indexes)) != len(indexes):
        checks.add(key, f"第{n}题的选项重复。")
        return None
    if not indexes:
        if question.required:
            checks.add(key, f"请回答第{n}题。")
        return None
    return indexes[0] if question.kind == QuestionKind.SINGLE else sorted(indexes)


def _index(value) -> int | None:
    """An option index from a form (``"2"``) or JSON (``2``); booleans and floats are not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = value.strip() if isinstance(value, str) else ""
    if text.isascii() and text.isdigit() and len(text) < 4:
        return int(text)
    return None
