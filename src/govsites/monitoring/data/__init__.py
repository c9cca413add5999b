"""Curated data of the content checks (wording errors, dark links, banned content).

The files in this folder are edited by people, not generated: see README.md here for each file's
format, sources and how to update it. Loaders report every problem of a file at once, in Chinese,
with the file and line, so that an editor can fix them in one go.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent


class DataError(ValueError):
    """A data file is invalid; the message lists every problem (in Chinese)."""


class Problems:
    """Collects the problems of one load and raises them together."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, message: str) -> None:
        self.items.append(message)

    def raise_if_any(self, what: str) -> None:
        if self.items:
            raise DataError(f"{what}有误：\n" + "\n".join(self.items))


def read_tsv(path: Path, problems: Problems, min_columns: int, max_columns: int) -> Iterator[tuple[str, list[str]]]:
    """``(where, columns)`` per data line of a tab-separated file; blank and ``#`` lines skipped.

    Missing trailing columns come back as empty strings, so every row has ``max_columns`` items.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        problems.add(f"无法读取 {path.name}：{error}")
        return
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{path.name} 第{number}行"
        columns = [column.strip() for column in line.split("\t")]
        if not min_columns <= len(columns) <= max_columns or not columns[0]:
            problems.add(f"{where}：应为{min_columns}到{max_columns}列（以Tab分隔），第一列不能为空")
            continue
        yield where, columns + [""] * (max_columns - len(columns))
