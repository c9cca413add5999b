"""A site's crawl as the page checks see it: parsed pages, what kind each is, column names,
and the profile values the checks read.

Page kinds (:meth:`SiteView.kind`):

- ``home`` — the crawl's start page (depth 0) or the registered home URL;
- ``article`` — carries ``ArticleTitle``/``PubDate`` meta, or a dated list row of the site links
  to it, or it reads like an article (paragraph text of 200+ characters outside lists and chrome,
  and not a long dated list);
- ``list`` — carries ``ColumnName`` meta (without article tags), or its main list shows a dated
  row or at least 3 content rows (a title of 6+ characters);
- ``other`` — anything else (static pages, forms, guides without meta).

The *main list* of a page is the non-chrome list with the most dated rows (then the most content
rows): a sidebar of "latest news" on a column page must not make the column look fresh.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..types import Page, SiteFacts
from . import dates
from ._html import Html, normalize, url_key, view

#: titles at least this long count as content rows even without a date
CONTENT_TITLE_CHARS = 6

_LATER_PAGE = re.compile(r"/(?:index|list|default|more|page)[_-]\d+\.[a-z]+$|/page/\d+/?$", re.IGNORECASE)
_PAGE_QUERY = re.compile(r"(?:^|&)(?:page|pageno|pageindex|curpage|p|pn|pagenum|currentpage)=(\d+)", re.IGNORECASE)
_TITLE_SPLIT = re.compile(r"\s*[-_|｜—–·:：]+\s*")


def setting(key: str, section: str = "monitoring") -> Any:
    """``<section>.<key>`` of the active policy profile (the national one outside Django)."""
    from django.conf import settings

    from govsites.policy import profiles

    profile = profiles.active() if settings.configured else profiles.load("national")
    return profile.get(f"{section}.{key}")


@dataclass(frozen=True)
class Window:
    """A freshness window: ``"14d"`` (days) or ``"6m"`` (calendar months); ``""`` = not checked."""

    amount: int
    unit: str  # "d" or "m"

    @classmethod
    def parse(cls, spec: str) -> Window | None:
        spec = (spec or "").strip().lower()
        if not spec:
            return None
        match = re.fullmatch(r"(\d+)\s*([dmy])", spec)
        if not match:
            raise ValueError(f"freshness window {spec!r}: expected like '14d', '6m' or '1y'")
        amount, unit = int(match.group(1)), match.group(2)
        return cls(amount * 12, "m") if unit == "y" else cls(amount, unit)

    def earliest(self, today: dt.date) -> dt.date:
        """The oldest date still inside the window ending today (14d on 19 July: 5 July)."""
        if self.unit == "d":
            return today - dt.timedelta(days=self.amount)
        return months_before(today, self.amount)

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


def months_before(day: dt.date, months: int) -> dt.date:
    """``day`` moved back by whole calendar months (31 August − 6 months = 28/29 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_later_page(url: str) -> bool:
    """Page 2, 3 … of a paginated list (``index_1.html``, ``?page=2``): older items by design."""
    path, _, query = url.partition("?")
    if _LATER_PAGE.search(path):
        return True
    match = _PAGE_QUERY.search(query)
    return bool(match and int(match.group(1)) >= 2)


def match_keyword(name: str, table: dict[str, Sequence[str]]) -> str:
    """The key of ``table`` whose keyword occurs in ``name`` (longest keyword wins), or ""."""
    best, best_len = "", 0
    for key, words in table.items():
        for word in words:
            if word and word in name and len(word) > best_len:
                best, best_len = key, len(word)
    return best


class Doc:
    """One fetched HTML page of the crawl, parsed."""

    def __init__(self, page: Page):
        self.page = page
        html = view(page)
        if html is None:
            raise ValueError(f"{page.url}: no HTML to check")
        self.html: Html = html
        self.url = page.url

    @property
    def depth(self) -> int:
        return self.page.depth

    def items(self, today: dt.date, *, links_only: bool = True) -> list[dates.ListItem]:
        key = ("items", today, links_only)
        cached = self.html.derived.get(key)
        if cached is None:
            cached = self.html.derived[key] = dates.list_items(self.html, self.url, today, links_only=links_only)
        return cached

    def content_items(self, today: dt.date, *, links_only: bool = True) -> list[dates.ListItem]:
        """Rows outside the chrome that are dated or have a title long enough to be content."""
        return [
            i for i in self.items(today, links_only=links_only)
            if not i.chrome and (i.date or len(i.title) >= CONTENT_TITLE_CHARS)
        ]

    def main_items(self, today: dt.date, *, links_only: bool = True) -> list[dates.ListItem]:
        """The rows of the page's main list (see the module docstring)."""
        groups: dict[int, list[dates.ListItem]] = {}
        for item in self.content_items(today, links_only=links_only):
            groups.setdefault(item.container, []).append(item)
        if not groups:
            return []
        return max(groups.values(), key=lambda rows: (sum(1 for r in rows if r.date), len(rows)))

    def paragraph_chars(self) -> int:
        key = "paragraph_chars"
        if key not in self.html.derived:
            total = 0
            for node in self.html.tree.css("p"):
                if node.css_matches("li p") or self.html.is_chrome(node):
                    continue
                total += len(normalize(node.text()))
            self.html.derived[key] = total
        return self.html.derived[key]


class SiteView:
    """The HTML pages of one site's crawl, with the lookups the checks share."""

    def __init__(self, site: SiteFacts, pages: Iterable[Page]):
        self.site = site
        self.pages = list(pages)
        self.docs = [Doc(p) for p in self.pages if _is_html(p)]
        self.by_url = {url_key(d.url): d for d in self.docs}
        for doc in self.docs:  # the address asked for leads to the same doc as where it ended
            self.by_url.setdefault(url_key(doc.page.fetch.url), doc)
        home_key = url_key(site.home_url) if site.home_url else None
        self.home = next((d for d in self.docs if d.depth == 0), None) or (
            self.by_url.get(home_key) if home_key else None
        )
        self._anchors: dict[str, Counter[str]] | None = None
        self._row_targets: set[str] | None = None

    def doc(self, url: str) -> Doc | None:
        return self.by_url.get(url_key(url))

    def is_home(self, doc: Doc) -> bool:
        return doc is self.home

    @property
    def home_url(self) -> str:
        return self.home.url if self.home is not None else self.site.home_url

    def anchor_texts(self, url: str) -> Counter[str]:
        """How the site's pages name a link to ``url`` (its navigation text, usually)."""
        if self._anchors is None:
            self._anchors = {}
            for page in self.pages:
                for link in page.links:
                    text = normalize(link.text)
                    if link.kind == "a" and 2 <= len(text) <= 20:
                        self._anchors.setdefault(url_key(link.url), Counter())[text] += 1
        return self._anchors.get(url_key(url), Counter())

    def dated_row_targets(self, today: dt.date) -> set[str]:
        """Pages that a dated list row of some page links to: articles (or messages, guides)."""
        if self._row_targets is None:
            self._row_targets = {
                url_key(item.url) for d in self.docs for item in d.items(today) if item.date and not item.chrome
            }
        return self._row_targets

    def kind(self, doc: Doc, today: dt.date) -> str:
        if self.is_home(doc):
            return "home"
        meta = doc.html.meta
        if meta.get("articletitle") or meta.get("pubdate"):
            return "article"
        if meta.get("columnname"):
            return "list"
        if url_key(doc.url) in self.dated_row_targets(today):
            return "article"
        main = doc.main_items(today)
        dated = sum(1 for item in main if item.date)
        if doc.paragraph_chars() >= 200 and dated < 10:
            return "article"
        if dated or len(main) >= 3:
            return "list"
        return "other"

    def item_date(self, item: dates.ListItem, today: dt.date) -> dt.date | None:
        """The row's visible date, or — for a row that shows none — the date its own page shows
        (when the crawl fetched it)."""
        if item.date is not None or not item.url:
            return item.date
        target = self.doc(item.url)
        return page_date(target, today) if target is not None else None

    def column_name(self, doc: Doc) -> str:
        """The column's name: ``ColumnName`` meta, else the navigation text of links to it, else
        the first part of its ``<title>``, else its first heading."""
        meta = doc.html.meta.get("columnname", "")
        if meta:
            return normalize(meta)
        anchors = self.anchor_texts(doc.url)
        if anchors:
            return anchors.most_common(1)[0][0]
        title = doc.html.title
        if title:
            first = _TITLE_SPLIT.split(title)[0]
            if first and first != self.site.name:
                return first
        headings = doc.html.headings()
        return headings[0] if headings else ""

    def column_names(self, doc: Doc) -> list[str]:
        """Every name the column goes by (meta, navigation texts, title part, headings)."""
        names = [doc.html.meta.get("columnname", ""), doc.html.meta.get("columntype", "")]
        names += list(self.anchor_texts(doc.url))
        if doc.html.title:
            names.append(_TITLE_SPLIT.split(doc.html.title)[0])
        names += doc.html.headings()[:2]
        return [normalize(n) for n in names if n and n != self.site.name]


_DATE_LABEL = re.compile(r"(?:时间|日期)\s*[:：]?\s*$")


def page_date(doc: Doc, today: dt.date) -> dt.date | None:
    """The publication date a page shows for itself: its ``PubDate`` meta (leniently read), else a
    labelled date in its text (``发布时间：2026-07-18 09:30``, ``日期：…``)."""
    key = ("page_date", today)
    if key not in doc.html.derived:
        found = dates.find_dates(doc.html.meta.get("pubdate", ""), today=today)
        value = found[0].value if found else None
        if value is None:
            text = doc.html.content_text()
            value = next(
                (f.value for f in dates.find_dates(text, today=today)
                 if _DATE_LABEL.search(text[max(0, f.start - 8):f.start])),
                None,
            )
        doc.html.derived[key] = value
    return doc.html.derived[key]


def _is_html(page: Page) -> bool:
    fetch = page.fetch
    return fetch.text is not None and fetch.status is not None and 200 <= fetch.status < 300 and not fetch.error
