"""SEC-02: a weak or default password cannot be set; history and maximum age from the profile."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from govsites.accounts import passwords
from govsites.accounts.models import PasswordHistory
from govsites.audit.models import AuditLogEntry

from .auth_helpers import STRONG, change_password_on_account_page, make_admin_user

pytestmark = [pytest.mark.django_db, pytest.mark.rule("SEC-02")]

DEFAULTS = ["admin123", "Admin@123", "123456", "gov123456", "P@ssw0rd", "Abc@1234", "12345678",
            "Admin@123456", "Gov@12345678", "P@ssw0rd1234", "1qaz@WSX3edc"]


@pytest.mark.parametrize("weak", DEFAULTS)
def test_known_weak_and_default_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_the_weak_list_itself_refuses_even_long_classy_ones():
    validator = passwords.KnownWeakPasswordValidator()
    for weak in ("Admin@123456", "P@ssw0rd1234", "Gov@12345678"):
        with pytest.raises(ValidationError, match="弱口令"):
            validator.validate(weak)
    validator.validate(STRONG)


def test_length_and_classes_come_from_the_profile(monkeypatch):
    validate_password("Kq8#vTz2!mWp")  # 12 characters, 4 classes
    values = {"password_min_length": 16, "password_min_classes": 4, "password_history": 5,
              "password_max_age_days": 90}
    monkeypatch.setattr(passwords, "_security", lambda name: values[name])
    with pytest.raises(ValidationError, match="16"):
        validate_password("Kq8#vTz2!mWp")
    with pytest.raises(ValidationError, match="4 类"):
        validate_password("kq8vtz2mwpxlrbnd")


def test_wagtail_user_forms_refuse_weak_passwords(settings):
    admin = make_admin_user("sysadmin", superuser=True)
    c = Client()
    c.force_login(admin)
    response = c.post("/admin/users/new/", {
        "username": "newbie", "email": "n@example.org", "first_name": "N", "last_name": "B",
        "password1": "Admin@123", "password2": "Admin@123",
    })
    assert response.status_code == 200  # the form again, with the error
    assert not get_user_model().objects.filter(username="newbie").exists()
    target = make_admin_user("target")
    old = target.password
    response = c.post(f"/admin/users/edit/{target.pk}/", {
        "username": "target", "email": "t@example.org", "first_name": "T", "last_name": "G",
        "password1": "P@ssw0rd", "password2": "P@ssw0rd", "is_active": "on",
    })
    assert response.status_code == 200
    target.refresh_from_db()
    assert target.password == old


@pytest.mark.parametrize("weak", ["Admin@123456", "P@ssw0rd1234"])
def test_createadmin_refuses_default_passwords(monkeypatch, weak):
    monkeypatch.setenv("GOVSITES_ADMIN_PASSWORD", weak)
    with pytest.raises(CommandError, match="密码不符合要求"):
        call_command("createadmin", username="chief")


def test_history_refuses_the_last_n_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = make_admin_user("chief", password="Kq8#vTz2!mWp-0")
    for n in range(1, 5):
        user.set_password(f"Kq8#vTz2!mWp-{n}")
        user.save()
    assert PasswordHistory.objects.filter(user=user).count() == 5
    assert PasswordHistory.objects.filter(user=user).first().password.startswith("argon2")
    for n in range(5):
        with pytest.raises(ValidationError, match="最近 5 次"):
            validate_password(f"Kq8#vTz2!mWp-{n}", user)
    user.set_password("Kq8#vTz2!mWp-5")
    user.save()
    validate_password("Kq8#vTz2!mWp-0", user)  # the oldest dropped out of the last 5
    assert PasswordHistory.objects.filter(user=user).count() == 5


def test_the_account_page_records_history_and_refuses_reuse(settings):
    user = make_admin_user("chief")
    c = Client()
    c.force_login(user)
    response = change_password_on_account_page(c, STRONG, STRONG)
    assert response.status_code == 200 and "最近" in response.content.decode()  # refused: reuse
    user.refresh_from_db()
    assert PasswordHistory.objects.filter(user=user).count() == 1  # only the one from creation
    new = "Zr5%kLw8@qNv3xTe"
    assert change_password_on_account_page(c, STRONG, new).status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert PasswordHistory.objects.filter(user=user).count() == 2


def test_the_policy_status_is_recorded_when_a_password_is_set():
    user = get_user_model().objects.create_user(username="weakling", password="admin123")
    assert user.password_policy_ok is False
    user.set_password(STRONG)
    user.save()
    user.refresh_from_db()
    assert user.password_policy_ok is True and user.password_changed_at is not None


def test_an_expired_password_is_changed_before_anything_else():
    user = make_admin_user("chief")
    get_user_model().objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    c = Client()
    c.force_login(user)
    for url in ("/admin/", "/admin/pages/", "/admin/registry/"):
        response = c.get(url)
        assert response.status_code == 302 and response["Location"] == "/admin/account/", url
    assert c.get("/admin/account/").status_code == 200
    assert AuditLogEntry.objects.filter(action="govsites.accounts.password_expired", object_id=str(user.pk)).count() == 1
    new = "Zr5%kLw8@qNv3xTe"
    assert change_password_on_account_page(c, STRONG, new).status_code == 302
    assert c.get("/admin/").status_code == 200
    assert AuditLogEntry.objects.filter(action="govsites.accounts.password_renewed", object_id=str(user.pk)).exists()


def test_a_young_password_or_a_zero_maximum_age_never_expires(monkeypatch):
    user = make_admin_user("chief")
    assert not passwords.password_expired(user)
    user.password_changed_at = timezone.now() - dt.timedelta(days=400)
    assert passwords.password_expired(user)
    monkeypatch.setattr(passwords, "max_age_days", lambda: 0)
    assert not passwords.password_expired(user)
