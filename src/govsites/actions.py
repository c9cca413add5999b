"""The shape every state change shares: check, change, audit, notify.

Like Wagtail's ``wagtail.actions``: a view, the API, an importer or the CLI builds an action with
an :class:`~govsites.audit.context.Actor` and calls :meth:`Action.execute`. Permission is checked
first (:class:`NotAllowed`); the change and its audit entries commit together or not at all;
signals fire only after the commit. Each domain app subclasses this in its ``actions`` package.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from govsites.audit.context import Actor
from govsites.audit.log import record


class NotAllowed(PermissionDenied):
    """The actor's roles do not allow this action on this object."""

    def __init__(self, message: str = "您没有执行此操作的权限。"):
        super().__init__(message)
        self.message = message


class Action:
    #: the message for a refused permission check
    denied_message = "您没有执行此操作的权限。"

    def __init__(self, actor: Actor):
        self.actor = actor
        self.user = actor.authenticated_user
        self._signals: list[tuple[Any, dict]] = []

    def check_permission(self) -> bool:
        raise NotImplementedError

    def perform(self):
        raise NotImplementedError

    def execute(self):
        if not self.check_permission():
            raise NotAllowed(self.denied_message)
        try:
            with transaction.atomic():
                result = self.perform()
                signals = list(self._signals)
                transaction.on_commit(lambda: [signal.send(**kw) for signal, kw in signals])
        except IntegrityError as exc:
            raise self.integrity_error(exc) from exc
        return result

    def integrity_error(self, exc: IntegrityError) -> Exception:
        """Turn a database constraint failure into a clear error (subclasses name the rule)."""
        return exc

    def emit(self, signal, **kwargs) -> None:
        self._signals.append((signal, {**kwargs, "actor": self.actor}))

    def audit(self, instance, action: str, *, reason: str = "", changes=None, data=None, site_id=None):
        return record(self.actor, instance, action, reason=reason, changes=changes, data=data, site_id=site_id)
