"""Charts as inline SVG drawn on the server: no script, no CDN, no inline style (the fronts' and
the admin's CSP allow neither), only SVG presentation attributes.

Each chart draws columns of its section's table (``document``): horizontal bars (long names:
regions, problem types), columns (score bands, quarters) or lines (months). It is an image with a
``<title>`` and a ``<desc>`` that states what it shows and its extremes; the table right below it
is the full text alternative. Every text is escaped here; numbers are formatted here.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import document as d

PALETTE = ("#1f5fa8", "#d9822b", "#2e8540", "#8e44ad", "#c0392b", "#16a085", "#7f6000", "#5d6d7e")
INK, MUTED, GRID = "#1f2937", "#4b5563", "#d1d5db"
WIDTH = 720
FONT = 'font-family="sans-serif" font-size="12"'
KIND_NAMES = {"bar": "条形图", "column": "柱状图", "line": "折线图"}


def _text_width(text: str) -> float:
    """Rough rendered width at 12px: CJK and full-width glyphs are square, the rest narrow."""
    return sum(12.0 if ord(c) > 0x2E7F else 7.0 for c in text)


def fit(text: str, width: float) -> str:
    """``text`` shortened with an ellipsis to about ``width`` pixels (the table has it in full)."""
    if _text_width(text) <= width:
        return text
    out = ""
    for char in text:
        if _text_width(out + char) > width - 12:
            break
        out += char
    return out + "…"


def _number(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.1f}%"
    return f"{value:g}" if isinstance(value, float) and not value.is_integer() else f"{int(value)}"


def _scale_max(values: list[float], percent: bool) -> float:
    """The axis top: 100 % for rates; for counts four equal whole-number steps (1, 2, 5, 10, 20,
    25, 50, 100 … per step)."""
    if percent:
        return 1.0
    quarter = max([v for v in values if v is not None] or [0]) / 4
    magnitude = 1
    while True:
        for factor in (1, 2, 2.5, 5):
            step = factor * magnitude
            if step >= quarter and float(step).is_integer():
                return float(step * 4)
        magnitude *= 10


def _ticks(top: float, percent: bool) -> list[tuple[float, str]]:
    return [(top * i / 4, _number(top * i / 4, percent)) for i in range(5)]


class Data:
    """What one chart draws: category labels and one value list per series."""

    def __init__(self, sec: dict):
        chart, columns = sec["chart"], sec["table"]["columns"]
        rows = d.chart_rows(sec)
        self.kind = chart["type"]
        self.title = chart["title"]
        self.percent = d.chart_is_percent(sec)
        self.categories = [str(row[chart["category"]]) for row in rows]
        self.series = [(columns[i]["title"], [None if row[i] is None else float(row[i]) for row in rows])
                       for i in chart["series"]]
        self.top = _scale_max([v for _name, values in self.series for v in values], self.percent)

    def describe(self) -> str:
        """The ``<desc>``: kind, size and the extremes of each series."""
        parts = [f"{KIND_NAMES[self.kind]}，{len(self.categories)}项"]
        for name, values in self.series:
            known = [(v, c) for v, c in zip(values, self.categories, strict=True) if v is not None]
            if not known:
                parts.append(f"{name}：无数据")
                continue
            high, low = max(known, key=lambda p: p[0]), min(known, key=lambda p: p[0])
            parts.append(f"{name}最高为{high[1]}（{_number(high[0], self.percent)}），"
                         f"最低为{low[1]}（{_number(low[0], self.percent)}）")
        return "；".join(parts) + "。详细数据见下表。"


def render(sec: dict, chart_id: str) -> SafeString:
    """The section's chart as an ``<svg>`` element ('' when it has none or nothing to draw)."""
    if not sec.get("chart") or not d.chart_rows(sec):
        return mark_safe("")
    data = Data(sec)
    height, body = {"bar": _bars, "column": _columns, "line": _lines}[data.kind](data)
    legend, extra = _legend(data, height)
    height += extra
    ids = f"{chart_id}-title {chart_id}-desc"
    return mark_safe(  # noqa: S308 — every text above went through escape(); numbers are ours
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" aria-labelledby="{ids}" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{chart_id}-title">{escape(data.title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(data.describe())}</desc>'
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"></rect>'
        f"{body}{legend}</svg>"
    )


def _legend(data: Data, top: int) -> tuple[str, int]:
    if len(data.series) < 2:
        return "", 0
    parts, x, y = [], 16.0, top + 8
    for index, (name, _values) in enumerate(data.series):
        label = fit(name, 140)
        width = _text_width(label) + 34
        if x + width > WIDTH - 8:
            x, y = 16.0, y + 20
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x:.0f}" y="{y}" width="12" height="12" fill="{colour}"></rect>'
                     f'<text x="{x + 18:.0f}" y="{y + 11}" {FONT} fill="{INK}">{escape(label)}</text>')
        x += width
    return "".join(parts), y - top + 24


def _bars(data: Data) -> tuple[int, str]:
    """Horizontal bars: a row per category, one bar per series, the value at its end."""
    left, right, top = 170, 70, 12
    per = len(data.series)
    band = 14 * per + 10
    plot = WIDTH - left - right
    height = top + band * len(data.categories) + 28
    parts = []
    for value, label in _ticks(data.top, data.percent):
        x = left + plot * value / data.top
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - 24}" stroke="{GRID}"></line>'
                     f'<text x="{x:.1f}" y="{height - 8}" {FONT} fill="{MUTED}" text-anchor="middle">{label}</text>')
    for row, category in enumerate(data.categories):
        y0 = top + row * band
        parts.append(f'<text x="{left - 8}" y="{y0 + band / 2 + 4:.1f}" {FONT} fill="{INK}" text-anchor="end">'
                     f"{escape(fit(category, left - 16))}</text>")
        for index, (_name, values) in enumerate(data.series):
            value = values[row]
            if value is None:
                continue
            width = plot * min(value, data.top) / data.top
            y = y0 + 5 + index * 14
            parts.append(f'<rect x="{left}" y="{y}" width="{width:.1f}" height="12" '
                         f'fill="{PALETTE[index % len(PALETTE)]}"></rect>'
                         f'<text x="{left + width + 4:.1f}" y="{y + 10}" {FONT} fill="{INK}">'
                         f"{_number(value, data.percent)}</text>")
    return height, "".join(parts)


def _vertical_axes(data: Data, left: int, top: int, plot_h: int, slot: float) -> list[str]:
    parts = []
    for value, label in _ticks(data.top, data.percent):
        y = top + plot_h - plot_h * value / data.top
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - 12}" y2="{y:.1f}" stroke="{GRID}"></line>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" {FONT} fill="{MUTED}" text-anchor="end">{label}</text>')
    for index, category in enumerate(data.categories):
        x = left + slot * (index + 0.5)
        parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 18}" {FONT} fill="{INK}" text-anchor="middle">'
                     f"{escape(fit(category, slot - 4))}</text>")
    return parts


def _columns(data: Data) -> tuple[int, str]:
    """Vertical columns: a slot per category, one column per series, the value on top."""
    left, top, plot_h = 56, 20, 220
    slot = (WIDTH - left - 12) / max(len(data.categories), 1)
    parts = _vertical_axes(data, left, top, plot_h, slot)
    per = len(data.series)
    width = min(48.0, (slot - 12) / per)
    for index, (_name, values) in enumerate(data.series):
        for row, value in enumerate(values):
            if value is None:
                continue
            h = plot_h * min(value, data.top) / data.top
            x = left + slot * row + (slot - width * per) / 2 + width * index
            y = top + plot_h - h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{width - 2:.1f}" height="{h:.1f}" '
                         f'fill="{PALETTE[index % len(PALETTE)]}"></rect>'
                         f'<text x="{x + (width - 2) / 2:.1f}" y="{y - 4:.1f}" {FONT} fill="{INK}" '
                         f'text-anchor="middle">{_number(value, data.percent)}</text>')
    return top + plot_h + 30, "".join(parts)


def _lines(data: Data) -> tuple[int, str]:
    """Lines over the categories (months): one per series, a dot per known value; a missing value
    breaks the line."""
    left, top, plot_h = 56, 20, 220
    slot = (WIDTH - left - 12) / max(len(data.categories), 1)
    parts = _vertical_axes(data, left, top, plot_h, slot)
    for index, (name, values) in enumerate(data.series):
        colour = PALETTE[index % len(PALETTE)]
        runs, run = [], []
        for row, value in enumerate(values):
            if value is None:
                if run:
                    runs.append(run)
                run = []
                continue
            run.append((left + slot * (row + 0.5), top + plot_h - plot_h * min(value, data.top) / data.top, value, row))
        if run:
            runs.append(run)
        for points in runs:
            if len(points) > 1:
                coords = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v, _r in points)
                parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"></polyline>')
            for x, y, value, row in points:
                text = f"{data.categories[row]} {name}：{_number(value, data.percent)}"
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                             f"<title>{escape(text)}</title></circle>")
                if len(data.series) == 1:
                    parts.append(f'<text x="{x:.1f}" y="{y - 8:.1f}" {FONT} fill="{INK}" text-anchor="middle">'
                                 f"{_number(value, data.percent)}</text>")
    return top + plot_h + 30, "".join(parts)
