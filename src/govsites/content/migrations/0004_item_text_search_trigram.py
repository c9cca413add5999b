"""Library text search at a million rows (PostgreSQL): trigram indexes for the admin's and the
API's ``title / document_number ICONTAINS`` filter.

Django's ``icontains`` on PostgreSQL is ``UPPER(col::text) LIKE UPPER('%q%')``; a GIN index on
that expression with ``gin_trgm_ops`` serves it (queries of three characters or more), where a
B-tree cannot. SQLite (the embedded default) keeps a plain scan: it holds demo-sized libraries.
``pg_trgm`` is a trusted extension (PostgreSQL 13+): the database owner may create it.
"""

from django.db import migrations

INDEXES = {
    "item_title_trgm": 'UPPER("title"::text) gin_trgm_ops',
    "item_docnum_trgm": 'UPPER("document_number"::text) gin_trgm_ops',
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "content_item" USING gin ({expression})')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("content", "0003_index_counter")]

    operations = [migrations.RunPython(create, drop)]
