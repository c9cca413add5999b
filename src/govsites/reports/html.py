"""The report as HTML: one body (Django template ``reports/body.html``) shown three ways — in a
standalone printable file (``--html``, the admin's download), inside the admin, and on the
supervising government's portal (``outputs``), where the front's own page design wraps it.

The body holds no links and no script; its charts are inline SVG (``charts``). Everything shown
is escaped by the template, except the SVG, which ``charts`` builds from escaped text.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from . import charts
from . import document as d

CSS = Path(__file__).resolve().parent / "static" / "govsites" / "reports" / "report.css"
NUMERALS = "一二三四五六七八九十"


def numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (section headings)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def present(doc: dict, prefix: str = "report") -> dict:
    """The template's values: every cell formatted, every chart drawn."""
    sections = []
    for index, sec in enumerate(doc.get("sections", ()), start=1):
        table = sec["table"]
        formats = [c["fmt"] for c in table["columns"]]
        anchor = f"{prefix}-{sec['key']}"
        sections.append({
            "id": anchor, "number": numeral(index), "title": sec["title"], "paragraphs": sec["paragraphs"],
            "svg": charts.render(sec, f"{anchor}-chart") if sec.get("chart") else "",
            "columns": [(c["title"], c["fmt"] != "text") for c in table["columns"]],
            "rows": [[(d.show(value, fmt), fmt != "text") for value, fmt in zip(row, formats, strict=True)]
                     for row in table["rows"]],
            "empty": table["empty"],
        })
    return {
        "kind_label": doc["kind_label"], "title": doc["title"], "scope": doc["scope"],
        "period_label": doc["period_label"], "generated_at": doc["generated_at"], "as_of": doc["as_of"],
        "complete": doc.get("complete", True), "due_on": doc.get("due_on"), "lead": doc.get("lead", ""),
        "summary": [(f["label"], d.show(f["value"], f["fmt"])) for f in doc.get("summary", ())],
        "sections": sections, "notes": doc.get("notes", ()),
    }


def body(doc: dict, prefix: str = "report") -> SafeString:
    return render_to_string("reports/body.html", {"report": present(doc, prefix)})


@cache
def stylesheet() -> str:
    return CSS.read_text(encoding="utf-8")


def standalone(doc: dict) -> str:
    """A complete, printable HTML file with its stylesheet inside: opens anywhere, offline."""
    return render_to_string("reports/standalone.html", {
        "title": doc["title"], "body": body(doc), "css": mark_safe(stylesheet()),  # noqa: S308 — our own file
    })
