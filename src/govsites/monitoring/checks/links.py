"""链接可用性: broken links, counted apart for the home page and for the other pages.

Input: the site's crawl pages (their ``links``) and the link checker's statuses
(``dict[url, Fetch]``, one per distinct target in the census). A target is *dead* when

- it gave no answer (``status`` is None: DNS, connection, TLS, timeout, redirect loop …), or
- it answered with an HTTP status of 400 or more (the national checks name 404 and 403; every 4xx
  and 5xx counts) — except the statuses in ``monitoring.link_alive_statuses`` (empty by default).

An answer with a good status but a crawler complaint about the body (``too_large``, ``not_html``,
``decode``, ``slow_body``) is alive: the link works. Targets the link checker did not check (not
in ``statuses`` and not fetched by the crawl) are skipped, never guessed.

One observation per (page, target): ``broken_link_home`` for links on the home page,
``broken_link`` elsewhere; ``url`` = the page, ``target`` = the link target, ``evidence`` = the
anchor text or alt text, ``detail`` = ``status``, ``error``, ``kind`` (``a``, ``img``,
``attachment``, ``script``, ``css``, ``iframe`` …). Form actions are not links to check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..types import Fetch, Observation, Page, SiteFacts
from ._html import url_key
from ._site import setting

SKIPPED_KINDS = frozenset({"form"})


@dataclass(frozen=True)
class Thresholds:
    alive_statuses: frozenset[int] = frozenset()


def thresholds() -> Thresholds:
    """From the profile key ``monitoring.link_alive_statuses``."""
    return Thresholds(frozenset(int(s) for s in setting("link_alive_statuses")))


def is_dead(fetch: Fetch, limits: Thresholds | None = None) -> bool:
    """Whether a link whose check gave ``fetch`` is broken (see the module docstring)."""
    if fetch.status is None:
        return True
    if fetch.not_modified:
        return False
    alive = limits.alive_statuses if limits else frozenset()
    return fetch.status >= 400 and fetch.status not in alive


def check_links(
    site: SiteFacts, pages: Sequence[Page], statuses: Mapping[str, Fetch], *, limits: Thresholds | None = None
) -> list[Observation]:
    limits = limits or thresholds()
    crawled = {url_key(p.fetch.url): p.fetch for p in pages}
    home_keys = {url_key(site.home_url)} if site.home_url else set()
    home_keys |= {url_key(p.url) for p in pages if p.depth == 0}
    found: list[Observation] = []
    for page in pages:
        on_home = url_key(page.url) in home_keys
        seen: set[str] = set()
        for link in page.links:
            if link.kind in SKIPPED_KINDS or link.url in seen:
                continue
            seen.add(link.url)
            fetch = statuses.get(link.url) or crawled.get(url_key(link.url))
            if fetch is None or not is_dead(fetch, limits):
                continue
            found.append(
                Observation(
                    check="broken_link_home" if on_home else "broken_link",
                    url=page.url,
                    target=link.url,
                    evidence=link.text[:200],
                    detail={
                        "status": fetch.status,
                        "error": fetch.error,
                        "error_detail": fetch.error_detail,
                        "kind": "attachment" if link.attachment else link.kind,
                    },
                )
            )
    return found
