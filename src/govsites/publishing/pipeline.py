"""Publishing one site: plan → render → compare with the manifest → store → apply to every
front target → record the release. The only code that changes a site's manifest.

Crash safety: the release row is written as *pending* before any target changes; targets switch
atomically; the manifest, the release's *live* status and the deletion of the requests it
published commit together afterwards. A publisher killed anywhere leaves the targets serving a
complete release, and the next run (the requests are still queued) publishes again from the last
live release — targets accept the same release number again.
"""

from __future__ import annotations

import fcntl
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from govsites import clock
from govsites.registry.models import Site

from . import store
from .loading import SiteData
from .models import ManifestEntry, PublishRequest, ReleaseStatus, SiteRelease
from .planning import Plan, Planner
from .receivers import DYNAMIC
from .targets import configured_targets
from .targets.base import BaseReleaseMissing

logger = logging.getLogger(__name__)

#: releases each target keeps per site (the served one and the ones before it)
KEEP_RELEASES = 3


@dataclass
class Result:
    site_id: int
    release: SiteRelease | None
    rendered: int
    written: int
    removed: int
    seconds: float


@contextmanager
def site_lock(site_id: int):
    """One publisher per site at a time (across processes on this host)."""
    lock_dir = store.build_dir() / "locks"
    lock_dir.mkdir(exist_ok=True)
    with open(lock_dir / f"site-{site_id}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def render_plan(plan: Plan) -> dict[str, tuple[str, int]]:
    """Render every output into the store: ``{path: (sha256, size)}``. Files an item page
    references are added to the plan while it renders, hence the loop until none is left."""
    done: dict[str, tuple[str, int]] = {}
    while len(done) < len(plan.outputs):
        for path, output in list(plan.outputs.items()):
            if path in done:
                continue
            if output.render is not None:
                data = output.render()
            else:
                with output.source.open("rb") as handle:
                    data = handle.read()
            done[path] = store.put(data)
    return done


def publish_site(site: Site, *, full: bool = False, reason: str = "", user=None) -> Result:
    """Publish the site's queued changes (or everything, ``full``)."""
    started = time.perf_counter()
    with site_lock(site.pk):
        requests = list(
            PublishRequest.objects.filter(site=site).order_by("id").values_list("id", "item_id", "reason", "column_id")
        )
        last_request = requests[-1][0] if requests else None
        dynamic = {r.removeprefix(DYNAMIC) for _id, item_id, r, _c in requests if item_id is None and r.startswith(DYNAMIC)}
        full = (
            full or not has_live_release(site)
            or any(item_id is None and not r.startswith(DYNAMIC) for _id, item_id, r, _c in requests)
        )
        if not full and not requests:
            return Result(site.pk, None, 0, 0, 0, time.perf_counter() - started)
        data = SiteData.load(site)
        if data is None:  # no tree (not hosted, refused, closed): nothing to publish
            PublishRequest.objects.filter(site=site, id__lte=last_request or 0).delete()
            return Result(site.pk, None, 0, 0, 0, time.perf_counter() - started)
        planner = Planner(data)
        plan = planner.full() if full else planner.for_items(
            {i for _id, i, _r, _c in requests if i}, {c for _id, _i, _r, c in requests if c}, dynamic
        )
        rendered = render_plan(plan)
        reason = reason or ("rebuild" if full else ",".join(sorted({r for _i, _it, r, _c in requests}))[:64])
        release = apply_plan(site, plan, rendered, reason=reason, user=user, last_request=last_request)
    written = release.written if release else 0
    removed = release.removed if release else 0
    return Result(site.pk, release, len(rendered), written, removed, time.perf_counter() - started)


def has_live_release(site: Site) -> bool:
    return SiteRelease.objects.filter(site=site, status=ReleaseStatus.LIVE).exists()


def apply_plan(site, plan: Plan, rendered, *, reason, user=None, last_request=None) -> SiteRelease | None:
    current = dict(
        ManifestEntry.objects.filter(site=site, **({} if plan.full else {"path__in": [*rendered, *plan.removes]}))
        .values_list("path", "sha256")
    )
    writes = {path: sha for path, (sha, _size) in rendered.items() if current.get(path) != sha}
    if plan.full:
        removes = set(current) - set(rendered)
    else:
        removes = {p for p in plan.removes if p in current and p not in rendered}
    base = last_live(site)
    if not writes and not removes and base is not None:
        PublishRequest.objects.filter(site=site, id__lte=last_request or 0).delete()
        return None
    SiteRelease.objects.filter(site=site, status=ReleaseStatus.PENDING).update(
        status=ReleaseStatus.FAILED, error="被后续发布取代（上次发布未完成）"
    )
    number = (SiteRelease.objects.filter(site=site).aggregate(n=Max("number"))["n"] or 0) + 1
    release = SiteRelease.objects.create(
        site=site, number=number, reason=reason, full=plan.full, rendered=len(rendered),
        written=len(writes), removed=len(removes), requested_by=user,
    )
    from .paths import site_key

    key = site_key(site)
    try:
        for target in configured_targets():
            push(target, key, base.number if base else None, number, writes, removes, site)
    except Exception as exc:
        SiteRelease.objects.filter(pk=release.pk).update(status=ReleaseStatus.FAILED, error=str(exc)[:2000])
        raise
    with transaction.atomic():
        record_manifest(site, plan, rendered, writes, removes, number)
        digest = store.digest_update(
            base.digest if base else "", {p: writes[p] for p in writes},
            {p: current[p] for p in (set(writes) | removes) if p in current},
        )
        release.status = ReleaseStatus.LIVE
        release.completed_at = clock.now()
        release.digest = digest
        release.file_count = ManifestEntry.objects.filter(site=site).count()
        release.changes = {"written": sorted(writes)[:5000], "removed": sorted(removes)[:5000]}
        release.save()
        if last_request is not None:
            PublishRequest.objects.filter(site=site, id__lte=last_request).delete()
    for target in configured_targets():
        try:  # keep a few releases for a quick rollback; never the served one
            target.prune(key, keep=KEEP_RELEASES)
        except Exception:  # a failed clean-up must not fail a published release
            logger.exception("pruning %s on %s failed", key, target.name)
    return release


def push(target, key, base, number, writes, removes, site) -> None:
    sources = {path: store.object_path(sha) for path, sha in writes.items()}
    try:
        target.apply(key, base, number, sources, removes)
    except BaseReleaseMissing:
        # a new or wiped target: send the whole site as it will be after this release
        manifest = dict(ManifestEntry.objects.filter(site=site).values_list("path", "sha256"))
        manifest.update(writes)
        for path in removes:
            manifest.pop(path, None)
        target.apply(key, None, number, {p: store.object_path(s) for p, s in manifest.items()}, ())


def last_live(site) -> SiteRelease | None:
    return SiteRelease.objects.filter(site=site, status=ReleaseStatus.LIVE).order_by("-number").first()


def record_manifest(site, plan: Plan, rendered, writes, removes, number) -> None:
    for chunk in chunked(list(removes)):
        ManifestEntry.objects.filter(site=site, path__in=chunk).delete()
    # item outputs whose bytes did not change may still have a new list position: keep it too
    touched = [p for p, o in plan.outputs.items() if p in writes or o.item_id is not None]
    existing = {}
    for chunk in chunked(touched):
        existing.update({
            path: (pk, sort_key, column_id) for path, pk, sort_key, column_id in
            ManifestEntry.objects.filter(site=site, path__in=chunk).values_list("path", "pk", "sort_key", "column_id")
        })
    new, changed = [], []
    for path in touched:
        output = plan.outputs[path]
        if path not in writes:
            row = existing.get(path)
            if row is None or (row[1], row[2]) == (output.sort_key, output.column_id):
                continue
            sha, size, release = None, None, None
        else:
            sha, size, release = writes[path], rendered[path][1], number
        entry = ManifestEntry(site=site, path=path, item_id=output.item_id, column_id=output.column_id,
                              sort_key=output.sort_key)
        if path in existing:
            entry.pk = existing[path][0]
            if sha is None:
                changed.append((entry, ["item_id", "column_id", "sort_key"]))
                continue
        entry.sha256, entry.size, entry.release = sha, size, release
        if path in existing:
            changed.append((entry, ["sha256", "size", "item_id", "column_id", "sort_key", "release"]))
        else:
            new.append(entry)
    ManifestEntry.objects.bulk_create(new, batch_size=2000)
    full_rows = [e for e, fields in changed if "sha256" in fields]
    key_rows = [e for e, fields in changed if "sha256" not in fields]
    ManifestEntry.objects.bulk_update(full_rows, ["sha256", "size", "item_id", "column_id", "sort_key", "release"],
                                      batch_size=1000)
    ManifestEntry.objects.bulk_update(key_rows, ["item_id", "column_id", "sort_key"], batch_size=1000)


def chunked(values: list, size: int = 2000):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def pending_sites() -> list[int]:
    return list(PublishRequest.objects.values_list("site_id", flat=True).distinct())


def publish_pending() -> list[Result]:
    """Publish every site with queued changes (what the worker task and ``--watch`` run)."""
    results = []
    for site in Site.objects.filter(pk__in=pending_sites()):
        try:
            results.append(publish_site(site))
        except Exception:  # one site's failure must not hold up the others; it stays queued
            logger.exception("publishing site %s failed", site.pk)
    return results
