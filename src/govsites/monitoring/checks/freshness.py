"""首页不更新 and 栏目不更新: is the newest visible item recent enough?

- ``home_not_updated`` (site level: ``url`` = home page, ``target`` = ""): the newest dated item of
  the home page (outside navigation/header/footer) is older than ``monitoring.home_window``
  (2 weeks: an item 14 days old is still fresh, 15 days is not). A row that shows no date takes
  the publication date its own page shows (``PubDate`` meta or a labelled 发布时间), when the crawl
  fetched it; rows with no visible date anywhere count as not updated. A *navigation-only* home
  page (no content rows, or only undated entries that open column pages) is judged by all
  second-level column pages instead (pages linked from the home page): fresh when any of them
  is — except the public's columns (政务咨询, 信箱 …), whose new messages are not the site's.
- ``column_not_updated`` (``url`` = ``target`` = the column's first page): the newest item of a
  column's main list is older than the window of the column's kind (``monitoring.column_windows``:
  动态/要闻 2 weeks, 通知公告/政策文件 6 months, 人事/规划计划 1 year). A column whose rows show no
  date at all is not updated. Columns of no known kind are not judged unless the profile gives
  ``other`` a window (then only when they show dates). Later pages of a paginated list are skipped.

A column's kind comes from, in order: a registry hint (``SiteFacts.extra["column_kinds"]``, a
mapping of column URL or name to kind), the ``ColumnType`` meta tag, then the column's names
(``ColumnName``, navigation text, title, headings) matched against the profile's keyword table
``monitoring.column_kinds`` (the longest keyword wins). ``detail["level"]`` is the crawl depth
(1 = linked from the home page): the veto counts first-level 通知公告/政策文件 columns only, and
the scoring applies that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..types import Observation, Page, SiteFacts
from ._html import url_key
from ._site import Doc, SiteView, Window, is_later_page, match_keyword, setting
from .dates import ListItem, local_today


@dataclass(frozen=True)
class Thresholds:
    home_window: Window
    column_windows: Mapping[str, Window | None]
    column_kinds: Mapping[str, Sequence[str]]
    #: names of the public's columns (咨询, 留言, 信箱 …): what citizens post there is not the
    #: site updating, so they do not make a navigation-only home page fresh
    interaction_words: Sequence[str] = ()


def thresholds() -> Thresholds:
    """From the profile keys ``monitoring.home_window``, ``monitoring.column_windows``,
    ``monitoring.column_kinds`` and ``monitoring.enquiry`` (``keywords`` and ``excluded``: every
    interaction channel)."""
    home = Window.parse(setting("home_window"))
    if home is None:
        raise ValueError("monitoring.home_window must name a window")
    enquiry = setting("enquiry")
    return Thresholds(
        home_window=home,
        column_windows={kind: Window.parse(spec) for kind, spec in setting("column_windows").items()},
        column_kinds={kind: tuple(words) for kind, words in setting("column_kinds").items()},
        interaction_words=tuple(enquiry["keywords"]) + tuple(enquiry["excluded"]),
    )


def check_freshness(
    site: SiteFacts, pages: Sequence[Page], *, now: dt.datetime, limits: Thresholds | None = None
) -> list[Observation]:
    """Both freshness checks over one site's crawl."""
    limits = limits or thresholds()
    view = SiteView(site, pages)
    return _home(view, now, limits) + _columns(view, now, limits)


def check_home(
    site: SiteFacts, pages: Sequence[Page], *, now: dt.datetime, limits: Thresholds | None = None
) -> list[Observation]:
    """首页不更新 only."""
    return _home(SiteView(site, pages), now, limits or thresholds())


def check_columns(
    site: SiteFacts, pages: Sequence[Page], *, now: dt.datetime, limits: Thresholds | None = None
) -> list[Observation]:
    """栏目不更新 only."""
    return _columns(SiteView(site, pages), now, limits or thresholds())


def column_kind(view: SiteView, doc: Doc, limits: Thresholds) -> str:
    """The column's kind (a key of ``monitoring.column_kinds``), or "" when unknown."""
    hints = view.site.extra.get("column_kinds") or {}
    for name in [doc.url, *view.column_names(doc)]:
        for key, kind in hints.items():
            if key == name or (key.startswith(("http://", "https://")) and url_key(key) == url_key(name)):
                return kind
    for name in view.column_names(doc):
        kind = match_keyword(name, limits.column_kinds)
        if kind:
            return kind
    return ""


def _home(view: SiteView, now: dt.datetime, limits: Thresholds) -> list[Observation]:
    home = view.home
    if home is None:
        return []
    today = local_today(now)
    earliest = limits.home_window.earliest(today)
    items = [i for i in home.content_items(today) if i.date or not _leads_to_column(view, i.url, today)]
    navigation_only = not items
    checked = [home.url]
    if navigation_only:
        seconds = [
            d for d in view.docs
            if d.depth == 1 and not view.is_home(d) and not is_later_page(d.url) and view.kind(d, today) == "list"
            and not _is_interaction(view, d, limits)
        ]
        checked = [d.url for d in seconds]
        items = [item for d in seconds for item in d.main_items(today)]
    newest, undated = _newest(view, items, today)
    if newest is not None and newest >= earliest:
        return []
    return [
        Observation(
            check="home_not_updated",
            url=home.url,
            target="",
            evidence=f"首页最近更新：{newest.isoformat() if newest else '无可见日期的信息'}",
            detail={
                "last_date": newest.isoformat() if newest else None,
                "window": str(limits.home_window),
                "navigation_only": navigation_only,
                "items": len(items),
                "undated_items": undated,
                "checked_pages": checked,
            },
        )
    ]


def _is_interaction(view: SiteView, doc: Doc, limits: Thresholds) -> bool:
    """A column where the public writes (政务咨询, 领导信箱 …), by the name it goes by."""
    return any(word in name for name in view.column_names(doc) for word in limits.interaction_words)


def _newest(view: SiteView, items: list[ListItem], today: dt.date) -> tuple[dt.date | None, int]:
    """The newest date among ``items`` (a row without one takes its own page's) and how many rows
    stay undated."""
    found = [view.item_date(item, today) for item in items]
    return max((d for d in found if d is not None), default=None), sum(1 for d in found if d is None)


def _leads_to_column(view: SiteView, url: str, today: dt.date) -> bool:
    """An undated home-page entry that opens a column (not an article) is navigation, not news."""
    target = view.doc(url)
    return target is not None and view.kind(target, today) in ("list", "home")


def _columns(view: SiteView, now: dt.datetime, limits: Thresholds) -> list[Observation]:
    today = local_today(now)
    found: list[Observation] = []
    seen: set[str] = set()
    for doc in view.docs:
        key = url_key(doc.url)
        if key in seen or view.is_home(doc) or is_later_page(doc.url) or view.kind(doc, today) != "list":
            continue
        seen.add(key)
        kind = column_kind(view, doc, limits) or "other"
        window = limits.column_windows.get(kind)
        main = doc.main_items(today)
        if window is None or not main:
            continue  # not judged, or empty (that is column_empty's business)
        newest, undated = _newest(view, main, today)
        if newest is None and kind == "other":
            continue
        if newest is not None and newest >= window.earliest(today):
            continue
        name = view.column_name(doc)
        found.append(
            Observation(
                check="column_not_updated",
                url=doc.url,
                target=doc.url,
                evidence=f"{name or '栏目'}最近更新：{newest.isoformat() if newest else '无可见日期的信息'}",
                detail={
                    "column": name,
                    "kind": kind,
                    "window": str(window),
                    "last_date": newest.isoformat() if newest else None,
                    "items": len(main),
                    "undated_items": undated,
                    "level": doc.depth,
                },
            )
        )
    return found
