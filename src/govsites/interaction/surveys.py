"""A survey's results: how many chose each option, how many wrote a text answer.

Read by the back office and by the static pages (which publish the counts, never the text
answers). One pass over the stored answers, which ``AnswerSurvey`` has already validated; an
answer that no longer fits its question (an option index out of range) is not counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Survey, SurveyQuestion
from .models.surveys import QuestionKind


@dataclass
class OptionCount:
    label: str
    count: int = 0
    #: share of the respondents who answered the question, in per cent (one decimal)
    percent: float = 0.0


@dataclass
class QuestionResult:
    question: SurveyQuestion
    #: respondents who answered this question
    answered: int = 0
    options: list[OptionCount] = field(default_factory=list)
    text_answers: int = 0

    @property
    def is_text(self) -> bool:
        return self.question.kind == QuestionKind.TEXT


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    questions: list[QuestionResult]


def results(survey: Survey) -> SurveyResults:
    questions = list(survey.questions.all())
    rows = {q.pk: QuestionResult(q, options=[OptionCount(str(label)) for label in q.choices or []])
            for q in questions}
    total = 0
    for answers in survey.responses.values_list("answers", flat=True).iterator(chunk_size=2000):
        total += 1
        for key, value in (answers or {}).items():
            row = rows.get(_int(key))
            if row is not None and _count(row, value):
                row.answered += 1
    for row in rows.values():
        for option in row.options:
            option.percent = round(100 * option.count / row.answered, 1) if row.answered else 0.0
    return SurveyResults(survey, total, [rows[q.pk] for q in questions])


def _count(row: QuestionResult, value) -> bool:
    """Add one answer to ``row``; ``False`` when it does not fit the question."""
    kind, options = row.question.kind, row.options
    if kind == QuestionKind.TEXT:
        if isinstance(value, str) and value:
            row.text_answers += 1
            return True
        return False
    chosen = value if kind == QuestionKind.MULTIPLE and isinstance(value, list) else [value]
    valid = {i for i in chosen if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(options)}
    for index in valid:
        options[index].count += 1
    return bool(valid)


def _int(key) -> int | None:
    try:
        return int(key)
    except (TypeError, ValueError):
        return None
