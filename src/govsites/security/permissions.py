"""Who reads and who keeps the security records, from the capability table and role scope.

``SECURITY_RECORDS_MANAGE`` (the security officer) changes records, ``SECURITY_RECORDS_VIEW``
(security officer, auditor, supervisor) reads them — each only for the sites and institutions
under the institution where the role is held (a supervisor's area, the same prefix rule as the
registry). The system administrator and the site roles hold neither capability.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from govsites.accounts import capabilities
from govsites.accounts.capabilities import SECURITY_RECORDS_MANAGE, SECURITY_RECORDS_VIEW
from govsites.registry.models import Institution, Site

VIEW = SECURITY_RECORDS_VIEW
MANAGE = SECURITY_RECORDS_MANAGE


def paths(user, capability: str) -> list[str]:
    """Institution paths under which ``user`` holds ``capability`` (cached per request)."""
    if not capabilities.has_capability(user, capability):
        return []
    cache = user.__dict__.setdefault("_govsites_security_paths", {})
    if capability not in cache:
        cache[capability] = capabilities.scope_paths(user, capability)
    return cache[capability]


def scope(user, capability: str, prefix: str) -> Q:
    """Rows whose institution (reached through ``prefix``, e.g. ``"site__institution__"``) lies in scope."""
    condition = Q(pk__in=[])
    for path in paths(user, capability):
        condition |= Q(**{f"{prefix}path__startswith": path})
    return condition


def covers(user, capability: str, institution: Institution) -> bool:
    return any(institution.path.startswith(p) for p in paths(user, capability))


def may_view(user) -> bool:
    return bool(paths(user, VIEW))


def may_manage(user) -> bool:
    return bool(paths(user, MANAGE))


def may_view_site(user, site: Site) -> bool:
    return covers(user, VIEW, site.institution)


def may_manage_site(user, site: Site) -> bool:
    return covers(user, MANAGE, site.institution)


def may_manage_sites(user, sites: Iterable[Site]) -> bool:
    sites = list(sites)
    return bool(sites) and all(may_manage_site(user, site) for site in sites)


def sites(user, capability: str = VIEW):
    return Site.objects.filter(scope(user, capability, "institution__"))


def institutions(user, capability: str = VIEW):
    return Institution.objects.filter(scope(user, capability, ""))
