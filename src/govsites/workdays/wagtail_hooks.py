"""The calendar's seams into Wagtail: 设置 → 工作日历 (system administrators), its URLs, the log
action labels and the scheduled warning about a missing year."""

import datetime as dt

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from govsites.audit.models import AuditLogEntry


@hooks.register("register_admin_urls")
def register_workdays_urls():
    from . import views

    return [path("workdays/", include((views.urlpatterns, "workdays"), namespace="workdays"))]


class WorkdaysMenuItem(MenuItem):
    def is_shown(self, request):
        from .views import may_manage

        return may_manage(request.user)


@hooks.register("register_settings_menu_item")
def register_workdays_menu_item():
    return WorkdaysMenuItem(_("工作日历"), reverse_lazy("workdays:index"), name="workdays", icon_name="date",
                            order=750)


@hooks.register("register_log_actions")
def register_log_actions(actions):
    from .actions import LOG_ACTIONS
    from .models import CalendarYear

    actions.register_model(CalendarYear, AuditLogEntry)
    for action, label in LOG_ACTIONS.items():
        actions.register_action(action, label, label)


@hooks.register("register_scheduled_jobs")
def scheduled_jobs():
    from govsites.scheduling import Job

    from .status import warn_missing

    return [Job("workdays.missing_year", dt.timedelta(hours=12), warn_missing, command="workdays_status")]
