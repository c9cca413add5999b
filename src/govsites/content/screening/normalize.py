"""Normalisation against evasion, with a map back to offsets in the original text.

Spam hides banned words behind full-width letters, mixed case, zero-width characters and filler
characters put between the letters ("赌*博", "加 微 信"). Matching therefore runs on normalised
*views* of the text. A view drops some characters and remembers where each kept run started in
the original, so every match maps back to the exact characters the author wrote.

After folding (one character in, one out) every character is one of:

- invisible (folded to NUL): zero-width, control and format characters, combining marks, lone
  surrogates; never part of a word and always ignored;
- filler: spaces, symbols and punctuation that spam puts between letters (``* - _ . / ♥``);
  ignored inside a term, at most ``max_filler_gap`` in a row (checked by the engine);
- clause punctuation (``。，、；：？！``): kept, so a term never runs across it and the end of
  one clause and the start of the next do not form a word;
- a word character: everything else (letters, ideographs, digits).

The tables are computed once per process (about 0.1 s) so that the per-text work is a
``str.translate`` and a few regex scans, all in C.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from bisect import bisect_right

NUL = "\x00"
# After folding: full-width ，；：？！ have become their ASCII forms.
CLAUSE_PUNCTUATION = frozenset("。，,、；;：:？?！!…")
SENTENCE_END = re.compile(r"[。；;？?！!\n]")

_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Mn", "Me"})
# Code points examined one by one; above them only planes 14 (tags, variation selectors),
# 4–13 (unassigned) and 15–16 (private use) matter, and they are handled as ranges.
_EXAMINED = (range(0x20000), range(0xE0000, 0xE1000))
_FILLER_PLANES = "\U00040000-\U000dffff\U000f0000-\U0010ffff"
# Fillers outside the BMP (emoji and the like) fold to this one, which keeps the filler
# character class small enough for the regex engine's fast BMP lookup table.
ASTRAL_FILLER = "\ufffc"
_INVISIBLE_RUN = re.compile(f"{NUL}+")


def fold_char(char: str) -> str:
    """One character in, exactly one out, so folded text keeps the original offsets."""
    if char in "\n\r\u2028\u2029":
        return "\n"
    if char.isspace():
        return " "
    if unicodedata.category(char) in _INVISIBLE_CATEGORIES:
        return NUL
    folded = unicodedata.normalize("NFKC", char)  # full-width → half-width, ⓥ → v, ⼀ → 一
    if len(folded) != 1:
        folded = char
    lowered = folded.casefold()
    return lowered if len(lowered) == 1 else folded


def is_filler(folded: str) -> bool:
    """Whether a folded character may be skipped between the letters of a term."""
    if folded == NUL or folded in CLAUSE_PUNCTUATION:
        return False
    category = unicodedata.category(folded)
    return folded.isspace() or category[0] in "PSZ" or category in ("Co", "Cn")


def _ranges(codes: list[int]) -> str:
    """A regex character-class body for sorted code points."""
    parts = []
    for _, group in itertools.groupby(enumerate(codes), lambda pair: pair[1] - pair[0]):
        run = [code for _, code in group]
        first, last = re.escape(chr(run[0])), re.escape(chr(run[-1]))
        parts.append(first if run[0] == run[-1] else f"{first}-{last}")
    return "".join(parts)


@functools.cache
def _tables() -> tuple[dict[int, str], re.Pattern[str]]:
    """The fold table (only the characters that change) and the not-a-word-character regex."""
    fold: dict[int, str] = {}
    fillers = []
    for code in itertools.chain(*_EXAMINED):
        char = chr(code)
        folded = fold_char(char)
        if code > 0xFFFF and is_filler(folded):
            folded = ASTRAL_FILLER
        if folded != char:
            fold[code] = folded
        if code <= 0xFFFF and is_filler(char):
            fillers.append(code)
    return fold, re.compile(f"[{NUL}{_ranges(fillers)}{_FILLER_PLANES}]+")


class View:
    """A normalised view of a text: ``text`` plus the map from view offsets to original ones.

    The map is built on first use: most texts have no findings and never need it.
    """

    __slots__ = ("_dropped", "_folded", "_original_starts", "_view_starts", "text")

    def __init__(self, folded: str, dropped: re.Pattern[str]):
        self.text = dropped.sub("", folded)
        self._folded = folded
        self._dropped = dropped
        self._view_starts: list[int] = []
        self._original_starts: list[int] = []
        if len(self.text) == len(folded):
            self._view_starts, self._original_starts = [0], [0]

    def _build(self) -> None:
        kept = position = 0
        for match in self._dropped.finditer(self._folded):
            start, end = match.span()
            if start > position:
                self._view_starts.append(kept)
                self._original_starts.append(position)
                kept += start - position
            position = end
        if position < len(self._folded) or not self._view_starts:
            self._view_starts.append(kept)
            self._original_starts.append(position)

    def original(self, index: int) -> int:
        """Original offset of the character at ``index`` in the view."""
        if not self._view_starts:
            self._build()
        run = bisect_right(self._view_starts, index) - 1
        return self._original_starts[run] + index - self._view_starts[run]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` covering the view's ``[start, end)`` (fillers inside included)."""
        return self.original(start), self.original(end - 1) + 1

    def gaps(self, start: int, end: int) -> list[tuple[int, int]]:
        """Original ranges dropped between the view characters of ``[start, end)``."""
        if not self._view_starts:
            self._build()
        first = bisect_right(self._view_starts, start) - 1
        last = bisect_right(self._view_starts, end - 1) - 1
        return [
            (self._original_starts[run] + self._view_starts[run + 1] - self._view_starts[run], self._original_starts[run + 1])
            for run in range(first, last)
        ]


class Normalised:
    """All the views the engine needs of one text.

    ``folded`` has the original length (width and case folded, invisible characters as NUL);
    ``words`` keeps only word characters and clause punctuation (dictionary matching, allow
    context); ``light`` drops only invisible characters (regex heuristics, which need ``¥ : -``).
    """

    __slots__ = ("folded", "light", "words")

    def __init__(self, text: str):
        fold, not_word = _tables()
        self.folded = text.translate(fold)
        self.words = View(self.folded, not_word)
        self.light = View(self.folded, _INVISIBLE_RUN)

    def fillers(self, start: int, end: int) -> int:
        """Visible filler characters in the original ``[start, end)`` (a dropped gap)."""
        return end - start - self.folded.count(NUL, start, end)


def normalise_term(term: str) -> str:
    """The form a dictionary entry is matched in."""
    return Normalised(term).words.text
