"""Lockout after repeated login failures (SEC-02), with django-axes.

Axes counts failures per account and per address (``AXES_LOCKOUT_PARAMETERS``); these callables
give it the profile's limit and duration, the peer address the audit trail uses, and a Chinese
answer. :func:`current_lockouts` lists what is locked now for the security officer's page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from govsites.audit.context import client_ip as _client_ip


def _security(name: str):
    from govsites.policy import profiles

    return profiles.active().get(f"security.{name}")


def failure_limit(request=None, credentials=None) -> int:
    return int(_security("lockout_failures"))


def cool_off(request=None) -> dt.timedelta:
    return dt.timedelta(hours=float(_security("lockout_hours")))


def client_ip(request) -> str | None:
    """REMOTE_ADDR only, like the audit trail: a forged X-Forwarded-For must not dodge lockout."""
    return _client_ip(request)


def lockout_message() -> str:
    hours = float(_security("lockout_hours"))
    return _(
        "登录失败次数过多，账号或来源地址已被锁定 %(hours)s 小时。如需提前解锁，请联系安全管理员。"
    ) % {"hours": f"{hours:g}"}


def lockout_response(request, original_response=None, credentials=None):
    """The 403 a locked-out login gets: JSON for scripts, otherwise a page like the login page."""
    message = lockout_message()
    wants_json = (
        request.META.get("HTTP_X_REQUESTED_WITH") == "XMLHttpRequest"
        or request.path.startswith("/api/")
        or "application/json" in request.META.get("HTTP_ACCEPT", "")
    )
    if wants_json:
        return JsonResponse({"detail": message, "rule": "SEC-02", "errors": {}}, status=403)
    # rendered now: axes swaps it in after the view, when no one renders a TemplateResponse any more
    return render(request, "accounts/locked_out.html", {"message": message}, status=403)


@dataclass(frozen=True)
class Lockout:
    kind: str  # "username" or "ip_address"
    value: str
    failures: int
    last_attempt: dt.datetime
    until: dt.datetime

    @property
    def kind_label(self) -> str:
        return _("账号") if self.kind == "username" else _("来源地址")


def current_lockouts() -> list[Lockout]:
    """Accounts and addresses whose failures within the cool-off reach the limit, newest first."""
    from axes.models import AccessAttempt

    limit = failure_limit()
    period = cool_off()
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - period)
    found: list[Lockout] = []
    for kind in ("username", "ip_address"):
        rows = (
            recent.exclude(**{f"{kind}__isnull": True})
            .order_by()  # the model's default ordering would split the groups
            .values(kind)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=limit)
        )
        found += [Lockout(kind, row[kind], row["failures"], row["last"], row["last"] + period) for row in rows]
    return sorted(found, key=lambda lockout: lockout.last_attempt, reverse=True)


def is_locked(*, username: str | None = None, ip_address: str | None = None) -> bool:
    return any(
        (lockout.kind == "username" and lockout.value == username)
        or (lockout.kind == "ip_address" and lockout.value == ip_address)
        for lockout in current_lockouts()
    )
