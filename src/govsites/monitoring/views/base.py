"""What the supervision admin views share: who may enter, the objects of the user's scope, the
status colours, and the aggregate queries that keep every listing at a constant number of queries.

A site, finding or census outside the user's scope is a 404, as if it did not exist.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.http import Http404
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from govsites.registry.models import Site
from govsites.registry.views.base import RegistryViewMixin

from .. import permissions
from ..forms import SEVERITY_LABELS
from ..models import Finding, FindingStatus, SiteResult, SiteResultStatus

DASHBOARD_CRUMB = {"url": reverse_lazy("monitoring:dashboard"), "label": _("网站监管")}
NO_STORE = "no-store, private, max-age=0"
PER_PAGE = 50

#: colours (registry.css status codes) of severities, finding statuses and verdicts
SEVERITY_CODES = {"veto": "refused", "serious": "outage", "deduction": "temporarily_offline", "warning": "none"}
FINDING_STATUS_CODES = {FindingStatus.OPEN: "step-pending", FindingStatus.FIXED: "online", FindingStatus.CLOSED: "closed"}
SEVERITY_ORDER = ("veto", "serious", "deduction", "warning")


class MonitoringViewMixin(RegistryViewMixin):
    """Entry: supervisors and site managers (``permissions.may_enter``); the Chinese 403 page for
    everyone else. Pages are never cached: they show findings about live sites."""

    header_icon = "view"
    parent_crumbs = (DASHBOARD_CRUMB,)

    def has_access(self, user) -> bool:
        return permissions.may_enter(user)

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response["Cache-Control"] = NO_STORE
        return response


def visible_site(user, pk) -> Site:
    site = Site.objects.select_related("institution").filter(pk=pk).first()
    if site is None or not permissions.may_view_site(user, site):
        raise Http404(_("未找到该网站。"))
    return site


def page_query(request, drop=("page",)) -> str:
    """The request's filters, to prefix a page link (``?{{ page_query }}page=2``)."""
    query = {k: v for k, v in request.GET.items() if k not in drop and v}
    return f"{urlencode(query)}&" if query else ""


# -- a site's latest result, open findings and trend, aggregated --------------------------------


def latest_result(field: str = "pk"):
    """The newest ``SiteResult`` of the outer site, one column of it."""
    newest = SiteResult.objects.filter(site=OuterRef("pk")).order_by("-checked_at", "-pk")
    return Subquery(newest.values(field)[:1])


def count_of(queryset):
    """A correlated count of ``queryset`` (rows with ``site`` = the outer site); 0 when none."""
    grouped = queryset.filter(site=OuterRef("pk")).order_by().values("site").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(grouped[:1]), 0)


def with_status(sites, now):
    """Annotate each site with its latest result and counts of open and overdue findings, so the
    dashboard filters and sorts by them in the database."""
    open_findings = Finding.objects.filter(status=FindingStatus.OPEN)
    return sites.annotate(
        last_result_id=latest_result(),
        last_passed=latest_result("passed"),
        last_score=latest_result("score"),
        last_checked=latest_result("checked_at"),
        open_count=count_of(open_findings),
        overdue_count=count_of(open_findings.filter(due_at__lte=now)),
    )


def severity_counts(site_ids) -> dict[int, dict[str, int]]:
    """Open findings per site and severity (one query)."""
    counts: dict[int, dict[str, int]] = {pk: {} for pk in site_ids}
    rows = (Finding.objects.filter(site_id__in=site_ids, status=FindingStatus.OPEN).order_by()
            .values("site_id", "severity").annotate(n=Count("pk")))
    for row in rows:
        counts[row["site_id"]][row["severity"]] = row["n"]
    return counts


def finding_rows(findings) -> list[dict]:
    """Findings with the colours and labels of their severity and status."""
    return [{"finding": f, "severity_code": SEVERITY_CODES.get(f.severity, "none"),
             "severity_label": SEVERITY_LABELS.get(f.severity, f.severity),
             "status_code": FINDING_STATUS_CODES.get(f.status, "none")} for f in findings]


def severity_cells(counts: dict[str, int]) -> list[dict]:
    """One cell per severity, most serious first: its label, colour and count."""
    return [{"severity": s, "code": SEVERITY_CODES[s], "count": counts.get(s, 0),
             "text": f"{SEVERITY_LABELS[s]} {counts.get(s, 0)}"} for s in SEVERITY_ORDER]


def trends(site_ids, last: int = 6) -> dict[int, list[dict]]:
    """The ``last`` results of each site, oldest first (one query: a window function)."""
    ranked = (SiteResult.objects.filter(site_id__in=site_ids)
              .annotate(rank=Window(RowNumber(), partition_by=[F("site_id")], order_by=[F("checked_at").desc(),
                                                                                         F("pk").desc()]))
              .filter(rank__lte=last).values("site_id", "score", "passed", "status", "checked_at"))
    out: dict[int, list[dict]] = {pk: [] for pk in site_ids}
    for row in ranked:
        out[row["site_id"]].append(row)
    for rows in out.values():
        rows.sort(key=lambda r: r["checked_at"])
    return out


def verdict(passed: bool | None, status: str | None) -> tuple[str, str]:
    """(label, colour) of a result's verdict."""
    if status is None:
        return str(_("尚未检查")), "none"
    if passed is True:
        return str(_("合格")), "online"
    if passed is False:
        return str(_("不合格")), "refused"
    if status == SiteResultStatus.UNREACHABLE:
        return str(_("无法访问")), "outage"
    return str(_("未评定")), "none"


def totals(sites, now) -> dict:
    """The figures on top of the dashboard, over every site of ``sites`` (two queries)."""
    figures = sites.annotate(last_passed=latest_result("passed"), last_result_id=latest_result()).aggregate(
        sites=Count("pk"),
        checked=Count("pk", filter=Q(last_result_id__isnull=False)),
        passed=Count("pk", filter=Q(last_passed=True)),
        failed=Count("pk", filter=Q(last_passed=False)),
    )
    findings = Finding.objects.filter(site__in=sites, status=FindingStatus.OPEN).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lte=now)),
        veto=Count("pk", filter=Q(severity="veto")), serious=Count("pk", filter=Q(severity="serious")),
    )
    rated = figures["passed"] + figures["failed"]
    figures["rate"] = f"{Decimal(figures['passed'] * 100) / rated:.1f}%" if rated else "—"
    figures["unrated"] = figures["checked"] - rated
    return {**figures, **findings}
