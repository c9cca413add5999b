"""Dark links (暗链), injected code (挂马) and banned-content pages: SEC-04 detection on one page.

Three observation types, from one parse of the page:

- ``dark_link`` (target = the link's URL): an anchor the reader cannot see — hidden by its own
  or an ancestor's inline style, ``<style>`` rules or attributes — that points to a spam domain
  or carries spam words; or points outside the site with a concealment-only technique (off-screen
  offsets, ``text-indent``, ``font-size:0``, a zero-size box, text coloured like its background,
  a tiny ``<marquee>``), or as one of a hidden *farm* of outside links. A ``display:none`` menu
  revealed on hover or by the page's scripts is not concealment. Visible links to spam domains
  (or with strong spam words) are dark links too. Links inside ``<noscript>`` or HTML comments
  are not live and are ignored; links written by ``document.write`` are examined like the page's.
- ``injected_code`` (target = the outside URL, or ``inline-script#<digest>``): scripts, iframes,
  frames, embeds and objects loaded from outside the site, its ``SiteFacts.allowed_domains`` and
  the profile's allow-list; ``document.write`` of outside scripts or iframes; obfuscated inline
  code (``eval(unescape(…))``, ``eval(atob(…))``, ``String.fromCharCode``); redirects of visitors
  coming from search engines, and meta refreshes, to outside sites. Invisible iframes score higher.
- ``banned_content`` (target = ""): a page whose visible text is dominated by gambling, porn or
  private-server game spam — a weighted score, the number of different words and their density
  must all pass the thresholds, and words in an enforcement context ("严厉打击网络赌博") do not
  count — or whose title and meta keywords are hijacked with such words.

Outside = not the site's host or its registered domain (``www.a.gov.cn`` and ``static.a.gov.cn``
are one site), not listed in ``SiteFacts.allowed_domains``, not in ``allow_domains`` (by suffix:
``gov.cn`` allows every government domain). Only inline ``<style>`` blocks are read; external
stylesheets are not fetched, and ``@media`` blocks other than plain ``screen``/``all`` are ignored
(a mobile menu hidden at small widths is not concealment).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import ahocorasick
from selectolax.lexbor import LexborHTMLParser, LexborNode

from .. import html as page_html
from ..data import DATA_DIR, Problems, read_tsv
from ..html import document
from ..types import Observation, Page, SiteFacts

# Script and frame hosts every government site may use: government domains themselves, the
# 党政机关网站标识 badge script (dcs.conac.cn), and the analytics and maps that the national
# platform and most provinces embed. Profiles add theirs (monitoring.dark_links.allow_domains).
DEFAULT_ALLOW_DOMAINS = ("gov.cn", "conac.cn", "hm.baidu.com", "api.map.baidu.com", "cnzz.com")
SPAM_DOMAIN_MIN_WEIGHT = 3  # a host whose spam tokens weigh this much is a spam domain
STRONG_SPAM_WORD = 3  # a link text word this heavy marks a spam link wherever it points
VISIBLE_SPAM_WORD = 4  # … and this heavy when the link is visible
MAX_CSS_CHARS = 500_000  # inline CSS read per page
MAX_SCRIPT_CHARS = 200_000  # inline script text examined per script
EVIDENCE_CHARS = 200

STRONG_TECHNIQUES = frozenset({"offscreen", "text-indent", "font-size:0", "zero-size", "same-colour", "clip", "marquee"})
_HIDING_PROPERTIES = frozenset(
    "display visibility opacity position left top right bottom margin-left margin-top text-indent font-size "
    "line-height width height max-height max-width overflow clip color background background-color".split()
)
_OVERRIDES = frozenset({"display", "visibility", "opacity"})  # what a more specific rule uses to show again
_REVEAL_PSEUDO = re.compile(r":(?:hover|focus|focus-within|active|checked|target)\b", re.I)
_STATE_PSEUDO = re.compile(r":(?:link|visited)\b", re.I)
_PSEUDO_ELEMENT = re.compile(r"::?(?:before|after|first-line|first-letter|selection|placeholder|marker)\b", re.I)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_LENGTH = re.compile(r"^(-?\d*\.?\d+)(px|pt|em|rem|%|vw|vh)?$")
_UNITS = {"px": 1.0, "pt": 4 / 3, "em": 16.0, "rem": 16.0, None: 1.0}
_HEX = re.compile(r"^#([0-9a-f]{3}|[0-9a-f]{6})$")
_RGB = re.compile(r"^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*([\d.]+)\s*)?\)$")
_NAMED_COLOURS = {
    "white": "#ffffff", "black": "#000000", "red": "#ff0000", "green": "#008000", "blue": "#0000ff",
    "yellow": "#ffff00", "gray": "#808080", "grey": "#808080", "silver": "#c0c0c0", "navy": "#000080",
}
_SCRIPT_TYPES = frozenset({"", "text/javascript", "application/javascript", "module", "text/ecmascript", "application/x-javascript"})
_HANDLER_ATTRIBUTES = ("onmouseover", "onmouseenter", "onclick", "onfocus", "onmouseout", "onmousemove")

_EVAL_DECODE = re.compile(r"\beval\s*\(\s*(?:window\s*\.\s*)?(?:unescape|atob|decodeURIComponent|String\s*\.\s*fromCharCode)\s*\(", re.I)
_PACKER = re.compile(r"\beval\s*\(\s*function\s*\(\s*p\s*,\s*a\s*,\s*c\s*,\s*k\s*,\s*e\s*,", re.I)
_WRITE = re.compile(r"document\s*\.\s*write(?:ln)?\s*\(", re.I)
_REFERRER = re.compile(r"document\s*\.\s*referrer", re.I)
_SEARCH_ENGINE = re.compile(r"baidu|sogou|so\.com|sm\.cn|google|bing|soso|youdao|360", re.I)
_REDIRECT = re.compile(
    r"location(?:\s*\.\s*href)?\s*=\s*(['\"])(?P<a>[^'\"]{4,500})\1|location\s*\.\s*(?:replace|assign)\s*\(\s*(['\"])(?P<b>[^'\"]{4,500})\3",
    re.I,
)
_STRING = re.compile(r"'((?:[^'\\\n]|\\.){0,20000})'|\"((?:[^\"\\\n]|\\.){0,20000})\"")
_JS_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)")
_PERCENT_U = re.compile(r"%u([0-9a-fA-F]{4})")
_ATOB = re.compile(r"atob\s*\(\s*(['\"])([A-Za-z0-9+/=\s]{8,})\1", re.I)
_CHAR_CODES = re.compile(r"fromCharCode\s*\(\s*([\d\s,]{3,})\)", re.I)
_URL = re.compile(r"(?:https?:)?//[a-z0-9][a-z0-9.-]*\.[a-z]{2,}(?::\d+)?(?:/[^\s'\"<>()\\]*)?", re.I)
_TAG_URL = re.compile(r"<\s*(script|iframe|frame|embed)\b[^>]*?\bsrc\s*=\s*['\"]?([^'\"\s>]+)", re.I)
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\";]+)", re.I)
_SENTENCE_END = re.compile(r"[。！？；!?;\n]")
_SCHEME = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|[/\\]{2})")  # absolute, protocol-relative or another scheme
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class Thresholds:
    """The knobs; each from the profile key ``monitoring.dark_links.<name>``, else the default here."""

    allow_domains: tuple[str, ...] = DEFAULT_ALLOW_DOMAINS  # script/frame/link hosts never "outside"
    offscreen_px: float = 500  # an offset at least this far negative puts an element off-screen
    farm_links: int = 3  # outside links (to ≥ 2 hosts) hidden in one element make a link farm
    banned_min_score: float = 20  # weighted spam words on the page …
    banned_min_terms: int = 4  # … of at least this many different words …
    banned_min_density: float = 0.02  # … covering at least this share of the visible characters
    banned_head_min_score: float = 8  # spam words in the title and meta keywords/description


def thresholds() -> Thresholds:
    """The thresholds of the active policy profile (defaults where it says nothing, or outside Django)."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        from govsites.policy import profiles

        profile = profiles.active()
    except ImproperlyConfigured:
        return Thresholds()
    values: dict[str, Any] = {}
    for item in fields(Thresholds):
        try:
            value = profile.get(f"monitoring.dark_links.{item.name}")
        except KeyError:
            continue
        values[item.name] = tuple(value) if item.name == "allow_domains" else value
    return Thresholds(**values)


# --- the spam vocabulary ------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    term: str
    category: str
    weight: int


@dataclass
class Vocabulary:
    """``banned.tsv`` compiled: an automaton for text, token tables for host names."""

    automaton: Any
    domain_exact: dict[str, Term] = field(default_factory=dict)  # short terms: a whole run of letters/digits
    domain_inner: dict[str, Term] = field(default_factory=dict)  # 4+ characters: anywhere in a label

    def text_hits(self, text: str) -> Iterator[tuple[int, int, Term]]:
        """Outermost hits (``澳门新葡京`` counts once, not also as ``新葡京``), ASCII case-folded."""
        if self.automaton is None or not text:
            return
        hits = sorted(
            ((last + 1 - len(term.term), last + 1, term) for last, term in self.automaton.iter(text.translate(_ASCII_LOWER))),
            key=lambda hit: (hit[0], -hit[1]),
        )
        reach = -1
        for start, end, term in hits:
            if end > reach:
                reach = end
                yield start, end, term

    def domain_hits(self, host: str) -> list[Term]:
        """Spam tokens of a host name: each label (split at dots and hyphens) is cut into runs of
        letters and of digits; a short term must be a whole run, a term of 4+ characters may sit
        anywhere in the label ("amxinpujing888" holds xinpujing, "bet365vip" holds bet365)."""
        found = []
        for label in re.split(r"[.\-_]+", host.lower()):
            for token in re.findall(r"[a-z]+|[0-9]+", label):
                if token in self.domain_exact:
                    found.append(self.domain_exact[token])
            found += [term for key, term in self.domain_inner.items() if key in label]
        return found


def load_vocabulary(directory: Path = DATA_DIR) -> Vocabulary:
    """Read ``banned.tsv``; :class:`~govsites.monitoring.data.DataError` lists every problem."""
    problems = Problems()
    automaton = ahocorasick.Automaton()
    vocabulary = Vocabulary(None)
    seen: set[tuple[str, str]] = set()
    for where, (term, category, weight, place) in read_tsv(Path(directory) / "banned.tsv", problems, 4, 4):
        term = term.lower()
        if category not in ("gambling", "porn", "game") or place not in ("text", "domain"):
            problems.add(f"{where}：类别应为 gambling/porn/game，位置应为 text/domain")
            continue
        if not weight.isdigit() or not 1 <= int(weight) <= 5:
            problems.add(f"{where}：权重应为1到5的整数")
            continue
        if (term, place) in seen:
            problems.add(f"{where}：“{term}”重复")
            continue
        seen.add((term, place))
        entry = Term(term, category, int(weight))
        if place == "text":
            automaton.add_word(term, entry)
        elif len(term) >= 4 and re.fullmatch(r"[a-z0-9]+", term) and not term.isdigit():
            vocabulary.domain_inner[term] = entry
        elif re.fullmatch(r"[a-z]+|[0-9]+", term):
            vocabulary.domain_exact[term] = entry
        else:
            problems.add(f"{where}：域名词应为小写字母和数字（少于4个字符时只能全是字母或全是数字）")
    problems.raise_if_any("违规内容词表")
    if len(automaton):
        automaton.make_automaton()
        vocabulary.automaton = automaton
    return vocabulary


@functools.cache
def vocabulary(directory: Path = DATA_DIR) -> Vocabulary:
    """The process's compiled vocabulary (built on first use)."""
    return load_vocabulary(directory)


@functools.cache
def _enforcement_context() -> tuple[re.Pattern[str] | None, int, re.Pattern[str] | None, int]:
    """The enforcement-news words of the content screening (``打击``, ``违法犯罪`` …), shared data."""
    from govsites.content.screening import get_screener

    rule = get_screener().config.context

    def alternation(words: tuple[str, ...]) -> re.Pattern[str] | None:
        return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True)))) if words else None

    return alternation(rule.before), rule.before_window, alternation(rule.after), rule.after_window


def in_enforcement_context(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` is reported as something fought against, in the same sentence."""
    before, before_window, after, after_window = _enforcement_context()
    window = text[max(0, start - before_window) : start]
    cut = list(_SENTENCE_END.finditer(window))
    if before is not None and before.search(window[cut[-1].end() :] if cut else window):
        return True
    window = text[end : end + after_window]
    cut_at = _SENTENCE_END.search(window)
    return after is not None and bool(after.search(window[: cut_at.start()] if cut_at else window))


# --- CSS ----------------------------------------------------------------------------------------


def declarations(style: str) -> dict[str, str]:
    """``"Display: NONE !important"`` → ``{"display": "none"}`` (lower case, spaces collapsed)."""
    found = {}
    for part in _CSS_COMMENT.sub("", style or "").split(";"):
        name, colon, value = part.partition(":")
        if colon:
            value = " ".join(value.lower().replace("!important", "").split())
            found[name.strip().lower()] = value
    return found


def _matching_brace(css: str, opening: int) -> int:
    depth = 0
    for index in range(opening, len(css)):
        if css[index] == "{":
            depth += 1
        elif css[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    return len(css)


def css_rules(css: str) -> Iterator[tuple[str, dict[str, str]]]:
    """``(selector list, declarations)`` of a stylesheet, at-rules other than screen media skipped."""
    css = _CSS_COMMENT.sub("", css[:MAX_CSS_CHARS])
    position = 0
    while True:
        opening = css.find("{", position)
        if opening < 0:
            return
        prelude = css[position:opening].strip()
        if prelude.startswith("@"):
            closing = _matching_brace(css, opening)
            if " ".join(prelude.lower().split()) in ("@media screen", "@media all"):
                yield from css_rules(css[opening + 1 : closing])
            position = closing + 1
            continue
        closing = css.find("}", opening)
        closing = len(css) if closing < 0 else closing
        yield prelude, declarations(css[opening + 1 : closing])
        position = closing + 1


def _selectors(selector_list: str) -> list[str]:
    """Split at top-level commas (not inside ``:not(a, b)`` or ``[x=","]``)."""
    parts, depth, current, quote = [], 0, [], ""
    for char in selector_list:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def _specificity(selector: str) -> tuple[int, int, int]:
    ids = selector.count("#")
    classes = len(re.findall(r"\.|\[|:(?!:)", selector))
    elements = len(re.findall(r"(?:^|[\s>+~])[a-zA-Z]", selector))
    return ids, classes, elements


def _pixels(value: str | None) -> float | None:
    match = _LENGTH.match(value or "")
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2)
    if unit in ("%", "vw", "vh"):
        return number if number == 0 else None
    return number * _UNITS[unit]


def colour(value: str | None) -> str | None:
    """A colour as ``#rrggbb`` (opaque only), else None."""
    value = (value or "").strip().lower()
    if not value:
        return None
    if value in _NAMED_COLOURS:
        return _NAMED_COLOURS[value]
    match = _HEX.match(value)
    if match:
        digits = match.group(1)
        return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)
    match = _RGB.match(value)
    if match and (match.group(4) is None or float(match.group(4)) >= 1):
        return "#" + "".join(f"{min(255, int(g)):02x}" for g in match.groups()[:3])
    return None


def _background(decl: dict[str, str]) -> str | None:
    if "background-color" in decl:
        return colour(decl["background-color"])
    if "background" in decl and "url(" not in decl["background"]:
        return next(filter(None, map(colour, decl["background"].split())), None)
    return None


def hiding_technique(decl: dict[str, str], offscreen_px: float) -> str | None:
    """How a set of declarations keeps an element out of sight, if it does."""
    if decl.get("display") == "none":
        return "display:none"
    if decl.get("visibility") in ("hidden", "collapse"):
        return "visibility:hidden"
    opacity = _pixels(decl.get("opacity"))
    if opacity is not None and opacity <= 0.01:
        return "opacity:0"
    if decl.get("position") in ("absolute", "fixed"):
        offsets = (_pixels(decl.get(side)) for side in ("left", "top", "right", "bottom", "margin-left", "margin-top"))
        if any(o is not None and o <= -offscreen_px for o in offsets):
            return "offscreen"
        if decl.get("clip", "").replace(" ", "") in ("rect(0,0,0,0)", "rect(0000)", "rect(0px,0px,0px,0px)", "rect(1px,1px,1px,1px)"):
            return "clip"
    indent = _pixels(decl.get("text-indent"))
    if indent is not None and indent <= -offscreen_px:
        return "text-indent"
    size = _pixels(decl.get("font-size"))
    if size is not None and size <= 1:
        return "font-size:0"
    if decl.get("overflow") == "hidden":
        boxes = (_pixels(decl.get(name)) for name in ("height", "width", "max-height", "max-width", "line-height"))
        if any(b is not None and b <= 1 for b in boxes):
            return "zero-size"
    text, background = colour(decl.get("color")), _background(decl)
    if text is not None and text == background:
        return "same-colour"
    return None


def _reveals(decl: dict[str, str]) -> bool:
    """A hover/focus rule that shows what another rule hides (a drop-down menu)."""
    display, visibility = decl.get("display"), decl.get("visibility")
    if (display and display != "none") or visibility == "visible":
        return True
    if decl.get("position") == "static" or decl.get("left") in ("0", "auto", "0px") or decl.get("top") in ("0", "auto", "0px"):
        return True
    opacity = _pixels(decl.get("opacity"))
    return (opacity is not None and opacity > 0) or decl.get("height") == "auto"


class Styles:
    """The page's ``<style>`` rules that hide or reveal, matched to elements once, lazily."""

    def __init__(self, tree: LexborHTMLParser, css: str, offscreen_px: float):
        self.tree = tree
        self.offscreen_px = offscreen_px
        self._rules: list[tuple[tuple[int, int, int], int, str, dict[str, str]]] = []
        self._font_rules: list[str] = []
        self._reveal_rules: list[str] = []
        order = 0
        for selector_list, decl in css_rules(css):
            relevant = {k: v for k, v in decl.items() if k in _HIDING_PROPERTIES}
            if not relevant:
                continue
            for selector in _selectors(selector_list):
                if _PSEUDO_ELEMENT.search(selector):
                    continue
                order += 1
                if _REVEAL_PSEUDO.search(selector):
                    if _reveals(relevant):
                        self._reveal_rules.append(_REVEAL_PSEUDO.sub("", selector))
                    continue
                selector = _STATE_PSEUDO.sub("", selector)
                if "font-size" in relevant:
                    self._font_rules.append(selector)
                if hiding_technique(relevant, offscreen_px) or not _OVERRIDES.isdisjoint(relevant):
                    self._rules.append((_specificity(selector), order, selector, relevant))
        self._matched: dict[int, list[tuple[tuple[int, int, int], int, dict[str, str]]]] | None = None
        self._revealed: set[int] | None = None
        self._font_sized: set[int] | None = None

    def _select(self, selector: str) -> list[LexborNode]:
        try:
            return self.tree.css(selector)
        except Exception:  # lexbor rejects some selectors (vendor pseudo-classes …): ignore the rule
            return []

    def rule_declarations(self, node: LexborNode) -> dict[str, str]:
        if self._matched is None:
            self._matched = defaultdict(list)
            for specificity, order, selector, decl in self._rules:
                for element in self._select(selector):
                    self._matched[element.mem_id].append((specificity, order, decl))
        merged: dict[str, str] = {}
        for _, _, decl in sorted(self._matched.get(node.mem_id, ()), key=lambda m: (m[0], m[1])):
            merged.update(decl)
        return merged

    def revealed(self, node: LexborNode) -> bool:
        if self._revealed is None:
            self._revealed = {element.mem_id for selector in self._reveal_rules for element in self._select(selector)}
        return node.mem_id in self._revealed

    def sets_font_size(self, node: LexborNode) -> bool:
        if self._font_sized is None:
            self._font_sized = {element.mem_id for selector in self._font_rules for element in self._select(selector)}
        return node.mem_id in self._font_sized


@dataclass(frozen=True)
class Hidden:
    technique: str
    element: LexborNode  # the element that carries the technique (the link or an ancestor)
    revealable: bool  # a hover rule or the page's scripts can show it: a menu, not concealment

    @property
    def strong(self) -> bool:
        return self.technique in STRONG_TECHNIQUES


# --- the page -----------------------------------------------------------------------------------


def _registered_domain(host: str) -> str:
    if ":" in host or host.replace(".", "").isdigit():  # an address is its own domain
        return host
    labels = host.split(".")
    second_level = len(labels) >= 3 and labels[-2] in ("gov", "com", "net", "org", "edu", "ac")
    return ".".join(labels[-3:] if second_level else labels[-2:])


def _under(host: str, domain: str) -> bool:
    domain = domain.lower().strip(".")
    return bool(domain) and (host == domain or host.endswith("." + domain))


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""


def absolute(base: str, reference: str) -> str:
    """``reference`` resolved and normalised as the crawler does (targets compare across checks);
    "" for what is not an http(s) URL or cannot be parsed."""
    try:
        return page_html.absolute(reference, base) or ""
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return ""


def _outer_html(node: LexborNode) -> str:
    html = node.html or ""
    return html if len(html) <= EVIDENCE_CHARS else html[:EVIDENCE_CHARS] + "…"


def _attribute_size(node: LexborNode, name: str) -> float | None:
    value = (node.attributes.get(name) or "").strip().lower()
    return _pixels(value if value.endswith(("px", "%")) else value + "px") if value else None


def _js_string(raw: str) -> str:
    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "xu" and len(code) > 1:
            return chr(int(code[1:], 16))
        return {"n": "\n", "t": "\t", "r": ""}.get(code, code)

    return _JS_ESCAPE.sub(replace, raw)


def decoded_script(script: str) -> str:
    """The script plus what its obfuscation hides: string escapes, ``%XX``/``%uXXXX``, base64, char codes."""
    strings = [_js_string(a or b) for a, b in _STRING.findall(script)]
    decoded = [unquote(_PERCENT_U.sub(lambda m: chr(int(m.group(1), 16)), s)) for s in strings if "%" in s]
    for _, payload in _ATOB.findall(script):
        try:
            decoded.append(base64.b64decode("".join(payload.split()), validate=False).decode("utf-8", "replace"))
        except (binascii.Error, ValueError):
            continue
    for codes in _CHAR_CODES.findall(script):
        decoded.append("".join(chr(int(c)) for c in codes.split(",") if c.strip().isdigit() and int(c) < 0x110000))
    return "\n".join([script, *strings, *decoded])


def _written_html(script: str) -> str:
    """What ``document.write(…)`` calls put into the page (their string literals, decoded)."""
    parts = []
    for match in _WRITE.finditer(script):
        depth, index = 1, match.end()
        while index < len(script) and depth:
            depth += {"(": 1, ")": -1}.get(script[index], 0)
            index += 1
        argument = script[match.end() : index - 1]
        for a, b in _STRING.findall(argument):
            text = _js_string(a or b)
            if "%" in text and "unescape" in argument:
                text = unquote(_PERCENT_U.sub(lambda m: chr(int(m.group(1), 16)), text))
            parts.append(text)
    return "".join(parts)


class PageScan:
    """One page's dark links, injected code and banned content (see the module docstring)."""

    def __init__(self, page: Page, site: SiteFacts, limits: Thresholds, words: Vocabulary):
        self.page = page
        self.url = page.url
        self.site = site
        self.limits = limits
        self.words = words
        own = {_host(site.home_url), site.host.lower(), _host(self.url)} - {""}
        self._own = {_registered_domain(h) for h in own} | own
        self._allowed = tuple(site.allowed_domains) + tuple(limits.allow_domains)
        self.observations: dict[tuple[str, str], Observation] = {}
        self.base = self.url  # the <base href>, once read
        self.script_text = ""  # inline scripts and event handlers, lower case: who toggles what

    # -- helpers

    def outside(self, host: str) -> bool:
        if not host:
            return False
        host = host.lower()
        return not any(_under(host, d) for d in self._own) and not any(_under(host, d) for d in self._allowed)

    def domain_weight(self, host: str) -> int:
        return sum(term.weight for term in self.words.domain_hits(host))

    def spam_words(self, text: str) -> list[Term]:
        return [term for start, end, term in self.words.text_hits(text) if not in_enforcement_context(text, start, end)]

    def add(self, check: str, target: str, evidence: str, detail: dict[str, Any]) -> None:
        key = (check, target)
        if key in self.observations:
            self.observations[key].detail["count"] += 1
            return
        self.observations[key] = Observation(check, self.url, target, evidence, dict(detail, count=1))

    # -- the checks

    def run(self) -> list[Observation]:
        doc = document(self.page)
        if doc is None:
            return []
        tree = doc.tree  # shared with the other checks: read only
        base = tree.css_first("base[href]")
        self.base = (absolute(self.url, base.attributes.get("href") or "") if base is not None else "") or self.url
        css = "\n".join(node.text(deep=True) for node in tree.css("style") if not self._unrendered(node))
        styles = Styles(tree, css, self.limits.offscreen_px)
        scripts = self._inline_scripts(tree)
        handlers = " ".join(
            value or "" for node in tree.css(",".join(f"[{a}]" for a in _HANDLER_ATTRIBUTES)) for value in node.attributes.values()
        )
        self.script_text = ("\n".join(scripts) + "\n" + handlers).lower()
        self._embedded_code(tree, styles)
        self._meta_refresh(tree)
        for script in scripts:
            self._inline_script(script)
        head = " ".join([doc.title, doc.meta("keywords") or "", doc.meta("description") or ""])
        text = doc.text()
        banned = self._banned(text, head)
        # on a spam page its visible spam links are part of the one banned_content finding
        self._links(tree, styles, page_has_spam=bool(self.spam_words(text)), visible_spam=not banned)
        return list(self.observations.values())

    @staticmethod
    def _unrendered(node: LexborNode) -> bool:
        """Inside ``<noscript>`` or ``<template>``: not live in a browser running scripts."""
        parent = node.parent
        while parent is not None:
            if parent.tag in ("noscript", "template"):
                return True
            parent = parent.parent
        return False

    def _inline_scripts(self, tree: LexborHTMLParser) -> list[str]:
        found = []
        for node in tree.css("script"):
            kind = (node.attributes.get("type") or "").strip().lower()
            if "src" in node.attributes or kind not in _SCRIPT_TYPES or self._unrendered(node):
                continue
            found.append(node.text(deep=True)[:MAX_SCRIPT_CHARS])
        return found

    def hidden(self, node: LexborNode, styles: Styles) -> Hidden | None:
        """The nearest way the node or one of its ancestors is kept out of sight."""
        text_colour = background = None
        chain = []
        element: LexborNode | None = node
        while element is not None and element.tag not in ("body", "html", "-undef"):
            chain.append(element)
            attributes = element.attributes
            inline = declarations(attributes.get("style") or "")
            decl = styles.rule_declarations(element) | inline
            technique = hiding_technique(decl, self.limits.offscreen_px)
            if technique == "font-size:0" and any(self._sets_font_size(e, styles) for e in chain[:-1]):
                technique = None  # the inline-block whitespace trick: the children set their size
            if technique is None and "hidden" in attributes:
                technique = "display:none"
            if technique is None and element.tag == "marquee" and self._tiny_marquee(element, decl):
                technique = "marquee"
            if technique is None and element.tag in ("iframe", "frame", "embed", "object", "img"):
                sizes = (_attribute_size(element, "width"), _attribute_size(element, "height"))
                if any(s is not None and s <= 1 for s in sizes):
                    technique = "zero-size"
            text_colour = text_colour or colour(decl.get("color")) or (colour(attributes.get("color")) if element.tag == "font" else None)
            background = background or _background(decl) or colour(attributes.get("bgcolor"))
            if technique is None and text_colour is not None and text_colour == background:
                technique = "same-colour"
            if technique is not None:
                return Hidden(technique, element, self._revealable(element, styles))
            element = element.parent
        return None

    @staticmethod
    def _sets_font_size(node: LexborNode, styles: Styles) -> bool:
        size = _pixels(declarations(node.attributes.get("style") or "").get("font-size"))
        return (size is not None and size > 1) or styles.sets_font_size(node)

    @staticmethod
    def _tiny_marquee(node: LexborNode, decl: dict[str, str]) -> bool:
        sizes = [_attribute_size(node, "height"), _attribute_size(node, "width"), _pixels(decl.get("height")), _pixels(decl.get("width"))]
        amount = (node.attributes.get("scrollamount") or "").strip()
        return any(s is not None and s <= 5 for s in sizes) or (amount.isdigit() and int(amount) >= 1000)

    def _revealable(self, element: LexborNode, styles: Styles) -> bool:
        """A menu: a hover rule shows it, a handler sits on it or its parent, or a script names it."""
        if styles.revealed(element):
            return True
        for node in (element, element.parent):
            if node is not None and any(name in node.attributes for name in _HANDLER_ATTRIBUTES):
                return True
        names = [element.attributes.get("id") or "", *(element.attributes.get("class") or "").split()]
        return any(
            re.search(rf"[#.'\"]{re.escape(name.lower())}(?![\w-])", self.script_text) for name in names if len(name) >= 2
        )

    def _embedded_code(self, tree: LexborHTMLParser, styles: Styles) -> None:
        for node in tree.css("script[src], iframe[src], frame[src], embed[src], object[data]"):
            if self._unrendered(node):
                continue
            kind = (node.attributes.get("type") or "").strip().lower()
            if node.tag == "script" and kind not in _SCRIPT_TYPES:
                continue
            url = absolute(self.base, node.attributes.get("src") or node.attributes.get("data") or "")
            host = _host(url)
            if not url or not self.outside(host):
                continue
            hidden = self.hidden(node, styles) if node.tag != "script" else None
            score = (60 if node.tag == "script" else 50) + (30 if hidden else 0) + (20 if self.domain_weight(host) >= SPAM_DOMAIN_MIN_WEIGHT else 0)
            detail = {"element": node.tag, "host": host, "invisible": bool(hidden), "score": score}
            if hidden:
                detail["technique"] = hidden.technique
            self.add("injected_code", url, _outer_html(node), detail)

    def _meta_refresh(self, tree: LexborHTMLParser) -> None:
        for node in tree.css("meta"):
            if (node.attributes.get("http-equiv") or "").strip().lower() != "refresh":
                continue
            match = _REFRESH_URL.search(node.attributes.get("content") or "")
            url = absolute(self.base, match.group(1)) if match else ""
            if url and self.outside(_host(url)):
                self.add("injected_code", url, _outer_html(node), {"element": "meta_refresh", "host": _host(url), "score": 70})

    def _inline_script(self, script: str) -> None:
        decoded = decoded_script(script)
        obfuscated = bool(_EVAL_DECODE.search(script))
        packed = bool(_PACKER.search(script)) and (bool(self.spam_words(script)) or self._spam_domain_in(script))
        urls = dict.fromkeys(absolute(self.base, u) for u in _URL.findall(decoded))
        outside_urls = [u for u in urls if u and self.outside(_host(u))]
        evidence = " ".join(script.split())[:EVIDENCE_CHARS]
        written = _written_html(script)
        if written:
            for tag, src in _TAG_URL.findall(written):
                url = absolute(self.base, src)
                if url and self.outside(_host(url)):
                    self.add("injected_code", url, evidence, {"element": f"document.write {tag.lower()}", "host": _host(url), "score": 70})
            fragment = LexborHTMLParser(written)
            fragment_styles = Styles(fragment, "\n".join(n.text(deep=True) for n in fragment.css("style")), self.limits.offscreen_px)
            self._links(fragment, fragment_styles, page_has_spam=True, via="document.write")
        for match in _REDIRECT.finditer(decoded):
            url = absolute(self.base, match.group("a") or match.group("b"))
            host = _host(url)
            if not url or not self.outside(host):
                continue
            cloaked = bool(_REFERRER.search(decoded) and _SEARCH_ENGINE.search(decoded))
            if cloaked or self.domain_weight(host) >= SPAM_DOMAIN_MIN_WEIGHT:
                self.add("injected_code", url, evidence, {"element": "redirect", "host": host, "search_engine_cloaking": cloaked, "score": 90})
        if obfuscated or packed:
            targets = outside_urls or [f"inline-script#{hashlib.blake2b(script.encode('utf-8', 'replace'), digest_size=6).hexdigest()}"]
            for target in targets:
                self.add("injected_code", target, evidence, {"element": "obfuscated script", "score": 80})

    def _spam_domain_in(self, text: str) -> bool:
        return self.domain_weight(" ".join(re.findall(r"[a-z0-9]+", text.lower()))) >= SPAM_DOMAIN_MIN_WEIGHT

    def _banned(self, text: str, head: str) -> bool:
        limits = self.limits
        counts: Counter[str] = Counter()
        score = matched = 0
        for start, end, term in self.words.text_hits(text):
            if in_enforcement_context(text, start, end):
                continue
            counts[term.term] += 1
            score += term.weight
            matched += end - start
        visible = max(1, len(text) - text.count(" ") - text.count("\n"))
        density = matched / visible
        head_terms = {term.term: term.weight for term in self.spam_words(head)}
        head_score = sum(head_terms.values())
        body_hit = score >= limits.banned_min_score and len(counts) >= limits.banned_min_terms and density >= limits.banned_min_density
        head_hit = head_score >= limits.banned_head_min_score and len(head_terms) >= 2
        if not (body_hit or head_hit):
            return False
        words = "、".join(f"{term}×{n}" for term, n in counts.most_common(8)) or "、".join(head_terms)
        where = "正文" if body_hit else "标题和关键词"
        evidence = f"{where}违规词：{words}（得分{score}，密度{density:.1%}）"
        detail = {"score": score, "density": round(density, 4), "terms": dict(counts.most_common(20)), "head_terms": sorted(head_terms), "where": "body" if body_hit else "head"}
        self.add("banned_content", "", evidence, detail)
        return True

    def _links(self, tree: LexborHTMLParser, styles: Styles, *, page_has_spam: bool, visible_spam: bool = True, via: str = "") -> None:
        hidden_outside: dict[int, list[tuple[str, str, LexborNode, Hidden]]] = defaultdict(list)
        base_inside = not self.outside(_host(self.base))
        for node in tree.css("a[href], area[href]"):
            raw = (node.attributes.get("href") or "").strip()
            relative = base_inside and not _SCHEME.match(raw)
            if relative and not page_has_spam:
                continue  # the common case, decided without resolving the URL
            url = absolute(self.base, raw)
            if not url:
                continue
            host = _host(url)
            outside = not relative and self.outside(host)
            if not outside and not page_has_spam:
                continue
            text = " ".join(filter(None, [node.text(deep=True), node.attributes.get("title") or ""]))
            words = self.spam_words(text)
            if (not outside and not words) or self._unrendered(node):
                continue  # an internal link is only suspect with spam words on it
            heaviest = max((t.weight for t in words), default=0)
            domain = self.domain_weight(host) if outside else 0
            hidden = self.hidden(node, styles)
            detail: dict[str, Any] = {"host": host, "text": " ".join(text.split())[:80]}
            keywords = {t.term for t in words} | ({t.term for t in self.words.domain_hits(host)} if domain else set())
            if keywords:
                detail["keywords"] = sorted(keywords)
            if via:
                detail["via"] = via
            if hidden is not None:
                detail.update(technique=hidden.technique, hidden_by="self" if hidden.element.mem_id == node.mem_id else hidden.element.tag)
                spam = heaviest >= STRONG_SPAM_WORD or domain >= SPAM_DOMAIN_MIN_WEIGHT or (outside and words)
                if spam:
                    self.add("dark_link", url, _outer_html(hidden.element), dict(detail, score=95))
                elif outside and not hidden.revealable and hidden.strong:
                    self.add("dark_link", url, _outer_html(hidden.element), dict(detail, score=80))
                elif outside and not hidden.revealable:
                    hidden_outside[hidden.element.mem_id].append((url, host, hidden.element, hidden))
            elif visible_spam and outside and (heaviest >= VISIBLE_SPAM_WORD or domain >= SPAM_DOMAIN_MIN_WEIGHT):
                self.add("dark_link", url, _outer_html(node), dict(detail, technique="visible", score=70))
        for links in hidden_outside.values():  # a link farm: many outside links in one hidden box
            if len(links) >= self.limits.farm_links and len({host for _, host, _, _ in links}) >= 2:
                for url, host, element, hidden in links:
                    detail = {"host": host, "technique": hidden.technique, "farm": len(links), "score": 75}
                    self.add("dark_link", url, _outer_html(element), dict(detail, via=via) if via else detail)


def check_page(page: Page, site: SiteFacts, *, limits: Thresholds | None = None, directory: Path | str | None = None) -> list[Observation]:
    """``dark_link``, ``injected_code`` and ``banned_content`` observations for one crawled page.

    ``limits`` defaults to :func:`thresholds` (the active profile); ``directory`` to the shipped
    data. Never raises on odd markup: lexbor parses anything, and unusable CSS rules are skipped.
    """
    status = page.fetch.status
    if page.fetch.error or (status is not None and status >= 400):
        return []
    words = vocabulary(Path(directory) if directory is not None else DATA_DIR)
    return PageScan(page, site, limits or thresholds(), words).run()


def check_dark_links(site: SiteFacts, pages: list[Page], *, limits: Thresholds | None = None, directory: Path | str | None = None) -> list[Observation]:
    """:func:`check_page` for every page of a site's crawl, with the profile read once."""
    limits = limits or thresholds()
    return [observation for page in pages for observation in check_page(page, site, limits=limits, directory=directory)]
