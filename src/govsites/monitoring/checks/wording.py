"""Serious wording errors (严重表述错误) and typos (错别字) in the visible text of a page.

Everything comes from curated data in ``monitoring/data`` (see its README): a dated table of the
national leaders' offices, fixed political expressions with their wrong forms, a confusion set of
typos and a table of look-alike characters; homophones (and their 模糊音 neighbours) come from
pypinyin's character table. No model is downloaded or trained. One Aho-Corasick automaton, built
once per process, finds the titles, names, expressions and confusions in a single pass over the
text; the thousands of generated misspellings are looked up in dictionaries at those anchors.

Reported, and why each is precise:

- ``serious_wording`` / leader name: a one-character misspelling of a listed leader's name (a
  homophone or a look-alike) *where the context makes it a leader's name*: a national title right
  before it ("国务院总理李墙"), an honorific of that office alone right after it ("李墙总理"), or
  a phrase that follows only that leader's name ("习进平新时代中国特色社会主义思想"). A variant
  that is itself a listed name is never one.
- ``serious_wording`` / leader title: a national title right before a listed name that did not
  hold it on the page's date ("国务院总理李克强" on a page of 2024), or never held it. "时任", "原"
  … before the title, or an earlier year in the same sentence, make it history and it is skipped.
  Without a page date only titles the person never held are reported.
- ``serious_wording`` / expression: a wrong form of a fixed political expression.
- ``typo``: a misspelling of the confusion set, unless it lies inside one of its exceptions.

Speed: a 200 KB page dense with names and expressions is checked in about 25 ms (its text
extraction included), an ordinary page well under a millisecond; the matcher is built once per
process in about half a second (pypinyin's table included). See ``test_a_large_page_is_checked_fast``.
"""

from __future__ import annotations

import functools
import itertools
import re
import tomllib
import unicodedata
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import ahocorasick

from ..data import DATA_DIR, Problems, read_tsv
from ..html import Document, document
from ..types import Observation, Page, SiteFacts

MAX_TEXT_CHARS = 2_000_000  # text beyond this (a pathological page) is not checked
SNIPPET_CHARS = 15  # context shown on each side of a finding
GRACE_BEFORE_DAYS = 1  # a report of the day of a change may be dated the day before
GRACE_AFTER_DAYS = 15  # reports published shortly after a change still describe the days before
HISTORY_WINDOW = 60  # characters before a title searched for a year or a sentence end

# Where a one-character slip is not generated: function characters, whose swaps and omissions
# make ordinary text ("坚持和发展…" → "坚持发展…" is fine) and which a homophone may well be
# ("中国式现代化" → "中国是现代化…" is a normal sentence).
FUNCTION_CHARS = frozenset("的地得是在和与及或并且而之其于以为把被让给向从对将这那有个了着过也都就不一上下中")
AUTO_SUBSTITUTION_MIN = 5  # inner characters of expressions this long get homophones/look-alikes
AUTO_EDGE_MIN = 7  # … the first and last character only from this length
AUTO_TRANSPOSITION_MIN = 6
AUTO_OMISSION_MIN = 7
ORDER_MAX_ITEMS = 5  # enumerations longer than this are not permuted (5! = 120 forms)
_ENUMERATION_SEPARATOR = "、"
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
_FUZZY_INITIALS = (("z", "zh"), ("c", "ch"), ("s", "sh"), ("l", "n"))
_GB2312_LAST_LEVEL1_ROW = 0xD7  # lead bytes 0xB0–0xD7: the 3 755 level-1 characters

_SENTENCE_END = re.compile(r"[。！？；!?;\n]")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_PUBDATE_NAMES = ("pubdate", "publishdate", "firstpublishedtime")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


# --- the data ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tenure:
    name: str
    start: date
    end: date | None  # None: still in office

    def covers(self, day: date) -> bool:
        if day < self.start - timedelta(days=GRACE_BEFORE_DAYS):
            return False
        return self.end is None or day <= self.end + timedelta(days=GRACE_AFTER_DAYS)


@dataclass(frozen=True)
class Office:
    key: str
    forms: tuple[str, ...]  # full titles written before a name
    suffixes: tuple[str, ...]  # honorifics of this office alone, written after a name
    since: date  # every holder from this day on is listed
    tenures: tuple[Tenure, ...]

    def holders_on(self, day: date) -> list[str]:
        return [t.name for t in self.tenures if t.start <= day and (t.end is None or day < t.end)]

    def held_by(self, name: str, day: date | None, first_seen: date) -> bool:
        """Whether ``name`` held the office on ``day`` (ever, when the day is unknown).

        What the table does not cover counts as held: a day before ``since``, or — without a
        day — a person who appears in the table before ``since`` (they may have held it then).
        """
        tenures = [t for t in self.tenures if t.name == name]
        if day is None:
            return bool(tenures) or first_seen < self.since
        return day < self.since or any(t.covers(day) for t in tenures)


@dataclass(frozen=True)
class Leaders:
    offices: tuple[Office, ...]
    contexts_after: dict[str, tuple[str, ...]]  # leader → phrases that follow only that name
    former_markers: tuple[str, ...]
    checked: date
    first_seen: dict[str, date] = field(default_factory=dict)  # name → earliest tenure start


@dataclass(frozen=True)
class Confusion:
    wrong: str
    correct: str
    followed_by: re.Pattern[str] | None
    exceptions: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Expression:
    correct: str
    wrong: dict[str, str]  # wrong form → how it goes wrong (Chinese, for the sponsor)


@dataclass(frozen=True)
class WordingData:
    leaders: Leaders
    expressions: tuple[Expression, ...]
    confusions: tuple[Confusion, ...]
    similar: Similar


def _strip_tone(reading: str) -> str:
    """"píng" → "ping"; the diaeresis stays ("lǜ" → "lü"), it is a different syllable."""
    decomposed = unicodedata.normalize("NFD", reading)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c == "\u0308" or not unicodedata.combining(c)))


@functools.cache
def _pinyin() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """(character → toneless readings, reading → the common characters with that reading).

    The common characters are GB2312's first level (3 755): what an input method offers first,
    so the misspellings people actually type; rarer ones would only bloat the automaton.
    """
    from pypinyin.pinyin_dict import pinyin_dict  # imported here: loading it takes ~0.2 s

    readings: dict[str, frozenset[str]] = {}
    by_reading: dict[str, set[str]] = defaultdict(set)
    for code, value in pinyin_dict.items():
        if not 0x4E00 <= code <= 0x9FFF:
            continue
        char = chr(code)
        toneless = frozenset(_strip_tone(r) for r in value.split(","))
        readings[char] = toneless
        try:
            common = char.encode("gb2312")[0] <= _GB2312_LAST_LEVEL1_ROW
        except UnicodeEncodeError:
            common = False
        if common:
            for reading in toneless:
                by_reading[reading].add(char)
    return readings, {k: frozenset(v) for k, v in by_reading.items()}


def fuzzy_readings(reading: str) -> set[str]:
    """The reading and its 模糊音 neighbours: the pairs pinyin input methods offer to merge
    (z/zh, c/ch, s/sh, n/l; an/ang, en/eng, in/ing) — one swap at a time, as one slip makes one."""
    found = {reading}
    for plain, curled in _FUZZY_INITIALS:
        if reading.startswith(curled):
            found.add(plain + reading[len(curled) :])
        elif reading.startswith(plain):
            found.add(curled + reading[len(plain) :])
    if reading.endswith("ng") and reading[-3:-2] in ("a", "e", "i"):
        found.add(reading[:-1])
    elif reading.endswith(("an", "en", "in")):
        found.add(reading + "g")
    return found


class Similar:
    """The characters a character is mistaken for: common homophones (any tone, and the 模糊音
    neighbours of its readings) and look-alikes."""

    def __init__(self, shape_groups: list[str]):
        self._shapes: dict[str, set[str]] = defaultdict(set)
        for group in shape_groups:
            for char in group:
                self._shapes[char] |= set(group)
        self._cache: dict[str, frozenset[str]] = {}

    def __call__(self, char: str) -> frozenset[str]:
        found = self._cache.get(char)
        if found is None:
            readings, by_reading = _pinyin()
            others = set(self._shapes.get(char, ()))
            for reading in readings.get(char, ()):
                for near in fuzzy_readings(reading):
                    others |= by_reading.get(near, set())
            found = self._cache[char] = frozenset(others - {char} - FUNCTION_CHARS)
        return found


def _load_leaders(path: Path, problems: Problems) -> Leaders:
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        problems.add(f"无法读取 {path.name}：{error}")
        return Leaders((), {}, (), date.min)
    names = raw.get("names", {})
    offices, first_seen, keys = [], {}, set()
    for index, table in enumerate(raw.get("office", []), start=1):
        where = f"{path.name} 第{index}个[[office]]"
        key, since = table.get("key"), table.get("since")
        forms, suffixes = table.get("forms", []), table.get("suffixes", [])
        if not isinstance(key, str) or not key or key in keys:
            problems.add(f"{where}：key 缺失或重复")
            continue
        keys.add(key)
        if not isinstance(since, date) or not forms or not all(isinstance(f, str) and f for f in forms + suffixes):
            problems.add(f"{where}（{key}）：需要 since（日期）和非空的 forms，forms/suffixes 应为字符串")
            continue
        tenures = []
        for holder in table.get("holders", []):
            name, start, end = holder.get("name"), holder.get("from"), holder.get("to")
            if not isinstance(name, str) or not _HAN.match(name) or not 2 <= len(name) <= 4:
                problems.add(f"{where}（{key}）：姓名“{name}”应为2到4个汉字")
                continue
            if not isinstance(start, date) or not (end is None or (isinstance(end, date) and end > start)):
                problems.add(f"{where}（{key}）：{name} 的 from/to 应为日期，且 to 晚于 from")
                continue
            tenures.append(Tenure(name, start, end))
            first_seen[name] = min(first_seen.get(name, start), start)
        offices.append(Office(key, tuple(forms), tuple(suffixes), since, tuple(tenures)))
    checked = raw.get("meta", {}).get("checked")
    if not isinstance(checked, date):
        problems.add(f"{path.name}：[meta] checked 应为核对日期")
        checked = date.min
    contexts = {}
    for name, phrases in names.get("contexts_after", {}).items():
        if name not in first_seen or not isinstance(phrases, list) or not all(isinstance(p, str) and p for p in phrases):
            problems.add(f"{path.name} [names.contexts_after]：“{name}”应为表中的姓名，其值为非空字符串列表")
            continue
        contexts[name] = tuple(dict.fromkeys(phrases))
    return Leaders(tuple(offices), contexts, tuple(dict.fromkeys(names.get("former_markers", []))), checked, first_seen)


def _load_shapes(path: Path, problems: Problems) -> list[str]:
    groups = []
    for where, (column,) in read_tsv(path, problems, 1, 1):
        chars = column.split()
        if len(chars) < 2 or any(len(c) != 1 or not _HAN.match(c) for c in chars):
            problems.add(f"{where}：每行应为至少两个以空格分隔的单个汉字")
            continue
        groups.append("".join(chars))
    return groups


def _load_confusions(path: Path, problems: Problems) -> tuple[Confusion, ...]:
    confusions, seen = [], set()
    for where, (wrong, correct, followed, exceptions, note) in read_tsv(path, problems, 2, 5):
        if not correct or wrong == correct or wrong in seen:
            problems.add(f"{where}：“{wrong}”缺少正确写法、与正确写法相同或重复")
            continue
        seen.add(wrong)
        try:
            pattern = re.compile(followed) if followed else None
        except re.error as error:
            problems.add(f"{where}：后接条件不是有效的正则表达式（{error}）")
            continue
        excepted = tuple(e for e in exceptions.split("|") if e)
        if any(wrong not in e or e == wrong for e in excepted):
            problems.add(f"{where}：例外词必须比“{wrong}”长并包含它")
            continue
        confusions.append(Confusion(wrong, correct, pattern, excepted, note or f"应为“{correct}”"))
    return tuple(confusions)


def _one_character_slips(correct: str, similar: Similar) -> dict[str, str]:
    """Wrong forms of ``correct`` that differ by one slip, where the slip cannot be normal text."""
    forms: dict[str, str] = {}
    length = len(correct)
    for i, char in enumerate(correct):
        if char in FUNCTION_CHARS or not _HAN.match(char):
            continue
        inner = 0 < i < length - 1
        if length >= AUTO_SUBSTITUTION_MIN and (inner or length >= AUTO_EDGE_MIN):
            for other in similar(char):
                forms.setdefault(correct[:i] + other + correct[i + 1 :], f"“{char}”误写为“{other}”")
        if length >= AUTO_OMISSION_MIN and inner:
            forms.setdefault(correct[:i] + correct[i + 1 :], f"漏字“{char}”")
        after = correct[i + 1] if i + 1 < length else ""
        if length >= AUTO_TRANSPOSITION_MIN and after and after != char and after not in FUNCTION_CHARS and _HAN.match(after):
            forms.setdefault(correct[:i] + after + char + correct[i + 2 :], f"“{char}{after}”顺序颠倒")
    return forms


def _wrong_orders(correct: str) -> dict[str, str]:
    items = correct.split(_ENUMERATION_SEPARATOR)
    if not 2 <= len(items) <= ORDER_MAX_ITEMS:
        return {}
    return {
        _ENUMERATION_SEPARATOR.join(order): "排列顺序错误"
        for order in itertools.permutations(items)
        if list(order) != items
    }


def _load_expressions(path: Path, problems: Problems, similar: Similar) -> tuple[Expression, ...]:
    rows = []
    for where, (correct, generate, listed) in read_tsv(path, problems, 1, 3):
        flags = {f.strip() for f in generate.split(",") if f.strip()}
        if flags - {"auto", "order"}:
            problems.add(f"{where}：生成方式只能是 auto、order 或留空")
            continue
        if "order" in flags and _ENUMERATION_SEPARATOR not in correct:
            problems.add(f"{where}：order 只适用于以“、”分隔的并列表述")
            continue
        wrong = {form: "已知错误写法" for form in listed.split("|") if form}
        if correct in wrong:
            problems.add(f"{where}：错误写法与正确写法相同")
            continue
        rows.append((where, correct, flags, wrong))
    corrects = [correct for _, correct, _, _ in rows]
    expressions = []
    for where, correct, flags, wrong in rows:
        generated: dict[str, str] = {}
        if "auto" in flags:
            generated |= _one_character_slips(correct, similar)
        if "order" in flags:
            generated |= _wrong_orders(correct)
        for form in list(wrong):
            if any(form in other for other in corrects):
                problems.add(f"{where}：错误写法“{form}”是某个正确表述的一部分，会误报")
                del wrong[form]
        # A generated form inside a correct expression would fire on correct text: drop it.
        generated = {f: how for f, how in generated.items() if f not in wrong and not any(f in c for c in corrects)}
        expressions.append(Expression(correct, wrong | generated))
    return tuple(expressions)


def load(directory: Path = DATA_DIR) -> WordingData:
    """Read and check the wording data; :class:`~govsites.monitoring.data.DataError` lists every problem."""
    directory = Path(directory)
    problems = Problems()
    leaders = _load_leaders(directory / "leaders.toml", problems)
    similar = Similar(_load_shapes(directory / "shapes.tsv", problems))
    expressions = _load_expressions(directory / "expressions.tsv", problems, similar)
    confusions = _load_confusions(directory / "confusions.tsv", problems)
    problems.raise_if_any("错别字与严重表述错误数据")
    return WordingData(leaders, expressions, confusions, similar)


def name_variants(name: str, similar: Similar) -> set[str]:
    """Every spelling of ``name`` with one character replaced by a homophone or a look-alike."""
    return {name[:i] + other + name[i + 1 :] for i, char in enumerate(name) for other in similar(char)}


# --- the matcher ------------------------------------------------------------------------------

_TITLE, _SUFFIX, _NAME, _CONTEXT, _CORRECT, _HEAD, _TAIL, _WRONG, _CONFUSION, _EXCEPTION = range(10)
# A one-character slip at position i touches i and i + 1 only, so the first or the last
# characters stay intact: two of them for expressions of 5–6 characters, three from 7 on (rarer
# in text, fewer lookups). Forms that keep neither (another order) are anchored on their own start.
ANCHOR_CHARS = 2
ANCHOR_CHARS_LONG = 3
OWN_ANCHOR_CHARS = 4


@dataclass(frozen=True, slots=True)
class Finding:
    """One wrong thing in the text: ``text[start:end]`` is the target."""

    check: str
    start: int
    end: int
    detail: dict[str, Any]


class _Scan:
    """The hits of one text, grouped for the checks."""

    def __init__(self) -> None:
        self.titles_ending: dict[int, tuple[int, Office, str]] = {}
        self.suffixes_starting: dict[int, tuple[int, Office, str]] = {}
        self.contexts_starting: dict[int, set[str]] = defaultdict(set)  # start → leaders it belongs to
        self.names: list[tuple[int, int, str]] = []
        self.correct: list[tuple[int, int]] = []
        self.heads: list[tuple[int, tuple[int, ...]]] = []  # start, lengths of the forms to try
        self.tails: list[tuple[int, tuple[int, ...]]] = []  # end, lengths
        self.wrong: set[tuple[int, int]] = set()
        self.confusions: list[tuple[int, int, Confusion]] = []
        self.exceptions: dict[str, set[int]] = defaultdict(set)  # exception → start offsets



class _Spans:
    """Text ranges, queried in O(log n): a page may hold thousands of correct expressions."""

    def __init__(self, spans: list[tuple[int, int]] | set[tuple[int, int]]):
        ordered = sorted(spans)
        self._starts = [s for s, _ in ordered]
        self._reach = list(itertools.accumulate((e for _, e in ordered), max))  # furthest end so far

    def _furthest(self, count: int) -> int:
        return self._reach[count - 1] if count else -1

    def covers(self, start: int, end: int) -> bool:
        """Some range contains ``[start, end)``."""
        return self._furthest(bisect_right(self._starts, start)) >= end

    def overlaps(self, start: int, end: int) -> bool:
        return self._furthest(bisect_left(self._starts, end)) > start


class Matcher:
    """The wording data compiled for matching; :func:`matcher` keeps one per process.

    The automaton holds only the *anchors*: titles, names, correct expressions with their first
    and last two characters, listed wrong forms, confusions. The thousands of generated
    misspellings are looked up in dictionaries at the anchors (a misspelt name right after a
    title, a slipped expression next to its intact head or tail): an automaton whose root has a
    thousand different first characters is ten times slower on every page.
    """

    def __init__(self, data: WordingData):
        self.data = data
        leaders = data.leaders
        entries: dict[str, list[tuple]] = defaultdict(list)
        names = {t.name for office in leaders.offices for t in office.tenures}
        for office in leaders.offices:
            for form in office.forms:
                entries[form].append((_TITLE, office))
            for suffix in office.suffixes:
                entries[suffix].append((_SUFFIX, office))
        for name in names:
            entries[name].append((_NAME, name))
        for name, phrases in leaders.contexts_after.items():
            for phrase in phrases:
                entries[phrase].append((_CONTEXT, name))
        variants: dict[str, set[str]] = defaultdict(set)
        for name in names:
            for variant in name_variants(name, data.similar) - names:
                variants[variant].add(name)
        self.variants = {variant: tuple(sorted(of)) for variant, of in variants.items()}
        self.variant_lengths = sorted({len(v) for v in self.variants}, reverse=True)
        self.wrong: dict[str, tuple[Expression, str]] = {}
        heads: dict[str, set[int]] = defaultdict(set)
        tails: dict[str, set[int]] = defaultdict(set)
        for expression in data.expressions:
            correct = expression.correct
            entries[correct].append((_CORRECT, None))
            size = ANCHOR_CHARS_LONG if len(correct) >= AUTO_OMISSION_MIN else ANCHOR_CHARS
            head, tail = correct[:size], correct[-size:]
            for form, how in expression.wrong.items():
                self.wrong.setdefault(form, (expression, how))
                if form.startswith(head):
                    heads[head].add(len(form))
                elif form.endswith(tail):
                    tails[tail].add(len(form))
                else:  # another order of an enumeration, or a listed form
                    heads[form[:OWN_ANCHOR_CHARS]].add(len(form))
        for head, lengths in heads.items():
            entries[head].append((_HEAD, tuple(sorted(lengths))))
        for tail, lengths in tails.items():
            entries[tail].append((_TAIL, tuple(sorted(lengths))))
        for confusion in data.confusions:
            entries[confusion.wrong].append((_CONFUSION, confusion))
            for exception in confusion.exceptions:
                entries[exception].append((_EXCEPTION, exception))
        self.automaton = ahocorasick.Automaton()
        for key, values in entries.items():
            self.automaton.add_word(key, (len(key), tuple(values)))
        self.automaton.make_automaton()
        self.size = len(entries) + len(self.variants) + len(self.wrong)

    def _scan(self, text: str) -> _Scan:
        scan = _Scan()
        for last, (length, values) in self.automaton.iter(text):
            end = last + 1
            start = end - length
            for kind, payload in values:
                if kind == _TITLE:
                    if start < scan.titles_ending.get(end, (end,))[0]:  # the longest title wins
                        scan.titles_ending[end] = (start, payload, text[start:end])
                elif kind == _SUFFIX:
                    if end > scan.suffixes_starting.get(start, (start,))[0]:
                        scan.suffixes_starting[start] = (end, payload, text[start:end])
                elif kind == _NAME:
                    scan.names.append((start, end, payload))
                elif kind == _CONTEXT:
                    scan.contexts_starting[start].add(payload)
                elif kind == _CORRECT:
                    scan.correct.append((start, end))
                elif kind == _HEAD:
                    scan.heads.append((start, payload))
                elif kind == _TAIL:
                    scan.tails.append((end, payload))
                elif kind == _CONFUSION:
                    scan.confusions.append((start, end, payload))
                else:
                    scan.exceptions[payload].add(start)
        return scan

    def find(self, text: str, day: date | None = None) -> list[Finding]:
        """Everything wrong in ``text``; ``day`` is the page's publication date, if known."""
        scan = self._scan(text)
        correct = _Spans(scan.correct)
        serious = self._leader_titles(text, scan, day) + self._leader_names(text, scan)
        serious += self._expressions(text, scan, correct, _Spans([(f.start, f.end) for f in serious]))
        taken = _Spans([(f.start, f.end) for f in serious])
        typos = []
        for start, end, confusion in scan.confusions:
            if taken.overlaps(start, end) or correct.covers(start, end):
                continue
            if confusion.followed_by is not None and not confusion.followed_by.match(text, end):
                continue
            if any(self._covered(scan, exception, confusion.wrong, start) for exception in confusion.exceptions):
                continue
            typos.append(Finding("typo", start, end, {"kind": "typo", "correct": confusion.correct, "note": confusion.note}))
        return sorted(serious + typos, key=lambda f: (f.start, f.end))

    def _expressions(self, text: str, scan: _Scan, correct: _Spans, names: _Spans) -> list[Finding]:
        candidates = {(start, start + length) for start, lengths in scan.heads for length in lengths}
        candidates |= {(end - length, end) for end, lengths in scan.tails for length in lengths if end >= length}
        found = [
            (start, end, self.wrong[text[start:end]])
            for start, end in candidates
            if text[start:end] in self.wrong and not correct.covers(start, end) and not names.overlaps(start, end)
        ]
        found.sort(key=lambda hit: (hit[0], -hit[1]))
        findings, reach = [], -1
        for start, end, (expression, how) in found:
            if end <= reach:  # inside a longer wrong form already reported
                continue
            reach = end
            findings.append(Finding("serious_wording", start, end, {"kind": "expression", "correct": expression.correct, "how": how}))
        return findings

    @staticmethod
    def _covered(scan: _Scan, exception: str, wrong: str, start: int) -> bool:
        starts = scan.exceptions.get(exception, ())
        offset = exception.find(wrong)
        while offset >= 0:
            if start - offset in starts:
                return True
            offset = exception.find(wrong, offset + 1)
        return False

    @staticmethod
    def _after_space(text: str, position: int, table: dict) -> Any:
        """``table[position]``, or ``table[position - 1]`` when a space comes first."""
        found = table.get(position)
        if found is None and position > 0 and text[position - 1] == " ":
            found = table.get(position - 1)
        return found

    def _marked_former(self, text: str, position: int) -> bool:
        return any(text.endswith(marker, 0, position) for marker in self.data.leaders.former_markers)

    @staticmethod
    def _historical(text: str, position: int, day: date) -> bool:
        """A year before ``day``'s in the same sentence before ``position``: the text tells history."""
        window = text[max(0, position - HISTORY_WINDOW) : position]
        ends = list(_SENTENCE_END.finditer(window))
        if ends:
            window = window[ends[-1].end() :]
        return any(int(m.group(1)) < day.year for m in _YEAR.finditer(window))

    def _leader_titles(self, text: str, scan: _Scan, day: date | None) -> list[Finding]:
        first_seen = self.data.leaders.first_seen
        findings = []
        for start, end, name in scan.names:
            pairs = []
            title = self._after_space(text, start, scan.titles_ending)
            if title is not None:
                pairs.append((title[0], end, title[1], title[2], title[0]))
            suffix = scan.suffixes_starting.get(end)
            if suffix is not None:
                pairs.append((start, suffix[0], suffix[1], suffix[2], start))
            for pair_start, pair_end, office, written, context_at in pairs:
                if office.held_by(name, day, first_seen[name]) or self._marked_former(text, context_at):
                    continue
                if day is not None and self._historical(text, context_at, day):
                    continue
                holders = office.holders_on(day) if day is not None else []
                if day is not None and holders:
                    note = f"{day.isoformat()}时{office.forms[0]}为{'、'.join(holders)}"
                else:
                    note = f"{name}未担任过{office.forms[0]}"
                detail = {"kind": "leader_title", "name": name, "title": written, "office": office.key, "note": note}
                if day is not None:
                    detail["page_date"] = day.isoformat()
                findings.append(Finding("serious_wording", pair_start, pair_end, detail))
        return findings

    def _leader_names(self, text: str, scan: _Scan) -> list[Finding]:
        """Misspelt names right after a title, or right before an honorific or a leader's phrase."""
        real = _Spans([(s, e) for s, e, _ in scan.names])
        spans: set[tuple[int, int]] = set()
        for title_end in scan.titles_ending:
            start = title_end + 1 if text.startswith(" ", title_end) else title_end
            for length in self.variant_lengths:
                if text[start : start + length] in self.variants:
                    spans.add((start, start + length))
                    break
        for end in itertools.chain(scan.suffixes_starting, scan.contexts_starting):
            leaders = scan.contexts_starting.get(end) if end not in scan.suffixes_starting else None
            for length in self.variant_lengths:
                of = self.variants.get(text[end - length : end]) if end >= length else None
                if of and (leaders is None or leaders.intersection(of)):
                    spans.add((end - length, end))
                    break
        findings = []
        for start, end in sorted(spans):
            if real.overlaps(start, end):
                continue
            of = "、".join(self.variants[text[start:end]])
            detail = {"kind": "leader_name", "correct": of, "note": f"领导人姓名应为“{of}”"}
            findings.append(Finding("serious_wording", start, end, detail))
        return findings


@functools.cache
def _matcher(directory: Path) -> Matcher:
    return Matcher(load(directory))


def matcher(directory: Path | str | None = None) -> Matcher:
    """The process's matcher for ``directory`` (default: the shipped data), built on first use."""
    return _matcher(Path(directory) if directory is not None else DATA_DIR)


# --- pages ------------------------------------------------------------------------------------


def page_date(doc: Document) -> date | None:
    """The publication date from the 47号 ``PubDate`` meta tag (or a common equivalent)."""
    for name in _PUBDATE_NAMES:
        match = _DATE.search(doc.meta(name) or "")
        if match:
            try:
                return date(*(int(g) for g in match.groups()))
            except ValueError:
                return None
    return None


def snippet(text: str, start: int, end: int, margin: int = SNIPPET_CHARS) -> str:
    """The found text in 【】 with some context on each side, on one line."""
    before = text[max(0, start - margin) : start]
    after = text[end : end + margin]
    return " ".join(f"{before}【{text[start:end]}】{after}".split())


def check_text(text: str, url: str, *, day: date | None = None, directory: Path | str | None = None) -> list[Observation]:
    """Observations for plain text (one per wrong string; ``detail["count"]`` occurrences)."""
    text = text[:MAX_TEXT_CHARS]
    observations: dict[tuple[str, str], Observation] = {}
    for finding in matcher(directory).find(text, day):
        target = text[finding.start : finding.end]
        seen = observations.get((finding.check, target))
        if seen is not None:
            seen.detail["count"] += 1
            continue
        detail = dict(finding.detail, count=1)
        observations[(finding.check, target)] = Observation(
            finding.check, url, target, snippet(text, finding.start, finding.end), detail
        )
    return list(observations.values())


def _judged(page: Page) -> bool:
    status = page.fetch.status
    return not page.fetch.error and (status is None or status < 400)


def check_page(page: Page, *, day: date | datetime | None = None, directory: Path | str | None = None) -> list[Observation]:
    """Serious wording errors and typos on one crawled page (its title and visible text).

    ``day`` is the page's publication date when the caller knows it (e.g. from the list page that
    links to it); otherwise the ``PubDate`` meta tag is used, and without either only errors that
    are wrong on any date are reported.
    """
    doc = document(page) if _judged(page) else None
    if doc is None:
        return []
    if isinstance(day, datetime):
        day = day.date()
    text = doc.title + "\n" + doc.text()
    return check_text(text, page.url, day=day or page_date(doc), directory=directory)


def check_wording(site: SiteFacts, pages: list[Page], *, directory: Path | str | None = None) -> list[Observation]:
    """:func:`check_page` for every page of a site's crawl (error pages are not judged)."""
    return [observation for page in pages for observation in check_page(page, directory=directory)]
