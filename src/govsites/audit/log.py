"""Writing to the audit trail. Every action calls :func:`record` inside its transaction.

Each entry is chained and signed on insert (:meth:`.models.AuditLogEntry.save`): one locked read
of the chain head, one INSERT, one UPDATE of the head.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder

from govsites import clock

from .context import Actor
from .models import AuditLogEntry

_ENCODER = DjangoJSONEncoder()


def snapshot(instance, fields) -> dict[str, Any]:
    """Field values of ``instance`` in a JSON-safe form, for before/after diffs.

    A field marked ``personal_data = True`` (the privacy app's encrypted fields) is stored masked
    (``field.mask(value)``): a diff in the trail must never hold personal data in plain text.
    """
    out = {}
    for name in fields:
        value = getattr(instance, name)
        field = _field(instance, name)
        if field is not None and getattr(field, "personal_data", False):
            mask = getattr(field, "mask", None)
            out[name] = mask(value) if callable(mask) and value not in (None, "") else ("" if value in (None, "") else "***")
            continue
        if hasattr(value, "pk"):
            value = value.pk
        out[name] = _ENCODER.default(value) if not isinstance(value, (str, int, float, bool, type(None))) else value
    return out


def _field(instance, name):
    try:
        return instance._meta.get_field(name)
    except (FieldDoesNotExist, AttributeError):
        return None


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: {"before": before.get(k), "after": after.get(k)} for k in after if before.get(k) != after.get(k)}


def record(
    actor: Actor,
    instance,
    action: str,
    *,
    reason: str = "",
    changes: dict | None = None,
    data: dict | None = None,
    site_id: int | None = None,
) -> AuditLogEntry:
    """Append one entry to the trail about ``instance``."""
    return AuditLogEntry.objects.log_action(
        instance,
        action,
        user=actor.authenticated_user,
        data=data or {},
        timestamp=clock.now(),
        ip_address=actor.ip_address,
        user_agent=actor.user_agent,
        via=actor.via or "system",
        reason=reason,
        changes=changes or {},
        site_ref=site_id,
    )


def record_event(
    actor: Actor,
    action: str,
    label: str,
    *,
    user=None,
    content_type=None,
    object_id: str = "",
    reason: str = "",
    data: dict | None = None,
    site_id: int | None = None,
) -> AuditLogEntry:
    """Append an entry about no particular object (a failed login, a request, a verification).
    ``user`` overrides the actor's user (e.g. the account a login attempt named)."""
    return AuditLogEntry.objects.create(
        content_type=content_type,
        object_id=object_id,
        label=label[:2000],
        action=action,
        user=user if user is not None else actor.authenticated_user,
        data=data or {},
        timestamp=clock.now(),
        ip_address=actor.ip_address,
        user_agent=actor.user_agent,
        via=actor.via or "system",
        reason=reason,
        site_ref=site_id,
    )
