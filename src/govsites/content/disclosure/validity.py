"""有效性: whether a disclosed document is still in force, and the marking shown on its page.

47号 requires amended, repealed and expired documents to be marked clearly (national.md §7.1).
A document that is not in force therefore needs the date it stopped (fully or partly) being in
force, and an amended or repealed one the document that amended or repealed it, so the page can
say where the current rule is. 部分失效 is not in the national texts (national.md §7.1 marks even
有效性 itself UNCONFIRMED); some local document listings use it, so it is offered with the same
rules as 已失效.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from . import document_numbers
from .dates import chinese_date, parse_date
from .errors import DisclosureError, ErrorCollector


class State(enum.StrEnum):
    """Stored value is the English slug; :attr:`label` is what people see."""

    VALID = "valid"
    AMENDED = "amended"
    REPEALED = "repealed"
    EXPIRED = "expired"
    PARTLY_EXPIRED = "partly_expired"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    State.VALID: "有效",
    State.AMENDED: "已修改",
    State.REPEALED: "已废止",
    State.EXPIRED: "已失效",
    State.PARTLY_EXPIRED: "部分失效",
}
# What the banner says happened; the states after which the superseding document must be named.
_VERB = {State.AMENDED: "修改", State.REPEALED: "废止", State.EXPIRED: "失效", State.PARTLY_EXPIRED: "失效"}
NEEDS_REFERENCE = {State.AMENDED, State.REPEALED}


def choices() -> list[tuple[str, str]]:
    """Choices for a Django ``ChoiceField`` (value = slug, label = Chinese)."""
    return [(state.value, state.label) for state in State]


def parse_state(value: str | State) -> State:
    """A state from its slug or its Chinese label (``"已废止"``)."""
    text = str(value or "").strip()
    for state in State:
        if text in (state.value, state.label):
            return state
    raise DisclosureError(
        f"有效性应为{'、'.join(f'“{label}”' for label in LABELS.values())}之一，“{text}”不符合。",
        kind="unknown_state",
    )


@dataclass(frozen=True)
class Reference:
    """The document that amended or repealed this one: 《title》（number）."""

    title: str
    number: document_numbers.DocumentNumber | None = None

    def __str__(self) -> str:
        return f"《{self.title}》" + (f"（{self.number}）" if self.number else "")


@dataclass(frozen=True)
class Validity:
    """A validated validity marking; ``date`` and ``reference`` are None for a valid document."""

    state: State
    date: dt.date | None = None
    reference: Reference | None = None

    def banner(self) -> str | None:
        """The notice shown above the document, e.g. ``本文件已于2024年3月1日废止，详见《…》（…）。``."""
        if self.state is State.VALID:
            return None
        subject = "本文件部分内容" if self.state is State.PARTLY_EXPIRED else "本文件"
        text = f"{subject}已于{chinese_date(self.date)}{_VERB[self.state]}"
        if self.reference:
            text += f"，详见{self.reference}"
        return text + "。"


def _clean_title(title: str | None) -> str:
    """The superseding document's title without the 《》 an editor may have typed."""
    return (title or "").strip().removeprefix("《").removesuffix("》").strip()


def validate_validity(
    state: str | State,
    *,
    date: dt.date | str | None = None,
    by_title: str | None = None,
    by_number: str | None = None,
    date_written: dt.date | None = None,
    today: dt.date,
) -> Validity:
    """Check a validity marking; raises a ``{field: [messages]}`` error naming every problem.

    Fields: ``validity``, ``validity_date``, ``superseded_by_title``, ``superseded_by_number``
    (the keys :func:`metadata.validate_metadata` uses).
    """
    errors = ErrorCollector()
    parsed = errors.run("validity", parse_state, state)
    errors.raise_if_any()
    title = _clean_title(by_title)
    has_number = bool(by_number and by_number.strip())
    if parsed is State.VALID:
        if date or title or has_number:
            errors.add(
                "validity",
                DisclosureError(
                    "有效的文件不应填写失效日期或修改、废止文件；如文件已修改或废止，请先更改有效性。",
                    kind="valid_with_details",
                ),
            )
        errors.raise_if_any()
        return Validity(State.VALID)
    label, verb = parsed.label, _VERB[parsed]
    day = errors.run("validity_date", parse_date, date, f"{verb}日期") if date else None
    if not date:
        errors.add(
            "validity_date", DisclosureError(f"有效性为“{label}”时须填写{verb}日期。", kind="missing_date")
        )
    elif day and day > today:
        errors.add(
            "validity_date",
            DisclosureError(
                f"{verb}日期{chinese_date(day)}晚于今天，“{label}”只能标注已经发生的情况。",
                kind="date_in_future",
            ),
        )
    elif day and date_written and day < date_written:
        errors.add(
            "validity_date",
            DisclosureError(
                f"{verb}日期{chinese_date(day)}早于成文日期{chinese_date(date_written)}。",
                kind="date_before_written",
            ),
        )
    number = None
    if has_number:
        number = errors.run(
            "superseded_by_number", document_numbers.parse, by_number, current_year=today.year
        )
    if not title and parsed in NEEDS_REFERENCE:
        errors.add(
            "superseded_by_title",
            DisclosureError(f"有效性为“{label}”时须填写{verb}本文件的文件名称。", kind="missing_reference"),
        )
    elif not title and has_number:
        errors.add(
            "superseded_by_title",
            DisclosureError(
                f"填写了文件字号“{by_number.strip()}”，请同时填写该文件的名称。", kind="number_without_title"
            ),
        )
    errors.raise_if_any()
    return Validity(parsed, day, Reference(title, number) if title else None)
