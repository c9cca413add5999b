"""我的审批: the steps waiting for this user's decision, and deciding one."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from .. import forms, permissions
from ..actions import DecideStep
from ..models import ApprovalStep
from .base import ACTION_ERRORS, RegistryViewMixin, is_approver, report_errors


def decision_context(step: ApprovalStep, next_url: str = "") -> dict:
    """The approve / reject form of one step, posting to the decide view."""
    return {
        "step": step,
        "form": forms.DecisionForm(auto_id=f"id_step{step.pk}_%s"),
        "url": reverse("registry:decide", args=[step.pk]),
        "next": next_url,
    }


class InboxView(RegistryViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "registry/inbox.html"
    page_title = _("我的审批")
    header_icon = "tasks"

    def has_access(self, user) -> bool:
        return is_approver(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        steps = permissions.inbox(self.request.user).select_related("application__submitted_by")
        context["decisions"] = [decision_context(step) for step in steps]
        return context


class DecideView(RegistryViewMixin, View):
    """POST approve or reject. If someone decided first, the action refuses and we say so."""

    http_method_names = ["post"]

    def post(self, request, pk):
        step = get_object_or_404(ApprovalStep.objects.select_related("application"), pk=pk)
        back = get_valid_next_url_from_request(request) or reverse("registry:inbox")
        form = forms.DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请选择“同意”或“驳回”。"))
            return redirect(back)
        approve = form.cleaned_data["decision"] == "approve"
        try:
            application = DecideStep(self.actor, step, approve=approve, comment=form.cleaned_data["comment"]).execute()
        except ACTION_ERRORS as error:
            report_errors(request, error)
            return redirect(back)
        text = _("已同意：%(application)s") if approve else _("已驳回：%(application)s")
        messages.success(request, text % {"application": application})
        return redirect(back)
