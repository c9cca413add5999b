"""The auditor's seams into the Wagtail admin: the 审计日志 menu item (AUDIT_READ only) and URLs."""

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem


@hooks.register("register_admin_urls")
def register_audit_urls():
    from . import views

    return [path("audit/", include((views.urlpatterns, "audit"), namespace="audit"))]


class AuditMenuItem(MenuItem):
    def is_shown(self, request):
        from .views import may_read

        return may_read(request.user)


@hooks.register("register_admin_menu_item")
def register_audit_menu_item():
    return AuditMenuItem(_("审计日志"), reverse_lazy("audit:list"), name="audit", icon_name="history", order=900)


@hooks.register("register_scheduled_jobs")
def scheduled_jobs():
    import datetime as dt

    from govsites.scheduling import Job

    from .tasks import run_prune, run_verification

    return [
        Job("audit.verify", dt.timedelta(hours=6), run_verification, command="audit_verify"),
        Job("audit.prune", dt.timedelta(days=1), run_prune, command="audit_prune"),
    ]
