"""SEC-04: the integrity watch finds modified, added and removed files on a front target,
restores the published version in the same cycle and records the incident; and a publisher
killed mid-release leaves the previous release served, the next run completing it."""

import logging
import multiprocessing
import os
import signal

import pytest
from django.db import connections

from govsites.content.columns import ColumnType
from govsites.publishing import paths
from govsites.publishing.integrity import check_site
from govsites.publishing.models import (
    IncidentStatus,
    IntegrityIncident,
    ManifestEntry,
    PublishRequest,
    SiteRelease,
)
from govsites.publishing.pipeline import publish_site
from tests.publishing.conftest import fill


def served_dir(front, site):
    return front.path / paths.site_key(site)


@pytest.mark.rule("SEC-04")
def test_tampering_an_added_web_shell_and_a_deleted_page_are_detected_and_restored(estate, front, caplog):
    site = estate.stats_site
    items = fill(site, ColumnType.NEWS, 5)
    publish_site(site, full=True)
    root = served_dir(front, site)
    manifest = dict(ManifestEntry.objects.filter(site=site).values_list("path", "sha256"))
    page = ManifestEntry.objects.get(site=site, item_id=items[0].pk).path
    deleted = ManifestEntry.objects.get(site=site, item_id=items[1].pk).path
    original_home = (root / "index.html").read_bytes()

    (root / "index.html").write_bytes(original_home.replace(b"</body>", b'<a href="https://bet.example">x</a></body>'))
    (root / page).write_text("<h1>hacked</h1>", encoding="utf-8")
    (root / "zwdt" / "shell.php").write_text("<?php system($_GET['c']); ?>")
    (root / deleted).unlink()

    with caplog.at_level(logging.ERROR, logger="govsites.security.integrity"):
        [incident] = check_site(site)

    assert incident.status == IncidentStatus.RESTORED and incident.restored_at is not None
    assert set(incident.modified) == {"index.html", page}
    assert incident.added == ["zwdt/shell.php"]
    assert incident.removed == [deleted]
    assert incident.target == "local" and incident.release == 1
    assert front.snapshot(paths.site_key(site)) == manifest
    assert (root / "index.html").read_bytes() == original_home
    assert not (root / "zwdt" / "shell.php").exists()
    assert any("restored" in r.getMessage() and site.name in r.getMessage() for r in caplog.records)
    # the next cycle finds nothing
    assert check_site(site) == []
    assert IntegrityIncident.objects.filter(site=site).count() == 1


@pytest.mark.rule("SEC-04")
def test_an_unrestorable_target_is_still_recorded(estate, front, monkeypatch):
    site = estate.stats_site
    fill(site, ColumnType.NEWS, 2)
    publish_site(site, full=True)
    (served_dir(front, site) / "index.html").write_text("defaced")

    def broken(*args, **kwargs):
        raise OSError("磁盘只读")

    monkeypatch.setattr(type(front), "restore", broken)
    [incident] = check_site(site)
    assert incident.status == IncidentStatus.RESTORE_FAILED and "磁盘只读" in incident.error
    assert incident.modified == ["index.html"]


def _publish_and_die_midway(site_id, kill_after):
    """Child process: publish the queued changes and SIGKILL itself while copying files."""
    connections.close_all()
    import shutil

    from govsites.registry.models import Site

    real_copy = shutil.copyfile
    count = {"n": 0}

    def copy_then_die(*args, **kwargs):
        count["n"] += 1
        if count["n"] > kill_after:
            os.kill(os.getpid(), signal.SIGKILL)
        return real_copy(*args, **kwargs)

    shutil.copyfile = copy_then_die  # the child dies before anything else would use it
    publish_site(Site.objects.get(pk=site_id), full=True)


@pytest.mark.rule("SEC-04")
def test_a_publisher_killed_mid_release_leaves_the_previous_release_served(migration_rows, front, settings):
    from tests.factories import build_estate

    estate = build_estate()
    site = estate.stats_site
    fill(site, ColumnType.NEWS, 10)
    publish_site(site, full=True)
    before = front.snapshot(paths.site_key(site))
    fill(site, ColumnType.NOTICES, 30, prefix="公告")
    PublishRequest.objects.create(site=site, reason="rebuild")

    connections.close_all()
    child = multiprocessing.get_context("fork").Process(target=_publish_and_die_midway, args=(site.pk, 20))
    child.start()
    child.join(60)
    assert child.exitcode == -signal.SIGKILL

    assert front.served_release(paths.site_key(site)) == 1
    assert front.snapshot(paths.site_key(site)) == before  # the complete previous release
    assert SiteRelease.objects.get(site=site, number=2).status == "pending"

    result = publish_site(site)  # the queued request is still there: the next run completes
    assert result.release.status == "live" and result.release.number == 3
    served = front.snapshot(paths.site_key(site))
    assert served == dict(ManifestEntry.objects.filter(site=site).values_list("path", "sha256"))
    assert any(p.startswith("tzgg/") and p.endswith(".html") and "/20" in p for p in served)
    assert SiteRelease.objects.get(site=site, number=2).status == "failed"
    assert not PublishRequest.objects.filter(site=site).exists()
