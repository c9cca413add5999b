"""SEC-04: watch every front target against the manifest and restore what was changed.

Each cycle reads the served tree back from the target itself (never a cache), compares it with
the site's manifest, and on any difference — a modified page (defacement, injected dark link),
an added file (web shell), a removed file — restores the published bytes from the build store,
deletes what nobody published, records an :class:`~.models.IntegrityIncident` and raises an
alert. A target serving an older release than the last live one is repaired the same way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from govsites import clock
from govsites.registry.models import Site

from . import store
from .models import IncidentStatus, IntegrityIncident, ManifestEntry
from .paths import site_key
from .pipeline import last_live, site_lock
from .targets import configured_targets

logger = logging.getLogger("govsites.security.integrity")


@dataclass
class Difference:
    modified: list[str]
    added: list[str]
    removed: list[str]

    def __bool__(self) -> bool:
        return bool(self.modified or self.added or self.removed)


def compare(manifest: dict[str, str], served: dict[str, str]) -> Difference:
    return Difference(
        modified=sorted(p for p, sha in served.items() if p in manifest and manifest[p] != sha),
        added=sorted(p for p in served if p not in manifest),
        removed=sorted(p for p in manifest if p not in served),
    )


def check_site(site: Site, targets=None) -> list[IntegrityIncident]:
    """One watch cycle for one site on every target; returns the incidents it recorded."""
    incidents = []
    with site_lock(site.pk):
        release = last_live(site)
        if release is None:
            return incidents
        manifest = dict(ManifestEntry.objects.filter(site=site).values_list("path", "sha256"))
        key = site_key(site)
        for target in targets if targets is not None else configured_targets():
            served = target.snapshot(key)
            difference = compare(manifest, served)
            if not difference:
                continue
            incident = IntegrityIncident(
                site=site, target=target.name, release=release.number, status=IncidentStatus.RESTORED,
                modified=difference.modified, added=difference.added, removed=difference.removed,
            )
            try:
                writes = {p: store.object_path(manifest[p]) for p in difference.modified + difference.removed}
                target.restore(key, writes, difference.added)
                incident.restored_at = clock.now()
            except Exception as exc:  # the incident must be recorded even when the restore fails
                incident.status = IncidentStatus.RESTORE_FAILED
                incident.error = str(exc)[:2000]
            incident.save()
            alert(site, incident)
            incidents.append(incident)
    return incidents


def alert(site: Site, incident: IntegrityIncident) -> None:
    """The alert: an ERROR log record on ``govsites.security.integrity`` (route it to the
    operations channel in LOGGING) plus the incident row the admin lists."""
    logger.error(
        "front integrity: site %s (%s) on %s: %d modified, %d added, %d removed — %s",
        site.pk, site.name, incident.target, len(incident.modified), len(incident.added), len(incident.removed),
        "restored" if incident.status == IncidentStatus.RESTORED else f"RESTORE FAILED: {incident.error}",
    )


def check_all() -> list[IntegrityIncident]:
    incidents = []
    site_ids = ManifestEntry.objects.values_list("site_id", flat=True).distinct()
    for site in Site.objects.filter(pk__in=site_ids).order_by("pk"):
        incidents += check_site(site)
    return incidents
