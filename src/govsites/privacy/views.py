"""个人信息: the security officer's pages for data subjects' requests.

The list and the record page show masked values only. Plain values appear once, in the response
to the unmask form (a reason is required, the action writes the audit entry), which no cache may
keep; exports are downloads of the same kind. A message handler of the record's site may open the
record page and unmask (the interaction issue links there from a message); nobody else gets in.
"""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from govsites import clock
from govsites.registry.views.base import RegistryViewMixin, add_form_errors, report_errors

from . import crypto, permissions
from .actions import ErasePersonalData, ExportPersonalData, UnmaskPersonalData, guess_lookup, validate_lookup
from .models import _KIND, LOOKUP_FIELDS, PERSONAL_FIELDS, PersonalRecord, Source

HOME_CRUMB = {"url": reverse_lazy("privacy:records"), "label": _("个人信息")}
PER_PAGE = 50
NO_STORE = "no-store, private, max-age=0"

REASON_FIELD = dict(
    max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
    error_messages={"required": _("请填写理由。"), "max_length": _("理由不能超过500个字。")},
)


class UnmaskForm(forms.Form):
    fields_ = forms.MultipleChoiceField(
        label=_("查看项"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(name, PersonalRecord._meta.get_field(name).verbose_name) for name in PERSONAL_FIELDS],
        help_text=_("不选则查看全部。"),
    )
    reason = forms.CharField(label=_("查看理由"), help_text=_("记入审计日志，例如“回复留言需电话联系”“当事人申请查阅”。"),
                             **REASON_FIELD)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fields"] = self.fields.pop("fields_")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), help_text=_("记入审计日志，例如当事人申请的编号或日期。"), **REASON_FIELD)


class PrivacyViewMixin(RegistryViewMixin):
    """Entry: the data-subject request handlers; the 403 page (never the data) for anyone else."""

    parent_crumbs = (HOME_CRUMB,)
    header_icon = "lock"

    def has_access(self, user) -> bool:
        return permissions.handles_requests(user)

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response["Cache-Control"] = NO_STORE
        return response


class RecordListView(PrivacyViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """Search by phone number, ID number or e-mail (exact, by blind index); masked listing."""

    template_name = "privacy/admin/records.html"
    page_title = _("个人信息")
    parent_crumbs = ()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        term = (self.request.GET.get("q") or "").strip()[:254]
        records = PersonalRecord.objects.select_related("site")
        source = self.request.GET.get("source") or ""
        digests: dict[str, str] = {}
        error = ""
        looked_for = ""
        if term:
            field, value = guess_lookup(term)
            try:
                validate_lookup(field, value)
            except ValidationError as invalid:
                error = "；".join(invalid.messages)
                records = records.none()
            else:
                digests = {field: crypto.blind_index(_KIND[field], value)}
                records = records.with_digests(digests)
                looked_for = f"{PersonalRecord._meta.get_field(field).verbose_name} {_mask(field, value)}"
        if source in Source.values:
            records = records.filter(source=source)
        page = Paginator(records, PER_PAGE).get_page(self.request.GET.get("page"))
        # The search term is echoed nowhere (not even the search box): only its mask and digest.
        context.update(
            page=page, searched=bool(term), error=error, looked_for=looked_for, sources=Source.choices,
            source=source, export_form=ReasonForm(),
            digests=digests, total=page.paginator.count,
        )
        return context


def _mask(field: str, value: str) -> str:
    from .masking import mask

    return mask(_KIND[field], value)


class RecordView(PrivacyViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """One record, masked; the unmask form; the erase button for request handlers."""

    template_name = "privacy/admin/record.html"

    def has_access(self, user) -> bool:
        return bool(user and user.is_authenticated)  # checked per record in prepare()

    def prepare(self):
        record = PersonalRecord.objects.select_related("site").filter(pk=self.kwargs["pk"]).first()
        if record is None:
            if permissions.handles_requests(self.request.user):
                raise Http404(_("未找到该个人信息记录。"))
            raise PermissionDenied(_("您无权查看该个人信息记录。"))
        if not permissions.may_view(self.request.user, record):
            raise PermissionDenied(_("您无权查看该个人信息记录。"))
        self.record = record

    def get_parent_crumbs(self):
        return [HOME_CRUMB] if permissions.handles_requests(self.request.user) else []

    def get_page_title(self):
        return str(self.record)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.record
        masked = record.masked()
        plain = kwargs.get("plain") or {}
        rows = [
            {"name": name, "label": record.field_label(name), "masked": masked[name],
             "plain": plain.get(name), "shown": name in plain}
            for name in PERSONAL_FIELDS
        ]
        context.update(
            record=record, rows=rows, plain_shown=bool(plain),
            form=kwargs.get("form") or UnmaskForm(), may_erase=permissions.handles_requests(self.request.user),
        )
        return context


class UnmaskView(RecordView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = UnmaskForm(request.POST)
        if form.is_valid():
            try:
                plain = UnmaskPersonalData(
                    self.actor, self.record, reason=form.cleaned_data["reason"],
                    fields=form.cleaned_data["fields"] or None,
                ).execute()
            except ValidationError as error:
                report_errors(request, error)
                add_form_errors(form, error, other_field="reason")
            else:
                # Shown in this response only: nothing stored, nothing cached (no-store).
                return self.render_to_response(self.get_context_data(plain=plain, form=UnmaskForm()))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class EraseView(PrivacyViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """Confirmation page (GET) and the erasure (POST, with a reason)."""

    template_name = "privacy/admin/erase.html"
    page_title = _("删除个人信息")

    def prepare(self):
        self.record = PersonalRecord.objects.select_related("site").filter(pk=self.kwargs["pk"]).first()
        if self.record is None:
            raise Http404(_("未找到该个人信息记录。"))

    def get_parent_crumbs(self):
        return [HOME_CRUMB, {"url": reverse("privacy:record", args=[self.record.pk]), "label": str(self.record)}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(record=self.record, masked=self.record.masked(), form=kwargs.get("form") or ReasonForm())
        return context

    def post(self, request, *args, **kwargs):
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                ErasePersonalData(self.actor, self.record, reason=form.cleaned_data["reason"]).execute()
            except ValidationError as error:
                report_errors(request, error)
                add_form_errors(form, error, other_field="reason")
            else:
                messages.success(request, _("已删除该记录的个人信息，记录本身保留用于统计。"))
                return redirect("privacy:record", self.record.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ExportView(PrivacyViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """POST: the JSON of every record of the subject searched for (digests carried by the list
    page, never the plain search term), as a download."""

    http_method_names = ["post"]
    template_name = "privacy/admin/records.html"

    def post(self, request, *args, **kwargs):
        digests = {field: (request.POST.get(f"{field}_index") or "").strip() for field in LOOKUP_FIELDS}
        form = ReasonForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for text in errors:
                    messages.error(request, text)
            return redirect(reverse("privacy:records"))
        try:
            data = ExportPersonalData(self.actor, reason=form.cleaned_data["reason"], digests=digests).execute()
        except ValidationError as error:
            report_errors(request, error)
            return redirect(reverse("privacy:records"))
        body = json.dumps(data, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        name = f"personal-data-{clock.now():%Y%m%d-%H%M%S}.json"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
