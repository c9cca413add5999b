"""The registry's panel on the admin home page and its menu items."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from .. import permissions, rules
from ..models import SiteStatus
from .base import has_registry_access, is_approver, is_supervisor
from .estate import site_list_url


class RegistryMenuItem(MenuItem):
    """A menu item shown only to users for whom ``check(user)`` holds."""

    def __init__(self, label, url, *, check=has_registry_access, **kwargs):
        super().__init__(label, url, **kwargs)
        self.check = check

    def is_shown(self, request):
        return self.check(request.user)


class RegistrySummaryPanel(Component):
    """Counts of visible sites per status, the inbox, and the estate's open problems."""

    name = "registry_summary"
    template_name = "registry/dashboard_panel.html"
    order = 50

    def render_html(self, parent_context=None):
        if not has_registry_access(parent_context["request"].user):
            return ""
        return super().render_html(parent_context)

    def get_context_data(self, parent_context):
        user = parent_context["request"].user
        sites = permissions.visible_sites(user)
        counts = dict(sites.order_by().values_list("status").annotate(n=Count("pk")))
        context = {
            "statuses": [
                {"code": code, "label": label, "count": counts.get(code, 0), "url": site_list_url(status=code)}
                for code, label in SiteStatus.choices
            ],
            "total": sum(counts.values()),
            "site_index_url": reverse("registry:site_index"),
            "is_approver": is_approver(user),
            "is_supervisor": is_supervisor(user),
        }
        if context["is_approver"]:
            inbox = permissions.inbox(user)
            context.update(inbox=list(inbox[:5]), inbox_count=inbox.count(), inbox_url=reverse("registry:inbox"))
        if context["is_supervisor"]:
            visible = permissions.visible_institutions(user).values("pk")
            context.update(
                missing_portals=rules.governments_missing_portal().filter(pk__in=visible).count(),
                missing_url=reverse("registry:missing_portals"),
                flagged=sites.needing_integration().count(),
                flagged_url=site_list_url(integration="flagged"),
            )
        return context


def menu_items() -> list[RegistryMenuItem]:
    """The 网站注册管理 sub-menu, in order."""
    return [
        RegistryMenuItem(_("网站列表"), reverse("registry:site_index"), icon_name="site", order=100),
        RegistryMenuItem(_("我的审批"), reverse("registry:inbox"), icon_name="tasks", order=200, check=is_approver),
        RegistryMenuItem(_("申请列表"), reverse("registry:application_index"), icon_name="form", order=300),
        RegistryMenuItem(_("提交申请"), reverse("registry:application_new"), icon_name="plus", order=400,
                         check=lambda user: bool(permissions.assignments(user))),
        RegistryMenuItem(_("机构"), reverse("registry:institution_index"), icon_name="group", order=500),
        RegistryMenuItem(_("区域网站分布"), reverse("registry:estate_tree"), icon_name="globe", order=600,
                         check=is_supervisor),
        RegistryMenuItem(_("缺少门户网站"), reverse("registry:missing_portals"), icon_name="warning", order=700,
                         check=is_supervisor),
        RegistryMenuItem(_("待整合网站"), site_list_url(integration="flagged"), icon_name="warning", order=800,
                         check=is_supervisor),
    ]
