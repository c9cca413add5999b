"""总览: the estate at a glance for the user's scope — each site's registry status, its latest
census verdict and score, open findings by severity, overdue findings and the trend of its last
six results; totals on top. A constant number of queries whatever the size of the estate: the
filters and sorts run on database annotations, the page's rows are completed by three grouped
queries."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from govsites import clock
from govsites.policy import profiles
from govsites.registry.models import SiteStatus

from .. import permissions
from ..forms import DashboardFilterForm
from ..models import SiteResult
from .base import (
    PER_PAGE,
    MonitoringViewMixin,
    page_query,
    severity_cells,
    severity_counts,
    totals,
    trends,
    verdict,
    with_status,
)
from .censuses import running_census
from .charts import sparkline

#: statuses of sites that never existed (an application pending or refused) are not monitored
NEVER_EXISTED = (SiteStatus.PROPOSED, SiteStatus.REFUSED)
SORTS = {
    "region": ("institution__path", "pk"),
    "score": (F("last_score").asc(nulls_first=True), "institution__path"),
    "-score": (F("last_score").desc(nulls_last=True), "institution__path"),
    "-open": ("-open_count", "institution__path"),
    "-overdue": ("-overdue_count", "-open_count", "institution__path"),
    "-checked": (F("last_checked").desc(nulls_last=True), "institution__path"),
    "name": ("name", "pk"),
}


def filtered(sites, data: dict):
    if data.get("q"):
        term = data["q"].strip()
        sites = sites.filter(Q(name__icontains=term) | Q(domain__icontains=term) | Q(institution__name__icontains=term))
    if data.get("region"):
        sites = sites.filter(institution__path__startswith=data["region"].path)
    sites = sites.filter(status=data["status"]) if data.get("status") else sites.exclude(status=SiteStatus.CLOSED)
    choice = data.get("verdict")
    if choice == "passed":
        sites = sites.filter(last_passed=True)
    elif choice == "failed":
        sites = sites.filter(last_passed=False)
    elif choice == "unrated":
        sites = sites.filter(last_result_id__isnull=False, last_passed__isnull=True)
    elif choice == "unchecked":
        sites = sites.filter(last_result_id__isnull=True)
    if data.get("overdue"):
        sites = sites.filter(overdue_count__gt=0)
    return sites


class DashboardView(MonitoringViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "monitoring/dashboard.html"
    page_title = _("网站监管总览")
    parent_crumbs = ()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, now = self.request.user, clock.now()
        scope = permissions.visible_sites(user).exclude(status__in=NEVER_EXISTED)
        form = DashboardFilterForm(self.request.GET or None, regions=permissions.region_choices(user))
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        sites = filtered(with_status(scope, now), data).select_related("institution")
        sites = sites.order_by(*SORTS.get(data.get("sort") or "region", SORTS["region"]))
        page = Paginator(sites, PER_PAGE).get_page(self.request.GET.get("page"))
        context.update(filter_form=form, page=page, rows=self.rows(page.object_list), page_query=page_query(self.request),
                       totals=totals(scope.exclude(status=SiteStatus.CLOSED), now),
                       running=running_census(),
                       may_start=permissions.may_start_census(user))
        return context

    def rows(self, sites) -> list[dict]:
        sites = list(sites)
        ids = [site.pk for site in sites]
        results = SiteResult.objects.in_bulk([s.last_result_id for s in sites if s.last_result_id])
        counts, history = severity_counts(ids), trends(ids)
        pass_score = float(profiles.active().get("monitoring.scoring")["pass_score"])
        rows = []
        for site in sites:
            result = results.get(site.last_result_id)
            label, code = verdict(result.passed if result else None, result.status if result else None)
            rows.append({
                "site": site, "result": result, "verdict": label, "verdict_code": code,
                "severities": severity_cells(counts[site.pk]),
                "trend": sparkline(history[site.pk], pass_score=pass_score),
            })
        return rows
