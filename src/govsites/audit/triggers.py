"""Database triggers that keep the audit trail append-only below the ORM (SEC-03).

UPDATE of an audit row is always refused; DELETE only while a :class:`~.models.PrunePermit` row
covering the row's ``seq`` exists in the same transaction (pruning inserts it and removes it
before committing). The chain head may only move forward. Both engines get the same rules.

The triggers are created by migration ``0002`` and re-created (idempotently) after every
``migrate``: on SQLite a later migration that rebuilds the table would silently drop them.
An attacker with DDL rights can still drop them — that is what the hash chain is for.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings

ENTRY_TABLE = "audit_auditlogentry"
HEAD_TABLE = "audit_auditchainhead"
PERMIT_TABLE = "audit_prunepermit"
MESSAGE = "audit trail is append-only"

SQLITE_TRIGGERS = {
    "audit_entry_no_update": f"""
        CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON {ENTRY_TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused'); END""",
    "audit_entry_no_delete": f"""
        CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON {ENTRY_TABLE}
        WHEN NOT EXISTS (SELECT 1 FROM {PERMIT_TABLE} WHERE OLD.seq <= up_to_seq)
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused'); END""",  # noqa: S608 (constants only)
    "audit_head_forward": f"""
        CREATE TRIGGER IF NOT EXISTS audit_head_forward BEFORE UPDATE ON {HEAD_TABLE}
        WHEN NEW.seq < OLD.seq
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}: the chain head cannot move back'); END""",
}

POSTGRES_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION audit_entry_guard() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM {PERMIT_TABLE} WHERE OLD.seq <= up_to_seq) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql""",  # noqa: S608 (constants only)
    f"DROP TRIGGER IF EXISTS audit_entry_guard ON {ENTRY_TABLE}",
    f"""CREATE TRIGGER audit_entry_guard BEFORE UPDATE OR DELETE ON {ENTRY_TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_entry_guard()""",
    f"""
    CREATE OR REPLACE FUNCTION audit_head_guard() RETURNS trigger AS $$
    BEGIN
        IF NEW.seq < OLD.seq THEN
            RAISE EXCEPTION '{MESSAGE}: the chain head cannot move back'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql""",
    f"DROP TRIGGER IF EXISTS audit_head_guard ON {HEAD_TABLE}",
    f"""CREATE TRIGGER audit_head_guard BEFORE UPDATE ON {HEAD_TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_head_guard()""",
]

POSTGRES_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS audit_entry_guard ON {ENTRY_TABLE}",
    f"DROP TRIGGER IF EXISTS audit_head_guard ON {HEAD_TABLE}",
    "DROP FUNCTION IF EXISTS audit_entry_guard()",
    "DROP FUNCTION IF EXISTS audit_head_guard()",
]


def install(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in SQLITE_TRIGGERS.values():
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            for sql in POSTGRES_INSTALL:
                cursor.execute(sql)


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            for sql in POSTGRES_UNINSTALL:
                cursor.execute(sql)


def installed(connection) -> set[str]:
    """Names of the guard triggers present (for the system check and the tests)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            return {row[0] for row in cursor.fetchall()} & set(SQLITE_TRIGGERS)
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname IN "
                "('audit_entry_guard', 'audit_head_guard')"
            )
            return {row[0] for row in cursor.fetchall()}
    return set()


def expected(connection) -> set[str]:
    if connection.vendor == "sqlite":
        return set(SQLITE_TRIGGERS)
    if connection.vendor == "postgresql":
        return {"audit_entry_guard", "audit_head_guard"}
    return set()


def ensure_installed(sender=None, using="default", **kwargs) -> None:
    """``post_migrate`` receiver: put the triggers back if a table rebuild dropped them."""
    from django.db import connections

    connection = connections[using]
    if ENTRY_TABLE in connection.introspection.table_names():
        install(connection)


@contextmanager
def permit(connection, up_to_seq: int):
    """Allow deleting entries up to ``up_to_seq`` inside the caller's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {PERMIT_TABLE} (up_to_seq) VALUES (%s)", [up_to_seq])  # noqa: S608
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {PERMIT_TABLE}")  # noqa: S608


def flush_sql(connection, statements: list[str], tables) -> list[str]:
    """``flush`` on SQLite deletes row by row, which the trigger refuses. Where the deployment
    allows flushing the trail (tests: ``GOVSITES_AUDIT_ALLOW_FLUSH``), the flush carries its own
    permit; elsewhere it fails, as wiping the audit trail should. (PostgreSQL flushes with
    TRUNCATE, which row triggers do not see: do not grant TRUNCATE to the application's role.)"""
    if connection.vendor != "sqlite" or ENTRY_TABLE not in tables:
        return statements
    if not getattr(settings, "GOVSITES_AUDIT_ALLOW_FLUSH", False):
        return statements
    quoted_permit = connection.ops.quote_name(PERMIT_TABLE)
    rest = [s for s in statements if quoted_permit not in s]
    return [
        f"INSERT INTO {quoted_permit} (up_to_seq) VALUES (9223372036854775807);",  # noqa: S608
        *rest,
        f"DELETE FROM {quoted_permit};",  # noqa: S608
    ]
