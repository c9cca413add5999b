"""安全管理: the security records in the Wagtail admin — lists with filters, detail pages with their
timelines and operation forms, and the forms that record new ones.

Readers (SECURITY_RECORDS_VIEW: security officer, auditor, supervisor — each in their area) see
lists and details; only the security officer (SECURITY_RECORDS_MANAGE) sees forms, and every
change is an action. A record outside the reader's area is a 404, like one that never existed.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from govsites import clock
from govsites.registry.views.base import ACTION_ERRORS, RegistryViewMixin, add_form_errors

from . import actions, forms, overview, permissions
from .models import (
    UNFIXED_STATES,
    CounterfeitCase,
    CounterfeitState,
    Drill,
    EmergencyPlan,
    HostingFacts,
    Incident,
    IncidentKind,
    IncidentState,
    PeriodicScan,
    VulnerabilityNotice,
    VulnerabilityState,
)

HOME_CRUMB = {"url": reverse_lazy("security:overview"), "label": _("安全管理")}
PER_PAGE = 50
DENIED = _("您没有访问安全管理的权限。")

STATE_CODES = {
    "received": "step-pending", "fixing": "temporarily_offline", "fixed": "approved", "closed": "closed",
    "risk_accepted": "none", "open": "refused", "contained": "temporarily_offline", "resolved": "approved",
    "handed_over": "step-pending",
}


def sees_security(user) -> bool:
    return permissions.may_view(user)


class SecurityViewMixin(RegistryViewMixin):
    parent_crumbs = (HOME_CRUMB,)

    def has_access(self, user) -> bool:
        return sees_security(user)

    @property
    def may_manage(self) -> bool:
        return permissions.may_manage(self.request.user)


@dataclass
class Cell:
    text: object = ""
    url: str = ""
    code: str = ""
    muted: str = ""


# -- overview ------------------------------------------------------------------------------------


class OverviewView(SecurityViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """Every site of the reader's area with its open and overdue records and hosting flags."""

    template_name = "security/admin/overview.html"
    page_title = _("安全概览")
    header_icon = "warning"
    parent_crumbs = ()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = (self.request.GET.get("q") or "").strip()[:50]
        sites = permissions.sites(self.request.user).live().select_related("institution").order_by(
            "institution__path", "pk")
        if q:
            sites = sites.filter(Q(name__icontains=q) | Q(domain__icontains=q))
        page = Paginator(sites, PER_PAGE).get_page(self.request.GET.get("page"))
        rows = overview.overview_for_sites(page.object_list)
        context.update(q=q, page=page, rows=[rows[site.pk] for site in page.object_list],
                       page_query=f"{urlencode({'q': q})}&" if q else "", may_manage=self.may_manage)
        return context


# -- lists ---------------------------------------------------------------------------------------


class RecordListView(SecurityViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """A filtered, paginated list; subclasses give the queryset, the columns and the filter."""

    template_name = "security/admin/list.html"
    header_icon = "warning"
    states = None
    flag_label = None
    new_url_name = ""
    new_label = ""
    site_lookup = "site"

    def base_queryset(self):
        raise NotImplementedError

    def flagged(self, qs):
        return qs

    def filter_site(self, qs, site):
        return qs.filter(**{self.site_lookup: site})

    def headers(self) -> list:
        raise NotImplementedError

    def row(self, obj) -> list[Cell]:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = forms.FilterForm(self.request.GET or None, user=self.request.user, states=self.states,
                                flag_label=self.flag_label)
        qs = self.base_queryset()
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            if data.get("site"):
                qs = self.filter_site(qs, data["site"])
            if data.get("state"):
                qs = qs.filter(state=data["state"])
            if data.get("flag"):
                qs = self.flagged(qs)
        query = {k: v for k, v in self.request.GET.items() if k != "page" and v}
        page = Paginator(qs.distinct(), PER_PAGE).get_page(self.request.GET.get("page"))
        context.update(
            filter_form=form, page=page, headers=self.headers(), rows=[self.row(obj) for obj in page.object_list],
            page_query=f"{urlencode(query)}&" if query else "",
            new_url=reverse(self.new_url_name) if self.new_url_name and self.may_manage else "",
            new_label=self.new_label, extra=self.extra_context_data(),
        )
        return context

    def extra_context_data(self):
        return {}


def state_cell(obj, url="") -> Cell:
    return Cell(obj.get_state_display(), url=url, code=STATE_CODES.get(obj.state, "none"))


def sites_text(sites) -> str:
    return "、".join(site.name for site in sites)


class NoticeListView(RecordListView):
    page_title = _("漏洞通报")
    states = VulnerabilityState.choices
    flag_label = _("只看逾期未整改")
    new_url_name = "security:notice_new"
    new_label = _("登记漏洞")
    site_lookup = "sites"

    def base_queryset(self):
        visible = permissions.sites(self.request.user)
        return VulnerabilityNotice.objects.filter(sites__in=visible).prefetch_related("sites").distinct()

    def flagged(self, qs):
        return qs.overdue()

    def headers(self):
        return [_("漏洞名称"), _("涉及网站"), _("危险等级"), _("来源"), _("发现/通报日期"), _("整改期限"), _("状态")]

    def row(self, n):
        url = reverse("security:notice", args=[n.pk])
        deadline = Cell(n.deadline, code="refused" if n.is_overdue else "", muted=_("已逾期") if n.is_overdue else "")
        return [Cell(n.title, url=url), Cell(sites_text(n.sites.all())), Cell(n.get_severity_display()),
                Cell(n.get_source_display()), Cell(n.notified_on), deadline, state_cell(n)]


class ScanListView(RecordListView):
    page_title = _("安全扫描")
    new_url_name = "security:scan_new"
    new_label = _("登记扫描")
    site_lookup = "sites"

    def base_queryset(self):
        return PeriodicScan.objects.filter(sites__in=permissions.sites(self.request.user)).prefetch_related("sites")

    def headers(self):
        return [_("扫描日期"), _("扫描对象"), _("扫描工具"), _("发现问题数"), _("扫描网站"), _("扫描结论")]

    def row(self, s):
        return [Cell(s.performed_on), Cell(s.get_scope_display()), Cell(s.tool), Cell(s.findings_count),
                Cell(sites_text(s.sites.all())), Cell(s.summary)]


class PlanListView(RecordListView):
    page_title = _("应急预案与演练")
    template_name = "security/admin/plans.html"
    flag_label = _("只看未完成备案")
    new_url_name = "security:plan_new"
    new_label = _("登记预案")

    def base_queryset(self):
        institutions = permissions.institutions(self.request.user)
        return EmergencyPlan.objects.filter(institution__in=institutions).select_related("institution", "site")

    def filter_site(self, qs, site):
        return qs.filter(Q(site=site) | Q(site__isnull=True, institution_id=site.institution_id))

    def flagged(self, qs):
        return qs.filter(is_current=True).filter(
            Q(filed_with_supervisor_on__isnull=True) | Q(filed_with_cyberspace_on__isnull=True))

    def headers(self):
        return [_("预案名称"), _("版本"), _("主办单位"), _("网站"), _("印发日期"), _("备案"), _("现行")]

    def row(self, p):
        filed = Cell(_("已备案"), code="approved") if p.is_filed else Cell(_("未完成备案"), code="refused")
        return [Cell(p.title, url=reverse("security:plan", args=[p.pk])), Cell(p.version), Cell(p.institution.name),
                Cell(p.site.name if p.site else _("本单位所有网站")), Cell(p.adopted_on), filed,
                Cell(_("现行") if p.is_current else _("已替代"))]

    def extra_context_data(self):
        drills = Drill.objects.filter(institution__in=permissions.institutions(self.request.user)).select_related(
            "institution", "site")
        site = self.request.GET.get("site")
        if site and site.isdigit():
            drills = drills.filter(Q(site_id=int(site)) | Q(site__isnull=True, institution__sites__pk=int(site)))
        drills = drills.distinct()
        return {
            "drills": drills[:100],
            "drill_url": reverse("security:drill_new") if self.may_manage else "",
            "drill_months": overview.drill_interval_months(),
        }


class IncidentListView(RecordListView):
    page_title = _("安全事件")
    states = IncidentState.choices
    flag_label = _("只看未结案")
    new_url_name = "security:incident_new"
    new_label = _("登记事件")

    def base_queryset(self):
        return Incident.objects.filter(site__in=permissions.sites(self.request.user)).select_related("site")

    def flagged(self, qs):
        return qs.open()

    def headers(self):
        return [_("事件名称"), _("网站"), _("事件类型"), _("事件级别"), _("发现时间"), _("报告"), _("状态")]

    def row(self, i):
        reports = [label for label, day in ((_("主管单位"), i.reported_to_supervisor_on),
                                            (_("网信"), i.reported_to_cyberspace_on),
                                            (_("公安"), i.reported_to_public_security_on)) if day]
        return [Cell(i.title, url=reverse("security:incident", args=[i.pk])), Cell(i.site.name),
                Cell(i.get_kind_display()), Cell(i.get_grade_display()),
                Cell(clock.local(i.detected_at).strftime("%Y-%m-%d %H:%M")),
                Cell("、".join(str(r) for r in reports) or "—"), state_cell(i)]


class CounterfeitListView(RecordListView):
    page_title = _("假冒网站")
    states = CounterfeitState.choices
    flag_label = _("只看未结案")
    new_url_name = "security:counterfeit_new"
    new_label = _("登记假冒网站")
    site_lookup = "imitated_site"

    def base_queryset(self):
        return CounterfeitCase.objects.filter(imitated_site__in=permissions.sites(self.request.user)).select_related(
            "imitated_site")

    def flagged(self, qs):
        return qs.open()

    def headers(self):
        return [_("假冒网站域名"), _("假冒网站名称"), _("被假冒网站"), _("发现途径"), _("发现日期"), _("移交日期"),
                _("状态")]

    def row(self, c):
        return [Cell(c.domain, url=reverse("security:counterfeit", args=[c.pk])), Cell(c.name),
                Cell(c.imitated_site.name), Cell(c.get_found_via_display()), Cell(c.found_on),
                Cell(c.handed_over_on or "—"), state_cell(c)]


class HostingListView(RecordListView):
    """Every site of the area with its hosting facts (or none yet) and flags."""

    page_title = _("托管信息")
    flag_label = _("只看有问题的网站")

    def filter_site(self, qs, site):
        return qs.filter(pk=site.pk)

    def base_queryset(self):
        return permissions.sites(self.request.user).live().select_related("institution", "hosting_facts").order_by(
            "institution__path", "pk")

    def flagged(self, qs):
        return qs.filter(pk__in=[s.pk for s in qs if overview.hosting_flags(getattr(s, "hosting_facts", None), s)])

    def headers(self):
        return [_("网站"), _("服务器位置"), _("托管服务商"), _("等保级别"), _("最近安全检测"), _("提示")]

    def row(self, site):
        facts = getattr(site, "hosting_facts", None)
        url = reverse("security:hosting", args=[site.pk])
        flags = overview.hosting_flags(facts, site)
        flag_cell = Cell("；".join(flags), code="flagged") if flags else Cell(_("无"), code="approved")
        if facts is None:
            return [Cell(site.name, url=url), Cell("—"), Cell("—"), Cell("—"), Cell("—"), flag_cell]
        where = _("境内") if facts.in_mainland else _("境外")
        return [Cell(site.name, url=url), Cell(f"{where} {facts.server_region}".strip()), Cell(facts.provider),
                Cell(facts.get_graded_level_display() if facts.graded_level else _("未定级")),
                Cell(facts.security_tested_on or "—"), flag_cell]


# -- forms that create records ---------------------------------------------------------------------


class CreateView(SecurityViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET shows the form, POST runs the action; refusals come back on the form (status 400)."""

    template_name = "security/admin/form.html"
    header_icon = "plus"
    form_class = None
    list_url_name = ""
    multipart = False

    def has_access(self, user) -> bool:
        return permissions.may_manage(user)

    def get_parent_crumbs(self):
        return [HOME_CRUMB, {"url": reverse(self.list_url_name), "label": self.list_label}]

    def make_form(self):
        data = self.request.POST if self.request.method == "POST" else None
        files = self.request.FILES if self.request.method == "POST" else None
        return self.form_class(data, files, user=self.request.user, initial=self.initial())

    def initial(self):
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(form=kwargs.get("form") or self.make_form(), multipart=self.multipart,
                       cancel_url=reverse(self.list_url_name))
        return context

    def post(self, request, *args, **kwargs):
        form = self.make_form()
        if form.is_valid():
            try:
                record = self.build(form.cleaned_data).execute()
            except ACTION_ERRORS as error:
                add_form_errors(form, error)
            else:
                messages.success(request, self.success_message)
                return redirect(self.success_url(record))
        messages.error(request, _("请根据提示修改后重新提交。"))
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def success_url(self, record):
        return reverse(self.list_url_name)


class NoticeCreateView(CreateView):
    page_title = _("登记漏洞")
    form_class = forms.NoticeForm
    list_url_name, list_label = "security:notices", _("漏洞通报")
    success_message = _("漏洞已登记。")

    def build(self, d):
        return actions.RecordNotice(
            self.actor, d["sites"], source=d["source"], title=d["title"], severity=d["severity"],
            notified_on=d["notified_on"], reference=d["reference"], description=d["description"],
            deadline=d["deadline"],
        )

    def success_url(self, record):
        return reverse("security:notice", args=[record.pk])


class ScanCreateView(CreateView):
    page_title = _("登记扫描")
    form_class = forms.ScanForm
    list_url_name, list_label = "security:scans", _("安全扫描")
    success_message = _("扫描已登记。")

    def build(self, d):
        return actions.RecordScan(self.actor, d["sites"], performed_on=d["performed_on"], scope=d["scope"],
                                  tool=d["tool"], findings_count=d["findings_count"], summary=d["summary"])


class PlanCreateView(CreateView):
    page_title = _("登记应急预案")
    form_class = forms.PlanForm
    list_url_name, list_label = "security:plans", _("应急预案与演练")
    success_message = _("应急预案已登记。")
    multipart = True

    def build(self, d):
        return actions.RecordPlan(
            self.actor, d["institution"], site=d["site"], title=d["title"], version=d["version"],
            document=d["document"], adopted_on=d["adopted_on"],
            filed_with_supervisor_on=d["filed_with_supervisor_on"], supervisor_reference=d["supervisor_reference"],
            filed_with_cyberspace_on=d["filed_with_cyberspace_on"], cyberspace_reference=d["cyberspace_reference"],
            reviewed_on=d["reviewed_on"],
        )

    def success_url(self, record):
        return reverse("security:plan", args=[record.pk])


class DrillCreateView(CreateView):
    page_title = _("登记应急演练")
    form_class = forms.DrillForm
    list_url_name, list_label = "security:plans", _("应急预案与演练")
    success_message = _("应急演练已登记。")

    def build(self, d):
        return actions.RecordDrill(self.actor, d["institution"], site=d["site"], held_on=d["held_on"],
                                   scenario=d["scenario"], participants=d["participants"], findings=d["findings"])


class IncidentCreateView(CreateView):
    page_title = _("登记安全事件")
    form_class = forms.IncidentForm
    list_url_name, list_label = "security:incidents", _("安全事件")
    success_message = _("安全事件已登记。")

    def build(self, d):
        return actions.OpenIncident(self.actor, d["site"], kind=d["kind"], grade=d["grade"], title=d["title"],
                                    description=d["description"], detected_at=d["detected_at"],
                                    personal_data=d["personal_data"])

    def success_url(self, record):
        return reverse("security:incident", args=[record.pk])


class CounterfeitCreateView(CreateView):
    page_title = _("登记假冒网站")
    form_class = forms.CounterfeitForm
    list_url_name, list_label = "security:counterfeits", _("假冒网站")
    success_message = _("假冒网站案件已登记。")
    multipart = True

    def build(self, d):
        return actions.RecordCounterfeitCase(
            self.actor, d["imitated_site"], domain=d["domain"], name=d["name"], found_via=d["found_via"],
            found_on=d["found_on"], evidence_url=d["evidence_url"], evidence_notes=d["evidence_notes"],
            screenshot=d["screenshot"],
        )

    def success_url(self, record):
        return reverse("security:counterfeit", args=[record.pk])


class HostingEditView(CreateView):
    """One site's hosting facts: readers see them, the security officer edits them."""

    form_class = forms.HostingForm
    list_url_name, list_label = "security:hostings", _("托管信息")
    success_message = _("托管信息已保存。")
    header_icon = "site"

    def has_access(self, user) -> bool:
        return permissions.may_view(user)

    def prepare(self):
        site = permissions.sites(self.request.user).select_related("institution").filter(pk=self.kwargs["pk"]).first()
        if site is None:
            raise Http404(_("未找到该网站，或不在您的管辖范围内。"))
        self.site = site
        self.facts = HostingFacts.objects.filter(site=site).first()
        self.editable = permissions.may_manage_site(self.request.user, site)
        if self.request.method == "POST" and not self.editable:
            raise PermissionDenied(_("您只能查看托管信息，不能修改。"))

    def get_page_title(self):
        return f"{self.site.name} · {_('托管信息')}"

    def make_form(self):
        data = self.request.POST if self.request.method == "POST" else None
        return forms.HostingForm(data, instance=self.facts or HostingFacts(site=self.site))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(editable=self.editable, facts=self.facts,
                       flags=overview.hosting_flags(self.facts, self.site), site=self.site)
        return context

    def get_template_names(self):
        return ["security/admin/hosting.html"]

    def build(self, d):
        return actions.RecordHostingFacts(self.actor, self.site, **{f: d[f] for f in HostingFacts.RECORD_FIELDS})

    def success_url(self, record):
        return reverse("security:hosting", args=[self.site.pk])


# -- detail pages with operations ------------------------------------------------------------------


@dataclass
class Operation:
    name: str
    label: str
    form_class: type
    build: object  # (view, record, cleaned_data) -> Action
    available: object = lambda record: True
    multipart: bool = False


class DetailView(SecurityViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """A record's facts, timeline and (for the security officer) the operations its state allows.
    ``POST .../do/<op>/`` runs one; a refusal shows the page again with that form's errors."""

    template_name = "security/admin/detail.html"
    header_icon = "warning"
    model = None
    list_url_name = ""
    list_label = ""
    operations: tuple[Operation, ...] = ()

    def visible(self):
        raise NotImplementedError

    def prepare(self):
        record = self.visible().filter(pk=self.kwargs["pk"]).first()
        if record is None:
            raise Http404(_("未找到该记录，或不在您的管辖范围内。"))
        self.record = record

    def get_page_title(self):
        return str(self.record)

    def get_parent_crumbs(self):
        return [HOME_CRUMB, {"url": reverse(self.list_url_name), "label": self.list_label}]

    def manageable(self) -> bool:
        raise NotImplementedError

    def facts(self) -> list[tuple[str, object]]:
        raise NotImplementedError

    def op_url(self, op):
        return reverse(f"security:{self.url_prefix}_do", args=[self.record.pk, op.name])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bound = kwargs.get("bound")
        ops = []
        if self.manageable():
            for op in self.operations:
                if not op.available(self.record):
                    continue
                form = bound[1] if bound and bound[0] == op.name else op.form_class()
                ops.append({"op": op, "form": form, "url": self.op_url(op)})
        timeline = getattr(self.record, "timeline", None)
        context.update(
            record=self.record, facts=self.facts(), ops=ops,
            timeline=timeline.select_related("actor").order_by("occurred_at", "id") if timeline is not None else None,
            show_timeline=timeline is not None,
            state=state_cell(self.record) if hasattr(self.record, "state") else None,
            extra_template=getattr(self, "extra_template", ""), **self.extra_context_data(),
        )
        return context

    def extra_context_data(self):
        return {}

    def post(self, request, *args, **kwargs):
        if not self.manageable():
            raise PermissionDenied(_("您只能查看安全记录，不能修改。"))
        op = next((o for o in self.operations if o.name == kwargs.get("op")), None)
        if op is None or not op.available(self.record):
            raise Http404
        form = op.form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                op.build(self, self.record, form.cleaned_data).execute()
            except ACTION_ERRORS as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("已保存：%(label)s。") % {"label": op.label})
                return redirect(reverse(f"security:{self.url_prefix}", args=[self.record.pk]))
        messages.error(request, _("请根据提示修改后重新提交。"))
        self.record.refresh_from_db()
        return self.render_to_response(self.get_context_data(bound=(op.name, form)), status=400)


def _note(view, record, d):
    return actions.AddNote(view.actor, record, d["text"], d.get("occurred_at"))


NOTE_OP = Operation("note", _("补充处置记录"), forms.TimelineNoteForm, _note)


class NoticeDetailView(DetailView):
    list_url_name, list_label, url_prefix = "security:notices", _("漏洞通报"), "notice"
    operations = (
        Operation("start", _("开始整改"), forms.NoteForm,
                  lambda v, r, d: actions.StartFix(v.actor, r, d["note"]),
                  lambda r: r.state == VulnerabilityState.RECEIVED),
        Operation("fix", _("登记修复"), forms.FixForm,
                  lambda v, r, d: actions.RecordFix(v.actor, r, d["description"]), lambda r: r.state in UNFIXED_STATES),
        Operation("verify", _("验证修复"), forms.VerifyForm,
                  lambda v, r, d: actions.VerifyFix(v.actor, r, passed=d["passed"], note=d["note"]),
                  lambda r: r.state == VulnerabilityState.FIXED),
        Operation("risk", _("接受风险"), forms.RiskForm,
                  lambda v, r, d: actions.AcceptRisk(v.actor, r, d["reason"]), lambda r: r.state in UNFIXED_STATES),
        NOTE_OP,
    )

    def visible(self):
        return VulnerabilityNotice.objects.filter(sites__in=permissions.sites(self.request.user)).distinct()

    def manageable(self):
        return permissions.may_manage_sites(self.request.user, self.record.sites.select_related("institution"))

    def facts(self):
        n = self.record
        deadline = f"{n.deadline}" + (f"（{_('已逾期')}）" if n.is_overdue else "")
        rows = [
            (_("涉及网站"), sites_text(n.sites.all())), (_("来源"), n.get_source_display()),
            (_("通报编号"), n.reference or "—"), (_("危险等级"), n.get_severity_display()),
            (_("发现/通报日期"), n.notified_on), (_("整改期限"), deadline), (_("漏洞描述"), n.description or "—"),
        ]
        if n.fixed_at:
            rows += [(_("修复情况"), n.fix_description),
                     (_("修复登记"), f"{n.fixed_by or '—'}，{clock.local(n.fixed_at):%Y-%m-%d %H:%M}")]
        if n.verified_at:
            rows.append((_("验证"), f"{n.verified_by or '—'}，{clock.local(n.verified_at):%Y-%m-%d %H:%M}"))
        if n.risk_reason:
            rows.append((_("接受风险的理由"), n.risk_reason))
        return rows


class PlanDetailView(DetailView):
    list_url_name, list_label, url_prefix = "security:plans", _("应急预案与演练"), "plan"
    operations = (
        Operation("filing", _("登记备案"), forms.FilingForm,
                  lambda v, r, d: actions.RecordPlanFiling(v.actor, r, authority=d["authority"],
                                                           filed_on=d["filed_on"], reference=d["reference"])),
        Operation("review", _("登记评审"), forms.ReviewForm,
                  lambda v, r, d: actions.RecordPlanReview(v.actor, r, d["reviewed_on"])),
    )

    def visible(self):
        return EmergencyPlan.objects.filter(institution__in=permissions.institutions(self.request.user)).select_related(
            "institution", "site")

    def manageable(self):
        return permissions.covers(self.request.user, permissions.MANAGE, self.record.institution)

    def facts(self):
        p = self.record
        return [
            (_("主办单位"), p.institution.name), (_("网站"), p.site.name if p.site else _("本单位所有网站")),
            (_("版本"), p.version), (_("印发日期"), p.adopted_on),
            (_("向主管单位备案"), f"{p.filed_with_supervisor_on} {p.supervisor_reference}".strip()
             if p.filed_with_supervisor_on else _("未备案")),
            (_("向网信部门备案"), f"{p.filed_with_cyberspace_on} {p.cyberspace_reference}".strip()
             if p.filed_with_cyberspace_on else _("未备案")),
            (_("备案状态"), _("已向主管单位和网信部门备案") if p.is_filed else _("未完成备案（须向两处备案）")),
            (_("最近评审日期"), p.reviewed_on or "—"), (_("现行版本"), _("是") if p.is_current else _("否（已被新版本替代）")),
        ]

    def extra_context_data(self):
        return {"document_url": reverse("security:plan_document", args=[self.record.pk]),
                "drills": self.record.drills.all(), "show_drills": True}


def _incident_ops():
    def advance(state):
        return lambda v, r, d: actions.AdvanceIncident(v.actor, r, state, at=d["at"], note=d["note"])

    return (
        Operation("contain", _("标记为已控制"), forms.AdvanceForm, advance(IncidentState.CONTAINED),
                  lambda r: r.state == IncidentState.OPEN),
        Operation("resolve", _("标记为已恢复"), forms.AdvanceForm, advance(IncidentState.RESOLVED),
                  lambda r: r.state in (IncidentState.OPEN, IncidentState.CONTAINED)),
        Operation("report", _("登记报告"), forms.ReportForm,
                  lambda v, r, d: actions.RecordIncidentReport(v.actor, r, authority=d["authority"],
                                                               reported_on=d["reported_on"], note=d["note"]),
                  lambda r: r.state != IncidentState.CLOSED),
        Operation("remedy", _("登记补救措施"), forms.RemedyForm,
                  lambda v, r, d: actions.RecordRemedy(v.actor, r, remedied_on=d["remedied_on"], note=d["note"]),
                  lambda r: r.kind == IncidentKind.DATA_LEAK and r.state != IncidentState.CLOSED),
        Operation("close", _("结案"), forms.NoteForm, lambda v, r, d: actions.CloseIncident(v.actor, r, d["note"]),
                  lambda r: r.state == IncidentState.RESOLVED),
        NOTE_OP,
    )


class IncidentDetailView(DetailView):
    list_url_name, list_label, url_prefix = "security:incidents", _("安全事件"), "incident"
    operations = _incident_ops()

    def visible(self):
        return Incident.objects.filter(site__in=permissions.sites(self.request.user)).select_related("site__institution")

    def manageable(self):
        return permissions.may_manage_site(self.request.user, self.record.site)

    def facts(self):
        i = self.record

        def when(moment):
            return clock.local(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"

        rows = [
            (_("网站"), i.site.name), (_("事件类型"), i.get_kind_display()), (_("事件级别"), i.get_grade_display()),
            (_("发现时间"), when(i.detected_at)), (_("控制时间"), when(i.contained_at)),
            (_("恢复时间"), when(i.resolved_at)), (_("结案时间"), when(i.closed_at)),
            (_("向主管单位报告"), i.reported_to_supervisor_on or _("未报告")),
            (_("向网信部门报告"), i.reported_to_cyberspace_on or _("未报告")),
            (_("向公安机关报告"), i.reported_to_public_security_on or "—"),
            (_("事件描述"), i.description or "—"),
        ]
        if i.kind == IncidentKind.DATA_LEAK:
            rows += [(_("涉及个人信息"), _("是") if i.personal_data else _("否")),
                     (_("补救完成日期"), i.remedied_on or _("未完成"))]
        integrity = list(i.integrity_incidents.all()[:20])
        if integrity:
            rows.append((_("防篡改监测记录"), "；".join(
                f"{clock.local(x.detected_at):%Y-%m-%d %H:%M} {x.target} {x.get_status_display()}" for x in integrity)))
        if i.is_open:
            missing = i.missing_reports()
            if missing:
                rows.append((_("结案前还须"), "、".join(missing)))
        return rows


class CounterfeitDetailView(DetailView):
    list_url_name, list_label, url_prefix = "security:counterfeits", _("假冒网站"), "counterfeit"
    operations = (
        Operation("hand_over", _("移交网信部门"), forms.HandOverForm,
                  lambda v, r, d: actions.HandOverCase(v.actor, r, handed_over_on=d["handed_over_on"],
                                                       reference=d["reference"], office_filed_on=d["office_filed_on"],
                                                       note=d["note"]),
                  lambda r: r.state == CounterfeitState.OPEN),
        Operation("close", _("结案"), forms.CloseCaseForm,
                  lambda v, r, d: actions.CloseCase(v.actor, r, outcome=d["outcome"], closed_on=d["closed_on"],
                                                    note=d["note"], office_filed_on=d["office_filed_on"]),
                  lambda r: r.state != CounterfeitState.CLOSED),
        NOTE_OP,
    )

    def visible(self):
        return CounterfeitCase.objects.filter(imitated_site__in=permissions.sites(self.request.user)).select_related(
            "imitated_site__institution")

    def manageable(self):
        return permissions.may_manage_site(self.request.user, self.record.imitated_site)

    def facts(self):
        c = self.record
        return [
            (_("假冒网站域名"), c.domain), (_("假冒网站名称"), c.name or "—"), (_("被假冒网站"), c.imitated_site.name),
            (_("发现途径"), c.get_found_via_display()), (_("发现日期"), c.found_on),
            (_("证据网址"), c.evidence_url or "—"), (_("证据说明"), c.evidence_notes or "—"),
            (_("移交网信部门"), f"{c.handed_over_on} {c.handover_reference}".strip() if c.handed_over_on else "—"),
            (_("报政府办公厅备案"), c.office_filed_on or "—"),
            (_("处理结果"), c.get_outcome_display() if c.outcome else "—"), (_("结案日期"), c.closed_on or "—"),
        ]

    def extra_context_data(self):
        url = reverse("security:counterfeit_screenshot", args=[self.record.pk]) if self.record.screenshot else ""
        return {"screenshot_url": url}


# -- protected downloads -------------------------------------------------------------------------


def _download(field, name: str):
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("文件不存在。")) from None
    response = FileResponse(handle, as_attachment=True, filename=name, content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class PlanDocumentView(PlanDetailView):
    """The plan file, only to readers of the plan (it is never on a public URL)."""

    def get(self, request, *args, **kwargs):
        return _download(self.record.document, self.record.document.name.rsplit("/", 1)[-1])


class ScreenshotView(CounterfeitDetailView):
    def get(self, request, *args, **kwargs):
        if not self.record.screenshot:
            raise Http404
        return _download(self.record.screenshot, self.record.screenshot.name.rsplit("/", 1)[-1])
