"""Who may have a site (REG-02/03/04) — the eligibility rules, driven by the policy profile."""

from __future__ import annotations

from django.db.models import Q

from govsites.policy.profiles import active as active_profile

from .errors import RuleViolation
from .models import PORTAL_LEVELS, Institution, InstitutionKind, Level, Site, SiteType


def site_type_for(institution: Institution) -> str:
    return SiteType.PORTAL if institution.is_government else SiteType.DEPARTMENT


def check_may_have_site(institution: Institution) -> None:
    """Raise if this institution may not open a site at all (REG-03)."""
    profile = active_profile()
    if institution.kind == InstitutionKind.GOVERNMENT:
        if institution.level == Level.TOWNSHIP:
            raise RuleViolation(
                "REG-03",
                "乡镇政府、街道办事处原则上不开设政府网站，应通过县级政府门户网站开展政务公开、提供政务服务。",
            )
        return
    if institution.kind == InstitutionKind.DEPARTMENT:
        allowed = profile.get("registry.department_site_levels")
        if institution.level not in allowed:
            names = "、".join(str(Level(level).label) for level in allowed)
            raise RuleViolation(
                "REG-03",
                f"只有{names}政府部门可开设部门网站；{institution.get_level_display()}政府部门应通过本级政府门户网站开展政务公开。",
            )
        return
    if not profile.get("registry.subordinate_units_may_open"):
        raise RuleViolation(
            "REG-03", "政府部门直属管理单位原则上不开设政府网站，应通过本级部门网站开展政务公开、提供政务服务。"
        )


def check_no_live_site(institution: Institution, exclude: Site | None = None) -> None:
    """One institution, at most one site (REG-02)."""
    existing = Site.objects.live().filter(institution=institution)
    if exclude is not None:
        existing = existing.exclude(pk=exclude.pk)
    site = existing.first()
    if site is not None:
        raise RuleViolation(
            "REG-02", f"一个单位原则上最多开设一个网站；{institution.name}已有网站“{site.name}”（{site.get_status_display()}）。"
        )


def check_not_event_site(purpose: str) -> None:
    """No stand-alone site for an event or campaign (REG-04)."""
    if purpose == "event":
        raise RuleViolation(
            "REG-04",
            "重大活动或专项工作原则上不单独开设网站，请改为申请开设专栏专题：只涉及一个部门的开在该部门网站，"
            "涉及多个部门的开在本级政府门户网站或牵头部门网站。",
        )


def institutions_not_allowed_sites() -> Q:
    """Q over ``Site`` rows whose institution may not have a site under the active profile."""
    profile = active_profile()
    condition = Q(institution__kind=InstitutionKind.GOVERNMENT, institution__level=Level.TOWNSHIP) | (
        Q(institution__kind=InstitutionKind.DEPARTMENT) & ~Q(institution__level__in=profile.get("registry.department_site_levels"))
    )
    if not profile.get("registry.subordinate_units_may_open"):
        condition |= Q(institution__kind=InstitutionKind.SUBORDINATE_UNIT)
    return condition


def governments_missing_portal():
    """Province, city and county governments without a live portal (REG-02: each must have one)."""
    with_portal = Site.objects.live().filter(site_type=SiteType.PORTAL).values("institution_id")
    return Institution.objects.filter(kind=InstitutionKind.GOVERNMENT, level__in=PORTAL_LEVELS).exclude(
        pk__in=with_portal
    )


def integration_reason(site: Site) -> str:
    """Why an existing site is flagged for integration, or ``""``."""
    try:
        check_may_have_site(site.institution)
    except RuleViolation as violation:
        return violation.text
    return ""


def special_topic_hosts(institutions: list[Institution], lead: Institution | None) -> list[Site]:
    """Where a special-topic column may go (REG-04): the one department's site, or the common
    government's portal / the lead department's site when several departments are involved."""
    live = Site.objects.live()
    if len(institutions) == 1:
        return list(live.filter(institution=institutions[0]))
    hosts = []
    if lead is not None:
        hosts += list(live.filter(institution=lead))
    governments = {i.government.pk for i in institutions if i.government is not None}
    if len(governments) == 1:
        hosts += list(live.filter(institution_id=governments.pop(), site_type=SiteType.PORTAL))
    return hosts
