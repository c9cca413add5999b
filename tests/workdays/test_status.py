"""The warning when a year that deadlines need is not loaded: system check, scheduled job, command."""

import datetime as dt
import logging

from django.core.management import call_command

from govsites import clock, scheduling
from govsites.workdays import checks, status
from govsites.workdays.models import CalendarYear


def test_next_year_is_required_from_the_first_of_november():
    assert status.required_years(dt.date(2026, 10, 31)) == [2026]
    assert status.required_years(dt.date(2026, 11, 1)) == [2026, 2027]
    assert status.required_years(dt.date(2026, 12, 31)) == [2026, 2027]


def test_system_check_w001():
    with clock.frozen(clock.at(2026, 10, 31)):
        assert checks.calendar_years_loaded(databases=["default"]) == []
    with clock.frozen(clock.at(2026, 11, 1)):
        warnings = checks.calendar_years_loaded(databases=["default"])
        assert checks.calendar_years_loaded() == []  # a database check: only with --database
    assert [w.id for w in warnings] == ["workdays.W001"]
    assert "2027年的工作日历（国务院节假日安排）尚未载入" in warnings[0].msg
    CalendarYear.objects.filter(year=2026).delete()
    with clock.frozen(clock.at(2026, 3, 1)):
        assert [w.msg[:4] for w in checks.calendar_years_loaded(databases=["default"])] == ["2026"]


def test_the_scheduled_job_logs_a_missing_year(caplog):
    job = next(j for j in scheduling.jobs() if j.name == "workdays.missing_year")
    assert job.command == "workdays_status"
    with clock.frozen(clock.at(2026, 11, 15)), caplog.at_level(logging.WARNING, logger="govsites.workdays"):
        job.run()
    assert [r.getMessage().split("：")[0] for r in caplog.records] == ["2027年的工作日历（国务院节假日安排）尚未载入"]
    caplog.clear()
    with clock.frozen(clock.at(2026, 6, 15)), caplog.at_level(logging.WARNING, logger="govsites.workdays"):
        assert job.run() == []
    assert caplog.records == []


def test_workdays_status_command(capsys):
    with clock.frozen(clock.at(2026, 12, 5)):
        call_command("workdays_status")
    out = capsys.readouterr().out
    assert "2004：日历库" in out and "2026：日历库" in out
    assert "2027年的工作日历（国务院节假日安排）尚未载入" in out
