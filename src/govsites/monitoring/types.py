"""The values passed between the stages of a census: fetched pages in, observations out.

Kept free of Django so that the crawler and the checks run (and are tested) as plain asyncio and
plain functions; the census orchestration turns observations into stored findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Fetch:
    """One HTTP exchange as the crawler saw it (after redirects).

    ``error`` is a short machine key when no usable response came back (``timeout``,
    ``connect``, ``dns``, ``tls``, ``redirect_loop``, ``too_many_redirects``, ``too_large``,
    ``not_html``, ``decode``, ``slow_body``, ``protocol``, ``invalid_url``), with ``error_detail``
    in words; ``status`` is then ``None`` unless a status line arrived before the failure.
    ``redirects`` lists the URLs that answered with a redirect, in order (``url`` first).
    """

    url: str
    final_url: str = ""
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    content_type: str = ""
    encoding: str = ""
    text: str | None = None  # decoded HTML (None for non-HTML, HEAD requests, errors)
    size: int = 0  # bytes received (body)
    elapsed: float = 0.0  # seconds, request start to last body byte
    redirects: list[str] = field(default_factory=list)
    attempts: int = 1
    not_modified: bool = False  # 304 to a conditional request
    error: str = ""
    error_detail: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and self.status is not None and (200 <= self.status < 400 or self.not_modified)

    @property
    def broken(self) -> bool:
        """What the indicators call a dead link: no answer, or an HTTP error status."""
        return bool(self.error) or self.status is None or self.status >= 400


@dataclass(frozen=True)
class Link:
    """A reference found on a page. ``kind``: ``a``, ``img``, ``script``, ``iframe``, ``css``,
    ``frame``, ``embed``, ``form``, ``meta_refresh``; ``attachment`` is true for document links
    (pdf, doc, xls, zip …)."""

    url: str  # absolute, fragment removed
    kind: str = "a"
    text: str = ""  # anchor text, or alt/title
    attachment: bool = False


@dataclass
class Page:
    """A page of a site's crawl: its fetch, where it was found, and what it links to."""

    fetch: Fetch
    depth: int = 0
    referrer: str = ""
    links: list[Link] = field(default_factory=list)
    # the parsed page (govsites.monitoring.html.Document), built once: use html.document(page)
    doc: Any = field(default=None, repr=False, compare=False)

    @property
    def url(self) -> str:
        return self.fetch.final_url or self.fetch.url


@dataclass
class SiteFacts:
    """What the registry says about a site: the checks compare the served pages against it."""

    host: str
    home_url: str
    name: str = ""
    sponsor: str = ""
    identifier_code: str = ""  # 政府网站标识码
    icp_number: str = ""  # ICP备案号
    police_filing: str = ""  # 公安机关备案号
    contact: str = ""
    hosted: bool = False  # rendered by our publisher (tamper check against the manifest)
    site_id: int | None = None  # the registry's Site, when the host is in the registry
    allowed_domains: tuple[str, ...] = ()  # script/iframe/link targets that are not "outside"
    is_portal: bool = False  # 政府门户网站: must offer 我为政府网站找错 and an enquiry channel
    has_site_mark: bool = False  # holds a 党政机关网站标识, so every page must show it
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Observation:
    """One thing a check found wrong (or measured) on a site: the raw material of a finding.

    ``check`` is a key of :data:`govsites.monitoring.checks.catalogue.CHECKS`; ``url`` the page
    where it was seen; ``target`` the thing at fault (a link, a word, a column, a header name) —
    together with ``check`` and the site they identify the finding across censuses.
    """

    check: str
    url: str
    target: str = ""
    evidence: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.check, self.url, self.target)


@dataclass
class SiteOutcome:
    """What one site's check in a census produced (before it is stored).

    ``status``: ``checked``, ``unreachable`` (the home page did not open) or ``error`` (the check
    itself failed). ``families`` are the check families that ran to completion: an open finding
    of such a family that is not observed again counts as fixed, one of another family is left
    alone.
    """

    facts: SiteFacts
    status: str = "checked"
    error: str = ""
    pages: int = 0
    links: int = 0
    elapsed: float = 0.0
    families: tuple[str, ...] = ()
    observations: list[Observation] = field(default_factory=list)
