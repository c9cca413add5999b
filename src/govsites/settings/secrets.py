"""Secrets for the embedded default: generated once into a private file, never committed."""

import base64
import os
import secrets
from pathlib import Path


def load_or_create_secret_key(path: Path) -> str:
    """Return the key stored at ``path``, creating it (mode 0600) on first use."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(64)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def load_or_create_secret(path: Path, generate) -> str:
    """Like :func:`load_or_create_secret_key`, for any secret ``generate()`` makes."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    value = generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    return value


def new_pii_key() -> str:
    """One entry of ``GOVSITES_PII_KEYS``: ``<key id>:<base64 of 32 random bytes>``."""
    return f"k{secrets.token_hex(4)}:{base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip('=')}"
