"""审计日志: the auditor's view of the trail (SEC-03) — read, filter, export, verify; never change.

Only holders of ``AUDIT_READ`` enter (the auditor); the capability is checked explicitly because
superusers bypass Wagtail's own permission checks, and the system administrator must not read
the trail. Pages are keyset-paginated on ``seq`` so a million rows list as fast as a hundred.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse_lazy
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.log_actions import registry as log_registry

from govsites import clock
from govsites.accounts import capabilities

from . import chain
from .context import Actor
from .exports import audited_export
from .log import record_event
from .models import AuditLogEntry
from .verify import verify_chain

PER_PAGE = 50
EXPORT_LIMIT = 200_000
HOME_CRUMB = {"url": reverse_lazy("audit:list"), "label": _("审计日志")}
DENIED = _("只有审计员可以查阅审计日志。")
VIA = {"web": "网页", "api": "接口", "cli": "命令行", "system": "系统"}


def may_read(user) -> bool:
    return capabilities.has_capability(user, capabilities.AUDIT_READ)


def may_export(user) -> bool:
    return capabilities.has_capability(user, capabilities.AUDIT_EXPORT)


class FilterForm(forms.Form):
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    user = forms.CharField(label=_("用户"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("操作"), required=False)
    object_type = forms.ChoiceField(label=_("对象类型"), required=False)
    site = forms.IntegerField(label=_("网站编号"), required=False, min_value=1)
    address = forms.CharField(label=_("来源地址"), required=False, max_length=64)
    q = forms.CharField(label=_("原因或对象包含"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        actions = sorted((a, f"{label}（{a}）") for a, label in log_registry.get_choices())
        self.fields["action"].choices = [("", _("全部")), *actions]
        self.fields["object_type"].choices = [("", _("全部"))] + [
            (str(ct.pk), f"{ct.app_label}.{ct.model}") for ct in ContentType.objects.order_by("app_label", "model")
        ]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return data

    def filter(self, queryset):
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if data["date_from"]:
            queryset = queryset.filter(timestamp__gte=clock.at(data["date_from"].year, data["date_from"].month,
                                                               data["date_from"].day))
        if data["date_to"]:
            end = data["date_to"] + dt.timedelta(days=1)
            queryset = queryset.filter(timestamp__lt=clock.at(end.year, end.month, end.day))
        if data["user"]:
            users = get_user_model().objects.filter(username=data["user"].strip()).values("pk")
            queryset = queryset.filter(user_id__in=users)
        if data["action"]:
            queryset = queryset.filter(action=data["action"])
        if data["object_type"]:
            queryset = queryset.filter(content_type_id=int(data["object_type"]))
        if data["site"]:
            queryset = queryset.filter(site_ref=data["site"])
        if data["address"]:
            queryset = queryset.filter(ip_address=chain.normalise_ip(data["address"].strip()) or "0.0.0.0")  # noqa: S104
        if data["q"]:
            queryset = queryset.filter(Q(reason__icontains=data["q"]) | Q(label__icontains=data["q"]))
        return queryset

    def query(self) -> dict:
        return {k: v for k, v in self.data.items() if k in self.fields and v}


class AuditViewMixin(WagtailAdminTemplateMixin):
    header_icon = "history"
    capability = capabilities.AUDIT_READ

    def dispatch(self, request, *args, **kwargs):
        if not capabilities.has_capability(request.user, self.capability):
            return TemplateResponse(request, "registry/denied.html", {
                "message": DENIED, "header_title": _("无权访问"), "page_title": _("无权访问"),
            }, status=403)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        crumbs = [{"url": reverse_lazy("wagtailadmin_home"), "label": _("仪表板")}]
        if self.page_title != HOME_CRUMB["label"]:
            crumbs.append(HOME_CRUMB)
        return [*crumbs, {"url": "", "label": self.get_page_title()}]


class EntryListView(AuditViewMixin, TemplateView):
    template_name = "audit/list.html"
    page_title = _("审计日志")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = FilterForm(self.request.GET or None)
        entries = form.filter(AuditLogEntry.objects.all()) if form.is_bound else AuditLogEntry.objects.all()
        before, after = _int(self.request.GET.get("before")), _int(self.request.GET.get("after"))
        if after is not None:
            rows = list(entries.filter(seq__gt=after).order_by("seq").select_related("user")[:PER_PAGE + 1])
            has_newer = len(rows) > PER_PAGE
            rows = list(reversed(rows[:PER_PAGE]))
            has_older = bool(rows) and entries.filter(seq__lt=rows[-1].seq).exists()
        else:
            if before is not None:
                entries = entries.filter(seq__lt=before)
            rows = list(entries.order_by("-seq").select_related("user")[:PER_PAGE + 1])
            has_older = len(rows) > PER_PAGE
            rows = rows[:PER_PAGE]
            has_newer = before is not None and bool(rows)
        query = urlencode(form.query()) if form.is_bound else ""
        context.update(
            form=form, rows=[_row(e) for e in rows], query=query,
            older_url=f"?{query}&before={rows[-1].seq}" if has_older and rows else "",
            newer_url=f"?{query}&after={rows[0].seq}" if has_newer and rows else "",
            may_export=may_export(self.request.user),
        )
        return context


class EntryDetailView(AuditViewMixin, TemplateView):
    template_name = "audit/detail.html"

    def get_page_title(self):
        return _("审计记录 #%(seq)s") % {"seq": self.entry.seq}

    def dispatch(self, request, *args, **kwargs):
        self.entry = get_object_or_404(AuditLogEntry.objects.select_related("user"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = self.entry
        previous = AuditLogEntry.objects.filter(seq=entry.seq - 1).values_list("entry_hash", flat=True).first()
        following = AuditLogEntry.objects.filter(seq=entry.seq + 1).values_list("prev_hash", flat=True).first()
        own = entry.verifies()
        context.update(
            entry=_row(entry),
            changes=[{"field": k, "before": v.get("before") if isinstance(v, dict) else "",
                      "after": v.get("after") if isinstance(v, dict) else v}
                     for k, v in (entry.changes or {}).items()],
            data=sorted((entry.data or {}).items()),
            own_ok=own, prev_ok=None if previous is None else previous == entry.prev_hash,
            next_ok=None if following is None else following == entry.entry_hash,
        )
        return context


class VerifyView(AuditViewMixin, TemplateView):
    template_name = "audit/verify.html"
    page_title = _("校验审计日志")

    def post(self, request, *args, **kwargs):
        result = verify_chain()
        record_event(Actor.from_request(request), "audit.verify", result.summary()[:200],
                     data={"ok": result.ok, "checked": result.checked, "problems": result.problem_count})
        return self.render_to_response(self.get_context_data(result=result))


def _int(value):
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _row(entry: AuditLogEntry) -> dict:
    label = log_registry.formatters.get(entry.action)
    return {
        "pk": entry.pk, "seq": entry.seq, "timestamp": clock.local(entry.timestamp),
        "user": str(entry.user_display_name), "action": entry.action,
        "action_label": label.label if label else entry.action,
        "object": _object_type(entry.content_type_id), "object_id": entry.object_id, "label": entry.label,
        "ip": entry.ip_address or "", "user_agent": entry.user_agent, "via": VIA.get(entry.via, entry.via),
        "reason": entry.reason, "site": entry.site_ref or "", "prev_hash": entry.prev_hash,
        "entry_hash": entry.entry_hash, "key_id": entry.key_id,
    }


def _object_type(content_type_id) -> str:
    if not content_type_id:
        return ""
    try:
        ct = ContentType.objects.get_for_id(content_type_id)
    except ContentType.DoesNotExist:
        return str(content_type_id)
    model = ct.model_class()
    return str(model._meta.verbose_name) if model else f"{ct.app_label}.{ct.model}"


# -- export ----------------------------------------------------------------------------------------

HEADERS = ["序号", "时间", "用户", "操作", "操作名称", "对象类型", "对象编号", "对象", "来源地址", "客户端", "渠道",
           "原因", "网站编号", "变更内容", "本条哈希"]


def _export_rows(entries):
    for entry in entries.iterator(chunk_size=2000):
        row = _row(entry)
        yield [row["seq"], row["timestamp"].strftime("%Y-%m-%d %H:%M:%S"), row["user"], row["action"],
               row["action_label"], row["object"], row["object_id"], row["label"], row["ip"], row["user_agent"],
               row["via"], row["reason"], row["site"],
               json.dumps(entry.changes, ensure_ascii=False) if entry.changes else "", row["entry_hash"]]


def _safe_cell(value):
    """Spreadsheet formula injection: a cell starting with = + - @ is shown as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_view(request, fmt: str):
    if not may_export(request.user):
        return TemplateResponse(request, "registry/denied.html", {
            "message": _("只有审计员可以导出审计日志。"), "header_title": _("无权访问"), "page_title": _("无权访问"),
        }, status=403)
    form = FilterForm(request.GET or None)
    entries = form.filter(AuditLogEntry.objects.all()) if form.is_bound else AuditLogEntry.objects.all()
    entries = entries.order_by("-seq").select_related("user")[:EXPORT_LIMIT]
    count = entries.count()
    audited_export(Actor.from_request(request), None, "audit.export", fmt=fmt, rows=count,
                   filters=form.query() if form.is_bound else {}, label=f"导出审计日志（{fmt.upper()}）")
    stamp = f"{clock.local(clock.now()):%Y%m%d-%H%M}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)

        def stream():
            yield "\ufeff"
            for row in [HEADERS, *_export_rows(entries)]:
                writer.writerow([_safe_cell(v) for v in row])
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate(0)

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, f"审计日志-{stamp}.csv")
        return response
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("审计日志")
    sheet.append(HEADERS)
    for row in _export_rows(entries):
        sheet.append([_safe_cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition_header(True, f"审计日志-{stamp}.xlsx")
    return response


urlpatterns = [
    path("", EntryListView.as_view(), name="list"),
    path("<int:pk>/", EntryDetailView.as_view(), name="detail"),
    path("verify/", VerifyView.as_view(), name="verify"),
    path("export.csv", export_view, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", export_view, {"fmt": "xlsx"}, name="export_xlsx"),
]
