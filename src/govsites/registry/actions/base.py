"""The shape every registry action shares: check, change, audit, notify.

Like Wagtail's ``wagtail.actions``: a view, the API, the importer and the CLI build an action
with an :class:`~govsites.audit.context.Actor` and call :meth:`Action.execute`. Permission is
checked first; the change and its audit entries commit together or not at all; signals fire
only after the commit.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from govsites import clock
from govsites.audit.context import Actor
from govsites.audit.log import diff, record, snapshot

from ..errors import NotAllowed, RuleViolation
from ..models import Site


class Action:
    #: the message for a refused permission check
    denied_message = "您没有执行此操作的权限。"

    def __init__(self, actor: Actor):
        self.actor = actor
        self.user = actor.authenticated_user
        self._signals: list[tuple[Any, dict]] = []

    # -- to implement ---------------------------------------------------------------------
    def check_permission(self) -> bool:
        raise NotImplementedError

    def perform(self):
        raise NotImplementedError

    # -- the fixed sequence -----------------------------------------------------------------
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
        text = str(exc)
        if "domain" in text:
            return RuleViolation("REG-07", "该域名已被其他网站使用。", "domain")
        if "site_code" in text:
            return RuleViolation("REG-09", "该网站标识码已被其他网站使用。", "site_code")
        if "institution" in text:
            return RuleViolation("REG-02", "一个单位原则上最多开设一个网站，该单位已有网站。")
        return RuleViolation("REG-01", "数据与已有记录冲突，请检查后重试。")

    # -- helpers for subclasses -------------------------------------------------------------
    def emit(self, signal, **kwargs) -> None:
        self._signals.append((signal, {**kwargs, "actor": self.actor}))

    def audit(self, instance, action: str, *, reason: str = "", changes=None, data=None, site: Site | None = None):
        site_id = site.pk if site is not None else (instance.pk if isinstance(instance, Site) else None)
        return record(self.actor, instance, action, reason=reason, changes=changes, data=data, site_id=site_id)

    def set_site_status(self, site: Site, status: str, reason: str = "", **fields) -> None:
        """Change a site's status (and related fields), audited and signalled."""
        from ..signals import site_status_changed

        before = snapshot(site, Site.RECORD_FIELDS)
        old_status = site.status
        site.status = status
        site.status_changed_at = clock.now()
        site.updated_at = clock.now()
        for name, value in fields.items():
            setattr(site, name, value)
        site.save()
        self.audit(
            site, "registry.site.status", reason=reason, changes=diff(before, snapshot(site, Site.RECORD_FIELDS))
        )
        self.emit(site_status_changed, sender=Site, site=site, old_status=old_status, new_status=status)
