"""考核否决项: per site, valid enquiries unanswered for more than three months within the past year
(the national veto), and those about to cross that line — so a supervisor sees it first."""

from __future__ import annotations

from django import forms as django_forms
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from govsites import clock

from .. import permissions, veto
from ..forms import SiteChoiceField
from .base import OversightViewMixin, overseen_sites


class VetoFilterForm(django_forms.Form):
    site = SiteChoiceField(label=_("网站"), queryset=None, required=False, empty_label=_("全部网站"))
    problems = django_forms.BooleanField(label=_("只看有问题的网站"), required=False)


class VetoView(OversightViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "interaction/admin/veto.html"
    page_title = _("互动回应考核（否决项）")
    header_icon = "warning"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, now = self.request.user, clock.now()
        sites = overseen_sites(user)
        form = VetoFilterForm(self.request.GET or None)
        form.fields["site"].queryset = sites
        only_problems = False
        if form.is_bound and form.is_valid():
            if form.cleaned_data["site"]:
                sites = sites.filter(pk=form.cleaned_data["site"].pk)
            only_problems = form.cleaned_data["problems"]
        entries = veto.report(sites, now)
        if only_problems:
            entries = [e for e in entries if e.vetoes or e.at_risk]
        for entry in entries:
            for case in [*entry.vetoes, *entry.at_risk]:
                case.viewable = permissions.may_view(user, case.message)
        context.update(
            filter_form=form, entries=entries, now=clock.local(now),
            window_start=clock.local(veto.window_start(now)), months=veto.unanswered_months(),
            risk_days=veto.RISK_DAYS, vetoed=sum(1 for e in entries if e.vetoed),
            at_risk=sum(1 for e in entries if e.at_risk and not e.vetoed),
        )
        return context
