"""Small display helpers for the content admin templates."""

from django import template

from ..listing import STATUSES

register = template.Library()


@register.filter
def hours_abs(hours: float) -> str:
    """A countdown in hours and minutes (sign dropped: the template says late or left)."""
    minutes = int(abs(hours) * 60)
    return f"{minutes // 60}小时{minutes % 60:02d}分"


@register.filter
def status_label(status: str) -> str:
    return str(STATUSES.get(status, status))
