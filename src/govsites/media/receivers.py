"""Media follows the registry and the content app (data flows one way: registry → content → media).

- a site's home page is created (``content.sites.ensure_site_tree``) → its collection exists;
- a site is renamed → its collection is too;
- a site membership or an estate-supervisor role changes → the user's media groups follow;
- an image or document is saved or deleted → the audit trail;
- a library item is published → the own-site documents its body links to become public.
"""

from __future__ import annotations

import re

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import published

from govsites.accounts.models import Role, RoleAssignment
from govsites.content.models import Item, SiteHomePage, SiteMembership
from govsites.registry.models import Site
from govsites.registry.signals import site_changed

from . import audit, groups
from .models import SiteDocument, SiteImage
from .site_collections import ensure_site_collection, rename_site_collection


@receiver(post_save, sender=SiteHomePage)
def collection_with_tree(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.registry_site_id:
        ensure_site_collection(instance.registry_site)


@receiver(site_changed, sender=Site)
def collection_name_on_change(sender, site, changes, **kwargs):
    if "name" in changes:
        rename_site_collection(site)


@receiver(post_save, sender=SiteMembership)
@receiver(post_delete, sender=SiteMembership)
def media_groups_on_membership(sender, instance, raw=False, **kwargs):
    if not raw:
        groups.sync_member(instance.user_id, instance.site_id)


@receiver(post_save, sender=RoleAssignment)
@receiver(post_delete, sender=RoleAssignment)
def estate_readers_on_role(sender, instance, raw=False, **kwargs):
    if not raw and instance.role == Role.SUPERVISOR:
        groups.sync_estate_reader(instance.user_id)


@receiver(post_save, sender=SiteImage)
@receiver(post_save, sender=SiteDocument)
def audit_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if not raw:
        audit.saved(instance, created, update_fields)


@receiver(post_delete, sender=SiteImage)
@receiver(post_delete, sender=SiteDocument)
def audit_deleted(sender, instance, **kwargs):
    audit.deleted(instance)


DOCUMENT_LINK = re.compile(r"""<a\b[^>]*\blinktype=["']document["'][^>]*>""", re.IGNORECASE)
LINK_ID = re.compile(r"""\bid=["'](\d+)["']""")


def linked_document_ids(html: str) -> set[int]:
    """Ids of Wagtail document links (``<a linktype="document" id="…">``) in stored rich text."""
    ids = set()
    for tag in DOCUMENT_LINK.findall(html or ""):
        match = LINK_ID.search(tag)
        if match:
            ids.add(int(match.group(1)))
    return ids


@receiver(published, sender=Item)
def publicize_linked_documents(sender, instance, **kwargs):
    """A published item's attachments must download for everyone. Only the item's own site's
    documents: a hand-made link to another site's id must not make that one public."""
    ids = linked_document_ids(instance.body)
    if not ids:
        return
    for document in SiteDocument.objects.filter(pk__in=ids, site_id=instance.owning_site_id, is_public=False):
        document.is_public = True
        document.save(update_fields=["is_public"])
