"""One site under supervision: its latest verdict with the vetoes and deductions and their
evidence, its findings (open first, filtered by family and status), its census history and its
violations."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from govsites.policy import profiles

from .. import permissions
from ..checks.catalogue import CHECKS
from ..forms import SiteFindingFilterForm
from ..models import Finding, FindingStatus, SiteResult, Violation
from .base import (
    PER_PAGE,
    SEVERITY_ORDER,
    MonitoringViewMixin,
    finding_rows,
    page_query,
    severity_cells,
    severity_counts,
    verdict,
    visible_site,
)
from .charts import sparkline

HISTORY = 12


def ranked(findings):
    """Open findings first, then fixed, then closed; the most serious first within each."""
    status = Case(*(When(status=s, then=Value(i)) for i, s in enumerate(
        (FindingStatus.OPEN, FindingStatus.FIXED, FindingStatus.CLOSED))), default=Value(9), output_field=IntegerField())
    severity = Case(*(When(severity=s, then=Value(i)) for i, s in enumerate(SEVERITY_ORDER)), default=Value(9),
                    output_field=IntegerField())
    return findings.annotate(status_rank=status, severity_rank=severity).order_by(
        "status_rank", "severity_rank", "-last_seen", "-pk")


def filter_by_family(findings, family: str):
    return findings.filter(check_type__in=[key for key, t in CHECKS.items() if t.family == family])


class SiteView(MonitoringViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "monitoring/site.html"

    def prepare(self):
        self.site = visible_site(self.request.user, self.kwargs["pk"])

    def get_page_title(self):
        return self.site.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        site, user = self.site, self.request.user
        history = list(SiteResult.objects.filter(site=site).select_related("census")
                       .order_by("-checked_at", "-pk")[:HISTORY])
        latest = history[0] if history else None
        form = SiteFindingFilterForm(self.request.GET or None)
        findings = Finding.objects.filter(site=site)
        if form.is_bound and form.is_valid():
            if form.cleaned_data["family"]:
                findings = filter_by_family(findings, form.cleaned_data["family"])
            if form.cleaned_data["status"]:
                findings = findings.filter(status=form.cleaned_data["status"])
        page = Paginator(ranked(findings).select_related("assigned_to"), PER_PAGE).get_page(self.request.GET.get("page"))
        label, code = verdict(latest.passed if latest else None, latest.status if latest else None)
        pass_score = float(profiles.active().get("monitoring.scoring")["pass_score"])
        points = [{"score": r.score, "passed": r.passed, "status": r.status, "checked_at": r.checked_at}
                  for r in reversed(history)]
        context.update(
            site=site, latest=latest, verdict=label, verdict_code=code, filter_form=form, page=page,
            rows=finding_rows(page.object_list), page_query=page_query(self.request),
            history=[{"result": r, "verdict": verdict(r.passed, r.status)} for r in history],
            trend=sparkline(points, pass_score=pass_score, width=240, height=48),
            severities=severity_cells(severity_counts([site.pk])[site.pk]),
            violations=Violation.objects.filter(site=site).select_related("recorded_by")[:5],
            may_supervise=permissions.may_supervise(user, site),
        )
        return context
