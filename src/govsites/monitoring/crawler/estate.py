"""Crawl a whole estate: many sites at once, each an independent task.

:func:`crawl_one` is the unit of work (crawl one site, then check its links) and never raises for
a site's problems, so a task queue can run it as "one task per site" with a fetcher and link
checker of its own; :func:`crawl_estate` runs all sites in one process over one shared fetcher
(global concurrency and per-host politeness) and one shared link-status cache.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import conf
from ..types import Fetch, Page, SiteFacts
from .fetch import Fetcher
from .links import LinkChecker, link_targets
from .site import PageHook, SiteCrawl

logger = logging.getLogger(__name__)


@dataclass
class SiteResult:
    """What the crawl of one site brought back.

    ``links`` maps every checkable link target on the pages to its status; ``stopped`` says why
    the crawl ended early (``max_pages``, ``deadline``; ``""`` when not); ``traps`` counts URLs
    refused as crawler traps; ``error`` is set when the site's task itself failed (a bug, not a
    network problem: those are on the fetches) — the other sites are unaffected.
    """

    site: SiteFacts
    pages: list[Page] = field(default_factory=list)
    links: dict[str, Fetch] = field(default_factory=dict)
    stopped: str = ""
    traps: int = 0
    error: str = ""
    elapsed: float = 0.0

    @property
    def home(self) -> Page | None:
        return self.pages[0] if self.pages else None


async def crawl_one(
    site: SiteFacts,
    fetcher: Fetcher,
    checker: LinkChecker | None = None,
    *,
    check_links: bool = True,
    on_page: PageHook | None = None,
    keep_documents: bool = False,
    previous: Mapping[str, Page] | None = None,
    max_pages: int | None = None,
    max_depth: int | None = None,
    max_query_variants: int | None = None,
    deadline: float | None = None,
) -> SiteResult:
    """Crawl ``site`` from its home URL (its other host names from ``site.extra["hosts"]``), then
    check the links on its pages through ``checker`` (a new one if not given), both within the
    site ``deadline``. Never raises except on cancellation."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    result = SiteResult(site=site)
    if checker is None and check_links:
        checker = LinkChecker(fetcher)
    try:
        crawl = SiteCrawl(
            fetcher,
            site.home_url,
            max_pages=max_pages,
            max_depth=max_depth,
            max_query_variants=max_query_variants,
            deadline=deadline,
            hosts=site.extra.get("hosts", ()),
            on_page=on_page,
            keep_documents=keep_documents,
            previous=previous,
            record=checker.record_page if checker is not None else None,
        )
        try:
            await crawl.run()
        finally:
            result.pages, result.stopped, result.traps = crawl.pages, crawl.stopped, crawl.traps.refused
        if check_links and checker is not None:
            targets = link_targets(result.pages)
            result.links = await checker.check_many(targets, until=crawl.ends_at)
            if len(result.links) < len(targets):
                result.stopped = result.stopped or "deadline"
    except Exception as exc:
        logger.exception("crawl of %s failed", site.host)
        result.error = f"{type(exc).__name__}: {exc}"[:500]
    result.elapsed = loop.time() - started
    return result


SiteHook = Callable[[SiteResult], Awaitable[None] | None]
Progress = Callable[[int, int, SiteResult], None]


async def crawl_estate(
    sites: Iterable[SiteFacts],
    *,
    fetcher: Fetcher | None = None,
    checker: LinkChecker | None = None,
    fetcher_options: Mapping[str, Any] | None = None,
    site_concurrency: int | None = None,
    on_site: SiteHook | None = None,
    keep_pages: bool = True,
    progress: Progress | None = None,
    **crawl_options: Any,
) -> dict[str, SiteResult]:
    """Crawl every site → ``{host: SiteResult}`` (in the order given).

    At most ``site_concurrency`` sites are in progress at once; requests share ``fetcher`` (made
    from ``fetcher_options`` and closed at the end when not given) and link statuses share
    ``checker``. ``on_site(result)`` (sync or async) runs as each site finishes — run the checks
    there and pass ``keep_pages=False`` to free each site's pages and parse trees afterwards, so
    memory stays bounded on a large estate. ``progress(done, total, result)`` is called after each site.
    ``crawl_options`` go to :func:`crawl_one` (``max_pages``, ``max_depth``, ``on_page`` …).
    """
    sites = list(sites)
    hosts = [site.host for site in sites]
    if len(set(hosts)) != len(hosts):
        duplicates = sorted({h for h in hosts if hosts.count(h) > 1})
        raise ValueError(f"站点列表中有重复的主机名：{'、'.join(duplicates)}")
    own_fetcher = fetcher is None
    if fetcher is None:
        fetcher = Fetcher(**(fetcher_options or {}))
    await fetcher.open()
    if checker is None:
        checker = LinkChecker(fetcher)
    limit = asyncio.Semaphore(
        int(conf.get("SITE_CONCURRENCY") if site_concurrency is None else site_concurrency)
    )
    results: dict[str, SiteResult] = {}
    done = 0

    async def one(site: SiteFacts) -> None:
        nonlocal done
        async with limit:
            result = await crawl_one(site, fetcher, checker, **crawl_options)
            if on_site is not None:
                try:
                    outcome = on_site(result)
                    if inspect.isawaitable(outcome):
                        await outcome
                except Exception as exc:
                    logger.exception("on_site for %s failed", site.host)
                    result.error = result.error or f"{type(exc).__name__}: {exc}"[:500]
            if not keep_pages:
                for page in result.pages:
                    if page.doc is not None:
                        page.doc.release()  # the checks' parse trees now, not at the next gc
                result.pages = []
        results[site.host] = result
        done += 1
        if progress is not None:
            try:
                progress(done, len(sites), result)
            except Exception:
                logger.exception("progress callback failed")

    try:
        await asyncio.gather(*(one(site) for site in sites))
    finally:
        if own_fetcher:
            await fetcher.close()
    return {host: results[host] for host in hosts}


def run_estate(sites: Iterable[SiteFacts], **options: Any) -> dict[str, SiteResult]:
    """:func:`crawl_estate` from synchronous code (a management command, a task-queue worker)."""
    return asyncio.run(crawl_estate(sites, **options))
