"""Retention of the audit trail (SEC-03): archive, verify the archive, then prune.

Entries older than ``security.audit_retention_days`` of the policy profile (default 365) are
written to a gzip JSON-lines archive (header + one line per entry with its hashes, mode 0600, a
``.sha256`` file beside it), the archive is read back and verified, and only then are the entries
deleted — a prefix of the chain, in one transaction holding the chain head and a prune permit —
and a signed ``audit.prune`` anchor appended that names the last pruned ``seq`` and hash, so the
remaining chain still verifies and the archive verifies on its own (``audit_verify --archive``).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections, router, transaction

from govsites import clock
from govsites.policy import profiles

from . import chain, triggers
from .context import Actor
from .log import record_event
from .verify import ARCHIVE_FORMAT, COLUMNS, checksum_path, sha256_of, verify_archive

DEFAULT_RETENTION_DAYS = 365


class PruneError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class PruneResult:
    pruned: int = 0
    from_seq: int | None = None
    to_seq: int | None = None
    archive: Path | None = None
    cutoff: dt.datetime | None = None

    def summary(self) -> str:
        if not self.pruned:
            return f"没有早于 {self.cutoff:%Y-%m-%d %H:%M} 的审计记录需要清理。"
        return (f"已归档并清理 {self.pruned} 条审计记录（序号 {self.from_seq}–{self.to_seq}），"
                f"归档文件：{self.archive}")


def retention_days() -> int:
    try:
        value = profiles.active().get("security.audit_retention_days")
    except KeyError:
        value = None
    return int(value or DEFAULT_RETENTION_DAYS)


def archive_dir() -> Path:
    configured = getattr(settings, "GOVSITES_AUDIT_ARCHIVE_DIR", None)
    if configured:
        return Path(configured)
    return Path(getattr(settings, "DATA_DIR", Path.cwd() / "var")) / "audit-archive"


def prune(actor: Actor | None = None, *, days: int | None = None, batch_size: int = 5000,
          using: str | None = None) -> PruneResult:
    """Archive and delete the entries older than the retention period (never a shorter one)."""
    from .models import AuditChainHead, AuditLogEntry
    from .verify import anchor

    actor = actor or Actor.system()
    minimum = retention_days()
    if days is not None and days < minimum:
        raise PruneError(f"【SEC-03】审计日志至少保留 {minimum} 天（策略配置），不能按 {days} 天清理。")
    days = days or minimum
    using = using or router.db_for_write(AuditLogEntry)
    cutoff = clock.now() - dt.timedelta(days=days)
    result = PruneResult(cutoff=cutoff)
    entries = AuditLogEntry.objects.using(using)
    start_seq, prev_hash = anchor(using)
    # Only a prefix of the chain can go: up to the first entry that is still young enough.
    first_young = entries.filter(timestamp__gte=cutoff).order_by("seq").values_list("seq", flat=True).first()
    last_old = entries.filter(timestamp__lt=cutoff, seq__gte=start_seq)
    if first_young is not None:
        last_old = last_old.filter(seq__lt=first_young)
    to_seq = last_old.order_by("-seq").values_list("seq", flat=True).first()
    if to_seq is None:
        return result
    from_seq = entries.filter(seq__gte=start_seq).order_by("seq").values_list("seq", flat=True).first()

    path, count, last_hash = _write_archive(entries, from_seq, to_seq, prev_hash, batch_size)
    checked = verify_archive(path)
    if not checked.ok or checked.checked != count:
        raise PruneError("【SEC-03】归档文件校验未通过，未清理任何记录：" +
                         "；".join(p.line() for p in checked.problems[:5]))

    connection = connections[using]
    with transaction.atomic(using=using):
        AuditChainHead.locked(using)
        with triggers.permit(connection, to_seq):
            deleted = entries.filter(seq__lte=to_seq)._prune()
        record_event(
            actor, "audit.prune", f"清理审计日志 序号 {from_seq}–{to_seq}",
            reason=f"超过保留期限 {days} 天",
            data={"first_seq": from_seq, "last_seq": to_seq, "last_hash": last_hash, "count": deleted,
                  "archive": path.name, "sha256": sha256_of(path), "cutoff": chain.iso_utc(cutoff)},
        )
    result.pruned, result.from_seq, result.to_seq, result.archive = deleted, from_seq, to_seq, path
    return result


def _write_archive(entries, from_seq: int, to_seq: int, prev_hash: str, batch_size: int):
    folder = archive_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = clock.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"audit-{from_seq:012d}-{to_seq:012d}-{stamp}.jsonl.gz"
    partial = path.with_name(path.name + ".partial")
    count, last_hash, last = 0, prev_hash, from_seq - 1
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb") as handle:
        lines = []
        while True:
            rows = list(entries.filter(seq__gt=last, seq__lte=to_seq).order_by("seq").values_list(*COLUMNS)[:batch_size])
            if not rows:
                break
            for values in rows:
                row = dict(zip(COLUMNS, values, strict=True))
                lines.append(json.dumps(_portable(row), ensure_ascii=False, sort_keys=True))
                count += 1
                last_hash = row["entry_hash"]
            last = rows[-1][COLUMNS.index("seq")]
            handle.write(("\n".join(lines) + "\n").encode("utf-8"))
            lines = []
        header = {
            "format": ARCHIVE_FORMAT, "version": 1, "from_seq": from_seq, "to_seq": to_seq, "count": count,
            "prev_hash": prev_hash, "last_hash": last_hash, "created_at": chain.iso_utc(clock.now()),
        }
    # The header goes first: write it to the final file, then the body lines after it.
    final_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(final_fd, "wb") as out:
        with gzip.GzipFile(fileobj=out, mode="wb") as head:
            head.write((json.dumps(header, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
        with partial.open("rb") as body:  # concatenated gzip members read back as one stream
            for block in iter(lambda: body.read(1 << 20), b""):
                out.write(block)
        out.flush()
        os.fsync(out.fileno())
    partial.unlink()
    checksum = checksum_path(path)
    fd = os.open(checksum, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(f"{sha256_of(path)}  {path.name}\n")
    return path, count, last_hash


def _portable(row: dict) -> dict:
    out = dict(row)
    out["timestamp"] = chain.iso_utc(row["timestamp"])
    out["uuid"] = str(row["uuid"]) if row.get("uuid") else None
    out["ip_address"] = chain.normalise_ip(row.get("ip_address"))
    return out
