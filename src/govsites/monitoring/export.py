"""The findings export: JSON lines, one finding a line, with the fields an outside scorer needs
(``site`` host, ``check`` type, ``url``, ``target``, ``severity``, ``evidence``, ``first_seen``,
``status``) plus ``label`` (the check's Chinese name) and ``detail`` (measured values)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO

from govsites import clock

from .models import Finding

FIELDS = ("site", "check", "url", "target", "severity", "evidence", "first_seen", "status")


def finding_line(finding: Finding) -> dict:
    return {
        "site": finding.host,
        "check": finding.check_type,
        "url": finding.url,
        "target": finding.target,
        "severity": finding.severity,
        "evidence": finding.evidence,
        "first_seen": clock.local(finding.first_seen).isoformat(timespec="seconds"),
        "status": finding.status,
        "label": finding.label,
        "detail": finding.detail,
    }


def write_jsonl(findings: Iterable[Finding], stream: IO[str]) -> int:
    """Write one JSON object a line (UTF-8 text, not ASCII-escaped); returns the count."""
    count = 0
    for finding in findings:
        stream.write(json.dumps(finding_line(finding), ensure_ascii=False, default=str) + "\n")
        count += 1
    return count
