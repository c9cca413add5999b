"""Reminders before and escalation after a deadline: steps the scheduled sweep takes.

Only the system actor (``Actor.system()``, the scheduler) takes them. Each marks the message once
(``reminded_at`` / ``escalated_at``) with a conditional update, so two sweeps running at the same
time — or a sweep run again after a restart — remind and escalate a message exactly once.
"""

from __future__ import annotations

import datetime as dt

from govsites import clock

from ..models import EventKind, Message, MessageKind
from ..models.messages import OPEN_STATUSES
from .base import InteractionError, MessageAction


def last_day(due_at: dt.datetime) -> dt.date:
    """The last local day of a deadline (``due_at`` is the exclusive bound: 00:00 of the day after)."""
    return clock.local(due_at - dt.timedelta(microseconds=1)).date()


def forward_overdue(message: Message, now: dt.datetime) -> bool:
    """CQ 21: an error report not passed to the site's sponsor by its forwarding deadline."""
    return (
        message.kind == MessageKind.ERROR_REPORT and message.forward_due_at is not None
        and message.forwarded_at is None and message.forward_due_at <= now
    )


class DeadlineAction(MessageAction):
    """Marks ``field`` of an open message once and records the event; returns whether it did."""

    denied_message = "临期提醒和超期督办由系统定时任务执行。"
    field = ""
    event_kind = ""

    def check_permission(self) -> bool:
        return self.user is None and self.actor.via == "system"

    def applies(self, now: dt.datetime) -> bool:
        raise NotImplementedError

    def note(self) -> str:
        raise NotImplementedError

    def perform(self) -> bool:
        message, now = self.message, clock.now()
        if not self.applies(now):
            raise InteractionError(f"留言 {message.case_number} 当前不需要{EventKind(self.event_kind).label}。")
        claimed = Message.objects.filter(
            pk=message.pk, status__in=OPEN_STATUSES, **{f"{self.field}__isnull": True}
        ).update(**{self.field: now})
        if not claimed:
            return False
        setattr(message, self.field, now)
        self.event(self.event_kind, note=self.note())
        return True


class RemindMessage(DeadlineAction):
    """The deadline is near (``interaction.remind_working_days_before``); the sweep chose it."""

    field = "reminded_at"
    event_kind = EventKind.REMINDED

    def applies(self, now):
        message = self.message
        return message.is_open and message.due_at is not None and message.due_at > now

    def note(self) -> str:
        return f"答复期限：{last_day(self.message.due_at):%Y-%m-%d}"


class EscalateMessage(DeadlineAction):
    """Open past its reply deadline, or an error report not forwarded in time (CQ 21)."""

    field = "escalated_at"
    event_kind = EventKind.ESCALATED

    def applies(self, now):
        message = self.message
        if not message.is_open:
            return False
        return (message.due_at is not None and message.due_at <= now) or forward_overdue(message, now)

    def note(self) -> str:
        message = self.message
        if message.due_at is not None and message.due_at <= clock.now():
            return f"已超过答复期限（{last_day(message.due_at):%Y-%m-%d}）仍未答复"
        return f"已超过转交期限（{last_day(message.forward_due_at):%Y-%m-%d}）仍未转交网站主办单位"
