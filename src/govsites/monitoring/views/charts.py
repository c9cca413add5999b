"""Small inline SVG charts drawn on the server: the admin's CSP allows no scripts and no inline
styles, and SVG presentation attributes are neither. Every value comes from the database as a
number or a date; text goes through ``format_html`` (escaped)."""

from __future__ import annotations

from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from govsites import clock

PASSED, FAILED, UNRATED, LINE, GUIDE = "#15803d", "#b91c1c", "#9ca3af", "#2563eb", "#d1d5db"


def _describe(point: dict) -> str:
    when = formats.date_format(clock.local(point["checked_at"]), "Y-m-d")
    if point["score"] is not None:
        text = f"{point['score']:.1f}分"
    elif point["passed"] is False:
        text = "单项否决"
    else:
        text = "未评定"
    verdict = {True: "合格", False: "不合格"}.get(point["passed"])
    return f"{when} {text}" + (f"（{verdict}）" if verdict and point["score"] is not None else "")


def sparkline(points: list[dict], *, pass_score: float = 60, width: int = 120, height: int = 28) -> SafeString:
    """A site's recent results, oldest first (``score``, ``passed``, ``checked_at`` each): the
    score line, a dot per census (green passed, red failed, grey not rated; a vetoed result has
    no score and sits on the floor) and a dashed guide at the pass score."""
    if not points:
        return mark_safe("")
    pad = 3
    span_x, span_y = width - 2 * pad, height - 2 * pad
    step = span_x / (len(points) - 1) if len(points) > 1 else 0

    def y(score) -> float:
        return round(pad + (100 - max(0.0, min(100.0, float(score)))) / 100 * span_y, 1)

    coords = []
    for index, point in enumerate(points):
        x = round(pad + index * step if len(points) > 1 else width / 2, 1)
        coords.append((x, y(point["score"]) if point["score"] is not None else float(height - pad), point))
    line = " ".join(f"{x},{yy}" for x, yy, p in coords if p["score"] is not None)
    label = "近{}次检查：{}".format(len(points), "；".join(_describe(p) for p in points))
    dots = format_html_join("", '<circle cx="{}" cy="{}" r="2.5" fill="{}"></circle>', (
        (x, yy, PASSED if p["passed"] else FAILED if p["passed"] is False else UNRATED) for x, yy, p in coords))
    guide = y(pass_score)
    return format_html(
        '<svg class="gs-spark" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{label}">'
        "<title>{label}</title>"
        '<line x1="{pad}" y1="{g}" x2="{x2}" y2="{g}" stroke="{guide_colour}" stroke-dasharray="3 2"></line>'
        "{polyline}{dots}</svg>",
        w=width, h=height, label=label, pad=pad, g=guide, x2=width - pad, guide_colour=GUIDE,
        polyline=format_html('<polyline points="{}" fill="none" stroke="{}" stroke-width="1.5"></polyline>',
                             line, LINE) if line.count(",") > 1 else "",
        dots=dots,
    )
