"""SEC-02: idle expiry, the admin address restriction, automatic disabling of unused accounts."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from govsites.accounts.actions import DisableInactiveAccounts
from govsites.accounts.middleware import LAST_ACTIVITY_KEY
from govsites.actions import NotAllowed
from govsites.audit.context import Actor
from govsites.audit.models import AuditLogEntry
from tests.conftest import actor

from .auth_helpers import make_admin_user

pytestmark = [pytest.mark.django_db, pytest.mark.rule("SEC-02")]


def test_an_idle_admin_session_is_logged_out_with_a_message():
    user = make_admin_user("chief")
    c = Client()
    c.force_login(user)
    assert c.get("/admin/").status_code == 200
    session = c.session
    assert session[LAST_ACTIVITY_KEY] <= timezone.now().timestamp()
    session[LAST_ACTIVITY_KEY] = (timezone.now() - dt.timedelta(minutes=31)).timestamp()
    session.save()
    response = c.get("/admin/pages/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    page = c.get(response["Location"]).content.decode()
    assert "长时间未操作" in page
    assert c.get("/admin/").status_code == 302  # logged out for good


def test_an_active_session_within_the_limit_stays():
    user = make_admin_user("chief")
    c = Client()
    c.force_login(user)
    c.get("/admin/")
    session = c.session
    session[LAST_ACTIVITY_KEY] = (timezone.now() - dt.timedelta(minutes=29)).timestamp()
    session.save()
    assert c.get("/admin/").status_code == 200


def test_the_admin_and_api_answer_only_allowed_networks(settings):
    settings.GOVSITES_ADMIN_ALLOWED_NETWORKS = ["10.20.0.0/16", "192.168.1.5/32"]
    outside = Client(REMOTE_ADDR="203.0.113.9")
    for url in ("/admin/login/", "/admin/", "/api/v1/registry/sites/"):
        response = outside.get(url)
        assert response.status_code == 403, url
    assert "不允许访问管理后台" in outside.get("/admin/login/").content.decode()
    assert outside.get("/api/v1/registry/sites/").json()["rule"] == "SEC-02"
    # a forged forwarding header does not help
    assert outside.get("/admin/login/", HTTP_X_FORWARDED_FOR="10.20.1.1").status_code == 403
    assert Client(REMOTE_ADDR="10.20.3.4").get("/admin/login/").status_code == 200
    assert Client(REMOTE_ADDR="192.168.1.5").get("/admin/login/").status_code == 200
    settings.GOVSITES_ADMIN_ALLOWED_NETWORKS = []
    assert outside.get("/admin/login/").status_code == 200


def _age(user, days, *, logged_in=True):
    past = timezone.now() - dt.timedelta(days=days)
    get_user_model().objects.filter(pk=user.pk).update(last_login=past if logged_in else None, date_joined=past)


def test_unused_accounts_are_disabled_and_audited(estate):
    stale = make_admin_user("stale")
    never = make_admin_user("never")
    recent = make_admin_user("recent")
    _age(stale, 91)
    _age(never, 91, logged_in=False)
    _age(recent, 10)
    admin = make_admin_user("sysadmin", superuser=True)
    _age(admin, 5)
    disabled = DisableInactiveAccounts(Actor.system()).execute()
    names = {u.username for u in disabled}
    assert {"stale", "never"} <= names and "recent" not in names and "sysadmin" not in names
    assert not get_user_model().objects.get(username="stale").is_active
    assert get_user_model().objects.get(username="recent").is_active
    entry = AuditLogEntry.objects.get(action="govsites.accounts.disable_inactive", object_id=str(stale.pk))
    assert entry.changes == {"is_active": {"before": True, "after": False}}


def test_the_last_active_system_administrator_is_never_disabled():
    first = make_admin_user("admin1", superuser=True)
    second = make_admin_user("admin2", superuser=True)
    _age(first, 200)
    _age(second, 100)
    disabled = DisableInactiveAccounts(Actor.system()).execute()
    assert [u.username for u in disabled] == ["admin1"]
    assert get_user_model().objects.filter(is_superuser=True, is_active=True).get().username == "admin2"


def test_only_the_system_administrator_or_the_scheduler_disables(estate):
    for who in (estate.security_officer, estate.auditor, estate.water_manager):
        with pytest.raises(NotAllowed):
            DisableInactiveAccounts(actor(who)).execute()
    admin = make_admin_user("sysadmin", superuser=True)
    DisableInactiveAccounts(actor(admin)).execute()


def test_the_command_and_the_task(estate):
    from govsites.accounts.tasks import disable_inactive_accounts

    stale = make_admin_user("stale")
    _age(stale, 120)
    out = StringIO()
    call_command("disable_inactive_accounts", "--dry-run", stdout=out)
    assert "stale" in out.getvalue()
    assert get_user_model().objects.get(pk=stale.pk).is_active
    result = disable_inactive_accounts.enqueue()
    assert stale.pk in result.return_value
    assert not get_user_model().objects.get(pk=stale.pk).is_active
