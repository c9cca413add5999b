"""Separation of the three administrator duties (等保三级 "三员分立").

The system administrator (a superuser), the security officer and the auditor watch each other:
the auditor reads what the other two did, the security officer unlocks what the system
administrator cannot. One account holding two of them would audit itself, so every path that
could combine them — granting a role, making an account a superuser — is refused here.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SYSTEM_ADMIN = "system_admin"


def duties_of(user, adding_role: str | None = None) -> set[str]:
    """The administrator duties ``user`` holds (or would hold after ``adding_role``)."""
    from .models import Role, RoleAssignment

    separated = {Role.SECURITY_OFFICER, Role.AUDITOR}
    held: set[str] = set()
    if user.pk is not None:
        held |= set(
            RoleAssignment.objects.filter(user_id=user.pk, role__in=separated).values_list("role", flat=True)
        )
    if adding_role in separated:
        held.add(adding_role)
    if user.is_superuser:
        held.add(SYSTEM_ADMIN)
    return held


def duty_label(duty: str) -> str:
    from .models import Role

    return _("系统管理员") if duty == SYSTEM_ADMIN else str(Role(duty).label)


def check_duties(user, adding_role: str | None = None) -> None:
    """Raise :class:`ValidationError` (in Chinese) if ``user`` would hold two separated duties."""
    held = duties_of(user, adding_role)
    if len(held) > 1:
        names = "、".join(sorted(duty_label(d) for d in held))
        raise ValidationError(
            _("系统管理员、安全管理员、安全审计员的职责不得由同一账号兼任（当前将兼任：%(names)s）。")
            % {"names": names},
            code="separated_duties",
        )
