import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from govsites.accounts.models import Role
from govsites.demo import accounts, estate
from govsites.registry.permissions import inbox

USERNAMES = [a.username for a in accounts.ACCOUNTS]


def login_request(username):
    """django-axes needs the request; one address per account, so the deliberate wrong
    passwords below are not counted as one address guessing at many accounts."""
    return RequestFactory().post("/admin/login/", REMOTE_ADDR=f"10.9.0.{USERNAMES.index(username) + 1}")


def issue(base_url="http://127.0.0.1:8765") -> tuple[str, dict[str, str]]:
    out = StringIO()
    call_command("demo_accounts", "--base-url", base_url, stdout=out)
    text = out.getvalue()
    passwords = {}
    for username in USERNAMES:
        line = next(line for line in text.splitlines() if f" {username} " in line)
        passwords[username] = line.split(f" {username} ", 1)[1].split()[0]
    return text, passwords


def test_printed_passwords_log_in_and_change_on_every_run(demo, db):
    text, first = issue()
    assert "演示账号" in text and "切勿用于生产环境" in text
    for path in ("/admin/", "/api/v1/openapi.json", "/api/v1/docs"):
        assert f"http://127.0.0.1:8765{path}" in text
    for username, password in first.items():
        assert authenticate(login_request(username), username=username, password=password).username == username
    _, second = issue()
    for username in USERNAMES:
        assert second[username] != first[username]
        assert authenticate(login_request(username), username=username, password=first[username]) is None
        assert authenticate(login_request(username), username=username, password=second[username]) is not None
    assert get_user_model().objects.filter(username__in=USERNAMES).count() == len(USERNAMES)


def test_demo_passwords_are_strong_and_never_stored_in_clear(demo, db):
    _, passwords = issue()
    assert len(set(passwords.values())) == len(passwords)
    for username, password in passwords.items():
        user = get_user_model().objects.get(username=username)
        assert user.has_usable_password() and user.password and password not in user.password
        assert len(password) >= 20 and re.search(r"[a-z]", password) and re.search(r"[A-Z]", password)
        assert re.search(r"\d", password) and re.search(r"[^A-Za-z0-9]", password)
        # an unsaved twin: the saved account's history (SEC-02) rightly refuses its current password
        validate_password(password, get_user_model()(username=username, display_name=user.display_name))


def test_one_account_per_role_with_work_waiting(demo, db):
    issue()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=USERNAMES)}
    assert users["demo-admin"].is_superuser and all(u.display_name for u in users.values())
    roles = {name: list(u.role_assignments.values_list("role", flat=True)) for name, u in users.items()}
    assert roles == {"demo-admin": [], "demo-province": [Role.SUPERVISOR], "demo-city": [Role.SUPERVISOR],
                     "demo-head": [Role.INSTITUTION_HEAD], "demo-manager": [Role.SITE_MANAGER],
                     "demo-editor": [], "demo-reviewer": [], "demo-secrecy": [], "demo-city-editor": [],
                     "demo-security": [Role.SECURITY_OFFICER], "demo-auditor": [Role.AUDITOR]}
    site_roles = {name: list(u.site_memberships.values_list("site__institution__name", "role"))
                  for name, u in users.items() if name.startswith(("demo-editor", "demo-reviewer", "demo-secrecy",
                                                                   "demo-city-editor"))}
    province = estate.demo_root().name
    assert site_roles["demo-editor"] == [(province, "editor")]
    assert site_roles["demo-reviewer"] == [(province, "reviewer")]
    assert site_roles["demo-secrecy"] == [(province, "confidentiality_reviewer")]
    [(city, role)] = site_roles["demo-city-editor"]
    assert role == "editor" and city != province
    assert not any(users[name].is_superuser for name in site_roles)
    assert users["demo-province"].role_assignments.get().institution == estate.demo_root()
    for name in ("demo-security", "demo-auditor"):  # estate-wide duties, three separate people
        assert users[name].role_assignments.get().institution == estate.demo_root()
        assert not users[name].is_superuser
    for name in ("demo-province", "demo-city", "demo-head"):
        assert inbox(users[name]).exists(), name
    head = users["demo-head"]
    assert head.display_name == head.role_assignments.get().institution.head_name
    manager_site = users["demo-manager"].role_assignments.get().institution.sites.get()
    assert manager_site.status == "approved"


def test_accounts_keep_their_place_across_runs(demo, db):
    issue()
    before = {u.username: list(u.role_assignments.values_list("institution", flat=True))
              for u in get_user_model().objects.filter(username__in=USERNAMES)}
    issue()
    after = {u.username: list(u.role_assignments.values_list("institution", flat=True))
             for u in get_user_model().objects.filter(username__in=USERNAMES)}
    assert before == after


def test_no_accounts_without_the_demo_estate(demo, db):
    estate.reset()
    with pytest.raises(CommandError, match="demo_estate"):
        issue()
    assert not get_user_model().objects.filter(username__in=USERNAMES).exists()


@pytest.mark.parametrize("name", ["shanxi", "chongqing"])
def test_every_profile_gets_every_status_and_full_inboxes(demo, db, profile, name):
    from govsites.registry.models import Site, SiteStatus

    profile(name)
    estate.reset()
    estate.generate("small")
    assert set(Site.objects.values_list("status", flat=True)) == set(SiteStatus.values)
    issue()
    for username in ("demo-province", "demo-city", "demo-head"):
        assert inbox(get_user_model().objects.get(username=username)).exists(), username
