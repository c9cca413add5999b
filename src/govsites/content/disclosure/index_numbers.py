"""索引号: index numbers built from a configurable pattern (national.md §7.2).

There is no national format, so the province's policy profile holds a pattern such as the
default ``{org}/{year}-{seq:5}`` (gov.cn ``000014349/2017-00110``, 阳江
``11441700007280420Y/2021-00050``). Placeholders:

``{org}``     the issuing body's 18-char 统一社会信用代码 or 9-char 组织机构代码 (check characters verified)
``{unit}``    a unit code of letters and digits (e.g. the pinyin abbreviation ``sggzyjyzx``)
``{year}``    four-digit year
``{seq:N}``   sequence number zero-padded to N digits (1–10); ``{seq}`` is unpadded

Everything else is literal text. Numbering is pure: the caller keeps one counter per
:func:`counter_scope` (which contains the year only if the pattern does, so numbering restarts
at 1 each year exactly when the year is part of the number) and passes the last value to
:func:`next_index`.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from typing import NamedTuple

from . import org_codes
from .errors import DisclosureError

DEFAULT_PATTERN = "{org}/{year}-{seq:5}"
MAX_SEQ_WIDTH = 10
TOKENS_HELP = "{org}（发文机关统一社会信用代码或组织机构代码）、{unit}（单位代码）、{year}（四位年份）、{seq:位数}（顺序号）"
_PIECE = re.compile(r"\{([^{}]*)\}|([{}])|([^{}]+)")
_TOKEN = re.compile(r"^(?P<name>[a-z]+)(?::(?P<arg>.*))?$")
_UNIT = re.compile(r"^[A-Za-z0-9]{2,32}$")
_YEAR = re.compile(r"^\d{4}$")
_EXAMPLE_VALUES = {"org": org_codes.USCC_EXAMPLE, "unit": "sggzyjyzx", "year": 2021, "seq": 50}
MISSING_VALUE = {
    "org": "发文机关尚未登记统一社会信用代码或组织机构代码",
    "unit": "发文机关尚未登记单位代码",
    "year": "缺少年份",
    "seq": "缺少顺序号",
}


@dataclass(frozen=True)
class Part:
    """A literal (``name`` is None) or a placeholder; ``width`` only for a padded ``{seq:N}``."""

    name: str | None
    text: str = ""
    width: int | None = None

    @property
    def fixed_width(self) -> int | None:
        return 4 if self.name == "year" else self.width

    def regex(self) -> str:
        if self.name is None:
            return re.escape(self.text)
        body = {
            "org": r"[0-9A-Z]{18}|[0-9A-Z]{9}",
            "unit": r"[A-Za-z0-9]{2,32}",
            "year": r"\d{4}",
            "seq": rf"\d{{{self.width}}}" if self.width else r"\d+",
        }[self.name]
        return f"(?P<{self.name}>{body})"

    def loose_regex(self, followed_by_placeholder: bool) -> str:
        """Any text between the literals, so a wrong part can be named; see :meth:`problem`."""
        if self.name is None:
            return re.escape(self.text)
        body = f".{{{self.fixed_width}}}" if followed_by_placeholder else ".+?"
        return f"(?P<{self.name}>{body})"

    def render(self, value) -> str:
        if self.name in ("year", "seq") and not isinstance(value, int):
            raise TypeError(f"{self.name} must be an int, not {value!r}")
        return f"{value:0{self.width}d}" if self.width else str(value)

    def problem(self, text: str) -> str | None:
        """What is wrong with this part of a number (Chinese), or None; the one place of the rules."""
        if self.name == "org":
            try:
                canonical = org_codes.validate_org(text)
            except DisclosureError as error:
                return error.detail.rstrip("。")
            return None if canonical == text else f"机关代码“{text}”应写作“{canonical}”"
        if self.name == "unit":
            return None if _UNIT.match(text) else f"单位代码“{text}”应为2—32位字母或数字"
        if self.name == "year":
            return None if _YEAR.match(text) else f"年份“{text}”应为四位数字"
        if not text.isascii() or not text.isdigit():
            return f"顺序号“{text}”应为数字"
        if self.width and len(text) != self.width:
            return f"顺序号“{text}”应为{self.width}位数字（不足{self.width}位时前面补0）"
        return "顺序号须从1起编" if int(text) == 0 else None


@dataclass(frozen=True)
class IndexPattern:
    """A validated pattern; build it with :func:`compile_pattern`."""

    source: str
    parts: tuple[Part, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(part.name for part in self.parts if part.name)

    @functools.cached_property
    def regex(self) -> re.Pattern:
        return re.compile("^" + "".join(part.regex() for part in self.parts) + "$")

    @functools.cached_property
    def loose_regex(self) -> re.Pattern:
        followers = [*(part.name is not None for part in self.parts[1:]), False]
        return re.compile(
            "^"
            + "".join(part.loose_regex(nxt) for part, nxt in zip(self.parts, followers, strict=True))
            + "$"
        )

    def example(self) -> str:
        return "".join(
            part.text if part.name is None else part.render(_EXAMPLE_VALUES[part.name]) for part in self.parts
        )


class NextIndex(NamedTuple):
    """The new index number and the counter value to store for its scope."""

    value: str
    seq: int


def _pattern_error(pattern: str, problem: str, kind: str) -> DisclosureError:
    return DisclosureError(f"索引号规则“{pattern}”有误：{problem}。", kind=kind)


@functools.lru_cache(maxsize=64)
def compile_pattern(pattern: str) -> IndexPattern:
    """Validate a pattern (from the policy profile) and return its compiled form."""
    if not pattern or not pattern.strip():
        raise DisclosureError(f"索引号规则不能为空，默认规则为“{DEFAULT_PATTERN}”。", kind="pattern_empty")
    if any(char.isspace() for char in pattern):
        raise _pattern_error(pattern, "不应包含空格", "pattern_space")
    parts: list[Part] = []
    for match in _PIECE.finditer(pattern):
        token, stray, literal = match.groups()
        if stray:
            raise _pattern_error(pattern, "花括号不成对", "pattern_braces")
        parts.append(Part(None, literal) if literal is not None else _placeholder(pattern, token))
    names = [part.name for part in parts if part.name]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise _pattern_error(pattern, f"占位符{{{duplicated[0]}}}只能出现一次", "pattern_duplicate")
    if "seq" not in names:
        raise _pattern_error(pattern, "必须包含顺序号占位符{seq:位数}（如{seq:5}）", "pattern_no_seq")
    for left, right in itertools.pairwise(parts):
        if left.name and right.name and not left.fixed_width:
            raise _pattern_error(
                pattern,
                f"不定长的占位符{{{left.name}}}后须有分隔符，不能紧接{{{right.name}}}，否则无法拆分",
                "pattern_adjacent",
            )
    return IndexPattern(pattern, tuple(parts))


def _placeholder(pattern: str, token: str) -> Part:
    match = _TOKEN.match(token)
    name, arg = (match["name"], match["arg"]) if match else (token, None)
    if name not in _EXAMPLE_VALUES:
        raise _pattern_error(pattern, f"“{{{token}}}”不是可用的占位符，可用：{TOKENS_HELP}", "pattern_token")
    if arg is None:
        return Part(name)
    if name != "seq":
        raise _pattern_error(pattern, f"占位符{{{name}}}不带参数，请写作{{{name}}}", "pattern_argument")
    if not arg.isdigit() or not 1 <= int(arg) <= MAX_SEQ_WIDTH:
        raise _pattern_error(
            pattern, f"{{seq:位数}}的位数须为1—{MAX_SEQ_WIDTH}的整数，“{arg}”不符合", "pattern_width"
        )
    return Part(name, width=int(arg))


def _compiled(pattern: str | IndexPattern) -> IndexPattern:
    return pattern if isinstance(pattern, IndexPattern) else compile_pattern(pattern)


def _rendered(compiled: IndexPattern, part: Part, value) -> str:
    """One value rendered into its part, checked by the same rules as a parsed number."""
    if value is None:
        raise DisclosureError(
            f"{MISSING_VALUE[part.name]}，无法按规则“{compiled.source}”生成索引号。",
            kind=f"missing_{part.name}",
        )
    if part.name == "org":
        value = org_codes.validate_org(value)
    text = part.render(value)
    if part.width and value > 0 and len(text) > part.width:
        raise DisclosureError(
            f"顺序号{value}超出规则“{compiled.source}”的{part.width}位上限，该范围内的索引号已用尽，"
            "请联系管理员调整索引号规则。",
            kind="seq_overflow",
        )
    problem = part.problem(text)
    if problem:
        raise DisclosureError(f"无法生成索引号：{problem}。", kind=f"invalid_{part.name}")
    return text


def format_index(pattern: str | IndexPattern, *, org=None, unit=None, year=None, seq=None) -> str:
    """Render an index number; values the pattern does not use are ignored."""
    compiled = _compiled(pattern)
    given = {"org": org, "unit": unit, "year": year, "seq": seq}
    return "".join(
        part.text if part.name is None else _rendered(compiled, part, given[part.name])
        for part in compiled.parts
    )


def parse_index(pattern: str | IndexPattern, value: str) -> dict:
    """Split an index number into its parts (``year`` and ``seq`` as ints), naming any wrong part."""
    compiled = _compiled(pattern)
    text = (value or "").strip()
    expected = f"本站规则为“{compiled.source}”，如“{compiled.example()}”。"
    if not text:
        raise DisclosureError(f"请填写索引号。{expected}", kind="missing")
    match = compiled.regex.match(text) or compiled.loose_regex.match(text)
    if not match:
        raise DisclosureError(f"索引号“{text}”的结构或分隔符不符合本站规则。{expected}", kind="index_format")
    problems = [
        problem for part in compiled.parts if part.name and (problem := part.problem(match[part.name]))
    ]
    if problems:
        raise DisclosureError(f"索引号“{text}”有误：{'；'.join(problems)}。{expected}", kind="index_part")
    return {name: int(match[name]) if name in ("year", "seq") else match[name] for name in compiled.names}


def counter_scope(pattern: str | IndexPattern, *, org=None, unit=None, year=None) -> tuple:
    """The key the caller stores the sequence counter under: the pattern's org/unit/year values.

    A pattern with ``{year}`` gets one counter per year (numbering restarts at 1); without it the
    numbering runs on across years.
    """
    compiled = _compiled(pattern)
    given = {"org": org, "unit": unit, "year": year}
    return tuple(
        (part.name, _rendered(compiled, part, given[part.name]))
        for part in compiled.parts
        if part.name in given
    )


def next_index(pattern: str | IndexPattern, org, year, last_seq: int | None, *, unit=None) -> NextIndex:
    """The index number after ``last_seq`` (None or 0: the first of its scope)."""
    seq = (last_seq or 0) + 1
    return NextIndex(format_index(pattern, org=org, unit=unit, year=year, seq=seq), seq)
