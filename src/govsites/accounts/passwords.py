"""Password policy (SEC-02): the values come from the active policy profile, not from settings.

``AUTH_PASSWORD_VALIDATORS`` lists these next to Django's similarity and common-password
validators, so every path that validates a password — Wagtail's user forms and account page,
``createadmin``, the demo — applies the profile of this deployment (``[security]`` section).
"""

from __future__ import annotations

import functools
import string
from pathlib import Path

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEAK_PASSWORDS_FILE = Path(__file__).resolve().parent / "data" / "weak_passwords.txt"


def _security(name: str):
    from govsites.policy import profiles

    return profiles.active().get(f"security.{name}")


def min_length() -> int:
    return int(_security("password_min_length"))


def min_classes() -> int:
    return int(_security("password_min_classes"))


def history_length() -> int:
    return int(_security("password_history"))


def max_age_days() -> int:
    return int(_security("password_max_age_days"))


@functools.cache
def weak_passwords() -> frozenset[str]:
    """The shipped list of common and "government default" passwords, lower-cased."""
    lines = WEAK_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def weak_password_candidates() -> list[str]:
    """Spellings to try against a stored hash: as listed, Capitalised and UPPER case."""
    seen: dict[str, None] = {}
    for word in sorted(weak_passwords()):
        for variant in (word, word.capitalize(), word.upper()):
            seen.setdefault(variant, None)
    return list(seen)


def is_known_weak(password: str) -> bool:
    return password.strip().lower() in weak_passwords()


class ProfileMinimumLengthValidator:
    """At least ``security.password_min_length`` characters."""

    def validate(self, password, user=None):
        n = min_length()
        if len(password) < n:
            raise ValidationError(_("密码长度至少为 %(n)d 个字符。") % {"n": n}, code="password_too_short")

    def get_help_text(self):
        return _("密码长度至少为 %(n)d 个字符。") % {"n": min_length()}


class CharacterClassValidator:
    """At least ``security.password_min_classes`` of: lower case, upper case, digits, symbols.

    ``min_classes`` given in the settings overrides the profile (kept for old configurations).
    """

    def __init__(self, min_classes: int | None = None):
        self.min_classes = min_classes

    def required(self) -> int:
        return self.min_classes if self.min_classes is not None else min_classes()

    def validate(self, password, user=None):
        classes = [
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c in string.digits for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.required():
            raise ValidationError(
                _("密码须至少包含小写字母、大写字母、数字、符号中的 %(n)d 类。") % {"n": self.required()},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("密码须至少包含小写字母、大写字母、数字、符号中的 %(n)d 类。") % {"n": self.required()}


class KnownWeakPasswordValidator:
    """Refuse the passwords of the shipped weak list (admin123, Admin@123, P@ssw0rd, …)."""

    def validate(self, password, user=None):
        if is_known_weak(password):
            raise ValidationError(_("该密码属于常见弱口令或默认口令，不能使用。"), code="password_known_weak")

    def get_help_text(self):
        return _("不能使用常见弱口令或默认口令（如 admin123、P@ssw0rd）。")


class PasswordHistoryValidator:
    """A new password may not repeat any of the last ``security.password_history`` ones."""

    def validate(self, password, user=None):
        n = history_length()
        if n <= 0 or user is None or getattr(user, "pk", None) is None:
            return
        from .models import PasswordHistory

        hashes = list(PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[:n])
        if user.password and user.password not in hashes:
            hashes.append(user.password)  # the current one, even if set before history existed
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(
                _("新密码不能与最近 %(n)d 次使用过的密码相同。") % {"n": n}, code="password_reused"
            )

    def get_help_text(self):
        return _("新密码不能与最近 %(n)d 次使用过的密码相同。") % {"n": history_length()}


def passes_policy(password: str, user=None) -> bool:
    """Whether ``password`` passes the configured validators (recorded when it is set).

    The history validator is left out: by then the new hash is already the user's current one.
    """
    from django.contrib.auth.password_validation import get_default_password_validators

    for validator in get_default_password_validators():
        if isinstance(validator, PasswordHistoryValidator):
            continue
        try:
            validator.validate(password, user)
        except ValidationError:
            return False
    return True


def password_expired(user, now=None) -> bool:
    """The password is older than ``security.password_max_age_days`` (0 = never expires)."""
    import datetime as dt

    from django.utils import timezone

    days = max_age_days()
    if days <= 0 or not user.has_usable_password() or user.password_changed_at is None:
        return False
    return (now or timezone.now()) - user.password_changed_at > dt.timedelta(days=days)
