"""The monitor's knobs: crawler politeness, limits and timeouts.

Pure constants and a settings accessor (no model imports), so that the crawler runs and is tested
without Django. A deployment overrides any key in ``settings.GOVSITES_MONITORING``; code that
needs a different value for one run passes it as a keyword argument instead.

Thresholds fixed by the national indicators (the 15 s probe timeout, 3 s load time, …) belong to
the policy profile section ``[monitoring]``; ``TIMEOUT`` here is only the crawler's default and
equals the indicator's 15 s, so the census should pass the profile's value when it has one.
"""

from __future__ import annotations

import os
from typing import Any

DEFAULTS: dict[str, Any] = {
    # requests in flight to one host at a time (government servers are often small)
    "PER_HOST_CONCURRENCY": 2,
    # seconds between the starts of two requests to one host
    "HOST_DELAY": 0.5,
    # requests in flight across all hosts (the HTTP connection pool's size)
    "CONCURRENCY": 64,
    # sites crawled at the same time by crawl_estate (each is mostly waiting on HOST_DELAY, so
    # this, not CONCURRENCY, bounds a census' speed; memory grows with it: a site's pages are
    # held until the site is done)
    "SITE_CONCURRENCY": 256,
    # seconds for one response, headers and body: the indicator's 15 s (a page not loaded in 15 s
    # failed); the census passes the profile's monitoring.probe_timeout_seconds
    "TIMEOUT": 15.0,
    # seconds to open a TCP (and TLS) connection
    "CONNECT_TIMEOUT": 10.0,
    # body bytes read from one page; the rest is dropped and the fetch marked too_large
    "MAX_PAGE_BYTES": 5 * 1024 * 1024,
    # body bytes read by a link check when HEAD is refused and GET is used instead
    "LINK_CHECK_BYTES": 8 * 1024,
    # pages fetched per site, and link depth from the home page (home = 0)
    "MAX_PAGES": 500,
    "MAX_DEPTH": 5,
    # distinct query strings followed per path (calendar-style traps)
    "MAX_QUERY_VARIANTS": 20,
    # wall-clock seconds for one site's crawl and link check; afterwards no new request is started
    "SITE_DEADLINE": 1800.0,
    # extra attempts for transient failures, waiting RETRY_BACKOFF * 2**n seconds before each
    "RETRIES": 2,
    "RETRY_BACKOFF": 1.0,
    # redirects followed before a fetch fails with too_many_redirects
    "MAX_REDIRECTS": 10,
    # consecutive unreachable answers (timeout, connect, dns, tls, slow body) after which further
    # requests to that host fail at once for the rest of the run; 0 disables
    "HOST_FAILURE_LIMIT": 5,
    # certificate problems are the https check's finding, not a reason to skip a site's pages
    "VERIFY_TLS": False,
    # link targets checked at once per site (each still waits for its host's politeness)
    "LINK_WORKERS": 16,
    "USER_AGENT": "govsites-monitor/1 (+contact)",
}


def get(name: str) -> Any:
    """``settings.GOVSITES_MONITORING[name]`` when Django is configured, else the default above."""
    from django.conf import ENVIRONMENT_VARIABLE, settings

    default = DEFAULTS[name]
    if not settings.configured and not os.environ.get(ENVIRONMENT_VARIABLE):
        return default
    return (getattr(settings, "GOVSITES_MONITORING", None) or {}).get(name, default)
