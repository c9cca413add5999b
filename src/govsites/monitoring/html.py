"""Parse a page once with selectolax (lexbor) and extract what the crawler and the checks need.

Every check module reads pages through :func:`document`, which parses a page's HTML at most once
and caches the :class:`Document` on the :class:`~govsites.monitoring.types.Page`; the crawler
fills that cache while it extracts links, so a census parses each page once.

The API, kept small on purpose:

- ``document(page)`` → the page's :class:`Document` (``None`` for pages without HTML);
- ``Document(html, url)`` with ``.tree`` (the lexbor parser, for checks that walk the DOM),
  ``.css(selector)``, ``.links()``, ``.text()``, ``.title``, ``.lang``, ``.meta(name)``,
  ``.metas()``, ``.client_redirect()`` and ``.release()`` (drop the tree, keep what was extracted);
- URL helpers ``normalize_url``, ``absolute``, ``extension``, ``is_attachment``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .types import Link, Page

#: document links (the indicators count broken attachments apart; the crawler does not follow them)
ATTACHMENT_EXTENSIONS = frozenset(
    "pdf doc docx xls xlsx ppt pptx wps et dps ofd ceb rtf odt ods odp txt csv zip rar 7z tar gz tgz bz2 xz".split()
)
#: targets that are never HTML pages: checked as links, not crawled
NON_PAGE_EXTENSIONS = ATTACHMENT_EXTENSIONS | frozenset(
    (
        "jpg jpeg png gif bmp webp svg ico tif tiff css js json xml mp3 mp4 avi wmv flv mov mkv webm wav "
        "swf woff woff2 ttf eot otf apk exe msi dmg iso"
    ).split()
)

_DEFAULT_PORTS = {"http": 80, "https": 443}

#: elements whose text is not shown to a reader
_INVISIBLE = frozenset({"script", "style", "noscript", "template"})
#: elements that start a new line of visible text
_BLOCKS = frozenset(
    (
        "address article aside blockquote br dd div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 "
        "h6 header hr li main nav ol p pre section table tbody thead tfoot tr td th ul option caption"
    ).split()
)

_LINK_SELECTOR = (
    "a[href], area[href], img[src], script[src], iframe[src], frame[src], link[href], embed[src], "
    "object[data], video[src], audio[src], source[src], form[action], meta[http-equiv]"
)
_KIND_BY_TAG = {
    "a": "a",
    "area": "a",
    "img": "img",
    "script": "script",
    "iframe": "iframe",
    "frame": "frame",
    "embed": "embed",
    "object": "embed",
    "video": "embed",
    "audio": "embed",
    "source": "embed",
    "form": "form",
}
_URL_ATTR = {"a": "href", "area": "href", "link": "href", "object": "data", "form": "action"}  # others: src
_LINK_TEXT_CHARS = 200

#: A page this small may be a redirect stub (the stubs government CMSs put at ``/`` are a few
#: hundred bytes; a real home page is far larger).
_STUB_MAX_BYTES = 16384
#: …if it also shows next to nothing: this much visible text and this many links at most.
_STUB_MAX_TEXT = 100
_STUB_MAX_ANCHORS = 3
#: A meta refresh this quick is a redirect; a slower one on a full page is an auto-reload.
_REDIRECT_MAX_DELAY = 5
#: ``location.href = "…"``, ``window.location = '…'``, ``top.location.replace("…")`` … with a
#: literal target only: a computed one cannot be followed without running the script.
_SCRIPT_REDIRECT = re.compile(
    r"""(?<![\w$.])(?:(?:window|self|top|parent|document)\.)?location"""
    r"""(?:(?:\.href)?\s*=\s*|\.(?:replace|assign)\(\s*)(["'])([^"'\s+]+)\1"""
)
#: The mobile edition's host prefixes and path segments (``m.host``, ``/wap/``): a stub choosing by
#: user agent sends a desktop browser to the other target.
_MOBILE_HOST = re.compile(r"^(?:m|wap|mobile)\.")
_MOBILE_PATH = re.compile(r"/(?:m|wap|mobile|h5|sj)(?:/|\.|$)")


@lru_cache(maxsize=1 << 18)
def normalize_url(url: str) -> str | None:
    """The URL in the one form the crawler compares and caches by, or ``None`` if it is not http(s).

    Lower-case scheme and host, no default port, no fragment, dot segments resolved, ``/`` for an
    empty path; the query is kept as written (its order can matter to the server).
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{userinfo}@{netloc}"
    path = parts.path or "/"
    if "/." in path:
        path = _remove_dot_segments(path)
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def _remove_dot_segments(path: str) -> str:
    out: list[str] = []
    segments = path.split("/")
    for segment in segments:
        if segment == "..":
            if len(out) > 1:
                out.pop()
        elif segment != ".":
            out.append(segment)
    if segments[-1] in (".", ".."):
        out.append("")
    joined = "/".join(out)
    return joined if joined.startswith("/") else "/" + joined


def absolute(href: str, base: str) -> str | None:
    """``href`` resolved against ``base`` and normalised; ``None`` for non-web targets
    (``javascript:``, ``mailto:``, ``tel:``, ``data:`` …), empty and fragment-only references."""
    href = href.strip()
    if "\n" in href or "\t" in href or "\r" in href:
        href = href.replace("\n", "").replace("\t", "").replace("\r", "")
    if not href or href[0] == "#":
        return None
    head = href[:8].lower()
    if head.startswith(("http://", "https://")):
        return normalize_url(href)
    colon = href.find(":")
    if colon > 0 and not any(c in href[:colon] for c in "/?#"):
        return None  # another scheme: mailto:, javascript:, tel:, data:, ftp: …
    return normalize_url(urljoin(base, href))


@lru_cache(maxsize=1 << 17)
def extension(url: str) -> str:
    """The lower-case file extension of the URL's path (``""`` when it has none)."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    slash = path.rfind("/")
    name = path[slash + 1 :] if slash >= 0 else path
    dot = name.rfind(".")
    return name[dot + 1 :].lower() if dot > 0 else ""


def is_attachment(url: str) -> bool:
    """True for document downloads: by the path's extension, or a query ending in one
    (``download.jsp?file=a.pdf``)."""
    if extension(url) in ATTACHMENT_EXTENSIONS:
        return True
    _, _, query = url.partition("?")
    dot = query.rfind(".")
    return dot >= 0 and query[dot + 1 :].lower() in ATTACHMENT_EXTENSIONS


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _is_mobile(url: str) -> bool:
    parts = urlsplit(url)
    return bool(_MOBILE_HOST.match(parts.hostname or "") or _MOBILE_PATH.search(parts.path.lower()))


def _refresh_delay(content: str) -> float | None:
    """The seconds of a meta refresh's ``content`` (``None`` when unreadable)."""
    head = content.replace(",", ";", 1).partition(";")[0].strip()
    try:
        return float(head) if head else 0.0
    except ValueError:
        return None


def _refresh_target(content: str) -> str:
    """The URL of a ``<meta http-equiv=refresh content="5; url=…">`` (``""`` when none)."""
    _, sep, rest = content.replace(",", ";", 1).partition(";")
    if not sep:
        return ""
    rest = rest.strip()
    if rest[:3].lower() == "url":
        rest = rest[3:].lstrip()
        if rest.startswith("="):
            rest = rest[1:].strip()
    return rest.strip("'\" ")


class Document:
    """One page's parse and what was extracted from it (each extraction computed once).

    ``tree`` parses lazily; :meth:`release` drops it to save memory (a lexbor tree is about ten
    times the size of its HTML) while the extracted links, text, title and meta tags stay.
    ``views`` holds what other modules build on the parse, by key (the page checks' view), so
    it lives and dies with the page instead of in a cache shared between threads.
    """

    __slots__ = ("_links", "_metas", "_text", "_tree", "html", "url", "views")

    def __init__(self, html: str, url: str = ""):
        self.html = html
        self.url = url
        self._tree: LexborHTMLParser | None = None
        self._links: list[Link] | None = None
        self._text: str | None = None
        self._metas: dict[str, str] | None = None
        self.views: dict[str, object] = {}

    @property
    def tree(self) -> LexborHTMLParser:
        if self._tree is None:
            self._tree = LexborHTMLParser(self.html)
        return self._tree

    def release(self) -> None:
        """Drop the parse tree and the views built on it (rebuilt on the next access)."""
        self._tree = None
        self.views.clear()

    def css(self, selector: str) -> list[LexborNode]:
        return self.tree.css(selector)

    @property
    def title(self) -> str:
        """The ``<title>`` text, whitespace collapsed (``""`` when missing)."""
        node = self.tree.css_first("title")
        return _collapse(node.text()) if node is not None else ""

    @property
    def lang(self) -> str:
        """The ``<html lang>`` (or ``xml:lang``) value as written, stripped."""
        root = self.tree.css_first("html")
        if root is None:
            return ""
        attrs = root.attrs
        return (attrs.get("lang") or attrs.get("xml:lang") or "").strip()

    def metas(self) -> dict[str, str]:
        """``<meta name=… content=…>`` by lower-case name (the first of a name wins)."""
        if self._metas is None:
            metas: dict[str, str] = {}
            for node in self.tree.css("meta[name]"):
                attrs = node.attrs
                name = (attrs.get("name") or "").strip().lower()
                if name and name not in metas:
                    metas[name] = (attrs.get("content") or "").strip()
            self._metas = metas
        return self._metas

    def meta(self, name: str) -> str | None:
        """The content of the meta tag ``name`` (case-insensitive), ``None`` when absent."""
        return self.metas().get(name.lower())

    def text(self) -> str:
        """The visible text: script, style, noscript and template contents left out, one line per
        block element, whitespace inside a line collapsed. CSS-hidden text is still included (the
        dark-link check looks at styles itself)."""
        if self._text is None:
            body = self.tree.body
            if body is None:
                self._text = ""
                return self._text
            lines: list[str] = []
            line: list[str] = []
            for node in body.traverse(include_text=True):
                tag = node.tag
                if tag == "-text":
                    parent = node.parent
                    if parent is None or parent.tag not in _INVISIBLE:
                        line.append(node.text_content or "")
                elif tag in _BLOCKS and line:
                    lines.append(_collapse("".join(line)))
                    line = []
            lines.append(_collapse("".join(line)))
            self._text = "\n".join(text for text in lines if text)
        return self._text

    def client_redirect(self) -> str | None:
        """Where the page sends a browser at once, when it is only a redirect done in HTML: a meta
        refresh of at most a few seconds, or — on a stub page (tiny, next to no text or links) —
        an inline script assigning a literal ``location`` (the desktop target when the stub picks
        by user agent). ``None`` for a page that is itself the content.

        Many government sites answer ``/`` with such a stub instead of an HTTP redirect; judging
        the stub as the home page would report a site with no content, footer or dates."""
        if len(self.html) > _STUB_MAX_BYTES or ("refresh" not in self.html.lower() and "location" not in self.html):
            return None
        for node in self.tree.css("meta[http-equiv]"):
            attrs = node.attrs
            if (attrs.get("http-equiv") or "").strip().lower() != "refresh":
                continue
            content = attrs.get("content") or ""
            delay, raw = _refresh_delay(content), _refresh_target(content)
            target = absolute(raw, self.url) if raw else None
            if target and delay is not None and delay <= _REDIRECT_MAX_DELAY and target != self.url:
                return target
        if len(self.text().replace(" ", "")) > _STUB_MAX_TEXT or len(self.css("a[href]")) > _STUB_MAX_ANCHORS:
            return None
        targets = [
            url
            for node in self.tree.css("script")
            if not node.attrs.get("src")
            for match in _SCRIPT_REDIRECT.finditer(node.text() or "")
            if (url := absolute(match.group(2), self.url)) is not None and url != self.url
        ]
        desktop = [url for url in targets if not _is_mobile(url)]
        return (desktop or targets or [None])[-1]

    def links(self) -> list[Link]:
        """Every reference on the page, in document order, absolute and normalised (see
        :class:`~govsites.monitoring.types.Link` for the kinds); non-web targets are skipped."""
        if self._links is None:
            self._links = self._extract_links()
        return self._links

    def _extract_links(self) -> list[Link]:
        tree = self.tree
        base = self.url
        base_node = tree.css_first("base[href]")
        if base_node is not None:
            base = absolute(base_node.attrs.get("href") or "", self.url) or self.url
        parts = urlsplit(base)
        origin = f"{parts.scheme}://{parts.netloc}"
        links: list[Link] = []
        for node in tree.css(_LINK_SELECTOR):
            tag = node.tag
            attrs = node.attrs
            if tag == "link":
                if "stylesheet" not in (attrs.get("rel") or "").lower():
                    continue
                kind = "css"
                raw = attrs.get("href")
            elif tag == "meta":
                if (attrs.get("http-equiv") or "").strip().lower() != "refresh":
                    continue
                kind = "meta_refresh"
                raw = _refresh_target(attrs.get("content") or "")
            else:
                kind = _KIND_BY_TAG[tag]
                raw = attrs.get(_URL_ATTR.get(tag, "src"))
            if not raw:
                continue
            raw = raw.strip()
            if raw.startswith("/") and not raw.startswith("//") and "\n" not in raw:
                url = normalize_url(origin + raw)
            else:
                url = absolute(raw, base)
            if url is None:
                continue
            if kind == "a":
                text = _collapse(node.text())[:_LINK_TEXT_CHARS] or (attrs.get("title") or "").strip()
            elif kind == "img":
                text = (attrs.get("alt") or attrs.get("title") or "").strip()
            else:
                text = ""
            links.append(_link(url, kind, text))
        return links


@lru_cache(maxsize=1 << 17)
def _link(url: str, kind: str, text: str) -> Link:
    """Links repeat across a site's pages (menus, footers): one shared frozen instance each."""
    return Link(url=url, kind=kind, text=text, attachment=is_attachment(url))


def parse(html: str, url: str = "") -> Document:
    """A :class:`Document` for HTML that did not come from a crawl (tests, ad-hoc checks)."""
    return Document(html, url)


def document(page: Page) -> Document | None:
    """The page's parsed document, built once and kept on the page; ``None`` when the fetch
    brought no HTML (errors, non-HTML resources, HEAD requests)."""
    doc = page.doc
    if doc is None:
        text = page.fetch.text
        if text is None:
            return None
        doc = page.doc = Document(text, page.url)
    return doc
