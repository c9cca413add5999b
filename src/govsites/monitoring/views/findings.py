"""监测问题: every finding of the user's scope, filtered and exported as CSV; one finding with its
evidence and timeline; closing it with a reason (``CloseFinding``, supervisors only)."""

from __future__ import annotations

import csv
import io
import json

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages as admin_messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from govsites import clock
from govsites.actions import NotAllowed
from govsites.audit.exports import audited_export
from govsites.audit.views import _safe_cell as safe_cell
from govsites.registry.views.base import ACTION_ERRORS, add_form_errors, error_texts

from .. import permissions
from ..actions import CloseFinding
from ..checks.catalogue import CHECKS, DETAIL_LABELS
from ..forms import SEVERITY_LABELS, CloseFindingForm, FindingFilterForm, family_label
from ..models import Finding, FindingStatus
from .base import (
    FINDING_STATUS_CODES,
    PER_PAGE,
    SEVERITY_CODES,
    MonitoringViewMixin,
    finding_rows,
    page_query,
)
from .sites import filter_by_family, ranked

FINDINGS_CRUMB = {"url": reverse_lazy("monitoring:findings"), "label": _("监测问题")}
CSV_HEADERS = ["编号", "网站", "域名", "检查项", "检查类别", "严重程度", "所在页面", "问题对象", "证据", "状态",
               "首次发现", "最近发现", "发现次数", "整改单位", "整改期限", "是否逾期"]


def filtered(findings, data: dict, now):
    if data.get("q"):
        term = data["q"].strip()
        findings = findings.filter(Q(host__icontains=term) | Q(url__icontains=term) | Q(target__icontains=term))
    if data.get("family"):
        findings = filter_by_family(findings, data["family"])
    for field, lookup in (("check_type", "check_type"), ("severity", "severity"), ("status", "status")):
        if data.get(field):
            findings = findings.filter(**{lookup: data[field]})
    if data.get("overdue"):
        findings = findings.filter(status=FindingStatus.OPEN, due_at__lte=now)
    return findings


def site_filter(request) -> int | None:
    """``?site=<id>`` from the dashboard's links (the queryset is already limited to the scope)."""
    value = request.GET.get("site", "")
    return int(value) if value.isdigit() else None


def local(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return clock.local(value).strftime(fmt) if value else ""


class FindingListView(MonitoringViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "monitoring/findings.html"
    page_title = _("监测问题")
    header_icon = "warning"

    def get(self, request, *args, **kwargs):
        findings, form = self.findings()
        valid = not form.is_bound or form.is_valid()
        if request.GET.get("format") == "csv" and valid:
            return self.export(findings)
        return self.render_to_response(self.get_context_data(findings=findings, filter_form=form),
                                       status=200 if valid else 400)

    def findings(self):
        form = FindingFilterForm(self.request.GET or None)
        findings = permissions.visible_findings(self.request.user)
        if form.is_bound and form.is_valid():
            findings = filtered(findings, form.cleaned_data, clock.now())
        site = site_filter(self.request)
        if site is not None:
            findings = findings.filter(site_id=site)
        return ranked(findings).select_related("site", "assigned_to"), form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(kwargs["findings"], PER_PAGE).get_page(self.request.GET.get("page"))
        site_id = site_filter(self.request)
        site = permissions.visible_sites(self.request.user).filter(pk=site_id).first() if site_id else None
        query = page_query(self.request, drop=("page", "format"))
        context.update(page=page, rows=finding_rows(page.object_list), page_query=page_query(self.request),
                       csv_query=f"{query}format=csv", site=site)
        return context

    def export(self, findings) -> HttpResponse:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_HEADERS)
        rows = 0
        for f in findings.iterator(chunk_size=2000):
            check = CHECKS.get(f.check_type)
            writer.writerow([safe_cell(v) for v in (
                f.pk, f.site.name if f.site else "", f.host, f.label, family_label(check.family) if check else "",
                str(SEVERITY_LABELS.get(f.severity, f.severity)), f.url, f.target, f.evidence, f.get_status_display(),
                local(f.first_seen), local(f.last_seen), f.times_seen, f.assigned_to.name if f.assigned_to else "",
                local(f.due_at, "%Y-%m-%d"), "是" if f.overdue else "否")])
            rows += 1
        audited_export(self.actor, None, "monitoring.findings.export", fmt="csv", rows=rows,
                       filters={k: v for k, v in self.request.GET.items() if k != "format"}, label="导出监测问题")
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        name = escape_uri_path(f"监测问题-{clock.local(clock.now()):%Y%m%d-%H%M}.csv")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
        return response


def detail_text(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def detail_rows(detail: dict) -> list[tuple[str, str]]:
    """A finding's measured values under their Chinese labels, each as text (nested values as
    compact JSON), in key order: PostgreSQL's jsonb does not keep the order the check wrote."""
    if not isinstance(detail, dict):
        return []
    return [(DETAIL_LABELS.get(str(key), str(key)), detail_text(detail[key])) for key in sorted(detail, key=str)]


class FindingView(MonitoringViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "monitoring/finding.html"
    parent_crumbs = (FINDINGS_CRUMB,)
    header_icon = "warning"

    def prepare(self):
        self.finding = self.load()
        self.form = None

    def load(self) -> Finding:
        finding = (permissions.visible_findings(self.request.user)
                   .select_related("site__institution", "assigned_to", "first_census", "last_census")
                   .filter(pk=self.kwargs["pk"]).first())
        if finding is None:
            raise Http404(_("未找到该监测问题。"))
        return finding

    def get_page_title(self):
        return f"#{self.finding.pk} {self.finding.label}"

    def may_close(self) -> bool:
        return self.finding.status != FindingStatus.CLOSED and permissions.may_supervise(
            self.request.user, self.finding.site)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        finding = self.finding
        check = CHECKS.get(finding.check_type)
        context.update(
            finding=finding, check=check, family=family_label(check.family) if check else "",
            severity_label=SEVERITY_LABELS.get(finding.severity, finding.severity),
            severity_code=SEVERITY_CODES.get(finding.severity, "none"),
            status_code=FINDING_STATUS_CODES.get(finding.status, "none"),
            detail=detail_rows(finding.detail),
            events=finding.events.select_related("actor", "census"),
            violations=finding.violations.select_related("site", "recorded_by"),
            close_form=(self.form or CloseFindingForm()) if self.may_close() else None,
        )
        return context


class CloseFindingView(FindingView):
    """POST the close form; on refusal the finding page shows again with the reasons."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not permissions.may_supervise(request.user, self.finding.site):
            raise NotAllowed(str(_("只有主管单位的监管人员可以关闭监测问题。")))
        form = CloseFindingForm(request.POST)
        if not form.is_valid():
            admin_messages.error(request, _("请根据提示修改后重新提交。"))
        else:
            try:
                CloseFinding(self.actor, self.finding, form.cleaned_data["reason"]).execute()
            except ACTION_ERRORS as error:
                for text in error_texts(error):
                    admin_messages.error(request, text)
                add_form_errors(form, error)
            else:
                admin_messages.success(request, _("该问题已关闭。"))
                return redirect("monitoring:finding", self.finding.pk)
        # the action ran in a transaction that was rolled back; the in-memory finding may not be
        self.finding, self.form = self.load(), form
        return self.render_to_response(self.get_context_data(), status=400)
