"""Admin views of authentication (SEC-02): the second factor, lockouts, second-factor resets.

The second-factor pages are the only admin pages a password-only session reaches
(:class:`~govsites.accounts.middleware.SecondFactorMiddleware`). Lockouts and resets are the
security officer's (capabilities ``ACCOUNTS_UNLOCK`` / ``ACCOUNTS_RESET_MFA``).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from django_otp import login as otp_login
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from govsites.actions import NotAllowed
from govsites.audit.context import Actor

from . import capabilities, lockout, mfa
from .actions import (
    ConfirmSecondFactor,
    NewRecoveryCodes,
    ResetSecondFactor,
    UnlockAccount,
    VerifySecondFactor,
)

NEW_CODES_KEY = "govsites_new_recovery_codes"


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("wagtailadmin_home")


def _messages_of(error: ValidationError) -> str:
    return "".join(error.messages)


class SecondFactorPage(View):
    """Shared by the verify and setup pages: a login-like page, no admin menu."""

    template_name = ""

    def render(self, request, context, status=200):
        context = {"next": _next_url(request), **context}
        return TemplateResponse(request, self.template_name, context, status=status)


class VerifyView(SecondFactorPage):
    template_name = "accounts/mfa_verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_verified():
            return HttpResponseRedirect(_next_url(request))
        if not mfa.has_confirmed_totp(request.user):
            return redirect("govsites_mfa:setup")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(request, {})

    def post(self, request):
        token = request.POST.get("token", "")
        device = VerifySecondFactor(Actor.from_request(request), token).execute()
        if device is None:
            error = _("验证码不正确或已使用。请输入验证器当前显示的 6 位数字，或一个未用过的恢复码。")
            return self.render(request, {"error": error}, status=400)
        otp_login(request, device)
        return HttpResponseRedirect(_next_url(request))


class SetupView(SecondFactorPage):
    template_name = "accounts/mfa_setup.html"

    def dispatch(self, request, *args, **kwargs):
        if mfa.has_confirmed_totp(request.user):
            target = _next_url(request) if request.user.is_verified() else reverse("govsites_mfa:verify")
            return HttpResponseRedirect(target)
        return super().dispatch(request, *args, **kwargs)

    def context(self, device) -> dict:
        return {"qr_svg": mfa.qr_svg(device), "secret": mfa.secret_text(device), "device": device}

    def get(self, request):
        return self.render(request, self.context(mfa.pending_totp(request.user)))

    def post(self, request):
        device = mfa.pending_totp(request.user)
        try:
            codes = ConfirmSecondFactor(Actor.from_request(request), device, request.POST.get("token", "")).execute()
        except ValidationError as error:
            return self.render(request, {**self.context(device), "error": _messages_of(error)}, status=400)
        otp_login(request, device)
        request.session[NEW_CODES_KEY] = codes
        url = reverse("govsites_mfa:recovery_codes")
        return HttpResponseRedirect(f"{url}?next={_next_url(request)}")


class RecoveryCodesView(SecondFactorPage):
    """Shows new recovery codes once; a verified user may replace theirs."""

    template_name = "accounts/mfa_recovery_codes.html"

    def get(self, request):
        if not request.user.is_verified():
            return redirect("govsites_mfa:verify")
        codes = request.session.pop(NEW_CODES_KEY, None)
        return self.render(request, {"codes": codes})

    def post(self, request):
        if not request.user.is_verified():
            return redirect("govsites_mfa:verify")
        try:
            codes = NewRecoveryCodes(Actor.from_request(request)).execute()
        except NotAllowed as denied:
            raise PermissionDenied(denied.message) from denied
        request.session[NEW_CODES_KEY] = codes
        return redirect("govsites_mfa:recovery_codes")


class SecurityOfficerView(WagtailAdminTemplateMixin, TemplateView):
    capability = ""

    def dispatch(self, request, *args, **kwargs):
        if not capabilities.has_capability(request.user, self.capability):
            return TemplateResponse(
                request,
                "registry/denied.html",
                {"message": _("只有安全管理员可以访问此页面。"), "page_title": _("无权访问")},
                status=403,
            )
        return super().dispatch(request, *args, **kwargs)


class LockoutsView(SecurityOfficerView):
    """账号锁定: what is locked now, and the unlock button."""

    capability = capabilities.ACCOUNTS_UNLOCK
    template_name = "accounts/lockouts.html"
    page_title = gettext_lazy("账号锁定")
    header_icon = "lock"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lockouts"] = lockout.current_lockouts()
        context["limit"] = lockout.failure_limit()
        context["hours"] = f"{lockout.cool_off().total_seconds() / 3600:g}"
        return context

    def post(self, request):
        kind = request.POST.get("kind")
        value = request.POST.get("value", "")
        params = {"username": value} if kind == "username" else {"ip_address": value} if kind == "ip_address" else {}
        try:
            UnlockAccount(Actor.from_request(request), reason=request.POST.get("reason", ""), **params).execute()
        except ValidationError as error:
            messages.error(request, _messages_of(error))
        else:
            messages.success(request, _("已解除锁定：%(value)s") % {"value": value})
        return redirect("govsites_accounts:lockouts")


class SecondFactorsView(SecurityOfficerView):
    """双因素认证: who has enrolled, and resetting a lost authenticator."""

    capability = capabilities.ACCOUNTS_RESET_MFA
    template_name = "accounts/second_factors.html"
    page_title = gettext_lazy("双因素认证")
    header_icon = "key"

    def get_context_data(self, **kwargs):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        users = get_user_model().objects.filter(is_active=True).order_by("username")
        if query:
            users = users.filter(username__icontains=query) | users.filter(display_name__icontains=query)
        users = list(users[:200])
        enrolled = set(
            TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True)
        )
        context["rows"] = [(user, user.pk in enrolled) for user in users]
        context["query"] = query
        return context

    def post(self, request):
        target = get_object_or_404(get_user_model(), pk=request.POST.get("user"))
        try:
            ResetSecondFactor(Actor.from_request(request), target, reason=request.POST.get("reason", "")).execute()
        except ValidationError as error:
            messages.error(request, _messages_of(error))
        else:
            messages.success(request, _("已重置 %(user)s 的双因素认证，其下次登录时须重新绑定验证器。") % {"user": target})
        return redirect("govsites_accounts:second_factors")
