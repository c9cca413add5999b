"""机构 and the estate by region: institutions, the tree of governments, governments without a portal."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

import django_filters
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import IndexView, WagtailAdminTemplateMixin

from .. import permissions, rules
from ..errors import RuleViolation
from ..models import LIVE_STATUSES, Institution, InstitutionKind, Level, Site, SiteStatus, SiteType
from .base import ListingViewMixin, StatusColumn, SupervisorViewMixin

SITE_PRESENCE = [("with", _("有网站")), ("without", _("无网站"))]


def eligibility(institution: Institution) -> str:
    """REG-02/03 in one word: may this institution have a site at all?"""
    try:
        rules.check_may_have_site(institution)
    except RuleViolation:
        return str(_("不可开设（REG-03）"))
    return str(_("应当开设") if institution.is_government else _("可以开设"))


class InstitutionFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("机构类别"), choices=InstitutionKind.choices, empty_label=_("全部"))
    level = django_filters.ChoiceFilter(label=_("层级"), choices=Level.choices, empty_label=_("全部"))
    site = django_filters.ChoiceFilter(
        label=_("网站"), choices=SITE_PRESENCE, method="filter_site", empty_label=_("全部")
    )

    class Meta:
        model = Institution
        fields = []

    def filter_site(self, queryset, name, value):
        return queryset.filter(live_site_pk__isnull=value == "without")


def live_site(column: str):
    return Subquery(Site.objects.live().filter(institution=OuterRef("pk")).values(column)[:1])


def site_url(institution) -> str | None:
    return reverse("registry:site_detail", args=[institution.live_site_pk]) if institution.live_site_pk else None


class InstitutionIndexView(ListingViewMixin, IndexView):
    model = Institution
    page_title = _("机构")
    header_icon = "group"
    index_url_name = "registry:institution_index"
    index_results_url_name = "registry:institution_index_results"
    filterset_class = InstitutionFilterSet
    search_fields = ["name", "short_name", "division_code", "pinyin"]
    default_ordering = "path"
    columns = [
        TitleColumn("name", label=_("机构全称"), get_url=site_url, sort_key="name"),
        Column("kind", label=_("机构类别"), accessor="get_kind_display", sort_key="kind"),
        Column("level", label=_("层级"), accessor="get_level_display", sort_key="level"),
        Column("division_code", label=_("行政区划代码"), sort_key="division_code"),
        Column("parent", label=_("上级"), accessor="parent.name"),
        StatusColumn(
            "site", label=_("网站"), link=site_url, code=lambda i: i.live_site_status or "none",
            accessor=lambda i: f"{i.live_site_name}（{SiteStatus(i.live_site_status).label}）" if i.live_site_pk else "",
        ),
        Column("eligibility", label=_("开设网站"), accessor=eligibility),
    ]

    def get_base_queryset(self):
        return (
            permissions.visible_institutions(self.request.user)
            .select_related("parent")
            .annotate(live_site_pk=live_site("pk"), live_site_name=live_site("name"),
                      live_site_status=live_site("status"))
        )


# -- the tree of the estate ---------------------------------------------------------------------


@dataclass
class GovernmentNode:
    """One government in the tree: its portal and the department sites of its own level."""

    pk: int
    name: str
    level: str
    level_label: str
    division_code: str
    portal: dict | None = None
    missing_portal: bool = False
    counts: list[dict] = field(default_factory=list)
    flagged: int = 0
    children: list[GovernmentNode] = field(default_factory=list)


def site_list_url(**params) -> str:
    return f"{reverse('registry:site_index')}?{urlencode(params)}"


def estate_tree(user) -> list[GovernmentNode]:
    """Governments the user can see, nested by region, from three queries whatever the size."""
    governments = list(
        permissions.visible_institutions(user)
        .filter(kind=InstitutionKind.GOVERNMENT)
        .values("pk", "name", "level", "path", "division_code")
    )
    by_pk = {g["pk"]: g for g in governments}
    sites = list(
        permissions.visible_sites(user).values(
            "pk", "name", "status", "site_type", "institution_id", "institution__path"
        )
    )
    flagged = set(permissions.visible_sites(user).needing_integration().values_list("pk", flat=True))

    def own_government(path: str) -> int | None:
        ids = [int(p) for p in path.strip("/").split("/") if p]
        return next((pk for pk in reversed(ids) if pk in by_pk), None)

    portals, counts, flags = {}, {pk: Counter() for pk in by_pk}, Counter()
    for site in sites:
        government = own_government(site["institution__path"])
        if government is None:
            continue
        if site["pk"] in flagged:
            flags[government] += 1
        if site["site_type"] == SiteType.PORTAL and site["institution_id"] == government:
            if site["status"] in LIVE_STATUSES or government not in portals:
                portals[government] = site
        else:
            counts[government][site["status"]] += 1

    nodes = {}
    for g in governments:
        portal = portals.get(g["pk"])
        node = GovernmentNode(
            pk=g["pk"], name=g["name"], level=g["level"], level_label=Level(g["level"]).label,
            division_code=g["division_code"], flagged=flags[g["pk"]],
            missing_portal=g["level"] in rules.PORTAL_LEVELS and (portal is None or portal["status"] not in LIVE_STATUSES),
        )
        if portal is not None:
            node.portal = {**portal, "label": SiteStatus(portal["status"]).label,
                           "url": reverse("registry:site_detail", args=[portal["pk"]])}
        node.counts = [
            {"code": code, "text": f"{label} {counts[g['pk']][code]}",
             "url": site_list_url(region=g["pk"], level=g["level"], site_type=SiteType.DEPARTMENT, status=code)}
            for code, label in SiteStatus.choices
            if counts[g["pk"]][code]
        ]
        nodes[g["pk"]] = node

    roots = []
    for g in governments:
        if g["level"] == Level.TOWNSHIP and not (nodes[g["pk"]].portal or nodes[g["pk"]].counts):
            continue  # townships without sites add nothing to the picture
        parent = own_government(g["path"].rsplit("/", 2)[0] + "/")
        (nodes[parent].children if parent in nodes and parent != g["pk"] else roots).append(nodes[g["pk"]])
    return roots


class EstateTreeView(SupervisorViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "registry/estate_tree.html"
    page_title = _("区域网站分布")
    header_icon = "globe"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["roots"] = estate_tree(self.request.user)
        context["missing_url"] = reverse("registry:missing_portals")
        context["flagged_url"] = site_list_url(integration="flagged")
        return context


class MissingPortalsView(SupervisorViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """REG-02: every province, city and county government must have a portal."""

    template_name = "registry/missing_portals.html"
    page_title = _("缺少门户网站的政府")
    header_icon = "warning"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        governments = (
            rules.governments_missing_portal()
            .filter(pk__in=permissions.visible_institutions(user).values("pk"))
            .select_related("parent")
            .order_by("path")
        )
        context["rows"] = [
            {
                "government": government,
                "apply_url": reverse("registry:apply_open_for", args=[government.pk])
                if permissions.may_file_for(user, government) else "",
            }
            for government in governments
        ]
        return context
