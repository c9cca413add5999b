"""Who works on a site and how its content is reviewed: memberships, column responsibilities,
the site's review workflow, and its free columns (CON-02, CON-09).

Who may change these: the site's administrators (site role), and from the registry the site's
网站管理员 / 单位主要负责人 and its supervising offices — so a new site's first administrator can
be appointed by the people the registry already trusts with the site (no bootstrap account).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from wagtail.models import Workflow

from govsites.registry import permissions as registry_permissions
from govsites.registry.errors import ConflictError, RuleViolation
from govsites.registry.models import Site

from ..columns import ColumnType
from ..models import ColumnPage, ColumnResponsibility, SiteHomePage, SiteMembership, SiteRole, SiteWorkflow
from ..permissions import memberships
from .base import ContentAction, register_audit_actions

ACTION_LABELS = {
    "content.member.grant": "授予网站角色",
    "content.member.revoke": "取消网站角色",
    "content.column.responsible": "设置栏目责任人",
    "content.column.unassign": "取消栏目责任人",
    "content.site.workflow": "设置审核流程",
    "content.column.create": "新建栏目",
}
register_audit_actions(ACTION_LABELS)


def manages_site(user, site: Site) -> bool:
    """Site administrators, and whom the registry trusts with the site (see the module doc)."""
    if SiteRole.SITE_ADMIN in memberships(user).get(site.pk, set()):
        return True
    return registry_permissions.may_file_for(user, site.institution)


def home_of(site: Site) -> SiteHomePage:
    home = SiteHomePage.objects.filter(registry_site=site).first()
    if home is None:
        raise ConflictError(f"网站“{site.name}”尚未建立栏目结构（开设申请批准后自动建立）。")
    return home


class SiteStaffAction(ContentAction):
    denied_message = "只有本网站的站点管理员、网站管理员或其主管单位可以管理网站成员和栏目。"

    def __init__(self, actor, site: Site):
        super().__init__(actor)
        self.site = site

    def check_permission(self) -> bool:
        return manages_site(self.user, self.site)

    def audit_site(self, instance, action: str, **kwargs):
        return self.audit(instance, action, site_id=self.site.pk, **kwargs)


def _active_user(username: str):
    user = get_user_model().objects.filter(username=(username or "").strip(), is_active=True).first()
    if user is None:
        raise ValidationError({"username": [ValidationError("没有这个用户名的在用账号。", code="invalid")]})
    return user


def _role(role: str) -> str:
    if role not in SiteRole.values:
        labels = "、".join(str(label) for label in SiteRole.labels)
        raise ValidationError({"role": [ValidationError(f"角色应为{labels}之一。", code="invalid")]})
    return role


class GrantSiteRole(SiteStaffAction):
    def __init__(self, actor, site: Site, username: str, role: str):
        super().__init__(actor, site)
        self.username, self.role = username, role

    def perform(self) -> SiteMembership:
        user, role = _active_user(self.username), _role(self.role)
        if SiteMembership.objects.filter(user=user, site=self.site, role=role).exists():
            raise ConflictError(f"{user}已是本网站的{SiteRole(role).label}。")
        membership = SiteMembership.objects.create(user=user, site=self.site, role=role)
        self.audit_site(membership, "content.member.grant", data={"user": user.username, "role": role})
        return membership


class RevokeSiteRole(SiteStaffAction):
    def __init__(self, actor, membership: SiteMembership):
        super().__init__(actor, membership.site)
        self.membership = membership

    def perform(self) -> None:
        if self.membership.role == SiteRole.SITE_ADMIN and self.membership.user_id == getattr(self.user, "pk", None):
            others = SiteMembership.objects.filter(site=self.site, role=SiteRole.SITE_ADMIN).exclude(
                pk=self.membership.pk)
            if not others.exists():
                raise ConflictError("您是本网站唯一的站点管理员，请先指定其他站点管理员再取消自己的角色。")
        data = {"user": self.membership.user.username, "role": self.membership.role}
        self.audit_site(self.membership, "content.member.revoke", data=data)
        self.membership.delete()


class SetColumnResponsible(SiteStaffAction):
    """Name a column's reviewer or confidentiality reviewer (they take over that column's step).

    The person must already hold that role on the site: a column narrows who reviews, it never
    lets someone from outside in."""

    def __init__(self, actor, site: Site, column: ColumnPage, username: str, role: str):
        super().__init__(actor, site)
        self.column, self.username, self.role = column, username, role

    def perform(self) -> ColumnResponsibility:
        user, role = _active_user(self.username), _role(self.role)
        if role not in (SiteRole.REVIEWER, SiteRole.CONFIDENTIALITY_REVIEWER):
            raise ValidationError({"role": [ValidationError("栏目责任人只能是内容审核人或保密审查人。", code="invalid")]})
        if not self.column.is_descendant_of(home_of(self.site)):
            raise RuleViolation("CON-09", "所选栏目不属于本网站。", "column")
        if not SiteMembership.objects.filter(user=user, site=self.site, role=role).exists():
            raise RuleViolation("CON-09", f"{user}不是本网站的{SiteRole(role).label}，请先授予该角色。", "username")
        responsibility, created = ColumnResponsibility.objects.get_or_create(column=self.column, user=user, role=role)
        if not created:
            raise ConflictError(f"{user}已是该栏目的{SiteRole(role).label}。")
        self.audit_site(responsibility, "content.column.responsible",
                        data={"column": self.column.pk, "user": user.username, "role": role})
        return responsibility


class UnsetColumnResponsible(SiteStaffAction):
    def __init__(self, actor, site: Site, responsibility: ColumnResponsibility):
        super().__init__(actor, site)
        self.responsibility = responsibility

    def perform(self) -> None:
        r = self.responsibility
        self.audit_site(r, "content.column.unassign", data={"column": r.column_id, "user": r.user.username, "role": r.role})
        r.delete()


class SetSiteWorkflow(SiteStaffAction):
    """The review workflow of the site (or of one column). Every workflow offered must contain a
    content review and a confidentiality review step (CON-09)."""

    def __init__(self, actor, site: Site, workflow: Workflow, column: ColumnPage | None = None):
        super().__init__(actor, site)
        self.workflow, self.column = workflow, column

    def perform(self) -> SiteWorkflow:
        from ..models import ConfidentialityReviewTask, ContentReviewTask

        tasks = [task.specific_class for task in self.workflow.tasks.all()]
        if not self.workflow.active or ContentReviewTask not in tasks or ConfidentialityReviewTask not in tasks:
            raise RuleViolation("CON-09", "审核流程须包含“内容审核”和“保密审查”两个步骤且处于启用状态。", "workflow")
        if self.column is not None and not self.column.is_descendant_of(home_of(self.site)):
            raise RuleViolation("CON-09", "所选栏目不属于本网站。", "column")
        row, _ = SiteWorkflow.objects.update_or_create(
            site=self.site, column=self.column, defaults={"workflow": self.workflow}
        )
        self.audit_site(row, "content.site.workflow", data={"workflow": self.workflow.name,
                                                            "column": self.column.pk if self.column else None})
        return row


class AddColumn(SiteStaffAction):
    """A free column (自定义栏目) under the site's home or under one of its columns."""

    def __init__(self, actor, site: Site, parent: ColumnPage | None, title: str, description: str = "",
                 keywords: str = ""):
        super().__init__(actor, site)
        self.parent, self.title = parent, (title or "").strip()
        self.description, self.keywords = (description or "").strip(), (keywords or "").strip()

    def perform(self) -> ColumnPage:
        home = home_of(self.site)
        parent = self.parent or home
        if self.parent is not None and not self.parent.is_descendant_of(home):
            raise RuleViolation("CON-02", "上级栏目不属于本网站。", "parent")
        if not self.title or len(self.title) > 60:
            raise ValidationError({"title": [ValidationError("栏目名称须为1至60个字。", code="invalid")]})
        if parent.get_children().filter(title=self.title).exists():
            raise ConflictError(f"“{parent.title}”下已有名为“{self.title}”的栏目。")
        slug = slugify(self.title, allow_unicode=False) or "lm"
        taken = set(parent.get_children().values_list("slug", flat=True))
        base, n = slug, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        column = parent.add_child(instance=ColumnPage(
            title=self.title, slug=slug, column_type=ColumnType.FREE, description=self.description,
            keywords=self.keywords[:200], live=True,
        ))
        self.audit_site(column, "content.column.create", data={"parent": parent.pk, "title": self.title})
        return column
