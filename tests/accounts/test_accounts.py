"""No default accounts: the first administrator only through `createadmin` with a strong password."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from govsites.accounts.models import ADMIN_USERS_GROUP, Role, RoleAssignment
from govsites.audit.models import AuditLogEntry


@pytest.mark.django_db
def test_a_fresh_database_has_no_accounts():
    assert get_user_model().objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("weak", ["password", "12345678901234", "Lanchuan202", "abcdefghijklmn", "admin"])
def test_createadmin_refuses_weak_passwords(monkeypatch, weak):
    monkeypatch.setenv("GOVSITES_ADMIN_PASSWORD", weak)
    with pytest.raises(CommandError, match="密码不符合要求"):
        call_command("createadmin", username="chief")
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_createadmin_creates_an_audited_superuser(monkeypatch):
    monkeypatch.setenv("GOVSITES_ADMIN_PASSWORD", "Qx7#mV2p!Lr9sW4z")
    call_command("createadmin", username="chief", display_name="张主任")
    # django-axes needs the request (lockout is counted per account and per address)
    login_request = RequestFactory().post("/admin/login/")
    user = authenticate(login_request, username="chief", password="Qx7#mV2p!Lr9sW4z")
    assert user is not None and user.is_superuser and str(user) == "张主任"
    assert AuditLogEntry.objects.filter(action="govsites.accounts.create_admin", object_id=str(user.pk)).exists()
    with pytest.raises(CommandError, match="已存在"):
        call_command("createadmin", username="chief")


@pytest.mark.django_db
def test_django_createsuperuser_is_disabled():
    with pytest.raises(CommandError, match="createadmin"):
        call_command("createsuperuser", username="x", email="x@example.org", interactive=False)


def test_role_holders_may_log_in_to_the_admin(estate):
    user = estate.water_manager
    assert user.groups.filter(name=ADMIN_USERS_GROUP).exists()
    assert user.has_perm("wagtailadmin.access_admin")
    assert RoleAssignment.objects.filter(user=user, role=Role.SITE_MANAGER).exists()
    assert not estate.outsider.has_perm("wagtailadmin.access_admin")
