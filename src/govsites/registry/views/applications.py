"""申请: the forms for every kind of application, the application list and its page."""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView, WagtailAdminTemplateMixin

from .. import forms, permissions, rules
from ..actions import (
    ApplyForPermanentOffline,
    ApplyForSpecialTopic,
    ApplyForTemporaryOffline,
    ApplyToOpenSite,
    FileChange,
    ReportOutage,
    WithdrawApplication,
)
from ..actions.applications import MATERIAL_LABELS
from ..errors import RuleViolation
from ..identifiers import suggest_domains
from ..models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    Institution,
    InstitutionKind,
    OutageCause,
    Site,
    SiteStatus,
    StepStatus,
)
from ..validation import portal_domain_for
from .base import (
    ACTION_ERRORS,
    ListingViewMixin,
    RegistryViewMixin,
    StatusColumn,
    add_form_errors,
    report_errors,
    visible_site,
)
from .inbox import decision_context
from .sites import SITE_LIST_CRUMB, site_application_links
from .timeline import FIELD_LABELS

APPLICATION_LIST_CRUMB = {"url": reverse_lazy("registry:application_index"), "label": _("申请列表")}
NEW_APPLICATION_CRUMB = {"url": reverse_lazy("registry:application_new"), "label": _("提交申请")}
NOT_FOR_YOU = _("您不能为该单位提交申请。")


def application_status_code(application: Application) -> str:
    return f"application-{application.status}"


# -- the list -----------------------------------------------------------------------------------


class ApplicationFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("申请类型"), choices=ApplicationKind.choices, empty_label=_("全部"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ApplicationStatus.choices, empty_label=_("全部"))

    class Meta:
        model = Application
        fields = []


def current_step(application: Application) -> str:
    """The pending step, read from the prefetched steps (no query per row)."""
    step = next((s for s in application.steps.all() if s.status == StepStatus.PENDING), None)
    return f"{step.get_kind_display()}（{step.institution.name}）" if step else ""


class ApplicationIndexView(ListingViewMixin, IndexView):
    model = Application
    page_title = _("申请列表")
    header_icon = "form"
    index_url_name = "registry:application_index"
    index_results_url_name = "registry:application_index_results"
    filterset_class = ApplicationFilterSet
    search_fields = ["site__name", "institution__name", "topic_title"]
    default_ordering = "-submitted_at"
    columns = [
        TitleColumn("title", label=_("申请"), accessor=str, url_name="registry:application_detail"),
        Column("institution", label=_("申请单位"), accessor="institution.name", sort_key="institution__path"),
        StatusColumn("status", label=_("状态"), accessor="get_status_display", code=application_status_code,
                     sort_key="status"),
        Column("current_step", label=_("当前环节"), accessor=current_step),
        DateColumn("submitted_at", label=_("提交时间"), sort_key="submitted_at"),
    ]

    def get_base_queryset(self):
        return (
            permissions.visible_applications(self.request.user)
            .select_related("institution", "site")
            .prefetch_related("steps__institution")
        )


# -- forms --------------------------------------------------------------------------------------


class ApplicationFormView(RegistryViewMixin, WagtailAdminTemplateMixin, FormView):
    """Submit one application through its action; a refusal comes back on the form, nothing saved."""

    template_name = "registry/application_form.html"
    header_icon = "form"
    parent_crumbs = (NEW_APPLICATION_CRUMB,)
    kind: str = ""

    def get_page_title(self):
        return ApplicationKind(self.kind).label

    def get_page_subtitle(self):
        return self.subject.name

    def get_header_title(self):
        return f"{self.get_page_title()}：{self.get_page_subtitle()}"

    def build_action(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            application = self.build_action(form).execute()
        except ACTION_ERRORS as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("申请已提交：%(application)s") % {"application": application})
        return redirect("registry:application_detail", application.pk)

    def form_invalid(self, form):
        messages.error(self.request, _("申请未提交，请根据提示修改后重新提交。"))
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            subject=self.subject,
            action_url=self.request.path,
            submit_button_label=_("提交申请"),
            submit_button_active_label=_("正在提交…"),
        )
        return context


class InstitutionApplicationView(ApplicationFormView):
    """An application about an institution (open a site, a special topic)."""

    def prepare(self):
        self.institution = self.subject = get_object_or_404(
            Institution.objects.select_related("parent"), pk=self.kwargs["institution"]
        )
        if not permissions.may_file_for(self.request.user, self.institution):
            raise PermissionDenied(NOT_FOR_YOU)


class OpenSiteView(InstitutionApplicationView):
    kind = ApplicationKind.OPEN

    def prepare(self):
        super().prepare()
        self.suggestions = suggest_domains(self.institution, portal_domain_for(self.institution))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "suggestions": self.suggestions}

    def get_initial(self):
        institution = self.institution
        return {
            "name": institution.name if institution.is_government else f"{institution.name}网站",
            "sponsor_name": institution.office_name or institution.name,
            "domain": self.suggestions[0] if self.suggestions else "",
        }

    def get_form_class(self):
        return forms.OpenSiteForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["suggestions"] = self.suggestions
        context["eligibility_problem"] = eligibility_problem(self.institution)
        return context

    def build_action(self, form):
        data = form.cleaned_data
        return ApplyToOpenSite(
            self.actor, self.institution, site_data=form.site_data(), materials=form.materials(),
            purpose=data["purpose"], reason=data["reason"],
        )


def eligibility_problem(institution: Institution) -> str:
    """Tell before filling in the form when a rule will refuse it (REG-02/03)."""
    try:
        rules.check_may_have_site(institution)
        rules.check_no_live_site(institution)
    except RuleViolation as violation:
        return violation.text
    return ""


class SpecialTopicView(InstitutionApplicationView):
    kind = ApplicationKind.SPECIAL_TOPIC
    form_class = forms.SpecialTopicForm

    def get_form_kwargs(self):
        government = self.institution.government or self.institution
        area = Institution.objects.within(government).filter(level=government.level)
        return {
            **super().get_form_kwargs(),
            "institutions": area.exclude(kind=InstitutionKind.GOVERNMENT),
            "hosts": Site.objects.live().filter(institution__in=area).select_related("institution"),
        }

    def build_action(self, form):
        data = form.cleaned_data
        return ApplyForSpecialTopic(
            self.actor, self.institution, title=data["topic_title"], institutions=list(data["topic_institutions"]),
            host_site=data["topic_host_site"], lead=data["lead"], reason=data["reason"],
        )


class SiteApplicationView(ApplicationFormView):
    """An application about one site (offline, outage, closure, change)."""

    def prepare(self):
        self.site = self.subject = visible_site(self.request.user, self.kwargs["pk"])
        if not permissions.may_file_for(self.request.user, self.site.institution):
            raise PermissionDenied(NOT_FOR_YOU)

    def get_parent_crumbs(self):
        return [SITE_LIST_CRUMB, {"url": reverse("registry:site_detail", args=[self.site.pk]), "label": self.site.name}]


class TemporaryOfflineView(SiteApplicationView):
    kind = ApplicationKind.TEMPORARY_OFFLINE
    form_class = forms.TemporaryOfflineForm

    def build_action(self, form):
        data = form.cleaned_data
        return ApplyForTemporaryOffline(
            self.actor, self.site, start_date=data["start_date"], end_date=data["end_date"], reason=data["reason"]
        )


class OutageView(SiteApplicationView):
    kind = ApplicationKind.OUTAGE
    form_class = forms.OutageForm

    def build_action(self, form):
        data = form.cleaned_data
        return ReportOutage(
            self.actor, self.site, cause=data["outage_cause"], start_date=data["start_date"],
            end_date=data["end_date"], reason=data["reason"],
        )


class PermanentOfflineView(SiteApplicationView):
    kind = ApplicationKind.PERMANENT_OFFLINE
    form_class = forms.PermanentOfflineForm

    def get_form_kwargs(self):
        targets = Site.objects.filter(status=SiteStatus.ONLINE).exclude(pk=self.site.pk).order_by("institution__path")
        return {**super().get_form_kwargs(), "targets": targets}

    def build_action(self, form):
        data = form.cleaned_data
        return ApplyForPermanentOffline(
            self.actor, self.site, migration_target=data["migration_target"], safeguards=data["safeguards"],
            reason=data["reason"],
        )


class ChangeView(SiteApplicationView):
    kind = ApplicationKind.CHANGE
    form_class = forms.ChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "site": self.site}

    def build_action(self, form):
        return FileChange(self.actor, self.site, changes=form.changes(), reason=form.cleaned_data["reason"])


SITE_APPLICATION_VIEWS = {
    "temporary-offline": TemporaryOfflineView.as_view(),
    "outage": OutageView.as_view(),
    "permanent-offline": PermanentOfflineView.as_view(),
    "change": ChangeView.as_view(),
}


def apply_for_site(request, pk, kind):
    view = SITE_APPLICATION_VIEWS.get(kind)
    if view is None:
        raise Http404
    return view(request, pk=pk, kind=kind)


class ChooseInstitutionView(RegistryViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """Step one of an institution application: pick the institution (a GET form, no state)."""

    template_name = "registry/choose_institution.html"
    header_icon = "form"
    parent_crumbs = (NEW_APPLICATION_CRUMB,)
    kind: str = ""
    next_url_name = ""

    def get_page_title(self):
        return ApplicationKind(self.kind).label

    def get(self, request, *args, **kwargs):
        data = request.GET if "institution" in request.GET else None
        form = forms.InstitutionChoiceForm(data, queryset=permissions.fileable_institutions(request.user))
        if form.is_bound and form.is_valid():
            return redirect(self.next_url_name, form.cleaned_data["institution"].pk)
        return self.render_to_response(self.get_context_data(form=form))


class ApplicationChooserView(RegistryViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """提交申请: every kind of application, and the user's sites with what may be filed for each."""

    template_name = "registry/application_new.html"
    page_title = _("提交申请")
    header_icon = "form"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sites = (
            Site.objects.live()
            .filter(institution__in=permissions.fileable_institutions(self.request.user))
            .select_related("institution")
            .order_by("institution__path")[:200]
        )
        context["sites"] = [{"site": site, "links": site_application_links(site)} for site in sites]
        return context


# -- one application ----------------------------------------------------------------------------


def visible_application(user, pk) -> Application:
    application = get_object_or_404(
        Application.objects.select_related(
            "institution", "site", "submitted_by", "migration_target", "topic_host_site"
        ),
        pk=pk,
    )
    if not permissions.visible_applications(user).filter(pk=application.pk).exists():
        raise PermissionDenied(_("您无权查看该申请。"))
    return application


def detail_rows(application: Application) -> list[tuple[str, str]]:
    """What this kind of application asks, as ``(label, value)`` rows."""
    rows = []
    if application.start_date:
        period = {"start": f"{application.start_date:%Y-%m-%d}", "end": f"{application.end_date:%Y-%m-%d}"}
        rows.append((_("起止日期"), _("%(start)s 至 %(end)s") % period))
    if application.outage_cause:
        rows.append((_("断网原因"), OutageCause(application.outage_cause).label))
    if application.migration_target_id:
        rows.append((_("迁移目标网站"), str(application.migration_target)))
    if application.safeguards:
        rows.append((_("保障措施"), application.safeguards))
    if application.topic_title:
        rows.append((_("专栏专题名称"), application.topic_title))
        rows.append((_("开设专栏的网站"), str(application.topic_host_site or "—")))
        rows.append((_("涉及部门"), "、".join(i.name for i in application.topic_institutions.all())))
    rows += [(MATERIAL_LABELS.get(k, k), v) for k, v in application.materials.items() if k in MATERIAL_LABELS]
    return rows


def change_rows(application: Application) -> list[tuple[str, str, str]]:
    before = application.changes.get("before", {})
    return [
        (FIELD_LABELS.get(name, name), before.get(name) or "—", value or "—")
        for name, value in application.changes.get("after", {}).items()
    ]


class ApplicationDetailView(RegistryViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "registry/application_detail.html"
    header_icon = "form"
    parent_crumbs = (APPLICATION_LIST_CRUMB,)

    def prepare(self):
        self.application = visible_application(self.request.user, self.kwargs["pk"])

    def get_page_title(self):
        return str(self.application)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application, user = self.application, self.request.user
        steps = list(application.steps.select_related("institution", "decided_by"))
        pending = next((s for s in steps if s.status == StepStatus.PENDING), None)
        context.update(
            application=application,
            status_code=application_status_code(application),
            steps=steps,
            details=detail_rows(application),
            changes=change_rows(application),
            decision=decision_context(pending, next_url=self.request.path)
            if pending and permissions.may_decide(user, pending) else None,
            can_withdraw=application.status == ApplicationStatus.PENDING
            and permissions.may_file_for(user, application.institution),
            withdraw_form=forms.WithdrawForm(),
        )
        return context


class WithdrawView(RegistryViewMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        application = visible_application(request.user, pk)
        form = forms.WithdrawForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            WithdrawApplication(self.actor, application, reason=reason).execute()
        except ACTION_ERRORS as error:
            report_errors(request, error)
        else:
            messages.success(request, _("申请已撤回。"))
        return redirect("registry:application_detail", application.pk)

