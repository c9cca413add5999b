"""SEC-02: no default accounts — the startup check refuses weak passwords and admins without a
second factor; createadmin and the demo accounts come with one."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from govsites.accounts import checks, mfa
from govsites.audit.models import AuditLogEntry
from tests.demo.conftest import demo  # noqa: F401  (the small demo estate fixture)

from .auth_helpers import STRONG, enrol, make_admin_user

pytestmark = [pytest.mark.django_db, pytest.mark.rule("SEC-02")]


@pytest.fixture(autouse=True)
def enforced(settings):
    settings.GOVSITES_ENFORCE_ACCOUNT_CHECKS = True
    settings.GOVSITES_REQUIRE_MFA = True


def ids():
    return sorted(e.id for e in checks.check_accounts())


def test_all_well_passes_and_startup_proceeds():
    user = make_admin_user("chief", superuser=True)
    enrol(user)
    get_user_model().objects.create_user(username="citizen_portal_bot", password=STRONG)  # no admin access
    assert ids() == []
    checks.enforce()


def test_an_admin_without_a_second_factor_is_an_error():
    make_admin_user("chief")
    assert ids() == ["govsites.accounts.E003"]
    with pytest.raises(ImproperlyConfigured, match="SEC-02"):
        checks.enforce()


def test_a_password_that_failed_the_policy_is_an_error():
    user = get_user_model().objects.create_user(username="legacy", password="Admin@123")
    assert ids() == ["govsites.accounts.E001"]
    user.set_password(STRONG)
    user.save()
    assert ids() == []


def test_an_unknown_status_is_checked_against_the_weak_list():
    user = get_user_model().objects.create_user(username="legacy", password="x")
    from django.contrib.auth.hashers import make_password

    get_user_model().objects.filter(pk=user.pk).update(password=make_password("P@ssw0rd"), password_policy_ok=None)
    assert ids() == ["govsites.accounts.E002"]
    get_user_model().objects.filter(pk=user.pk).update(password=make_password(STRONG))
    assert ids() == []


def test_a_screened_password_is_not_hashed_against_the_list_again(monkeypatch):
    """Startup stays fast: a clean unknown-status password is screened once, not on every start."""
    from django.contrib.auth import hashers

    user = get_user_model().objects.create_user(username="legacy", password="x")
    get_user_model().objects.filter(pk=user.pk).update(password=hashers.make_password(STRONG), password_policy_ok=None)
    assert ids() == []
    calls = []
    real = hashers.check_password
    monkeypatch.setattr(hashers, "check_password", lambda *a, **k: calls.append(a) or real(*a, **k))
    assert ids() == []
    assert calls == []
    get_user_model().objects.filter(pk=user.pk).update(password=hashers.make_password("P@ssw0rd"))
    assert ids() == ["govsites.accounts.E002"]
    assert calls


def test_mfa_switched_off_is_an_error(settings):
    settings.GOVSITES_REQUIRE_MFA = False
    assert ids() == ["govsites.accounts.E004"]


def test_disabled_accounts_and_unenforced_settings_do_not_count(settings):
    make_admin_user("gone").__class__.objects.filter(username="gone").update(is_active=False)
    assert ids() == []
    make_admin_user("chief")
    settings.GOVSITES_ENFORCE_ACCOUNT_CHECKS = False
    assert ids() == []
    checks.enforce()


def test_check_deploy_shows_the_errors():
    from django.core.management.base import SystemCheckError

    make_admin_user("chief")
    with pytest.raises(SystemCheckError, match="govsites.accounts.E003"):
        call_command("check", "--deploy", "--tag", "security")


def test_production_wsgi_refuses_to_start():
    make_admin_user("chief")
    import importlib
    import sys

    sys.modules.pop("govsites.wsgi", None)
    with pytest.raises(ImproperlyConfigured, match="拒绝启动"):
        importlib.import_module("govsites.wsgi")
    sys.modules.pop("govsites.wsgi", None)


def test_createadmin_enrols_a_second_factor(monkeypatch):
    monkeypatch.setenv("GOVSITES_ADMIN_PASSWORD", STRONG)
    out = StringIO()
    call_command("createadmin", username="chief", stdout=out)
    text = out.getvalue()
    user = get_user_model().objects.get(username="chief")
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    assert device.config_url in text and "otpauth://totp/" in text
    codes = list(user.staticdevice_set.get().token_set.values_list("token", flat=True))
    assert len(codes) == 10 and all(code in text for code in codes)
    assert AuditLogEntry.objects.filter(action="govsites.accounts.mfa_enrol", object_id=str(user.pk)).exists()
    assert ids() == []


def test_demo_accounts_are_enrolled_and_otp_code_works_only_for_them(demo, db, settings, monkeypatch):  # noqa: F811
    from django.core.management import CommandError

    settings.GOVSITES_ENFORCE_ACCOUNT_CHECKS = False
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    text = out.getvalue()
    assert "otp_code" in text and "otpauth://totp/" in text
    admin = get_user_model().objects.get(username="demo-admin")
    device = mfa.confirmed_totp(admin)
    assert device is not None
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "govsites.settings.embedded")
    code = StringIO()
    call_command("otp_code", "demo-admin", stdout=code)
    assert re.fullmatch(r"\d{6}\n", code.getvalue())
    assert device.verify_token(code.getvalue().strip())
    with pytest.raises(CommandError, match="不是演示账号"):
        call_command("otp_code", "someone-else")
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "govsites.settings.production")
    with pytest.raises(CommandError, match="内嵌"):
        call_command("otp_code", "demo-admin")
