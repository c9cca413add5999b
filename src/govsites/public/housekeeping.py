"""Dropping what the public service no longer needs: rate counters of past windows and spent
form tokens older than the replay memory. Runs on the staff side (the public role may not
delete), as the scheduled job ``public.prune`` or ``govsites public_prune``."""

from __future__ import annotations

import datetime as dt

from govsites import clock
from govsites.interaction import ratelimit
from govsites.interaction.models import RateCounter, UsedToken

#: a replayed form is answered with its first case number for this long (the challenge itself
#: expires after minutes; the memory only serves the citizen who presses "back" and resubmits)
TOKEN_DAYS = 7


def prune(token_days: int = TOKEN_DAYS) -> tuple[int, int]:
    """``(counters deleted, tokens deleted)``."""
    current = int(clock.now().timestamp() // ratelimit.window_seconds())
    counters, _ = RateCounter.objects.filter(window__lt=current - 1).delete()
    tokens, _ = UsedToken.objects.filter(used_at__lt=clock.now() - dt.timedelta(days=token_days)).delete()
    return counters, tokens
