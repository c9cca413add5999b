"""The public service's database role: only what it needs (SEC-01)."""

from __future__ import annotations

import io
import os

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from govsites.audit.models import AuditLogEntry
from govsites.interaction.models import Message
from govsites.public import grants

from .conftest import form_post, submit

pytestmark = pytest.mark.django_db


def granted_sql(*args) -> str:
    out = io.StringIO()
    call_command("public_db_grants", *args, stdout=out)
    return out.getvalue()


def test_the_grants_name_only_the_public_tables(monkeypatch):
    monkeypatch.setenv("PUBLIC_DB_PASSWORD", "s3cret'pw")
    sql = granted_sql("--role", "web_public", "--password-env", "PUBLIC_DB_PASSWORD")
    assert 'CREATE ROLE "web_public" LOGIN' in sql and "NOSUPERUSER" in sql and "s3cret" not in sql
    assert 'GRANT SELECT ("id", "phone_index", "email_index") ON "privacy_personalrecord"' in sql
    assert '"interaction_message"' in sql and '"interaction_ratecounter"' in sql and '"workdays_' in sql
    for forbidden in ("accounts_", "audit_", "content_", "wagtailcore_", "django_session", "interaction_reply"):
        assert forbidden not in sql, forbidden
    update = next(line for line in sql.splitlines() if line.startswith("GRANT UPDATE"))
    assert update == 'GRANT UPDATE ON "interaction_ratecounter" TO "web_public";'
    statements = grants.statements("govsites", "web_public", "pw'x")
    assert "PASSWORD 'pw''x'" in " ".join(statements)  # quoted, not injectable


def test_apply_needs_postgresql_and_a_missing_password_variable_is_an_error():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite pass")
    with pytest.raises(CommandError, match="仅适用于 PostgreSQL"):
        granted_sql("--apply")
    with pytest.raises(CommandError, match="未设置"):
        granted_sql("--password-env", "NO_SUCH_VARIABLE_FOR_TEST")


def refused(sql: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    except DatabaseError as exc:
        return "permission denied" in str(exc)
    return False


@pytest.mark.rule("SEC-01")
def test_as_the_public_role_a_submission_and_a_lookup_work_and_staff_tables_are_refused(client, public, e, channel):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: roles and grants")
    role = f"govsites_public_t{os.getpid()}"
    granted_sql("--apply", "--role", role)  # rolled back with the test's transaction
    AuditLogEntry.objects.exists()  # the staff side can still read its trail
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{role}"')
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == role
        response = submit(client, channel)
        assert response.status_code == 200, response.content.decode()
        message = Message.objects.get()
        html = response.content.decode()
        code = html.split('id="query-code">')[1].split("<")[0]
        assert form_post(client, "/cases/lookup", {"case_number": message.case_number, "code": code}).status_code == 200
        assert refused("SELECT * FROM accounts_user")
        assert refused(f"SELECT * FROM {AuditLogEntry._meta.db_table}")
        assert refused("SELECT name FROM privacy_personalrecord")
        assert refused("UPDATE interaction_message SET status = 'answered'")
        assert refused("DELETE FROM interaction_message")
        assert refused("SELECT * FROM interaction_reply")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
