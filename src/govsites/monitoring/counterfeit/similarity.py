"""How much a candidate page looks like (or claims to be) an estate site.

Three kinds of evidence, from strongest to weakest:

- **shared identity claims** — the real site's 网站标识码, ICP number, public-security filing
  number or 党政机关网站标识 badge link (the conac.cn badge URL carries the site's own id) on a page
  of another domain: a copied page, or a page passing itself off as the site;
- **content similarity** — title similarity (difflib ratio) and the Jaccard similarity of the
  visible text's character shingles, estimated from bottom-k MinHash signatures so that a
  reference profile per estate site is small enough to keep and to compare against every
  candidate;
- **government claims** — any page on a non-``gov.cn`` domain that presents itself as a government
  site (an identifier code in the footer, the 党政机关 badge, a government 主办单位, 人民政府 in the
  title), whichever estate site it imitates.

Evidence strings are Chinese: they go into the counterfeit case shown to supervisors.
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from govsites.monitoring.types import SiteFacts

SHINGLE_SIZE = 4  # characters: Chinese text has no word breaks, 4-grams are specific enough
SIGNATURE_SIZE = 128
MAX_TEXT = 200_000  # characters of visible text considered (bounds the cost of huge pages)

_PROVINCE = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_ID_CODE = re.compile(r"标识码\s*[：:]?\s*(bm\d{8}|\d{10})(?!\d)", re.IGNORECASE)
_ICP = re.compile(rf"([{_PROVINCE}])\s*ICP\s*([备证])\s*(\d{{5,12}})", re.IGNORECASE)
_POLICE = re.compile(rf"([{_PROVINCE}])\s*公网安备\s*(\d{{10,20}})")
_SPONSOR = re.compile(r"主\s*办(?:\s*单\s*位)?\s*[：:]\s*([\u4e00-\u9fff（）()]{2,40})")
_GOVERNMENT_BODY = re.compile(r"(人民政府|政府|办公厅|办公室|委员会|局|厅|部|署|委)$")
_BADGE_WORDS = ("党政机关", "政府网站标识")
_NOISE = re.compile(r"[\s\u3000]+")


def icp_numbers(text: str) -> set[str]:
    """``晋ICP备 05004347号-1`` → ``晋ICP备05004347`` (the suffix ``-1`` numbers the sites of one
    filing and varies)."""
    return {f"{m.group(1)}ICP{m.group(2)}{m.group(3)}" for m in _ICP.finditer(text)}


def police_filings(text: str) -> set[str]:
    return {f"{m.group(1)}公网安备{m.group(2)}" for m in _POLICE.finditer(text)}


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[str]:
    compact = _NOISE.sub("", text.lower())[:MAX_TEXT]
    if len(compact) <= size:
        return {compact} if compact else set()
    return {compact[i:i + size] for i in range(len(compact) - size + 1)}


def _hash(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest(), "big")


def signature(text: str, size: int = SIGNATURE_SIZE) -> tuple[int, ...]:
    """Bottom-k MinHash: the ``size`` smallest shingle hashes (stable across processes)."""
    return tuple(sorted(heapq.nsmallest(size, {_hash(s) for s in shingles(text)})))


def estimate_jaccard(a: tuple[int, ...], b: tuple[int, ...], size: int = SIGNATURE_SIZE) -> float:
    """Jaccard similarity of the two shingle sets estimated from their bottom-k signatures
    (exact when both texts have fewer than ``size`` shingles)."""
    if not a or not b:
        return 0.0
    union = heapq.nsmallest(size, set(a) | set(b))
    both = set(a) & set(b)
    return sum(1 for h in union if h in both) / len(union)


def _title_ratio(a: str, b: str) -> float:
    a, b = _NOISE.sub("", a), _NOISE.sub("", b)
    return SequenceMatcher(None, a, b).ratio() if a and b else 0.0


def _badge_key(url: str) -> str:
    parts = urlsplit(url if "//" in url else "//" + url)
    return f"{(parts.hostname or '').lower()}{parts.path}" + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True)
class PageProfile:
    """What matters of a page for counterfeit detection (neither HTML nor text is kept)."""

    title: str = ""
    signature: tuple[int, ...] = ()
    identifier_codes: frozenset[str] = frozenset()
    icp_numbers: frozenset[str] = frozenset()
    police_filings: frozenset[str] = frozenset()
    sponsors: frozenset[str] = frozenset()
    badges: frozenset[str] = frozenset()  # conac.cn badge URLs, scheme-less
    has_badge: bool = False


def profile_page(html: str) -> PageProfile:
    """Parse a page once into the facts the comparisons need. Malformed HTML is parsed as
    browsers would; an empty or missing body gives an empty profile, never an error."""
    tree = LexborHTMLParser(html or "")
    title_node = tree.css_first("title")
    title = _NOISE.sub(" ", title_node.text()).strip() if title_node else ""
    codes = {
        (node.attributes.get("content") or "").strip().lower()
        for node in tree.css("meta")
        if (node.attributes.get("name") or "").lower() == "siteidcode"
    }
    badges: set[str] = set()
    has_badge = tree.css_first("#_ideConac") is not None
    for node in tree.css("script[src], img[src], a[href], iframe[src]"):
        url = node.attributes.get("src") or node.attributes.get("href") or ""
        host = urlsplit(url if "//" in url else "").hostname or ""
        if host == "conac.cn" or host.endswith(".conac.cn"):
            badges.add(_badge_key(url))
        if node.tag == "img" and any(w in (node.attributes.get(a) or "") for a in ("alt", "title") for w in _BADGE_WORDS):
            has_badge = True
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    body = tree.body
    text = _NOISE.sub(" ", body.text(separator=" ") if body else "").strip()[:MAX_TEXT]
    codes |= {m.group(1).lower() for m in _ID_CODE.finditer(text)}
    return PageProfile(
        title=title,
        signature=signature(text),
        identifier_codes=frozenset(c for c in codes if c),
        icp_numbers=frozenset(icp_numbers(text)),
        police_filings=frozenset(police_filings(text)),
        sponsors=frozenset(m.group(1) for m in _SPONSOR.finditer(text)),
        badges=frozenset(badges),
        has_badge=has_badge or bool(badges),
    )


def government_claims(page: PageProfile) -> list[str]:
    """Why a page presents itself as a government site (evidence lines; empty if it does not)."""
    claims = []
    if page.identifier_codes:
        claims.append("页面含政府网站标识码：" + "、".join(sorted(page.identifier_codes)))
    if page.has_badge:
        claims.append("页面含党政机关网站标识")
    for sponsor in sorted(page.sponsors):
        if _GOVERNMENT_BODY.search(sponsor):
            claims.append(f"页面主办单位为政府机构“{sponsor}”")
    if "人民政府" in page.title:
        claims.append(f"页面标题含“人民政府”：{page.title}")
    return claims


@dataclass(frozen=True)
class Reference:
    """An estate site as the comparisons see it: the registry's facts plus its real home page."""

    site: SiteFacts
    page: PageProfile = field(default_factory=PageProfile)

    @classmethod
    def build(cls, site: SiteFacts, home_html: str | None = None) -> Reference:
        return cls(site=site, page=profile_page(home_html) if home_html else PageProfile())

    @property
    def title(self) -> str:
        return self.page.title or self.site.name

    def claims(self) -> dict[str, set[str]]:
        """The identity claims that only this site may make, from the registry and its page."""
        site = self.site
        return {
            "identifier_code": {c.lower() for c in (site.identifier_code.strip(),) if c} | set(self.page.identifier_codes),
            "icp": icp_numbers(site.icp_number) | set(self.page.icp_numbers),
            "police": police_filings(site.police_filing) | set(self.page.police_filings),
            "badge": set(self.page.badges),
        }


_CLAIM_LABELS = {
    "identifier_code": "政府网站标识码",
    "icp": "ICP备案号",
    "police": "公安机关备案号",
    "badge": "党政机关网站标识链接",
}


@dataclass
class Comparison:
    """The outcome of comparing one candidate page with one estate site."""

    text_similarity: float = 0.0
    title_similarity: float = 0.0
    shared_claims: list[str] = field(default_factory=list)  # keys of _CLAIM_LABELS
    names_site: bool = False  # presents itself under the site's name or sponsor
    government_claims: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        """Content likeness in [0, 1]: the text counts more than the title (titles are short and
        government titles alike)."""
        return round(0.6 * self.text_similarity + 0.4 * self.title_similarity, 4)


def compare(reference: Reference, candidate: PageProfile) -> Comparison:
    result = Comparison(
        text_similarity=round(estimate_jaccard(reference.page.signature, candidate.signature), 4),
        title_similarity=round(_title_ratio(reference.title, candidate.title), 4),
        government_claims=government_claims(candidate),
    )
    found = {
        "identifier_code": candidate.identifier_codes,
        "icp": candidate.icp_numbers,
        "police": candidate.police_filings,
        "badge": candidate.badges,
    }
    for key, own in reference.claims().items():
        shared = sorted(own & found[key])
        if shared:
            result.shared_claims.append(key)
            result.evidence.append(f"页面使用被仿冒网站的{_CLAIM_LABELS[key]}：{'、'.join(shared)}")
    site = reference.site
    for label, value in (("网站名称", site.name), ("主办单位", site.sponsor)):
        value = value.strip()
        # In the title or as the page's own 主办单位; a mere mention in the text (a local news
        # site reporting on the government) proves nothing.
        if value and (value in candidate.title or any(value in s for s in candidate.sponsors)):
            result.names_site = True
            result.evidence.append(f"页面以被仿冒网站的{label}“{value}”自称")
    if result.title_similarity:
        result.evidence.append(f"标题相似度 {result.title_similarity:.2f}（“{candidate.title[:60]}”）")
    if result.text_similarity:
        result.evidence.append(f"正文相似度 {result.text_similarity:.2f}")
    return result


def best_match(references: Iterable[Reference], candidate: PageProfile) -> tuple[Reference, Comparison] | None:
    """The estate site a page imitates most: shared identity claims first, then content score."""
    best: tuple[tuple[int, bool, float], Reference, Comparison] | None = None
    for reference in references:
        comparison = compare(reference, candidate)
        rank = (len(comparison.shared_claims), comparison.names_site, comparison.score)
        if best is None or rank > best[0]:
            best = (rank, reference, comparison)
    return (best[1], best[2]) if best else None
