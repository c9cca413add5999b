"""Least privilege: the three administrator duties are never held by one account (SEC-02)."""

import pytest
from django.core.exceptions import ValidationError

from govsites.accounts import capabilities
from govsites.accounts.models import Role, RoleAssignment, User
from govsites.registry.models import Level
from tests.factories import government


@pytest.fixture
def root(db):
    return government("澜川省人民政府", Level.PROVINCE, "990000")


@pytest.mark.rule("SEC-02")
@pytest.mark.parametrize(
    ("first", "second"),
    [(Role.SECURITY_OFFICER, Role.AUDITOR), (Role.AUDITOR, Role.SECURITY_OFFICER)],
)
def test_security_officer_and_auditor_are_never_one_account(root, first, second):
    user = User.objects.create_user("zhang", password=None)
    RoleAssignment.objects.create(user=user, role=first, institution=root)
    with pytest.raises(ValidationError, match="不得由同一账号兼任"):
        RoleAssignment.objects.create(user=user, role=second, institution=root)
    assert list(RoleAssignment.objects.filter(user=user).values_list("role", flat=True)) == [first]


@pytest.mark.rule("SEC-02")
@pytest.mark.parametrize("role", [Role.SECURITY_OFFICER, Role.AUDITOR])
def test_the_system_administrator_holds_neither_other_duty(root, role):
    admin = User.objects.create_user("sysadmin", password=None, is_superuser=True, is_staff=True)
    with pytest.raises(ValidationError):
        RoleAssignment.objects.create(user=admin, role=role, institution=root)
    officer = User.objects.create_user("officer", password=None)
    RoleAssignment.objects.create(user=officer, role=role, institution=root)
    officer.is_superuser = True
    with pytest.raises(ValidationError):
        officer.save()
    officer.refresh_from_db()
    assert officer.is_superuser is False


@pytest.mark.rule("SEC-02")
def test_the_auditor_reads_the_trail_and_nobody_else_does(root):
    auditor = User.objects.create_user("auditor", password=None)
    RoleAssignment.objects.create(user=auditor, role=Role.AUDITOR, institution=root)
    admin = User.objects.create_user("sysadmin", password=None, is_superuser=True)
    officer = User.objects.create_user("officer", password=None)
    RoleAssignment.objects.create(user=officer, role=Role.SECURITY_OFFICER, institution=root)
    assert capabilities.has_capability(auditor, capabilities.AUDIT_READ)
    assert not capabilities.has_capability(admin, capabilities.AUDIT_READ)
    assert not capabilities.has_capability(officer, capabilities.AUDIT_READ)
    assert capabilities.has_capability(officer, capabilities.ACCOUNTS_UNLOCK)
    assert not capabilities.has_capability(admin, capabilities.ACCOUNTS_UNLOCK)
    assert capabilities.has_capability(admin, capabilities.ACCOUNTS_MANAGE)
    assert not capabilities.has_capability(auditor, capabilities.ACCOUNTS_MANAGE)
