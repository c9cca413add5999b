"""The page checks' view of a fetched HTML page: what they need beyond ``govsites.monitoring.html``.

The parse itself is the crawler's :class:`govsites.monitoring.html.Document` (one per page, kept
on the page). On top of it this adds, once per page: which parts of the page are *chrome*
(navigation, header, footer, pager, link boxes — so that a menu is not mistaken for a list of
articles), the ``http-equiv`` metas, script sources, normalized text, and a ``derived`` cache for
what the checks compute from the page (list rows per day …). The tree is shared and read-only.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborNode

from .. import html as page_html
from ..types import Page

_INVISIBLE = frozenset({"script", "style", "noscript", "template"})

#: tags that are page chrome by themselves
CHROME_TAGS = frozenset({"nav", "header", "footer", "aside", "menu"})

#: class/id words that mark page chrome — menus, headers and footers, breadcrumbs, pagers, link
#: boxes: a class or id token is chrome when it is one of these words, or ends with one
#: (``main-nav``), or begins with one of the unambiguous ones (``nav-list``, but not ``top-news``)
CHROME_WORDS = frozenset({
    "nav", "navs", "navbar", "navigation", "subnav", "menu", "menus", "submenu", "dropdown", "head", "header",
    "top", "topbar", "toolbar", "foot", "footer", "bottom", "copyright", "crumb", "crumbs", "breadcrumb",
    "bread", "position", "location", "weizhi", "dqwz", "daohang", "dh", "pager", "pagination", "paging",
    "pagebar", "fenye", "yqlj", "friendlink", "friendlinks", "links", "sitemap", "banner", "skip", "ft", "bq",
})
CHROME_PREFIXES = frozenset({
    "nav", "navbar", "menu", "submenu", "header", "footer", "copyright", "crumb", "breadcrumb", "pager",
    "pagination", "fenye", "daohang", "yqlj", "friendlink", "sitemap",
})
_TOKEN_PARTS = re.compile(r"[-_]+")


def normalize(text: str) -> str:
    """NFKC (full-width digits, ``－／．：`` and the ideographic space become ASCII) with runs of
    whitespace collapsed: what every pattern of the page checks is written against."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@functools.lru_cache(maxsize=1 << 16)
def absolute(base: str, href: str) -> str:
    """``href`` resolved against ``base`` and normalized like the crawler's links; "" for
    script/mail/tel links, fragments and addresses nobody can follow. (Cached: menus repeat the
    same links on every page.)"""
    href = (href or "").strip()
    if href.startswith("/") and not href.startswith("//") and "\n" not in href:
        return page_html.normalize_url(_origin(base) + href) or ""
    return page_html.absolute(href, base) or ""


@functools.lru_cache(maxsize=4096)
def _origin(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


@functools.lru_cache(maxsize=1 << 16)
def url_key(url: str) -> str:
    """A comparison key for :func:`same_url`: host without default port, path without default
    document or trailing slash, query kept."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return url
    netloc = host if parts.netloc.rsplit(":", 1)[-1] in ("80", "443", parts.netloc) else parts.netloc.lower()
    path = re.sub(r"/(?:index|default)\.(?:html?|shtml|jsp|aspx?|php)$", "/", parts.path or "/")
    return f"{netloc}{path.rstrip('/')}?{parts.query}"


class Html:
    """One page as the checks read it (see the module docstring)."""

    __slots__ = ("_chrome", "_flat", "_text", "derived", "document", "http_equiv", "lang", "meta", "script_srcs",
                 "title", "tree")

    def __init__(self, document: page_html.Document):
        self.document = document
        self.tree = document.tree
        self.meta: dict[str, str] = document.metas()
        self.http_equiv: dict[str, str] = {}
        for node in self.tree.css("meta[http-equiv]"):
            equiv = (node.attributes.get("http-equiv") or "").strip().lower()
            if equiv and not self.http_equiv.get(equiv):
                self.http_equiv[equiv] = (node.attributes.get("content") or "").strip()
        self.lang = document.lang
        self.title = normalize(document.title)
        self.script_srcs = [n.attributes.get("src") or "" for n in self.tree.css("script[src]")]
        self.derived: dict[object, Any] = {}  # what the checks computed from this page, by key
        self._text: str | None = None
        self._flat: str | None = None
        self._chrome: dict[int, bool] = {}

    @property
    def body(self) -> LexborNode | None:
        return self.tree.body

    def text(self) -> str:
        """The visible text (scripts and styles left out), one line per block, normalized."""
        if self._text is None:
            self._text = "\n".join(x for x in (normalize(line) for line in self.document.text().split("\n")) if x)
        return self._text

    def flat_text(self) -> str:
        """:meth:`text` on one line (for patterns whose parts a layout may split over blocks)."""
        if self._flat is None:
            self._flat = self.text().replace("\n", " ")
        return self._flat

    def is_chrome(self, node: LexborNode) -> bool:
        """Whether ``node`` sits in navigation, header, footer, pager or a link box."""
        path: list[int] = []
        current: LexborNode | None = node
        verdict = False
        while current is not None and current.tag not in ("body", "html", "-document"):
            key = current.mem_id
            known = self._chrome.get(key)
            if known is not None:
                verdict = known
                break
            path.append(key)
            if is_chrome_element(current):
                verdict = True
                break
            current = current.parent
        for key in path:
            self._chrome[key] = verdict
        return verdict

    def content_text(self) -> str:
        """Visible text outside the chrome (for "is there anything on this page?")."""
        body = self.tree.body
        if body is None:
            return ""
        parts = [node.text() for node in walk(body) if node.is_text_node]
        return normalize(" ".join(parts))

    def headings(self) -> list[str]:
        return [normalize(n.text()) for n in self.tree.css("h1, h2, h3") if n.text(strip=True)]


def is_chrome_element(node: LexborNode) -> bool:
    """Whether ``node`` itself (not its ancestors) is navigation, header, footer, pager …"""
    if node.tag in CHROME_TAGS:
        return True
    attrs = node.attributes
    return any(_chrome_token(t) for t in f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower().split())


@functools.lru_cache(maxsize=4096)
def _chrome_token(token: str) -> bool:
    parts = [p.rstrip("0123456789") for p in _TOKEN_PARTS.split(token) if p.rstrip("0123456789")]
    if not parts:
        return False
    return "".join(parts) in CHROME_WORDS or parts[-1] in CHROME_WORDS or parts[0] in CHROME_PREFIXES


#: what a data row's cells never hold, but a layout table's row around a page does
_LAYOUT_INSIDE = "table, dl, ul, ol, div, h1, h2, h3, h4, h5, h6, form"


def walk(root: LexborNode, *, rows: bool = False) -> Iterator[LexborNode]:
    """The text nodes and elements under ``root`` in document order, skipping chrome and
    invisible subtrees (iteratively: malformed pages nest thousands deep). With ``rows``, a ``tr``
    of data (no nested table, list or block of layout inside: not an old layout table's row
    around a whole page) is yielded whole instead of being entered."""
    stack: list[Iterator[LexborNode]] = [root.iter(include_text=True)]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            continue
        if node.is_text_node:
            yield node
        elif not node.is_element_node or node.tag in _INVISIBLE or is_chrome_element(node):
            continue
        elif rows and node.tag == "tr" and node.css_first(_LAYOUT_INSIDE) is None:
            yield node
        else:
            stack.append(node.iter(include_text=True))


def view(page: Page) -> Html | None:
    """The checks' view of ``page`` (None without HTML), built once per page and kept on its
    document, so every check family of a site shares it — also when several sites are checked
    on different threads at once."""
    document = page_html.document(page)
    if document is None:
        return None
    html = document.views.get("checks")
    if html is None:
        html = document.views["checks"] = Html(document)
    return html


def parse(text: str, url: str = "") -> Html:
    """A view of HTML that did not come from a crawl (tests)."""
    return Html(page_html.parse(text, url))
