"""网页设计规范: the footer identity elements and the 47号 meta tags, against the registry.

Three observation types, each reported once per site and element at the home page (``url``),
with ``detail`` counting the pages (``pages``, ``pages_checked``, ``examples``):

- ``footer_missing`` (``target`` = the element's Chinese name): an element the profile requires
  (``monitoring.identity.footer_required``; plus ``footer_required_with_mark`` when the site holds a
  党政机关网站标识, ``footer_required_portal`` for portals) is absent from a page. Every HTML page
  is checked, except 我为政府网站找错, which the home page must offer.
- ``identity_mismatch`` (``target`` = 网站标识码, ICP备案号, 公安机关备案号, 主办单位 or ``SiteIDCode``): a shown
  value differs from :class:`~govsites.monitoring.types.SiteFacts` — the identifier code (also
  when it has not the national form ``^\\d{10}$|^bm\\d{8}$``, which is reported even without a
  registered code), the ICP number (the ``-N`` site suffix is ignored when one side has none), the
  公网安备 number (digits compared; a number cut short — neither closed by 号 nor the national 14
  digits — is not read as another number), the sponsor (the registered name must appear on the page).
- ``meta_missing`` (``target`` = the tag name): ``SiteName``/``SiteDomain``/``SiteIDCode`` absent
  on a page, ``ColumnName``/``ColumnDescription``/``ColumnKeywords``/``ColumnType`` on a list page,
  ``ArticleTitle``/``PubDate``/``ContentSource`` on an article page; or present but malformed
  (``PubDate`` not ``YYYY-MM-DD HH:MM``, ``SiteIDCode`` not of the national form);
  ``detail`` = ``missing``/``invalid`` page counts and examples.

The elements are read from the page's visible text and markup wherever they are (the footer's
position — bottom centre for the badge — is not judged).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..types import Observation, Page, SiteFacts
from ._html import Html
from ._site import Doc, SiteView, setting
from .dates import local_today, parse_pubdate

#: element key → Chinese name (the observation's target)
ELEMENTS = {
    "sponsor": "主办单位",
    "contact": "联系方式",
    "identifier_code": "网站标识码",
    "icp": "ICP备案号",
    "police_filing": "公安机关备案号",
    "site_mark": "党政机关网站标识",
    "error_report": "我为政府网站找错",
}

_SPONSOR = re.compile(r"主办(?:单位)?\s*[:：]\s*(?P<v>[^\s|｜,，;；:：]{2,40})|主办单位\s*(?P<w>[^\s|｜,，;；:：]{2,40})")
_SPONSOR_AFTER = re.compile(r"(?:^|\n)(?P<v>[^\n]{2,40}?)\s*主办(?:\s|$)")
_CONTACT = re.compile(
    r"联系电话|联系方式|联系我们|电话\s*[:：]|传真\s*[:：]|邮箱\s*[:：]|E-?mail\s*[:：]|(?<!\d)0\d{2,3}-\d{7,8}(?!\d)"
    r"|(?<!\d)1[3-9]\d{9}(?!\d)|12345",
    re.IGNORECASE,
)
_IDENTIFIER = re.compile(r"标识码\s*[:：]?\s*(?P<v>[A-Za-z0-9]{4,20})")
_ICP = re.compile(r"(?P<v>[\u4e00-\u9fff]\s*ICP\s*备\s*\d{4,12}\s*号(?:\s*-\s*\d+)?)", re.IGNORECASE)
#: a whole 公网安备 number: closed by 号, or the national 14 digits without it (a number cut short
#: by a broken page is not a different number)
_POLICE = re.compile(r"(?P<v>[\u4e00-\u9fff]\s*公网安备\s*(?:\d{6,20}\s*号|\d{14}(?!\d)))")
#: the elements shown at all, whole or not (presence, as against the values compared)
_ICP_SHOWN = re.compile(r"ICP\s*备\s*\d{4}", re.IGNORECASE)
_POLICE_SHOWN = re.compile(r"公网安备\s*\d{6}")
_SITE_MARK = ('a[href*="conac.cn" i], img[src*="conac" i], img[alt*="党政机关"], img[title*="党政机关"], '
              '#_ideConac, [id*="conac" i]')
_ERROR_REPORT = 'a[href*="jiucuo" i], a[href*="zfwzgl" i], img[src*="jiucuo" i], img[alt*="找错"], a[title*="找错"]'


@dataclass(frozen=True)
class Thresholds:
    footer_required: tuple[str, ...]
    footer_required_with_mark: tuple[str, ...]
    footer_required_portal: tuple[str, ...]
    identifier_pattern: re.Pattern[str]
    meta_site: tuple[str, ...]
    meta_column: tuple[str, ...]
    meta_article: tuple[str, ...]


def thresholds() -> Thresholds:
    """From the profile section ``monitoring.identity``."""
    section = setting("identity")
    return Thresholds(
        footer_required=tuple(section["footer_required"]),
        footer_required_with_mark=tuple(section["footer_required_with_mark"]),
        footer_required_portal=tuple(section["footer_required_portal"]),
        identifier_pattern=re.compile(section["identifier_pattern"]),
        meta_site=tuple(section["meta_site"]),
        meta_column=tuple(section["meta_column"]),
        meta_article=tuple(section["meta_article"]),
    )


def check_identity(
    site: SiteFacts, pages: Sequence[Page], *, now: dt.datetime, limits: Thresholds | None = None
) -> list[Observation]:
    """Footer elements, registry values and meta tags of one site's crawl."""
    limits = limits or thresholds()
    view = SiteView(site, pages)
    return _footer(view, limits) + _mismatches(view, limits) + _meta(view, local_today(now), limits)


# -- reading the elements ----------------------------------------------------------------------


def sponsor_of(html: Html) -> str:
    match = _SPONSOR.search(html.flat_text())
    if match:
        return match.group("v") or match.group("w")
    match = _SPONSOR_AFTER.search(html.text())
    return match.group("v").strip() if match else ""


def identifier_of(html: Html) -> str:
    match = _IDENTIFIER.search(html.flat_text())
    return match.group("v") if match else ""


def icp_of(html: Html) -> str:
    match = _ICP.search(html.flat_text())
    return re.sub(r"\s+", "", match.group("v")).upper() if match else ""


def police_filing_of(html: Html) -> str:
    match = _POLICE.search(html.flat_text())
    return re.sub(r"\s+", "", match.group("v")) if match else ""


def _has_site_mark(html: Html) -> bool:
    return any("conac" in src.lower() for src in html.script_srcs) or html.tree.css_first(_SITE_MARK) is not None


def _has_error_report(html: Html) -> bool:
    return (
        any("jiucuo" in src.lower() or "zfwzgl" in src.lower() for src in html.script_srcs)
        or html.tree.css_first(_ERROR_REPORT) is not None
        or "找错" in html.text()
    )


_PRESENT: dict[str, Callable[[Html], bool]] = {
    "sponsor": lambda h: bool(sponsor_of(h)),
    "contact": lambda h: _CONTACT.search(h.flat_text()) is not None,
    "identifier_code": lambda h: bool(identifier_of(h)),
    "icp": lambda h: _ICP_SHOWN.search(h.flat_text()) is not None,
    "police_filing": lambda h: _POLICE_SHOWN.search(h.flat_text()) is not None,
    "site_mark": _has_site_mark,
    "error_report": _has_error_report,
}


# -- footer_missing ----------------------------------------------------------------------------


def _footer(view: SiteView, limits: Thresholds) -> list[Observation]:
    required = list(limits.footer_required)
    if view.site.has_site_mark:
        required += limits.footer_required_with_mark
    if view.site.is_portal:
        required += limits.footer_required_portal
    found = []
    for key in dict.fromkeys(required):
        present = _PRESENT[key]
        docs = [view.home] if key == "error_report" and view.home is not None else view.docs
        missing = [d for d in docs if not present(d.html)]
        if missing:
            found.append(_aggregate("footer_missing", ELEMENTS[key], view, missing, len(docs),
                                    f"页面未显示{ELEMENTS[key]}", {"element": key}))
    return found


# -- identity_mismatch -------------------------------------------------------------------------


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _icp_equal(shown: str, registered: str) -> bool:
    shown, registered = (re.sub(r"\s+", "", v).upper() for v in (shown, registered))
    if shown == registered:
        return True
    base = re.compile(r"-\d+$")
    if base.search(shown) and base.search(registered):
        return False
    return base.sub("", shown) == base.sub("", registered)


@dataclass(frozen=True)
class _Comparison:
    """A registry value and how to read it from a page; ``reason`` says what is wrong with a shown
    value ("" when nothing is)."""

    target: str
    expected: str
    read: Callable[[Doc], str]
    reason: Callable[[str], str]


def _comparisons(site: SiteFacts, limits: Thresholds) -> list[_Comparison]:
    code = site.identifier_code

    def code_reason(shown: str) -> str:
        if not limits.identifier_pattern.fullmatch(shown):
            return "format"
        return "differs" if code and shown != code else ""

    comparisons = [
        _Comparison("网站标识码", code, lambda d: identifier_of(d.html), code_reason),
        _Comparison("SiteIDCode", code, lambda d: d.html.meta.get("siteidcode", ""),
                    lambda shown: "differs" if code and shown != code else ""),
    ]
    if site.icp_number:
        comparisons.append(_Comparison("ICP备案号", site.icp_number, lambda d: icp_of(d.html),
                                       lambda shown: "" if _icp_equal(shown, site.icp_number) else "differs"))
    if site.police_filing:
        wanted = _digits(site.police_filing)
        comparisons.append(_Comparison("公安机关备案号", site.police_filing, lambda d: police_filing_of(d.html),
                                       lambda shown: "" if _digits(shown) == wanted else "differs"))
    if site.sponsor:
        sponsor = re.sub(r"\s+", "", site.sponsor)

        def other_sponsor(doc: Doc) -> str:
            """The sponsor the page names, when the registered one appears nowhere on it."""
            return "" if sponsor in re.sub(r"\s+", "", doc.html.flat_text()) else sponsor_of(doc.html)

        comparisons.append(_Comparison("主办单位", site.sponsor, other_sponsor, lambda shown: "differs"))
    return comparisons


def _mismatches(view: SiteView, limits: Thresholds) -> list[Observation]:
    found = []
    for comparison in _comparisons(view.site, limits):
        bad: list[Doc] = []
        shown_values: dict[str, str] = {}  # wrong value → reason, in order of appearance
        for doc in view.docs:
            shown = comparison.read(doc)
            reason = comparison.reason(shown) if shown else ""
            if reason:
                bad.append(doc)
                shown_values.setdefault(shown, reason)
        if bad:
            first = next(iter(shown_values))
            found.append(_aggregate(
                "identity_mismatch", comparison.target, view, bad, len(view.docs), f"{comparison.target}：{first}",
                {"expected": comparison.expected, "found": list(shown_values), "reason": shown_values[first]},
            ))
    return found


# -- meta_missing ------------------------------------------------------------------------------


def _meta(view: SiteView, today: dt.date, limits: Thresholds) -> list[Observation]:
    problems: dict[str, dict[str, list[Doc]]] = {}
    checked: dict[str, int] = {}

    def note(tag: str, problem: str, doc: Doc) -> None:
        problems.setdefault(tag, {"missing": [], "invalid": []})[problem].append(doc)

    for doc in view.docs:
        kind = view.kind(doc, today)
        tags = list(limits.meta_site)
        if kind == "list":
            tags += limits.meta_column
        elif kind == "article":
            tags += limits.meta_article
        for tag in tags:
            checked[tag] = checked.get(tag, 0) + 1
            value = doc.html.meta.get(tag.lower(), "")
            if not value:
                note(tag, "missing", doc)
            elif tag == "PubDate" and parse_pubdate(value) is None:
                note(tag, "invalid", doc)
            elif tag == "SiteIDCode" and not limits.identifier_pattern.fullmatch(value):
                note(tag, "invalid", doc)
    found = []
    for tag, by_problem in problems.items():
        docs = by_problem["missing"] + by_problem["invalid"]
        evidence = f"{tag}标签缺失" if by_problem["missing"] else f"{tag}标签格式不规范"
        found.append(_aggregate("meta_missing", tag, view, docs, checked[tag], evidence,
                                {"missing": len(by_problem["missing"]), "invalid": len(by_problem["invalid"])}))
    return found


def _aggregate(check: str, target: str, view: SiteView, docs: list[Doc], checked: int, evidence: str,
               detail: dict) -> Observation:
    """One site-level observation for an element wrong on ``docs``: filed at the home page (a
    stable identity from one census to the next), with the pages in ``detail``."""
    return Observation(
        check=check,
        url=view.home_url,
        target=target,
        evidence=evidence,
        detail={**detail, "pages": len(docs), "pages_checked": checked, "examples": [d.url for d in docs[:5]]},
    )
