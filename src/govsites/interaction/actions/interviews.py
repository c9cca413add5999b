"""Online interviews (在线访谈): scheduled ──StartInterview──► live ──FinishInterview──► finished
──PublishTranscript──► published.

Citizens ask from the announcement until the interview ends (``AskQuestion``, public service);
nothing they ask is shown before a moderator approves it (``ModerateQuestion``); a guest's answer
is entered by the staff (``AnswerQuestion``); the transcript is published afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from govsites import clock
from govsites.audit.log import diff, snapshot
from govsites.registry.models import Site

from ..models import Interview, InterviewGuest, InterviewQuestion, InterviewStatus, QuestionStatus
from .base import InteractionError
from .columns import Checks, ColumnAction, PublicAction, utc
from .messages import clean_text, spend_token

MAX_GUESTS = 10
FIELDS = ("title", "summary", "starts_at", "ends_at")


class InterviewFields:
    """The checks ``CreateInterview`` and ``EditInterview`` share."""

    def check(self, values: dict, guests) -> tuple[dict, list[tuple[str, str]]]:
        checks = Checks()
        fields = {
            "title": checks.text("title", values.get("title"), "访谈主题", limit=100, line=True),
            "summary": checks.text("summary", values.get("summary"), "访谈简介", minimum=5, limit=5000),
            "starts_at": utc(values.get("starts_at")),
            "ends_at": utc(values.get("ends_at")),
        }
        checks.period(fields["starts_at"], fields["ends_at"], start_field="starts_at", end_field="ends_at")
        people = []
        for n, guest in enumerate(list(guests or []), start=1):
            guest = guest if isinstance(guest, Mapping) else {}
            name = " ".join(clean_text(str(guest.get("name") or "")).split())
            position = " ".join(clean_text(str(guest.get("position") or "")).split())
            if not 2 <= len(name) <= 50:
                checks.add("guests", f"第{n}位嘉宾：请填写姓名（2至50个字）。")
            elif not 2 <= len(position) <= 100:
                checks.add("guests", f"第{n}位嘉宾：请填写职务（2至100个字）。")
            people.append((name, position))
        if not people:
            checks.add("guests", "请至少填写一位访谈嘉宾。")
        elif len(people) > MAX_GUESTS:
            checks.add("guests", f"访谈嘉宾不能超过{MAX_GUESTS}位。")
        elif len({name for name, _ in people}) != len(people):
            checks.add("guests", "嘉宾姓名不能重复。")
        checks.done()
        return fields, people


class InterviewAction(ColumnAction):
    def __init__(self, actor, interview: Interview):
        super().__init__(actor, interview.site)
        self.interview = interview

    def require(self, *statuses: str, what: str) -> None:
        if self.interview.status not in statuses:
            raise InteractionError(f"该访谈当前状态为“{self.interview.get_status_display()}”，不能{what}。")

    def log(self, what: str, **kwargs) -> None:
        self.record(self.interview, f"interview.{what}", **kwargs)


class CreateInterview(InterviewFields, ColumnAction):
    """Announce an interview: it is on the site (and takes questions) from now on."""

    def __init__(self, actor, site: Site, *, title: str, summary: str, starts_at, ends_at,
                 guests: Iterable[Mapping]):
        super().__init__(actor, site)
        self.values, self.guests = {"title": title, "summary": summary, "starts_at": starts_at,
                                    "ends_at": ends_at}, guests

    def perform(self) -> Interview:
        fields, people = self.check(self.values, self.guests)
        if fields["ends_at"] <= clock.now():
            raise InteractionError({"ends_at": "结束时间须晚于当前时间。"})
        interview = Interview.objects.create(site=self.site, created_by=self.user, **fields)
        InterviewGuest.objects.bulk_create([
            InterviewGuest(interview=interview, name=name, position=position, order=n)
            for n, (name, position) in enumerate(people, start=1)
        ])
        self.record(interview, "interview.create", data={"title": interview.title, "guests": len(people)})
        self.shown(Interview)
        return interview


class EditInterview(InterviewFields, InterviewAction):
    """Change the announcement or the guests until the transcript is published. A guest who has
    answered a question stays (the answer names them)."""

    def __init__(self, actor, interview: Interview, *, title: str, summary: str, starts_at, ends_at,
                 guests: Iterable[Mapping]):
        super().__init__(actor, interview)
        self.values, self.guests = {"title": title, "summary": summary, "starts_at": starts_at,
                                    "ends_at": ends_at}, guests

    def perform(self) -> Interview:
        interview = self.interview
        self.require(InterviewStatus.SCHEDULED, InterviewStatus.LIVE, InterviewStatus.FINISHED, what="修改")
        fields, people = self.check(self.values, self.guests)
        before = snapshot(interview, FIELDS)
        for name, value in fields.items():
            setattr(interview, name, value)
        changes = diff(before, snapshot(interview, FIELDS))
        guests_changed = self.sync_guests(people)
        if not changes and not guests_changed:
            raise InteractionError("访谈内容没有变化。")
        interview.save()
        self.log("edit", changes=changes, data={"guests": [f"{n}（{p}）" for n, p in people]})
        self.shown(Interview)
        return interview

    def sync_guests(self, people: list[tuple[str, str]]) -> bool:
        existing = {g.name: g for g in self.interview.guests.all()}
        wanted = {name for name, _ in people}
        answering = set(InterviewQuestion.objects.filter(interview=self.interview, answered_by__isnull=False)
                        .values_list("answered_by__name", flat=True))
        dropped = [name for name in existing if name not in wanted]
        if any(name in answering for name in dropped):
            raise InteractionError({"guests": "已回答问题的嘉宾不能删除。"})
        changed = bool(dropped)
        InterviewGuest.objects.filter(pk__in=[existing[name].pk for name in dropped]).delete()
        for n, (name, position) in enumerate(people, start=1):
            guest = existing.get(name)
            if guest is None:
                InterviewGuest.objects.create(interview=self.interview, name=name, position=position, order=n)
                changed = True
            elif (guest.position, guest.order) != (position, n):
                guest.position, guest.order = position, n
                guest.save()
                changed = True
        return changed


class StartInterview(InterviewAction):
    def perform(self) -> Interview:
        interview = self.interview
        self.require(InterviewStatus.SCHEDULED, what="开始")
        if clock.now() >= interview.ends_at:
            raise InteractionError({"ends_at": "访谈结束时间已过，请先修改访谈时间。"})
        interview.status = InterviewStatus.LIVE
        interview.save()
        self.log("start")
        self.shown(Interview)
        return interview


class FinishInterview(InterviewAction):
    """End the interview: no more questions; pending ones stay for the record, never shown."""

    def perform(self) -> Interview:
        interview, now = self.interview, clock.now()
        self.require(InterviewStatus.LIVE, what="结束")
        interview.status = InterviewStatus.FINISHED
        if now < interview.ends_at:
            interview.ends_at = max(now, interview.starts_at)
        interview.save()
        self.log("finish")
        self.shown(Interview)
        return interview


class PublishTranscript(InterviewAction):
    """Publish (or correct) the transcript of a finished interview."""

    def __init__(self, actor, interview: Interview, transcript: str):
        super().__init__(actor, interview)
        self.transcript = transcript

    def perform(self) -> Interview:
        interview = self.interview
        self.require(InterviewStatus.FINISHED, InterviewStatus.PUBLISHED, what="发布实录")
        checks = Checks()
        transcript = checks.text("transcript", self.transcript, "访谈实录", minimum=20, limit=200000)
        checks.done()
        first = interview.status != InterviewStatus.PUBLISHED
        if not first and transcript == interview.transcript:
            raise InteractionError({"transcript": "访谈实录没有变化。"})
        interview.transcript = transcript
        interview.status = InterviewStatus.PUBLISHED
        if first:
            interview.published_at = clock.now()
        interview.save()
        self.log("transcript" if first else "transcript_edit", data={"characters": len(transcript)})
        self.shown(Interview)
        return interview


class QuestionAction(InterviewAction):
    def __init__(self, actor, question: InterviewQuestion):
        super().__init__(actor, question.interview)
        self.question = question

    def log_question(self, what: str, **data) -> None:
        self.record(self.question, f"interview.question.{what}",
                    data={"interview": self.interview.pk, "status": self.question.status, **data})


class ModerateQuestion(QuestionAction):
    """Approve a question for the interview (it appears on the site) or reject it (never shown)."""

    def __init__(self, actor, question: InterviewQuestion, *, approve: bool):
        super().__init__(actor, question)
        self.approve = approve

    def perform(self) -> InterviewQuestion:
        question = self.question
        if question.status != QuestionStatus.PENDING:
            raise InteractionError(f"该提问已处理（{question.get_status_display()}）。")
        self.require(InterviewStatus.SCHEDULED, InterviewStatus.LIVE, InterviewStatus.FINISHED, what="审核提问")
        question.status = QuestionStatus.APPROVED if self.approve else QuestionStatus.REJECTED
        question.moderated_by = self.user
        question.save()
        self.log_question("approve" if self.approve else "reject")
        if self.approve:
            self.shown(InterviewQuestion)
        return question


class AnswerQuestion(QuestionAction):
    """Record a guest's answer to an approved question (or correct it before the transcript)."""

    def __init__(self, actor, question: InterviewQuestion, guest: InterviewGuest, answer: str):
        super().__init__(actor, question)
        self.guest, self.answer = guest, answer

    def perform(self) -> InterviewQuestion:
        question = self.question
        if question.status not in (QuestionStatus.APPROVED, QuestionStatus.ANSWERED):
            raise InteractionError("只能回答已采用的提问。")
        self.require(InterviewStatus.LIVE, InterviewStatus.FINISHED, what="回答提问")
        if self.guest is None or self.guest.interview_id != question.interview_id:
            raise InteractionError({"guest": "请选择本场访谈的嘉宾。"})
        checks = Checks()
        answer = checks.text("answer", self.answer, "嘉宾回答", limit=5000)
        checks.done()
        question.answer, question.answered_by = answer, self.guest
        question.status = QuestionStatus.ANSWERED
        question.save()
        self.log_question("answer", guest=self.guest.name)
        self.shown(InterviewQuestion)
        return question


class AskQuestion(PublicAction):
    """A citizen's question to an interview, while it takes questions; held for moderation."""

    def __init__(self, actor, interview: Interview, body: str, *, nickname: str = "", token: str, client_hash: str):
        super().__init__(actor)
        self.interview, self.body, self.nickname = interview, body, nickname
        self.token, self.client_hash = token, client_hash

    def perform(self) -> InterviewQuestion:
        interview, now = self.interview, clock.now()
        if not interview.takes_questions(now):
            raise InteractionError("该访谈目前不接受提问。")
        checks = Checks()
        body = checks.text("body", self.body, "提问内容", minimum=5, limit=1000)
        nickname = checks.text("nickname", self.nickname, "网名", minimum=1, limit=30, line=True, required=False)
        checks.done()
        question = InterviewQuestion.objects.create(
            interview=interview, body=body, nickname=nickname, asked_at=now,
            client_hash=(self.client_hash or "")[:64],
        )
        spend_token(self.token)
        return question
