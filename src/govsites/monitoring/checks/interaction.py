"""互动回应差: enquiries left unanswered, and portals without an enquiry channel.

Enquiry columns are pages whose names (``ColumnName``, navigation text, title, headings) contain a
keyword of ``monitoring.enquiry.keywords`` (政务咨询, 咨询, 留言, 信箱 …) and none of
``monitoring.enquiry.excluded`` (在线访谈, 调查征集, 网上信访, 纪检举报 do not count). Every row of
such a column's list (later pages included) is a message. What the row shows — and, when the
crawl fetched it, the message's own page, which wins — gives:

- when it was asked: a date labelled 留言/提问/来信/咨询…时间, else the row's first date;
- when it was answered: a date labelled 回复/答复/办结…时间, else a second date of the row;
- its status: 未回复/待回复/办理中 … (unanswered), 已回复/已办结 … or a reply text (answered).

``enquiry_unanswered`` (``url`` = the list page, ``target`` = the message's URL, or its title when
the row has no link) when a message asked within the past ``interaction.veto_window_months``
(12) is still unanswered more than ``interaction.veto_unanswered_months`` (3) calendar months
later (asked 19 April, still open on 19 July: not yet; asked 18 April: yes), or — with
``monitoring.enquiry.count_late_replies`` — was answered only after that. A message whose status
cannot be told (no status, no reply date, no page of its own) is not judged.

``no_enquiry_channel`` (site level: ``url`` = home page, ``target`` = "") for a portal
(``SiteFacts.is_portal``) where no enquiry column was crawled and no page links to one by name
(links the link checker found dead do not count).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..types import Fetch, Observation, Page, SiteFacts
from ._html import normalize, url_key
from ._site import Doc, SiteView, months_before, setting
from .dates import find_dates, local_today
from .links import is_dead

_ASKED_LABEL = re.compile(r"(?:留言|提问|来信|咨询|提交|写信|信件|发布|发表|诉求)(?:时间|日期)")
_REPLY_LABEL = re.compile(r"(?:回复|答复|办结|处理|反馈|回信|办理)(?:时间|日期)")
_UNANSWERED_WORDS = (
    "未回复|未答复|待回复|待答复|尚未回复|暂未回复|暂无回复|未办结|办理中|处理中|正在办理|正在处理|待处理|受理中|未处理|未反馈"
)
_ANSWERED_WORDS = "已回复|已答复|已办结|已处理|已反馈|已办理|已回信|办结"
#: a status word standing alone (a cell, a bracket), not inside a sentence ("能否办理中医药业务")
_ALONE = r"(?:^|(?<=[\s:：|｜(（\[【]))(?:{})(?=$|[\s)）\]】|｜,，。])"
_UNANSWERED = re.compile(_ALONE.format(_UNANSWERED_WORDS))
_ANSWERED = re.compile(_ALONE.format(_ANSWERED_WORDS))
_STATUS = re.compile(r"(?:办理|处理|回复|答复)?状态\s*[:：]?\s*(\S{2,6})")
_REPLY_TEXT = re.compile(r"(?:回复|答复)(?:内容|意见|情况)?\s*[:：]\s*\S.{3,}|办理结果\s*[:：]\s*\S.{3,}")


@dataclass(frozen=True)
class Thresholds:
    keywords: tuple[str, ...]
    excluded: tuple[str, ...]
    unanswered_months: int = 3
    window_months: int = 12
    count_late_replies: bool = True


def thresholds() -> Thresholds:
    """From the profile: ``monitoring.enquiry.*`` and ``interaction.veto_unanswered_months`` /
    ``interaction.veto_window_months`` (shared with the platform's own interaction rules)."""
    section = setting("enquiry")
    return Thresholds(
        keywords=tuple(section["keywords"]),
        excluded=tuple(section["excluded"]),
        unanswered_months=int(setting("veto_unanswered_months", "interaction")),
        window_months=int(setting("veto_window_months", "interaction")),
        count_late_replies=bool(section["count_late_replies"]),
    )


@dataclass
class Message:
    """What is known about one message: dates and whether it was answered (None: cannot tell)."""

    asked: dt.date | None = None
    replied: dt.date | None = None
    answered: bool | None = None

    def merge(self, better: Message) -> Message:
        return Message(
            asked=better.asked or self.asked,
            replied=better.replied or self.replied,
            answered=better.answered if better.answered is not None else self.answered,
        )


def is_enquiry_name(name: str, limits: Thresholds) -> bool:
    return any(k in name for k in limits.keywords) and not any(x in name for x in limits.excluded)


def read_message(text: str, today: dt.date) -> Message:
    """The dates and status a row's or a message page's text shows (see the module docstring)."""
    text = normalize(text)
    asked = replied = None
    unlabelled: list[dt.date] = []
    for found in find_dates(text, today=today, short=True):
        label = text[max(0, found.start - 10):found.start]
        if _REPLY_LABEL.search(label):
            replied = replied or found.value
        elif _ASKED_LABEL.search(label):
            asked = asked or found.value
        else:
            unlabelled.append(found.value)
    if asked is None and unlabelled:
        asked = unlabelled.pop(0)
    if replied is None and unlabelled and asked is not None and unlabelled[0] >= asked:
        replied = unlabelled[0]
    return Message(asked, replied, _answered(text, replied))


def _answered(text: str, replied: dt.date | None) -> bool | None:
    """A labelled status (办理状态：已回复) decides; then a reply date or text; then a status word
    standing alone."""
    labelled = _STATUS.search(text)
    if labelled:
        value = labelled.group(1)
        if re.search(_UNANSWERED_WORDS, value):
            return False
        if re.search(_ANSWERED_WORDS, value):
            return True
    if replied is not None or _REPLY_TEXT.search(text):
        return True
    if _UNANSWERED.search(text):
        return False
    if _ANSWERED.search(text):
        return True
    return None


def check_interaction(
    site: SiteFacts,
    pages: Sequence[Page],
    *,
    now: dt.datetime,
    statuses: Mapping[str, Fetch] | None = None,
    limits: Thresholds | None = None,
) -> list[Observation]:
    limits = limits or thresholds()
    view = SiteView(site, pages)
    today = local_today(now)
    columns = enquiry_columns(view, today, limits)
    found = _unanswered(view, columns, today, limits)
    if site.is_portal and not columns and not _linked_channel(view, statuses or {}, limits):
        found.append(Observation(
            check="no_enquiry_channel",
            url=view.home_url,
            target="",
            evidence="未发现可用的政务咨询（咨询建议）渠道",
            detail={"pages_checked": len(view.docs)},
        ))
    return found


def enquiry_columns(view: SiteView, today: dt.date, limits: Thresholds) -> list[Doc]:
    """The crawled enquiry list pages — not the messages' own pages, whose titles (咨询 …) would
    make them look like enquiry columns too: a page a candidate's rows link to is a message,
    unless it lists dated, linked rows itself."""
    columns = [d for d in view.docs if not view.is_home(d) and _is_enquiry_column(view, d, limits)]
    rows = {id(c): c.main_items(today, links_only=False) for c in columns}
    messages = {url_key(item.url) for c in columns for item in rows[id(c)] if item.url}
    return [
        c for c in columns
        if url_key(c.url) not in messages or any(item.url and item.date for item in rows[id(c)])
    ]


def _is_enquiry_column(view: SiteView, doc: Doc, limits: Thresholds) -> bool:
    names = view.column_names(doc)
    return any(is_enquiry_name(n, limits) for n in names) and not any(
        x in n for n in names for x in limits.excluded
    )


def _unanswered(view: SiteView, columns: list[Doc], today: dt.date, limits: Thresholds) -> list[Observation]:
    window_start = months_before(today, limits.window_months)
    found: dict[str, Observation] = {}
    for column in columns:
        for item in column.main_items(today, links_only=False):
            target = item.url or item.title
            if target in found:
                continue
            message = read_message(item.text, today)  # the title may name dates of its own
            own_page = view.doc(item.url) if item.url else None
            if own_page is not None and own_page is not column:
                message = message.merge(read_message(own_page.html.content_text(), today))
            reason = _verdict(message, today, window_start, limits)
            if not reason or message.asked is None:
                continue
            found[target] = Observation(
                check="enquiry_unanswered",
                url=column.url,
                target=target,
                evidence=f"{item.title[:60]}（留言时间{message.asked.isoformat()}）",
                detail={
                    "title": item.title,
                    "asked": message.asked.isoformat(),
                    "replied": message.replied.isoformat() if message.replied else None,
                    "reason": reason,
                    "months": limits.unanswered_months,
                    "column": view.column_name(column),
                },
            )
    return list(found.values())


def _verdict(message: Message, today: dt.date, window_start: dt.date, limits: Thresholds) -> str:
    """"unanswered" or "late_reply" when the message breaks the rule, else ""."""
    if message.asked is None or message.asked < window_start or message.answered is None:
        return ""
    deadline = _deadline(message.asked, limits.unanswered_months)
    if not message.answered:
        return "unanswered" if today > deadline else ""
    if limits.count_late_replies and message.replied is not None and message.replied > deadline:
        return "late_reply"
    return ""


def _deadline(asked: dt.date, months: int) -> dt.date:
    """The last day a reply is in time: ``months`` calendar months after the question."""
    # months_before with a negative count moves forward, clamping the day like the month-end does
    return months_before(asked, -months)


def _linked_channel(view: SiteView, statuses: Mapping[str, Fetch], limits: Thresholds) -> bool:
    for page in view.pages:
        for link in page.links:
            if link.kind == "a" and is_enquiry_name(normalize(link.text), limits):
                status = statuses.get(link.url)
                if status is None or not is_dead(status):
                    return True
    return False
