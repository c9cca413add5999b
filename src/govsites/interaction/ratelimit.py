"""Fixed-window rate limits kept in the database (``interaction.RateCounter``), shared by every
worker of the public service.

One statement counts a request against all its keys: ``INSERT … ON CONFLICT DO UPDATE SET
count = count + 1 RETURNING``, atomic on SQLite and PostgreSQL alike, so concurrent requests
never lose a count and never collide on the unique (key, window) constraint.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import connection

from govsites import clock
from govsites.interaction.models import RateCounter
from govsites.policy import profiles


class RateLimited(Exception):
    def __init__(self, retry_after: int, message: str = ""):
        minutes = max(1, math.ceil(retry_after / 60))
        self.retry_after = retry_after
        self.message = message or f"提交过于频繁，请{minutes}分钟后再试。"
        super().__init__(self.message)


@dataclass(frozen=True)
class Limit:
    key: str
    limit: int


def window_seconds() -> int:
    return int(profiles.active().get("interaction.rate_window_seconds"))


def _window() -> tuple[int, int]:
    """(current window number, seconds until it ends)."""
    size = window_seconds()
    now = clock.now().timestamp()
    number = int(now // size)
    return number, max(1, math.ceil((number + 1) * size - now))


def upsert_sql(rows: int) -> str:
    """The counting statement for ``rows`` keys (parameters: key, window per row); the
    submission intake embeds it in its one-statement write."""
    q = connection.ops.quote_name
    # names come from the model and placeholders only; values are always parameters
    table, key, window, count = (q(name) for name in (RateCounter._meta.db_table, "key", "window", "count"))
    values = ", ".join(["(%s, %s, 1)"] * rows)
    return " ".join((
        f"INSERT INTO {table} ({key}, {window}, {count}) VALUES {values}",  # noqa: S608
        f"ON CONFLICT ({key}, {window}) DO UPDATE SET {count} = {table}.{count} + 1",
        f"RETURNING {key}, {count}",
    ))


def wanted(limits) -> dict[str, int]:
    """Distinct keys in a fixed order with their (smallest) limits: one row is never hit twice by
    a statement, and concurrent statements lock rows in the same order (no deadlock on
    PostgreSQL)."""
    out: dict[str, int] = {}
    for limit in limits:
        if limit.key:
            out[limit.key[:80]] = min(limit.limit, out.get(limit.key[:80], limit.limit))
    return dict(sorted(out.items()))


def window_number() -> int:
    return _window()[0]


def retry_after() -> int:
    """Seconds until the current window ends."""
    return _window()[1]


def count(*limits: Limit) -> bool:
    """Count one request against every key; True if any is now over its limit (the count stays)."""
    keys = wanted(limits)
    if not keys:
        return False
    number = window_number()
    with connection.cursor() as cursor:
        cursor.execute(upsert_sql(len(keys)), [value for key in keys for value in (key, number)])
        counts = dict(cursor.fetchall())
    return any(counts.get(key, 0) > limit for key, limit in keys.items())


def hit(*limits: Limit, message: str = "") -> None:
    """Count one request against every key; :class:`RateLimited` if any is now over its limit."""
    if count(*limits):
        raise RateLimited(retry_after(), message)


def check(limit: Limit, message: str = "") -> None:
    """Refuse without counting when ``limit.key`` already reached its limit in this window."""
    number, remaining = _window()
    count = RateCounter.objects.filter(key=limit.key[:80], window=number).values_list("count", flat=True).first()
    if count is not None and count >= limit.limit:
        raise RateLimited(remaining, message)


def profile_limit(name: str) -> int:
    """``interaction.rate_per_address`` / ``rate_per_identity`` of the active profile."""
    return int(profiles.active().get(f"interaction.{name}"))
