"""站点无法访问 (SUP-03): every running site's home page is probed at least 20 times a day; a probe
fails when the page has not loaded within 15 s; the site fails the veto when ≥ 5 % of a week's
probes failed. The numbers are the profile's (``monitoring.probes_per_day`` …).

``probe_sites`` is the scheduled job (``monitoring.probes``, every 24 h / probes_per_day); the census
reads the stored probes through :func:`unreachable_observations`.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from govsites import clock
from govsites.policy import profiles
from govsites.registry.models import Site, SiteStatus

from .crawler.fetch import Fetcher
from .models import Probe
from .types import Observation, SiteFacts


def _profile(key: str):
    return profiles.active().get(f"monitoring.{key}")


def probe_interval() -> dt.timedelta:
    return dt.timedelta(days=1) / int(_profile("probes_per_day"))


async def _probe_all(targets: list[tuple[int, str]], resolve) -> list[Probe]:
    timeout = float(_profile("probe_timeout_seconds"))
    # a probe is one attempt, not retried: the indicator counts each failed try
    async with Fetcher(resolve=resolve, timeout=timeout, retries=0, host_delay=0, host_failure_limit=0) as fetcher:
        fetches = await asyncio.gather(*(fetcher.get(url, conditional=False) for _pk, url in targets))
    now = clock.now()
    return [Probe(site_id=pk, at=now, ok=fetch.ok and fetch.elapsed <= timeout, status=fetch.status,
                  elapsed=round(fetch.elapsed, 3), error=fetch.error[:40]) for (pk, _url), fetch in zip(targets, fetches, strict=True)]


def probe_sites(sites: list[Site] | None = None, *, scheme: str = "https", resolve=None) -> list[Probe]:
    """Probe each running site's home page once and store the results."""
    if sites is None:
        sites = list(Site.objects.filter(status=SiteStatus.ONLINE).exclude(domain=""))
    targets = [(site.pk, f"{scheme}://{site.domain}/") for site in sites if site.domain]
    if not targets:
        return []
    return Probe.objects.bulk_create(asyncio.run(_probe_all(targets, resolve)))


def unreachable_observations(site: SiteFacts, now: dt.datetime) -> list[Observation] | None:
    """The veto over the window's probes; None when too few probes were made to judge (fewer
    than half the probes the window should have: the probe job was not running)."""
    days = int(_profile("unreachable_window_days"))
    probes = list(Probe.objects.filter(site_id=site.site_id, at__gt=now - dt.timedelta(days=days),
                                       at__lte=now).values_list("ok", flat=True))
    expected = int(_profile("probes_per_day")) * days
    if not probes or len(probes) < expected / 2:
        return None
    failed = probes.count(False)
    share = 100 * failed / len(probes)
    if share < float(_profile("unreachable_veto_percent")):
        return []
    return [Observation("site_unreachable", site.home_url, evidence=f"近{days}天探测{len(probes)}次，"
                        f"失败{failed}次（{share:.1f}%）", detail={"probes": len(probes), "failed": failed,
                                                                  "percent": round(share, 2)})]
