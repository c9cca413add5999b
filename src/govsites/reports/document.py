"""The report document: plain JSON that the builders write and every renderer reads.

One shape serves all three reports, so one template, one SVG chart module and one XLSX writer
render any of them::

    {"kind", "kind_label", "title", "scope", "period", "period_label", "generated_at", "as_of",
     "due_on", "summary": [{"label", "value", "fmt"}], "sections": [section], "notes": [text]}

    section = {"key", "title", "paragraphs": [text], "table": table, "chart": chart | None}
    table   = {"sheet", "columns": [{"title", "fmt"}], "rows": [[value]], "empty": text}
    chart   = {"type": "bar" | "column" | "line", "title", "category": column index,
               "series": [column index], "rows": how many leading rows (None: all)}

A chart draws columns of its section's table, so the HTML's data table is the chart's text
alternative and the XLSX chart references the very cells of its sheet. Values are numbers,
strings or None; ``fmt`` says how to show them: ``int``, ``percent`` (a fraction 0…1),
``score``, ``text``.
"""

from __future__ import annotations

from collections.abc import Sequence

NONE = "—"
#: characters Excel forbids in sheet names
_SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def column(title: str, fmt: str = "text") -> dict:
    return {"title": title, "fmt": fmt}


def table(sheet: str, columns: Sequence[dict], rows: Sequence[Sequence], empty: str = "无。") -> dict:
    return {"sheet": sheet.translate(_SHEET_FORBIDDEN)[:31], "columns": list(columns),
            "rows": [list(row) for row in rows], "empty": empty}


def chart(kind: str, title: str, series: Sequence[int], *, category: int = 0, rows: int | None = None) -> dict:
    return {"type": kind, "title": title, "category": category, "series": list(series), "rows": rows}


def section(key: str, title: str, tbl: dict, *, paragraphs: Sequence[str] = (), chrt: dict | None = None) -> dict:
    return {"key": key, "title": title, "paragraphs": list(paragraphs), "table": tbl, "chart": chrt}


def figure(label: str, value, fmt: str = "int") -> dict:
    return {"label": label, "value": value, "fmt": fmt}


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def show(value, fmt: str) -> str:
    """A value as the HTML shows it."""
    if value is None or value == "":
        return NONE
    if fmt == "percent":
        return f"{float(value) * 100:.1f}%"
    if fmt == "score":
        return f"{float(value):.1f}"
    if fmt == "int" and isinstance(value, (int, float)):
        return f"{int(value)}"
    return str(value)


def chart_rows(sec: dict) -> list[list]:
    """The table rows a section's chart draws."""
    rows = sec["table"]["rows"]
    limit = sec["chart"].get("rows")
    return rows[:limit] if limit is not None else rows


def chart_is_percent(sec: dict) -> bool:
    columns = sec["table"]["columns"]
    return all(columns[i]["fmt"] == "percent" for i in sec["chart"]["series"])
