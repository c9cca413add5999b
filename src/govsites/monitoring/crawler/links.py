"""Link statuses for a whole census, each URL asked once.

Government sites link to the same portals, CDNs and attachments over and over; one
:class:`LinkChecker` per run holds the status of every URL it has seen, across all sites, and
concurrent requests for one URL share a single in-flight request. Pages the crawl fetched are
answered from the crawl's own fetches.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from collections.abc import Iterable

from .. import conf
from ..types import Fetch, Link, Page
from .fetch import Fetcher

#: link kinds whose targets are checked (form actions are not: they expect a POST)
CHECK_KINDS = frozenset({"a", "img", "script", "css", "iframe", "frame", "embed", "meta_refresh"})
#: crawl results that say nothing about whether a link works (a large or binary page still opens)
_NOT_A_LINK_STATUS = frozenset({"too_large", "not_html", "decode"})


def checkable(link: Link) -> bool:
    return link.kind in CHECK_KINDS


def link_targets(pages: Iterable[Page]) -> list[str]:
    """The distinct checkable link targets of the pages, in order of first appearance."""
    return list(dict.fromkeys(link.url for page in pages for link in page.links if link.kind in CHECK_KINDS))


class LinkChecker:
    """One status cache per run: ``await checker.check(url)`` → the :class:`Fetch` of that URL
    (HEAD, or a short GET when HEAD is refused), requested at most once per run. Cached fetches
    keep status, error, redirects and content type, not headers or text (memory: an estate has
    hundreds of thousands of link targets)."""

    def __init__(self, fetcher: Fetcher, *, workers: int | None = None):
        self.fetcher = fetcher
        self.workers = int(conf.get("LINK_WORKERS") if workers is None else workers)
        self._done: dict[str, Fetch] = {}
        self._pending: dict[str, asyncio.Future[Fetch]] = {}
        #: requested (network), cached (answered from the cache or the crawl), shared (joined an
        #: in-flight request)
        self.stats: Counter[str] = Counter()

    def __len__(self) -> int:
        return len(self._done)

    def get(self, url: str) -> Fetch | None:
        """The known status of ``url``, without asking the network."""
        return self._done.get(url)

    def record(self, fetch: Fetch) -> None:
        """Remember a crawl fetch as the status of its URL (without its text, to keep the cache
        small); fetches that do not tell whether the link works are not recorded."""
        if fetch.url in self._done or fetch.error in _NOT_A_LINK_STATUS:
            return
        slim = fetch.text is None and not fetch.headers
        self._done[fetch.url] = fetch if slim else dataclasses.replace(fetch, text=None, headers={})

    def record_page(self, page: Page) -> None:
        self.record(page.fetch)

    async def check(self, url: str) -> Fetch:
        known = self._done.get(url)
        if known is not None:
            self.stats["cached"] += 1
            return known
        pending = self._pending.get(url)
        if pending is not None:
            self.stats["shared"] += 1
            try:
                return await asyncio.shield(pending)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if pending.cancelled() and task is not None and not task.cancelling():
                    return await self.check(url)  # the asking task was cancelled, not this one: ask again
                raise
        future: asyncio.Future[Fetch] = asyncio.get_running_loop().create_future()
        self._pending[url] = future
        self.stats["requested"] += 1
        try:
            fetch = await self.fetcher.check(url)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # marked retrieved: waiters re-raise it, nobody logs "never retrieved"
            raise
        else:
            if fetch.headers:
                fetch = dataclasses.replace(fetch, headers={})  # a link's status needs no headers
            self._done[url] = fetch
            future.set_result(fetch)
            return fetch
        finally:
            del self._pending[url]

    async def check_many(self, urls: Iterable[str], *, until: float | None = None) -> dict[str, Fetch]:
        """The status of each URL (``workers`` at a time; hosts stay polite through the fetcher).
        No new request starts after ``until`` (event-loop time): URLs not reached by then are
        missing from the result."""
        todo = list(dict.fromkeys(urls))
        results: dict[str, Fetch] = {}
        cursor = iter(todo)
        loop = asyncio.get_running_loop()

        async def worker():
            for url in cursor:
                if until is not None and loop.time() >= until and url not in self._done:
                    continue
                results[url] = await self.check(url)

        await asyncio.gather(*(worker() for _ in range(min(self.workers, len(todo)))))
        return {url: results[url] for url in todo if url in results}

    async def check_pages(self, pages: Iterable[Page], *, until: float | None = None) -> dict[str, Fetch]:
        """The status of every checkable link target on the pages."""
        return await self.check_many(link_targets(pages), until=until)
