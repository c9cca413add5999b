"""The interaction platform on the static sites (INT-01/02/04; docs/interaction.md, "On the static
sites").

Every interaction page of a site lives under ``hudong/``: the index of its columns with their
purpose and use (INT-01), a page per message column with the form that posts to the public
service, the published results with the four fields INT-02 requires, the statistics, the
knowledge base (INT-04), surveys and interviews. The pages are static like the rest of the site;
the forms post to the public service (``GOVSITES_PUBLIC_URL``), the only dynamic part.

The provider renders them when ``queue_outputs(site_id, NAME)`` was called (a result published or
withheld, a survey, interview or knowledge entry changed) and on every full rebuild. A published
message's page depends on nothing that changes while it stays published, so an incremental run
renders only the message pages not yet on the front at their current publication time
(``ManifestEntry.sort_key``); pages of withdrawn results are removed.

Nothing personal reaches a page: the writer's name, phone, e-mail and address are never shown,
and the citizen's own words are shown with phone numbers, ID numbers, e-mail addresses and the
writer's own details masked. Templates escape every value; none is marked safe.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from govsites import clock
from govsites.privacy import masking
from govsites.publishing import render
from govsites.publishing.context import ColumnMeta, NavLink, Page

from .models import (
    Channel,
    ChannelKind,
    Interview,
    InterviewQuestion,
    InterviewStatus,
    KnowledgeEntry,
    Message,
    MessageKind,
    QuestionStatus,
    Survey,
    SurveyStatus,
)
from .statistics import public_summary
from .surveys import results

NAME = "interaction"

DIR = "hudong/"
INDEX = f"{DIR}index.html"
STATISTICS = f"{DIR}statistics.html"
MESSAGES_DIR = f"{DIR}messages/"
KNOWLEDGE_DIR = f"{DIR}knowledge/"
SURVEYS_DIR = f"{DIR}surveys/"
INTERVIEWS_DIR = f"{DIR}interviews/"
PAGE_SIZE = 20
CHANNEL_RECENT = 5

KIND_LABELS = {value: str(label) for value, label in MessageKind.choices}
NO_DATE = "—"


# -- addresses ------------------------------------------------------------------------------


def channel_page(kind: str) -> str:
    return f"{DIR}{kind}.html"


def section_index(directory: str) -> str:
    return f"{directory}index.html"


def messages_list(number: int) -> str:
    """Stable pages like a column's: page 1 holds the oldest results, so a new result rewrites
    the newest page and the index only."""
    return f"{MESSAGES_DIR}list_{number}.html"


def message_page(message: Message) -> str:
    """By month of receipt and case number (which carries no personal data)."""
    return f"{MESSAGES_DIR}{message.received_on:%Y%m}/{message.case_number}.html"


def knowledge_page(entry_id: int) -> str:
    return f"{KNOWLEDGE_DIR}{entry_id}.html"


def keyword_page(keyword: str) -> str:
    """A stable ASCII file name per keyword (Chinese file names fare badly on some fronts)."""
    return f"{KNOWLEDGE_DIR}keyword_{hashlib.sha256(keyword.encode()).hexdigest()[:12]}.html"


def survey_page(survey_id: int) -> str:
    return f"{SURVEYS_DIR}{survey_id}.html"


def interview_page(interview_id: int) -> str:
    return f"{INTERVIEWS_DIR}{interview_id}.html"


#: where a column that takes no messages leads
SECTIONS = {
    ChannelKind.SURVEY: section_index(SURVEYS_DIR),
    ChannelKind.INTERVIEW: section_index(INTERVIEWS_DIR),
    ChannelKind.KNOWLEDGE: section_index(KNOWLEDGE_DIR),
}


# -- what a page may show of a citizen's words ----------------------------------------------

_LANDLINE = re.compile(r"(?<![0-9A-Za-z])0\d{2,3}[\s-]?\d{7,8}(?![0-9A-Za-z])")
_OWN_KINDS = (masking.NAME, masking.PHONE, masking.EMAIL, masking.ADDRESS, masking.ID_NUMBER)
_KEYWORD_SEPARATORS = re.compile(r"[,，、;；\s]+")


def own_details(record) -> tuple[tuple[str, str], ...]:
    """The writer's own details as (value, mask), longest first: removed wherever the text
    repeats them ("我是张三，电话…", a reply addressed to the writer by name)."""
    if record is None or record.is_erased:
        return ()
    pairs = []
    for kind in _OWN_KINDS:
        value = masking.reveal(getattr(record, kind, ""))
        if len(value) >= 2:
            pairs.append((value, masking.mask(kind, value)))
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def without_own(text: str, own: tuple[tuple[str, str], ...]) -> str:
    for value, masked in own:
        text = text.replace(value, masked)
    return text


def citizen_text(text: str, own: tuple[tuple[str, str], ...] = ()) -> str:
    """A citizen's words as a page shows them: the writer's details, mobile and landline numbers,
    ID numbers and e-mail addresses masked (the log redaction patterns plus landlines)."""
    text = masking.redact_text(without_own(text or "", own))
    return _LANDLINE.sub(lambda match: masking.mask(masking.PHONE, match.group()), text)


def lines(text: str) -> tuple[str, ...]:
    """Plain text as paragraphs (the templates escape each one)."""
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def day(moment: dt.datetime | None) -> str:
    return f"{clock.local(moment):%Y-%m-%d}" if moment else NO_DATE


def keywords_of(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(word for word in _KEYWORD_SEPARATORS.split(text or "") if word))


# -- template values ------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of a list: a linked title and a few labelled facts."""

    title: str
    path: str
    details: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Group:
    heading: str  # '' for a list without a heading
    lines: tuple[Line, ...]
    empty: str = "暂无信息。"


@dataclass(frozen=True)
class ChannelView:
    kind: str
    title: str
    purpose: tuple[str, ...]
    usage: tuple[str, ...]
    path: str  # its own page (message columns) or its section
    takes_messages: bool
    form_action: str  # '' when it takes no messages or no public service is configured
    error_report: bool


@dataclass(frozen=True)
class MessageView:
    """A published result: the four INT-02 fields, the case number and the citizen's words
    (masked); never who wrote it."""

    case_number: str
    kind_label: str
    channel: str
    title: str
    body: tuple[str, ...]
    page_url: str
    received: str
    accepted: str  # 受理日期
    replied: str  # 答复日期
    reply_department: str  # 答复部门
    reply: tuple[str, ...]  # 答复内容
    published_at: dt.datetime


@dataclass(frozen=True)
class EntryView:
    question: str
    answer: tuple[str, ...]
    department: str
    keywords: tuple[tuple[str, str], ...]  # (keyword, its page)
    published: str
    updated: str


@dataclass(frozen=True)
class OptionResult:
    label: str
    count: int
    share: str  # e.g. 42.5%


@dataclass(frozen=True)
class QuestionView:
    field: str  # the form field name: q<question id>
    text: str
    kind: str  # single | multiple | text
    required: bool
    choices: tuple[str, ...]
    results: tuple[OptionResult, ...]  # choice questions, once the results are published
    text_answers: int  # how many wrote an answer (the answers themselves are not published)


@dataclass(frozen=True)
class SurveyView:
    title: str
    department: str
    description: tuple[str, ...]
    opens: str
    closes: str
    state: str  # upcoming | open | ended | closed | results
    state_label: str
    questions: tuple[QuestionView, ...]
    responses: int
    results_summary: tuple[str, ...]
    adoption_feedback: tuple[str, ...]
    results_published: str
    form_action: str  # '' unless it takes answers now


@dataclass(frozen=True)
class AskedQuestion:
    asker: str
    body: tuple[str, ...]
    answer: tuple[str, ...]
    answered_by: str


@dataclass(frozen=True)
class InterviewView:
    title: str
    summary: tuple[str, ...]
    starts: dt.datetime
    ends: dt.datetime
    status_label: str
    guests: tuple[str, ...]
    questions: tuple[AskedQuestion, ...]
    transcript: tuple[str, ...]
    form_action: str  # '' unless it takes questions now


@dataclass(frozen=True)
class YearFigures:
    year: int
    as_of: str
    received: int
    answered: int
    on_time_rate: str
    average_working_days: str
    open_overdue: int
    open_not_due: int
    published: int


def _section(name: str, description: str, path: str, parents: tuple[NavLink, ...] = ()) -> ColumnMeta:
    """The 47号 column meta tags and breadcrumbs of an interaction section."""
    keywords = ",".join(dict.fromkeys(("互动交流", name)))
    return ColumnMeta(name=name, description=description, keywords=keywords, column_type="互动交流",
                      path=path, feed_path="", breadcrumbs=(NavLink("首页", "index.html"), *parents))


ROOT = _section("互动交流", "咨询、投诉、建议、领导信箱、网站找错、征集调查、在线访谈和知识库。", INDEX)
UNDER_ROOT = (NavLink(ROOT.name, INDEX),)
MESSAGES = _section("留言选登", "已答复并公开的留言：受理日期、答复日期、答复部门和答复内容。",
                    section_index(MESSAGES_DIR), UNDER_ROOT)
STATS = _section("办理情况统计", "留言的收到、答复、按期答复率和平均答复用时。", STATISTICS, UNDER_ROOT)
KNOWLEDGE = _section("知识库", "由已答复的常见问题整理而成的问答。", section_index(KNOWLEDGE_DIR), UNDER_ROOT)
SURVEYS = _section("征集调查", "意见征集和问卷调查，以及结果和意见采纳情况。", section_index(SURVEYS_DIR), UNDER_ROOT)
INTERVIEWS = _section("在线访谈", "访谈预告、嘉宾、网友提问和访谈实录。", section_index(INTERVIEWS_DIR), UNDER_ROOT)
#: the navigation every interaction page shows (the case lookup of the public service is added to it)
SECTION_LINKS = (("互动交流首页", INDEX), *((c.name, c.path) for c in (MESSAGES, STATS, KNOWLEDGE, SURVEYS, INTERVIEWS)))


# -- the provider ---------------------------------------------------------------------------


def provider(planner, plan) -> None:
    """Every interaction page of ``planner.data.site``; pages no longer wanted are removed."""
    SitePages(planner, plan).build()


class SitePages:
    """The interaction pages of one site, added to ``plan`` as lazily rendered outputs."""

    def __init__(self, planner, plan):
        from govsites.publishing.models import ManifestEntry

        self.planner, self.plan = planner, plan
        self.site = planner.data.site
        self.public = (getattr(settings, "GOVSITES_PUBLIC_URL", "") or "").rstrip("/")
        self.now = clock.now()
        self.wanted: set[str] = set()
        #: message id → the writer's own details, masked wherever the citizen's words repeat them
        self.own: dict[int, tuple[tuple[str, str], ...]] = {}
        #: interaction files on the front now, with their publication time (message pages)
        self.existing = dict(
            ManifestEntry.objects.filter(site=self.site, path__startswith=DIR).values_list("path", "sort_key")
        )
        # a preview (read_only) must find every page; an incremental release renders what changed
        self.incremental = not plan.full and not planner.read_only

    def build(self) -> None:
        site = self.site
        channels = list(Channel.objects.filter(site=site, enabled=True).order_by("order", "pk"))
        # bodies and replies only for the pages rendered (see ``full_rows``)
        messages = list(
            Message.objects.published().filter(site=site).select_related("submitter")
            .defer("body", "reply_body", "page_url").order_by("published_at", "pk")
        )
        self.own.update((m.pk, own_details(m.submitter)) for m in messages)
        entries = list(
            KnowledgeEntry.objects.filter(site=site, published_at__isnull=False).select_related("department")
            .order_by("-published_at", "-pk")
        )
        surveys = list(Survey.objects.filter(site=site).exclude(status=SurveyStatus.DRAFT)
                       .select_related("department").prefetch_related("questions").order_by("-opens_at", "-pk"))
        interviews = list(Interview.objects.filter(site=site).prefetch_related("guests").order_by("-starts_at", "-pk"))
        if channels or messages or entries or surveys or interviews:
            self.add_index(channels)
            self.add_channels(channels, messages)
            self.add_messages(messages)
            self.add_statistics()
            self.add_knowledge(entries)
            self.add_surveys(surveys)
            self.add_interviews(interviews)
        self.plan.removes |= set(self.existing) - self.wanted

    # -- plumbing -----------------------------------------------------------------------------

    def add(self, path: str, template: str, title: str, column: ColumnMeta,
            values: dict | Callable[[], dict], sort_key: dt.datetime | None = None) -> None:
        """One page; ``values`` may be a function, so a page that is not rendered loads nothing."""
        from govsites.publishing.planning import Output

        identity = self.planner.identity
        lookup = f"{self.public}/cases/lookup" if self.public else ""

        def build() -> bytes:
            extra = values() if callable(values) else values
            page = Page(kind="interaction", path=path, site=identity, title=title, column=column,
                        template=f"interaction/{template}",
                        extra={"sections": SECTION_LINKS, "lookup_url": lookup, **extra})
            return render.render_page(page)

        self.wanted.add(path)
        self.plan.add(Output(path, render=build, sort_key=sort_key))

    def form_action(self, path: str) -> str:
        return f"{self.public}{path}" if self.public else ""

    def add_list(self, path: str, title: str, column: ColumnMeta, groups: tuple[Group, ...], *,
                 intro: tuple[str, ...] = (), pager: tuple[tuple[str, str], ...] = (),
                 tags: tuple[tuple[str, str], ...] = ()) -> None:
        self.add(path, "list.html", title, column, {"groups": groups, "intro": intro, "pager": pager, "tags": tags})

    # -- columns (INT-01) -----------------------------------------------------------------------

    def channel_view(self, channel: Channel) -> ChannelView:
        takes = channel.takes_messages
        return ChannelView(
            kind=channel.kind, title=channel.title, purpose=lines(channel.purpose), usage=lines(channel.usage),
            path=channel_page(channel.kind) if takes else SECTIONS.get(channel.kind, INDEX), takes_messages=takes,
            form_action=self.form_action(f"/messages/new?channel={channel.pk}") if takes else "",
            error_report=channel.kind == ChannelKind.ERROR_REPORT,
        )

    def add_index(self, channels: list[Channel]) -> None:
        views = tuple(self.channel_view(c) for c in channels)
        self.add(INDEX, "index.html", ROOT.name, ROOT, {"channels": views})

    def add_channels(self, channels: list[Channel], messages: list[Message]) -> None:
        recent: dict[int, list[Message]] = defaultdict(list)
        for message in reversed(messages):
            if len(recent[message.channel_id]) < CHANNEL_RECENT:
                recent[message.channel_id].append(message)
        for channel in channels:
            if not channel.takes_messages:
                continue
            view = self.channel_view(channel)
            column = _section(channel.title, " ".join(view.purpose)[:200], view.path, UNDER_ROOT)
            self.add(view.path, "channel.html", channel.title, column, {
                "channel": view, "recent": tuple(self.message_line(m) for m in recent[channel.pk]),
                "national_error_report_url": self.planner.identity.error_report_url,
            })

    # -- published results (INT-02) -------------------------------------------------------------

    def message_line(self, message: Message) -> Line:
        return Line(citizen_text(message.title, self.own[message.pk]), message_page(message), (
            ("类型", KIND_LABELS.get(message.kind, "")), ("受理日期", day(message.accepted_at)),
            ("答复日期", day(message.replied_at)),
        ))

    def add_messages(self, messages: list[Message]) -> None:
        pages = [messages[start:start + PAGE_SIZE] for start in range(0, len(messages), PAGE_SIZE)]
        numbers = range(1, len(pages) + 1)
        newest = tuple(self.message_line(m) for m in reversed(messages[-PAGE_SIZE:]))
        self.add_list(section_index(MESSAGES_DIR), MESSAGES.name, MESSAGES,
                      (Group("", newest, "暂无公开的留言办理结果。"),), intro=lines(MESSAGES.description),
                      pager=tuple((f"第{n}页", messages_list(n)) for n in reversed(numbers)))
        for number, chunk in zip(numbers, pages, strict=True):
            pager = (("较新的留言", messages_list(number + 1) if number < len(pages) else section_index(MESSAGES_DIR)),)
            if number > 1:
                pager += (("较早的留言", messages_list(number - 1)),)
            self.add_list(messages_list(number), f"{MESSAGES.name}（第{number}页）", MESSAGES,
                          (Group("", tuple(self.message_line(m) for m in reversed(chunk))),), pager=pager)
        stale = [m.pk for m in messages
                 if not self.incremental or self.existing.get(message_page(m)) != m.published_at]
        full_rows = self.full_rows(stale)
        for message in messages:
            path = message_page(message)
            if message.pk in full_rows:
                own = self.own[message.pk]
                self.add(path, "message.html", citizen_text(message.title, own), MESSAGES,
                         lambda pk=message.pk, own=own: {"message": message_view(full_rows[pk], own)},
                         sort_key=message.published_at)
            else:
                self.wanted.add(path)  # on the front at this publication time already

    @staticmethod
    def full_rows(ids: list[int]) -> dict[int, Message]:
        """Bodies and replies of the pages to render, 2,000 per query."""
        rows: dict[int, Message] = {}
        for start in range(0, len(ids), 2000):
            rows.update(Message.objects.select_related("channel", "reply_department").in_bulk(ids[start:start + 2000]))
        return rows

    def add_statistics(self) -> None:
        def values() -> dict:
            first = Message.objects.filter(site=self.site).order_by("received_at").values_list(
                "received_at", flat=True).first()
            this_year = clock.local(self.now).year
            years = range(this_year, (clock.local(first).year if first else this_year) - 1, -1)
            rows = []
            for year in years:
                figures = public_summary(self.site, year, self.now)
                rate, average = figures["on_time_rate"], figures["average_working_days"]
                rows.append(YearFigures(
                    year=year, as_of=figures["as_of"][:10], received=figures["received"], answered=figures["answered"],
                    on_time_rate=f"{rate * 100:.1f}%" if rate is not None else NO_DATE,
                    average_working_days=f"{average:.1f}" if average is not None else NO_DATE,
                    open_overdue=figures["open_overdue"], open_not_due=figures["open_not_due"],
                    published=figures["published"],
                ))
            return {"years": tuple(rows)}

        self.add(STATISTICS, "statistics.html", STATS.name, STATS, values)

    # -- knowledge base (INT-04) ----------------------------------------------------------------

    def add_knowledge(self, entries: list[KnowledgeEntry]) -> None:
        by_keyword: dict[str, list[KnowledgeEntry]] = defaultdict(list)
        by_department: dict[str, list[KnowledgeEntry]] = defaultdict(list)
        for entry in entries:
            for word in keywords_of(entry.keywords):
                by_keyword[word].append(entry)
            by_department[entry.department.name if entry.department_id else "其他"].append(entry)

        def line(entry: KnowledgeEntry) -> Line:
            return Line(entry.question, knowledge_page(entry.pk), (
                ("答复部门", entry.department.name if entry.department_id else NO_DATE),
                ("更新日期", day(entry.updated_at)),
            ))

        tags = tuple((f"{word}（{len(found)}）", keyword_page(word)) for word, found in sorted(by_keyword.items()))
        groups = tuple(Group(name, tuple(line(e) for e in found)) for name, found in sorted(by_department.items()))
        self.add_list(section_index(KNOWLEDGE_DIR), KNOWLEDGE.name, KNOWLEDGE,
                      groups or (Group("", (), "知识库暂无条目。"),), intro=lines(KNOWLEDGE.description), tags=tags)
        under = (*UNDER_ROOT, NavLink(KNOWLEDGE.name, KNOWLEDGE.path))
        for word, found in by_keyword.items():
            column = _section(f"关键词：{word}", f"知识库中关键词为“{word}”的问答。", keyword_page(word), under)
            self.add_list(keyword_page(word), column.name, column, (Group("", tuple(line(e) for e in found)),))
        for entry in entries:
            view = EntryView(
                question=entry.question, answer=lines(entry.answer),
                department=entry.department.name if entry.department_id else "",
                keywords=tuple((w, keyword_page(w)) for w in keywords_of(entry.keywords)),
                published=day(entry.published_at), updated=day(entry.updated_at),
            )
            self.add(knowledge_page(entry.pk), "knowledge_entry.html", entry.question, KNOWLEDGE, {"entry": view})

    # -- surveys and interviews -----------------------------------------------------------------

    def add_surveys(self, surveys: list[Survey]) -> None:
        views = {s.pk: self.survey_view(s) for s in surveys}

        def line(survey: Survey) -> Line:
            view = views[survey.pk]
            return Line(survey.title, survey_page(survey.pk), (
                ("征集时间", f"{view.opens} 至 {view.closes}"), ("状态", view.state_label)))

        current = tuple(line(s) for s in surveys if views[s.pk].state in ("upcoming", "open"))
        past = tuple(line(s) for s in surveys if views[s.pk].state not in ("upcoming", "open"))
        self.add_list(section_index(SURVEYS_DIR), SURVEYS.name, SURVEYS,
                      (Group("正在征集", current, "暂无正在进行的征集调查。"), Group("往期征集", past, "暂无往期征集调查。")),
                      intro=lines(SURVEYS.description))
        for survey in surveys:
            self.add(survey_page(survey.pk), "survey.html", survey.title, SURVEYS, {"survey": views[survey.pk]})

    def survey_view(self, survey: Survey) -> SurveyView:
        if survey.status == SurveyStatus.RESULTS_PUBLISHED:
            state, label = "results", "已公布结果"
        elif survey.status == SurveyStatus.CLOSED:
            state, label = "closed", "已结束，结果整理中"
        elif self.now < survey.opens_at:
            state, label = "upcoming", "即将开始"
        elif survey.is_open(self.now):
            state, label = "open", "征集中"
        else:
            state, label = "ended", "已截止"
        found = results(survey) if state == "results" else None
        counted = {row.question.pk: row for row in found.questions} if found else {}
        questions = tuple(question_view(q, counted.get(q.pk)) for q in survey.questions.all())
        return SurveyView(
            title=survey.title, department=survey.department.name if survey.department_id else "",
            description=lines(survey.description), opens=day(survey.opens_at), closes=day(survey.closes_at),
            state=state, state_label=label, questions=questions, responses=found.responses if found else 0,
            results_summary=lines(survey.results_summary) if state == "results" else (),
            adoption_feedback=lines(survey.adoption_feedback) if state == "results" else (),
            results_published=day(survey.results_published_at) if state == "results" else "",
            form_action=self.form_action(f"/surveys/{survey.pk}/") if state == "open" else "",
        )

    def add_interviews(self, interviews: list[Interview]) -> None:
        shown = defaultdict(list)
        for question in (InterviewQuestion.objects.filter(interview__in=interviews)
                         .filter(status__in=(QuestionStatus.APPROVED, QuestionStatus.ANSWERED))
                         .select_related("answered_by").order_by("asked_at", "pk")):
            shown[question.interview_id].append(question)

        def line(interview: Interview) -> Line:
            return Line(interview.title, interview_page(interview.pk), (
                ("访谈时间", f"{clock.local(interview.starts_at):%Y-%m-%d %H:%M}"),
                ("状态", interview.get_status_display())))

        ahead = (InterviewStatus.SCHEDULED, InterviewStatus.LIVE)
        self.add_list(section_index(INTERVIEWS_DIR), INTERVIEWS.name, INTERVIEWS, (
            Group("访谈预告", tuple(line(i) for i in interviews if i.status in ahead), "暂无访谈预告。"),
            Group("往期访谈", tuple(line(i) for i in interviews if i.status not in ahead), "暂无往期访谈。"),
        ), intro=lines(INTERVIEWS.description))
        for interview in interviews:
            view = InterviewView(
                title=interview.title, summary=lines(interview.summary), starts=clock.local(interview.starts_at),
                ends=clock.local(interview.ends_at), status_label=interview.get_status_display(),
                guests=tuple(f"{g.name}（{g.position}）" for g in interview.guests.all()),
                questions=tuple(AskedQuestion(
                    asker=f"网友{citizen_text(q.nickname)}" if q.nickname else "网友", body=lines(citizen_text(q.body)),
                    answer=lines(q.answer), answered_by=q.answered_by.name if q.answered_by_id else "",
                ) for q in shown[interview.pk]),
                transcript=lines(interview.transcript) if interview.status == InterviewStatus.PUBLISHED else (),
                form_action=(self.form_action(f"/interviews/{interview.pk}/questions")
                             if interview.takes_questions(self.now) else ""),
            )
            self.add(interview_page(interview.pk), "interview.html", interview.title, INTERVIEWS, {"interview": view})


def message_view(message: Message, own: tuple[tuple[str, str], ...]) -> MessageView:
    return MessageView(
        case_number=message.case_number, kind_label=KIND_LABELS.get(message.kind, ""), channel=message.channel.title,
        title=citizen_text(message.title, own), body=lines(citizen_text(message.body, own)),
        page_url=citizen_text(message.page_url), received=day(message.received_at), accepted=day(message.accepted_at),
        replied=day(message.replied_at),
        reply_department=message.reply_department.name if message.reply_department_id else "",
        reply=lines(without_own(message.reply_body, own)), published_at=clock.local(message.published_at),
    )


def question_view(question, result=None) -> QuestionView:
    """A question and, once the results are published, its counts per option
    (``surveys.results``). Text answers are only counted: what citizens wrote is not published."""
    choices = tuple(str(c) for c in question.choices or ())
    options = () if result is None or result.is_text else tuple(
        OptionResult(o.label, o.count, f"{o.percent:.1f}%") for o in result.options)
    return QuestionView(field=f"q{question.pk}", text=question.text, kind=question.kind, required=question.required,
                        choices=choices, results=options, text_answers=result.text_answers if result else 0)


class TimedPages:
    """The scheduled job around :func:`queue_due`: each run covers the time since the last."""

    def __init__(self):
        self.since = clock.now() - dt.timedelta(minutes=1)

    def __call__(self) -> int:
        now = clock.now()
        queued = queue_due(self.since, now)
        self.since = now
        return queued


def queue_due(since: dt.datetime, now: dt.datetime | None = None) -> int:
    """Queue the sites whose survey opened or closed, or whose interview started or ended, in
    (since, now]: their pages show or drop the forms on time. Returns the number of sites."""
    from govsites.publishing.receivers import queue_outputs

    now = now or clock.now()

    def within(field: str) -> Q:
        return Q(**{f"{field}__gt": since, f"{field}__lte": now})

    sites = set(Survey.objects.exclude(status=SurveyStatus.DRAFT).filter(within("opens_at") | within("closes_at"))
                .values_list("site_id", flat=True))
    sites |= set(Interview.objects.filter(within("starts_at") | within("ends_at")).values_list("site_id", flat=True))
    for site_id in sorted(sites):
        queue_outputs(site_id, NAME)
    return len(sites)
