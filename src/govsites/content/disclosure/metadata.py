"""The full disclosure-metadata block of a document (CON-10, national.md §7.1), checked at once.

An editor (or an import row) should see every problem of a document in one go, so
:func:`validate_metadata` runs every check and raises one ``ValidationError`` keyed by field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from . import classification, document_numbers, index_numbers, org_codes
from .dates import chinese_date, parse_date
from .errors import DisclosureError, ErrorCollector
from .validity import validate_validity

LABELS = {
    "title": "标题",
    "index_number": "索引号",
    "issuing_body": "发文机关",
    "org_code": "发文机关代码",
    "document_number": "发文字号",
    "date_written": "成文日期",
    "date_published": "发布日期",
    "subject": "主题分类",
    "validity": "有效性",
    "validity_date": "失效、修改或废止日期",
    "superseded_by_title": "修改或废止本文件的文件名称",
    "superseded_by_number": "修改或废止本文件的文件字号",
}


def _text(data: Mapping, field: str) -> str:
    value = data.get(field)
    return "" if value is None else str(value).strip()


def _missing(field: str) -> DisclosureError:
    return DisclosureError(f"请填写{LABELS[field]}。", kind="missing")


def validate_metadata(
    data: Mapping,
    *,
    pattern: str | index_numbers.IndexPattern,
    today: dt.date,
    auto_index: bool = False,
    require_document_number: bool = True,
) -> dict:
    """Check a document's metadata; returns the cleaned values or raises ``{field: [messages]}``.

    Keys of ``data`` are those of :data:`LABELS` (``org_code`` and the ``superseded_by_*`` keys are
    optional; a missing ``validity`` means 有效). ``auto_index`` accepts an empty index number for
    the caller to assign with :func:`index_numbers.next_index`; ``require_document_number=False``
    is for documents issued without a number. ``today`` comes from the caller (``govsites.clock``).
    A bad ``pattern`` is a configuration error and is raised on its own, before any field check.
    """
    pattern = index_numbers.compile_pattern(pattern) if isinstance(pattern, str) else pattern
    errors = ErrorCollector()
    cleaned: dict = {}
    for field in ("title", "issuing_body"):
        cleaned[field] = _text(data, field)
        if not cleaned[field]:
            errors.add(field, _missing(field))

    org_code = _text(data, "org_code")
    cleaned["org_code"] = errors.run("org_code", org_codes.validate_org, org_code) if org_code else None
    cleaned["index_number"], cleaned["index_parts"] = _index(
        data, pattern, auto_index, cleaned["org_code"], errors
    )

    number = _text(data, "document_number")
    cleaned["document_number"] = None
    if number:
        cleaned["document_number"] = errors.run(
            "document_number", document_numbers.parse, number, current_year=today.year
        )
    elif require_document_number:
        errors.add("document_number", _missing("document_number"))

    written, published = (_date(data, field, errors) for field in ("date_written", "date_published"))
    _check_date_order(written, published, today, errors)
    cleaned["date_written"], cleaned["date_published"] = written, published

    subject = _text(data, "subject")
    cleaned["subject"] = None
    if subject:
        cleaned["subject"] = errors.run("subject", classification.clean, subject)
    else:
        errors.add("subject", _missing("subject"))

    cleaned["validity"] = errors.run(
        "validity",
        validate_validity,
        data.get("validity") or "valid",
        date=data.get("validity_date"),
        by_title=_text(data, "superseded_by_title"),
        by_number=_text(data, "superseded_by_number"),
        date_written=written,
        today=today,
    )
    errors.raise_if_any()
    return cleaned


def _index(data, pattern, auto_index: bool, org_code: str | None, errors: ErrorCollector):
    value = _text(data, "index_number")
    if not value and auto_index:
        return None, None
    parts = errors.run("index_number", index_numbers.parse_index, pattern, value)
    if parts and org_code and parts.get("org") not in (None, org_code):
        errors.add(
            "index_number",
            DisclosureError(
                f"索引号中的机关代码“{parts['org']}”与发文机关代码“{org_code}”不一致。",
                kind="index_org_mismatch",
            ),
        )
    return (value, parts) if parts else (None, None)


def _date(data: Mapping, field: str, errors: ErrorCollector) -> dt.date | None:
    value = data.get(field)
    if value in (None, ""):
        errors.add(field, _missing(field))
        return None
    return errors.run(field, parse_date, value, LABELS[field])


def _check_date_order(written: dt.date | None, published: dt.date | None, today: dt.date, errors) -> None:
    """成文日期 ≤ 发布日期 ≤ today; each problem is reported once, on the field at fault."""
    for field, day in (("date_written", written), ("date_published", published)):
        if day and day > today:
            errors.add(
                field,
                DisclosureError(
                    f"{LABELS[field]}{chinese_date(day)}晚于今天（{chinese_date(today)}）。",
                    kind="date_in_future",
                ),
            )
    if written and published and written > published and written <= today:
        errors.add(
            "date_written",
            DisclosureError(
                f"成文日期{chinese_date(written)}晚于发布日期{chinese_date(published)}，文件须先成文后发布。",
                kind="written_after_published",
            ),
        )
