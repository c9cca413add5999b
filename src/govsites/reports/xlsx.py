"""The report as an Excel workbook: a cover sheet (title, period, key figures, notes), then one
sheet per table, each with a native Excel chart (``openpyxl.chart``) over its own cells where the
HTML has an SVG chart — the same document, so the numbers agree cell for cell.

Text cells are always stored as text (a site name starting with ``=`` never becomes a formula).
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from . import document as d

NUMBER_FORMATS = {"int": "0", "percent": "0.0%", "score": "0.0"}
HEADER_FILL = PatternFill("solid", fgColor="1F5FA8")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)


def _put(ws, row: int, col: int, value, fmt: str = "text"):
    cell = ws.cell(row=row, column=col)
    if value is None or value == "":
        return cell
    if fmt in NUMBER_FORMATS and isinstance(value, (int, float)):
        cell.value = value
        cell.number_format = NUMBER_FORMATS[fmt]
    else:
        cell.value = str(value)
        cell.data_type = "s"
    return cell


def _width(values) -> int:
    longest = max((sum(2 if ord(c) > 0x2E7F else 1 for c in str(v)) for v in values if v is not None), default=8)
    return min(max(longest + 2, 8), 60)


def _cover(ws, doc: dict) -> None:
    ws.title = "概况"
    _put(ws, 1, 1, doc["title"]).font = TITLE_FONT
    facts = [("报表类型", doc["kind_label"]), ("监管单位", doc["scope"]), ("报告期", doc["period_label"]),
             ("数据截至", doc["as_of"]), ("生成时间", doc["generated_at"]), ("报送期限", doc.get("due_on") or d.NONE)]
    row = 3
    for label, value in facts:
        _put(ws, row, 1, label).font = Font(bold=True)
        _put(ws, row, 2, value)
        row += 1
    row += 1
    for figure in doc.get("summary", ()):
        _put(ws, row, 1, figure["label"]).font = Font(bold=True)
        _put(ws, row, 2, figure["value"], figure["fmt"])
        row += 1
    if doc.get("lead"):
        row += 1
        _put(ws, row, 1, doc["lead"]).alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    row += 1
    for note in doc.get("notes", ()):
        _put(ws, row, 1, f"注：{note}")
        row += 1
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 30


def _sheet_name(name: str, taken: set[str]) -> str:
    candidate, n = name or "表", 2
    while candidate in taken:
        suffix = f"({n})"
        candidate, n = f"{name[:31 - len(suffix)]}{suffix}", n + 1
    taken.add(candidate)
    return candidate


def _table(ws, sec: dict) -> None:
    table = sec["table"]
    columns = table["columns"]
    for col, column in enumerate(columns, start=1):
        cell = _put(ws, 1, col, column["title"])
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for r, row in enumerate(table["rows"], start=2):
        for col, (value, column) in enumerate(zip(row, columns, strict=True), start=1):
            _put(ws, r, col, value, column["fmt"])
    if not table["rows"]:
        _put(ws, 2, 1, table["empty"])
    for col, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(col)].width = _width(
            [column["title"], *(d.show(row[col - 1], column["fmt"]) for row in table["rows"])])
    ws.freeze_panes = "B2"
    if sec.get("chart") and d.chart_rows(sec):
        ws.add_chart(_chart(ws, sec), f"{get_column_letter(len(columns) + 2)}2")


def _chart(ws, sec: dict):
    spec = sec["chart"]
    last = 1 + len(d.chart_rows(sec))
    if spec["type"] == "line":
        chart = LineChart()
    else:
        chart = BarChart()
        chart.type = "bar" if spec["type"] == "bar" else "col"
        chart.gapWidth = 60
    chart.title = spec["title"]
    chart.style = 10
    for col in spec["series"]:
        chart.add_data(Reference(ws, min_col=col + 1, min_row=1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=spec["category"] + 1, min_row=2, max_row=last))
    if d.chart_is_percent(sec):
        chart.y_axis.number_format = "0%"
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    if len(spec["series"]) == 1:
        chart.legend = None
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.width, chart.height = 18, max(8, min(20, 2 + 0.7 * (last - 1))) if spec["type"] == "bar" else 8
    return chart


def workbook(doc: dict) -> bytes:
    book = Workbook()
    _cover(book.active, doc)
    taken = {"概况"}
    for sec in doc.get("sections", ()):
        ws = book.create_sheet(_sheet_name(sec["table"]["sheet"], taken))
        _table(ws, sec)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
