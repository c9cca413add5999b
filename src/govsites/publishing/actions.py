"""The publisher's admin actions (views, API and CLI call these): each checks, changes,
audits and notifies like every other action of the platform."""

from __future__ import annotations

from govsites.actions import Action
from govsites.content.actions.base import register_audit_actions
from govsites.content.actions.staffing import manages_site
from govsites.registry import permissions as registry_permissions
from govsites.registry.models import Site

from .models import PublishRequest

register_audit_actions({
    "publishing.site.rebuild": "全量重建网站",
})


def may_publish_site(user, site: Site) -> bool:
    """Site administrators of the site, whom the registry trusts with it, and its supervisors."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return manages_site(user, site) or registry_permissions.is_supervisor_of(user, site.institution)


class RebuildSite(Action):
    """Queue a full rebuild: every page of the site is rendered again (after a template change,
    a lost front host, or to be sure). The publisher compares bytes, so unchanged files are not
    rewritten on the front."""

    denied_message = "只有本网站的站点管理员、网站管理员或其主管单位可以重建网站。"

    def __init__(self, actor, site: Site, reason: str = ""):
        super().__init__(actor)
        self.site = site
        self.reason = (reason or "").strip()

    def check_permission(self) -> bool:
        return may_publish_site(self.user, self.site)

    def perform(self) -> PublishRequest:
        request = PublishRequest.objects.create(site=self.site, item_id=None, reason="rebuild")
        self.audit(self.site, "publishing.site.rebuild", reason=self.reason, site_id=self.site.pk)
        from .receivers import start_worker_after_commit

        start_worker_after_commit()
        return request
