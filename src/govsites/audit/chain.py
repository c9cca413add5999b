"""The keyed hash chain of the audit trail (SEC-03).

Every entry carries ``seq`` (gapless, ascending), ``prev_hash`` (the previous entry's hash) and
``entry_hash`` = HMAC-SHA256(key, canonical form of every meaningful field). Without the key
nobody can write a row that verifies, and changing, inserting or deleting a row breaks either its
own HMAC or the link of its neighbour. Keys come from ``GOVSITES_AUDIT_KEY`` as a comma-separated
``id:secret`` list, newest first: new entries use the first, old entries keep naming theirs
(``key_id``), so rotation never re-signs history.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import ipaddress
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder

#: the fields an entry's HMAC covers, in the canonical form's (sorted) key names
HASHED_FIELDS = (
    "seq", "key_id", "timestamp", "user_id", "action", "content_type_id", "object_id", "label", "data",
    "uuid", "revision_id", "content_changed", "deleted", "ip_address", "user_agent", "via", "reason",
    "changes", "site_ref", "prev_hash",
)
#: a version tag inside the canonical form, so a later change of the form stays verifiable
FORM_VERSION = 1
MIN_SECRET_LENGTH = 32


@functools.cache
def _parse_keys(raw: str) -> tuple[tuple[str, bytes], ...]:
    keys = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        key_id, sep, secret = part.partition(":")
        if not sep:  # a bare secret: the first key of a deployment
            key_id, secret = "k1", part
        key_id = key_id.strip()
        if not key_id or len(key_id) > 32 or len(secret) < MIN_SECRET_LENGTH:
            raise ImproperlyConfigured(
                "GOVSITES_AUDIT_KEY must be a comma-separated list of id:secret (id ≤ 32 characters, "
                f"secret ≥ {MIN_SECRET_LENGTH} characters), newest first."
            )
        keys.append((key_id, secret.encode("utf-8")))
    if not keys:
        raise ImproperlyConfigured("GOVSITES_AUDIT_KEY is not set: the audit trail cannot be signed.")
    if len({k for k, _ in keys}) != len(keys):
        raise ImproperlyConfigured("GOVSITES_AUDIT_KEY names the same key id twice.")
    return tuple(keys)


def keys() -> dict[str, bytes]:
    return dict(_parse_keys(getattr(settings, "GOVSITES_AUDIT_KEY", "") or ""))


def current_key() -> tuple[str, bytes]:
    return _parse_keys(getattr(settings, "GOVSITES_AUDIT_KEY", "") or "")[0]


# -- canonical form ------------------------------------------------------------------------------

_ENCODER = DjangoJSONEncoder


def normalise_json(value: Any) -> Any:
    """What a JSON column gives back for ``value``: the hash must cover what is stored, on SQLite
    (text) and on PostgreSQL (jsonb, which reorders keys and may turn 1.0 into 1)."""
    value = json.loads(json.dumps(value, cls=_ENCODER, ensure_ascii=False))
    return _numbers(value)


def _numbers(value):
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def normalise_ip(value) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(str(value).split("/", 1)[0]))
    except ValueError:
        return None


def iso_utc(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("audit timestamps must be timezone-aware")
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical(row: dict[str, Any]) -> bytes:
    """The bytes an entry's HMAC is computed over. ``row`` holds the HASHED_FIELDS as read from
    the database (or an archive line); values are brought to one form first."""
    timestamp = row["timestamp"]
    uuid = row.get("uuid")
    form = {
        "v": FORM_VERSION,
        "seq": int(row["seq"]),
        "key_id": row["key_id"],
        "timestamp": timestamp if isinstance(timestamp, str) else iso_utc(timestamp),
        "user_id": row.get("user_id"),
        "action": row["action"],
        "content_type_id": row.get("content_type_id"),
        "object_id": str(row.get("object_id") or ""),
        "label": row.get("label") or "",
        "data": _numbers(row.get("data") or {}),
        "uuid": str(uuid) if uuid else None,
        "revision_id": row.get("revision_id"),
        "content_changed": bool(row.get("content_changed")),
        "deleted": bool(row.get("deleted")),
        "ip_address": normalise_ip(row.get("ip_address")),
        "user_agent": row.get("user_agent") or "",
        "via": row.get("via") or "",
        "reason": row.get("reason") or "",
        "changes": _numbers(row.get("changes") or {}),
        "site_ref": row.get("site_ref"),
        "prev_hash": row.get("prev_hash") or "",
    }
    return json.dumps(form, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def compute_hash(row: dict[str, Any], secret: bytes) -> str:
    return hmac.new(secret, canonical(row), hashlib.sha256).hexdigest()


def verify_hash(row: dict[str, Any], stored: str, key_table: dict[str, bytes] | None = None) -> bool | None:
    """True/False; None when the entry names a key this deployment does not hold."""
    secret = (key_table if key_table is not None else keys()).get(row.get("key_id") or "")
    if secret is None:
        return None
    return hmac.compare_digest(compute_hash(row, secret), stored or "")


def row_of(entry) -> dict[str, Any]:
    """The HASHED_FIELDS of a model instance (attnames, so no related object is loaded)."""
    return {name: getattr(entry, name) for name in HASHED_FIELDS}
