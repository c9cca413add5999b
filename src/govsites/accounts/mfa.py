"""The TOTP second factor (SEC-02; 等保三级 requires two factors for administrators).

Every account that may use the admin needs a confirmed TOTP device (django-otp) when
``GOVSITES_REQUIRE_MFA`` is on; recovery codes are a django-otp static device. The state
changes (enrolment, reset) are actions in :mod:`govsites.accounts.actions`.
"""

from __future__ import annotations

from django.conf import settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "身份验证器"
RECOVERY_DEVICE_NAME = "恢复码"


def mfa_required() -> bool:
    return bool(getattr(settings, "GOVSITES_REQUIRE_MFA", True))


def may_use_admin(user) -> bool:
    """Whoever may open the admin must have a second factor (superusers included)."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.has_perm("wagtailadmin.access_admin")
    )


def needs_second_factor(user) -> bool:
    return mfa_required() and may_use_admin(user)


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_confirmed_totp(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_totp(user) -> TOTPDevice:
    """The unconfirmed device being set up (one at a time; a new secret only when none exists)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def current_code(device: TOTPDevice) -> str:
    """The code the authenticator app shows now (demo convenience and tests)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def secret_text(device: TOTPDevice) -> str:
    """The base32 secret, in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth URI as an inline SVG QR code (no script, no external request)."""
    import segno

    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")


def qr_text(device: TOTPDevice) -> str:
    """The QR code drawn with block characters, for a terminal."""
    import io

    import segno

    out = io.StringIO()
    segno.make(device.config_url, error="l").terminal(out=out, compact=True, border=2)
    return out.getvalue()


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with ten fresh ones (each works once)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def normalise_token(token: str) -> str:
    return "".join(token.split()).replace("-", "").lower()


def verify(user, token: str):
    """The device that accepts ``token`` (a TOTP code or a recovery code), or None.

    Returns ``(device, kind)`` with kind "totp" or "recovery"; throttling is django-otp's.
    """
    token = normalise_token(token)
    if not token:
        return None, None
    if token.isdigit():
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(token):
                return device, "totp"
        return None, "totp"
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            return device, "recovery"
    return None, "recovery"
