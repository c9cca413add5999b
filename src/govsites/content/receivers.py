"""Content follows the registry (data flows one way: registry → content)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from govsites.registry.models import Site, SpecialTopic
from govsites.registry.signals import site_changed, site_status_changed

from . import sites


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
