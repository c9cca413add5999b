"""What the supervision reports (and the 安全概览 page) read about a site's security records.

``security_overview(site)`` answers for one site; the ``*_for_sites`` helpers answer for a list of
sites with a fixed number of grouped queries, so an estate-wide report stays cheap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from govsites import clock
from govsites.registry.models import Level, Site

from .models import (
    CounterfeitCase,
    Drill,
    EmergencyPlan,
    HostingFacts,
    Incident,
    PeriodicScan,
    ScanScope,
    VulnerabilityNotice,
    drill_interval_months,
    months_after,
    policy,
)

#: 互联网政务应用安全管理规定 (2024) Art. 17: portals of prefecture-level-and-above governments
#: meet graded protection level 3.
GRADED_LEVEL_3_SITE_LEVELS = (Level.PROVINCE, Level.CITY)


def _ids(sites: Iterable[Site]) -> list[int]:
    return [site.pk for site in sites]


def current_plan(site: Site) -> EmergencyPlan | None:
    """The site's own current plan, else its institution's current plan for all its sites."""
    plans = EmergencyPlan.objects.filter(institution_id=site.institution_id, is_current=True).filter(
        Q(site=site) | Q(site__isnull=True)
    )
    return plans.order_by("site_id", "-adopted_on").first() if plans else None


def last_drill(site: Site) -> Drill | None:
    return (
        Drill.objects.filter(institution_id=site.institution_id).filter(Q(site=site) | Q(site__isnull=True))
        .order_by("-held_on", "-id").first()
    )


def drill_due(last: dt.date | None) -> dt.date | None:
    """The date the next drill is due (None: no expectation; the day before today: never drilled)."""
    months = drill_interval_months()
    if months <= 0:
        return None
    if last is None:
        return clock.today() - dt.timedelta(days=1)
    return months_after(last, months)


def is_drill_overdue(last: dt.date | None) -> bool:
    due = drill_due(last)
    return due is not None and clock.today() > due


def last_scans(site_ids: list[int]) -> dict[int, dict[str, dt.date]]:
    """site id → scope → date of the latest scan."""
    out: dict[int, dict[str, dt.date]] = {pk: {} for pk in site_ids}
    rows = (
        PeriodicScan.objects.filter(sites__in=site_ids).values("sites", "scope").annotate(last=Max("performed_on"))
        .order_by()
    )
    for row in rows:
        out[row["sites"]][row["scope"]] = row["last"]
    return out


def overdue_scan_scopes(last: dict[str, dt.date]) -> list[str]:
    """Scopes (application / OS / database) not scanned within ``security.scan_interval_days``."""
    limit = clock.today() - dt.timedelta(days=int(policy("scan_interval_days")))
    return [scope for scope in ScanScope.values if last.get(scope) is None or last[scope] < limit]


def hosting_flags(facts: HostingFacts | None, site: Site | None = None) -> list[str]:
    """SEC-09 flags: servers abroad, unreviewed products, graded level, security testing."""
    if facts is None:
        return [_("未登记托管信息")]
    site = site or facts.site
    flags = []
    if not facts.in_mainland:
        flags.append(_("服务器位于境外"))
    unreviewed = facts.unreviewed_products()
    if unreviewed:
        flags.append(_("使用未通过安全审查的产品：%(products)s") % {"products": "、".join(unreviewed)})
    if site.is_portal and site.institution.level in GRADED_LEVEL_3_SITE_LEVELS and (facts.graded_level or 0) < 3:
        flags.append(_("地市级以上政府门户网站应达到等级保护第三级"))
    months = int(policy("security_test_interval_months"))
    if months > 0 and (facts.security_tested_on is None
                       or months_after(facts.security_tested_on, months) < clock.today()):
        flags.append(_("超过%(months)d个月未开展安全检测") % {"months": months})
    return flags


def security_overview(site: Site) -> dict:
    """Everything the supervision report asks about one site's security records."""
    return overview_for_sites([site])[site.pk]


def overview_for_sites(sites: Iterable[Site]) -> dict[int, dict]:
    """:func:`security_overview` for many sites with grouped queries."""
    sites = list(sites)
    ids = _ids(sites)
    today = clock.today()
    notices = VulnerabilityNotice.objects.filter(sites__in=ids).order_by()
    open_notices = dict(notices.open().values_list("sites").annotate(n=Count("id")))
    overdue = dict(notices.overdue(today).values_list("sites").annotate(n=Count("id")))
    incidents = dict(Incident.objects.open().filter(site_id__in=ids).order_by().values_list("site")
                     .annotate(n=Count("id")))
    cases = dict(CounterfeitCase.objects.open().filter(imitated_site_id__in=ids).order_by()
                 .values_list("imitated_site").annotate(n=Count("id")))
    facts = {f.site_id: f for f in HostingFacts.objects.filter(site_id__in=ids)}
    scans = last_scans(ids)
    institutions = {site.institution_id for site in sites}
    plans = list(EmergencyPlan.objects.filter(institution_id__in=institutions, is_current=True)
                 .order_by("site_id", "-adopted_on"))
    drills = list(Drill.objects.filter(institution_id__in=institutions).order_by("-held_on", "-id"))
    out = {}
    for site in sites:
        plan = next((p for p in plans if p.institution_id == site.institution_id and p.site_id in (site.pk, None)),
                    None)
        drill = next((d for d in drills if d.institution_id == site.institution_id and d.site_id in (site.pk, None)),
                     None)
        last_held = drill.held_on if drill else None
        site_facts = facts.get(site.pk)
        out[site.pk] = {
            "site": site,
            "open_vulnerabilities": open_notices.get(site.pk, 0),
            "overdue_vulnerabilities": overdue.get(site.pk, 0),
            "last_scans": scans[site.pk],
            "scan_overdue_scopes": overdue_scan_scopes(scans[site.pk]),
            "plan": plan,
            "plan_filed": bool(plan and plan.is_filed),
            "last_drill": drill,
            "drill_due": drill_due(last_held),
            "drill_overdue": is_drill_overdue(last_held),
            "open_incidents": incidents.get(site.pk, 0),
            "open_counterfeit_cases": cases.get(site.pk, 0),
            "hosting": site_facts,
            "hosting_flags": hosting_flags(site_facts, site),
        }
    return out


# -- queryset helpers for reports ----------------------------------------------------------------


def open_vulnerabilities(sites=None):
    qs = VulnerabilityNotice.objects.open()
    return qs.filter(sites__in=sites).distinct() if sites is not None else qs


def overdue_vulnerabilities(sites=None):
    qs = VulnerabilityNotice.objects.overdue()
    return qs.filter(sites__in=sites).distinct() if sites is not None else qs


def open_incidents(sites=None):
    qs = Incident.objects.open()
    return qs.filter(site__in=sites) if sites is not None else qs


def open_counterfeit_cases(sites=None):
    qs = CounterfeitCase.objects.open()
    return qs.filter(imitated_site__in=sites) if sites is not None else qs


def sites_hosted_abroad():
    return Site.objects.filter(hosting_facts__in_mainland=False)


def sites_on_unreviewed_products():
    unreviewed = Q()
    for product, reviewed in (("os_product", "os_reviewed"), ("database_product", "database_reviewed"),
                              ("middleware_product", "middleware_reviewed"), ("cms_product", "cms_reviewed")):
        unreviewed |= ~Q(**{f"hosting_facts__{product}": ""}) & Q(**{f"hosting_facts__{reviewed}": False})
    return Site.objects.filter(hosting_facts__isnull=False).filter(unreviewed)
