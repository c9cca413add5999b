"""The monitor's periodic sweep (job ``monitoring.sweep``, command ``monitoring_sweep``): escalate
open findings past their deadline (once each: a violation is recorded, SUP-07) and give findings
their deadline once the year's working-day calendar is loaded."""

from __future__ import annotations

import logging

from govsites import clock
from govsites.audit.context import Actor

from .actions import EscalateFinding, fix_deadline
from .models import Finding, FindingStatus

logger = logging.getLogger(__name__)


def run() -> dict[str, int]:
    now = clock.now()
    dated = 0
    for finding in Finding.objects.filter(status=FindingStatus.OPEN, due_at__isnull=True):
        due = fix_deadline(finding.severity, finding.first_seen)
        if due is not None:
            Finding.objects.filter(pk=finding.pk).update(due_at=due)
            dated += 1
    escalated = 0
    late = Finding.objects.filter(status=FindingStatus.OPEN, due_at__lte=now, escalated_at__isnull=True)
    for finding in late.select_related("site"):
        EscalateFinding(Actor.system(), finding).execute()
        escalated += 1
    if escalated:
        logger.info("monitoring sweep: %d findings escalated", escalated)
    return {"dated": dated, "escalated": escalated}
