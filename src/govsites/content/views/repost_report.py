"""转载督查 (CON-03): for supervising offices, per site of their area, the reposts made after the
deadline and the ones still missing past it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from govsites.accounts.models import Role
from govsites.registry import permissions as registry_permissions
from govsites.registry.views.base import is_supervisor

from ..reposting import late_and_missing
from .base import ContentViewMixin


class RepostReportView(ContentViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "content/repost_report.html"
    page_title = _("转载督查")
    header_icon = "warning"

    def has_access(self, user) -> bool:
        return is_supervisor(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if getattr(user, "is_superuser", False) or registry_permissions.reads_everything(user):
            records = late_and_missing()
        else:
            regions = [a.institution for a in registry_permissions.assignments(user) if a.role == Role.SUPERVISOR]
            records = [record for region in regions for record in late_and_missing(region)]
        context["records"] = records
        return context
