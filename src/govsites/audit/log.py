"""Writing to the audit trail. Every action calls :func:`record` inside its transaction."""

from __future__ import annotations

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from govsites import clock

from .context import Actor
from .models import AuditLogEntry

_ENCODER = DjangoJSONEncoder()


def snapshot(instance, fields) -> dict[str, Any]:
    """Field values of ``instance`` in a JSON-safe form, for before/after diffs."""
    out = {}
    for name in fields:
        value = getattr(instance, name)
        if hasattr(value, "pk"):
            value = value.pk
        out[name] = _ENCODER.default(value) if not isinstance(value, (str, int, float, bool, type(None))) else value
    return out


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
    """Append one entry to the trail (whatever log model Wagtail would pick for the instance)."""
    return AuditLogEntry.objects.log_action(
        instance,
        action,
        user=actor.authenticated_user,
        data=data or {},
        timestamp=clock.now(),
        ip_address=actor.ip_address,
        user_agent=actor.user_agent,
        via=actor.via,
        reason=reason,
        changes=changes or {},
        site_ref=site_id,
    )
