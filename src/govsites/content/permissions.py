"""Tenancy for the library: what a user may do with items, from site memberships.

Registered as Wagtail's permission policy for :class:`Item`, so Wagtail's own actions (publish
at the end of a workflow, locking, the snippet views) ask the same question our actions ask.
Memberships are read once per request and cached on the user: a constant number of queries,
whatever the size of the estate. Published items are readable by everyone who may log in
(CON-01: any site may use any library resource); drafts only by the owning site's members.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.permission_policies.base import BasePermissionPolicy

from govsites.registry import permissions as registry_permissions

from .models import Item, SiteMembership, SiteRole

# Which site roles allow which Wagtail actions on an item of their site.
ACTION_ROLES = {
    "add": {SiteRole.EDITOR, SiteRole.SITE_ADMIN},
    "change": {SiteRole.EDITOR, SiteRole.SITE_ADMIN},
    "delete": {SiteRole.SITE_ADMIN},
    "lock": {SiteRole.EDITOR, SiteRole.SITE_ADMIN, SiteRole.REVIEWER, SiteRole.CONFIDENTIALITY_REVIEWER},
    "unlock": {SiteRole.SITE_ADMIN},
    "publish": {SiteRole.SITE_ADMIN, SiteRole.REVIEWER, SiteRole.CONFIDENTIALITY_REVIEWER},
    "view": {SiteRole.EDITOR, SiteRole.SITE_ADMIN, SiteRole.REVIEWER, SiteRole.CONFIDENTIALITY_REVIEWER},
}
# The roles that work in the library. Message handlers and service maintainers work elsewhere
# (interaction, services): least privilege keeps them out of drafts and the content menus.
LIBRARY_ROLES = ACTION_ROLES["view"]


def memberships(user) -> dict[int, set[str]]:
    """``{site_id: {library roles}}`` for ``user`` (cached on the user object for the request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = getattr(user, "_govsites_site_roles", None)
    if cached is None:
        cached = {}
        for site_id, role in SiteMembership.objects.filter(user=user, role__in=LIBRARY_ROLES).values_list(
            "site_id", "role"
        ):
            cached.setdefault(site_id, set()).add(role)
        user._govsites_site_roles = cached
    return cached


def sites_for(user, action: str) -> set[int]:
    allowed = ACTION_ROLES.get(action, set())
    return {site for site, roles in memberships(user).items() if roles & allowed}


class LibraryPermissionPolicy(BasePermissionPolicy):
    def __init__(self):
        super().__init__(Item)

    def user_has_permission(self, user, action):
        if action == "view":
            return bool(sites_for(user, "view")) or registry_permissions.reads_everything(user)
        return bool(sites_for(user, action))

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "view" and (instance.live or registry_permissions.reads_everything(user)):
            return self.user_has_permission(user, "view")
        return instance.owning_site_id in sites_for(user, action)

    def instances_user_has_permission_for(self, user, action):
        own = Q(owning_site_id__in=sites_for(user, action))
        if action == "view":
            if registry_permissions.reads_everything(user):
                return Item.objects.all()
            if not sites_for(user, "view"):
                return Item.objects.none()
            return Item.objects.filter(own | Q(live=True))
        return Item.objects.filter(own)

    def users_with_permission(self, action):
        roles = ACTION_ROLES.get(action, set())
        user_ids = SiteMembership.objects.filter(role__in=roles).values("user_id")
        return get_user_model().objects.filter(is_active=True, pk__in=user_ids)

    def users_with_permission_for_instance(self, action, instance):
        roles = ACTION_ROLES.get(action, set())
        user_ids = SiteMembership.objects.filter(role__in=roles, site_id=instance.owning_site_id).values("user_id")
        return get_user_model().objects.filter(is_active=True, pk__in=user_ids)


library_permission_policy = LibraryPermissionPolicy()
