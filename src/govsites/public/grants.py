"""The database rights of the public service (SEC-01), as PostgreSQL statements.

The public role may read what the citizen-facing pages show and what the submit path checks,
insert submissions, and count rate limits — nothing else: no accounts, audit trail, content,
replies in draft or personal data beyond the blind-index columns the duplicate check compares.
Table names come from the models, so a renamed table is followed.
"""

from __future__ import annotations

from django.apps import apps

DEFAULT_ROLE = "govsites_public"

#: whole tables the public service reads
READ = (
    "registry.Site", "registry.Institution",
    "interaction.Channel", "interaction.Message", "interaction.MessageEvent",
    "interaction.Survey", "interaction.SurveyQuestion", "interaction.SurveyResponse",
    "interaction.Interview", "interaction.InterviewGuest", "interaction.InterviewQuestion",
    "interaction.UsedToken", "interaction.RateCounter",
)
#: apps whose every table is read (the working-day calendar the deadlines are computed with)
READ_APPS = ("workdays",)
#: only these columns: the duplicate check joins a message's submitter by blind index
READ_COLUMNS = {"privacy.PersonalRecord": ("id", "phone_index", "email_index")}
INSERT = (
    "interaction.Message", "interaction.MessageEvent", "privacy.PersonalRecord",
    "interaction.SurveyResponse", "interaction.InterviewQuestion", "interaction.UsedToken",
    "interaction.RateCounter",
)
UPDATE = ("interaction.RateCounter",)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def table(label: str) -> str:
    return apps.get_model(label)._meta.db_table


def read_tables() -> list[str]:
    names = [table(label) for label in READ]
    for app in READ_APPS:
        names += [model._meta.db_table for model in apps.get_app_config(app).get_models()]
    return sorted(set(names))


def statements(database: str, role: str = DEFAULT_ROLE, password: str | None = None) -> list[str]:
    """Idempotent SQL: create the login role if missing, take every table right away, then grant
    exactly the rights above."""
    r = _quote(role)
    out = [
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {_literal(role)}) THEN "
        f"CREATE ROLE {r} LOGIN; END IF; END $$",
        f"ALTER ROLE {r} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT",
    ]
    if password:
        out.append(f"ALTER ROLE {r} WITH PASSWORD {_literal(password)}")
    out += [
        f"GRANT CONNECT ON DATABASE {_quote(database)} TO {r}",
        f"GRANT USAGE ON SCHEMA public TO {r}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {r}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {r}",
        f"GRANT SELECT ON {', '.join(_quote(t) for t in read_tables())} TO {r}",
    ]
    for label, columns in READ_COLUMNS.items():
        # ``id`` too: every INSERT … RETURNING reads it back
        out.append(f"GRANT SELECT ({', '.join(_quote(c) for c in columns)}) ON {_quote(table(label))} TO {r}")
    out.append(f"GRANT INSERT ON {', '.join(_quote(table(label)) for label in INSERT)} TO {r}")
    out.append(f"GRANT UPDATE ON {', '.join(_quote(table(label)) for label in UPDATE)} TO {r}")
    serials = ", ".join(f"pg_get_serial_sequence({_literal(_quote(table(label)))}, 'id')" for label in INSERT)
    out.append(
        "DO $$ DECLARE seq text; BEGIN "
        f"FOREACH seq IN ARRAY ARRAY[{serials}] LOOP "
        f"IF seq IS NOT NULL THEN EXECUTE format('GRANT USAGE ON SEQUENCE %s TO %I', seq, {_literal(role)}); "
        "END IF; END LOOP; END $$"
    )
    return out
