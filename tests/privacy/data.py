"""A fictional citizen (the division prefix 99 is unassigned) and helpers shared by the privacy
tests and tests/security/test_personal_data.py."""

from __future__ import annotations

from django.db import connection

NAME = "欧阳明华"
PHONE = "13912345678"
ID_NUMBER = "99010219850314123X"
EMAIL = "ouyang.minghua@example.com"
ADDRESS = "澜川省青岚市溪口县桃源镇柳树街88号"
VALUES = {"name": NAME, "phone": PHONE, "id_number": ID_NUMBER, "email": EMAIL, "address": ADDRESS}

#: strings none of which may appear in a stored row: the values and their telling parts
SECRETS = [NAME, "明华", PHONE, "12345678", ID_NUMBER, "19850314", "0314123", EMAIL, "ouyang", "minghua", ADDRESS,
           "柳树街", "88号"]


def raw_row(record) -> str:
    """The record's row exactly as the database holds it (raw SQL, no model field involved)."""
    table = connection.ops.quote_name(record._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [record.pk])  # noqa: S608 (table name from the model)
        row = cursor.fetchone()
    return " | ".join("" if value is None else str(value) for value in row)


def make_record(site=None, **values):
    from govsites.audit.context import Actor
    from govsites.privacy.actions import CollectPersonalData

    return CollectPersonalData(Actor.system(), source="message", site=site, **(values or VALUES)).execute()


def key_entry(key_id: str, byte: int) -> str:
    import base64

    return f"{key_id}:{base64.b64encode(bytes([byte]) * 32).decode()}"
