"""The one loop of periodic jobs: every app's jobs registered, run when due, failures contained."""

import datetime as dt
import logging

import pytest
from django.utils import timezone

from govsites.audit.models import AuditLogEntry
from govsites.scheduling import Job, Scheduler, jobs


def test_the_security_jobs_are_registered_with_their_commands():
    registered = {job.name: job for job in jobs()}
    assert registered["audit.verify"].command == "audit_verify"
    assert registered["audit.prune"].command == "audit_prune"
    assert registered["accounts.disable_inactive"].every == dt.timedelta(days=1)


def test_each_job_runs_at_start_then_at_its_interval_and_a_failure_stops_no_other():
    runs = []

    def boom():
        raise RuntimeError("broken job")

    scheduler = Scheduler([
        Job("fails", dt.timedelta(minutes=1), boom),
        Job("minutely", dt.timedelta(minutes=1), lambda: runs.append("minutely")),
        Job("hourly", dt.timedelta(hours=1), lambda: runs.append("hourly")),
    ])
    assert scheduler.run_due(now=1000.0) == ["fails", "minutely", "hourly"]
    assert scheduler.run_due(now=1030.0) == []
    assert scheduler.run_due(now=1061.0) == ["fails", "minutely"]
    assert runs == ["minutely", "hourly", "minutely"]


@pytest.mark.django_db
def test_the_real_jobs_run_against_the_database(estate, caplog):
    idle = estate.water_manager
    type(idle).objects.filter(pk=idle.pk).update(last_login=timezone.now() - dt.timedelta(days=400))
    with caplog.at_level(logging.INFO):
        ran = Scheduler().run_due(now=0.0)
    assert {"audit.verify", "audit.prune", "accounts.disable_inactive"} <= set(ran)
    assert not [r for r in caplog.records if r.name == "govsites.scheduling"], "a job failed"
    idle.refresh_from_db()
    assert not idle.is_active and estate.stats_manager.is_active
    assert AuditLogEntry.objects.filter(object_id=str(idle.pk)).exists()
