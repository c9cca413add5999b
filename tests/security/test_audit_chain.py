"""SEC-03: the audit trail is append-only and tamper-evident; verification pinpoints every change.

The attacks run as someone with database rights would: the guard triggers are dropped first
(inside the test's transaction, which the rollback restores), then rows are edited, deleted or
inserted with raw SQL. Runs on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from govsites.audit import chain, triggers
from govsites.audit.context import Actor
from govsites.audit.log import record
from govsites.audit.models import AppendOnlyError, AuditChainHead, AuditLogEntry
from govsites.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def actor(user):
    return Actor(user=user, ip_address="10.1.2.3", user_agent="pytest", via="web")


@pytest.fixture
def trail(estate):
    """Ten fresh entries after whatever the estate wrote; returns them in chain order."""
    entries = [
        record(actor(estate.auditor), estate.province_portal, "registry.site.change",
               reason=f"approve ok {i}", data={"n": i, "ratio": 1.0, "name": "数据"}, changes={"name": {"before": "a", "after": "b"}},
               site_id=estate.province_portal.pk)
        for i in range(10)
    ]
    return entries


def attack(sql: str, params=()):
    """Run ``sql`` as an attacker: without the guard triggers."""
    triggers.uninstall(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def problems_of(result, kind):
    return [p for p in result.problems if p.kind == kind]


@pytest.mark.rule("SEC-03")
def test_entries_are_chained_in_order_and_the_untouched_chain_verifies(trail):
    seqs = [e.seq for e in trail]
    assert seqs == list(range(seqs[0], seqs[0] + 10))
    for previous, entry in zip(trail, trail[1:], strict=False):
        assert entry.prev_hash == previous.entry_hash
        assert entry.verifies() is True
    head = AuditChainHead.objects.get()
    assert (head.seq, head.entry_hash) == (trail[-1].seq, trail[-1].entry_hash)
    result = verify_chain(batch_size=3)  # several batches
    assert result.ok, [p.line() for p in result.problems]
    assert result.checked == AuditLogEntry.objects.count()


@pytest.mark.rule("SEC-03")
def test_one_byte_changed_in_reason_is_named_at_that_row(trail, capsys):
    victim = trail[4]
    attack("UPDATE audit_auditlogentry SET reason = %s WHERE id = %s", ["approve ol 4", victim.pk])
    result = verify_chain()
    assert not result.ok
    assert [(p.kind, p.seq, p.id) for p in result.problems] == [("altered", victim.seq, victim.pk)]
    with pytest.raises(SystemExit) as exit_:
        call_command("audit_verify")
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert f"序号 {victim.seq}（ID {victim.pk}" in out and "registry.site.change" in out


@pytest.mark.rule("SEC-03")
def test_one_byte_changed_in_data_is_named_at_that_row(trail):
    victim = trail[7]
    if connection.vendor == "postgresql":
        attack("UPDATE audit_auditlogentry SET data = replace(data::text, '\"n\": 7', '\"n\": 8')::jsonb WHERE id = %s",
               [victim.pk])
    else:
        attack("UPDATE audit_auditlogentry SET data = replace(data, '\"n\": 7', '\"n\": 8') WHERE id = %s",
               [victim.pk])
    assert AuditLogEntry.objects.get(pk=victim.pk).data["n"] == 8
    result = verify_chain()
    assert [(p.kind, p.seq) for p in result.problems] == [("altered", victim.seq)]


@pytest.mark.rule("SEC-03")
def test_the_last_entry_altered_is_named_too(trail):
    victim = trail[-1]
    attack("UPDATE audit_auditlogentry SET label = 'x' WHERE id = %s", [victim.pk])
    assert [(p.kind, p.seq) for p in verify_chain().problems] == [("altered", victim.seq)]


@pytest.mark.rule("SEC-03")
def test_a_deleted_entry_is_named_as_a_gap(trail, capsys):
    victim = trail[3]
    attack("DELETE FROM audit_auditlogentry WHERE id = %s", [victim.pk])
    result = verify_chain()
    assert [(p.kind, p.seq, p.seq_to) for p in result.problems] == [("missing", victim.seq, victim.seq)]
    with pytest.raises(SystemExit):
        call_command("audit_verify")
    assert f"【删除】序号 {victim.seq}" in capsys.readouterr().out


@pytest.mark.rule("SEC-03")
def test_deleted_entries_at_the_end_are_named(trail):
    attack("DELETE FROM audit_auditlogentry WHERE seq >= %s", [trail[8].seq])
    result = verify_chain()
    assert [(p.kind, p.seq, p.seq_to) for p in result.problems] == [("missing", trail[8].seq, trail[9].seq)]


@pytest.mark.rule("SEC-03")
def test_a_forged_entry_is_named(trail):
    last = trail[-1]
    columns = ("label, action, data, timestamp, uuid, content_changed, deleted, object_id, ip_address, user_agent, "
               "via, changes, site_ref, content_type_id, revision_id, user_id, key_id")
    attack(
        f"INSERT INTO audit_auditlogentry ({columns}, reason, seq, prev_hash, entry_hash) "  # noqa: S608
        f"SELECT {columns}, 'forged', seq + 1, entry_hash, %s FROM audit_auditlogentry WHERE id = %s",
        ["f" * 64, last.pk],
    )
    forged = AuditLogEntry.objects.get(seq=last.seq + 1)
    result = verify_chain()
    assert [(p.kind, p.seq, p.id) for p in result.problems] == [("forged", forged.seq, forged.pk)]


@pytest.mark.rule("SEC-03")
def test_a_forged_entry_with_the_head_moved_along_is_still_named(trail):
    last = trail[-1]
    columns = ("label, action, data, timestamp, uuid, content_changed, deleted, object_id, ip_address, user_agent, "
               "via, changes, site_ref, content_type_id, revision_id, user_id, key_id")
    attack(
        f"INSERT INTO audit_auditlogentry ({columns}, reason, seq, prev_hash, entry_hash) "  # noqa: S608
        f"SELECT {columns}, 'forged', seq + 1, entry_hash, %s FROM audit_auditlogentry WHERE id = %s",
        ["e" * 64, last.pk],
    )
    attack("UPDATE audit_auditchainhead SET seq = seq + 1, entry_hash = %s", ["e" * 64])
    result = verify_chain()
    assert [p.seq for p in result.problems] == [last.seq + 1]


@pytest.mark.rule("SEC-03")
def test_an_entry_signed_with_an_unknown_key_is_named(trail):
    attack("UPDATE audit_auditlogentry SET key_id = 'zz' WHERE id = %s", [trail[2].pk])
    assert [(p.kind, p.seq) for p in verify_chain().problems] == [("unknown_key", trail[2].seq)]


@pytest.mark.rule("SEC-03")
def test_the_database_refuses_update_and_delete(trail):
    assert triggers.installed(connection) == triggers.expected(connection)
    for sql in ("UPDATE audit_auditlogentry SET reason = 'x' WHERE id = %s",
                "DELETE FROM audit_auditlogentry WHERE id = %s"):
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [trail[0].pk])
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditchainhead SET seq = 0")
    assert AuditLogEntry.objects.filter(pk=trail[0].pk, reason="approve ok 0").exists()
    assert verify_chain().ok


@pytest.mark.rule("SEC-03")
def test_a_prune_permit_lets_only_the_covered_rows_go(trail):
    with transaction.atomic(), triggers.permit(connection, trail[1].seq):
        AuditLogEntry.objects.filter(seq__lte=trail[1].seq)._prune()
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditlogentry WHERE id = %s", [trail[5].pk])
    assert not AuditLogEntry.objects.filter(seq__lte=trail[1].seq).exists()
    assert AuditLogEntry.objects.filter(pk=trail[5].pk).exists()
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditlogentry WHERE id = %s", [trail[5].pk])


def test_the_orm_refuses_changes(trail):
    entry = trail[0]
    entry.reason = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditLogEntry.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditLogEntry.objects.filter(pk=entry.pk).delete()


def test_writing_an_entry_costs_a_locked_read_an_insert_and_a_head_update(estate):
    record(actor(estate.auditor), estate.province, "registry.site.change")  # warm the content type cache
    with CaptureQueriesContext(connection) as queries:
        record(actor(estate.auditor), estate.province, "registry.site.change", reason="x")
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    assert [s for s in statements if s in ("SELECT", "INSERT", "UPDATE", "DELETE")] == ["SELECT", "INSERT", "UPDATE"]


def test_rotated_keys_keep_old_entries_verifiable(trail, settings):
    old = settings.GOVSITES_AUDIT_KEY
    settings.GOVSITES_AUDIT_KEY = "k2:" + "n" * 40 + "," + old
    newer = record(Actor.system(), trail[0].user, "auth.login")
    assert newer.key_id == "k2"
    assert verify_chain().ok
    settings.GOVSITES_AUDIT_KEY = old  # k2 entries now name a key this deployment lacks
    assert [p.kind for p in verify_chain().problems] == ["unknown_key"]


def test_values_are_stored_as_hashed(trail):
    stored = AuditLogEntry.objects.get(pk=trail[0].pk)
    assert stored.data["ratio"] == 1
    assert chain.verify_hash(chain.row_of(stored), stored.entry_hash) is True
