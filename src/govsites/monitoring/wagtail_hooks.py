"""The monitor's seams into the admin: audit-trail labels, scheduled jobs, and the 网站监管 menu
with its admin URLs.

The 网站监管 menu collects its items from the ``register_monitoring_menu_item`` hook: other parts
of supervision (reports …) add theirs with one function each, returning a ``MonitoringMenuItem``
(or any ``MenuItem``).
"""

from __future__ import annotations

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

LOG_ACTIONS = {
    "monitoring.census.start": "网站检查：开始",
    "monitoring.census.finish": "网站检查：完成",
    "monitoring.finding.close": "监测问题：人工关闭",
    "monitoring.finding.escalate": "监测问题：逾期督办",
    "monitoring.violation.record": "记录违规情况",
    "monitoring.findings.export": "导出监测问题",
}


@hooks.register("register_log_actions")
def register_log_actions(actions):
    for action, label in LOG_ACTIONS.items():
        actions.register_action(action, label, label)


@hooks.register("register_scheduled_jobs")
def register_probes():
    """站点无法访问: every running site's home page, ≥ 20 times a day (the profile's number)."""
    from govsites.scheduling import Job

    from .availability import probe_interval, probe_sites

    return [Job("monitoring.probes", probe_interval(), probe_sites, command="monitoring_probe")]


@hooks.register("register_scheduled_jobs")
def register_sweep():
    """Overdue findings are escalated within the hour."""
    import datetime as dt

    from govsites.scheduling import Job

    from .sweep import run

    return [Job("monitoring.sweep", dt.timedelta(hours=1), run, command="monitoring_sweep")]


# -- 网站监管 (the supervision admin: monitoring.views) -------------------------------------------


class MonitoringMenuItem(MenuItem):
    """Shown to supervisors and site managers (``permissions.may_enter``)."""

    def is_shown(self, request):
        from .permissions import may_enter

        return may_enter(request.user)


@hooks.register("register_admin_urls")
def register_monitoring_urls():
    from . import urls

    return [path("monitoring/", include(urls))]


@hooks.register("register_admin_menu_item")
def register_monitoring_menu():
    """Shown when any of its items is."""
    menu = Menu(register_hook_name="register_monitoring_menu_item")
    return SubmenuMenuItem(_("网站监管"), menu, name="monitoring", icon_name="view", order=260)


@hooks.register("register_monitoring_menu_item")
def register_dashboard_menu_item():
    return MonitoringMenuItem(_("总览"), reverse_lazy("monitoring:dashboard"), name="monitoring-dashboard",
                              icon_name="view", order=100)


@hooks.register("register_monitoring_menu_item")
def register_findings_menu_item():
    return MonitoringMenuItem(_("监测问题"), reverse_lazy("monitoring:findings"), name="monitoring-findings",
                              icon_name="warning", order=200)


@hooks.register("register_monitoring_menu_item")
def register_censuses_menu_item():
    return MonitoringMenuItem(_("检查批次"), reverse_lazy("monitoring:censuses"), name="monitoring-censuses",
                              icon_name="tasks", order=300)


@hooks.register("register_monitoring_menu_item")
def register_violations_menu_item():
    return MonitoringMenuItem(_("违规记录"), reverse_lazy("monitoring:violations"), name="monitoring-violations",
                              icon_name="warning", order=400)
