"""The reports' seams: audit-trail labels, the reminder job, the portal pages, and the admin page
under the 网站监管 menu (``register_monitoring_menu_item``)."""

from __future__ import annotations

import datetime as dt

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

LOG_ACTIONS = {
    "reports.report.generate": "监管报表：生成",
    "reports.report.publish": "监管报表：发布到门户网站",
    "reports.report.withdraw": "监管报表：从门户网站撤回",
    "reports.report.download": "监管报表：下载",
    "reports.facts.save": "监管年度报表：填报事项",
    "reports.reminder.send": "监管报表：报送期限提醒",
}


@hooks.register("register_log_actions")
def register_log_actions(actions):
    from govsites.audit.models import AuditLogEntry

    from .models import AnnualReportFacts, Report

    for model in (Report, AnnualReportFacts):
        actions.register_model(model, AuditLogEntry)
    for action, label in LOG_ACTIONS.items():
        actions.register_action(action, label, label)


@hooks.register("register_scheduled_jobs")
def register_reminders():
    """Supervisors are mailed before a report's due date (each stage once; idempotent)."""
    from govsites.scheduling import Job

    from .reminders import run

    return [Job("reports.reminders", dt.timedelta(hours=1), run, command="report_reminders")]


@hooks.register("register_publishing_outputs")
def register_report_outputs():
    from . import outputs

    return outputs.NAME, outputs.provider


@hooks.register("register_publishing_home_highlights")
def register_annual_report_highlight(site):
    """The newest annual supervision report, prominently on its portal's home page."""
    from . import outputs

    return outputs.home_highlights(site)


@hooks.register("register_admin_urls")
def register_report_urls():
    from . import urls

    return [path("reports/", include(urls))]


class ReportsMenuItem(MenuItem):
    def is_shown(self, request):
        from .views import sees_reports

        return sees_reports(request.user)


@hooks.register("register_monitoring_menu_item")
def register_reports_menu_item():
    return ReportsMenuItem(_("监管报表"), reverse_lazy("reports:list"), name="monitoring-reports",
                           icon_name="doc-full", order=500)
