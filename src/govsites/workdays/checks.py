"""``workdays.W001``: the current year (and from 1 November the next) is not loaded.

A database check (like the audit trail's): it runs with ``migrate`` and ``check --database
default``, not on every command, and says nothing before the app's tables exist.
"""

from django.core import checks
from django.db import connections

from . import status


@checks.register(checks.Tags.database)
def calendar_years_loaded(app_configs=None, databases=None, **kwargs):
    from .models import CalendarYear

    if not databases or "default" not in databases:
        return []
    if CalendarYear._meta.db_table not in connections["default"].introspection.table_names():
        return []
    return [
        checks.Warning(status.missing_message(year), id="workdays.W001",
                       hint="govsites workdays_load <文件>，格式见 docs/workdays.md。")
        for year in status.missing_years()
    ]
