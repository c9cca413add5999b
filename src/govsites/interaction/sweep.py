"""The deadline sweep: every 15 minutes, remind before and escalate after a deadline.

1. Deadlines that waited for a calendar year are computed (``deadlines.fill_missing``).
2. **Reminders** — an open message whose last day is within ``interaction.remind_working_days_before``
   working days (1: the working day before the last day, and the last day itself; 0: the last
   day only) and that has not been reminded gets ``reminded_at``, a REMINDED event and a mail to
   the department's handlers (its approvers too while a reply waits; the site's triage handlers
   while no department has it).
3. **Escalation** — an open message past its deadline, or a CQ error report not passed to the
   site's sponsor by its forwarding deadline, that has not been escalated gets ``escalated_at``,
   an ESCALATED event and a mail to the site's triage handlers and the supervisors of its area.
   A message is escalated once, for whichever deadline it misses first.

Each step is an action by ``Actor.system()`` (timeline event + audit entry) that marks the message
with a conditional update, so the sweep is idempotent and safe to run twice at once.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db.models import Q

from govsites import clock
from govsites.audit.context import Actor
from govsites.clock import SHANGHAI
from govsites.policy import profiles
from govsites.workdays import calendar

from . import deadlines, notify
from .actions import EscalateMessage, InteractionError, RemindMessage
from .models import Message, MessageKind

logger = logging.getLogger("govsites.interaction.sweep")

RELATED = ("site__institution", "handling_site", "department", "channel")


@dataclass
class SweepResult:
    filled: int = 0
    reminded: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)


def remind_working_days() -> int:
    return int(profiles.active().get("interaction.remind_working_days_before"))


def reminder_cutoff(now: dt.datetime) -> dt.datetime:
    """Messages with ``due_at`` at or before this moment are "due soon".

    The last day L of a deadline is within n working days of today when fewer than n+1 working
    days lie after today up to L, i.e. L comes before the (n+1)-th working day after today; with
    ``due_at`` = 00:00 of the day after L that is ``due_at`` ≤ 00:00 of that working day.
    Raises ``MissingCalendarYear`` when the calendar does not reach that far.
    """
    day = calendar.add_workdays(clock.local(now).date(), remind_working_days() + 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


def due_soon(queryset, now: dt.datetime):
    return queryset.open().filter(due_at__gt=now, due_at__lte=reminder_cutoff(now))


def overdue_filter(now: dt.datetime) -> Q:
    """Open past the reply deadline, or (CQ 21) an error report not forwarded in time."""
    return Q(due_at__lte=now) | Q(kind=MessageKind.ERROR_REPORT, forwarded_at__isnull=True, forward_due_at__lte=now)


def remind(now: dt.datetime, result: SweepResult) -> None:
    try:
        candidates = due_soon(Message.objects.filter(reminded_at__isnull=True), now)
        candidates = list(candidates.select_related(*RELATED))
    except calendar.MissingCalendarYear as missing:
        logger.warning("Reminders skipped: %s", missing)
        return
    for message in candidates:
        if _run(RemindMessage, message):
            result.reminded.append(message.case_number)
            notify.reminded(message)


def escalate(now: dt.datetime, result: SweepResult) -> None:
    candidates = Message.objects.open().filter(overdue_filter(now), escalated_at__isnull=True)
    for message in list(candidates.select_related(*RELATED)):
        action = _run(EscalateMessage, message)
        if action:
            result.escalated.append(message.case_number)
            notify.escalated(message, action.note())


def _run(action_class, message: Message):
    """One message's step in its own transaction; returns the action if it marked the message.
    A failure is logged and the sweep goes on."""
    action = action_class(Actor.system(), message)
    try:
        return action if action.execute() else None
    except InteractionError as refused:  # changed since it was selected
        logger.info("%s skipped %s: %s", action_class.__name__, message.case_number, "；".join(refused.messages))
    except Exception:
        logger.exception("%s failed for message %s", action_class.__name__, message.pk)
    return None


def run() -> SweepResult:
    """The scheduled job (``interaction.deadlines``)."""
    result = SweepResult(filled=deadlines.fill_missing())
    now = clock.now()
    remind(now, result)
    escalate(now, result)
    if result.filled or result.reminded or result.escalated:
        logger.info("Deadline sweep: %d deadline(s) filled, %d reminded, %d escalated",
                    result.filled, len(result.reminded), len(result.escalated))
    return result
