"""The monitor's seams into the admin: audit-trail labels and scheduled jobs."""

from __future__ import annotations

from wagtail import hooks

LOG_ACTIONS = {
    "monitoring.census.start": "网站检查：开始",
    "monitoring.census.finish": "网站检查：完成",
    "monitoring.finding.close": "监测问题：人工关闭",
    "monitoring.finding.escalate": "监测问题：逾期督办",
    "monitoring.violation.record": "记录违规情况",
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
