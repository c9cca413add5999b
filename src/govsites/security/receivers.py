"""SEC-04 → SEC-06: every integrity incident the publisher records becomes (part of) a security
incident of the site. The publisher sends no signal of its own, so this listens to the row."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from govsites.audit.context import Actor
from govsites.publishing.models import IntegrityIncident

logger = logging.getLogger("govsites.security.records")


@receiver(post_save, sender=IntegrityIncident, dispatch_uid="security_incident_from_integrity")
def open_incident_from_integrity(sender, instance: IntegrityIncident, created: bool, raw: bool = False, **kwargs):
    if not created or raw:
        return
    from .actions import OpenIncidentFromIntegrity

    try:
        # A savepoint: a failure here must never undo the publisher's own record or its restore.
        with transaction.atomic():
            OpenIncidentFromIntegrity(Actor.system(), instance).execute()
    except Exception:  # the integrity watch keeps running; the alert log names the failure
        logger.exception("could not open a security incident for integrity incident %s", instance.pk)
