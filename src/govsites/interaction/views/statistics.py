"""统计分析: the INT-02 figures per site, department, column and period, with a CSV export."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from django.http import HttpResponse
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from govsites import clock
from govsites.audit.exports import audited_export
from govsites.audit.views import _safe_cell as safe_cell
from govsites.registry.models import Institution

from .. import statistics
from ..forms import StatisticsForm
from ..models import Message, MessageKind
from .base import OversightViewMixin, overseen_sites, scope_departments

HEADERS = ["分组", "名称", "收到（有效）", "已答复", "按期答复", "超期答复", "超期未答复", "办理中未到期", "期限待定",
           "按期答复率", "平均答复工作日", "已公开", "无效"]


def percent(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def average(value) -> str:
    return "—" if value is None else f"{value:.1f}"


def table_row(label: str, figures: statistics.Figures) -> dict:
    return {"label": label, "figures": figures, "rate": percent(figures.on_time_rate),
            "average": average(figures.average_working_days)}


class StatisticsView(OversightViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "interaction/admin/statistics.html"
    page_title = _("留言统计")
    header_icon = "table"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if request.GET.get("format") == "csv" and context["valid"]:
            return self.export(context)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        sites = overseen_sites(user)
        form = StatisticsForm(self.request.GET or None, sites=sites, departments=scope_departments(user))
        valid = not form.is_bound or form.is_valid()
        data = form.cleaned_data if form.is_bound and valid else {}
        period = data.get("period_value") or StatisticsForm.default_period()
        messages = Message.objects.filter(site__in=sites)
        if data.get("site"):
            messages = messages.filter(site=data["site"])
        if data.get("department"):
            messages = messages.filter(department=data["department"])
        total, groups = statistics.breakdown(messages, ("site_id", "department_id", "kind"), period)
        site_names = {site.pk: site.name for site in sites}
        site_order = {pk: index for index, pk in enumerate(site_names)}
        department_ids = [pk for pk in groups["department_id"] if pk is not None]
        department_names = dict(Institution.objects.filter(pk__in=department_ids).values_list("pk", "name"))
        unassigned = str(_("（尚未交办）"))
        tables = [
            (_("按网站"), [table_row(site_names.get(pk, "—"), f) for pk, f in
                          sorted(groups["site_id"].items(), key=lambda item: site_order.get(item[0], 0))]),
            (_("按承办部门"), [table_row(department_names.get(pk, unassigned), f) for pk, f in
                            sorted(groups["department_id"].items(), key=lambda i: department_names.get(i[0], ""))]),
            (_("按栏目类型"), [table_row(str(MessageKind(kind).label), f) for kind, f in sorted(groups["kind"].items())]),
        ]
        query = {k: v for k, v in self.request.GET.items() if k != "format" and v}
        context.update(
            filter_form=form, valid=valid, period=period, total=table_row(str(_("合计")), total),
            tables=[(title, rows) for title, rows in tables if rows],
            as_of=clock.local(statistics.cutoff(period, clock.now())),
            csv_query=urlencode({**query, "format": "csv"}),
        )
        return context

    def export(self, context) -> HttpResponse:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADERS)
        lines = [("合计", context["total"])] + [(str(title), row) for title, rows in context["tables"] for row in rows]
        for group, row in lines:
            f = row["figures"]
            writer.writerow([safe_cell(v) for v in (
                group, row["label"], f.received, f.answered, f.on_time, f.late, f.open_overdue, f.open_not_due,
                f.no_deadline, row["rate"], row["average"], f.published, f.invalid)])
        period = context["period"]
        audited_export(self.actor, None, "interaction.statistics.export", fmt="csv", rows=len(lines),
                       filters={k: v for k, v in self.request.GET.items() if k != "format"},
                       label=f"导出留言统计（{period.label}）")
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        name = escape_uri_path(f"留言统计-{period.first:%Y%m%d}-{period.last:%Y%m%d}.csv")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
        return response
