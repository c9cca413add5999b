"""SEC-02: TOTP second factor for every account that may use the admin."""

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from govsites.accounts import mfa
from govsites.audit.models import AuditLogEntry

from .auth_helpers import client, enrol, login, make_admin_user

pytestmark = [pytest.mark.django_db, pytest.mark.rule("SEC-02")]

ADMIN_URLS = [
    "/admin/",
    "/admin/pages/",
    "/admin/users/",
    "/admin/account/",
    "/admin/settings/",
    "/admin/images/",
    "/admin/documents/",
    "/admin/snippets/",
    "/admin/reports/site-history/",
    "/admin/registry/",
    "/admin/account-security/lockouts/",
    "/admin/account-security/second-factors/",
    "/admin/mfa/recovery-codes/",
    "/admin/api/main/pages/",
    "/admin/password_reset/",
    "/documents/1/x.pdf",
]


@pytest.fixture(autouse=True)
def require_mfa(settings):
    settings.GOVSITES_REQUIRE_MFA = True


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def test_a_stolen_password_without_the_second_factor_gets_nothing():
    user = make_admin_user(superuser=True)
    enrol(user)
    c = client()
    response = login(c, "chief")
    assert response.status_code == 302  # the password is right …
    for url in ADMIN_URLS:
        response = c.get(url)
        assert response.status_code == 302, url  # … but everything sends to the verify page
        assert response["Location"].startswith(reverse("govsites_mfa:verify")), url
    response = c.post("/admin/users/new/", {"username": "intruder", "password1": "x", "password2": "x"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("govsites_mfa:verify"))
    response = c.get("/api/v1/registry/sites/")
    assert response.status_code in (401, 403)
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="intruder").exists()
    # the way out stays open
    assert c.get(reverse("govsites_mfa:verify")).status_code == 200
    assert c.post(reverse("wagtailadmin_logout")).status_code == 302


def test_a_correct_code_gets_in_and_a_wrong_one_is_audited():
    user = make_admin_user(superuser=True)
    device, _codes = enrol(user)
    c = client()
    login(c, "chief")
    wrong = "000000" if code_for(device) != "000000" else "111111"
    response = c.post(reverse("govsites_mfa:verify"), {"token": wrong})
    assert response.status_code == 400 and "验证码不正确" in response.content.decode()
    assert c.get("/admin/").status_code == 302
    assert AuditLogEntry.objects.filter(action="govsites.accounts.mfa_failed", object_id=str(user.pk)).exists()
    device.refresh_from_db()
    device.throttling_failure_count = 0  # django-otp's throttle delays after a failure
    device.throttling_failure_timestamp = None
    device.save()
    response = c.post(reverse("govsites_mfa:verify"), {"token": code_for(device), "next": "/admin/pages/"})
    assert response.status_code == 302 and response["Location"] == "/admin/pages/"
    assert c.get("/admin/").status_code == 200


def test_a_recovery_code_gets_in_once():
    user = make_admin_user(superuser=True)
    _device, codes = enrol(user)
    assert len(codes) == 10
    c = client()
    login(c, "chief")
    assert c.post(reverse("govsites_mfa:verify"), {"token": codes[0].upper()}).status_code == 302
    assert c.get("/admin/").status_code == 200
    assert AuditLogEntry.objects.filter(action="govsites.accounts.mfa_recovery_used", object_id=str(user.pk)).exists()
    c.post(reverse("wagtailadmin_logout"))
    c2 = client("10.1.1.2")
    login(c2, "chief")
    response = c2.post(reverse("govsites_mfa:verify"), {"token": codes[0]})
    assert response.status_code == 400
    assert c2.get("/admin/").status_code == 302


def test_first_login_enrols_with_a_qr_code_and_shows_recovery_codes_once():
    user = make_admin_user()
    c = client()
    login(c, "chief")
    response = c.get("/admin/")
    assert response["Location"].startswith(reverse("govsites_mfa:setup"))
    page = c.get(reverse("govsites_mfa:setup")).content.decode()
    assert "<svg" in page and "<script>" not in page
    assert f'action="{reverse("govsites_mfa:setup")}"' in page and 'name="token"' in page and "完成绑定" in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert c.post(reverse("govsites_mfa:setup"), {"token": "12345x"}).status_code == 400
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    response = c.post(reverse("govsites_mfa:setup"), {"token": code_for(device)})
    assert response.status_code == 302 and response["Location"].startswith(reverse("govsites_mfa:recovery_codes"))
    shown = c.get(reverse("govsites_mfa:recovery_codes")).content.decode()
    static = user.staticdevice_set.get()
    codes = list(static.token_set.values_list("token", flat=True))
    assert len(codes) == 10 and all(code in shown for code in codes)
    again = c.get(reverse("govsites_mfa:recovery_codes")).content.decode()
    assert not any(code in again for code in codes)  # shown once
    assert c.get("/admin/").status_code == 200
    assert AuditLogEntry.objects.filter(action="govsites.accounts.mfa_enrol", object_id=str(user.pk)).exists()


def test_a_setup_page_cannot_replace_an_enrolled_device():
    user = make_admin_user()
    enrol(user)
    c = client()
    login(c, "chief")
    response = c.get(reverse("govsites_mfa:setup"))
    assert response.status_code == 302 and response["Location"] == reverse("govsites_mfa:verify")
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()


def test_only_the_security_officer_resets_a_second_factor(estate):
    from govsites.accounts.actions import ResetSecondFactor
    from govsites.actions import NotAllowed
    from tests.conftest import actor

    victim = make_admin_user("lost_phone")
    enrol(victim)
    admin = make_admin_user("sysadmin", superuser=True)
    for who in (admin, estate.water_manager, estate.auditor, victim):
        with pytest.raises(NotAllowed):
            ResetSecondFactor(actor(who), victim).execute()
    assert mfa.has_confirmed_totp(victim)
    ResetSecondFactor(actor(estate.security_officer), victim, reason="手机丢失").execute()
    assert not mfa.has_confirmed_totp(victim) and not victim.staticdevice_set.exists()
    entry = AuditLogEntry.objects.get(action="govsites.accounts.mfa_reset", object_id=str(victim.pk))
    assert entry.user_id == estate.security_officer.pk and entry.reason == "手机丢失"


def test_reset_through_the_admin_view(estate, settings):
    from django.test import Client

    victim = make_admin_user("lost_phone")
    enrol(victim)
    url = reverse("govsites_accounts:second_factors")
    settings.GOVSITES_REQUIRE_MFA = False  # the editor's refusal is about the role, not the factor
    editor = Client()
    editor.force_login(estate.water_manager)
    assert editor.get(url).status_code == 403
    assert editor.post(url, {"user": victim.pk}).status_code == 403
    assert mfa.has_confirmed_totp(victim)
    settings.GOVSITES_REQUIRE_MFA = True
    officer = Client()
    officer.force_login(estate.security_officer)
    _device, _codes = enrol(estate.security_officer)
    # the officer's own session must be verified first
    assert officer.get(url).status_code == 302
    session = officer.session
    session["otp_device_id"] = _device.persistent_id
    session.save()
    assert officer.get(url).status_code == 200
    assert officer.post(url, {"user": victim.pk, "reason": "核实身份后重置"}).status_code == 302
    assert not mfa.has_confirmed_totp(victim)
