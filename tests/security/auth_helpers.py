"""Shared by the authentication tests (SEC-02): real logins through Wagtail's login form."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

from govsites.accounts import mfa

STRONG = "Qx7#mV2p!Lr9sW4z"


def make_admin_user(username="chief", password=STRONG, superuser=False):
    User = get_user_model()
    if superuser:
        return User.objects.create_superuser(username=username, password=password, display_name=username)
    from govsites.accounts.groups import ensure_admin_users_group

    user = User.objects.create_user(username=username, password=password, display_name=username)
    user.groups.add(ensure_admin_users_group())
    return user


def enrol(user):
    """A confirmed TOTP device plus recovery codes, as the setup page leaves them."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return device, mfa.new_recovery_codes(user)


def client(ip="10.1.1.1") -> Client:
    return Client(REMOTE_ADDR=ip)


def login(c: Client, username, password=STRONG):
    return c.post("/admin/login/", {"username": username, "password": password})


def change_password_on_account_page(c: Client, old, new):
    """POST Wagtail's account page the way the browser does (every panel's fields)."""
    return c.post("/admin/account/", {
        "name_email-first_name": "A", "name_email-last_name": "B", "name_email-email": "a@example.org",
        "locale-preferred_language": "zh-hans", "locale-current_time_zone": "Asia/Shanghai",
        "theme-theme": "system", "theme-density": "default", "theme-contrast": "system",
        "theme-keyboard_shortcuts": "on",
        "password-old_password": old, "password-new_password1": new, "password-new_password2": new,
    })
