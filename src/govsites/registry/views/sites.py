"""网站列表 and 网站详情: the registry's sites, their checklists, lifecycle actions and timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter

import django_filters
from django import forms as django_forms
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import IndexView, WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from govsites import clock

from .. import forms, permissions, rules
from ..actions import (
    ArchivePages,
    CloseSite,
    CompleteChecklistItem,
    CompleteMigration,
    LaunchSite,
    PublishMigrationNotice,
    ResumeSite,
)
from ..checklists import AUTOMATIC_CLOSURE_ITEMS, ITEMS, field_for
from ..models import Announcement, Checklist, InstitutionKind, Level, Site, SiteStatus, SiteType
from .base import (
    ACTION_ERRORS,
    ListingViewMixin,
    RegistryViewMixin,
    StatusColumn,
    add_form_errors,
    error_texts,
    may_file_anything,
    visible_site,
)
from .timeline import site_timeline

HOSTING = [("hosted", _("部署在本平台")), ("external", _("外部部署"))]
SITE_LIST_CRUMB = {"url": reverse_lazy("registry:site_index"), "label": _("网站列表")}


def radio(**kwargs) -> dict:
    return {"widget": django_forms.RadioSelect, "empty_label": _("全部"), **kwargs}


class RegionChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        indent = {Level.PROVINCE: 0, Level.CITY: 1, Level.COUNTY: 2}.get(obj.level, 3)
        return f"{'　' * indent}{obj.name}"


class RegionFilter(django_filters.ModelChoiceFilter):
    field_class = RegionChoiceField


def region_choices(request):
    """Governments the user can see (not townships, which have no area of sites of their own)."""
    return (
        permissions.visible_institutions(request.user)
        .filter(kind=InstitutionKind.GOVERNMENT)
        .exclude(level=Level.TOWNSHIP)
    )


class SiteFilterSet(WagtailFilterSet):
    level = django_filters.ChoiceFilter(label=_("层级"), field_name="institution__level", **radio(choices=Level.choices))
    region = RegionFilter(
        label=_("地区（含下级）"), queryset=region_choices, method="filter_region", empty_label=_("全部地区")
    )
    site_type = django_filters.ChoiceFilter(label=_("网站类型"), **radio(choices=SiteType.choices))
    status = django_filters.ChoiceFilter(label=_("状态"), **radio(choices=SiteStatus.choices))
    hosted = django_filters.ChoiceFilter(label=_("部署方式"), method="filter_hosted", **radio(choices=HOSTING))
    integration = django_filters.ChoiceFilter(
        label=_("整合标记"), method="filter_integration",
        **radio(choices=[("flagged", _("待整合（REG-03）"))]),
    )

    class Meta:
        model = Site
        fields = []

    def filter_region(self, queryset, name, value):
        return queryset.filter(institution__path__startswith=value.path)

    def filter_hosted(self, queryset, name, value):
        return queryset.filter(hosted=value == "hosted")

    def filter_integration(self, queryset, name, value):
        return queryset.needing_integration()


def integration_flag(site: Site) -> str:
    """REG-03: a live site of an institution that may not have one is flagged for integration."""
    return str(_("待整合")) if site.is_live and rules.integration_reason(site) else ""


class SiteIndexView(ListingViewMixin, IndexView):
    model = Site
    page_title = _("网站列表")
    header_icon = "site"
    index_url_name = "registry:site_index"
    index_results_url_name = "registry:site_index_results"
    filterset_class = SiteFilterSet
    search_fields = ["name", "domain", "chinese_domain", "site_code"]
    default_ordering = "institution__path"
    columns = [
        TitleColumn("name", label=_("网站全称"), url_name="registry:site_detail", sort_key="name"),
        Column("domain", label=_("英文域名"), sort_key="domain"),
        Column("site_type", label=_("网站类型"), accessor="get_site_type_display", sort_key="site_type"),
        Column("institution", label=_("开办机构"), accessor="institution.name", sort_key="institution__path"),
        Column("level", label=_("层级"), accessor="institution.get_level_display"),
        StatusColumn("status", label=_("状态"), accessor="get_status_display", code=attrgetter("status"),
                     sort_key="status"),
        Column("hosted", label=_("部署方式"), accessor=lambda site: HOSTING[0 if site.hosted else 1][1]),
        StatusColumn("integration", label=_("整合标记"), accessor=integration_flag, code=lambda site: "flagged"),
    ]

    def get_base_queryset(self):
        return permissions.visible_sites(self.request.user).select_related("institution")

    @cached_property
    def header_buttons(self):
        if not may_file_anything(self.request.user):
            return []
        return [HeaderButton(_("申请开设网站"), url=reverse("registry:apply_open"), icon_name="plus")]


# -- the site page and what can be done on it ---------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """A lifecycle action offered on the site page in some statuses (and closure stages)."""

    label: str
    statuses: tuple[str, ...]
    build: Callable
    success: str
    form_class: type | None = None
    after: str | None = None  # closure item that must be done before it is offered
    until: str | None = None  # closure item whose completion retires it
    primary: bool = True
    error_field: str | None = None  # the form field that shows errors about other fields


OPERATIONS = {
    "launch": Operation(
        _("正式上线"), (SiteStatus.APPROVED,), lambda actor, site, data: LaunchSite(actor, site),
        _("网站已正式上线，开通公告已发布。"),
    ),
    "resume": Operation(
        _("恢复上线"), (SiteStatus.TEMPORARILY_OFFLINE, SiteStatus.OUTAGE),
        lambda actor, site, data: ResumeSite(actor, site), _("网站已恢复上线。"),
    ),
    "migration-notice": Operation(
        _("发布迁移公告"), (SiteStatus.CLOSING,),
        lambda actor, site, data: PublishMigrationNotice(actor, site, body=data["body"]),
        _("迁移公告已发布。"), forms.MigrationNoticeForm, until="migration_notice",
    ),
    "complete-migration": Operation(
        _("登记内容迁移完成"), (SiteStatus.CLOSING,),
        lambda actor, site, data: CompleteMigration(actor, site, pages=data["pages"], note=data["note"]),
        _("内容迁移已登记，去向公告已发布。"), forms.CompleteMigrationForm,
        after="migration_notice", until="content_migrated",
    ),
    "close": Operation(
        _("关停网站"), (SiteStatus.CLOSING,), lambda actor, site, data: CloseSite(actor, site),
        _("网站已关停，状态已上报。"), after="content_migrated",
    ),
    "archive": Operation(
        _("页面归档"), (SiteStatus.ONLINE,),
        lambda actor, site, data: ArchivePages(actor, site, pages=data["pages"], reason=data["reason"],
                                               new_base=data["new_base"]),
        _("页面已归档。"), forms.ArchivePagesForm, primary=False,
    ),
    "checklist": Operation(
        _("完成事项"), (SiteStatus.APPROVED, SiteStatus.CLOSING),
        lambda actor, site, data: CompleteChecklistItem(
            actor, site, checklist=data["checklist"], key=data["key"], reference=data["reference"]
        ),
        _("程序事项已完成。"), forms.ChecklistForm, error_field="reference",
    ),
}

#: Applications filed from a site's page, by the statuses the actions accept them in.
SITE_APPLICATIONS = [
    ("temporary-offline", _("申请临时下线"), (SiteStatus.ONLINE,)),
    ("outage", _("不可抗力断网报备"), (SiteStatus.ONLINE, SiteStatus.OUTAGE)),
    ("permanent-offline", _("申请永久下线"),
     (SiteStatus.ONLINE, SiteStatus.TEMPORARILY_OFFLINE, SiteStatus.OUTAGE)),
    ("change", _("变更备案"),
     (SiteStatus.ONLINE, SiteStatus.TEMPORARILY_OFFLINE, SiteStatus.OUTAGE, SiteStatus.APPROVED)),
]

IDENTITY_FIELDS = ("name", "short_name", "site_type", "institution", "sponsor_name", "operator_name",
                   "responsible_person", "responsible_phone", "responsible_email", "contact_phone",
                   "contact_email", "contact_address", "hosted", "hosting_notes")
IDENTIFIER_FIELDS = ("domain", "chinese_domain", "site_code", "icp_number", "public_security_number",
                     "site_mark_number")
STATUS_FIELDS = ("status_changed_at", "launched_at", "offline_until", "closed_at", "migrated_to")


def site_application_links(site: Site) -> list[dict]:
    """Links to the applications that may be filed for ``site`` in its current status."""
    return [
        {"label": label, "url": reverse("registry:apply_site", args=[site.pk, kind])}
        for kind, label, statuses in SITE_APPLICATIONS
        if site.status in statuses
    ]


def field_rows(site: Site, names) -> list[tuple[str, str]]:
    """``(label, display value)`` for fields of ``site``; choices by label, times in Shanghai time."""
    rows = []
    for name in names:
        field = Site._meta.get_field(name)
        value = getattr(site, name)
        if field.choices:
            value = getattr(site, f"get_{name}_display")()
        elif isinstance(value, bool):
            value = _("是") if value else _("否")
        elif isinstance(value, dt.datetime):
            value = f"{clock.local(value):%Y-%m-%d %H:%M}"
        elif isinstance(value, dt.date):
            value = value.isoformat()
        rows.append((field.verbose_name, value if value not in (None, "") else "—"))
    return rows


def checklist_form_id(checklist: str, key: str) -> str:
    return f"checklist-{checklist}-{key}"


class SiteDetailView(RegistryViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "registry/site_detail.html"
    header_icon = "site"
    parent_crumbs = (SITE_LIST_CRUMB,)

    def prepare(self):
        self.site = visible_site(self.request.user, self.kwargs["pk"])
        self.may_file = permissions.may_file_for(self.request.user, self.site.institution)
        self.bound_forms: dict[str, django_forms.Form] = {}

    def get_page_title(self):
        return self.site.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        site = self.site
        items = list(site.checklist_items.select_related("done_by"))
        done = {item.key for item in items if item.done}
        context.update(
            site=site,
            may_file=self.may_file,
            identity=[*field_rows(site, IDENTITY_FIELDS[:4]), (_("层级"), site.institution.get_level_display()),
                      *field_rows(site, IDENTITY_FIELDS[4:])],
            identifiers=field_rows(site, IDENTIFIER_FIELDS),
            status_rows=field_rows(site, STATUS_FIELDS),
            supervisors=site.institution.supervising_governments(),
            integration_reason=rules.integration_reason(site) if site.is_live else "",
            checklists=self.checklists(items),
            operations=self.operations(done),
            applications_links=self.application_links(),
            announcements=Announcement.objects.filter(Q(site=site) | Q(host_site=site))
            .select_related("site", "host_site")[:50],
            archive_records=site.archive_records.order_by("-archived_on", "url")[:200],
            applications=site.applications.select_related("institution", "submitted_by")[:50],
            special_topics=site.special_topics.all(),
            timeline=site_timeline(site),
        )
        return context

    def checklists(self, items) -> list[dict]:
        groups = []
        for checklist in Checklist:
            rows = []
            for item in (i for i in items if i.checklist == checklist):
                form = None
                if self.item_open(item):
                    key = checklist_form_id(item.checklist, item.key)
                    form = self.bound_forms.get(key) or forms.ChecklistForm(
                        initial={"checklist": item.checklist, "key": item.key}, auto_id=f"id_{key}_%s"
                    )
                rows.append({"item": item, "form": form, "needs_reference": bool(field_for(item.checklist, item.key))})
            if rows:
                groups.append({"id": f"checklist-{checklist.value}", "label": checklist.label, "rows": rows})
        return groups

    def item_open(self, item) -> bool:
        expected = SiteStatus.APPROVED if item.checklist == Checklist.LAUNCH else SiteStatus.CLOSING
        automatic = item.checklist == Checklist.CLOSURE and item.key in AUTOMATIC_CLOSURE_ITEMS
        return self.may_file and self.site.status == expected and not item.done and not automatic

    def operations(self, done: set[str]) -> list[dict]:
        if not self.may_file:
            return []
        offered = []
        for name, operation in OPERATIONS.items():
            if name == "checklist" or self.site.status not in operation.statuses:
                continue
            if (operation.after and operation.after not in done) or (operation.until and operation.until in done):
                continue
            form = self.bound_forms.get(name)
            if form is None and operation.form_class:
                form = operation.form_class(auto_id=f"id_{name}_%s")
            offered.append({
                "name": name, "label": operation.label, "form": form, "primary": operation.primary,
                "url": reverse("registry:site_operation", args=[self.site.pk, name]),
            })
        return offered

    def application_links(self) -> list[dict]:
        if not self.may_file:
            return []
        links = site_application_links(self.site)
        if self.site.status == SiteStatus.ONLINE:
            links.append({
                "label": _("申请开设专栏专题"),
                "url": reverse("registry:apply_special_topic_for", args=[self.site.institution_id]),
            })
        return links


class SiteOperationView(SiteDetailView):
    """POST one lifecycle operation; on refusal the site page shows again with the reasons."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        name = self.kwargs["operation"]
        operation = OPERATIONS.get(name)
        if operation is None:
            raise Http404
        form, key = None, name
        if operation.form_class is forms.ChecklistForm:
            checklist, item_key = request.POST.get("checklist", ""), request.POST.get("key", "")
            if item_key not in ITEMS.get(checklist, {}):
                raise Http404
            key = checklist_form_id(checklist, item_key)
        if operation.form_class:
            form = operation.form_class(request.POST, auto_id=f"id_{key}_%s")
            if not form.is_valid():
                messages.error(request, _("请根据提示修改后重新提交。"))
                return self.show_again(key, form)
        action = operation.build(self.actor, self.site, form.cleaned_data if form else {})
        try:
            action.execute()
        except ACTION_ERRORS as error:
            for text in error_texts(error):
                messages.error(request, text)
            if form is not None:
                add_form_errors(form, error, operation.error_field)
            return self.show_again(key, form)
        messages.success(request, operation.success)
        return redirect("registry:site_detail", self.site.pk)

    def show_again(self, key: str, form):
        self.site = get_object_or_404(Site.objects.select_related("institution", "migrated_to"), pk=self.site.pk)
        if form is not None:
            self.bound_forms[key] = form
        return self.render_to_response(self.get_context_data())
