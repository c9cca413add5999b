"""Account security actions (SEC-02): unlock, second factor, automatic disabling.

Like every action (:mod:`govsites.actions`) they check permission through the capability table,
change rows and write their audit entry in one transaction. Logins, logouts and login failures
themselves are audited by ``govsites.audit`` from Django's auth signals, not here.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from govsites.actions import Action, NotAllowed
from govsites.audit.log import record

from . import capabilities, mfa
from .capabilities import has_capability


def _is_operator(actor) -> bool:
    """Scheduled jobs and server commands without a named user act for the platform itself."""
    return actor.via in ("system", "cli") and actor.authenticated_user is None


class UnlockAccount(Action):
    """Lift a lockout of an account and/or an address before its time runs out (security officer)."""

    denied_message = _("只有安全管理员可以解除账号锁定。")

    def __init__(self, actor, *, username: str | None = None, ip_address: str | None = None, reason: str = ""):
        super().__init__(actor)
        self.username = (username or "").strip() or None
        self.ip_address = (ip_address or "").strip() or None
        self.reason = reason

    def check_permission(self) -> bool:
        return has_capability(self.user, capabilities.ACCOUNTS_UNLOCK)

    def perform(self) -> int:
        from axes.utils import reset

        if not (self.username or self.ip_address):
            raise ValidationError(_("请指定要解锁的账号或来源地址。"))
        removed = 0
        if self.username:
            removed += reset(username=self.username)
        if self.ip_address:
            removed += reset(ip=self.ip_address)
        target = None
        if self.username:
            target = get_user_model().objects.filter(username=self.username).first()
        self.audit(
            target or self.user,
            "govsites.accounts.unlock",
            reason=self.reason,
            data={"username": self.username, "ip_address": self.ip_address, "attempts_removed": removed},
        )
        return removed


class ResetSecondFactor(Action):
    """Remove a user's authenticator and recovery codes: they enrol again at next login."""

    denied_message = _("只有安全管理员可以重置双因素认证。")

    def __init__(self, actor, target, *, reason: str = ""):
        super().__init__(actor)
        self.target = target
        self.reason = reason

    def check_permission(self) -> bool:
        return has_capability(self.user, capabilities.ACCOUNTS_RESET_MFA)

    def perform(self):
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        if self.user is not None and self.user.pk == self.target.pk:
            raise ValidationError(_("不能重置自己的双因素认证，请由另一名安全管理员办理。"))
        totp, _n = TOTPDevice.objects.filter(user=self.target).delete()
        static, _n = StaticDevice.objects.filter(user=self.target).delete()
        self.audit(self.target, "govsites.accounts.mfa_reset", reason=self.reason,
                   data={"devices_removed": totp + static})
        return totp + static


class ConfirmSecondFactor(Action):
    """The user proves the new authenticator works; it becomes their second factor.

    Returns the ten recovery codes, shown once. The code is checked before the transaction so
    that django-otp's throttling of wrong codes is kept even though the enrolment fails.
    """

    def __init__(self, actor, device, token: str):
        super().__init__(actor)
        self.device = device
        self.token = token

    def check_permission(self) -> bool:
        return self.user is not None and self.device.user_id == self.user.pk and not self.device.confirmed

    def execute(self):
        if not self.check_permission():
            raise NotAllowed(self.denied_message)
        if not self.device.verify_token(mfa.normalise_token(self.token)):
            with transaction.atomic():
                self.audit(self.user, "govsites.accounts.mfa_failed", data={"stage": "setup"})
            raise ValidationError(_("验证码不正确或已过期，请输入验证器当前显示的 6 位数字。"))
        with transaction.atomic():
            return self.perform()

    def perform(self) -> list[str]:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        self.device.confirmed = True
        self.device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=self.user, confirmed=False).delete()
        codes = mfa.new_recovery_codes(self.user)
        self.audit(self.user, "govsites.accounts.mfa_enrol", data={"device": self.device.persistent_id})
        return codes


class VerifySecondFactor(Action):
    """Check a code at login: a TOTP code or a one-time recovery code. Failures are audited."""

    def __init__(self, actor, token: str):
        super().__init__(actor)
        self.token = token

    def check_permission(self) -> bool:
        return self.user is not None

    def execute(self):
        if not self.check_permission():
            raise NotAllowed(self.denied_message)
        device, kind = mfa.verify(self.user, self.token)  # django-otp throttles and saves by itself
        with transaction.atomic():
            if device is None:
                self.audit(self.user, "govsites.accounts.mfa_failed", data={"stage": "login", "kind": kind})
            elif kind == "recovery":
                left = sum(d.token_set.count() for d in device.user.staticdevice_set.all())
                self.audit(self.user, "govsites.accounts.mfa_recovery_used", data={"codes_left": left})
        return device


class NewRecoveryCodes(Action):
    """A verified user replaces their recovery codes (the old ones stop working)."""

    def check_permission(self) -> bool:
        return self.user is not None and mfa.has_confirmed_totp(self.user)

    def perform(self) -> list[str]:
        codes = mfa.new_recovery_codes(self.user)
        self.audit(self.user, "govsites.accounts.mfa_recovery_codes")
        return codes


class DisableInactiveAccounts(Action):
    """Disable accounts unused for ``security.inactive_account_days`` (0 = never).

    "Unused" = no login (or, never logged in, no creation) within the period. The last active
    system administrator is never disabled: the platform must stay manageable.
    """

    denied_message = _("只有系统管理员或计划任务可以停用长期未使用的账号。")

    def check_permission(self) -> bool:
        return _is_operator(self.actor) or has_capability(self.user, capabilities.ACCOUNTS_MANAGE)

    def candidates(self):
        from govsites.policy import profiles

        days = int(profiles.active().get("security.inactive_account_days"))
        if days <= 0:
            return get_user_model().objects.none(), days
        cutoff = timezone.now() - dt.timedelta(days=days)  # real time, like last_login
        stale = Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
        return get_user_model().objects.filter(is_active=True).filter(stale).order_by("pk"), days

    def perform(self) -> list:
        users, days = self.candidates()
        users = list(users.select_for_update())
        User = get_user_model()
        stale_ids = {u.pk for u in users}
        admins = User.objects.filter(is_active=True, is_superuser=True)
        if admins.exists() and not admins.exclude(pk__in=stale_ids).exists():
            keep = max((u for u in users if u.is_superuser), key=lambda u: u.last_login or u.date_joined)
            users = [u for u in users if u.pk != keep.pk]
        for user in users:
            user.is_active = False
            user.save(update_fields=["is_active"])
            self.audit(
                user,
                "govsites.accounts.disable_inactive",
                reason=_("账号连续 %(days)d 天未使用，自动停用") % {"days": days},
                changes={"is_active": {"before": True, "after": False}},
                data={"last_login": user.last_login.isoformat() if user.last_login else None},
            )
        return users


def audit_event(actor, instance, action: str, **kwargs) -> None:
    """An audited event that changes no row (e.g. a password found expired)."""
    with transaction.atomic():
        record(actor, instance, action, **kwargs)
