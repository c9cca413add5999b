"""Publication dates: the 47号 ``PubDate`` meta tag and the many formats real list pages show.

The freshness indicators count only *visible* dates: an item without one counts as not updated
(``national.md`` §2.1). So this module is strict where it matters:

- every date must exist in the calendar (no 2026-02-30, no month 13), lie between 1980 and today
  (a "publication date" after today is not one — forged or scheduled, it never counts as fresh);
- full dates: ``2026-07-19``, ``2026/7/19``, ``2026.07.19``, ``2026年7月19日`` (also ``号``), each
  optionally with a time (``07:16``, ``07:16:33``, ``07时16分``, ISO ``T``), full-width digits and
  punctuation (``２０２６－０７－１９``) included;
- day-first dates ``19-07-2026`` / ``19/07/2026`` / ``19.07.2026`` (rare, from English-locale
  templates) are read day-first; only when that is impossible and the US order is possible
  (``07-19-2026``) the month-first reading is used;
- short dates without a year (``07-19``, ``[07-19]``, ``7月19日``) are accepted only where a list
  row shows them (``short=True``): the year comes from the list's context (a heading such as
  ``2025年`` just before the list), else from today — and a short date that would then lie in the
  future is last year's (``12-28`` seen on 10 January is 28 December of last year). With a year
  from the context no rollback happens: a future date is simply rejected;
- two-digit years and dates hidden in URLs (``t20260719_123.html``) are not read: neither is a
  visible date as the indicators mean it.

:func:`list_items` finds the rows of list-like markup (``li``, ``tr``, ``dd``/``dt``) that carry a
link, and the date that belongs to each (the row's text outside the title link; failing that a
date at the very end of the link text).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from govsites.clock import SHANGHAI

from ._html import Html, absolute, normalize

EARLIEST_YEAR = 1980

_TIME = r"(?:[ T]?(?P<H>[01]?\d|2[0-3])(?::|时)(?P<Mi>[0-5]\d)分?(?::(?P<S>[0-5]\d)秒?)?)?"

#: (form, pattern, needs row context) in priority order: an earlier form's match masks later ones
_FORMS: tuple[tuple[str, re.Pattern[str], bool], ...] = (
    ("ymd_cn", re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2}) ?年 ?(?P<m>\d{1,2}) ?月 ?(?P<d>\d{1,2}) ?[日号] ?" + _TIME), False),
    ("ymd", re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?!\d)" + _TIME), False),
    ("dmy", re.compile(r"(?<![\d.:/-])(?P<d>\d{1,2})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<y>(?:19|20)\d{2})(?!\d)" + _TIME), False),
    ("md_cn", re.compile(r"(?<![\d年])(?P<m>\d{1,2}) ?月 ?(?P<d>\d{1,2}) ?[日号] ?" + _TIME), True),
    ("md", re.compile(r"(?<![\d.:/%第-])(?P<m>\d{1,2})(?P<s>[-/.])(?P<d>\d{1,2})(?![\d%期届次条版页章节]|[-/.]\d)" + _TIME), True),
)

_PUBDATE = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})")

#: a heading that names the year of the list below it (``2025年``, ``2025年度``, ``2025``)
_YEAR_HEADING = re.compile(r"(?<!\d)((?:19|20)\d{2}) ?(?:年度?)?(?![\d月./-])")
#: an element inside a list that only names a year (``2025年``, ``【2025年度】``)
_YEAR_ONLY = re.compile(r"[\[【(（]?((?:19|20)\d{2}) ?(?:年度?)?[\]】)）]?")


@dataclass(frozen=True)
class FoundDate:
    """A date seen in text: its value, where (``start``/``end`` in the normalized text), and which
    form it had (``ymd``, ``ymd_cn``, ``dmy``, ``md``, ``md_cn``); ``time`` when one was shown."""

    value: dt.date
    start: int
    end: int
    form: str
    time: dt.time | None = None

    @property
    def short(self) -> bool:
        return self.form in ("md", "md_cn")


def local_today(now: dt.datetime) -> dt.date:
    """The Shanghai calendar date of ``now`` (the date every window is counted in)."""
    return now.astimezone(SHANGHAI).date() if now.tzinfo else now.date()


def parse_pubdate(value: str) -> dt.datetime | None:
    """The 47号 ``PubDate`` meta value as an aware Shanghai datetime, or None when it is not exactly
    ``YYYY-MM-DD HH:MM`` (surrounding blanks aside) or names no real moment."""
    match = _PUBDATE.fullmatch((value or "").strip())
    if not match:
        return None
    try:
        return dt.datetime(*(int(g) for g in match.groups()), tzinfo=SHANGHAI)
    except ValueError:
        return None


def find_dates(text: str, *, today: dt.date, year: int | None = None, short: bool = False) -> list[FoundDate]:
    """Every valid date in ``text`` (normalized first), in order of appearance.

    ``short`` admits dates without a year (list-row context); ``year`` is the year the context
    gives them (else today's, rolled back a year when that would be in the future).
    """
    text = normalize(text)
    taken: list[tuple[int, int]] = []
    found: list[FoundDate] = []
    for form, pattern, needs_row in _FORMS:
        if needs_row and not short:
            continue
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < b and a < end for a, b in taken):
                continue
            value = _value(form, match, today, year)
            if value is None:
                continue
            taken.append((start, end))
            found.append(FoundDate(value, start, end, form, _time(match)))
    found.sort(key=lambda f: f.start)
    return found


def parse_date(text: str, *, today: dt.date, year: int | None = None, short: bool = False) -> dt.date | None:
    """The first valid date in ``text``, or None (see :func:`find_dates`)."""
    dates = find_dates(text, today=today, year=year, short=short)
    return dates[0].value if dates else None


def _value(form: str, match: re.Match[str], today: dt.date, year: int | None) -> dt.date | None:
    groups = match.groupdict()
    if form == "md" and groups["s"] == "." and (len(groups["m"]) != 2 or len(groups["d"]) != 2):
        return None  # "3.5" is a number, not 5 March
    month, day = int(groups["m"]), int(groups["d"])
    if form in ("md", "md_cn"):
        if year is not None:
            return _valid(year, month, day, today)
        value = _valid(today.year, month, day, today, allow_future=True)
        if value is not None and value > today:
            value = _valid(today.year - 1, month, day, today)
        return value
    full_year = int(groups["y"])
    if form == "dmy" and month > 12 >= day:
        month, day = day, month  # only the US order is possible
    return _valid(full_year, month, day, today)


def _valid(year: int, month: int, day: int, today: dt.date, *, allow_future: bool = False) -> dt.date | None:
    if not EARLIEST_YEAR <= year <= today.year:
        return None
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return None
    return value if allow_future or value <= today else None


def _time(match: re.Match[str]) -> dt.time | None:
    if match.group("H") is None:
        return None
    return dt.time(int(match.group("H")), int(match.group("Mi")), int(match.group("S") or 0))


@dataclass
class ListItem:
    """A row of a list: its title link, and the date shown for it (None: undated).

    ``dates`` holds every date of the row in order (enquiry lists show asked and replied dates);
    ``container`` identifies the list the row belongs to; ``chrome`` is true for rows in
    navigation, header, footer or a pager."""

    title: str
    url: str
    date: dt.date | None
    container: int
    chrome: bool
    text: str = ""
    dates: list[FoundDate] = field(default_factory=list)


_ROWS = "li, tr, dd, dt"
_DIGIT = re.compile(r"[0-9０-９]")
#: elements that form a list when several siblings share tag and class (card layouts)
_GENERIC_ROWS = "div, article, section, a"
_ROW_PARENTS = frozenset({"li", "tr", "td", "th", "dd", "dt", "p", "span", "font", "strong", "em", "b", "label"})
GENERIC_ROW_MAX_CHARS = 300
#: a lone card (no siblings) counts as a row only with a title at least this long
LONE_CARD_TITLE_CHARS = 6
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
ROW_MAX_CHARS = 500


def list_items(html: Html, base_url: str, today: dt.date, *, links_only: bool = True) -> list[ListItem]:
    """The rows of the page's lists with their dates.

    Rows are ``li``, ``tr``, ``dd``/``dt`` elements that hold no rows or tables themselves (so a
    layout table or a menu with sub-menus yields its leaves) and at most 500 characters, and — for
    card layouts — runs of sibling ``div``/``article``/``section``/``a`` elements with the same
    class, each short (≤ 300 characters) and linking to at most two addresses. Rows need a link
    unless ``links_only`` is false: then a row without one is titled by its first cell or
    paragraph and has ``url`` "" (enquiry lists that show messages inline). Rows in the chrome
    (menus, footers) are left out unless they show a digit (a possible date)."""
    body = html.body
    if body is None:
        return []
    items: list[ListItem] = []
    years: dict[int, int | None] = {}
    inline: dict[int, dict[int, int]] = {}
    rows = [row for row in body.css(_ROWS) if _is_leaf_row(row)] + _generic_rows(body, base_url, today)
    for row in rows:
        chrome = html.is_chrome(row)
        if chrome and not _DIGIT.search(row.text()):
            continue
        links = [(a, absolute(base_url, a.attributes.get("href") or "")) for a in _anchors(row)]
        links = [(a, url) for a, url in links if url]
        if links:
            anchor, url = max(links, key=lambda pair: len(_link_text(pair[0])))
            title = _title_without_date(anchor, today)
        elif links_only or row.tag == "dd":
            continue
        else:
            url, title = "", _first_text(row)
        row_text = normalize(row.text(separator=" "))
        if row.tag == "dt":
            row_text = f"{row_text} {_next_dd_text(row)}"
        rest = row_text.replace(title, " ", 1) if title else row_text
        container = row.parent.mem_id if row.parent is not None else 0
        dates = find_dates(rest, today=today, short=True)
        if dates and any(d.short for d in dates):
            year = _inline_year(row, today, inline)
            if year is None:
                if container not in years:
                    years[container] = year_context(row.parent, today) if row.parent is not None else None
                year = years[container]
            if year is not None:
                dates = find_dates(rest, today=today, year=year, short=True)
        if not dates and url:
            dates = [d for d in find_dates(title, today=today) if d.end == len(title) and d.start > 0]
        items.append(
            ListItem(
                title=title,
                url=url,
                date=dates[0].value if dates else None,
                container=container,
                chrome=chrome,
                text=rest,
                dates=dates,
            )
        )
    return items


def latest(items: list[ListItem]) -> dt.date | None:
    """The newest date among ``items`` (None when none is dated)."""
    return max((i.date for i in items if i.date is not None), default=None)


def year_context(container: LexborNode, today: dt.date) -> int | None:
    """The year a list's surroundings name: a short heading-like text (``2025年``) among the few
    elements just before the list or before one of its near ancestors, or its table caption."""
    caption = container.css_first("caption")
    if caption is not None:
        year = _heading_year(caption.text(), today)
        if year:
            return year
    node: LexborNode | None = container
    for _level in range(4):
        if node is None:
            break
        sibling = node.prev
        seen = 0
        while sibling is not None and seen < 3:
            if sibling.is_element_node:
                seen += 1
                year = _heading_year(sibling.text(), today)
                if year:
                    return year
            sibling = sibling.prev
        node = node.parent
    return None


def _inline_year(row: LexborNode, today: dt.date, cache: dict[int, dict[int, int]]) -> int | None:
    """The year of the nearest year heading *inside* the list before ``row`` (``<li><h3>2025年</h3>
    </li>``, a heading row of a table, an ``<h3>`` between the cards or ``<dl>`` groups of a list):
    lists that span the turn of a year head each year's rows so."""
    node = row
    for _level in range(2):  # the row's siblings, then (a row inside a dl group) the group's
        parent = node.parent
        if parent is None:
            return None
        marks = cache.get(parent.mem_id)
        if marks is None:
            marks = cache[parent.mem_id] = _year_marks(parent, today)
        if marks:
            return marks.get(node.mem_id)
        node = parent
    return None


def _year_marks(parent: LexborNode, today: dt.date) -> dict[int, int]:
    """Children of ``parent`` that follow a year heading among its children → that year."""
    marks: dict[int, int] = {}
    year = None
    for child in parent.iter():
        heading = _year_only(child, today)
        if heading is not None:
            year = heading
        elif year is not None:
            marks[child.mem_id] = year
    return marks


def _year_only(node: LexborNode, today: dt.date) -> int | None:
    """The year an element names when that is all it says and it links nowhere (``2025年``)."""
    if node.css_first("a[href]") is not None or (node.tag == "a" and "href" in node.attributes):
        return None
    match = _YEAR_ONLY.fullmatch(normalize(node.text()))
    if not match:
        return None
    year = int(match.group(1))
    return year if EARLIEST_YEAR <= year <= today.year else None


def _heading_year(text: str, today: dt.date) -> int | None:
    text = normalize(text)
    if not text or len(text) > 24:
        return None
    match = _YEAR_HEADING.search(text)
    if not match:
        return None
    year = int(match.group(1))
    return year if EARLIEST_YEAR <= year <= today.year else None


def _link_text(anchor: LexborNode) -> str:
    return normalize(anchor.text(separator=" ")) or normalize(anchor.attributes.get("title") or "")


def _title_without_date(anchor: LexborNode, today: dt.date) -> str:
    """The link's text, less a first or last part that is only a date (``<a><h4>标题</h4>
    <em>07-18</em></a>``): that date belongs to the row, not to the title."""
    parts = [p for p in (normalize(x) for x in anchor.text(separator="\n").split("\n")) if p]
    if len(parts) >= 2:
        if _is_only_date(parts[-1], today):
            return " ".join(parts[:-1])
        if _is_only_date(parts[0], today):
            return " ".join(parts[1:])
    return _link_text(anchor)


def _is_only_date(text: str, today: dt.date) -> bool:
    bare = text.strip("[]()【】［］（） ")
    found = find_dates(bare, today=today, short=True)
    return len(found) == 1 and found[0].start == 0 and found[0].end >= len(bare.rstrip())


def _anchors(row: LexborNode) -> list[LexborNode]:
    inner = row.css("a[href]")
    return [row, *inner] if row.tag == "a" and "href" in row.attributes else inner


def _generic_rows(body: LexborNode, base_url: str, today: dt.date) -> list[LexborNode]:
    """Card-style rows: sibling elements sharing tag and class, at least two of them with a link;
    or a single card that is all its container holds (:func:`_is_lone_card`)."""
    groups: dict[tuple[int, str, str], list[LexborNode]] = {}
    for node in body.css(_GENERIC_ROWS):
        parent = node.parent
        if parent is None or parent.tag in _ROW_PARENTS:
            continue
        key = (parent.mem_id, node.tag, (node.attributes.get("class") or "").strip())
        groups.setdefault(key, []).append(node)
    rows = []
    lone = []
    for members in groups.values():
        if len(members) < 2:
            lone.append(members[0])
            continue
        accepted = [m for m in members if _is_generic_row(m, base_url)]
        if len(accepted) >= 2:
            rows.extend(accepted)
    taken = {row.mem_id for row in rows}
    for node in lone:  # in document order: an outer card wins over a block inside it
        if _is_lone_card(node, base_url, today) and not _inside_row(node, taken) and not any(
            inner.mem_id in taken for inner in node.css(_GENERIC_ROWS)
        ):
            rows.append(node)
            taken.add(node.mem_id)
    return rows


def _inside_row(node: LexborNode, taken: set[int]) -> bool:
    """Whether an ancestor of ``node`` is a row already (a card, a list item, a table row).
    (A lone candidate holding rows is refused by the caller.)"""
    current = node.parent
    while current is not None and current.tag not in ("body", "html"):
        if current.mem_id in taken or current.tag in ("li", "tr", "dd", "dt"):
            return True
        current = current.parent
    return False


def _is_lone_card(node: LexborNode, base_url: str, today: dt.date) -> bool:
    """A card grid holding a single card (a column with one item so far): the card is all its
    container holds besides headings, and it shows a title of some length that is a heading's
    link or comes with a date."""
    parent = node.parent
    if parent is None or any(
        child.mem_id != node.mem_id and child.tag not in _HEADINGS for child in parent.iter()
    ):
        return False
    if not _is_generic_row(node, base_url):
        return False
    titled = [a for a in _anchors(node) if len(_link_text(a)) >= LONE_CARD_TITLE_CHARS]
    if not titled or any(
        inner.mem_id != node.mem_id and inner.css_first("a[href]") is not None
        for inner in node.css("div, article, section")
    ):
        return False  # no title, or a wrapper around the card rather than the card
    in_heading = any(a.css_matches("h1 a, h2 a, h3 a, h4 a, h5 a, h6 a") for a in titled)
    return in_heading or bool(find_dates(node.text(separator=" "), today=today, short=True))


def _is_generic_row(node: LexborNode, base_url: str) -> bool:
    if node.tag == "a" and not node.attributes.get("class") and node.css_first("h1, h2, h3, h4, h5, h6, p, div, span, img") is None:
        return False  # a bare anchor next to others is a link in running text, not a card
    targets = {absolute(base_url, a.attributes.get("href") or "") for a in _anchors(node)} - {""}
    if not 1 <= len(targets) <= 2 or node.css_first("li, tr, dd, dt, table") is not None:
        return False
    return len(node.text(separator=" ", strip=True)) <= GENERIC_ROW_MAX_CHARS


def _first_text(row: LexborNode) -> str:
    for child in row.iter():
        text = normalize(child.text(separator=" "))
        if text:
            return text
    return normalize(row.text(deep=False))


def _is_leaf_row(row: LexborNode) -> bool:
    """A row holds no rows or tables of its own (a layout cell around a whole list or a message
    table is not a row) and is short enough to be one."""
    if any(inner.mem_id != row.mem_id for inner in row.css("li, tr, dd, dt, table")):
        return False
    return len(row.text(separator=" ", strip=True)) <= ROW_MAX_CHARS


def _next_dd_text(dt_node: LexborNode) -> str:
    sibling = dt_node.next
    while sibling is not None and not sibling.is_element_node:
        sibling = sibling.next
    if sibling is not None and sibling.tag == "dd" and sibling.css_first("a[href]") is None:
        return normalize(sibling.text(separator=" "))
    return ""
