"""Django's ``flush``, aware of the audit trail's DELETE trigger (see ``triggers.flush_sql``)."""

from django.core.management.commands import flush
from django.db import connections

from govsites.audit import triggers


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        original = connection.ops.sql_flush

        def sql_flush(style, tables, **kwargs):
            return triggers.flush_sql(connection, original(style, tables, **kwargs), tables)

        connection.ops.sql_flush = sql_flush
        try:
            return super().handle(**options)
        finally:
            del connection.ops.sql_flush
