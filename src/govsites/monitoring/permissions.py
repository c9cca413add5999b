"""Who sees and does what in the supervision admin (网站监管), from registry role assignments.

- **Supervisors** (主管单位管理员) see every site of their area with its results, findings,
  censuses and violations; they start censuses of their area, close findings and record
  violations (:func:`may_supervise`). A supervisor at the estate root also sees hosts outside the
  registry (a census over a given list).
- **Site managers** (网站管理员) see their institution's sites, read-only: what the monitor found
  and what they must fix.
- Nobody else: not institution heads, not the system administrator (三员分立), not security staff.

Role assignments are cached per request by ``registry.permissions.assignments``, so the scope
costs one query whatever the size of the estate.
"""

from __future__ import annotations

from django.db.models import Q

from govsites.accounts.models import Role
from govsites.registry import permissions as registry_permissions
from govsites.registry.models import Institution, Site


def _active(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def supervised_paths(user) -> list[str]:
    """Institution paths of the user's supervisor roles (their areas)."""
    if not _active(user):
        return []
    return [a.institution.path for a in registry_permissions.assignments(user) if a.role == Role.SUPERVISOR]


def managed_institutions(user) -> list[int]:
    """Institutions whose sites the user runs as site manager (read-only here)."""
    if not _active(user):
        return []
    return [a.institution_id for a in registry_permissions.assignments(user) if a.role == Role.SITE_MANAGER]


def may_enter(user) -> bool:
    """The supervision admin is for supervisors and site managers."""
    return bool(supervised_paths(user) or managed_institutions(user))


def may_supervise(user, site: Site | None) -> bool:
    """Estate supervisors of the site's area (or of the whole estate for hosts outside the
    registry) run censuses, close findings and record violations."""
    if not _active(user):
        return False
    if site is None:
        return registry_permissions.is_estate_supervisor(user)
    return registry_permissions.is_supervisor_of(user, site.institution)


def may_start_census(user) -> bool:
    """A supervisor censuses their own area; each site's result is still checked against it
    (``RecordSiteResult``)."""
    return bool(supervised_paths(user))


def site_scope(user, prefix: str = "") -> Q:
    """Sites (reached through ``prefix``, e.g. ``"site__"``) the user may see here."""
    condition = Q(**{f"{prefix}pk__in": []})
    for path in supervised_paths(user):
        condition |= Q(**{f"{prefix}institution__path__startswith": path})
    managed = managed_institutions(user)
    if managed:
        condition |= Q(**{f"{prefix}institution_id__in": managed})
    return condition


def supervised_sites(user):
    """Sites of the user's supervised areas: what a census they start covers."""
    condition = Q(pk__in=[])
    for path in supervised_paths(user):
        condition |= Q(institution__path__startswith=path)
    return Site.objects.filter(condition)


def visible_sites(user):
    return Site.objects.filter(site_scope(user))


def visible_findings(user):
    """Findings of the user's sites; hosts outside the registry for estate supervisors."""
    from .models import Finding

    return Finding.objects.filter(result_scope(user))


def result_scope(user, prefix: str = "") -> Q:
    """Census results (reached through ``prefix``, e.g. ``"results__"``) the user may see."""
    condition = site_scope(user, f"{prefix}site__")
    if registry_permissions.is_estate_supervisor(user) and _active(user):
        condition |= Q(**{f"{prefix}site__isnull": True})
    return condition


def may_view_site(user, site: Site) -> bool:
    path = site.institution.path
    return any(path.startswith(p) for p in supervised_paths(user)) or site.institution_id in managed_institutions(user)


def region_choices(user):
    """Governments of the user's areas: the dashboard's region filter."""
    condition = Q(pk__in=[])
    for path in supervised_paths(user):
        condition |= Q(path__startswith=path)
    return Institution.objects.governments().filter(condition).order_by("path")
