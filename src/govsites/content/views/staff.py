"""站点成员与栏目: a site's people and roles, column responsibilities, its review workflow and
its free columns. Each form runs one action of :mod:`govsites.content.actions.staffing`."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.models import Workflow

from govsites.registry.models import Site
from govsites.registry.views.base import ACTION_ERRORS, report_errors

from ..actions import staffing
from ..models import ColumnPage, ColumnResponsibility, SiteMembership, SiteRole, SiteWorkflow
from .base import ContentViewMixin


class GrantForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    role = forms.ChoiceField(label=_("角色"), choices=SiteRole.choices)


class ColumnForm(forms.Form):
    title = forms.CharField(label=_("栏目名称"), max_length=60)
    parent = forms.ModelChoiceField(label=_("上级栏目"), queryset=ColumnPage.objects.none(), required=False,
                                    empty_label=_("（网站首页）"))
    description = forms.CharField(label=_("栏目描述"), required=False, max_length=500)
    keywords = forms.CharField(label=_("栏目关键词"), required=False, max_length=200)


class SiteStaffView(ContentViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "content/staff.html"
    header_icon = "group"

    def prepare(self):
        self.site = get_object_or_404(Site.objects.select_related("institution"), pk=self.kwargs["pk"])
        if not staffing.manages_site(self.request.user, self.site):
            raise PermissionDenied(staffing.SiteStaffAction.denied_message)
        self.home = staffing.home_of(self.site)

    def get_page_title(self):
        return f"站点成员与栏目 · {self.site.name}"

    def columns(self):
        return ColumnPage.objects.descendant_of(self.home).order_by("path")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        column_form = kwargs.get("column_form") or ColumnForm()
        column_form.fields["parent"].queryset = self.columns()
        context.update({
            "site": self.site,
            "members": SiteMembership.objects.filter(site=self.site).select_related("user").order_by("role", "user__username"),
            "responsibilities": ColumnResponsibility.objects.filter(column__in=self.columns())
            .select_related("column", "user").order_by("column__path"),
            "workflows": SiteWorkflow.objects.filter(site=self.site).select_related("workflow", "column"),
            "available_workflows": Workflow.objects.filter(active=True).order_by("name"),
            "columns": self.columns(),
            "grant_form": kwargs.get("grant_form") or GrantForm(),
            "column_form": column_form,
            "roles": SiteRole.choices,
            "review_roles": [(SiteRole.REVIEWER, SiteRole.REVIEWER.label),
                             (SiteRole.CONFIDENTIALITY_REVIEWER, SiteRole.CONFIDENTIALITY_REVIEWER.label)],
        })
        return context

    def post(self, request, *args, **kwargs):
        operation = request.POST.get("operation")
        handler = getattr(self, f"do_{operation}", None) if operation in self.OPERATIONS else None
        if handler is None:
            messages.error(request, _("没有这个操作。"))
            return redirect("content:staff", self.site.pk)
        try:
            done = handler(request)
        except ACTION_ERRORS as error:
            report_errors(request, error)
        else:
            if done:
                messages.success(request, done)
        return redirect("content:staff", self.site.pk)

    OPERATIONS = ("grant", "revoke", "responsible", "unassign", "workflow", "column")

    def do_grant(self, request):
        form = GrantForm(request.POST)
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        staffing.GrantSiteRole(self.actor, self.site, form.cleaned_data["username"], form.cleaned_data["role"]).execute()
        return _("已授予角色。")

    def do_revoke(self, request):
        membership = get_object_or_404(SiteMembership, pk=request.POST.get("membership") or 0, site=self.site)
        staffing.RevokeSiteRole(self.actor, membership).execute()
        return _("已取消角色。")

    def do_responsible(self, request):
        column = get_object_or_404(ColumnPage, pk=request.POST.get("column") or 0)
        staffing.SetColumnResponsible(self.actor, self.site, column, request.POST.get("username", ""),
                                      request.POST.get("role", "")).execute()
        return _("已设置栏目责任人。")

    def do_unassign(self, request):
        responsibility = get_object_or_404(ColumnResponsibility, pk=request.POST.get("responsibility") or 0,
                                           column__in=self.columns())
        staffing.UnsetColumnResponsible(self.actor, self.site, responsibility).execute()
        return _("已取消栏目责任人。")

    def do_workflow(self, request):
        workflow = get_object_or_404(Workflow, pk=request.POST.get("workflow") or 0)
        staffing.SetSiteWorkflow(self.actor, self.site, workflow).execute()
        return _("已设置审核流程。")

    def do_column(self, request):
        form = ColumnForm(request.POST)
        form.fields["parent"].queryset = self.columns()
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        data = form.cleaned_data
        staffing.AddColumn(self.actor, self.site, data["parent"], data["title"], data["description"],
                           data["keywords"]).execute()
        return _("已新建栏目。")
