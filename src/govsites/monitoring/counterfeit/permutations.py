"""Look-alike domains of an estate site: what an impostor would register to pass for it.

Typo fuzzers follow dnstwist (omission, repetition, transposition, adjacent-key replacement and
insertion, homoglyphs, bitsquatting, hyphenation, vowel swap, dot insertion, addition) and act on
the registrable label (``jinzhong`` of ``www.jinzhong.gov.cn``). Counterfeit government sites,
though, mostly live outside ``.gov.cn`` (which impostors cannot register), so two fuzzers matter
more here: ``gov-suffix`` (``jinzhong-gov.com``, ``jinzhong.gov-cn.com``, ``jinzhong.com.cn`` …)
and ``pinyin`` (the site's Chinese name spelled out: 晋中市人民政府 → ``jinzhong``, ``jz``,
``jzszf`` … on common TLDs). Every candidate is tagged with its fuzzer; the list is deduplicated,
never contains the original (or any host passed in ``exclude``) and is capped.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin

# Most likely first: when the cap bites, candidates are taken round-robin in this order.
FUZZERS: tuple[str, ...] = (
    "gov-suffix", "pinyin", "omission", "homoglyph", "transposition", "repetition", "replacement",
    "vowel-swap", "hyphenation", "insertion", "subdomain", "bitsquatting", "addition",
)
DEFAULT_TLDS: tuple[str, ...] = ("com", "cn", "net", "com.cn", "org.cn", "net.cn", "org", "cc", "top", "vip", "xyz")
DEFAULT_LIMIT = 600
DEFAULT_MAX_PINYIN_STEMS = 24

# Second-level labels that make a two-label public suffix under a country TLD (``gov.cn``,
# ``com.cn``, ``sx.cn`` for Shanxi …): the registrable label is the one left of them.
_GENERIC_SLD = {"gov", "com", "net", "org", "edu", "ac", "mil", "co"}
_CN_PROVINCES = {
    "bj", "tj", "he", "sx", "nm", "ln", "jl", "hl", "sh", "js", "zj", "ah", "fj", "jx", "sd", "ha", "hb",
    "hn", "gd", "gx", "hi", "cq", "sc", "gz", "yn", "xz", "sn", "gs", "qh", "nx", "xj", "tw", "hk", "mo",
}
# Impostor suffixes put where ``gov.cn`` was (dotted) or glued to the name (flat).
_GOV_DOTTED = ("gov.com", "gov.cn.com", "gov-cn.com", "govcn.com", "gov.net", "gov.cn.net", "gov-cn.net")
_GOV_FLAT = ("{}-gov.cn", "{}gov.cn", "{}-gov.com", "{}gov.com", "{}-gov-cn.com", "{}govcn.com",
             "{}-govcn.com", "{}-gov.net", "{}gov.net", "gov-{}.com")

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_VOWELS = "aeiou"
_ALNUM = string.ascii_lowercase + string.digits
# Look-alikes that stay inside ASCII (digit/letter and letter-pair confusions) …
_ASCII_GLYPHS: dict[str, tuple[str, ...]] = {
    "o": ("0",), "0": ("o",), "l": ("1", "i"), "1": ("l", "i"), "i": ("1", "l"), "m": ("rn", "nn"),
    "w": ("vv",), "d": ("cl",), "g": ("q", "9"), "q": ("g",), "s": ("5",), "z": ("2",), "b": ("6",),
    "rn": ("m",), "vv": ("w",), "cl": ("d",), "nn": ("m",),
}
# … and Cyrillic letters that render like Latin ones (registered as IDN ``xn--`` names).
_UNICODE_GLYPHS: dict[str, str] = {
    "a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "i": "і", "j": "ј", "s": "ѕ", "h": "һ",
}

# Chinese names: strip the "site" words, then split 晋中市人民政府 into region 晋中, level 市,
# body 人民政府. Levels are tried longest first so 自治区 is not read as 区.
_SITE_WORDS = re.compile(r"(门户网站|官方网站|政务网|网站|门户|官网)$")
_REGION = re.compile(
    r"^(?P<region>[\u4e00-\u9fff]{2,}?)"
    r"(?P<level>特别行政区|自治区|自治州|自治县|自治旗|地区|新区|省|市|县|区|州|盟|旗)(?P<rest>.*)$"
)
_GOVERNMENT_BODIES: dict[str, tuple[str, ...]] = {"人民政府": ("zf", "rmzf"), "政府": ("zf",)}


@dataclass(frozen=True)
class Candidate:
    """A look-alike host name (ASCII; IDN as ``xn--``), the fuzzer that made it and the estate
    host it imitates."""

    domain: str
    fuzzer: str
    origin: str


@dataclass(frozen=True)
class HostParts:
    """``slj.bd.gov.cn`` → sub ``("slj",)``, name ``bd``, suffix ``gov.cn`` (``www`` dropped)."""

    sub: tuple[str, ...]
    name: str
    suffix: str


def normalise_host(raw: str) -> str:
    """Lower-case ASCII host name (IDNA for Chinese labels), no trailing dot; "" if not a name."""
    host = (raw or "").strip().lower().rstrip(".")
    if not host or len(host) > 253 or any(c in host for c in " /:@?#\\"):
        return ""
    try:
        labels = [_to_ascii(label) for label in host.split(".")]
    except UnicodeError:
        return ""
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return ""
    return ".".join(labels)


def _to_ascii(label: str) -> str:
    return label if label.isascii() else label.encode("idna").decode("ascii")


def split_host(host: str) -> HostParts | None:
    labels = host.split(".")
    if len(labels) < 2:
        return None
    suffix_len = 1
    if len(labels) >= 3 and len(labels[-1]) == 2 and (
        labels[-2] in _GENERIC_SLD or (labels[-1] == "cn" and labels[-2] in _CN_PROVINCES)
    ):
        suffix_len = 2
    name = labels[-suffix_len - 1]
    sub = tuple(label for label in labels[: -suffix_len - 1] if label != "www")
    return HostParts(sub=sub, name=name, suffix=".".join(labels[-suffix_len:]))


def _keyboard() -> dict[str, str]:
    """QWERTY neighbours of every letter and digit (what a slipping finger types instead)."""
    adjacent: dict[str, str] = {}
    for r, row in enumerate(_KEYBOARD_ROWS):
        for i, key in enumerate(row):
            near = [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
            if r > 0:  # the row above is shifted left by half a key
                near += [_KEYBOARD_ROWS[r - 1][j] for j in (i, i + 1) if j < len(_KEYBOARD_ROWS[r - 1])]
            if r + 1 < len(_KEYBOARD_ROWS):
                near += [_KEYBOARD_ROWS[r + 1][j] for j in (i - 1, i) if 0 <= j < len(_KEYBOARD_ROWS[r + 1])]
            adjacent[key] = "".join(near)
    return adjacent


_ADJACENT = _keyboard()


# -- typo fuzzers over one label ------------------------------------------------------------------

def _omission(s: str) -> Iterator[str]:
    for i in range(len(s)):
        yield s[:i] + s[i + 1:]


def _repetition(s: str) -> Iterator[str]:
    for i, c in enumerate(s):
        if c.isalnum():
            yield s[:i] + c + s[i:]


def _transposition(s: str) -> Iterator[str]:
    for i in range(len(s) - 1):
        if s[i] != s[i + 1]:
            yield s[:i] + s[i + 1] + s[i] + s[i + 2:]


def _replacement(s: str) -> Iterator[str]:
    for i, c in enumerate(s):
        for k in _ADJACENT.get(c, ""):
            yield s[:i] + k + s[i + 1:]


def _insertion(s: str) -> Iterator[str]:
    for i, c in enumerate(s):
        for k in _ADJACENT.get(c, ""):
            yield s[:i] + k + s[i:]
            yield s[:i + 1] + k + s[i + 1:]


def _homoglyph(s: str) -> Iterator[str]:
    for glyph, replacements in _ASCII_GLYPHS.items():
        start = s.find(glyph)
        while start >= 0:
            for r in replacements:
                yield s[:start] + r + s[start + len(glyph):]
            start = s.find(glyph, start + 1)
    for i, c in enumerate(s):
        if c in _UNICODE_GLYPHS:
            yield _to_ascii(s[:i] + _UNICODE_GLYPHS[c] + s[i + 1:])


def _bitsquatting(s: str) -> Iterator[str]:
    """One flipped bit in memory or on the wire (Dinaburg 2011); only results that are valid
    host-name characters count."""
    for i, c in enumerate(s):
        for bit in range(8):
            flipped = chr(ord(c) ^ (1 << bit))
            if flipped in _ALNUM or flipped == "-":
                yield s[:i] + flipped + s[i + 1:]


def _between(s: str, mark: str) -> Iterator[str]:
    for i in range(1, len(s)):
        if s[i - 1] not in "-." and s[i] not in "-.":
            yield s[:i] + mark + s[i:]


def _hyphenation(s: str) -> Iterator[str]:
    return _between(s, "-")


def _subdomain(s: str) -> Iterator[str]:
    return _between(s, ".")


def _vowel_swap(s: str) -> Iterator[str]:
    for i, c in enumerate(s):
        if c in _VOWELS:
            for v in _VOWELS:
                if v != c:
                    yield s[:i] + v + s[i + 1:]


def _addition(s: str) -> Iterator[str]:
    for c in _ALNUM:
        yield s + c


_TYPO_FUZZERS: dict[str, Callable[[str], Iterator[str]]] = {
    "omission": _omission, "repetition": _repetition, "transposition": _transposition,
    "replacement": _replacement, "insertion": _insertion, "homoglyph": _homoglyph,
    "bitsquatting": _bitsquatting, "hyphenation": _hyphenation, "vowel-swap": _vowel_swap,
    "subdomain": _subdomain, "addition": _addition,
}


# -- government-specific fuzzers ------------------------------------------------------------------

def _flat_stems(parts: HostParts) -> list[str]:
    if not parts.sub:
        return [parts.name]
    joined = "".join(parts.sub)
    return [joined + parts.name, "-".join((*parts.sub, parts.name)), parts.name + joined]


def _gov_suffix(parts: HostParts, tlds: Sequence[str]) -> Iterator[str]:
    dotted = ".".join((*parts.sub, parts.name))
    for alt in _GOV_DOTTED:
        yield f"{dotted}.{alt}"
    for stem in _flat_stems(parts):
        for template in _GOV_FLAT:
            yield template.format(stem)
    for tld in tlds:
        yield f"{dotted}.{tld}"


def _syllables(text: str) -> list[str]:
    return [s for s in lazy_pinyin(text, style=Style.NORMAL, errors="ignore") if s.isascii() and s.isalpha()]


def _initials(text: str) -> str:
    return "".join(s[0] for s in _syllables(text))


def parse_chinese_name(name: str) -> tuple[list[tuple[str, str]], str]:
    """晋中市人民政府 → ([("晋中", "市")], "人民政府"); 太原市小店区人民政府 → two regions."""
    rest = _SITE_WORDS.sub("", re.sub(r"\s+", "", name or ""))
    regions: list[tuple[str, str]] = []
    while (m := _REGION.match(rest)) and len(regions) < 3:
        regions.append((m["region"], m["level"]))
        rest = m["rest"]
    return regions, rest


def pinyin_stems(name: str, *, max_stems: int = DEFAULT_MAX_PINYIN_STEMS) -> list[str]:
    """Latin spellings of a Chinese site name that an impostor might register, likeliest first:
    full pinyin and initials of the (most specific) place, with and without its level and the
    body (人民政府 → zf/rmzf; other bodies by initials, short ones in full), hyphenated syllables,
    and the whole name spelled out."""
    regions, body = parse_chinese_name(name)
    stems: list[str] = []
    if regions:
        place, level = regions[-1]
        full, short = "".join(_syllables(place)), _initials(place)
        level_full, level_short = "".join(_syllables(level)), _initials(level)
        places = [full, short, full + level_full, short + level_short]
        if len(regions) > 1:
            chain = "".join(r for r, _ in regions)
            places += [_initials(chain), "".join(_initials(r + lv) for r, lv in regions)]
        if body in _GOVERNMENT_BODIES:
            bodies: tuple[str, ...] = ("", *_GOVERNMENT_BODIES[body])
        elif body:
            bodies = (_initials(body),) + (("".join(_syllables(body)),) if len(body) <= 4 else ())
        else:
            bodies = ("",)
        stems += [p + b for b in bodies for p in places]
        if "" in bodies:  # the place alone names the government itself, not one of its departments
            stems += ["-".join(_syllables(place)), "-".join(_syllables(place + level))]
    whole = "".join(r + lv for r, lv in regions) + body
    if whole:
        stems += ["".join(_syllables(whole)), _initials(whole)]
    unique = [s for s in dict.fromkeys(stems) if len(s.replace("-", "")) >= 2 and _LABEL.match(s)]
    return unique[:max_stems]


def _pinyin(name: str, tlds: Sequence[str], max_stems: int) -> Iterator[str]:
    for stem in pinyin_stems(name, max_stems=max_stems):
        for tld in tlds:
            yield f"{stem}.{tld}"


# -- assembly -------------------------------------------------------------------------------------

def _valid(host: str) -> bool:
    labels = host.split(".")
    return (
        len(host) <= 253 and len(labels) >= 2
        and all(_LABEL.match(label) and (label[2:4] != "--" or label.startswith("xn--")) for label in labels)
    )


def _round_robin(streams: dict[str, list[str]], origin: str, skip: set[str], limit: int) -> list[Candidate]:
    """Take one new host from each fuzzer in turn. A host several fuzzers make belongs to the
    first of them in :data:`FUZZERS` order (``jinzhong.com`` is a ``gov-suffix`` swap before it
    is a pinyin spelling), whatever the cap."""
    owner: dict[str, str] = {}
    for fuzzer, hosts in streams.items():
        for host in hosts:
            owner.setdefault(host, fuzzer)
    queues = {fuzzer: iter(hosts) for fuzzer, hosts in streams.items()}
    result: list[Candidate] = []
    seen = set(skip)
    while queues and len(result) < limit:
        for fuzzer in list(queues):
            for host in queues[fuzzer]:
                if host not in seen and owner[host] == fuzzer and _valid(host):
                    seen.add(host)
                    result.append(Candidate(domain=host, fuzzer=fuzzer, origin=origin))
                    break
            else:
                del queues[fuzzer]
            if len(result) >= limit:
                break
    return result


def permutations(
    host: str,
    name: str = "",
    *,
    tlds: Sequence[str] = DEFAULT_TLDS,
    fuzzers: Iterable[str] | None = None,
    limit: int = DEFAULT_LIMIT,
    exclude: Iterable[str] = (),
    max_pinyin_stems: int = DEFAULT_MAX_PINYIN_STEMS,
) -> list[Candidate]:
    """Look-alikes of ``host`` (and of the Chinese site ``name``, for the pinyin fuzzer).

    ``fuzzers`` picks a subset of :data:`FUZZERS`; ``limit`` caps the result, taking the fuzzers
    round-robin in :data:`FUZZERS` order so that no family is starved. ``exclude`` lists hosts
    that are never candidates (the rest of the estate: ``jinzhou.gov.cn`` is a typo of
    ``jinzhong.gov.cn`` but a real site). An unparseable host yields only pinyin candidates.
    """
    wanted = list(FUZZERS) if fuzzers is None else [f for f in FUZZERS if f in set(fuzzers)]
    unknown = set(fuzzers or ()) - set(FUZZERS)
    if unknown:
        raise ValueError(f"unknown fuzzer(s): {', '.join(sorted(unknown))}")
    origin = normalise_host(host)
    parts = split_host(origin) if origin else None
    tld_list = [t.strip(".").lower() for t in tlds if t.strip(".")]
    skip = set()
    for h in filter(None, (normalise_host(x) for x in (*exclude, origin))):
        skip |= {h, h.removeprefix("www."), "www." + h.removeprefix("www.")}

    streams: dict[str, list[str]] = {}
    for fuzzer in wanted:
        if fuzzer == "pinyin":
            streams[fuzzer] = list(_pinyin(name, tld_list, max_pinyin_stems))
        elif parts is None or parts.name.startswith("xn--"):
            continue
        elif fuzzer == "gov-suffix":
            streams[fuzzer] = list(_gov_suffix(parts, tld_list))
        else:
            head = ".".join(parts.sub) + "." if parts.sub else ""
            streams[fuzzer] = [f"{head}{label}.{parts.suffix}" for label in _TYPO_FUZZERS[fuzzer](parts.name)]
    return _round_robin(streams, origin or host, skip, max(0, limit))
