"""服务不实用: 办事指南 (service guides) missing key elements.

A page is a guide when its title or a heading names one (``monitoring.service_guides.keywords``:
办事指南, 服务指南 …) and it is not a list of guides, or when it shows at least ``min_labels`` element
labels. An element counts as present when one of its labels (``elements[].labels``; e.g. 申请材料
for 办理材料) starts a line or table row and is followed by a value: ``收费标准：`` with nothing after
it, or a table cell left empty (or ``/``, ``-``, ``暂无``), is missing.

``guide_incomplete`` (``url`` = the guide page, ``target`` = "") when at least
``report_min_missing`` elements are missing; ``detail`` = ``guide`` (its 事项名称 value, else its
first heading, else its title), ``missing`` (element names), ``missing_count``, ``present``,
``unconfirmed`` (the missing elements the national text does not confirm). The veto count (``veto_missing``,
UNCONFIRMED: 5) is the scoring's business.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..types import Observation, Page, SiteFacts
from ._html import Html, normalize, walk
from ._site import SiteView, setting
from .dates import local_today

_ENUMERATION = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．]|[①-⑳])\s*")
_EMPTY_VALUES = frozenset({"", "/", "-", "--", "—", "——", "无内容", "暂无", "待定", "空"})
_SEPARATORS = " :：\u3000"


@dataclass(frozen=True)
class Element:
    name: str
    labels: tuple[str, ...]
    confirmed: bool = False


@dataclass(frozen=True)
class Thresholds:
    keywords: tuple[str, ...]
    elements: tuple[Element, ...]
    min_labels: int = 4
    report_min_missing: int = 1


def thresholds() -> Thresholds:
    """From the profile section ``monitoring.service_guides``."""
    section = setting("service_guides")
    return Thresholds(
        keywords=tuple(section["keywords"]),
        elements=tuple(Element(e["name"], tuple(e["labels"]), bool(e.get("confirmed"))) for e in section["elements"]),
        min_labels=int(section["min_labels"]),
        report_min_missing=int(section["report_min_missing"]),
    )


def check_service_guides(
    site: SiteFacts, pages: Sequence[Page], *, now: dt.datetime, limits: Thresholds | None = None
) -> list[Observation]:
    limits = limits or thresholds()
    view = SiteView(site, pages)
    today = local_today(now)
    found = []
    for doc in view.docs:
        lines = guide_lines(doc.html)
        values = element_values(lines, limits.elements)
        labelled = sum(1 for e in limits.elements if e.name in values)
        named = any(k in text for k in limits.keywords for text in [doc.html.title, *doc.html.headings()])
        if not (labelled >= limits.min_labels or (named and labelled and len(doc.main_items(today)) < 3)):
            continue
        missing = [e for e in limits.elements if not values.get(e.name)]
        if len(missing) < limits.report_min_missing:
            continue
        name = values.get("事项名称") or (doc.html.headings() or [doc.html.title])[0]
        found.append(Observation(
            check="guide_incomplete",
            url=doc.url,
            target="",
            evidence=f"{name[:60]}缺少要素：" + "、".join(e.name for e in missing),
            detail={
                "guide": name[:100],
                "missing": [e.name for e in missing],
                "missing_count": len(missing),
                "present": [e.name for e in limits.elements if values.get(e.name)],
                "unconfirmed": [e.name for e in missing if not e.confirmed],
            },
        ))
    return found


def guide_lines(html: Html) -> list[tuple[str, bool]]:
    """The page's content outside the chrome as ``(line, is_row)``: a table row becomes one
    ``label：value`` line (its cells joined), every other text node a line of its own."""
    body = html.body
    lines: list[tuple[str, bool]] = []
    for node in walk(body, rows=True) if body is not None else ():
        if node.is_text_node:
            lines.append((normalize(node.text()), False))
        else:
            cells = [normalize(c.text(separator=" ")) for c in node.css("th, td")]
            lines.append(("：".join(cells) + ("：" if len(cells) == 1 else ""), True))
    return [(line, is_row) for line, is_row in lines if line]


def element_values(lines: list[tuple[str, bool]], elements: Sequence[Element]) -> dict[str, str]:
    """Each element's value (possibly "") by element name, for the elements whose label occurs.

    A label starts a line (after an enumeration like ``一、`` or ``(3)``) and is followed by a
    separator or the end of the line. In a table row the value is the rest of the row; in running
    text it is the rest of the line plus the following lines up to the next label."""
    by_label = sorted(((label, e.name) for e in elements for label in e.labels), key=lambda p: -len(p[0]))
    values: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw, is_row in lines:
        line = _ENUMERATION.sub("", raw)
        hit = next(((label, name) for label, name in by_label if _starts_with_label(line, label)), None)
        if hit is not None:
            label, name = hit
            parts = values.setdefault(name, [])
            rest = line[len(label):].strip(_SEPARATORS)
            if rest:
                parts.append(rest)
            current = None if is_row else parts
        elif current is not None and not is_row:
            current.append(line.strip(_SEPARATORS))
        else:
            current = None
    return {name: _clean(" ".join(parts)) for name, parts in values.items()}


def _starts_with_label(line: str, label: str) -> bool:
    return line.startswith(label) and (len(line) == len(label) or line[len(label)] in _SEPARATORS)


def _clean(value: str) -> str:
    value = value.strip(_SEPARATORS)
    return "" if value in _EMPTY_VALUES else value
