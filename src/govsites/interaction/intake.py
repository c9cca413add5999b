"""Storing a public submission: counted, checked and written in one transaction.

A citizen's message is the only write the public causes and the hottest path of the public
service (issue #6 asks for hundreds per second on two cores). The intake therefore does, in one
transaction, everything between "the form is valid" and "received": count the sender against the
rate limits, refuse a replayed form (naming its first case number) or a duplicate, and insert the
personal record, the message, the spent form token and the "received" event.

On PostgreSQL that is **one statement** (data-modifying CTEs), prepared once per connection: the
ORM would need nine round trips and most of the request's CPU time (benchmarks/interaction). On
other databases (SQLite, the embedded default) the same steps run as ORM statements. Both take the
same model instances, built and validated by :class:`~govsites.interaction.actions.SubmitMessage`,
and return the same :class:`Outcome`; the interaction tests run on both databases.

The counts commit even when the submission is refused (a flood is counted whatever it sends), so
the intake reports refusals as an outcome and the action raises them after the commit.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import Model, Q

from govsites.privacy import crypto
from govsites.privacy.models import _KIND as PERSONAL_KINDS
from govsites.privacy.models import PersonalRecord

from . import ratelimit
from .models import EventKind, Message, MessageEvent, UsedToken
from .ratelimit import Limit


@dataclass
class Outcome:
    """What became of a submission. ``stored`` → ``message`` has its id and case number."""

    stored: bool = False
    over_limit: bool = False
    #: the first receipt of a replayed form ("" when it had none); None: not a replay
    replay_receipt: str | None = None
    #: the case number of the same text from the same person, "" for the same text from the same
    #: client address; None: not a duplicate
    duplicate_case: str | None = None


@dataclass
class Intake:
    message: Message  # unsaved, every field set (received_at, received_on, deadlines …)
    record: PersonalRecord  # unsaved
    token: str
    limits: tuple[Limit, ...]
    duplicate_since: datetime  # the same text from the same sender after this is a duplicate

    def identities(self) -> dict[str, str]:
        """The blind indexes of the sender's phone and e-mail ("" when not given)."""
        return {f: crypto.blind_index(PERSONAL_KINDS[f], getattr(self.record, f)) or "" for f in ("phone", "email")}


def store(intake: Intake) -> Outcome:
    if connection.vendor == "postgresql":
        return _PostgresIntake(intake).store()
    return _orm_store(intake)


def _case_number(received_on, pk: int) -> str:
    return f"{received_on:%Y%m%d}{pk:07d}"


# -- any database: the ORM -------------------------------------------------------------------

def _orm_store(intake: Intake) -> Outcome:
    message, record = intake.message, intake.record
    with transaction.atomic():
        if ratelimit.count(*intake.limits):
            return Outcome(over_limit=True)
        first = UsedToken.objects.filter(token=intake.token).values_list("receipt", flat=True).first()
        if first is not None:
            return Outcome(replay_receipt=first)
        duplicate = _orm_duplicate(intake)
        if duplicate is not None:
            return Outcome(duplicate_case=duplicate)
        record.save()
        message.submitter = record
        message.save()
        try:
            with transaction.atomic():
                UsedToken.objects.create(token=intake.token, used_at=message.received_at,
                                         receipt=message.case_number)
        except IntegrityError:
            transaction.set_rollback(True)
            return Outcome(replay_receipt=_first_receipt(intake.token))
        MessageEvent.objects.create(message=message, kind=EventKind.RECEIVED, at=message.received_at)
    return Outcome(stored=True)


def _orm_duplicate(intake: Intake) -> str | None:
    message = intake.message
    recent = Message.objects.filter(site_id=message.site_id, fingerprint=message.fingerprint,
                                    received_at__gte=intake.duplicate_since)
    same_person = Q(pk__in=[])
    for name, digest in intake.identities().items():
        if digest:
            same_person |= Q(**{f"submitter__{name}_index": digest})
    mine = recent.filter(same_person).only("pk", "received_on").first()
    if mine is not None:
        return mine.case_number
    if message.client_hash and recent.filter(client_hash=message.client_hash).exists():
        return ""
    return None


def _first_receipt(token: str) -> str:
    return UsedToken.objects.filter(token=token).values_list("receipt", flat=True).first() or ""


# -- PostgreSQL: one prepared statement ---------------------------------------------------------

@functools.cache
def _insert_columns(model, skip: tuple[str, ...]) -> tuple[tuple, list[str], list[str]]:
    """(fields, quoted columns, cast placeholders) of ``model``'s INSERT. The casts type the
    parameters of ``INSERT … SELECT``, where PostgreSQL cannot infer them from the target columns."""
    fields = tuple(f for f in model._meta.local_concrete_fields if not f.primary_key and f.name not in skip)
    return (fields, [connection.ops.quote_name(f.column) for f in fields],
            [f"%s::{f.cast_db_type(connection)}" for f in fields])


def _insert_values(instance: Model, skip: tuple[str, ...]) -> tuple[list[str], list[str], list]:
    """(quoted columns, cast placeholders, parameters) of an unsaved instance, prepared exactly
    as Django's INSERT would (``pre_save`` then ``get_db_prep_save``, in field order: encrypted
    fields seal, blind indexes are computed)."""
    fields, columns, placeholders = _insert_columns(type(instance), skip)
    return columns, placeholders, [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]


def _numbered(sql: str) -> str:
    """``%s`` placeholders as PostgreSQL's own ``$1, $2, …``."""
    parts = sql.split("%s")
    return "".join(part + (f"${i}" if i < len(parts) else "") for i, part in enumerate(parts, 1))


_statements: dict[tuple, str] = {}
_statements_lock = threading.Lock()


class _PostgresIntake:
    """The intake as one statement. Parts, in order of dependence:

    ``rate`` counts (always; it commits whatever happens next) → ``over`` → ``replay`` (the
    token seen before) and ``dup`` (same text recently from the same person or address) → ``go``
    draws the message id only if none of them refuses → ``tok`` spends the token (``ON CONFLICT
    DO NOTHING``: a concurrent replay inserts nothing further) → ``rec`` → ``msg`` → ``ev``.
    All parts see one snapshot; a replay racing with its twin is caught by the token's unique
    constraint and reported like any replay.
    """

    def __init__(self, intake: Intake):
        self.intake = intake

    def sql(self, rows: int, record_columns, record_values, message_columns, message_values,
            event_columns, event_values) -> str:
        """Table and column names come from the models; every value is a parameter."""
        q = connection.ops.quote_name
        message_table, record_table = q(Message._meta.db_table), q(PersonalRecord._meta.db_table)
        token_table, event_table = q(UsedToken._meta.db_table), q(MessageEvent._meta.db_table)
        if rows:
            limits = ", ".join(["(%s::varchar, %s::bigint)"] * rows)
            rate = (f"rate AS ({ratelimit.upsert_sql(rows)}), "  # noqa: S608
                    f"over AS (SELECT coalesce(bool_or(rate.{q('count')} > lim.value), false) AS over "
                    f"FROM rate JOIN (VALUES {limits}) AS lim(key, value) ON lim.key = rate.{q('key')}), ")
        else:
            rate = "over AS (SELECT false AS over), "
        number = "right('000000' || go.id::text, greatest(7, length(go.id::text)))"
        return (
            f"WITH {rate}"  # noqa: S608
            f"replay AS (SELECT receipt FROM {token_table} WHERE token = %s::varchar LIMIT 1), "
            f"dup AS (SELECT m.id, to_char(m.received_on, 'YYYYMMDD') AS day, "
            f"coalesce(p.phone_index = %s::varchar OR p.email_index = %s::varchar, false) AS mine "
            f"FROM {message_table} m LEFT JOIN {record_table} p ON p.id = m.submitter_id "
            f"WHERE m.site_id = %s::bigint AND m.fingerprint = %s::varchar AND m.received_at >= %s::timestamptz "
            f"AND (p.phone_index = %s::varchar OR p.email_index = %s::varchar OR m.client_hash = %s::varchar) "
            f"ORDER BY mine DESC LIMIT 1), "
            f"go AS (SELECT nextval(pg_get_serial_sequence('{Message._meta.db_table}', 'id')) AS id "
            f"WHERE NOT (SELECT over FROM over) AND NOT EXISTS (SELECT 1 FROM replay) "
            f"AND NOT EXISTS (SELECT 1 FROM dup)), "
            f"tok AS (INSERT INTO {token_table} (token, used_at, receipt) "
            f"SELECT %s::varchar, %s::timestamptz, %s::varchar || {number} FROM go "
            f"ON CONFLICT (token) DO NOTHING RETURNING id), "
            f"rec AS (INSERT INTO {record_table} ({', '.join(record_columns)}) "
            f"SELECT {', '.join(record_values)} FROM tok RETURNING id), "
            f"msg AS (INSERT INTO {message_table} (id, submitter_id, {', '.join(message_columns)}) "
            f"SELECT go.id, rec.id, {', '.join(message_values)} FROM go, rec RETURNING id, submitter_id), "
            f"ev AS (INSERT INTO {event_table} (message_id, {', '.join(event_columns)}) "
            f"SELECT msg.id, {', '.join(event_values)} FROM msg) "
            f"SELECT (SELECT over FROM over), (SELECT receipt FROM replay), "
            f"(SELECT day || right('000000' || id::text, greatest(7, length(id::text))) FROM dup), "
            f"(SELECT mine FROM dup), (SELECT id FROM msg), (SELECT submitter_id FROM msg)"
        )

    def store(self) -> Outcome:
        intake = self.intake
        message, record = intake.message, intake.record
        keys = ratelimit.wanted(intake.limits)
        window = ratelimit.window_number() if keys else None
        rec_cols, rec_vals, rec_params = _insert_values(record, ())
        msg_cols, msg_vals, msg_params = _insert_values(message, ("submitter",))
        event = MessageEvent(kind=EventKind.RECEIVED, at=message.received_at)
        ev_cols, ev_vals, ev_params = _insert_values(event, ("message",))
        identities = intake.identities()
        phone, email = identities["phone"] or None, identities["email"] or None
        params = [
            *(value for key in keys for value in (key, window)),
            *(value for key, limit in keys.items() for value in (key, limit)),
            intake.token,
            phone, email, message.site_id, message.fingerprint, intake.duplicate_since,
            phone, email, message.client_hash or None,
            intake.token, message.received_at, f"{message.received_on:%Y%m%d}",
            *rec_params, *msg_params, *ev_params,
        ]
        shape = (len(keys), tuple(rec_cols), tuple(msg_cols), tuple(ev_cols))
        sql = _statements.get(shape)
        if sql is None:
            sql = _numbered(self.sql(len(keys), rec_cols, rec_vals, msg_cols, msg_vals, ev_cols, ev_vals))
            with _statements_lock:
                _statements[shape] = sql
        # one statement is one transaction by itself: no BEGIN/COMMIT round trips (inside an
        # outer atomic block it simply joins that transaction)
        over, replay, duplicate, mine, message_id, record_id = self.execute(sql, params)
        if over:
            return Outcome(over_limit=True)
        if replay is not None:
            return Outcome(replay_receipt=replay)
        if duplicate is not None:
            return Outcome(duplicate_case=duplicate if mine else "")
        if message_id is None:  # a twin with the same token committed first
            return Outcome(replay_receipt=_first_receipt(intake.token))
        record.pk, record._state.adding, record._state.db = record_id, False, connection.alias
        message.pk, message.submitter = message_id, record
        message._state.adding, message._state.db = False, connection.alias
        return Outcome(stored=True)

    @staticmethod
    def execute(sql: str, params: list) -> tuple:
        """Run on the connection's own psycopg cursor with server-side binding and ``prepare``:
        Django's cursors bind on the client, which would have PostgreSQL plan the statement on
        every submission. A raw cursor (``$n`` placeholders) also spares psycopg parsing the long
        statement on every call."""
        import psycopg

        connection.ensure_connection()
        with psycopg.RawCursor(connection.connection) as cursor:
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchone()
