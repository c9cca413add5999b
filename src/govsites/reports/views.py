"""监管报表 in the admin: the reports of the user's scopes with their due dates, generating one,
reading it, downloading it as HTML or XLSX, publishing it on the portal, and the annual report's
fill-in form. For supervisors only (``actions.may_report``); another area's report is a 404.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from govsites import clock
from govsites.accounts.models import Role
from govsites.audit.context import Actor
from govsites.audit.exports import audited_export
from govsites.registry import permissions as registry_permissions
from govsites.registry.errors import messages_of
from govsites.registry.models import Institution, InstitutionKind
from govsites.registry.views.base import RegistryViewMixin, add_form_errors

from . import html, periods, xlsx
from .actions import GenerateReport, PublishReport, SaveAnnualFacts, WithdrawReport, portal_of
from .forms import AnnualFactsForm, GenerateForm, WithdrawForm
from .models import AnnualReportFacts, Report, ReportKind

LIST_CRUMB = {"url": reverse_lazy("reports:list"), "label": _("监管报表")}
NO_STORE = "no-store, private, max-age=0"


def supervised_paths(user) -> list[str]:
    return [a.institution.path for a in registry_permissions.assignments(user) if a.role == Role.SUPERVISOR]


def sees_reports(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and supervised_paths(user))


def _within(user, prefix: str = "") -> Q:
    condition = Q(pk__in=[])
    for path in supervised_paths(user):
        condition |= Q(**{f"{prefix}path__startswith": path})
    return condition


def scopes_of(user):
    """Governments the user may report on: their own and those of their area."""
    return Institution.objects.filter(_within(user), kind=InstitutionKind.GOVERNMENT).order_by("path")


def visible_reports(user):
    return Report.objects.filter(_within(user, "scope__")).select_related("scope", "generated_by", "published_by",
                                                                         "published_site")


class ReportsViewMixin(RegistryViewMixin):
    header_icon = "doc-full"
    parent_crumbs = (LIST_CRUMB,)

    def has_access(self, user) -> bool:
        return sees_reports(user)

    @property
    def actor(self) -> Actor:
        return Actor.from_request(self.request)

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response["Cache-Control"] = NO_STORE
        return response

    def report(self) -> Report:
        report = visible_reports(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if report is None:
            raise Http404(_("未找到该报表。"))
        return report


def due_rows(scopes) -> list[dict]:
    """The next due date of each kind for the user's top scopes, with whether it is published."""
    today = clock.today()
    rows = []
    for scope in scopes:
        for kind in ReportKind.values:
            current = periods.containing(kind, today)
            for period in (periods.shifted(current, -1), current):
                due = periods.due_on(period)
                if due is None or due < today:
                    continue
                report = Report.objects.filter(scope=scope, kind=kind, period=period.key).first()
                rows.append({"scope": scope, "kind": ReportKind(kind).label, "period": period, "due": due,
                             "days": (due - today).days, "report": report})
                break
    return sorted(rows, key=lambda r: r["due"])


class ReportListView(ReportsViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "reports/admin/list.html"
    page_title = _("监管报表")
    parent_crumbs = ()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        scopes = scopes_of(user)
        top = [s for s in scopes if not any(s.path.startswith(o.path) and s.pk != o.pk for o in scopes)]
        reports = visible_reports(user).order_by("-generated_at", "-pk")[:200]
        this_year = clock.today().year
        context.update(
            reports=reports, due=due_rows(top), form=kwargs.get("form") or GenerateForm(scopes=scopes, initial={
                "kind": ReportKind.MONTHLY, "period": periods.shifted(periods.containing(
                    ReportKind.MONTHLY, clock.today()), -1).key}),
            facts_links=[(scope, year, reverse("reports:facts", args=[scope.pk, year]))
                         for scope in top for year in (this_year - 1, this_year)],
        )
        return context


class GenerateView(ReportListView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = GenerateForm(request.POST, scopes=scopes_of(request.user))
        if form.is_valid():
            try:
                report = GenerateReport(self.actor, form.cleaned_data["kind"], form.cleaned_data["period"],
                                        form.cleaned_data["scope"]).execute()
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("已生成：%(title)s") % {"title": report.title})
                return redirect("reports:report", pk=report.pk)
        messages.error(request, _("未能生成报表，请根据提示修改。"))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ReportView(ReportsViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "reports/admin/report.html"

    def prepare(self):
        self.object = self.report()

    def get_page_title(self):
        return self.object.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        portal = portal_of(report.scope)
        context.update(report=report, body=html.body(report.data), portal=portal,
                       withdraw_form=kwargs.get("withdraw_form") or WithdrawForm(),
                       may_publish=portal is not None and (not report.is_published or report.changed_since_published
                                                           or report.published_site_id != portal.pk))
        return context


class DownloadView(ReportsViewMixin, TemplateView):
    """The report as a standalone HTML file or an XLSX workbook (an attachment: it opens outside
    the admin, without its CSP)."""

    TYPES = {
        "html": "text/html; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }

    def get(self, request, *args, **kwargs):
        fmt = kwargs["fmt"]
        if fmt not in self.TYPES:
            raise Http404(_("不支持的格式。"))
        report = self.report()
        content = html.standalone(report.data).encode("utf-8") if fmt == "html" else xlsx.workbook(report.data)
        audited_export(self.actor, report, "reports.report.download", fmt=fmt,
                       data={"kind": report.kind, "period": report.period})
        response = HttpResponse(content, content_type=self.TYPES[fmt])
        name = f"{report.kind}-{report.period}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class PublishView(ReportsViewMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        report = self.report()
        try:
            PublishReport(self.actor, report).execute()
        except ValidationError as error:
            for texts in messages_of(error).values():
                for text in texts:
                    messages.error(request, text)
        else:
            messages.success(request, _("已提交发布，门户网站将在下次发布时显示该报表。"))
        return redirect("reports:report", pk=report.pk)


class WithdrawView(ReportView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                WithdrawReport(self.actor, self.object, form.cleaned_data["reason"]).execute()
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("已撤回，门户网站将在下次发布时删除该报表。"))
                return redirect("reports:report", pk=self.object.pk)
        messages.error(request, _("未能撤回，请根据提示修改。"))
        for text in form.non_field_errors():
            messages.error(request, text)
        return self.render_to_response(self.get_context_data(withdraw_form=form), status=400)


class AnnualFactsView(ReportsViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """The annual supervision report's fields only the supervising office knows."""

    template_name = "reports/admin/facts.html"

    def prepare(self):
        scope = scopes_of(self.request.user).filter(pk=self.kwargs["scope"]).first()
        if scope is None:
            raise Http404(_("未找到该监管单位。"))
        self.scope, self.year = scope, self.kwargs["year"]
        self.facts = AnnualReportFacts.objects.filter(scope=scope, year=self.year).first()

    def get_page_title(self):
        return _("%(year)s年监管年度报表填报事项") % {"year": self.year}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(scope=self.scope, year=self.year,
                       form=kwargs.get("form") or AnnualFactsForm(instance=self.facts))
        return context

    def post(self, request, *args, **kwargs):
        form = AnnualFactsForm(request.POST, instance=self.facts or AnnualReportFacts(scope=self.scope, year=self.year))
        if form.is_valid():
            try:
                SaveAnnualFacts(self.actor, self.scope, self.year, {
                    name: form.cleaned_data[name] for name in AnnualReportFacts.FILLED_FIELDS}).execute()
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("已保存。重新生成该年度的监管年度报表后生效。"))
                return redirect("reports:facts", scope=self.scope.pk, year=self.year)
        return self.render_to_response(self.get_context_data(form=form), status=400)
