"""A counterfeit scan over the estate: candidates → DNS → pages → comparison → verdicts.

Candidates are the look-alikes of every estate site (:mod:`.permutations`) plus an optional list
of domains or URLs from elsewhere (certificate-transparency logs, a citizen's report). Names
that resolve are fetched with the caller's ``fetch`` (the crawler's, with its timeouts and size
limits) and compared with every estate site's home page; the closest site is the one imitated.

Verdicts (thresholds are parameters):

- ``counterfeit`` — the page carries an identity claim that only the estate site may make (its
  网站标识码, ICP or public-security filing number, its 党政机关 badge link); or its content score
  reaches ``counterfeit_threshold`` on a domain outside ``gov.cn``; or, outside ``gov.cn``, it
  presents itself under the site's name (title or 主办单位) *and* claims a government identity.
- ``suspicious`` — the content score reaches ``suspicious_threshold`` (or ``counterfeit_threshold``
  on another ``gov.cn`` domain, which may be a legitimate site built by the same vendor); or a
  page outside ``gov.cn`` claims a government identity or the site's name.
- ``unrelated`` — everything else, including names that resolve but serve nothing, and pages
  that redirect to an estate site (domains the government registered defensively).

Look-alikes that do not resolve are dropped; entries of the candidate list are always reported.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from govsites.monitoring.types import Fetch, SiteFacts

from . import permutations as perms
from .dns import DomainResolver, Resolution
from .similarity import Comparison, Reference, best_match, government_claims, profile_page

logger = logging.getLogger(__name__)

FetchFunction = Callable[[str], Awaitable[Fetch]]

VERDICTS = ("counterfeit", "suspicious", "unrelated")
DEFAULT_COUNTERFEIT_THRESHOLD = 0.8
DEFAULT_SUSPICIOUS_THRESHOLD = 0.5
LISTED = "list"  # the fuzzer of candidates that came from a candidate list
MAX_LISTED = 10_000
MAX_LIST_BYTES = 5 * 1024 * 1024


@dataclass
class Suspect:
    """A domain in use that may imitate an estate site: what ``RecordCounterfeitCase`` needs
    (domain, imitated site, evidence URL and notes) plus the numbers behind the verdict."""

    domain: str
    site: str  # host of the matched estate site; "" when no estate site is close
    fuzzer: str
    verdict: str
    score: float = 0.0
    addresses: tuple[str, ...] = ()
    url: str = ""  # the page that was judged (the evidence URL)
    title: str = ""
    evidence: list[str] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)

    def notes(self) -> str:
        return "\n".join(self.evidence)


@dataclass(frozen=True)
class Listed:
    """One usable line of a candidate list."""

    domain: str
    url: str = ""


def parse_candidate_lines(lines: Iterable[str], *, limit: int = MAX_LISTED) -> tuple[list[Listed], list[str]]:
    """One domain or http(s) URL a line; blank lines and ``#`` comments are skipped. Returns the
    usable entries and, for the others, a Chinese reason naming the line."""
    found: dict[str, Listed] = {}
    rejected: list[str] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        if len(found) >= limit:
            rejected.append(f"第{number}行起超出{limit}条的上限，未检测。")
            break
        url = ""
        if "://" in line:
            parts = urlsplit(line)
            if parts.scheme.lower() not in ("http", "https") or len(line) > 2000 or any(c.isspace() for c in line):
                rejected.append(f"第{number}行：只接受 http 或 https 网址。")
                continue
            host, url = parts.hostname or "", line
        else:
            host = line
        domain = perms.normalise_host(host)
        if not domain:
            rejected.append(f"第{number}行：不是有效的域名或网址。")
            continue
        found.setdefault(domain, Listed(domain=domain, url=url))
    return list(found.values()), rejected


def read_candidate_list(path: str | Path, *, limit: int = MAX_LISTED) -> tuple[list[Listed], list[str]]:
    """Read a candidate file (UTF-8; undecodable bytes replaced, at most 5 MB read)."""
    with open(path, "rb") as handle:
        data = handle.read(MAX_LIST_BYTES + 1)
    notes = ["文件超过5MB，只读取前5MB。"] if len(data) > MAX_LIST_BYTES else []
    listed, rejected = parse_candidate_lines(
        data[:MAX_LIST_BYTES].decode("utf-8", errors="replace").splitlines(), limit=limit
    )
    return listed, notes + rejected


def _is_gov_cn(host: str) -> bool:
    return host == "gov.cn" or host.endswith(".gov.cn")


def _host_of(url: str) -> str:
    return perms.normalise_host(urlsplit(url).hostname or "")


def judge(
    comparison: Comparison,
    domain: str,
    *,
    counterfeit_threshold: float = DEFAULT_COUNTERFEIT_THRESHOLD,
    suspicious_threshold: float = DEFAULT_SUSPICIOUS_THRESHOLD,
) -> str:
    """The verdict for a page on ``domain`` (rules in the module docstring)."""
    gov = _is_gov_cn(domain)
    if comparison.shared_claims:
        return "counterfeit"
    if comparison.score >= counterfeit_threshold:
        return "suspicious" if gov else "counterfeit"
    if not gov and comparison.names_site and comparison.government_claims:
        return "counterfeit"
    if comparison.score >= suspicious_threshold:
        return "suspicious"
    if not gov and (comparison.government_claims or comparison.names_site):
        return "suspicious"
    return "unrelated"


class _Scan:
    """One run's fetching: the caller's fetch under a shared concurrency limit and a timeout."""

    def __init__(self, fetch: FetchFunction, *, fetch_concurrency: int, fetch_timeout: float) -> None:
        self.fetch_function = fetch
        self.limit = asyncio.Semaphore(max(1, fetch_concurrency))
        self.timeout = fetch_timeout

    async def fetch(self, url: str) -> Fetch:
        """The caller's fetch, bounded: a hung or crashing fetch becomes an error, never a hung scan."""
        async with self.limit:
            try:
                return await asyncio.wait_for(self.fetch_function(url), self.timeout)
            except TimeoutError:
                return Fetch(url=url, error="timeout", error_detail=f"no answer within {self.timeout:g} s")
            except Exception as exc:  # a broken fetch must not end the scan
                logger.warning("counterfeit scan: fetch %s failed: %r", url, exc)
                return Fetch(url=url, error="protocol", error_detail=repr(exc)[:200])

    async def page(self, domain: str, listed_url: str) -> Fetch:
        if listed_url:
            return await self.fetch(listed_url)
        fetched = await self.fetch(f"http://{domain}/")
        if fetched.error:  # some impostors only listen on 443
            secure = await self.fetch(f"https://{domain}/")
            if not secure.error:
                return secure
        return fetched

    async def reference(self, site: SiteFacts, html: str | None) -> Reference:
        if html is None and site.home_url:
            fetched = await self.fetch(site.home_url)
            html = fetched.text if fetched.ok else None
            if html is None:
                logger.info("counterfeit scan: home page of %s unavailable (%s)", site.host, fetched.error)
        return Reference.build(site, html)


def _suspect(
    domain: str,
    fuzzer: str,
    resolution: Resolution,
    fetched: Fetch | None,
    references: Sequence[Reference],
    estate: set[str],
    origin: str,
    thresholds: dict[str, float],
) -> Suspect:
    suspect = Suspect(
        domain=domain, site=origin, fuzzer=fuzzer, verdict="unrelated", addresses=resolution.addresses,
        detail={"dns": {"a": resolution.a, "aaaa": resolution.aaaa, "mx": resolution.mx, "ns": resolution.ns,
                        "error": resolution.error}},
    )
    if fetched is None:
        if resolution.registered:
            suspect.evidence.append("域名已注册，但没有网站地址（A/AAAA记录）")
        elif resolution.error in ("", "nxdomain"):
            suspect.evidence.append("域名无法解析（不存在）")
        else:
            suspect.evidence.append(f"DNS查询失败（{resolution.error}），请稍后复查")
        return suspect
    suspect.url = fetched.final_url or fetched.url
    suspect.detail["fetch"] = {"status": fetched.status, "error": fetched.error, "final_url": suspect.url}
    landed = _host_of(suspect.url)
    if landed in estate:
        suspect.site = landed
        suspect.evidence.append(f"访问后跳转至本地区政府网站 {landed}（可能为防御性注册）")
        return suspect
    if not fetched.ok or not fetched.text:
        suspect.evidence.append(f"域名已解析，但网页无法访问或不是网页（{fetched.error or fetched.status}）")
        return suspect
    page = profile_page(fetched.text)
    suspect.title = page.title
    match = best_match(_origin_first(references, origin), page)
    if match is None:
        comparison = Comparison(government_claims=government_claims(page))
    else:
        reference, comparison = match
        # A page like no estate site keeps its origin: the site it was derived from, or none.
        if comparison.shared_claims or comparison.names_site or (
                comparison.score >= thresholds["suspicious_threshold"]):
            suspect.site = reference.site.host
    suspect.score = comparison.score
    suspect.verdict = judge(comparison, domain, **thresholds)
    suspect.evidence += comparison.evidence
    if not _is_gov_cn(domain) and not comparison.shared_claims:
        suspect.evidence += comparison.government_claims
    suspect.detail.update(
        text_similarity=comparison.text_similarity, title_similarity=comparison.title_similarity,
        shared_claims=comparison.shared_claims, government_claims=comparison.government_claims,
    )
    return suspect


def _origin_first(references: Sequence[Reference], origin: str) -> list[Reference]:
    """Ties go to the site the candidate was derived from."""
    return sorted(references, key=lambda r: r.site.host != origin)


async def scan(
    sites: Sequence[SiteFacts],
    fetch: FetchFunction,
    *,
    resolver: DomainResolver | None = None,
    candidates: Iterable[Listed] = (),
    home_pages: Mapping[str, str] | None = None,
    permute: bool = True,
    tlds: Sequence[str] = perms.DEFAULT_TLDS,
    fuzzers: Iterable[str] | None = None,
    limit_per_site: int = perms.DEFAULT_LIMIT,
    counterfeit_threshold: float = DEFAULT_COUNTERFEIT_THRESHOLD,
    suspicious_threshold: float = DEFAULT_SUSPICIOUS_THRESHOLD,
    fetch_concurrency: int = 8,
    fetch_timeout: float = 30.0,
) -> list[Suspect]:
    """Scan for counterfeits of ``sites``; most serious first.

    ``fetch``: ``async fetch(url) -> Fetch`` (the crawler's); ``resolver``: a
    :class:`DomainResolver` (default: system nameservers); ``candidates``: extra names from
    :func:`read_candidate_list`; ``home_pages``: host → HTML of the real home pages when the
    census already has them (otherwise they are fetched); ``permute=False`` checks only the
    candidate list. ``fetch_timeout`` bounds each fetch on top of the fetch's own timeouts.
    """
    resolver = resolver or DomainResolver()
    run = _Scan(fetch, fetch_concurrency=fetch_concurrency, fetch_timeout=fetch_timeout)
    estate = {h for s in sites for h in (perms.normalise_host(s.host), _host_of(s.home_url)) if h}
    estate |= {h.removeprefix("www.") for h in estate}

    wanted: dict[str, tuple[str, str, str]] = {}  # domain → (fuzzer, origin, listed url)
    if permute:
        for site in sites:
            for c in perms.permutations(site.host, site.name, tlds=tlds, fuzzers=fuzzers, limit=limit_per_site,
                                        exclude=estate):
                wanted.setdefault(c.domain, (c.fuzzer, c.origin, ""))
    listed = [entry for entry in candidates if entry.domain not in estate]
    for entry in listed:
        wanted[entry.domain] = (LISTED, "", entry.url)

    pages = home_pages or {}
    references_task = asyncio.gather(*(run.reference(s, pages.get(s.host)) for s in sites))
    resolutions = await resolver.resolve_many(wanted)
    bare = [d for d, r in resolutions.items() if r.registered and not r.addresses and not d.startswith("www.")]
    with_www = await resolver.resolve_many(f"www.{d}" for d in bare)
    for domain in bare:
        if with_www[f"www.{domain}"].addresses:
            resolutions[domain] = with_www[f"www.{domain}"]

    async def visit(domain: str) -> tuple[str, Fetch | None]:
        resolution = resolutions[domain]
        if not resolution.addresses:
            return domain, None
        return domain, await run.page(resolution.domain, wanted[domain][2])

    fetched = dict(await asyncio.gather(*(visit(d) for d, r in resolutions.items() if r.registered or
                                          wanted[d][0] == LISTED)))
    references = await references_task
    thresholds = {"counterfeit_threshold": counterfeit_threshold, "suspicious_threshold": suspicious_threshold}
    suspects = [
        _suspect(domain, wanted[domain][0], resolutions[domain], page, references, estate, wanted[domain][1],
                 thresholds)
        for domain, page in fetched.items()
    ]
    order = {v: i for i, v in enumerate(VERDICTS)}
    suspects.sort(key=lambda s: (order[s.verdict], -s.score, s.domain))
    return suspects
