"""No default accounts (SEC-02): a deploy-time system check that refuses to run with
weak or default passwords, or with an admin account that has no second factor.

Registered with the ``security`` tag and ``deploy=True`` (``manage.py check --deploy`` shows it);
it reports only where ``GOVSITES_ENFORCE_ACCOUNT_CHECKS`` is on (production), and production's
``wsgi.py`` runs it at startup and refuses to start on an error (:func:`enforce`).

Hashes cannot be reversed, so ``User.save`` records whether each new raw password passed the
policy (``password_policy_ok``). Only accounts whose status is unknown (set before that existed)
are tested against the weak list by hashing each candidate — a few hundred hashes per account,
once per password (``password_screened`` remembers a clean result), so later starts stay fast.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError


def _enforced() -> bool:
    return bool(getattr(settings, "GOVSITES_ENFORCE_ACCOUNT_CHECKS", False))


def account_problems() -> list[checks.CheckMessage]:
    from django.contrib.auth import get_user_model

    from . import mfa

    errors: list[checks.CheckMessage] = []
    for user in get_user_model().objects.filter(is_active=True).order_by("username"):
        if not user.has_usable_password():
            continue
        if user.password_policy_ok is False:
            errors.append(
                checks.Error(
                    f"账号 {user.username} 的密码不符合密码策略（可能是默认或弱口令）。",
                    hint="请该用户修改密码，或由系统管理员重置为符合策略的密码后再启动。",
                    obj=user.username,
                    id="govsites.accounts.E001",
                )
            )
        elif user.password_policy_ok is None and _weak(user):
            errors.append(
                checks.Error(
                    f"账号 {user.username} 使用了常见弱口令或默认口令。",
                    hint="请立即修改该账号的密码。",
                    obj=user.username,
                    id="govsites.accounts.E002",
                )
            )
        if mfa.may_use_admin(user) and not mfa.has_confirmed_totp(user):
            errors.append(
                checks.Error(
                    f"可使用管理后台的账号 {user.username} 未绑定双因素认证（TOTP）。",
                    hint="请该用户登录后绑定身份验证器，或停用该账号；系统管理员可用 createadmin 创建时绑定。",
                    obj=user.username,
                    id="govsites.accounts.E003",
                )
            )
    if not getattr(settings, "GOVSITES_REQUIRE_MFA", True):
        errors.append(
            checks.Error(
                "GOVSITES_REQUIRE_MFA 已关闭：管理后台不要求双因素认证。",
                hint="生产环境必须开启双因素认证。",
                id="govsites.accounts.E004",
            )
        )
    return errors


def _weak(user) -> bool:
    """Screen an unknown-status password against the weak list, once per password hash."""
    from django.contrib.auth.hashers import check_password

    from .passwords import weak_password_candidates

    digest = hashlib.sha256(user.password.encode()).hexdigest()
    if user.password_screened == digest:
        return False
    if any(check_password(w, user.password) for w in weak_password_candidates()):
        return True
    type(user).objects.filter(pk=user.pk).update(password_screened=digest)
    return False


@checks.register(checks.Tags.security, deploy=True)
def check_accounts(app_configs=None, databases=None, **kwargs):
    if not _enforced():
        return []
    try:
        return account_problems()
    except DatabaseError as exc:  # no tables yet (before the first migrate): nothing to check
        return [
            checks.Warning(
                f"无法检查账号安全（数据库不可用或尚未迁移：{exc.__class__.__name__}）。",
                id="govsites.accounts.W001",
            )
        ]


def enforce() -> None:
    """Refuse to start (production WSGI) while any account check reports an error."""
    if not _enforced():
        return
    errors = [e for e in check_accounts() if e.level >= checks.ERROR]
    if errors:
        lines = "\n".join(f"- {e.msg} {e.hint or ''}" for e in errors)
        raise ImproperlyConfigured(f"账号安全检查未通过（SEC-02），拒绝启动：\n{lines}")
