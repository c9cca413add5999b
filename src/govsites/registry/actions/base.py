"""The registry's action base: the shared :class:`govsites.actions.Action` plus the registry's
own constraint messages and the audited site status change."""

from __future__ import annotations

from django.db import IntegrityError

from govsites import clock
from govsites.actions import Action as BaseAction
from govsites.audit.log import diff, snapshot

from ..errors import RuleViolation
from ..models import Site


class Action(BaseAction):
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
    def audit(self, instance, action: str, *, reason: str = "", changes=None, data=None, site: Site | None = None):
        site_id = site.pk if site is not None else (instance.pk if isinstance(instance, Site) else None)
        return super().audit(instance, action, reason=reason, changes=changes, data=data, site_id=site_id)

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
