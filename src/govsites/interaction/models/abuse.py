"""The public service's memory against abuse: rate counters and spent form tokens.

Kept in the database (not a per-process cache) so every worker of the public service shares
them, and so the service needs no extra server in the embedded default.
"""

from __future__ import annotations

from django.db import models

from govsites import clock


class RateCounter(models.Model):
    """Submissions counted per key (an address or identity hash) in one fixed window."""

    key = models.CharField(max_length=80)
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="unique_rate_window")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window}: {self.count}"



class UsedToken(models.Model):
    """A form token (and the challenge bound to it) that has been spent: a replayed form is
    recognised, whichever kind of submission it carried."""

    token = models.CharField(max_length=64)
    used_at = models.DateTimeField(default=clock.now, db_index=True)
    #: the case number (or other receipt) the first submission got, shown again on a replay
    receipt = models.CharField(max_length=32, blank=True)

    class Meta:
        # a constraint, not ``unique=True``: no second, LIKE-pattern index on PostgreSQL
        constraints = [models.UniqueConstraint(fields=["token"], name="unique_used_token")]

    def __str__(self) -> str:
        return f"{self.token[:8]}… {self.receipt}"

