"""Request gates of authentication (SEC-02), in MIDDLEWARE order:

1. :class:`AdminNetworkMiddleware` — /admin/ and /api/ only from configured address ranges;
2. :class:`IdleSessionMiddleware` — a session idle longer than the profile allows is logged out;
3. :class:`SecondFactorMiddleware` — a password alone opens nothing: an admin session goes to
   the TOTP verify (or setup) page until the second factor is given;
4. :class:`PasswordExpiryMiddleware` — an expired password is changed before anything else.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from govsites.audit.context import Actor, client_ip

from . import mfa
from .passwords import password_expired

LAST_ACTIVITY_KEY = "govsites_last_activity"
PASSWORD_EXPIRED_KEY = "govsites_password_expired"  # noqa: S105  (a session key, not a password)
PROTECTED_PREFIXES = ("/admin/", "/api/")


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _static_path(request) -> bool:
    static = settings.STATIC_URL or "/static/"
    return request.path.startswith(static) or request.path == "/favicon.ico"


def _always_open(request) -> bool:
    """Pages a half-authenticated session still needs: log out, the second factor, translations."""
    if _static_path(request):
        return True
    open_paths = {
        reverse("wagtailadmin_logout"),
        reverse("wagtailadmin_login"),
        reverse("govsites_mfa:verify"),
        reverse("govsites_mfa:setup"),
        reverse("govsites_mfa:recovery_codes"),
        reverse("wagtailadmin_javascript_catalog"),
        reverse("wagtailadmin_sprite"),
    }
    return request.path in open_paths


@functools.cache
def _networks(spec: tuple[str, ...]):
    return [ipaddress.ip_network(n, strict=False) for n in spec]


class AdminNetworkMiddleware:
    """Refuse /admin/ and /api/ to addresses outside ``GOVSITES_ADMIN_ALLOWED_NETWORKS``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        spec = tuple(getattr(settings, "GOVSITES_ADMIN_ALLOWED_NETWORKS", ()) or ())
        if spec and request.path.startswith(PROTECTED_PREFIXES) and not self.allowed(request, spec):
            message = _("您所在的网络地址不允许访问管理后台。如需访问，请联系系统管理员。")
            if _is_api(request):
                return JsonResponse({"detail": message, "rule": "SEC-02", "errors": {}}, status=403)
            return render(request, "accounts/network_denied.html", {"message": message}, status=403)
        return self.get_response(request)

    @staticmethod
    def allowed(request, spec) -> bool:
        try:
            address = ipaddress.ip_address(client_ip(request) or "")
        except ValueError:
            return False
        return any(address in network for network in _networks(spec))


class IdleSessionMiddleware:
    """Log out a session idle longer than ``security.session_idle_minutes``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _static_path(request):
            now = timezone.now()  # real time, like Django's last_login and axes
            last = request.session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - dt.datetime.fromtimestamp(last, tz=dt.UTC) > self.idle_limit():
                logout(request)
                messages.info(request, _("您已长时间未操作，为保障账号安全已自动退出，请重新登录。"))
                if _is_api(request):
                    return JsonResponse({"detail": _("会话已超时，请重新登录。"), "rule": "SEC-02", "errors": {}},
                                        status=401)
                return redirect(f"{reverse('wagtailadmin_login')}?{urlencode({'next': request.get_full_path()})}")
            # write at most once a minute, not on every request
            if last is None or now.timestamp() - last >= 60:
                request.session[LAST_ACTIVITY_KEY] = now.timestamp()
        return self.get_response(request)

    @staticmethod
    def idle_limit() -> dt.timedelta:
        from govsites.policy import profiles

        return dt.timedelta(minutes=int(profiles.active().get("security.session_idle_minutes")))


class SecondFactorMiddleware:
    """Nothing but logout and the second-factor pages before the TOTP (or recovery) code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not _always_open(request)
            and mfa.needs_second_factor(user)
            and not user.is_verified()
        ):
            if _is_api(request):
                return JsonResponse(
                    {"detail": _("请先完成双因素认证。"), "rule": "SEC-02", "errors": {}}, status=403
                )
            target = "govsites_mfa:verify" if mfa.has_confirmed_totp(user) else "govsites_mfa:setup"
            url = reverse(target)
            next_url = request.get_full_path()
            if request.method == "GET" and url_has_allowed_host_and_scheme(next_url, None):
                url += "?" + urlencode({"next": next_url})
            return redirect(url)
        return self.get_response(request)


class PasswordExpiryMiddleware:
    """Send an admin whose password is past the maximum age to the account page until changed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not mfa.may_use_admin(user):
            return self.get_response(request)
        expired = password_expired(user)
        if not expired and request.session.pop(PASSWORD_EXPIRED_KEY, False):
            from .actions import audit_event

            audit_event(Actor.from_request(request), user, "govsites.accounts.password_renewed")
        if expired and not _always_open(request) and request.path != reverse("wagtailadmin_account"):
            if not request.session.get(PASSWORD_EXPIRED_KEY):
                from .actions import audit_event

                request.session[PASSWORD_EXPIRED_KEY] = True
                audit_event(Actor.from_request(request), user, "govsites.accounts.password_expired")
            if _is_api(request):
                return JsonResponse({"detail": _("密码已过期，请先修改密码。"), "rule": "SEC-02", "errors": {}},
                                    status=403)
            messages.warning(request, _("您的密码已超过有效期，请先修改密码再继续使用。"))
            return redirect("wagtailadmin_account")
        return self.get_response(request)
