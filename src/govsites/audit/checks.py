"""Startup checks: the trail can be signed, and (``check --database default``) its guard
triggers are in place."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connections


@checks.register(checks.Tags.security)
def audit_key_configured(app_configs=None, **kwargs):
    from . import chain

    try:
        chain.current_key()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="govsites.audit.E001")]
    return []


@checks.register(checks.Tags.database)
def audit_triggers_installed(app_configs=None, databases=None, **kwargs):
    from . import triggers

    errors = []
    for alias in databases or ():
        connection = connections[alias]
        if triggers.ENTRY_TABLE not in connection.introspection.table_names():
            continue
        missing = triggers.expected(connection) - triggers.installed(connection)
        if missing:
            errors.append(checks.Error(
                f"The audit trail's append-only triggers are missing on '{alias}': {', '.join(sorted(missing))}. "
                "Run `govsites migrate`.",
                id="govsites.audit.E002",
            ))
    return errors
