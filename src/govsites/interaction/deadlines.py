"""Deadlines of messages and error reports, in working days of the official calendar.

The clock of a message starts at its receipt and is not restarted by routing, transfers or
forwarding between sites: the citizen is owed an answer by the same moment whoever holds the
message. The numbers of working days come from the policy profile (``interaction`` section);
the arithmetic and its exact semantics are ``govsites.workdays.calendar``'s (docs/workdays.md).

When the calendar of a year is missing the deadline stays empty and the message says why
(``deadline_error``); the scheduled sweep fills it in once the year is loaded — never a guess.
"""

from __future__ import annotations

from govsites.policy import profiles
from govsites.workdays import calendar

from .models import Message, MessageKind


def reply_working_days(kind: str) -> int:
    profile = profiles.active()
    if kind == MessageKind.ERROR_REPORT:
        return int(profile.get("interaction.error_report.reply_working_days"))
    return int(profile.get("interaction.reply_working_days")[kind])


def forward_working_days(kind: str) -> int:
    """Working days to pass an error report to the site's sponsor (0 = no such step)."""
    if kind != MessageKind.ERROR_REPORT:
        return 0
    return int(profiles.active().get("interaction.error_report.forward_working_days"))


def review_before_publication(kind: str) -> bool:
    return kind == MessageKind.ERROR_REPORT and bool(
        profiles.active().get("interaction.error_report.review_before_publication")
    )


def assign(message: Message) -> None:
    """Set ``due_at`` and ``forward_due_at`` (unsaved), or ``deadline_error`` if the calendar lacks a year."""
    try:
        message.due_at = calendar.deadline(message.received_at, reply_working_days(message.kind))
        days = forward_working_days(message.kind)
        message.forward_due_at = calendar.deadline(message.received_at, days) if days else None
        message.deadline_error = ""
    except calendar.MissingCalendarYear as exc:
        message.due_at = message.forward_due_at = None
        message.deadline_error = str(exc)[:200]


def fill_missing() -> int:
    """Compute the deadlines that were waiting for a calendar year; returns how many were set."""
    filled = 0
    for message in Message.objects.filter(due_at__isnull=True).exclude(deadline_error="").iterator():
        assign(message)
        if message.due_at is not None:
            message.save(update_fields=["due_at", "forward_due_at", "deadline_error"])
            filled += 1
    return filled
