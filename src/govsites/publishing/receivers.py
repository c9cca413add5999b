"""Queue re-rendering when content or the registry changes (data flows registry → content →
publishing; nothing upstream knows the publisher exists).

Every receiver writes :class:`~.models.PublishRequest` rows inside the transaction of the change,
so a committed change is always queued; with ``ENQUEUE_TASKS`` a worker task is also started
after the commit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
    published,
    unpublished,
)

from govsites import clock
from govsites.content.models import ColumnPage, InterpretationLink, Item, Placement, SiteHomePage
from govsites.content.signals import item_shown_changed
from govsites.registry.models import Announcement, Site
from govsites.registry.signals import announcement_created, site_changed, site_status_changed

from .models import PublishRequest

#: reason prefix of a request that re-renders an output provider's pages, not the whole site
DYNAMIC = "dynamic:"


def queue_items(item_ids, reason: str, extra_sites=(), column_id=None) -> None:
    """One request per item and per site showing it: its own site and every use (CON-01/04)."""
    item_ids = [i for i in item_ids if i]
    if not item_ids:
        return
    pairs = set(Placement.objects.filter(item_id__in=item_ids).values_list("site_id", "item_id"))
    pairs |= set(Item.objects.filter(pk__in=item_ids).values_list("owning_site_id", "pk"))
    pairs |= {(site_id, item_id) for site_id in extra_sites for item_id in item_ids}
    PublishRequest.objects.bulk_create([
        PublishRequest(site_id=site_id, item_id=item_id, reason=reason,
                       column_id=column_id if site_id in extra_sites else None)
        for site_id, item_id in sorted(pairs)
    ])
    start_worker_after_commit()


def queue_outputs(site_id: int, provider: str) -> None:
    """Re-render one output provider's pages of a site (see ``planning.output_providers``)."""
    PublishRequest.objects.create(site_id=site_id, item_id=None, reason=f"{DYNAMIC}{provider}"[:64])
    start_worker_after_commit()


def queue_site(site_id: int, reason: str) -> None:
    PublishRequest.objects.create(site_id=site_id, item_id=None, reason=reason)
    start_worker_after_commit()


def start_worker_after_commit() -> None:
    if settings.GOVSITES_PUBLISHING.get("ENQUEUE_TASKS"):
        from .tasks import publish_pending_task

        transaction.on_commit(lambda: publish_pending_task.enqueue())


@receiver(published, sender=Item)
def item_published(sender, instance, **kwargs):
    queue_items([instance.pk], "publish")


@receiver(unpublished, sender=Item)
def item_unpublished(sender, instance, **kwargs):
    queue_items([instance.pk], "unpublish")


@receiver(item_shown_changed, sender=Item)
def item_shown(sender, item_ids, reason, **kwargs):
    queue_items(item_ids, reason)


@receiver(post_save, sender=Placement)
def placement_saved(sender, instance, created, **kwargs):
    if Item.objects.filter(pk=instance.item_id, live=True).exists():
        queue_items([instance.item_id], "repost" if instance.is_repost else "place")


@receiver(post_delete, sender=Placement)
def placement_deleted(sender, instance, **kwargs):
    queue_items([instance.item_id], "unplace", extra_sites=[instance.site_id], column_id=instance.column_id)


@receiver(post_save, sender=InterpretationLink)
@receiver(post_delete, sender=InterpretationLink)
def link_changed(sender, instance, **kwargs):
    queue_items([instance.policy_id, instance.interpretation_id], "link")


def _column_site(page) -> int | None:
    home = SiteHomePage.objects.ancestor_of(page, inclusive=True).first()
    return home.registry_site_id if home is not None else None


@receiver(page_published)
@receiver(page_unpublished)
def column_changed(sender, instance, **kwargs):
    """A column renamed, added, moved or withdrawn changes every page's navigation."""
    if isinstance(instance, ColumnPage | SiteHomePage):
        site_id = _column_site(instance)
        if site_id:
            queue_site(site_id, "columns")


@receiver(post_save, sender=ColumnPage)
def column_added(sender, instance, created, **kwargs):
    """A column added by ``AddColumn`` or a new special topic is created live, without Wagtail's
    publish signal."""
    if created and instance.live:
        site_id = _column_site(instance)
        if site_id:
            queue_site(site_id, "columns")


@receiver(post_page_move)
@receiver(page_slug_changed)
def column_moved(sender, instance, **kwargs):
    if isinstance(instance, ColumnPage):
        site_id = _column_site(instance)
        if site_id:
            queue_site(site_id, "columns")


@receiver(site_changed, sender=Site)
def registry_site_changed(sender, site, changes, **kwargs):
    """The registry's identity facts are on every page (header, footer, meta tags)."""
    queue_site(site.pk, "identity")


@receiver(site_status_changed, sender=Site)
def registry_status_changed(sender, site, **kwargs):
    queue_site(site.pk, "status")


@receiver(announcement_created, sender=Announcement)
def registry_announcement(sender, announcement, **kwargs):
    """A notice due now goes out with the next release; a later one is queued when its time
    comes (``announcements.queue_due`` in the publisher loop)."""
    if announcement.publish_from <= clock.now():
        from .announcements import NAME

        queue_outputs(announcement.host_site_id, NAME)
