"""主题分类: the two-level gov.cn subject classification of disclosed documents (national.md §7.4).

The list is data (``subjects.toml``) with stable codes, so a model stores the code and a page
shows ``一级\\二级``. Input is matched leniently (``\\``, ``/``, ``＼``, ``／``, half- or full-width
brackets, stray spaces) because editors paste values from other sites, but every value must
name an entry of the list; errors list the valid options so the editor can pick one.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .errors import DisclosureError

DATA_FILE = Path(__file__).resolve().parent / "subjects.toml"
SEPARATOR = "\\"
EXAMPLE = "综合政务\\政务公开"
_SPLIT = re.compile(r"[\\/]")


@dataclass(frozen=True)
class Subject:
    """A second-level entry, e.g. ``Subject("02.01", "政务公开")``."""

    code: str
    name: str


@dataclass(frozen=True)
class Category:
    """A first-level entry with its second-level children (none for 其他)."""

    code: str
    name: str
    children: tuple[Subject, ...]


class Classification(NamedTuple):
    """A validated value; unpacks as ``(top, child)``, ``child`` is None for a childless category."""

    top: str
    child: str | None

    @property
    def code(self) -> str:
        return _by_names()[(self.top, self.child)]

    def __str__(self) -> str:
        return self.top if self.child is None else f"{self.top}{SEPARATOR}{self.child}"


@functools.cache
def categories() -> tuple[Category, ...]:
    """All first-level categories in the official order."""
    with DATA_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    return tuple(
        Category(
            code=entry["code"],
            name=entry["name"],
            children=tuple(Subject(child["code"], child["name"]) for child in entry["children"]),
        )
        for entry in data["category"]
    )


@functools.cache
def _by_names() -> dict[tuple[str, str | None], str]:
    index: dict[tuple[str, str | None], str] = {}
    for category in categories():
        if not category.children:
            index[(category.name, None)] = category.code
        for child in category.children:
            index[(category.name, child.name)] = child.code
    return index


@functools.cache
def _by_code() -> dict[str, Classification]:
    return {code: Classification(*names) for names, code in _by_names().items()}


def _key(text: str) -> str:
    """Matching key: NFKC folds full-width forms, whitespace never matters."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@functools.cache
def _categories_by_key() -> dict[str, Category]:
    return {_key(category.name): category for category in categories()}


def _options(names) -> str:
    return "、".join(f"“{name}”" for name in names)


def choices() -> list[tuple[str, object]]:
    """Choices for a Django ``ChoiceField``: one optgroup per category, the code as value.

    A category without children (其他) is a plain option of its own.
    """
    return [
        (category.name, [(child.code, child.name) for child in category.children])
        if category.children
        else (category.code, category.name)
        for category in categories()
    ]


def validate(top: str, child: str | None = None) -> Classification:
    """Check a (top, child) pair against the list; returns the canonical spelling."""
    category = _categories_by_key().get(_key(top or ""))
    if category is None:
        raise DisclosureError(
            f"“{top}”不是主题分类的一级类目，可选：{_options(c.name for c in categories())}。",
            kind="unknown_top",
        )
    names = [subject.name for subject in category.children]
    if not child:
        if names:
            raise DisclosureError(
                f"主题分类须选到二级类目，一级类目“{category.name}”下可选：{_options(names)}。",
                kind="missing_child",
            )
        return Classification(category.name, None)
    if not names:
        raise DisclosureError(
            f"一级类目“{category.name}”没有二级类目，请只选“{category.name}”，不要填写“{child}”。",
            kind="unexpected_child",
            suggestion=category.name,
        )
    wanted = _key(child)
    for name in names:
        if _key(name) == wanted:
            return Classification(category.name, name)
    raise DisclosureError(
        f"一级类目“{category.name}”下没有二级类目“{child}”，可选：{_options(names)}。", kind="unknown_child"
    )


def parse(text: str) -> Classification:
    """``"综合政务\\政务公开"`` (also ``/``, ``＼``, ``／``) → ``Classification("综合政务", "政务公开")``."""
    text = (text or "").strip()
    if not text:
        raise DisclosureError(f"请填写主题分类，格式为“一级\\二级”，如“{EXAMPLE}”。", kind="missing")
    parts = _SPLIT.split(unicodedata.normalize("NFKC", text))
    if len(parts) > 2 or not all(part.strip() for part in parts):
        raise DisclosureError(
            f"主题分类只有两级，应写作“一级\\二级”（如“{EXAMPLE}”），“{text}”不符合。", kind="format"
        )
    return validate(parts[0], parts[1] if len(parts) == 2 else None)


def format(top: str, child: str | None = None) -> str:
    """The display form ``一级\\二级`` (just ``一级`` for a childless category), validated."""
    return str(validate(top, child))


def by_code(code: str) -> Classification:
    """The entry stored under ``code`` (e.g. ``"02.01"``)."""
    try:
        return _by_code()[(code or "").strip()]
    except KeyError:
        raise DisclosureError(f"主题分类代码“{code}”不存在。", kind="unknown_code") from None


def clean(value: str) -> Classification:
    """Form and import input: a stored code (``"02.01"``) or the written form."""
    value = (value or "").strip()
    if value in _by_code():
        return _by_code()[value]
    return parse(value)
