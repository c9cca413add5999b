"""Loading the screening data (``dictionaries/``): categories, term lists and allow rules.

The data is edited by people who are not developers, so every problem is reported in Chinese
with the file and line, and all problems of a load are reported together.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from .normalize import CLAUSE_PUNCTUATION, normalise_term

DICTIONARY_DIR = Path(__file__).resolve().parent / "dictionaries"
CATEGORIES_FILE = "categories.toml"
ALLOW_FILE = "allow.toml"
MIN_TERM_LENGTH = 2


class Action(StrEnum):
    """What a finding does to publishing."""

    BLOCK = "block"
    FLAG = "flag"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"block": "禁止发布", "flag": "需确认", "info": "提示"}[self.value]


class DictionaryError(ValueError):
    """The screening data is invalid; the message lists every problem (in Chinese)."""


@dataclass(frozen=True, slots=True)
class Term:
    text: str  # as written in the dictionary
    key: str  # normalised form that is matched
    category: str
    action: Action
    origin: str  # "gambling.txt:12"


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    action: Action
    file: str | None = None


@dataclass(frozen=True, slots=True)
class ContextRule:
    before: tuple[str, ...]
    before_window: int
    after: tuple[str, ...]
    after_window: int


@dataclass(frozen=True, slots=True)
class Limits:
    max_chars: int
    max_findings: int
    max_examined: int
    max_filler_gap: int
    context_chars: int


@dataclass(frozen=True, slots=True)
class Config:
    categories: tuple[Category, ...]
    terms: tuple[Term, ...]
    compounds: tuple[str, ...]  # normalised
    context: ContextRule  # normalised
    heuristics: Category
    hidden_text: Category
    incomplete: Category
    failure: Category
    limits: Limits


def fingerprint(directory: Path = DICTIONARY_DIR) -> tuple:
    """Changes whenever a data file is added, removed or edited."""
    entries = []
    for path in sorted(directory.iterdir()):
        if path.suffix in (".txt", ".toml"):
            stat = path.stat()
            entries.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


class _Loader:
    def __init__(self, directory: Path):
        self.directory = directory
        self.problems: list[str] = []

    def problem(self, message: str) -> None:
        self.problems.append(message)

    def toml(self, name: str) -> dict[str, Any]:
        path = self.directory / name
        try:
            with path.open("rb") as handle:
                return tomllib.load(handle)
        except FileNotFoundError:
            self.problem(f"缺少配置文件 {name}")
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            self.problem(f"{name} 格式错误：{error}")
        return {}

    def action(self, value: Any, where: str) -> Action:
        """A configured action: block or flag (info is only ever the result of an allow rule)."""
        if isinstance(value, str) and value in (Action.BLOCK, Action.FLAG):
            return Action(value)
        self.problem(f"{where}：未知的处理方式“{value}”（应为 block 或 flag）")
        return Action.FLAG

    def key(self, text: str, where: str) -> str | None:
        key = normalise_term(text)
        if any(char in CLAUSE_PUNCTUATION for char in key):
            self.problem(f"{where}：“{text}”含有逗号、句号等标点，永远不会匹配")
            return None
        if len(key) < MIN_TERM_LENGTH:
            self.problem(f"{where}：“{text}”去掉空格和符号后不足{MIN_TERM_LENGTH}个字，误报太多")
            return None
        return key

    def special(self, data: dict[str, Any], section: str) -> Category:
        table = data.get(section)
        if not isinstance(table, dict) or not isinstance(table.get("category"), str) or not table["category"]:
            self.problem(f"{CATEGORIES_FILE}：缺少 [{section}] 的 category")
            return Category(section, Action.FLAG)
        return Category(table["category"], self.action(table.get("action"), f"{CATEGORIES_FILE} [{section}]"))

    def categories(self, data: dict[str, Any]) -> tuple[Category, ...]:
        categories = []
        tables = data.get("categories", [])
        for index, table in enumerate(tables if isinstance(tables, list) else [], start=1):
            where = f"{CATEGORIES_FILE} 第{index}个分类"
            name, file = (table.get("name"), table.get("file")) if isinstance(table, dict) else (None, None)
            if not isinstance(name, str) or not name or not isinstance(file, str) or not file:
                self.problem(f"{where}：必须有 name 和 file")
                continue
            if any(c.name == name for c in categories):
                self.problem(f"{where}：分类“{name}”重复")
                continue
            categories.append(Category(name, self.action(table.get("action"), where), file))
        if not categories:
            self.problem(f"{CATEGORIES_FILE}：没有任何分类")
        return tuple(categories)

    def terms(self, categories: tuple[Category, ...]) -> tuple[Term, ...]:
        seen: dict[str, str] = {}
        terms = []
        for category in categories:
            path = self.directory / category.file
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as error:
                self.problem(f"无法读取词库 {category.file}：{error}")
                continue
            for number, line in enumerate(lines, start=1):
                origin = f"{category.file}:{number}"
                where = f"词库 {category.file} 第{number}行"
                text, _, rest = line.strip().partition("\t")
                text = text.strip()
                if not text or text.startswith("#"):
                    continue
                action = self.action(rest.strip(), where) if rest.strip() else category.action
                key = self.key(text, where)
                if key is None:
                    continue
                if key in seen:
                    self.problem(f"{where}：“{text}”与 {seen[key]} 重复")
                    continue
                seen[key] = origin
                terms.append(Term(text, key, category.name, action, origin))
        return tuple(terms)

    def words(self, values: Any, where: str) -> tuple[str, ...]:
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            self.problem(f"{where}：应为字符串列表")
            return ()
        keys = (self.key(value, where) for value in values)
        return tuple(dict.fromkeys(k for k in keys if k))

    def window(self, value: Any, where: str) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 200:
            return value
        self.problem(f"{where}：应为0到200之间的整数")
        return 0

    def limits(self, data: dict[str, Any]) -> Limits:
        table = data.get("limits")
        table = table if isinstance(table, dict) else {}
        values = {}
        for field in Limits.__dataclass_fields__:
            value = table.get(field)
            minimum = 0 if field in ("max_filler_gap", "context_chars") else 1
            if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
                self.problem(f"{CATEGORIES_FILE} [limits]：{field} 应为不小于{minimum}的整数")
                value = minimum
            values[field] = value
        return Limits(**values)

    def compounds(self, values: tuple[str, ...], terms: tuple[Term, ...]) -> tuple[str, ...]:
        if self.problems:  # the terms did not all load: the root cause is already reported
            return values
        for compound in values:
            if not any(term.key in compound for term in terms):
                self.problem(f"{ALLOW_FILE}：允许词“{compound}”不包含任何词库词条，无需列出")
        return values


def load(directory: Path = DICTIONARY_DIR) -> Config:
    """Read and check every data file; raise :class:`DictionaryError` listing all problems."""
    loader = _Loader(Path(directory))
    data = loader.toml(CATEGORIES_FILE)
    allow = loader.toml(ALLOW_FILE)
    categories = loader.categories(data)
    terms = loader.terms(categories)
    context = allow.get("context")
    context = context if isinstance(context, dict) else {}
    config = Config(
        categories=categories,
        terms=terms,
        compounds=loader.compounds(loader.words(allow.get("compounds", []), f"{ALLOW_FILE} compounds"), terms),
        context=ContextRule(
            before=loader.words(context.get("before", []), f"{ALLOW_FILE} [context] before"),
            before_window=loader.window(context.get("before_window", 0), f"{ALLOW_FILE} before_window"),
            after=loader.words(context.get("after", []), f"{ALLOW_FILE} [context] after"),
            after_window=loader.window(context.get("after_window", 0), f"{ALLOW_FILE} after_window"),
        ),
        heuristics=loader.special(data, "heuristics"),
        hidden_text=loader.special(data, "hidden_text"),
        incomplete=loader.special(data, "incomplete"),
        failure=loader.special(data, "failure"),
        limits=loader.limits(data),
    )
    if loader.problems:
        raise DictionaryError("筛查词库有误：\n" + "\n".join(loader.problems))
    return config
