"""安全防护: response headers that protect visitors, judged once per site on its home page.

``security_header_missing`` (``url`` = the home page, ``target`` = the header's name) for each
header of ``monitoring.security_headers.required`` that the home page's response lacks or sends
with a useless value:

- ``Content-Security-Policy`` — a non-empty policy (a ``<meta http-equiv>`` policy counts; the
  ``-Report-Only`` header does not, it protects nothing);
- ``X-Content-Type-Options`` — ``nosniff``;
- ``X-Frame-Options`` — ``DENY`` or ``SAMEORIGIN``, or a header CSP with ``frame-ancestors``
  (clickjacking protection either way; ``frame-ancestors`` in a meta policy is ignored by browsers);
- ``Strict-Transport-Security`` — ``max-age`` > 0, required only when the page came over HTTPS;
- ``Referrer-Policy`` — any value, or a ``<meta name="referrer">``.

When the home page could not be fetched, the first HTML page of the crawl stands in; with none,
nothing is judged (availability reports the site).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..types import Observation, Page, SiteFacts
from ._html import Html
from ._site import SiteView, setting


@dataclass(frozen=True)
class Thresholds:
    required: tuple[str, ...]


def thresholds() -> Thresholds:
    """From the profile key ``monitoring.security_headers.required``."""
    return Thresholds(tuple(setting("security_headers")["required"]))


def _has_csp(headers: dict[str, str], html: Html, https: bool) -> bool:
    return bool(headers.get("content-security-policy", "").strip() or html.http_equiv.get("content-security-policy", "").strip())


def _has_nosniff(headers: dict[str, str], html: Html, https: bool) -> bool:
    return headers.get("x-content-type-options", "").strip().lower() == "nosniff"


def _has_frame_protection(headers: dict[str, str], html: Html, https: bool) -> bool:
    frame_options = headers.get("x-frame-options", "").strip().upper()
    return frame_options in ("DENY", "SAMEORIGIN") or "frame-ancestors" in headers.get("content-security-policy", "").lower()


def _has_hsts(headers: dict[str, str], html: Html, https: bool) -> bool:
    if not https:
        return True
    match = re.search(r"max-age\s*=\s*\"?(\d+)", headers.get("strict-transport-security", ""), re.IGNORECASE)
    return bool(match and int(match.group(1)) > 0)


def _has_referrer_policy(headers: dict[str, str], html: Html, https: bool) -> bool:
    return bool(headers.get("referrer-policy", "").strip() or html.meta.get("referrer", "").strip())


_JUDGES: dict[str, Callable[[dict[str, str], Html, bool], bool]] = {
    "content-security-policy": _has_csp,
    "x-content-type-options": _has_nosniff,
    "x-frame-options": _has_frame_protection,
    "strict-transport-security": _has_hsts,
    "referrer-policy": _has_referrer_policy,
}


def check_security_headers(
    site: SiteFacts, pages: Sequence[Page], *, limits: Thresholds | None = None
) -> list[Observation]:
    limits = limits or thresholds()
    view = SiteView(site, pages)
    doc = view.home or (view.docs[0] if view.docs else None)
    if doc is None:
        return []
    fetch = doc.page.fetch
    headers = {name.lower(): value for name, value in fetch.headers.items()}
    https = (fetch.final_url or fetch.url).lower().startswith("https://")
    found = []
    for name in limits.required:
        judge = _JUDGES.get(name.lower())
        if judge is None:
            raise ValueError(f"monitoring.security_headers.required: no check for {name!r}")
        if not judge(headers, doc.html, https):
            shown = headers.get(name.lower(), "")
            found.append(Observation(
                check="security_header_missing",
                url=doc.url,
                target=name,
                evidence=f"{name}: {shown}" if shown else f"缺少响应头 {name}",
                detail={"value": shown or None, "https": https},
            ))
    return found
