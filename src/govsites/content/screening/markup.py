"""What the screener reads: a :class:`Document` of one or more chunks, each mapped to the source.

For plain text the document is the text itself. For HTML it is the visible text, followed by one
chunk per screened attribute (link ``href``, ``alt``, ``title``, meta keywords/description) and
per hidden element (``display:none`` and the like), separated so that no match runs across two
chunks. Every character keeps its offset in the HTML source, so a finding can point the editor
to the exact place even when a word is split by tags (``赌<b>博</b>``) or written as entities.

The stdlib parser is used directly (not BeautifulSoup) because it is iterative: deeply nested
or unclosed markup costs linear time and no recursion.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import unquote

WHERE_TEXT = "text"
WHERE_HIDDEN = "hidden"
CHUNK_SEPARATOR = "\n。\n"  # a sentence end: no term, heuristic or allow context crosses it

BLOCK_TAGS = frozenset(
    "address article aside blockquote body br caption dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 head header hr html li main nav ol option p pre section "
    "summary table tbody td tfoot th thead title tr ul".split()
)
VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
UNRENDERED_TAGS = frozenset("script style template noscript".split())
CLOSES_P = frozenset(
    "address article aside blockquote div dl fieldset footer form h1 h2 h3 h4 h5 h6 header hr main nav ol p "
    "pre section table ul".split()
)
MAX_END_TAG_SEARCH = 64  # how deep a stray end tag is looked for in the open-element stack
META_NAMES = frozenset({"keywords", "description"})
SCREENED_ATTRIBUTES = frozenset({"href", "alt", "title", "content"})

_REFERENCE = re.compile(r"&(?:#[0-9]{1,8};?|#[xX][0-9a-fA-F]{1,8};?|[A-Za-z][A-Za-z0-9]{0,31};?)")
_REFERENCE_OR_PERCENT = re.compile(f"{_REFERENCE.pattern}|(?:%[0-9A-Fa-f]{{2}})+")
_TAG_NAME = re.compile(r"<\s*[^\s/>]*")
_ATTRIBUTE = re.compile(r"""([^\s/>"'=<]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_HIDDEN_STYLE = re.compile(
    r"display:none|visibility:hidden|opacity:0(?:\.0+)?(?:[;!]|$)"
    r"|font-size:0(?:\.0+)?(?:px|pt|em|rem|%)?(?:[;!]|$)|(?:left|top|text-indent|margin-left):-[0-9]{3,}"
)
_ANY_TAG = re.compile(r"<[^>]*>?")


def _screened_as(tag: str, name: str, attributes: dict[str, str | None]) -> str | None:
    """Which attributes can carry an ad: link targets, image and hover texts, page keywords."""
    if name == "href":
        return "href" if tag in ("a", "area") else None
    if name in ("alt", "title"):
        return name
    if name == "content" and tag == "meta" and (attributes.get("name") or "").lower() in META_NAMES:
        return "meta"
    return None


def is_hidden(attrs: dict[str, str | None]) -> bool:
    """Styles and attributes that keep an element's text out of sight."""
    if "hidden" in attrs:
        return True
    style = attrs.get("style")
    if not style:
        return False
    style = "".join(_CSS_COMMENT.sub("", style).lower().split())
    return bool(_HIDDEN_STYLE.search(style))


class TextBuilder:
    """Text assembled piece by piece, remembering which source range each piece came from."""

    def __init__(self):
        self.parts: list[str] = []
        self.length = 0
        self._starts: list[int] = []
        self._sources: list[tuple[int, int, bool]] = []  # source start, source end, exact

    def add(self, text: str, source_start: int, source_end: int, exact: bool) -> None:
        """``exact``: the piece is the source verbatim, so offsets inside it map one to one."""
        if text:
            self._starts.append(self.length)
            self._sources.append((source_start, source_end, exact))
            self.parts.append(text)
            self.length += len(text)

    def add_decoded(self, raw: str, source_start: int, percent: bool = False) -> None:
        """Add ``raw`` with character references (and ``%XX`` escapes in URLs) decoded."""
        if "&" not in raw and not (percent and "%" in raw):
            self.add(raw, source_start, source_start + len(raw), True)
            return
        position = 0
        for match in (_REFERENCE_OR_PERCENT if percent else _REFERENCE).finditer(raw):
            token = match.group()
            if match.start() > position:
                self.add(raw[position : match.start()], source_start + position, source_start + match.start(), True)
            decoded = unquote(token, errors="replace") if token[0] == "%" else html.unescape(token)
            self.add(decoded, source_start + match.start(), source_start + match.end(), decoded == token)
            position = match.end()
        self.add(raw[position:], source_start + position, source_start + len(raw), True)

    def separate(self, source: int) -> None:
        if self.length and not self.parts[-1].endswith("\n"):
            self.add("\n", source, source, False)

    def open_chunk(self, source: int) -> int:
        """Start a new chunk (after a separator if needed); returns its start."""
        if self.length:
            self.add(CHUNK_SEPARATOR, source, source, False)
        return self.length

    def text(self) -> str:
        return "".join(self.parts)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source range of the text range ``[start, end)``."""
        return self._source(start, first=True), self._source(end - 1, first=False)

    def _source(self, index: int, first: bool) -> int:
        piece = bisect_right(self._starts, index) - 1
        source_start, source_end, exact = self._sources[piece]
        if exact:
            return source_start + index - self._starts[piece] + (0 if first else 1)
        return source_start if first else source_end


class Chunk(NamedTuple):
    start: int  # in the document text
    end: int
    where: str  # "text", "hidden", "href", "alt", "title", "meta"
    anchor: int | None  # 1-based visible-text position the chunk belongs to; None: the visible text
    source_start: int  # whole element (hidden) or tag (attribute)
    source_end: int

    def shifted(self, offset: int) -> Chunk:
        return self._replace(start=self.start + offset, end=self.end + offset)


class Document:
    """Text to screen, split into chunks, with a map back to the source.

    The text is the concatenation of one or more builders (visible text, attributes, hidden
    text), joined by :data:`CHUNK_SEPARATOR`.
    """

    def __init__(self, text: str, chunks: list[Chunk], parts: list[tuple[int, TextBuilder]] | None = None):
        self.text = text
        self.chunks = chunks
        self._parts = parts
        self._part_starts = [start for start, _ in parts or ()]
        self._chunk_starts = [chunk.start for chunk in chunks]

    @classmethod
    def plain(cls, text: str) -> Document:
        return cls(text, [Chunk(0, len(text), WHERE_TEXT, None, 0, len(text))])

    @classmethod
    def join(cls, size: int, visible: TextBuilder, extras: list[tuple[TextBuilder, list[Chunk]]]) -> Document:
        texts, parts = [visible.text()], [(0, visible)]
        chunks = [Chunk(0, visible.length, WHERE_TEXT, None, 0, size)]
        offset = visible.length
        for builder, builder_chunks in extras:
            if builder.length:
                offset += len(CHUNK_SEPARATOR)
                texts += [CHUNK_SEPARATOR, builder.text()]
                parts.append((offset, builder))
                chunks += [chunk.shifted(offset) for chunk in builder_chunks]
                offset += builder.length
        return cls("".join(texts), chunks, parts)

    def chunk_at(self, index: int) -> Chunk:
        return self.chunks[max(0, bisect_right(self._chunk_starts, index) - 1)]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        if self._parts is None:
            return start, end
        offset, builder = self._parts[max(0, bisect_right(self._part_starts, start) - 1)]
        return builder.source_span(start - offset, end - offset)


class _Extractor(HTMLParser):
    """Collects visible text, screened attributes and hidden elements, each with source offsets."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source = source
        self.visible = TextBuilder()
        self.attributes = TextBuilder()
        self.attribute_chunks: list[Chunk] = []
        self.hidden = TextBuilder()
        self.hidden_chunks: list[Chunk] = []
        self._line_starts = [0, *(m.end() for m in re.finditer("\n", source))]
        self._stack: list[tuple[str, str]] = []  # tag, kind ("", "hidden", "unrendered")
        self._open: dict[str, int] = {}  # open elements per tag name
        self._unrendered = 0
        self._hidden: tuple[int, int, int] | None = None  # chunk start, anchor, source start
        self._hidden_depth = 0

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    @property
    def _target(self) -> TextBuilder:
        return self.hidden if self._hidden else self.visible

    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, self_closing=False)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs, self_closing=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], self_closing: bool) -> None:
        offset = self._offset()
        attributes = dict(reversed(attrs)) if attrs else {}  # the first of duplicates wins, as in browsers
        if tag in BLOCK_TAGS:
            self._target.separate(offset)
        if not self._unrendered and not SCREENED_ATTRIBUTES.isdisjoint(attributes):
            self._attributes(tag, attrs, attributes, self.get_starttag_text() or "", offset)
        if tag in VOID_TAGS or (self_closing and tag in ("svg", "math")):
            return
        if tag in CLOSES_P and self._stack and self._stack[-1][0] == "p":
            self._pop(len(self._stack) - 1, offset, closing=False)
        kind = "unrendered" if tag in UNRENDERED_TAGS else ("hidden" if is_hidden(attributes) else "")
        self._stack.append((tag, kind))
        self._open[tag] = self._open.get(tag, 0) + 1
        if kind == "unrendered":
            self._unrendered += 1
        elif kind == "hidden":
            if not self._hidden_depth and not self._unrendered:
                self._hidden = (self.hidden.open_chunk(offset), self.visible.length + 1, offset)
            self._hidden_depth += 1

    def _attributes(self, tag: str, attrs, attributes: dict[str, str | None], raw: str, offset: int) -> None:
        located = None
        anchor = self.visible.length + 1
        for name, value in attrs:
            where = _screened_as(tag, name, attributes) if value else None
            if where is None:
                continue
            if located is None:
                located = self._locate_attributes(raw)
            text = self.attributes
            start = text.open_chunk(offset)
            spot = located.pop(name, None)
            if spot is not None:
                text.add_decoded(spot[0], offset + spot[1], percent=name == "href")
            else:  # not found in the raw tag: screen the parsed value, pointing at the whole tag
                text.add(value, offset, offset + len(raw), False)
            self.attribute_chunks.append(Chunk(start, text.length, where, anchor, offset, offset + len(raw)))

    @staticmethod
    def _locate_attributes(raw: str) -> dict[str, tuple[str, int]]:
        """Raw value and its offset inside the start tag, for the first of each attribute name."""
        located: dict[str, tuple[str, int]] = {}
        head = _TAG_NAME.match(raw)
        for match in _ATTRIBUTE.finditer(raw, head.end() if head else 0):
            name, value = match.group(1).lower(), match.group(2)
            if value is None or name in located:
                continue
            start = match.start(2)
            if value[:1] in "\"'":
                value, start = value[1:-1], start + 1
            located[name] = (value, start)
        return located

    def handle_endtag(self, tag):
        offset = self._offset()
        if tag in BLOCK_TAGS:
            self._target.separate(offset)
        if not self._open.get(tag):
            return
        top = len(self._stack) - 1
        for depth in range(top, max(-1, top - MAX_END_TAG_SEARCH), -1):
            if self._stack[depth][0] == tag:
                self._pop(depth, offset, closing=True)
                return

    def _pop(self, depth: int, offset: int, closing: bool) -> None:
        """Close the elements from ``depth`` up; ``offset`` is where the closing tag (if any) starts."""
        while len(self._stack) > depth:
            tag, kind = self._stack.pop()
            self._open[tag] -= 1
            if kind == "unrendered":
                self._unrendered -= 1
            elif kind == "hidden":
                self._hidden_depth -= 1
                if not self._hidden_depth:
                    end = self.source.find(">", offset) + 1 if closing else offset
                    self._finish_hidden(end or len(self.source))

    def _finish_hidden(self, source_end: int) -> None:
        if self._hidden:
            start, anchor, source_start = self._hidden
            self.hidden_chunks.append(Chunk(start, self.hidden.length, WHERE_HIDDEN, anchor, source_start, source_end))
            self._hidden = None

    def handle_data(self, data):
        if not self._unrendered:
            offset = self._offset()
            self._target.add(data, offset, offset + len(data), True)

    def handle_entityref(self, name):
        self._reference(f"&{name}")

    def handle_charref(self, name):
        self._reference(f"&#{name}")

    def _reference(self, prefix: str) -> None:
        if self._unrendered:
            return
        offset = self._offset()
        end = offset + len(prefix)
        if self.source.startswith(";", end):
            end += 1
        raw = self.source[offset:end]
        decoded = html.unescape(raw)
        self._target.add(decoded, offset, end, decoded == raw)

    def close(self):
        super().close()
        self._pop(0, len(self.source), closing=False)


def _fallback(source: str) -> Document:
    """Tag stripping for markup the parser gives up on: still screened, never an exception."""
    text = TextBuilder()
    position = 0
    for match in _ANY_TAG.finditer(source):
        text.add_decoded(source[position : match.start()], position)
        text.separate(match.start())
        position = match.end()
    text.add_decoded(source[position:], position)
    return Document.join(len(source), text, [])


def extract(source: str) -> Document:
    """The screenable document of an HTML fragment or page."""
    extractor = _Extractor(source)
    try:
        extractor.feed(source)
        extractor.close()
    except Exception:  # the stdlib parser can raise on some malformed declarations
        return _fallback(source)
    return Document.join(
        len(source),
        extractor.visible,
        [(extractor.attributes, extractor.attribute_chunks), (extractor.hidden, extractor.hidden_chunks)],
    )
