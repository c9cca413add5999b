"""The screening engine (CON-05): dictionaries in an Aho-Corasick automaton, allow rules, ad
heuristics, positions in the original input.

Build a :class:`Screener` once (it compiles the automaton) and reuse it: :func:`get_screener`
keeps one per process and rebuilds it when a dictionary file changes. Screening never raises:
odd input is coerced, unparseable HTML is tag-stripped, and an internal error returns a
blocking finding instead of letting unscreened content through.
"""

from __future__ import annotations

import logging
import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

from . import markup
from .dictionaries import (
    DICTIONARY_DIR,
    Action,
    Config,
    ContextRule,
    DictionaryError,
    Limits,
    Term,
    fingerprint,
    load,
)
from .heuristics import HEURISTICS
from .markup import WHERE_HIDDEN, Document
from .normalize import SENTENCE_END, Normalised, View
from .results import Finding, ScreeningResult

logger = logging.getLogger(__name__)

_HIDDEN_NOTE = "用display:none等样式隐藏的文字，常见于被植入的暗链和广告"
_EVASION_NOTE = "字间插入了空格、符号或不可见字符，疑似规避检查"
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
_MEANINGFUL = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class _Entry:
    """Automaton payload of one dictionary term."""

    term: Term
    length: int
    allowable: bool  # the term occurs inside some allow compound
    glued_start: bool  # starts with a Latin letter: must not continue a Latin word ("pk粉丝" is not "k粉")
    glued_end: bool


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int  # in the document text
    end: int
    term: str
    category: str
    action: Action
    note: str


class _Budget:
    """Lists at most ``max_findings`` hits per action (the rest are counted) and stops screening
    after ``max_examined`` matches, so that a text made of nothing but matches stays fast."""

    def __init__(self, limits: Limits):
        self.listed = limits.max_findings
        self.remaining = limits.max_examined
        self.counts = dict.fromkeys(Action, 0)
        self.omitted = 0
        self.stopped_at: int | None = None  # document offset where screening stopped

    def examine(self, offset: Callable[[], int]) -> bool:
        """Account for one more match; False (and remember where) once the limit is reached."""
        if self.remaining > 0:
            self.remaining -= 1
            return True
        here = offset()
        self.stopped_at = here if self.stopped_at is None else min(self.stopped_at, here)
        return False

    def take(self, action: Action) -> bool:
        if self.counts[action] < self.listed:
            self.counts[action] += 1
            return True
        self.omitted += 1
        return False


def _latin(char: str) -> bool:
    return "a" <= char <= "z"


def _automaton(words: dict[str, object]) -> ahocorasick.Automaton | None:
    if not words:
        return None
    automaton = ahocorasick.Automaton()
    for key, value in words.items():
        automaton.add_word(key, value)
    automaton.make_automaton()
    return automaton


def _alternation(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def _display(text: str) -> str:
    """Text safe to show and to serialise: no invisible characters, no lone surrogates."""
    return _SPACES.sub(" ", _SURROGATE.sub("\ufffd", _UNPRINTABLE.sub("", text))).strip()


def _coerce(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


class _Context:
    """Where the allow-context patterns are in one text, to downgrade enforcement news to info."""

    def __init__(self, normalised: Normalised, rule: ContextRule, before: re.Pattern | None, after: re.Pattern | None):
        self.view = normalised.words
        self.rule = rule
        before = list(before.finditer(self.view.text)) if before else []
        after = list(after.finditer(self.view.text)) if after else []
        self.before_ends = [m.end() for m in before]
        self.before_words = [m.group() for m in before]
        self.after_starts = [m.start() for m in after]
        self.after_words = [m.group() for m in after]
        self.stops = [m.start() for m in SENTENCE_END.finditer(normalised.folded)]

    def _same_sentence(self, original_from: int, original_to: int) -> bool:
        index = bisect_left(self.stops, original_from)
        return index == len(self.stops) or self.stops[index] >= original_to

    def reason(self, start: int, end: int) -> str | None:
        """The allow word that makes ``[start, end)`` (view offsets) enforcement news, if any."""
        index = bisect_right(self.before_ends, start) - 1
        if index >= 0 and start - self.before_ends[index] <= self.rule.before_window:
            gap_from = self.view.original(self.before_ends[index] - 1) + 1
            if self._same_sentence(gap_from, self.view.original(start)):
                return self.before_words[index]
        index = bisect_left(self.after_starts, end)
        if index < len(self.after_starts) and self.after_starts[index] - end <= self.rule.after_window:
            gap_from = self.view.original(end - 1) + 1
            if self._same_sentence(gap_from, self.view.original(self.after_starts[index])):
                return self.after_words[index]
        return None


class Screener:
    """Screens text and HTML against the dictionaries of one data directory."""

    def __init__(self, config: Config):
        self.config = config
        compounds = config.compounds
        self._terms = _automaton(
            {
                term.key: _Entry(
                    term,
                    len(term.key),
                    any(term.key in compound for compound in compounds),
                    _latin(term.key[0]),
                    _latin(term.key[-1]),
                )
                for term in config.terms
            }
        )
        self._compounds = _automaton({key: len(key) for key in compounds})
        self._longest_compound = max(map(len, compounds), default=0)
        self._before = _alternation(config.context.before)
        self._after = _alternation(config.context.after)

    @classmethod
    def from_directory(cls, directory: Path | str = DICTIONARY_DIR) -> Screener:
        return cls(load(Path(directory)))

    def sizes(self) -> dict[str, int]:
        """Number of terms per category."""
        sizes = {category.name: 0 for category in self.config.categories}
        for term in self.config.terms:
            sizes[term.category] += 1
        return sizes

    def screen(self, text: object) -> ScreeningResult:
        """Screen plain text; offsets are into ``text``."""
        return self._guarded(text, Document.plain)

    def screen_html(self, html: object) -> ScreeningResult:
        """Screen rich text or a page: visible text, link targets, alt/title texts, hidden text.

        Offsets are into the HTML source; ``Finding.position`` counts visible characters.
        """
        return self._guarded(html, markup.extract)

    def _guarded(self, value: object, document: Callable[[str], Document]) -> ScreeningResult:
        source = ""
        try:
            source = _coerce(value)
            return self._screen(source, document)
        except Exception:
            logger.exception("Content screening failed; the content is blocked until it can be screened")
            failure = self.config.failure
            note = "内容检查时发生内部错误，请稍后重试或联系系统管理员"
            finding = Finding(0, len(source), failure.name, failure.name, failure.action, "", note=note)
            return ScreeningResult((finding,), 0)

    def _screen(self, source: str, make_document: Callable[[str], Document]) -> ScreeningResult:
        limits = self.config.limits
        document = make_document(source[: limits.max_chars])
        normalised = Normalised(document.text)
        budget = _Budget(limits)
        hits = self._dictionary_hits(normalised, budget) + self._heuristic_hits(normalised, budget)
        findings = [self._finding(document, hit) for hit in _outermost(hits)]
        findings += self._hidden_findings(document)
        if budget.stopped_at is not None:
            note = f"可疑之处超过{limits.max_examined}处，之后的内容未检查，请删改后再提交"
            findings.append(self._incomplete(document, budget.stopped_at, note))
        findings.sort(key=lambda f: (f.position, f.start))
        if len(source) > limits.max_chars:
            note = f"超过{limits.max_chars}字的部分未检查，请拆分后再提交"
            incomplete = self.config.incomplete
            position = document.chunks[0].end + 1
            findings.append(
                Finding(limits.max_chars, len(source), incomplete.name, incomplete.name, incomplete.action, "", "", "text", position, note)
            )
        return ScreeningResult(tuple(findings), min(len(source), limits.max_chars), budget.omitted)

    def _dictionary_hits(self, normalised: Normalised, budget: _Budget) -> list[_Hit]:
        view = normalised.words
        if self._terms is None or not view.text:
            return []
        allowed: dict[int, int] | None = None
        context: _Context | None = None
        max_gap = self.config.limits.max_filler_gap
        hits = []
        for last, entry in self._terms.iter(view.text):
            end = last + 1
            start = end - entry.length
            if not budget.examine(lambda start=start: view.original(start)):
                break
            if entry.allowable:
                allowed = self._compound_spans(view) if allowed is None else allowed
                if self._inside_compound(allowed, start, end):
                    continue
            original_start, original_end = view.span(start, end)
            if self._glued(entry, normalised.folded, original_start, original_end):
                continue
            gaps = view.gaps(start, end)
            if any(normalised.fillers(a, b) > max_gap for a, b in gaps):
                continue
            context = context or _Context(normalised, self.config.context, self._before, self._after)
            reason = context.reason(start, end)
            action = Action.INFO if reason else entry.term.action
            notes = [f"出现在“{reason}”等执法、防范类报道语境中，仅作提示"] if reason else []
            if any(b > a for a, b in gaps):
                notes.append(_EVASION_NOTE)
            if budget.take(action):
                term = entry.term
                hits.append(_Hit(original_start, original_end, term.text, term.category, action, "；".join(notes)))
        return hits

    def _compound_spans(self, view: View) -> dict[int, int]:
        """End → earliest start of the allow compounds in the view."""
        spans: dict[int, int] = {}
        if self._compounds is not None:
            for last, length in self._compounds.iter(view.text):
                end = last + 1
                spans[end] = min(spans.get(end, end), end - length)
        return spans

    def _inside_compound(self, spans: dict[int, int], start: int, end: int) -> bool:
        return any(spans.get(stop, stop) <= start for stop in range(end, start + self._longest_compound + 1))

    @staticmethod
    def _glued(entry: _Entry, folded: str, start: int, end: int) -> bool:
        return (entry.glued_start and start > 0 and _latin(folded[start - 1])) or (
            entry.glued_end and end < len(folded) and _latin(folded[end])
        )

    def _heuristic_hits(self, normalised: Normalised, budget: _Budget) -> list[_Hit]:
        view = normalised.light
        category = self.config.heuristics
        hits = []
        for heuristic in HEURISTICS:
            for start, end, note in heuristic.find(view.text):
                if not budget.examine(lambda start=start: view.original(start)):
                    break
                if budget.take(category.action):
                    original_start, original_end = view.span(start, end)
                    hits.append(_Hit(original_start, original_end, heuristic.term, category.name, category.action, note))
        return hits

    def _finding(self, document: Document, hit: _Hit) -> Finding:
        chunk = document.chunk_at(hit.start)
        margin = self.config.limits.context_chars
        start, end = document.source_span(hit.start, hit.end)
        context = document.text[max(chunk.start, hit.start - margin) : min(chunk.end, hit.end + margin)]
        return Finding(
            start,
            end,
            hit.term,
            hit.category,
            hit.action,
            _display(context),
            _display(document.text[hit.start : hit.end]),
            chunk.where,
            hit.start - chunk.start + 1 if chunk.anchor is None else chunk.anchor,
            hit.note,
        )

    def _incomplete(self, document: Document, offset: int, note: str) -> Finding:
        """Where screening stopped; nothing after it was examined."""
        chunk = document.chunk_at(offset)
        start = document.source_span(offset, offset + 1)[0]
        position = offset - chunk.start + 1 if chunk.anchor is None else chunk.anchor
        incomplete = self.config.incomplete
        return Finding(start, start, incomplete.name, incomplete.name, incomplete.action, "", "", chunk.where, position, note)

    def _hidden_findings(self, document: Document) -> list[Finding]:
        hidden = self.config.hidden_text
        findings = []
        for chunk in document.chunks:
            text = document.text[chunk.start : chunk.end]
            if chunk.where == WHERE_HIDDEN and _MEANINGFUL.search(text):
                shown = _display(text)
                excerpt = shown if len(shown) <= 30 else shown[:30] + "…"
                findings.append(
                    Finding(
                        chunk.source_start,
                        chunk.source_end,
                        hidden.name,
                        hidden.name,
                        hidden.action,
                        excerpt,
                        excerpt,
                        WHERE_HIDDEN,
                        chunk.anchor,
                        _HIDDEN_NOTE,
                    )
                )
        return findings


def _outermost(hits: list[_Hit]) -> list[_Hit]:
    """Drop a hit inside a longer one of the same category and action ("赌博" in "网络赌博")."""
    hits.sort(key=lambda h: (h.start, -h.end))
    reach: dict[tuple[str, Action], int] = {}
    kept = []
    for hit in hits:
        key = (hit.category, hit.action)
        if reach.get(key, -1) >= hit.end:
            continue
        kept.append(hit)
        reach[key] = max(reach.get(key, -1), hit.end)
    return kept


_lock = threading.Lock()
_screeners: dict[Path, tuple[tuple, Screener]] = {}


def get_screener(directory: Path | str | None = None) -> Screener:
    """The process's screener for ``directory`` (default: the shipped dictionaries).

    Rebuilt when a data file changes. If the changed data is invalid, the previous screener is
    kept (and the error logged) so that publishing keeps working; a first load raises.
    """
    path = Path(directory) if directory is not None else DICTIONARY_DIR
    stamp = fingerprint(path)
    cached = _screeners.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    with _lock:
        cached = _screeners.get(path)
        if cached and cached[0] == stamp:
            return cached[1]
        try:
            screener = Screener(load(path))
        except DictionaryError:
            if cached is None:
                raise
            logger.exception("Screening dictionaries in %s are invalid; keeping the previous ones", path)
            screener = cached[1]
        _screeners[path] = (stamp, screener)
        return screener


def screen(text: object) -> ScreeningResult:
    """Screen plain text with the shipped dictionaries."""
    return get_screener().screen(text)


def screen_html(html: object) -> ScreeningResult:
    """Screen rich text / HTML with the shipped dictionaries."""
    return get_screener().screen_html(html)
