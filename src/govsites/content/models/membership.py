"""Who works on which site: memberships with roles, named responsible people per column, and
the workflow each site (or column) uses (CON-09). Resolved once per request into site ids —
the tenancy model that keeps one site's drafts away from another's editors."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govsites import clock


class SiteRole(models.TextChoices):
    EDITOR = "editor", _("编辑")
    REVIEWER = "reviewer", _("内容审核人")
    CONFIDENTIALITY_REVIEWER = "confidentiality_reviewer", _("保密审查人")
    SITE_ADMIN = "site_admin", _("站点管理员")
    MESSAGE_HANDLER = "message_handler", _("留言办理人")
    SERVICE_MAINTAINER = "service_maintainer", _("办事服务维护人")


class SiteMembership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="site_memberships")
    site = models.ForeignKey("registry.Site", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=32, choices=SiteRole.choices)
    granted_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("站点成员")
        verbose_name_plural = _("站点成员")
        constraints = [models.UniqueConstraint(fields=["user", "site", "role"], name="unique_site_membership")]
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.site}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Working on a site means working in the admin: join the group that may log in.
        from govsites.accounts.groups import ensure_admin_users_group

        self.user.groups.add(ensure_admin_users_group())


class ColumnResponsibility(models.Model):
    """A named person responsible for a column's review (overrides the site's reviewers there)."""

    column = models.ForeignKey("content.ColumnPage", on_delete=models.CASCADE, related_name="responsibilities")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("角色"), max_length=32, choices=SiteRole.choices)

    class Meta:
        verbose_name = _("栏目责任人")
        verbose_name_plural = _("栏目责任人")
        constraints = [models.UniqueConstraint(fields=["column", "user", "role"], name="unique_column_responsibility")]

    def __str__(self) -> str:
        return f"{self.column} · {self.get_role_display()} · {self.user}"


class SiteWorkflow(models.Model):
    """The Wagtail workflow a site's items go through; a row with a column overrides it there."""

    site = models.ForeignKey("registry.Site", on_delete=models.CASCADE, related_name="content_workflows")
    column = models.ForeignKey(
        "content.ColumnPage", on_delete=models.CASCADE, null=True, blank=True, related_name="workflows"
    )
    workflow = models.ForeignKey("wagtailcore.Workflow", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("审核流程配置")
        verbose_name_plural = _("审核流程配置")
        constraints = [
            models.UniqueConstraint(fields=["site", "column"], name="unique_site_column_workflow"),
            models.UniqueConstraint(
                fields=["site"], condition=models.Q(column__isnull=True), name="unique_site_default_workflow"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site} · {self.column or '全站'} · {self.workflow}"
