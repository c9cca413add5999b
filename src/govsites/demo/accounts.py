"""The demo's login accounts: one per role, each run given a new one-time password.

These are the only login accounts the demo ever creates (SEC-02: no default or shared
accounts). Every run replaces each password with a new random strong one that is printed once
and stored only as a hash; they exist only in a database that holds the demo province and
nothing else.

The admin requires a TOTP second factor (SEC-02), so each demo account is also enrolled with an
authenticator secret (kept across runs); the command prints it, and ``govsites otp_code
<username>`` prints the current code — a demo convenience that works only in a demo database.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from govsites.accounts.models import Role, RoleAssignment
from govsites.audit.context import Actor
from govsites.audit.log import record
from govsites.content.models import SiteMembership, SiteRole
from govsites.registry.models import (
    LIVE_STATUSES,
    ApprovalStep,
    Institution,
    InstitutionKind,
    Site,
    SiteStatus,
    StepKind,
    StepStatus,
)

from .estate import DemoError, demo_root, foreign_roots

PASSWORD_LENGTH = 20
# No look-alike characters (l/1/I, O/0), no quotes or spaces: easy to copy from a terminal.
_CLASSES = ("abcdefghijkmnopqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789", "-_.+=@#%")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    title: str  # the role as the table shows it
    display_name: str  # "" for the institution head: named after the head of the institution
    role: str | None  # a registry role; None and no site role: the system administrator
    site_role: str | None = None  # a content role on a portal (see ``_site``)
    portal: str = "province"  # whose portal: "province" or "city" (the capital)

    @property
    def superuser(self) -> bool:
        return self.role is None and self.site_role is None


ACCOUNTS = [
    DemoAccount("demo-admin", "系统管理员", "林知远", None),
    DemoAccount("demo-province", "省级主管单位管理员", "沈若岚", Role.SUPERVISOR),
    DemoAccount("demo-city", "市级主管单位管理员", "顾明哲", Role.SUPERVISOR),
    DemoAccount("demo-head", "单位主要负责人", "", Role.INSTITUTION_HEAD),
    DemoAccount("demo-manager", "网站管理员", "周晓雯", Role.SITE_MANAGER),
    DemoAccount("demo-editor", "省政府门户网站编辑", "许清和", None, SiteRole.EDITOR),
    DemoAccount("demo-reviewer", "省政府门户网站内容审核人", "陈書衡", None, SiteRole.REVIEWER),
    DemoAccount("demo-secrecy", "省政府门户网站保密审查人", "韩静远", None, SiteRole.CONFIDENTIALITY_REVIEWER),
    DemoAccount("demo-city-editor", "市政府门户网站编辑", "叶知秋", None, SiteRole.EDITOR, "city"),
    DemoAccount("demo-security", "安全管理员", "乔安澜", Role.SECURITY_OFFICER),
    DemoAccount("demo-auditor", "安全审计员", "杜衡之", Role.AUDITOR),
]


@dataclass(frozen=True)
class Issued:
    account: DemoAccount
    user: object
    password: str
    scope: str
    otp_device: object = None

    @property
    def otp_uri(self) -> str:
        return self.otp_device.config_url if self.otp_device else ""

    @property
    def otp_secret(self) -> str:
        from govsites.accounts import mfa

        return mfa.secret_text(self.otp_device) if self.otp_device else ""


def generate_password(user=None) -> str:
    """A random password with every character class that passes the configured validators."""
    alphabet = "".join(_CLASSES)
    while True:
        chars = [secrets.choice(c) for c in _CLASSES]
        chars += [secrets.choice(alphabet) for _ in range(PASSWORD_LENGTH - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars)
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


def check_hashing() -> None:
    """Fail early, and say why, when the configured password hasher cannot run."""
    try:
        make_password(generate_password())
    except ValueError as exc:
        raise DemoError(f"无法保存密码：首选的密码哈希算法不可用（{exc}）。请安装其依赖库后重试。") from exc


def issue_all() -> list[Issued]:
    """Ensure every demo account and give each a new password; returns them to print once."""
    root = demo_root()
    if root is None:
        raise DemoError("尚未生成演示网站群，请先运行 demo_estate。")
    if foreign_roots().exists():
        raise DemoError("登记库中有非演示数据，不创建演示账号。")
    check_hashing()
    with transaction.atomic():
        return [issue(account, root) for account in ACCOUNTS]


def issue(account: DemoAccount, root: Institution) -> Issued:
    User = get_user_model()
    user = User.objects.filter(username=account.username).first() or User(username=account.username)
    held = None
    if user.pk and account.role:  # an account keeps its place across runs
        held = RoleAssignment.objects.filter(user=user, role=account.role).select_related("institution").first()
    institution = held.institution if held else _target(account, root)
    user.display_name = account.display_name or (institution.head_name if institution else "") or "演示用户"
    user.is_active = True
    user.is_superuser = user.is_staff = account.superuser
    password = generate_password(user)
    user.set_password(password)
    user.save()
    if account.role and not held:
        RoleAssignment.objects.create(user=user, role=account.role, institution=institution)
    if account.site_role:
        site = portal_of(account.portal, root)
        SiteMembership.objects.get_or_create(user=user, site=site, role=account.site_role)
        institution = site.institution
    record(Actor.cli(None), user, "govsites.demo.account", reason="demo_accounts：设置新的一次性演示密码")
    device = enrol_second_factor(user)
    scope = institution.name if institution else "全部（超级用户）"
    if account.site_role:
        scope = f"{portal_of(account.portal, root).name}（{SiteRole(account.site_role).label}）"
    return Issued(account, user, password, scope, device)


def enrol_second_factor(user):
    """The account's confirmed TOTP device, created on the first run and kept afterwards."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from govsites.accounts import mfa

    device = mfa.confirmed_totp(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=mfa.TOTP_DEVICE_NAME, confirmed=True)
        record(Actor.cli(None), user, "govsites.accounts.mfa_enrol", reason="demo_accounts：演示账号绑定验证器",
               data={"device": device.persistent_id})
    return device


def capital_of(root: Institution) -> Institution | None:
    return Institution.objects.filter(parent=root, kind=InstitutionKind.GOVERNMENT).order_by("division_code").first()


def portal_of(which: str, root: Institution) -> Site:
    """The province's portal, or the capital city's: where the demo's editors work."""
    government = root if which == "province" else capital_of(root)
    site = Site.objects.filter(institution=government, status__in=LIVE_STATUSES, hosted=True).order_by("pk").first()
    if site is None:
        raise DemoError(f"演示网站群中没有{government.name}的门户网站。")
    return site


def _target(account: DemoAccount, root: Institution) -> Institution | None:
    """Where a new demo account holds its role: where the demo has work waiting for it."""
    if account.role is None:
        return None
    capital = capital_of(root)
    if account.username == "demo-province" or account.role in (Role.SECURITY_OFFICER, Role.AUDITOR):
        return root  # estate-wide duties
    if account.username == "demo-city":
        return capital
    scopes = [capital.path, root.path] if capital else [root.path]
    if account.role == Role.INSTITUTION_HEAD:
        steps = ApprovalStep.objects.filter(status=StepStatus.PENDING, kind=StepKind.INSTITUTION_HEAD)
        for path in scopes:
            step = steps.filter(institution__path__startswith=path).order_by("application__submitted_at").first()
            if step:
                return step.institution
        return Institution.objects.filter(kind=InstitutionKind.DEPARTMENT).order_by("pk").first()
    for status in (SiteStatus.APPROVED, *LIVE_STATUSES):
        for path in scopes:
            site = Site.objects.filter(status=status, institution__path__startswith=path).order_by("pk").first()
            if site:
                return site.institution
    return root


def table(issued: list[Issued]) -> list[str]:
    """The accounts as aligned text lines (CJK characters count double)."""
    rows = [("角色", "姓名", "用户名", "一次性密码", "授权范围")]
    rows += [(i.account.title, i.user.display_name, i.user.username, i.password, i.scope) for i in issued]
    widths = [max(_width(row[n]) for row in rows) for n in range(len(rows[0]))]
    return ["  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
