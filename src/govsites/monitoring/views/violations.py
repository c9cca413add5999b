"""违规记录 (SUP-07): the violations recorded against the sites of the user's scope, per site with
the form a supervisor records one with (``RecordViolation``)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages as admin_messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from govsites.actions import NotAllowed
from govsites.registry.views.base import ACTION_ERRORS, add_form_errors, error_texts

from .. import permissions
from ..actions import RecordViolation
from ..forms import ViolationFilterForm, ViolationForm
from ..models import Violation
from .base import PER_PAGE, MonitoringViewMixin, page_query, visible_site

VIOLATIONS_CRUMB = {"url": reverse_lazy("monitoring:violations"), "label": _("违规记录")}


class ViolationListView(MonitoringViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "monitoring/violations.html"
    page_title = _("违规记录")
    header_icon = "warning"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ViolationFilterForm(self.request.GET or None)
        violations = Violation.objects.filter(permissions.site_scope(self.request.user, "site__"))
        if form.is_bound and form.is_valid():
            if form.cleaned_data["q"]:
                term = form.cleaned_data["q"].strip()
                violations = violations.filter(Q(site__name__icontains=term) | Q(site__domain__icontains=term))
            if form.cleaned_data["kind"]:
                violations = violations.filter(kind=form.cleaned_data["kind"])
        page = Paginator(violations.select_related("site", "recorded_by"), PER_PAGE).get_page(self.request.GET.get("page"))
        context.update(filter_form=form, page=page, violations=page.object_list, page_query=page_query(self.request),
                       show_site=True)
        return context


class SiteViolationsView(MonitoringViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """A site's violations; supervisors of its area record new ones here."""

    template_name = "monitoring/violations.html"
    parent_crumbs = (VIOLATIONS_CRUMB,)
    header_icon = "warning"

    def prepare(self):
        self.site = visible_site(self.request.user, self.kwargs["pk"])

    def get_page_title(self):
        return f"{self.site.name} · {_('违规记录')}"

    def may_record(self) -> bool:
        return permissions.may_supervise(self.request.user, self.site)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        violations = Violation.objects.filter(site=self.site).select_related("site", "recorded_by")
        page = Paginator(violations, PER_PAGE).get_page(self.request.GET.get("page"))
        form = kwargs.get("form") or (ViolationForm(site=self.site) if self.may_record() else None)
        context.update(site=self.site, page=page, violations=page.object_list, page_query=page_query(self.request),
                       form=form, show_site=False)
        return context

    def post(self, request, *args, **kwargs):
        if not self.may_record():
            raise NotAllowed(str(_("只有主管单位的监管人员可以登记违规情况。")))
        form = ViolationForm(request.POST, site=self.site)
        if not form.is_valid():
            admin_messages.error(request, _("请根据提示修改后重新提交。"))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        data = form.cleaned_data
        try:
            RecordViolation(self.actor, self.site, kind=data["kind"], occurred_on=data["occurred_on"],
                            description=data["description"], finding=data["finding"]).execute()
        except ACTION_ERRORS as error:
            for text in error_texts(error):
                admin_messages.error(request, text)
            add_form_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        admin_messages.success(request, _("违规情况已登记。"))
        return redirect("monitoring:site_violations", self.site.pk)
