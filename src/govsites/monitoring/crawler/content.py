"""What a response body is (HTML or binary) and how to decode it.

Chinese government pages come in UTF-8 and in GBK/GB2312, often with a missing or wrong charset in
the HTTP header; binary files are sometimes served as ``.html`` or ``text/html``. These functions
decide from the first bytes and the declared labels, cheaply: a full detector only runs when
neither the labels nor UTF-8 fit.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from ..html import extension

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
HTML_EXTENSIONS = frozenset({"html", "htm", "shtml", "xhtml"})

#: labels decoded with GB18030, a strict superset of GBK and GB2312 (pages labelled GB2312 often
#: use GBK characters)
_GB_FAMILY = frozenset(
    {"gbk", "gb2312", "cp936", "ms936", "x-gbk", "gb_2312-80", "csgb2312", "euc-cn", "chinese"}
)
#: labels servers send by default rather than by knowledge: checked after the page's own <meta>
_WEAK_LABELS = frozenset({"iso8859-1", "ascii", "cp1252"})

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC = (
    b"%PDF-",
    b"\x89PNG",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0",  # OLE: .doc .xls .ppt .wps
    b"Rar!",
    b"7z\xbc\xaf",
    b"\x1f\x8b",
    b"\x7fELF",
    b"MZ",
    b"OggS",
    b"ID3",
    b"RIFF",
    b"wOFF",
    b"wOF2",
    b"\x00asm",
)
_SNIFF_BYTES = 1024
_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_META_SCAN_BYTES = 4096
_DETECT_BYTES = 64 * 1024


def parse_content_type(value: str) -> tuple[str, str]:
    """``"text/html; charset=GBK"`` → ``("text/html", "gbk")``."""
    mime, _, params = value.partition(";")
    charset = ""
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("'\"").lower()
    return mime.strip().lower(), charset


def canonical_encoding(label: str) -> str | None:
    """Python's codec name for a charset label (GBK family → ``gb18030``), ``None`` if unknown."""
    label = label.strip().lower()
    if not label:
        return None
    if label in _GB_FAMILY:
        return "gb18030"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name in _GB_FAMILY:
        return "gb18030"
    return "utf-8" if name == "utf-8" else name


def looks_binary(prefix: bytes) -> bool:
    """True when the body's first bytes are a known binary format or contain NUL bytes
    (text with a UTF-16 byte-order mark excepted)."""
    if prefix.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if prefix.startswith(_MAGIC) or prefix[4:8] == b"ftyp":
        return True
    return b"\x00" in prefix[:_SNIFF_BYTES]


def claims_html(content_type: str, url: str) -> bool:
    """Whether the server says this is a web page: by its content type or its URL's extension."""
    return content_type in HTML_TYPES or extension(url) in HTML_EXTENSIONS


def meta_charset(body: bytes) -> str:
    """The charset a page declares in ``<meta charset>`` or ``http-equiv`` near its start."""
    match = _META_CHARSET.search(body, 0, _META_SCAN_BYTES)
    return match.group(1).decode("ascii", "replace").lower() if match else ""


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _nearly(body: bytes, encoding: str) -> str | None:
    """Decoded with replacement characters when only a handful of bytes are wrong (a stray byte in
    an otherwise well-labelled page), else ``None``."""
    try:
        text = body.decode(encoding, errors="replace")
    except LookupError:
        return None
    bad = text.count("\ufffd")
    return text if bad <= max(2, len(text) // 1000) else None


def decode(body: bytes, header_charset: str = "") -> tuple[str, str]:
    """Decode an HTML body → ``(text, encoding used)``.

    Order: a byte-order mark; the HTTP charset; the page's ``<meta charset>``; a weak HTTP label
    (ISO-8859-1, ASCII) after the meta; UTF-8; the declared label again if only a few bytes are
    wrong; charset-normalizer's guess; GB18030; finally the first label (or UTF-8) with
    replacement characters. GBK and GB2312 are decoded as GB18030.
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(name, errors="replace"), name
    header = canonical_encoding(header_charset)
    meta = canonical_encoding(meta_charset(body))
    candidates: list[str] = []
    if header and header not in _WEAK_LABELS:
        candidates.append(header)
    if meta:
        candidates.append(meta)
    if header and header in _WEAK_LABELS:
        candidates.append(header)
    if "utf-8" not in candidates:
        candidates.append("utf-8")
    for encoding in candidates:
        text = _strict(body, encoding)
        if text is not None:
            return text, encoding
    declared = header or meta
    if declared:
        text = _nearly(body, declared)
        if text is not None:
            return text, declared
    guess = from_bytes(body[:_DETECT_BYTES]).best()
    if guess is not None and guess.encoding:
        encoding = canonical_encoding(guess.encoding)
        if encoding:
            text = _nearly(body, encoding)
            if text is not None:
                return text, encoding
    text = _strict(body, "gb18030")
    if text is not None:
        return text, "gb18030"
    fallback = declared or "utf-8"
    return body.decode(fallback, errors="replace"), fallback
