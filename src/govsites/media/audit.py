"""Uploads, changes and deletions of images and documents in the audit trail.

Wagtail's admin writes ``wagtail.create`` / ``wagtail.edit`` / ``wagtail.delete`` for images and
documents only from its single add/edit/delete views, and into its own ``ModelLogEntry`` table —
not our :class:`~govsites.audit.models.AuditLogEntry`, and not at all for the multiple uploader,
its inline delete or the bulk actions. So the trail is written here, from the models' own save
and delete signals, which every path goes through: one ``media.*`` entry per change, under the
owning site (``site_ref``), with a before/after diff. Wagtail's own entries stay where they are.

Who acted comes from Wagtail's log context (set by every admin view); from where (address, user
agent) from the request being served, captured at ``request_started`` because model signals
never see the request. Outside a request (CLI, jobs) the entry says ``system``.
"""

from __future__ import annotations

from asgiref.local import Local
from django.core.signals import request_finished, request_started
from wagtail.log_actions import get_active_log_context
from wagtail.log_actions import registry as log_registry

from govsites.audit.context import Actor
from govsites.audit.log import diff, record

ACTION_LABELS = {
    "media.image.upload": "上传图片",
    "media.image.change": "修改图片",
    "media.image.delete": "删除图片",
    "media.document.upload": "上传文件",
    "media.document.change": "修改文件",
    "media.document.delete": "删除文件",
}


def register_audit_actions() -> None:
    """Known to Wagtail's log registry (the trail refuses unknown names) from import time on, as
    ``content.actions.base`` does; registering twice is harmless."""
    for action, label in ACTION_LABELS.items():
        if action not in log_registry.formatters:
            log_registry.register_action(action, label, label)


register_audit_actions()

_origin = Local()


def _request_started(sender, environ=None, scope=None, **kwargs):
    ip, agent = None, ""
    if environ is not None:  # WSGI (and Django's test client)
        ip = environ.get("REMOTE_ADDR") or None
        agent = environ.get("HTTP_USER_AGENT", "")
    elif scope is not None:  # ASGI
        client = scope.get("client")
        ip = client[0] if client else None
        headers = dict(scope.get("headers") or [])
        agent = headers.get(b"user-agent", b"").decode("latin-1")
    _origin.value = (ip, agent[:500])


def _request_finished(sender, **kwargs):
    _origin.value = None


request_started.connect(_request_started, dispatch_uid="govsites_media_request_origin")
request_finished.connect(_request_finished, dispatch_uid="govsites_media_request_origin")


def current_actor() -> Actor:
    user = get_active_log_context().user
    origin = getattr(_origin, "value", None)
    if origin is not None:
        return Actor(user=user, ip_address=origin[0], user_agent=origin[1], via="web")
    return Actor(user=user, via="web" if user is not None else "system")


def _noun(instance) -> str:
    from .models import SiteImage

    return "image" if isinstance(instance, SiteImage) else "document"


def _data(instance) -> dict:
    name = instance.file.name if instance.file else ""
    return {"file": name, "size": instance.file_size, "sha1": instance.file_hash}


def saved(instance, created: bool, update_fields=None) -> None:
    """Record an upload or a change (Wagtail's own metadata refreshes are not changes)."""
    if update_fields is not None and set(update_fields) <= {"file_size", "file_hash", "width", "height"}:
        return
    after = instance.audit_snapshot()
    noun = _noun(instance)
    if created:
        record(current_actor(), instance, f"media.{noun}.upload", data=_data(instance), site_id=instance.site_id,
               changes=diff({}, after))
        return
    before = getattr(instance, "_stored_values", None)
    if before is None:
        return
    changes = diff(before, after)
    if changes:
        record(current_actor(), instance, f"media.{noun}.change", changes=changes, data=_data(instance),
               site_id=instance.site_id)


def deleted(instance) -> None:
    changes = {name: {"before": value, "after": None} for name, value in instance.audit_snapshot().items()}
    record(current_actor(), instance, f"media.{_noun(instance)}.delete", data=_data(instance),
           site_id=instance.site_id, changes=changes)


def moved(instances, actor: Actor) -> None:
    """Entries for objects the bulk "add to collection" action moved with a queryset update."""
    for instance in instances:
        before = getattr(instance, "_stored_values", None) or {}
        instance.refresh_from_db(fields=["collection", "site"])
        changes = diff(before, instance.audit_snapshot())
        if changes:
            record(actor, instance, f"media.{_noun(instance)}.change", changes=changes, data=_data(instance),
                   site_id=instance.site_id)
