"""One Wagtail collection per hosted site, created idempotently.

Site collections are children of Wagtail's root collection, named after the site. The link row
(:class:`~govsites.media.models.SiteCollection`) is the identity; the name only follows the
registry (renamed when the site is). A collection made below a site collection (by a system
administrator) still belongs to that site.
"""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Collection

from govsites.registry.models import Site

from .models import SiteCollection


def collection_root() -> Collection:
    """Wagtail's root collection (recreated if a database flush removed the migration-made one)."""
    root = Collection.get_first_root_node()
    if root is None:
        root = Collection.add_root(name="Root")
    return root


def collection_name(site: Site) -> str:
    return str(site.name)[:255]


@transaction.atomic
def ensure_site_collection(site: Site) -> Collection | None:
    """The collection of a hosted site, created (with its groups' permissions) if missing.
    External (not hosted) sites keep nothing here and get ``None``."""
    if not site.hosted:
        return None
    link = SiteCollection.objects.select_related("collection").filter(site_id=site.pk).first()
    if link is not None:
        return link.collection
    # Serialise concurrent first calls for one site on its registry row.
    Site.objects.select_for_update().filter(pk=site.pk).exists()
    link = SiteCollection.objects.select_related("collection").filter(site_id=site.pk).first()
    if link is not None:
        return link.collection
    collection = collection_root().add_child(name=collection_name(site))
    SiteCollection.objects.create(site_id=site.pk, collection=collection)
    # A recreated collection gives the site's existing groups their permissions back.
    from .groups import grant_site_group_permissions

    grant_site_group_permissions(site.pk, collection)
    return collection


def rename_site_collection(site: Site) -> None:
    link = SiteCollection.objects.select_related("collection").filter(site_id=site.pk).first()
    if link is not None and link.collection.name != collection_name(site):
        link.collection.name = collection_name(site)
        link.collection.save(update_fields=["name"])


def site_collection_id(site_id: int) -> int | None:
    return SiteCollection.objects.filter(site_id=site_id).values_list("collection_id", flat=True).first()


def site_id_for_collection(collection_id: int | None) -> int | None:
    """The site owning ``collection_id``: its own link, or the nearest linked ancestor's."""
    if collection_id is None:
        return None
    path = Collection.objects.filter(pk=collection_id).values_list("path", flat=True).first()
    if not path:
        return None
    step = Collection.steplen
    prefixes = [path[:end] for end in range(step, len(path) + 1, step)]
    return (
        SiteCollection.objects.filter(collection__path__in=prefixes)
        .order_by("-collection__depth")
        .values_list("site_id", flat=True)
        .first()
    )


def ensure_all_collections() -> int:
    """Collections for every hosted site that has (or gets) a content tree — the same statuses
    as ``content.sites`` — after an import or an upgrade."""
    from govsites.content.sites import TREE_STATUSES

    linked = set(SiteCollection.objects.values_list("site_id", flat=True))
    count = 0
    for site in Site.objects.filter(hosted=True, status__in=TREE_STATUSES).exclude(pk__in=linked).order_by("pk"):
        count += ensure_site_collection(site) is not None
    return count
