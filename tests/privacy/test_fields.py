import io

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.core.management import CommandError, call_command

from govsites.audit.context import Actor
from govsites.privacy import crypto
from govsites.privacy.actions import CollectPersonalData
from govsites.privacy.models import PersonalRecord
from govsites.privacy.rotation import rotate_all

from .data import EMAIL, ID_NUMBER, PHONE, VALUES, key_entry, make_record, raw_row

pytestmark = pytest.mark.django_db

OLD = key_entry("old", 1)
NEW = key_entry("new", 2)


def test_round_trip_returns_sealed_values():
    record = PersonalRecord.objects.get(pk=make_record().pk)
    for name, value in VALUES.items():
        assert getattr(record, name).reveal() == value
        assert crypto.decrypt(record._meta.get_field(name).kind, raw_token(record, name)) == value
    assert record.phone.reveal() == PHONE
    assert record.id_number.reveal() == ID_NUMBER
    assert record.email.reveal() == EMAIL
    assert str(record.phone) == "139****5678"
    assert str(record) == f"个人信息记录 #{record.pk}（欧阳** 139****5678）"


def raw_token(record, name):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {name} FROM privacy_personalrecord WHERE id = %s", [record.pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_values_are_normalised_and_tokens_name_their_key():
    record = make_record(phone="139-1234 5678", id_number="99010219850314123x", email="OuYang@Example.com")
    record = PersonalRecord.objects.get(pk=record.pk)
    assert record.phone.reveal() == PHONE and record.id_number.reveal() == ID_NUMBER
    assert record.email.reveal() == "ouyang@example.com"
    assert raw_token(record, "phone").startswith(f"pii1${crypto.keyring().current}$")
    # the same value twice gives two different ciphertexts (random nonce)
    other = make_record(phone=PHONE)
    assert raw_token(other, "phone") != raw_token(record, "phone")


def test_deferred_fields_load_and_stay_sealed():
    pk = make_record().pk
    record = PersonalRecord.objects.only("pk").get(pk=pk)
    assert record.phone.reveal() == PHONE


def test_blind_index_finds_equal_values_however_typed():
    first = make_record()
    second = make_record(phone="139 1234 5678", name="李四")
    make_record(phone="13800000000", id_number="", email="")
    found = set(PersonalRecord.objects.matching(phone="+86 139-1234-5678").values_list("pk", flat=True))
    assert found == {first.pk, second.pk}
    assert list(PersonalRecord.objects.matching(id_number="99010219850314123x")) == [first]
    assert list(PersonalRecord.objects.matching(email="OUYANG.MINGHUA@example.com")) == [first]
    assert not PersonalRecord.objects.matching(phone="13912345679").exists()
    assert not PersonalRecord.objects.matching().exists()


def test_encrypted_fields_refuse_direct_lookups():
    with pytest.raises(FieldError, match="盲索引"):
        PersonalRecord.objects.filter(phone=PHONE).exists()
    with pytest.raises(FieldError, match="盲索引"):
        PersonalRecord.objects.filter(name__icontains="欧阳").exists()


def test_invalid_values_are_refused_in_chinese_and_nothing_is_stored():
    with pytest.raises(ValidationError) as raised:
        CollectPersonalData(Actor.system(), source="message", phone="12345", id_number="990102198503141230").execute()
    messages = str(raised.value)
    assert "手机号码" in messages and "校验位" in messages
    assert not PersonalRecord.objects.exists()


def test_rotation_reencrypts_with_the_current_key_and_old_key_can_go(settings):
    settings.GOVSITES_PII_KEYS = OLD
    records = [make_record() for _ in range(5)]
    assert all(raw_token(r, "phone").startswith("pii1$old$") for r in records)

    settings.GOVSITES_PII_KEYS = f"{NEW},{OLD}"
    # old values stay readable while the old key is configured
    assert PersonalRecord.objects.get(pk=records[0].pk).phone.reveal() == PHONE
    out = io.StringIO()
    call_command("pii_rotate_keys", "--batch-size", "2", stdout=out)
    assert "privacy.PersonalRecord：检查5行，重新加密5行（25个值）" in out.getvalue()
    assert all(raw_token(r, "phone").startswith("pii1$new$") for r in records)

    out = io.StringIO()
    call_command("pii_rotate_keys", stdout=out)  # idempotent
    assert "重新加密0行" in out.getvalue() and "已是当前密钥5行" in out.getvalue()

    settings.GOVSITES_PII_KEYS = NEW
    record = PersonalRecord.objects.get(pk=records[4].pk)
    assert record.id_number.reveal() == ID_NUMBER
    assert list(PersonalRecord.objects.matching(phone=PHONE).order_by("pk")) == records


def test_rotation_recomputes_blind_indexes_for_a_new_index_key(settings):
    record = make_record()
    settings.GOVSITES_PII_INDEX_KEY = key_entry("idx2", 9)
    assert not PersonalRecord.objects.matching(phone=PHONE).exists()
    reports = rotate_all()
    assert reports[0].reindexed == 1 and reports[0].reencrypted == 0
    assert list(PersonalRecord.objects.matching(phone=PHONE)) == [record]


def test_a_missing_key_is_a_clear_error(settings):
    settings.GOVSITES_PII_KEYS = OLD
    pk = make_record().pk
    settings.GOVSITES_PII_KEYS = NEW
    with pytest.raises(crypto.PersonalDataKeyError, match="个人信息密钥“old”不在 GOVSITES_PII_KEYS 中"):
        PersonalRecord.objects.get(pk=pk)
    with pytest.raises(CommandError, match="“old”"):
        call_command("pii_rotate_keys", stdout=io.StringIO())


def test_tampered_ciphertext_is_detected():
    record = make_record()
    token = raw_token(record, "phone")
    # move the phone ciphertext into the name column: authenticated as "phone" data, refused as a name
    PersonalRecord.objects.filter(pk=record.pk).update(name="x")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE privacy_personalrecord SET name = %s WHERE id = %s", [token, record.pk])
    with pytest.raises(crypto.CorruptValue, match="损坏或被篡改"):
        PersonalRecord.objects.get(pk=record.pk)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "未配置个人信息加密密钥"),
        ("abc", "密钥编号:Base64密钥"),
        ("k1:!!!", "Base64"),
        ("k1:AAAA", "32字节"),
        (f"{OLD},{OLD}", "重复"),
    ],
)
def test_malformed_keys(raw, message):
    with pytest.raises(crypto.PersonalDataKeyError, match=message):
        crypto.parse_keys(raw)


def test_generated_keys_parse():
    ring = crypto.parse_keys(f"{crypto.new_key()},{crypto.new_key()}")
    assert len(ring.keys) == 2


def test_startup_check_reports_missing_keys(settings):
    from govsites.privacy.checks import pii_keys

    assert pii_keys(None) == []
    settings.GOVSITES_PII_KEYS = ""
    assert [e.id for e in pii_keys(None)] == ["privacy.E001"]


def test_raw_row_helper_sees_ciphertext_only():
    record = make_record()
    assert "pii1$" in raw_row(record)
