"""SEC-08: citizens' personal data is never in plain text in the database, the logs or the
admin pages, except for an authorised, reasoned, audited unmasking; requests export and erase it."""

from __future__ import annotations

import json
import logging
from logging.config import DictConfigurator

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from govsites.actions import NotAllowed
from govsites.audit.models import AuditLogEntry
from govsites.content.models import SiteMembership, SiteRole
from govsites.privacy.actions import ErasePersonalData, ExportPersonalData, UnmaskPersonalData
from govsites.privacy.models import PersonalRecord
from tests.privacy.data import EMAIL, ID_NUMBER, NAME, PHONE, SECRETS, VALUES, make_record, raw_row

pytestmark = [pytest.mark.django_db, pytest.mark.rule("SEC-08")]


def member(username, site, role):
    user = get_user_model().objects.create_user(username=username, password="x", display_name=username)
    SiteMembership.objects.create(user=user, site=site, role=role)
    return user


@pytest.fixture
def people(estate):
    site = estate.city_portal
    estate.handler = member("handler", site, SiteRole.MESSAGE_HANDLER)
    estate.other_handler = member("other_handler", estate.county_portal, SiteRole.MESSAGE_HANDLER)
    estate.editor = member("editor", site, SiteRole.EDITOR)
    estate.sysadmin = get_user_model().objects.create_superuser(username="sysadmin", password="x")
    estate.record = make_record(site=site)
    return estate


def assert_no_plain(text: str):
    for secret in SECRETS:
        assert secret not in text, secret


def audit_rows_text(record) -> str:
    """Every audit entry of the record, read raw from the database (all columns)."""
    table = connection.ops.quote_name(AuditLogEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE object_id = %s", [str(record.pk)])  # noqa: S608
        return " ".join(" ".join(str(v) for v in row) for row in cursor.fetchall())


# -- at rest ------------------------------------------------------------------------------------


def test_database_row_holds_no_plain_value(people):
    row = raw_row(people.record)
    assert_no_plain(row)
    assert row.count("pii1$") == 5  # five sealed values
    # and the model still reads them
    assert PersonalRecord.objects.get(pk=people.record.pk).name.reveal() == NAME


# -- admin pages ---------------------------------------------------------------------------------


def test_list_and_record_pages_show_masked_values_only(client, people):
    client.force_login(people.security_officer)
    listing = client.get(reverse("privacy:records"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "欧阳**" in html and "139****5678" in html and "990***********123X" in html
    assert_no_plain(html)

    found = client.get(reverse("privacy:records"), {"q": "139-1234-5678"})
    html = found.content.decode()
    assert f"#{people.record.pk}" in html and "关联的记录：1条" in html
    assert_no_plain(html)  # not even the search term is echoed

    page = client.get(reverse("privacy:record", args=[people.record.pk]))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert "欧阳**" in html and "澜川省青岚市****" in html and "o***@example.com" in html
    assert_no_plain(html)


def test_unmask_with_reason_shows_plain_once_and_audits_without_plain_values(client, people):
    client.force_login(people.security_officer)
    url = reverse("privacy:unmask", args=[people.record.pk])

    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "请填写理由" in refused.content.decode()
    assert_no_plain(refused.content.decode())
    assert not AuditLogEntry.objects.filter(action="privacy.unmask").exists()

    shown = client.post(url, {"reason": "当事人申请查阅", "fields": ["phone", "id_number"]})
    assert shown.status_code == 200
    assert "no-store" in shown["Cache-Control"]
    html = shown.content.decode()
    assert PHONE in html and ID_NUMBER in html
    assert NAME not in html and EMAIL not in html  # only the fields asked for

    entry = AuditLogEntry.objects.get(action="privacy.unmask")
    assert entry.user == people.security_officer
    assert entry.reason == "当事人申请查阅"
    assert entry.data["fields"] == ["phone", "id_number"]
    assert entry.site_ref == people.city_portal.pk
    assert_no_plain(audit_rows_text(people.record))

    # the next visit is masked again
    assert_no_plain(client.get(reverse("privacy:record", args=[people.record.pk])).content.decode())


def test_the_sites_message_handler_may_unmask_but_not_handle_requests(client, people):
    plain = UnmaskPersonalData(_actor(people.handler), people.record, reason="回复留言需电话联系",
                               fields=["phone"]).execute()
    assert plain == {"phone": PHONE}
    client.force_login(people.handler)
    assert client.get(reverse("privacy:record", args=[people.record.pk])).status_code == 200
    assert client.get(reverse("privacy:records")).status_code == 403
    assert client.post(reverse("privacy:erase", args=[people.record.pk]), {"reason": "x" * 5}).status_code == 403
    with pytest.raises(NotAllowed):
        ErasePersonalData(_actor(people.handler), people.record, reason="不需要了").execute()


def test_accounts_without_any_role_are_refused_by_the_actions(people):
    for action in (
        lambda: UnmaskPersonalData(_actor(people.outsider), people.record, reason="想看看").execute(),
        lambda: ExportPersonalData(_actor(people.outsider), reason="想看看", phone=PHONE).execute(),
        lambda: ErasePersonalData(_actor(people.outsider), people.record, reason="想删掉").execute(),
        lambda: UnmaskPersonalData(_actor(None), people.record, reason="匿名").execute(),
    ):
        with pytest.raises(NotAllowed):
            action()


@pytest.mark.parametrize("who", ["editor", "auditor", "sysadmin", "other_handler", "province_office"])
def test_other_roles_get_403_everywhere(client, people, who):
    user = getattr(people, who)
    record = people.record
    with pytest.raises(NotAllowed):
        UnmaskPersonalData(_actor(user), record, reason="想看看").execute()
    with pytest.raises(NotAllowed):
        ExportPersonalData(_actor(user), reason="想看看", phone=PHONE).execute()
    with pytest.raises(NotAllowed):
        ErasePersonalData(_actor(user), record, reason="想删掉").execute()
    client.force_login(user)
    responses = [
        client.get(reverse("privacy:records")),
        client.get(reverse("privacy:record", args=[record.pk])),
        client.post(reverse("privacy:unmask", args=[record.pk]), {"reason": "想看看"}),
        client.get(reverse("privacy:erase", args=[record.pk])),
        client.post(reverse("privacy:erase", args=[record.pk]), {"reason": "想删掉"}),
        client.post(reverse("privacy:export"), {"reason": "想看看", "phone_index": "0" * 64}),
    ]
    for response in responses:
        assert response.status_code == 403, response.request["PATH_INFO"]
        assert_no_plain(response.content.decode())
    assert not AuditLogEntry.objects.filter(action__in=["privacy.unmask", "privacy.export", "privacy.erase"]).exists()
    record.refresh_from_db()
    assert record.erased_at is None


# -- requests -------------------------------------------------------------------------------------


def test_export_gives_every_record_of_the_subject(client, people):
    second = make_record(site=people.county_portal, **{**VALUES, "name": "欧阳明", "email": ""})
    make_record(phone="13800000000", id_number="", email="", name="王五", address="")
    client.force_login(people.security_officer)
    listing = client.get(reverse("privacy:records"), {"q": ID_NUMBER.lower()})
    digest = listing.context["digests"]["id_number"]
    response = client.post(reverse("privacy:export"), {"reason": "当事人2026-03-02书面申请", "id_number_index": digest})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["count"] == 2
    assert {r["id"] for r in data["records"]} == {people.record.pk, second.pk}
    assert {r["phone"] for r in data["records"]} == {PHONE}
    entries = AuditLogEntry.objects.filter(action="privacy.export")
    assert entries.count() == 2 and {e.reason for e in entries} == {"当事人2026-03-02书面申请"}
    assert_no_plain(audit_rows_text(people.record))


def test_erase_keeps_the_row_and_removes_the_data(client, people):
    record = people.record
    client.force_login(people.security_officer)
    confirm = client.get(reverse("privacy:erase", args=[record.pk]))
    assert confirm.status_code == 200 and "确认删除" in confirm.content.decode()
    assert client.post(reverse("privacy:erase", args=[record.pk]), {"reason": ""}).status_code == 400
    response = client.post(reverse("privacy:erase", args=[record.pk]), {"reason": "当事人申请删除"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.erased_at is not None
    assert record.source == "message" and record.site_id == people.city_portal.pk
    assert all(getattr(record, name) == "" for name in VALUES)
    row = raw_row(record)
    assert_no_plain(row)
    assert "pii1$" not in row
    assert not PersonalRecord.objects.matching(phone=PHONE).exists()
    entry = AuditLogEntry.objects.get(action="privacy.erase")
    assert entry.reason == "当事人申请删除" and set(entry.data["fields"]) == set(VALUES)
    # erased twice: a clear refusal; unmasking an erased record too
    again = client.post(reverse("privacy:erase", args=[record.pk]), {"reason": "再删一次"})
    assert again.status_code == 400 and "已于" in again.content.decode()
    unmask = client.post(reverse("privacy:unmask", args=[record.pk]), {"reason": "查看"})
    assert unmask.status_code in (200, 400)
    assert not AuditLogEntry.objects.filter(action="privacy.unmask").exists()


# -- logs -----------------------------------------------------------------------------------------


def test_log_messages_are_masked_for_caplog(caplog):
    with caplog.at_level(logging.INFO, logger="govsites.sec08"):
        logging.getLogger("govsites.sec08").warning("citizen %s id %s mail %s", PHONE, ID_NUMBER, EMAIL)
    assert "139****5678" in caplog.text
    for value in (PHONE, ID_NUMBER, EMAIL):
        assert value not in caplog.text


def test_the_configured_handler_filter_masks_what_reaches_a_file(tmp_path):
    """The handler filter from settings.LOGGING, on a real file handler, with the record factory
    switched off (so this proves the filter, not the factory)."""
    configurator = DictConfigurator(settings.LOGGING)
    filters = {name: configurator.configure_filter(dict(conf)) for name, conf in settings.LOGGING["filters"].items()}
    handler = logging.FileHandler(tmp_path / "app.log", encoding="utf-8")
    for name in settings.LOGGING["handlers"]["console"]["filters"]:
        handler.addFilter(filters[name])
    logger = logging.getLogger("govsites.sec08.file")
    logger.addHandler(handler)
    logger.propagate = False
    factory = logging.getLogRecordFactory()
    logging.setLogRecordFactory(logging.LogRecord)
    try:
        logger.error("留言人 %s，身份证 %s，邮箱 %s", PHONE, ID_NUMBER, EMAIL)
        try:
            raise ValueError(f"无法联系 {PHONE}")
        except ValueError:
            logger.exception("发送短信失败")
    finally:
        logging.setLogRecordFactory(factory)
        logger.removeHandler(handler)
        handler.close()
        logger.propagate = True
    text = (tmp_path / "app.log").read_text(encoding="utf-8")
    assert "139****5678" in text and "990***********123X" in text and "o***@example.com" in text
    for value in (PHONE, ID_NUMBER, EMAIL):
        assert value not in text


def _actor(user):
    from tests.conftest import actor

    return actor(user)


def test_menu_item_only_for_request_handlers(client, people):
    client.force_login(people.security_officer)
    assert reverse("privacy:records") in client.get(reverse("wagtailadmin_home")).content.decode()
    for user in (people.sysadmin, people.auditor, people.handler):
        client.force_login(user)
        assert reverse("privacy:records") not in client.get(reverse("wagtailadmin_home")).content.decode()
