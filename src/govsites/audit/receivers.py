"""Logins, logouts and failed logins in the trail, from Django's auth signals (every login path
— the admin form, the API, a test client — sends them). The password is never recorded: only
the user name that was tried, with the address and the user agent."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver

from .context import Actor
from .log import record, record_event

MAX_USERNAME = 150


def _actor(request, user=None) -> Actor:
    if request is None:
        return Actor(user=user, via="system")
    return Actor.from_request(request, via=_via(request), user=user)


def _via(request) -> str:
    return "api" if request.path.startswith("/api/") else "web"


@receiver(user_logged_in, dispatch_uid="govsites_audit_login")
def logged_in(sender, request, user, **kwargs):
    record(_actor(request, user), user, "auth.login")


@receiver(user_logged_out, dispatch_uid="govsites_audit_logout")
def logged_out(sender, request, user, **kwargs):
    if user is None:  # an anonymous session ended: nobody to name
        return
    record(_actor(request, user), user, "auth.logout")


@receiver(user_login_failed, dispatch_uid="govsites_audit_login_failed")
def login_failed(sender, credentials, request=None, **kwargs):
    User = get_user_model()
    username = str((credentials or {}).get(User.USERNAME_FIELD) or (credentials or {}).get("username") or "")
    username = username[:MAX_USERNAME]
    account = User.objects.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    record_event(
        _actor(request),
        "auth.login_failed",
        username or "（未填写用户名）",
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(account.pk) if account else "",
        data={"username": username, "known_account": account is not None},
    )
