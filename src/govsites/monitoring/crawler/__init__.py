"""The census crawler: asyncio on aiohttp, pages parsed once with selectolax.

- :class:`Fetcher` (``fetch``): one HTTP client per run — politeness per host, global
  concurrency, timeouts, retries, conditional requests, redirects by hand, size caps, decoding,
  a curl-style ``--resolve`` override;
- :func:`crawl_site` (``site``): breadth-first crawl of one site's pages;
- :class:`LinkChecker` (``links``): one link-status cache per run for the whole estate;
- :func:`crawl_one` / :func:`crawl_estate` (``estate``): a site as an independent unit of work,
  and many sites at once.

Nothing here imports Django models; see ``docs/monitoring/crawler.md``.
"""

from .estate import SiteResult, crawl_estate, crawl_one, run_estate
from .fetch import Fetcher, parse_resolve
from .links import LinkChecker
from .site import crawl_site

__all__ = [
    "Fetcher",
    "LinkChecker",
    "SiteResult",
    "crawl_estate",
    "crawl_one",
    "crawl_site",
    "parse_resolve",
    "run_estate",
]
