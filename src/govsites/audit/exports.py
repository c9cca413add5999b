"""Exports and downloads of data are audit events (SEC-03): who took what, how much, filtered how.

``audited_export(actor, subject, action, ...)`` writes the entry where the export is built (so
the CLI and the API are covered too); ``@audited_download(action)`` wraps a view whose response is
a file and writes the entry when nothing else did. The catch-all middleware records any other
admin download as ``admin.download``.
"""

from __future__ import annotations

import functools

from django.contrib.contenttypes.models import ContentType

from . import context
from .context import Actor
from .log import record, record_event


def audited_export(
    actor: Actor,
    subject=None,
    action: str = "data.export",
    *,
    fmt: str = "",
    rows: int | None = None,
    filters: dict | None = None,
    reason: str = "",
    label: str = "",
    data: dict | None = None,
):
    """Record one export. ``subject`` is the object exported from (or None: an event entry)."""
    payload = {"format": fmt, "rows": rows, "filters": filters or {}, **(data or {})}
    if subject is not None and getattr(subject, "pk", None) is not None:
        return record(actor, subject, action, reason=reason, data=payload)
    user = actor.authenticated_user
    return record_event(
        actor, action, label or action,
        content_type=ContentType.objects.get_for_model(user) if user is not None else None,
        object_id=str(user.pk) if user is not None else "",
        reason=reason, data=payload,
    )


def audited_download(action: str = "data.export"):
    """View decorator: a file response that wrote no audit entry gets one (path, file name)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            origin = context.current_origin()
            before = _count()
            response = view(request, *args, **kwargs)
            disposition = response.get("Content-Disposition", "") if hasattr(response, "get") else ""
            if response.status_code < 400 and disposition and _count() == before:
                audited_export(
                    Actor.from_request(request, via=origin.via if origin else "web"), None, action,
                    label=f"{request.method} {request.path}"[:500],
                    data={"path": request.path[:500], "file": disposition[:300]},
                )
            return response

        return wrapped

    return decorator


def _count() -> int:
    state = context._request.get()
    return state.entries if state is not None else -1
