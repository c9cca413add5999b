"""The interaction platform follows the registry: a hosted site that goes online gets its
standard interaction columns (INT-01), set up by the platform itself."""

import logging

from django.dispatch import receiver

from govsites.audit.context import Actor
from govsites.registry.models import Site, SiteStatus
from govsites.registry.signals import site_status_changed

logger = logging.getLogger(__name__)


@receiver(site_status_changed, sender=Site)
def channels_when_online(sender, site, new_status, **kwargs):
    """Sent after the registry's transaction commits; creating the columns is its own action
    (idempotent: a site back from a temporary offline keeps its columns as they were edited).
    A failure here must not turn the committed status change into an error page: it is logged,
    and the columns can be set up from the admin (互动栏目设置)."""
    if new_status != SiteStatus.ONLINE or not site.hosted:
        return
    from .actions.channels import SetUpChannels

    try:
        SetUpChannels(Actor.system(), site).execute()
    except Exception:
        logger.exception("setting up the interaction columns of site %s failed", site.pk)
