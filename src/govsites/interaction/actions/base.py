"""The interaction actions' shared base: a Chinese validation error and timeline helpers."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from govsites import clock
from govsites.actions import Action as BaseAction

from ..models import Message, MessageEvent
from ..signals import message_changed, public_output_changed


class InteractionError(ValidationError):
    """A refused step, with a message for the person who tried it (Chinese, starts with the rule)."""


def required_text(value: str | None, label: str, limit: int = 500) -> str:
    text = " ".join((value or "").split())
    if len(text) < 2:
        raise InteractionError({"reason": f"请填写{label}。"})
    if len(text) > limit:
        raise InteractionError({"reason": f"{label}不能超过{limit}个字（现有{len(text)}个）。"})
    return text


class MessageAction(BaseAction):
    """Changes one message: every step leaves a timeline event, an audit entry and a signal."""

    def __init__(self, actor, message: Message):
        super().__init__(actor)
        self.message = message

    def event(self, kind: str, *, note: str = "", from_institution=None, to_institution=None,
              audit_data: dict | None = None) -> MessageEvent:
        message = self.message
        event = MessageEvent.objects.create(
            message=message, kind=kind, at=clock.now(), actor=self.user, note=note[:500],
            from_institution=from_institution, to_institution=to_institution,
        )
        data = {"case": message.case_number, "status": message.status, **(audit_data or {})}
        if from_institution is not None:
            data["from"] = from_institution.name
        if to_institution is not None:
            data["to"] = to_institution.name
        self.audit(message, f"interaction.message.{kind}", reason=note, data=data, site_id=message.handling_site_id)
        self.emit(message_changed, sender=Message, message=message, event=kind)
        return event

    def publication_changed(self) -> None:
        site_output_changed(self, self.message.site_id, sender=Message)


def site_output_changed(action: BaseAction, site_id: int, *, sender) -> None:
    """What ``site_id`` shows publicly changed: re-render its interaction pages (queued in the
    action's transaction, so a committed change is always rendered) and say so after the commit."""
    from govsites.publishing.receivers import queue_outputs

    from ..outputs import NAME

    queue_outputs(site_id, NAME)
    action.emit(public_output_changed, sender=sender, site_id=site_id)
