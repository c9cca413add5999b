"""What each estate role may do, as data: the one table views, API and actions consult.

Site roles (editor, reviewer, …) are checked by the content policy per site
(``govsites.content.permissions``); this table covers the duties that reach across sites.
``tests/security/test_role_matrix.py`` walks the admin and API with every role against it.
"""

from __future__ import annotations

from .models import Role, RoleAssignment

# capability → (description, roles that hold it). The system administrator (superuser) holds
# only what is listed under SYSTEM_ADMIN: it does not read the audit trail nor unlock accounts.
AUDIT_READ = "audit.read"
AUDIT_EXPORT = "audit.export"
ACCOUNTS_UNLOCK = "accounts.unlock"
ACCOUNTS_RESET_MFA = "accounts.reset_mfa"
ACCOUNTS_MANAGE = "accounts.manage"
SECURITY_RECORDS_VIEW = "security_records.view"
SECURITY_RECORDS_MANAGE = "security_records.manage"
PERSONAL_DATA_REQUESTS = "personal_data.requests"

SYSTEM_ADMIN = "system_admin"

CAPABILITIES: dict[str, tuple[str, frozenset[str]]] = {
    AUDIT_READ: ("查阅审计日志", frozenset({Role.AUDITOR})),
    AUDIT_EXPORT: ("导出审计日志", frozenset({Role.AUDITOR})),
    ACCOUNTS_UNLOCK: ("解除账号锁定", frozenset({Role.SECURITY_OFFICER})),
    ACCOUNTS_RESET_MFA: ("重置双因素认证", frozenset({Role.SECURITY_OFFICER})),
    ACCOUNTS_MANAGE: ("管理账号与角色", frozenset({SYSTEM_ADMIN})),
    SECURITY_RECORDS_VIEW: (
        "查看安全记录",
        frozenset({Role.SECURITY_OFFICER, Role.AUDITOR, Role.SUPERVISOR}),
    ),
    SECURITY_RECORDS_MANAGE: ("维护安全记录", frozenset({Role.SECURITY_OFFICER})),
    PERSONAL_DATA_REQUESTS: ("办理个人信息查阅、导出与删除请求", frozenset({Role.SECURITY_OFFICER})),
}


def _assignments(user) -> list[RoleAssignment]:
    """All of ``user``'s role assignments, read once per request (cached on the user object)."""
    cached = getattr(user, "_govsites_all_roles", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("institution"))
        user._govsites_all_roles = cached
    return cached


def estate_roles(user) -> set[str]:
    """The estate roles ``user`` holds anywhere, plus ``system_admin`` for a superuser."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    roles = {a.role for a in _assignments(user)}
    if user.is_superuser:
        roles.add(SYSTEM_ADMIN)
    return roles


def has_capability(user, capability: str) -> bool:
    _label, roles = CAPABILITIES[capability]
    return bool(estate_roles(user) & roles)


def scope_paths(user, capability: str) -> list[str]:
    """Institution paths under which ``user`` holds ``capability`` ("" = the whole estate)."""
    _label, roles = CAPABILITIES[capability]
    if SYSTEM_ADMIN in roles and getattr(user, "is_superuser", False):
        return [""]
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return [a.institution.path for a in _assignments(user) if a.role in roles]
