"""Crawl one site: breadth-first from the home page over its own HTML pages.

robots.txt is deliberately not read: this is the supervising office checking its own estate, and
the indicators judge every page a citizen can reach, including those a site hides from search
engines. Politeness comes from the fetcher (per-host slots and delay) instead, and obvious crawler
traps (calendar-style endless query strings, endlessly repeating path segments, absurdly long
URLs) are cut off.

A redirect stub — a page that only sends the browser on with a quick meta refresh or a literal
``location`` script (see :meth:`~govsites.monitoring.html.Document.client_redirect`) — is replaced
by the page it leads to on the same site, like an HTTP redirect: the home page is the page a
citizen lands on, not the stub. A stub sending the browser to another site stays as it is, for the
dark-link check to judge.

The crawl proceeds level by level (all pages at depth d before any at d+1, links taken in document
order), so which pages fall within ``max_pages`` does not depend on response timing: two censuses
of an unchanged site look at the same pages.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping
from urllib.parse import urlsplit

from .. import conf
from ..html import NON_PAGE_EXTENSIONS, Document, extension, normalize_url
from ..types import Page
from .fetch import Fetcher

logger = logging.getLogger(__name__)

#: link kinds that lead to another page of the site
FOLLOW_KINDS = frozenset({"a", "iframe", "frame", "meta_refresh"})
_MAX_URL_CHARS = 1024
#: meta-refresh and script redirect stubs followed in a row before the page is taken as it is
_MAX_CLIENT_REDIRECTS = 3
_MAX_SEGMENT_REPEATS = 3

PageHook = Callable[[Page], Awaitable[None] | None]


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""


def _bare(host: str) -> str:
    return host[4:] if host.startswith("www.") else host


class SameSite:
    """The default same-site rule: the start URL's host or one of the site's listed hosts, with or
    without a leading ``www.``, over http or https, on any port."""

    def __init__(self, start_url: str, hosts: Iterable[str] = ()):
        self.hosts = {_bare(host_of(start_url))} | {_bare(h.lower().rstrip(".")) for h in hosts if h}

    def add(self, url: str) -> None:
        self.hosts.add(_bare(host_of(url)))

    def __call__(self, url: str) -> bool:
        return _bare(host_of(url)) in self.hosts


class Traps:
    """Refuses URLs that look like crawler traps; counts what it refused."""

    def __init__(self, max_query_variants: int):
        self.max_query_variants = max_query_variants
        self._variants: Counter[str] = Counter()
        self.refused = 0

    def admit(self, url: str) -> bool:
        base, _, query = url.partition("?")
        if len(url) > _MAX_URL_CHARS or _repeats(base):
            self.refused += 1
            return False
        if query:
            if self._variants[base] >= self.max_query_variants:
                self.refused += 1
                return False
            self._variants[base] += 1
        return True


def _repeats(base: str) -> bool:
    segments = [s for s in base.split("/")[3:] if s]
    return len(segments) > _MAX_SEGMENT_REPEATS and any(
        count > _MAX_SEGMENT_REPEATS for count in Counter(segments).values()
    )


def _key(url: str) -> str:
    """What identifies a page for the crawl: the URL without its scheme (http and https of one
    page are fetched once)."""
    return url.partition("://")[2]


class SiteCrawl:
    """One site's crawl. :meth:`run` returns the pages; ``stopped`` tells why it ended early
    (``"max_pages"`` or ``"deadline"``; ``""`` when the site was exhausted within the limits)."""

    def __init__(
        self,
        fetcher: Fetcher,
        start_url: str,
        *,
        max_pages: int | None = None,
        max_depth: int | None = None,
        max_query_variants: int | None = None,
        deadline: float | None = None,
        hosts: Iterable[str] = (),
        same_site: Callable[[str], bool] | None = None,
        on_page: PageHook | None = None,
        keep_documents: bool = False,
        previous: Mapping[str, Page] | None = None,
        record: Callable[[Page], None] | None = None,
    ):
        self.fetcher = fetcher
        self.start_url = normalize_url(start_url) or start_url
        self.max_pages = int(conf.get("MAX_PAGES") if max_pages is None else max_pages)
        self.max_depth = int(conf.get("MAX_DEPTH") if max_depth is None else max_depth)
        self.deadline = float(conf.get("SITE_DEADLINE") if deadline is None else deadline)
        self.traps = Traps(
            int(conf.get("MAX_QUERY_VARIANTS") if max_query_variants is None else max_query_variants)
        )
        self._default_rule = SameSite(self.start_url, hosts) if same_site is None else None
        self.same_site = same_site or self._default_rule
        self.on_page = on_page
        self.keep_documents = keep_documents
        self.previous = previous or {}
        self.record = record
        self.pages: list[Page] = []
        self.stopped = ""
        self._seen: set[str] = set()
        #: event-loop time after which no new request starts (set by run)
        self.ends_at = 0.0
        self._out_of_time = False

    async def run(self) -> list[Page]:
        loop = asyncio.get_running_loop()
        self.ends_at = loop.time() + self.deadline
        level = [(self.start_url, "")]
        self._seen.add(_key(self.start_url))
        depth = 0
        while level:
            room = self.max_pages - len(self.pages)
            if room <= 0:
                self.stopped = "max_pages"
                break
            if loop.time() >= self.ends_at:
                self.stopped = "deadline"
                break
            if len(level) > room:
                level = level[:room]
                self.stopped = "max_pages"
            fetched = await self._fetch_level(level, depth)
            self.pages.extend(fetched)
            if self._out_of_time:
                self.stopped = "deadline"
                break
            if depth >= self.max_depth:
                break
            level = self._next_level(fetched, depth)
            depth += 1
        return self.pages

    def _next_level(self, pages: list[Page], depth: int) -> list[tuple[str, str]]:
        level = []
        for page in pages:
            for link in page.links:
                if link.kind not in FOLLOW_KINDS or link.attachment:
                    continue
                url = link.url
                key = _key(url)
                if key in self._seen or extension(url) in NON_PAGE_EXTENSIONS or not self.same_site(url):
                    continue
                if not self.traps.admit(url):
                    continue
                self._seen.add(key)
                level.append((url, page.url))
        return level

    async def _fetch_level(self, level: list[tuple[str, str]], depth: int) -> list[Page]:
        """Fetch one level's URLs → their pages in the level's order. Redirects to a page already
        seen or to another site are left out (their status is still recorded for link checks)."""
        results: list[Page | None] = [None] * len(level)
        cursor = iter(range(len(level)))
        loop = asyncio.get_running_loop()

        async def worker():
            for index in cursor:
                if loop.time() >= self.ends_at:
                    self._out_of_time = True
                    return
                url, referrer = level[index]
                results[index] = await self._page(url, referrer, depth)

        workers = min(len(level), max(2, self.fetcher.per_host_concurrency * 2))
        await asyncio.gather(*(worker() for _ in range(workers)))
        return [page for page in results if page is not None]

    async def _page(self, url: str, referrer: str, depth: int, hops: int = 0) -> Page | None:
        fetch = await self.fetcher.get(url)
        previous = self.previous.get(url) if fetch.not_modified else None
        if fetch.not_modified:
            if previous is not None and previous.fetch.text is not None:
                fetch.text, fetch.encoding = previous.fetch.text, previous.fetch.encoding
                fetch.content_type = fetch.content_type or previous.fetch.content_type
            else:  # nothing kept from last time: ask for the page itself
                fetch = await self.fetcher.get(url, conditional=False)
        page = Page(fetch=fetch, depth=depth, referrer=referrer)
        if self.record is not None:
            self.record(page)
        final = page.url
        if final != url:
            if _key(final) in self._seen:
                return None  # that page is, or will be, in the crawl under its own URL
            if depth > 0 and not self.same_site(final):
                return None  # another site's page: its checks would blame this site
            self._seen.add(_key(final))
            if depth == 0 and self._default_rule is not None and not self._default_rule(final):
                self._default_rule.add(final)  # the home page moved to another host: follow it there
        if fetch.text is not None:
            doc = page.doc = Document(fetch.text, final)
            target = doc.client_redirect() if hops < _MAX_CLIENT_REDIRECTS else None
            if target is not None and self.same_site(target) and _key(target) not in self._seen:
                # a redirect done in HTML: the page is where it leads, as with an HTTP redirect
                self._seen.add(_key(target))
                return await self._page(target, referrer, depth, hops + 1)
            page.links = doc.links()
            if self.on_page is not None:
                result = self.on_page(page)
                if inspect.isawaitable(result):
                    await result
            if not self.keep_documents:
                doc.release()
        return page


async def crawl_site(
    fetcher: Fetcher,
    start_url: str,
    *,
    max_pages: int | None = None,
    max_depth: int | None = None,
    max_query_variants: int | None = None,
    hosts: Iterable[str] = (),
    same_site: Callable[[str], bool] | None = None,
    on_page: PageHook | None = None,
    keep_documents: bool = False,
    previous: Mapping[str, Page] | None = None,
) -> list[Page]:
    """Crawl one site breadth-first from ``start_url`` → its pages, home page first.

    Follows ``a``/``iframe``/``frame``/meta-refresh links to same-site pages (``hosts`` lists the
    site's other host names; ``same_site`` replaces the rule altogether), not attachments or
    other non-page files. Limits default to :mod:`govsites.monitoring.conf`. Each HTML page is
    parsed once: ``page.links`` is filled, ``on_page(page)`` (sync or async) runs while the parse
    tree is alive (``html.document(page)`` returns it), then the tree is dropped unless
    ``keep_documents``. With a validator store on the fetcher, a 304 reuses the text of the
    same URL in ``previous`` (last census' pages by URL) or fetches the page again in full.
    """
    crawl = SiteCrawl(
        fetcher,
        start_url,
        max_pages=max_pages,
        max_depth=max_depth,
        max_query_variants=max_query_variants,
        hosts=hosts,
        same_site=same_site,
        on_page=on_page,
        keep_documents=keep_documents,
        previous=previous,
    )
    return await crawl.run()
