"""Shared set-up of the security-records tests (tests/security/test_records_*.py)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from govsites.accounts.models import Role
from govsites.audit.context import Actor
from tests.factories import user

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def act(person, ip="10.0.0.9") -> Actor:
    return Actor(user=person, ip_address=ip, user_agent="pytest", via="web")


def second_officer(estate, name="security_officer_2", at=None):
    """Another security officer (verifies what the first one fixed)."""
    return user(name, (Role.SECURITY_OFFICER, at or estate.province))


def plan_file(name="应急预案.pdf", content=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")
