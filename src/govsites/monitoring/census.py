"""A census, stage by stage: crawl every site (``crawler``), run the check families on each as it
finishes (``checks``), judge it (``scoring``), and bring its findings up to date (``actions``).

The crawl runs in an asyncio loop on a worker thread; each finished site is checked there (pure
functions, no database) and handed over a queue to the calling thread, which stores it through
:class:`~.actions.RecordSiteResult` — Django's ORM stays on one thread, and storing overlaps
crawling. A site's pages are dropped once it is checked, so memory stays bounded on a large estate.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from govsites import clock
from govsites.policy import profiles
from govsites.publishing.models import ManifestEntry

from . import availability
from .actions import FinishCensus, RecordSiteResult, StartCensus
from .checks import (
    accessibility,
    columns,
    dark_links,
    freshness,
    identity,
    interaction,
    links,
    performance,
    security_headers,
    service_guides,
    transport,
    wording,
)
from .checks.catalogue import FAMILIES
from .crawler.estate import SiteResult as Crawl
from .crawler.estate import crawl_estate
from .crawler.fetch import Fetcher
from .models import Census, CensusKind, SiteResultStatus
from .scoring import judge
from .types import Observation, SiteFacts, SiteOutcome

logger = logging.getLogger(__name__)


@dataclass
class Context:
    site: SiteFacts
    crawl: Crawl
    now: dt.datetime

    @property
    def pages(self):
        return self.crawl.pages


#: family → its page checks (pure; run on the crawl of one site)
PAGE_CHECKS: dict[str, Callable[[Context], list[Observation]]] = {
    "freshness": lambda c: freshness.check_freshness(c.site, c.pages, now=c.now),
    "empty_columns": lambda c: columns.check_empty_columns(c.site, c.pages, now=c.now),
    "broken_links": lambda c: links.check_links(c.site, c.pages, c.crawl.links),
    "interaction": lambda c: interaction.check_interaction(c.site, c.pages, now=c.now, statuses=c.crawl.links),
    "service_guides": lambda c: service_guides.check_service_guides(c.site, c.pages, now=c.now),
    "identity": lambda c: identity.check_identity(c.site, c.pages, now=c.now),
    "wording": lambda c: wording.check_wording(c.site, c.pages),
    "dark_links": lambda c: dark_links.check_dark_links(c.site, c.pages),
    "tampering": lambda c: check_tampering(c.site, c.pages),
    "accessibility": lambda c: accessibility.check_accessibility(c.site, c.pages),
    "security_headers": lambda c: security_headers.check_security_headers(c.site, c.pages),
    "performance": lambda c: performance.check_performance(c.pages),
}
#: families checked over the network besides the crawl (TLS, IPv6)
TRANSPORT_FAMILIES = ("https", "ipv6")


def check_tampering(site: SiteFacts, pages) -> list[Observation]:
    """SEC-04 for hosted sites: a served page whose bytes differ from what the publisher wrote
    (``site.extra["manifest"]``: path → sha256, loaded by the census from the publishing manifest)."""
    manifest = site.extra.get("manifest") or {}
    out = []
    for page in pages:
        text = page.fetch.text
        if text is None or not page.fetch.ok:
            continue
        path = urlsplit(page.url).path.lstrip("/") or "index.html"
        if path.endswith("/"):
            path += "index.html"
        expected = manifest.get(path)
        if expected is None:
            continue
        served = hashlib.sha256(text.encode(page.fetch.encoding or "utf-8", errors="replace")).hexdigest()
        if served != expected:
            out.append(Observation("tampered", page.url, target=path, evidence="页面内容与发布清单不一致",
                                   detail={"expected": expected, "served": served}))
    return out


def zombie(observations: list[Observation], now: dt.datetime, days: int) -> list[Observation]:
    """REG-14: a home page not updated for ``days`` is a zombie site, to integrate or shut down."""
    out = []
    for obs in observations:
        if obs.check != "home_not_updated":
            continue
        last = obs.detail.get("last_date")
        age = (clock.local(now).date() - dt.date.fromisoformat(last)).days if last else None
        if age is None or age >= days:
            out.append(Observation("zombie_site", obs.url, evidence=f"首页最近更新：{last or '无可见日期'}",
                                   detail={"last_date": last, "days": age}))
    return out


def check_site(crawl: Crawl, *, now: dt.datetime, families: Sequence[str], extra: list[Observation] = ()) -> SiteOutcome:
    """Run the page-check families on one crawled site (pure: no database, no network)."""
    site = crawl.site
    outcome = SiteOutcome(facts=site, pages=len(crawl.pages), links=len(crawl.links), elapsed=crawl.elapsed,
                          observations=list(extra))
    home = crawl.home
    if crawl.error and not crawl.pages:
        outcome.status, outcome.error = SiteResultStatus.ERROR, crawl.error
        return outcome
    if home is None or not home.fetch.ok:
        fetch = home.fetch if home else None
        reason = (fetch.error or f"HTTP {fetch.status}") if fetch else "未取得首页"
        outcome.status, outcome.error = SiteResultStatus.UNREACHABLE, f"首页无法打开：{reason}"
        # with a week of probes the veto is theirs (site_unreachable from availability); without
        # them (a site list, a new site) the census' own failed attempts are the evidence
        check = "home_unreachable" if "availability" in site.extra else "site_unreachable"
        outcome.observations.append(Observation(check, site.home_url, evidence=outcome.error, detail={
            "error": fetch.error if fetch else "", "status": fetch.status if fetch else None,
            "attempts": fetch.attempts if fetch else 0}))
        return outcome
    ran = []
    for family in families:
        check = PAGE_CHECKS.get(family)
        if check is None:
            continue
        try:
            outcome.observations.extend(check(Context(site, crawl, now)))
            ran.append(family)
        except Exception as exc:  # one family's bug must not lose the site's other results
            logger.exception("check family %s failed on %s", family, site.host)
            outcome.error = f"{family}: {type(exc).__name__}: {exc}"[:500]
    if "freshness" in ran:
        outcome.observations.extend(zombie(outcome.observations, now, int(profiles.active().get("monitoring.zombie_days"))))
    outcome.families = tuple(ran) + tuple(f for f in families if f in TRANSPORT_FAMILIES or f == "availability")
    return outcome


@dataclass
class CensusOptions:
    resolve: list[str] = field(default_factory=list)
    families: tuple[str, ...] = FAMILIES
    max_pages: int | None = None
    max_depth: int | None = None
    fetcher: dict = field(default_factory=dict)  # Fetcher keyword arguments (politeness, timeouts …)
    site_concurrency: int | None = None


def prepare(sites: Iterable[SiteFacts], families: Sequence[str], now: dt.datetime) -> None:
    """What the checks need from the database, read before the crawl (the crawl thread does not
    touch the ORM): the availability verdict over stored probes, the manifest of hosted sites."""
    for site in sites:
        if site.site_id is not None and "availability" in families:
            judged = availability.unreachable_observations(site, now)
            if judged is not None:
                site.extra["availability"] = judged
        if site.hosted and site.site_id is not None and "tampering" in families:
            site.extra.setdefault("manifest", dict(ManifestEntry.objects.filter(site_id=site.site_id)
                                                   .values_list("path", "sha256")))


def record(actor, census: Census, outcome: SiteOutcome):
    """Judge one site's outcome and store it with its findings. A site that could not be checked
    is judged only when a veto already applies (it did not answer: 站点无法访问); otherwise it has
    no verdict rather than a score over the families that never ran."""
    verdict = judge(outcome.observations)
    if outcome.status != SiteResultStatus.CHECKED and verdict.passed:
        verdict = None
    return RecordSiteResult(actor, census, outcome, verdict).execute()


def run_census(sites: Iterable[SiteFacts], actor, *, kind: str = CensusKind.ADHOC, note: str = "",
               options: CensusOptions | None = None, progress: Callable[[int, int, str], None] | None = None,
               census: Census | None = None) -> Census:
    """Crawl, check, judge and store every site in this process; returns the finished census.
    ``census``: one already started (the admin starts it in the request, so a second click sees it
    running). (:func:`govsites.monitoring.tasks.enqueue_census` runs the same per site on the task
    queue.)"""
    options = options or CensusOptions()
    sites = list(sites)
    if census is None:
        census = StartCensus(actor, kind=kind, note=note, planned=len(sites)).execute()
    else:
        census.stats = {**census.stats, "planned": len(sites)}
    started = time.monotonic()
    now = clock.now()
    families = tuple(f for f in options.families if f in FAMILIES)
    prepare(sites, families, now)
    handover: queue.Queue = queue.Queue(maxsize=64)
    stats: dict = {}
    failure: list[BaseException] = []

    def crawl_thread():
        try:
            stats.update(asyncio.run(_crawl(sites, now, families, options, handover)))
        except BaseException as exc:  # reported on the calling thread
            failure.append(exc)
        finally:
            handover.put(None)

    worker = threading.Thread(target=crawl_thread, name="census-crawl", daemon=True)
    worker.start()
    done = 0
    while (outcome := handover.get()) is not None:
        record(actor, census, outcome)
        done += 1
        if progress is not None:
            progress(done, len(sites), outcome.facts.host)
    worker.join()
    stats["seconds"] = round(time.monotonic() - started, 1)
    if failure:
        FinishCensus(actor, census, stats=stats, failed=f"{type(failure[0]).__name__}: {failure[0]}"[:500]).execute()
        raise failure[0]
    return FinishCensus(actor, census, stats=stats).execute()


def check_one(site: SiteFacts, options: CensusOptions, now: dt.datetime | None = None) -> SiteOutcome:
    """One site, crawled and checked in this thread (the unit of a census on the task queue)."""
    now = now or clock.now()
    families = tuple(f for f in options.families if f in FAMILIES)
    prepare([site], families, now)
    handover: queue.Queue = queue.Queue()
    asyncio.run(_crawl([site], now, families, options, handover))
    return handover.get_nowait()


async def _crawl(sites: list[SiteFacts], now, families, options: CensusOptions, handover: queue.Queue) -> dict:
    timeout = float(profiles.active().get("monitoring.probe_timeout_seconds"))
    fetcher = Fetcher(resolve=options.resolve or None, **{"timeout": timeout, **options.fetcher})
    loop = asyncio.get_running_loop()

    async def on_site(crawl: Crawl) -> None:
        extra = list(crawl.site.extra.get("availability", ()))
        if any(f in families for f in TRANSPORT_FAMILIES):
            extra += [o for o in await transport.check_transport(crawl.site, timeout=timeout, now=now,
                                                                  resolve=options.resolve or None)
                      if (o.check in ("https_missing", "certificate_invalid") and "https" in families)
                      or (o.check == "ipv6_unreachable" and "ipv6" in families)]
        outcome = await loop.run_in_executor(None, lambda: check_site(crawl, now=now, families=families, extra=extra))
        await loop.run_in_executor(None, handover.put, outcome)

    crawl_options = {k: v for k, v in (("max_pages", options.max_pages), ("max_depth", options.max_depth)) if v}
    async with fetcher:
        await crawl_estate(sites, fetcher=fetcher, on_site=on_site, keep_pages=False,
                           site_concurrency=options.site_concurrency, **crawl_options)
    return {"sites": len(sites), **{k: v for k, v in fetcher.stats.items()}}
