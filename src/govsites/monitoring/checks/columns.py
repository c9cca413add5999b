"""空白栏目 (有栏目无内容): column pages that list nothing.

``column_empty`` (``url`` = ``target`` = the column page) when a page that is not the home page,
not an article and not a later page of a list has no content rows (no dated row anywhere on it,
no row with a title outside navigation/header/footer), and either

- it shows a placeholder (``monitoring.empty_columns.placeholders``: 暂无信息, 暂无数据, 正在建设中 …), or
- it is a column — it carries ``ColumnName`` meta, or the navigation of the home page or of a
  first-level page links to it — and its text outside the chrome and headings is at most
  ``monitoring.empty_columns.max_content_chars`` characters.

A static page that says something (an organisation's functions, a contact page) is not empty; the
veto threshold (≥ 5 empty columns) is applied by the scoring.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ..types import Observation, Page, SiteFacts
from ._html import absolute, url_key
from ._site import Doc, SiteView, is_later_page, setting
from .dates import local_today


@dataclass(frozen=True)
class Thresholds:
    placeholders: tuple[str, ...]
    max_content_chars: int


def thresholds() -> Thresholds:
    """From the profile section ``monitoring.empty_columns``."""
    section = setting("empty_columns")
    return Thresholds(tuple(section["placeholders"]), int(section["max_content_chars"]))


def check_empty_columns(
    site: SiteFacts, pages: Sequence[Page], *, now: dt.datetime, limits: Thresholds | None = None
) -> list[Observation]:
    limits = limits or thresholds()
    view = SiteView(site, pages)
    today = local_today(now)
    navigation = _navigation_targets(view)
    found: list[Observation] = []
    seen: set[str] = set()
    for doc in view.docs:
        key = url_key(doc.url)
        if key in seen or view.is_home(doc) or is_later_page(doc.url):
            continue
        seen.add(key)
        if view.kind(doc, today) == "article" or _has_content(doc, today):
            continue
        text = _content_text(doc)
        placeholder = next((p for p in limits.placeholders if p in text), "")
        is_column = bool(doc.html.meta.get("columnname")) or key in navigation
        if not placeholder and not (is_column and len(text) <= limits.max_content_chars):
            continue
        name = view.column_name(doc)
        found.append(
            Observation(
                check="column_empty",
                url=doc.url,
                target=doc.url,
                evidence=f"{name or '栏目'}：{placeholder or '无内容'}",
                detail={
                    "column": name,
                    "reason": "placeholder" if placeholder else "no_items",
                    "placeholder": placeholder,
                    "level": doc.depth,
                },
            )
        )
    return found


def _has_content(doc: Doc, today: dt.date) -> bool:
    return bool(doc.main_items(today)) or any(item.date for item in doc.items(today))


def _content_text(doc: Doc) -> str:
    text = doc.html.content_text()
    for heading in doc.html.headings():
        text = text.replace(heading, "", 1)
    return text.strip()


def _navigation_targets(view: SiteView) -> set[str]:
    """Pages the navigation (chrome links) of the home page and first-level pages point to."""
    targets: set[str] = set()
    for doc in view.docs:
        if doc.depth > 1:
            continue
        for anchor in doc.html.tree.css("a[href]"):
            if doc.html.is_chrome(anchor):
                target = absolute(doc.url, anchor.attributes.get("href") or "")
                if target:
                    targets.add(url_key(target))
    return targets
