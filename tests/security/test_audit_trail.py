"""SEC-03: what the trail covers (logins, Wagtail's own log entries, the catch-all, exports),
retention with archives and anchors, and the auditor-only UI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import stat
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.http import HttpResponse
from django.template.response import SimpleTemplateResponse
from django.test import RequestFactory
from django.urls import reverse
from wagtail.log_actions import log
from wagtail.models import Page, PageLogEntry

from govsites.audit import log as audit_log
from govsites.audit.context import Actor
from govsites.audit.log import record
from govsites.audit.middleware import AuditMiddleware
from govsites.audit.models import AuditLogEntry
from govsites.audit.retention import PruneError, prune
from govsites.audit.verify import verify_archive, verify_chain

pytestmark = pytest.mark.django_db


def entries(action):
    return list(AuditLogEntry.objects.filter(action=action).order_by("seq"))


# -- coverage ------------------------------------------------------------------------------------


@pytest.mark.rule("SEC-03")
def test_logins_and_failed_logins_are_recorded_without_the_password(client, estate):
    estate.auditor.set_password("Correct-Horse-9!")
    estate.auditor.save()
    client.post(reverse("wagtailadmin_login"), {"username": "auditor", "password": "Wrong-Secret-7!"},
                HTTP_USER_AGENT="Firefox/140", REMOTE_ADDR="10.9.8.7")
    [failed] = entries("auth.login_failed")
    assert failed.data["username"] == "auditor" and failed.object_id == str(estate.auditor.pk)
    assert (failed.ip_address, failed.user_agent, failed.user_id) == ("10.9.8.7", "Firefox/140", None)
    client.post(reverse("wagtailadmin_login"), {"username": "nobody", "password": "Wrong-Secret-7!"})
    assert entries("auth.login_failed")[-1].data == {"username": "nobody", "known_account": False}
    client.post(reverse("wagtailadmin_login"), {"username": "auditor", "password": "Correct-Horse-9!"},
                HTTP_USER_AGENT="Firefox/140")
    [login] = entries("auth.login")
    assert login.user_id == estate.auditor.pk and login.user_agent == "Firefox/140"
    client.post(reverse("wagtailadmin_logout"))
    assert entries("auth.logout")[-1].user_id == estate.auditor.pk
    for entry in AuditLogEntry.objects.filter(action__startswith="auth."):
        assert "Wrong-Secret" not in str(entry.data) + entry.label + entry.reason
        assert "Correct-Horse" not in str(entry.data) + entry.label + entry.reason
    assert verify_chain().ok


@pytest.mark.rule("SEC-03")
def test_wagtail_log_entries_land_in_the_chain(estate):
    group = Group.objects.create(name="编辑组")
    log(group, "wagtail.create", user=estate.province_office)  # what Wagtail's group views call
    [routed] = AuditLogEntry.objects.filter(action="wagtail.create", object_id=str(group.pk))
    assert routed.user_id == estate.province_office.pk and routed.via == "system" and routed.seq
    page = Page.objects.filter(depth=1).first() or Page.add_root(instance=Page(title="Root", slug="root"))
    original = PageLogEntry.objects.log_action(page, "wagtail.edit", user=estate.province_office)
    [mirror] = AuditLogEntry.objects.filter(action="wagtail.edit", object_id=str(page.pk))
    assert mirror.data["wagtail_log"] == f"wagtailcore.pagelogentry#{original.pk}"
    assert mirror.user_id == estate.province_office.pk and mirror.timestamp == original.timestamp
    assert verify_chain().ok


@pytest.mark.rule("SEC-03")
def test_an_unaudited_admin_change_gets_a_generic_entry(estate):
    factory = RequestFactory()

    def run(request, response, writes=False):
        def view(req):
            if writes:
                record(Actor.from_request(req), estate.province, "registry.site.change")
            return response

        request.user = estate.province_office
        return AuditMiddleware(view)(request)

    run(factory.post("/admin/things/7/edit/", {"secret": "body"}, REMOTE_ADDR="10.0.0.9"), HttpResponse())
    [generic] = entries("admin.request")
    assert generic.data["path"] == "/admin/things/7/edit/" and generic.data["method"] == "POST"
    assert generic.user_id == estate.province_office.pk and generic.ip_address == "10.0.0.9"
    assert "body" not in str(generic.data)
    run(factory.post("/admin/things/8/edit/"), HttpResponse(), writes=True)  # audited already
    run(factory.post("/admin/things/9/edit/"), HttpResponse(status=400))  # refused
    run(factory.get("/admin/things/"), HttpResponse())  # a read
    form = SimpleNamespace(is_bound=True, errors={"name": ["必填"]})
    run(factory.post("/admin/things/10/edit/"), SimpleTemplateResponse("registry/denied.html", {"form": form}))
    run(factory.post("/publicform/"), HttpResponse())  # not admin or API
    assert len(entries("admin.request")) == 1
    download = HttpResponse(b"a,b")
    download["Content-Disposition"] = 'attachment; filename="report.csv"'
    run(factory.get("/admin/reports/site-history/?export=csv"), download)
    [got] = entries("admin.download")
    assert "report.csv" in got.data["file"]


@pytest.mark.rule("SEC-03")
def test_registry_export_is_audited(client, estate):
    client.force_login(estate.province_office)
    response = client.post(reverse("registry_import:export"))
    assert response.status_code == 200
    [entry] = entries("registry.export")
    assert entry.data["format"] == "xlsx" and entry.data["rows"] > 0 and entry.user_id == estate.province_office.pk


def test_snapshots_mask_personal_data():
    field = SimpleNamespace(personal_data=True, mask=lambda v: v[:1] + "**")
    plain = SimpleNamespace(personal_data=False)
    instance = SimpleNamespace(
        name="张三丰", title="公开标题",
        _meta=SimpleNamespace(get_field=lambda n: {"name": field, "title": plain}[n]),
    )
    assert audit_log.snapshot(instance, ["name", "title"]) == {"name": "张**", "title": "公开标题"}


# -- retention -------------------------------------------------------------------------------------


@pytest.mark.rule("SEC-03")
def test_prune_archives_verifies_deletes_and_anchors(estate, clock, settings, tmp_path, capsys):
    settings.GOVSITES_AUDIT_ARCHIVE_DIR = tmp_path / "archive"
    clock.set(dt.date(2024, 1, 10))
    old = [record(Actor.system(), estate.province, "registry.site.change", reason=f"旧 {i}") for i in range(5)]
    clock.set(dt.date(2026, 3, 2))
    young = record(Actor.system(), estate.province, "registry.site.change", reason="新")
    with pytest.raises(PruneError, match="至少保留 365 天"):
        prune(days=30)
    before = AuditLogEntry.objects.count()
    result = prune()
    assert result.to_seq == old[-1].seq and result.pruned == before + 1 - AuditLogEntry.objects.count()
    assert not AuditLogEntry.objects.filter(seq__lte=old[-1].seq).exists()
    assert AuditLogEntry.objects.filter(pk=young.pk).exists()
    [anchor] = entries("audit.prune")
    assert anchor.data["last_seq"] == old[-1].seq and anchor.data["last_hash"] == old[-1].entry_hash
    assert stat.S_IMODE(os.stat(result.archive).st_mode) == 0o600
    assert verify_archive(result.archive).ok
    assert verify_chain().ok  # the remaining chain starts at the anchor
    call_command("audit_verify", "--archive", str(result.archive))
    assert "校验通过" in capsys.readouterr().out
    assert prune().pruned == 0  # nothing older left


@pytest.mark.rule("SEC-03")
def test_a_tampered_archive_fails_verification(estate, clock, settings, tmp_path):
    import gzip

    settings.GOVSITES_AUDIT_ARCHIVE_DIR = tmp_path / "archive"
    clock.set(dt.date(2024, 1, 10))
    for i in range(3):
        record(Actor.system(), estate.province, "registry.site.change", reason=f"旧 {i}")
    clock.set(dt.date(2026, 3, 2))
    path = prune().archive
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        lines = handle.read().replace("旧 1", "旧 7")
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(lines)
    result = verify_archive(path)
    assert {p.kind for p in result.problems} == {"archive", "altered"}


# -- the auditor's UI ---------------------------------------------------------------------------------


@pytest.fixture
def sysadmin(db):
    return get_user_model().objects.create_superuser(username="sysadmin", password="x")


@pytest.mark.rule("SEC-03")
def test_only_the_auditor_reads_the_trail(client, estate, sysadmin):
    entry = record(Actor.system(), estate.province, "registry.site.change", reason="看得见")
    urls = [reverse("audit:list"), reverse("audit:detail", args=[entry.pk]), reverse("audit:verify"),
            reverse("audit:export_csv"), reverse("audit:export_xlsx")]
    for user in (sysadmin, estate.security_officer, estate.province_office, estate.education_manager, estate.outsider):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code in (302, 403), (user.username, url)
        assert reverse("audit:list") not in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(estate.auditor)
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert reverse("audit:list") in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_auditor_changes_nothing(client, estate):
    entry = record(Actor.system(), estate.province, "registry.site.change", reason="原样")
    client.force_login(estate.auditor)
    for url in (reverse("audit:list"), reverse("audit:detail", args=[entry.pk])):
        assert client.post(url, {"reason": "改"}).status_code == 405
    assert AuditLogEntry.objects.get(pk=entry.pk).reason == "原样"


def test_list_filters_and_pages_by_seq(client, estate):
    for i in range(60):
        record(Actor(user=estate.province_office, ip_address="10.0.0.1", via="web"), estate.province,
               "registry.site.change", reason=f"批次 {i}")
    record(Actor(user=estate.city_office, ip_address="10.0.0.2", via="web"), estate.city, "registry.step.approve",
           reason="同意开设")
    client.force_login(estate.auditor)
    page = client.get(reverse("audit:list"), {"user": "city_office"}).content.decode()
    assert "同意开设" in page and "批次" not in page
    page = client.get(reverse("audit:list"), {"address": "10.0.0.1", "q": "批次 59"}).content.decode()
    assert "批次 59" in page and "同意开设" not in page
    first = client.get(reverse("audit:list"), {"action": "registry.site.change"})
    assert first.context["older_url"] and "批次 59" in first.content.decode()
    older = client.get(reverse("audit:list") + first.context["older_url"])
    assert "批次 0" in older.content.decode() and "批次 59" not in older.content.decode()
    bad = client.get(reverse("audit:list"), {"date_from": "2026-03-05", "date_to": "2026-03-01"})
    assert "起始日期不能晚于截止日期" in bad.content.decode()


@pytest.mark.rule("SEC-03")
def test_exports_hold_the_filtered_rows_and_are_audited(client, estate):
    record(Actor(user=estate.city_office, ip_address="10.0.0.2", via="web"), estate.city, "registry.step.approve",
           reason="=HYPERLINK(\"x\")")
    record(Actor.system(), estate.province, "registry.site.change", reason="不应导出")
    client.force_login(estate.auditor)
    response = client.get(reverse("audit:export_csv"), {"action": "registry.step.approve"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "序号" and len(rows) == 2 and rows[1][11] == "'=HYPERLINK(\"x\")"
    [export] = entries("audit.export")
    assert export.user_id == estate.auditor.pk and export.data["rows"] == 1
    assert export.data["filters"] == {"action": "registry.step.approve"}
    from openpyxl import load_workbook

    response = client.get(reverse("audit:export_xlsx"), {"action": "registry.step.approve"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]][3] == "registry.step.approve" and sheet.max_row == 2
    assert len(entries("audit.export")) == 2


def test_detail_and_verify_now(client, estate):
    entry = record(Actor.system(), estate.province, "registry.site.change", reason="详情",
                   changes={"name": {"before": "旧名", "after": "新名"}})
    client.force_login(estate.auditor)
    page = client.get(reverse("audit:detail", args=[entry.pk])).content.decode()
    assert "签名有效" in page and "旧名" in page and "新名" in page and entry.entry_hash in page
    page = client.post(reverse("audit:verify")).content.decode()
    assert "审计日志校验通过" in page
    assert entries("audit.verify")[-1].data["ok"] is True
