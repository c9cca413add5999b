"""Tenancy for images and documents: per-site Django groups holding Wagtail collection permissions.

Wagtail's stock permission policy for images and documents (``CollectionOwnershipPermissionPolicy``)
answers every question from ``GroupCollectionPermission`` rows: the listings, choosers, edit,
delete, usage and multiple-upload views, the rich-text chooser and our serve check. So instead of
patching those views we keep Django groups in step with ``content.SiteMembership``:

- ``站点{pk}·媒体编辑`` (editors, site admins): add, change (and so delete), choose — on the site's
  collection;
- ``站点{pk}·媒体选用`` (content and confidentiality reviewers): choose — they see and use the
  site's images and documents in choosers and may download its internal documents;
- ``媒体库·全域查阅`` (estate supervisors, ``registry.permissions.is_estate_supervisor``): choose on
  the root collection, i.e. every site's.

Groups are made lazily, when a site gets its first member of a tier. A membership change costs a
handful of queries; a request costs nothing extra (Wagtail reads the user's collection
permissions once per request). :func:`sync_all` repairs everything in bulk (``media_sync``).
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from wagtail.models import Collection, GroupCollectionPermission

from govsites.accounts.models import Role, RoleAssignment
from govsites.content.models import SiteMembership, SiteRole
from govsites.registry.models import Site

from .site_collections import collection_root, ensure_all_collections, ensure_site_collection

EDIT = "edit"
CHOOSE = "choose"
TIERS = (EDIT, CHOOSE)

GROUP_NAMES = {EDIT: "站点{site_id}·媒体编辑", CHOOSE: "站点{site_id}·媒体选用"}
ESTATE_READERS_GROUP = "媒体库·全域查阅"

#: Wagtail checks these on ``wagtailimages.Image`` / ``wagtaildocs.Document`` (its policies'
#: ``auth_model``), whatever the custom model is. "delete" is "change" in Wagtail's policy.
TIER_PERMISSIONS = {
    EDIT: (
        ("wagtailimages", "add_image"), ("wagtailimages", "change_image"), ("wagtailimages", "choose_image"),
        ("wagtaildocs", "add_document"), ("wagtaildocs", "change_document"), ("wagtaildocs", "choose_document"),
    ),
    CHOOSE: (("wagtailimages", "choose_image"), ("wagtaildocs", "choose_document")),
}
TIER_ROLES = {
    EDIT: {SiteRole.EDITOR, SiteRole.SITE_ADMIN},
    CHOOSE: {SiteRole.REVIEWER, SiteRole.CONFIDENTIALITY_REVIEWER},
}


def group_name(site_id: int, tier: str) -> str:
    return GROUP_NAMES[tier].format(site_id=site_id)


def _user_groups():
    return get_user_model().groups.through


def _permissions(tier: str) -> list[Permission]:
    condition = Q(pk__in=[])
    for app_label, codename in TIER_PERMISSIONS[tier]:
        condition |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(condition))


def _grant(group: Group, collection: Collection, tier: str) -> None:
    GroupCollectionPermission.objects.bulk_create(
        [GroupCollectionPermission(group=group, collection=collection, permission=p) for p in _permissions(tier)],
        ignore_conflicts=True,
    )


def site_group(site: Site, tier: str, *, create: bool = True) -> Group | None:
    """The site's group of ``tier``, made (with its collection permissions) when missing."""
    name = group_name(site.pk, tier)
    group = Group.objects.filter(name=name).first()
    if group is None and create:
        collection = ensure_site_collection(site)
        if collection is None:
            return None
        group, _created = Group.objects.get_or_create(name=name)
        _grant(group, collection, tier)
    return group


def grant_site_group_permissions(site_id: int, collection: Collection) -> None:
    """Give the site's existing groups their permissions on ``collection`` (a new collection)."""
    for tier in TIERS:
        group = Group.objects.filter(name=group_name(site_id, tier)).first()
        if group is not None:
            _grant(group, collection, tier)


def estate_readers_group(*, regrant: bool = False) -> Group:
    group, created = Group.objects.get_or_create(name=ESTATE_READERS_GROUP)
    if created or regrant:
        _grant(group, collection_root(), CHOOSE)
    return group


@transaction.atomic
def sync_member(user_id: int, site_id: int) -> None:
    """Put ``user_id`` in exactly the media groups of ``site_id`` its memberships there call for."""
    roles = set(SiteMembership.objects.filter(user_id=user_id, site_id=site_id).values_list("role", flat=True))
    through = _user_groups()
    existing = {g.name: g for g in Group.objects.filter(name__in=[group_name(site_id, t) for t in TIERS])}
    for tier in TIERS:
        group = existing.get(group_name(site_id, tier))
        if roles & TIER_ROLES[tier]:
            if group is None:
                site = Site.objects.filter(pk=site_id).first()
                group = site_group(site, tier) if site is not None else None
            if group is not None:
                through.objects.bulk_create([through(user_id=user_id, group_id=group.pk)], ignore_conflicts=True)
        elif group is not None:
            through.objects.filter(user_id=user_id, group_id=group.pk).delete()


def is_estate_supervisor(user_id: int) -> bool:
    """Same rule as ``registry.permissions.is_estate_supervisor``, from the database."""
    return RoleAssignment.objects.filter(
        user_id=user_id, role=Role.SUPERVISOR, institution__parent__isnull=True
    ).exists()


@transaction.atomic
def sync_estate_reader(user_id: int) -> None:
    through = _user_groups()
    if is_estate_supervisor(user_id):
        through.objects.get_or_create(user_id=user_id, group_id=estate_readers_group().pk)
    else:
        through.objects.filter(user_id=user_id, group__name=ESTATE_READERS_GROUP).delete()


def _set_members(group: Group, user_ids: set[int]) -> tuple[int, int]:
    through = _user_groups()
    current = set(through.objects.filter(group=group).values_list("user_id", flat=True))
    added = user_ids - current
    removed = current - user_ids
    through.objects.bulk_create([through(user_id=u, group_id=group.pk) for u in added], ignore_conflicts=True)
    if removed:
        through.objects.filter(group=group, user_id__in=removed).delete()
    return len(added), len(removed)


def _media_group_site_ids() -> set[int]:
    ids = set()
    for tier in TIERS:
        prefix, suffix = GROUP_NAMES[tier].split("{site_id}")
        for name in Group.objects.filter(name__startswith=prefix, name__endswith=suffix).values_list("name", flat=True):
            middle = name[len(prefix): len(name) - len(suffix)]
            if middle.isdigit():
                ids.add(int(middle))
    return ids


@transaction.atomic
def sync_all() -> dict[str, int]:
    """Repair everything: collections, group permissions and group members, from the memberships
    and role assignments (idempotent; for upgrades, imports and audits of the setup)."""
    collections = ensure_all_collections()
    added = removed = 0

    supervisors = set(
        RoleAssignment.objects.filter(role=Role.SUPERVISOR, institution__parent__isnull=True)
        .values_list("user_id", flat=True)
    )
    a, r = _set_members(estate_readers_group(regrant=True), supervisors)
    added, removed = added + a, removed + r

    wanted: dict[tuple[int, str], set[int]] = defaultdict(set)
    for site_id, user_id, role in SiteMembership.objects.values_list("site_id", "user_id", "role"):
        for tier in TIERS:
            if role in TIER_ROLES[tier]:
                wanted[(site_id, tier)].add(user_id)
    site_ids = {site_id for site_id, _tier in wanted} | _media_group_site_ids()
    for site in Site.objects.filter(pk__in=site_ids).order_by("pk"):
        for tier in TIERS:
            members = wanted.get((site.pk, tier), set())
            group = site_group(site, tier, create=bool(members))
            if group is None:
                continue
            collection = ensure_site_collection(site)
            if collection is not None:
                _grant(group, collection, tier)
            a, r = _set_members(group, members)
            added, removed = added + a, removed + r
    return {"collections": collections, "added": added, "removed": removed}
