"""SEC-02: brute force locks out, per account and per address; only the security officer unlocks."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from govsites.accounts import lockout
from govsites.accounts.actions import UnlockAccount
from govsites.actions import NotAllowed
from govsites.audit.models import AuditLogEntry
from tests.conftest import actor

from .auth_helpers import STRONG, client, login, make_admin_user

pytestmark = [pytest.mark.django_db, pytest.mark.rule("SEC-02")]


def fail(username, ip, times):
    for _ in range(times):
        response = login(client(ip), username, "wrong-Password-1")
    return response


def test_repeated_failures_lock_the_account_even_from_new_addresses():
    make_admin_user("chief")
    limit = lockout.failure_limit()
    for n in range(limit - 1):
        assert login(client(f"10.2.0.{n}"), "chief", "wrong").status_code == 200  # the form again
    response = login(client("10.2.0.99"), "chief", "wrong")
    assert response.status_code == 403
    # now even the right password, from yet another address, is refused with a Chinese page
    response = login(client("10.2.0.100"), "chief", STRONG)
    assert response.status_code == 403
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session
    assert lockout.is_locked(username="chief")


def test_one_address_guessing_many_accounts_is_locked(estate):
    make_admin_user("chief")
    for n in range(lockout.failure_limit()):
        login(client("10.3.0.7"), f"guess{n}", "wrong")
    assert lockout.is_locked(ip_address="10.3.0.7")
    assert login(client("10.3.0.7"), "chief", STRONG).status_code == 403
    assert login(client("10.3.0.8"), "chief", STRONG).status_code == 302  # another address is fine


def test_success_before_the_limit_resets_the_count():
    make_admin_user("chief")
    fail("chief", "10.4.0.1", lockout.failure_limit() - 1)
    assert login(client("10.4.0.1"), "chief", STRONG).status_code == 302
    fail("chief", "10.4.0.1", lockout.failure_limit() - 1)
    assert login(client("10.4.0.1"), "chief", STRONG).status_code == 302


def test_the_limit_comes_from_the_profile(settings, monkeypatch):
    make_admin_user("chief")
    monkeypatch.setattr(lockout, "_security", lambda name: {"lockout_failures": 2, "lockout_hours": 1}[name])
    fail("chief", "10.5.0.1", 2)
    assert login(client("10.5.0.2"), "chief", STRONG).status_code == 403


def test_json_clients_get_a_json_lockout():
    make_admin_user("chief")
    fail("chief", "10.6.0.1", lockout.failure_limit())
    response = Client(REMOTE_ADDR="10.6.0.2").post(
        "/admin/login/", {"username": "chief", "password": STRONG}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.status_code == 403 and response.json()["rule"] == "SEC-02"


def test_only_the_security_officer_unlocks(estate):
    make_admin_user("chief")
    admin = make_admin_user("sysadmin", superuser=True)
    fail("chief", "10.7.0.1", lockout.failure_limit())
    for who in (admin, estate.water_manager, estate.auditor, estate.province_office):
        with pytest.raises(NotAllowed):
            UnlockAccount(actor(who), username="chief").execute()
    assert lockout.is_locked(username="chief")
    UnlockAccount(actor(estate.security_officer), username="chief", reason="本人来电核实").execute()
    assert not lockout.is_locked(username="chief")
    assert login(client("10.7.0.1"), "chief", STRONG).status_code == 302
    entry = AuditLogEntry.objects.get(action="govsites.accounts.unlock")
    assert entry.user_id == estate.security_officer.pk and entry.reason == "本人来电核实"


def test_the_lockouts_page_lists_and_unlocks(estate):
    make_admin_user("chief")
    fail("chief", "10.8.0.1", lockout.failure_limit())
    url = reverse("govsites_accounts:lockouts")
    editor = Client()
    editor.force_login(estate.water_manager)
    assert editor.get(url).status_code == 403
    assert editor.post(url, {"kind": "username", "value": "chief"}).status_code == 403
    assert lockout.is_locked(username="chief")
    officer = Client()
    officer.force_login(estate.security_officer)
    page = officer.get(url).content.decode()
    assert "chief" in page and "10.8.0.1" in page
    assert officer.post(url, {"kind": "username", "value": "chief"}).status_code == 302
    assert officer.post(url, {"kind": "ip_address", "value": "10.8.0.1"}).status_code == 302
    assert lockout.current_lockouts() == []


def test_the_unlock_command_acts_as_a_named_security_officer(estate):
    make_admin_user("chief")
    admin = make_admin_user("sysadmin", superuser=True)
    fail("chief", "10.9.0.1", lockout.failure_limit())
    out = StringIO()
    call_command("unlock_account", "--list", stdout=out)
    assert "chief" in out.getvalue()
    with pytest.raises(CommandError, match="operator"):
        call_command("unlock_account", "--username", "chief")
    with pytest.raises(CommandError, match="安全管理员"):
        call_command("unlock_account", "--username", "chief", "--operator", admin.username)
    call_command("unlock_account", "--username", "chief", "--operator", "security_officer", stdout=StringIO())
    assert not lockout.is_locked(username="chief")
    assert AuditLogEntry.objects.filter(action="govsites.accounts.unlock", via="cli").exists()
