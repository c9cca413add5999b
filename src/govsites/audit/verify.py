"""Verification of the audit chain (SEC-03): pinpoints every altered, inserted or deleted entry.

The walk goes through the entries in ``seq`` order in batches (keyset on ``seq``, only the hashed
columns), so a million rows take constant memory. For each entry:

* a ``seq`` below the expected one is a **duplicate** (an inserted row);
* a ``seq`` above it means the entries in between were **deleted** (the range is named);
* an HMAC that does not hold is **altered** if the chain still links to the row (the next entry's
  ``prev_hash``, or the chain head, names its stored hash: the row was edited in place), else a
  **forged** insertion; rows beyond the chain head are forged insertions too;
* a valid entry whose ``prev_hash`` is not its predecessor's hash is a **broken link**.

Pruning leaves a signed ``audit.prune`` anchor (last pruned seq and hash) where the live chain
starts; an archive file carries the same in its header and verifies on its own.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import chain

MAX_PROBLEMS = 10_000
BATCH = 5_000
COLUMNS = ("id", "entry_hash", *chain.HASHED_FIELDS)

KINDS = {
    "altered": "篡改",
    "forged": "伪造插入",
    "duplicate": "重复序号",
    "missing": "删除",
    "broken_link": "链接断裂",
    "unknown_key": "未知密钥",
    "archive": "归档文件",
}


@dataclass
class Problem:
    kind: str
    seq: int | None = None
    id: int | None = None
    timestamp: str = ""
    action: str = ""
    detail: str = ""
    seq_to: int | None = None

    def line(self) -> str:
        kind = KINDS.get(self.kind, self.kind)
        if self.kind == "missing":
            where = f"序号 {self.seq}" if self.seq_to in (None, self.seq) else f"序号 {self.seq}–{self.seq_to}"
            return f"【{kind}】{where}：{self.detail}"
        if self.seq is None:
            return f"【{kind}】{self.detail}"
        return f"【{kind}】序号 {self.seq}（ID {self.id}，{self.timestamp}，{self.action}）：{self.detail}"

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("kind", "seq", "seq_to", "id", "timestamp", "action", "detail")}


@dataclass
class VerifyResult:
    source: str = "database"
    checked: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    start_seq: int = 1
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def summary(self) -> str:
        span = f"序号 {self.first_seq}–{self.last_seq}" if self.checked else "无记录"
        if self.ok:
            return f"审计日志校验通过：{self.checked} 条（{span}），链完整，用时 {self.seconds:.1f} 秒。"
        return f"审计日志校验失败：{self.checked} 条（{span}）中发现 {self.problem_count} 处问题。"

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source, "ok": self.ok, "checked": self.checked, "first_seq": self.first_seq,
            "last_seq": self.last_seq, "problem_count": self.problem_count,
            "problems": [p.as_dict() for p in self.problems[:100]],
        }


class Walker:
    """Feeds rows (dicts of COLUMNS) in seq order; collects problems into ``result``."""

    def __init__(self, result: VerifyResult, expected_seq: int, expected_prev: str, key_table: dict[str, bytes]):
        self.result = result
        self.expected_seq = expected_seq
        self.expected_prev = expected_prev
        self.keys = key_table
        self.last_seq: int | None = None
        self.pending: dict | None = None  # a row whose HMAC failed, classified by the next link

    def feed(self, row: dict[str, Any], beyond_head: bool = False) -> None:
        seq = row["seq"]
        if self.pending is not None:
            self._classify(self.pending, linked=row.get("prev_hash") == self.pending["entry_hash"])
            self.pending = None
        if self.last_seq is not None and seq <= self.last_seq:
            self.result.add(self._problem("duplicate", row, "序号与前一条重复或倒序（插入的记录）"))
            return
        result = self.result
        result.checked += 1
        result.first_seq = seq if result.first_seq is None else result.first_seq
        result.last_seq = seq
        gap = seq > self.expected_seq
        if gap:
            result.add(Problem("missing", seq=self.expected_seq, seq_to=seq - 1,
                               detail=f"这些记录已被删除（其后一条为序号 {seq}，ID {row['id']}）"))
        if beyond_head:
            result.add(self._problem("forged", row, "不在审计链头记录的范围内（插入的记录）"))
        else:
            valid = chain.verify_hash(row, row["entry_hash"], self.keys)
            if valid is None:
                result.add(self._problem("unknown_key", row, f"签名密钥“{row.get('key_id')}”不存在（伪造或密钥缺失）"))
            elif not valid:
                self.pending = row
            elif not gap and row.get("prev_hash") != self.expected_prev:
                result.add(self._problem("broken_link", row, "与前一条记录的哈希不衔接（前一条被替换或删除）"))
        self.expected_seq = seq + 1
        self.expected_prev = row["entry_hash"]
        self.last_seq = seq

    def finish(self, head_seq: int | None, head_hash: str | None) -> None:
        if self.pending is not None:
            linked = head_hash is not None and head_hash == self.pending["entry_hash"]
            self._classify(self.pending, linked=linked)
            self.pending = None
        if head_seq is not None and head_seq >= self.expected_seq:
            self.result.add(Problem("missing", seq=self.expected_seq, seq_to=head_seq,
                                    detail="链尾的这些记录已被删除"))

    def _classify(self, row, linked: bool) -> None:
        if linked:
            self.result.add(self._problem("altered", row, "内容与签名不符（记录被修改）"))
        else:
            self.result.add(self._problem("forged", row, "签名无效且后续记录不指向它（插入或替换的记录）"))

    @staticmethod
    def _problem(kind: str, row: dict, detail: str) -> Problem:
        ts = row.get("timestamp")
        ts = ts if isinstance(ts, str) or ts is None else chain.iso_utc(ts)
        return Problem(kind, seq=row["seq"], id=row.get("id"), timestamp=ts or "", action=row.get("action", ""),
                       detail=detail)


def anchor(using: str = "default") -> tuple[int, str]:
    """Where the live chain starts: after the newest valid ``audit.prune`` anchor, else at 1."""
    from .models import AuditLogEntry

    key_table = chain.keys()
    for values in (
        AuditLogEntry.objects.using(using).filter(action="audit.prune").order_by("-seq").values(*COLUMNS)[:20]
    ):
        data = values["data"] or {}
        if "last_seq" in data and chain.verify_hash(values, values["entry_hash"], key_table):
            return int(data["last_seq"]) + 1, str(data.get("last_hash") or "")
    return 1, ""


def verify_chain(batch_size: int = BATCH, using: str = "default") -> VerifyResult:
    from .models import AuditChainHead, AuditLogEntry

    started = time.monotonic()
    start_seq, start_prev = anchor(using)
    result = VerifyResult(start_seq=start_seq)
    walker = Walker(result, start_seq, start_prev, chain.keys())
    entries = AuditLogEntry.objects.using(using).order_by("seq", "id")
    last = start_seq - 1
    # Entries before the anchor are pruned leftovers only if the anchor is wrong: check them too.
    if entries.filter(seq__lt=start_seq).exists():
        for values in entries.filter(seq__lt=start_seq).values(*COLUMNS)[:MAX_PROBLEMS]:
            result.add(Walker._problem("forged", values, "位于已清理范围之内（清理后又插入的记录）"))
    head = AuditChainHead.objects.using(using).values_list("seq", "entry_hash").first() or (0, "")
    while True:
        rows = list(entries.filter(seq__gt=last, seq__lte=head[0]).values_list(*COLUMNS)[:batch_size])
        for values in rows:
            walker.feed(dict(zip(COLUMNS, values, strict=True)))
        if rows:
            last = rows[-1][COLUMNS.index("seq")]
            continue
        # Nothing left up to the head: entries written meanwhile move the head; what stays beyond
        # it was never appended through the chain.
        newer = AuditChainHead.objects.using(using).values_list("seq", "entry_hash").first() or (0, "")
        if newer[0] > head[0]:
            head = newer
            continue
        for values in entries.filter(seq__gt=max(last, head[0])).values_list(*COLUMNS)[:MAX_PROBLEMS]:
            walker.feed(dict(zip(COLUMNS, values, strict=True)), beyond_head=True)
        break
    walker.finish(head[0] if head[0] >= start_seq else None, head[1] or None)
    result.seconds = time.monotonic() - started
    return result


# -- archives ------------------------------------------------------------------------------------

ARCHIVE_FORMAT = "govsites-audit-archive"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksum_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def verify_archive(path) -> VerifyResult:
    """Verify an archive written by ``audit_prune`` on its own: checksum file, header, every
    entry's HMAC and the links from the header's ``prev_hash`` to its ``last_hash``."""
    path = Path(path)
    started = time.monotonic()
    result = VerifyResult(source=str(path))
    if not path.is_file():
        result.add(Problem("archive", detail=f"文件不存在：{path}"))
        return result
    checksum = checksum_path(path)
    if checksum.is_file():
        expected = checksum.read_text(encoding="utf-8").split()[0] if checksum.read_text(encoding="utf-8").strip() else ""
        if expected != sha256_of(path):
            result.add(Problem("archive", detail="文件的 SHA-256 校验值与校验文件不符"))
    else:
        result.add(Problem("archive", detail=f"缺少校验文件 {checksum.name}"))
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            header = json.loads(handle.readline() or "{}")
            if header.get("format") != ARCHIVE_FORMAT:
                result.add(Problem("archive", detail="不是审计日志归档文件（文件头不符）"))
                return result
            result.start_seq = int(header["from_seq"])
            walker = Walker(result, result.start_seq, header.get("prev_hash") or "", chain.keys())
            for line in handle:
                if line.strip():
                    walker.feed(json.loads(line))
            walker.finish(int(header["to_seq"]), header.get("last_hash") or None)
            if result.checked != int(header.get("count", -1)):
                result.add(Problem("archive", detail=f"文件头记载 {header.get('count')} 条，实际 {result.checked} 条"))
    except (OSError, EOFError, ValueError, KeyError) as exc:
        result.add(Problem("archive", detail=f"文件无法读取：{exc.__class__.__name__}"))
    result.seconds = time.monotonic() - started
    return result
