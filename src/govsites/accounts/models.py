"""Accounts: people and their roles scoped to institutions.

API tokens are Wagtail's own (``wagtail.models.APIToken``, managed under 设置 → API 令牌).

There are no default or shared accounts (SEC-02): the first administrator comes from the
``createadmin`` command, everyone else is created by an administrator and given roles here.
The security issue adds the remaining roles, MFA and lockout on top of this model.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govsites import clock

from .groups import ADMIN_USERS_GROUP  # noqa: F401  (re-exported for callers)


class UserManager(DjangoUserManager):
    """Creates users through ``set_password`` so the policy status and history are recorded."""

    def _create_user_object(self, username, email, password, **extra_fields):
        user = super()._create_user_object(username, email, None, **extra_fields)
        user.set_password(password)
        return user


class User(AbstractUser):
    """A named person. ``display_name`` is the Chinese name shown in approvals and the audit trail."""

    display_name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    # SEC-02: when the password last changed (maximum age), and whether the raw password passed
    # the policy in force then (hashes cannot be checked later; None = unknown, set before 0004).
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    password_policy_ok = models.BooleanField(_("密码符合策略"), null=True, blank=True)
    # For an unknown status: a digest of the hash last screened against the weak list, so the
    # startup check hashes the list once per password, not on every start (accounts.checks).
    password_screened = models.CharField(max_length=64, blank=True, editable=False)

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def get_full_name(self) -> str:
        return self.display_name or super().get_full_name() or self.username

    def __str__(self) -> str:
        return self.get_full_name()

    def save(self, *args, **kwargs):
        if self.pk is not None and self.is_superuser:
            from .duties import check_duties

            check_duties(self)
        # ``_password`` holds the raw password only after set_password() (not after a hash
        # upgrade at login): that is a real change, so stamp it and keep it in the history.
        raw = self._password
        if raw is not None:
            from .passwords import passes_policy

            # real time, like Django's last_login: the platform clock may be frozen (demo, tests)
            self.password_changed_at = timezone.now()
            self.password_policy_ok = passes_policy(raw, self)
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "password_changed_at", "password_policy_ok"}
        super().save(*args, **kwargs)
        if raw is not None and self.has_usable_password():
            PasswordHistory.remember(self)


class PasswordHistory(models.Model):
    """Hashes of an account's recent passwords, so a new one cannot repeat them (SEC-02)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("密码哈希"), max_length=128)
    created_at = models.DateTimeField(_("设置时间"), default=timezone.now)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.created_at:%Y-%m-%d}"

    @classmethod
    def remember(cls, user) -> None:
        """Store the current hash and keep only as many as the profile's history length."""
        from .passwords import history_length

        cls.objects.create(user=user, password=user.password)
        keep = max(history_length(), 1)
        stale = cls.objects.filter(user=user).values_list("pk", flat=True)[keep:]
        cls.objects.filter(pk__in=list(stale)).delete()


class Role(models.TextChoices):
    """Roles of the registry work. Each is held *at* an institution (its scope).

    - supervisor: staff of a government's general office (主管单位); sees the estate of that
      government's area and decides the office steps of approval chains for it.
    - institution_head: the head of an institution (主要负责人); agrees to its applications.
    - site_manager: runs the institution's site(s) on the platform; files applications and works
      the launch and closure checklists.
    - security_officer (安全管理员): accounts' lockouts and second factors, security records,
      integrity alerts — of the institution's area.
    - auditor (安全审计员): reads the whole audit trail of the area and changes nothing.

    The system administrator (系统管理员) is the ``is_superuser`` account ``createadmin`` makes:
    it manages accounts, roles and settings. The three duties cannot be held by one account
    (``govsites.accounts.duties``; 等保三级 "三员分立").
    """

    SUPERVISOR = "supervisor", _("主管单位管理员")
    INSTITUTION_HEAD = "institution_head", _("单位主要负责人")
    SITE_MANAGER = "site_manager", _("网站管理员")
    SECURITY_OFFICER = "security_officer", _("安全管理员")
    AUDITOR = "auditor", _("安全审计员")


class RoleAssignment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    institution = models.ForeignKey(
        "registry.Institution", on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("机构")
    )
    granted_at = models.DateTimeField(_("授予时间"), default=clock.now)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "institution"], name="unique_role_assignment"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.institution}"

    def save(self, *args, **kwargs):
        from .duties import check_duties

        check_duties(self.user, adding_role=self.role)
        super().save(*args, **kwargs)
        # Holding any registry role means working in the admin: join the group that may log in.
        from .groups import ensure_admin_users_group

        self.user.groups.add(ensure_admin_users_group())
