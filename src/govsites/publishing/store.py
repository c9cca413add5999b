"""The build store: every rendered file once, named by its SHA-256, on the admin/worker side.

Targets copy from here (they never link to it), the integrity watch restores from here, and
the same object serves every site and release that publishes identical bytes (shared assets).
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

from django.conf import settings

_MOD = 2**256


@cache
def build_dir() -> Path:
    path = Path(settings.GOVSITES_PUBLISHING["BUILD_DIR"])
    (path / "objects").mkdir(parents=True, exist_ok=True)
    return path


def object_path(sha: str) -> Path:
    return build_dir() / "objects" / sha[:2] / sha


def put(data: bytes) -> tuple[str, int]:
    """Store ``data`` (if not yet stored) and return its hash and size."""
    sha = hashlib.sha256(data).hexdigest()
    path = object_path(sha)
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_name(f".{sha}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)  # a reader never sees a partly written object
    return sha, len(data)


def has(sha: str) -> bool:
    return object_path(sha).exists()


def entry_term(path: str, sha: str) -> int:
    """One file's share of a manifest's set digest (see ``SiteRelease.digest``)."""
    return int.from_bytes(hashlib.sha256(f"{path}\0{sha}".encode()).digest(), "big")


def digest_update(digest: str, added: dict[str, str], removed: dict[str, str]) -> str:
    """The set digest after replacing ``removed`` entries with ``added`` ones: O(delta)."""
    value = int(digest, 16) if digest else 0
    for path, sha in removed.items():
        value = (value - entry_term(path, sha)) % _MOD
    for path, sha in added.items():
        value = (value + entry_term(path, sha)) % _MOD
    return f"{value:064x}"


def digest_of(entries: dict[str, str]) -> str:
    return digest_update("", entries, {})
