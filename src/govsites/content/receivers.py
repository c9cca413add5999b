"""Content follows the registry (data flows one way: registry → content), and publishing an
important policy gives the subordinate sites their repost duties (CON-03)."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import published

from govsites.registry.models import Site, SpecialTopic
from govsites.registry.signals import site_changed, site_status_changed

from . import reposting, sites
from .models import Item


@receiver(site_status_changed, sender=Site)
def site_tree_on_status(sender, site, **kwargs):
    sites.ensure_site_tree(site)


@receiver(site_changed, sender=Site)
def hostname_on_change(sender, site, changes, **kwargs):
    if "domain" in changes or "name" in changes:
        sites.sync_hostname(site)


@receiver(post_save, sender=SpecialTopic)
def special_topic_column(sender, instance, created, **kwargs):
    if created:
        from django.db import transaction

        transaction.on_commit(lambda: sites.ensure_special_topic_column(instance))


@receiver(published, sender=Item)
def repost_duties_on_publish(sender, instance, **kwargs):
    reposting.create_duties(instance)
