"""网页设计规范: a page should load within 3 seconds.

``slow_page`` (``url`` = the page, ``target`` = "") for every HTML page of the crawl whose fetch took
longer than ``monitoring.slow_page_seconds`` (3 s; exactly 3.0 s is not slow), measured by the
crawler from the request's start to the last byte of the body (``Fetch.elapsed``). Pages that gave
no answer are availability's business, not this check's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..types import Observation, Page
from ._site import setting


@dataclass(frozen=True)
class Thresholds:
    slow_page_seconds: float = 3.0


def thresholds() -> Thresholds:
    """From the profile key ``monitoring.slow_page_seconds``."""
    return Thresholds(float(setting("slow_page_seconds")))


def check_performance(pages: Sequence[Page], *, limits: Thresholds | None = None) -> list[Observation]:
    limits = limits or thresholds()
    found = []
    for page in pages:
        fetch = page.fetch
        if fetch.status is None or fetch.text is None or fetch.elapsed <= limits.slow_page_seconds:
            continue
        found.append(Observation(
            check="slow_page",
            url=page.url,
            target="",
            evidence=f"页面加载用时{fetch.elapsed:.1f}秒",
            detail={"seconds": round(fetch.elapsed, 2), "bytes": fetch.size, "limit": limits.slow_page_seconds},
        ))
    return found
