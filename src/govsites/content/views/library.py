"""信息资源库 (CON-01): the whole library as the user may see it, filtered by site, type,
classification, date and status, in keyset pages; and one column's items."""

from __future__ import annotations

import operator
from functools import reduce

from django import forms
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from govsites.registry.models import Site

from .. import listing
from ..actions.staffing import manages_site
from ..disclosure import classification
from ..models import ColumnPage, ItemKind, Placement, SiteHomePage
from ..permissions import memberships, sites_for
from .base import ContentViewMixin


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("标题、文号或索引号"), required=False, max_length=100)
    site = forms.ModelChoiceField(label=_("来源网站"), queryset=Site.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("信息类型"), required=False, choices=[("", _("全部")), *ItemKind.choices])
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部")), *listing.STATUSES.items()])
    subject = forms.ChoiceField(label=_("主题分类"), required=False)
    date_from = forms.DateField(label=_("发布日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the user's own sites in the picker (an estate-wide select would list hundreds);
        # any site id is accepted in the URL, the tenancy filter applies regardless.
        self.fields["site"].queryset = Site.objects.all()
        self.fields["site"].widget.choices = [("", _("全部"))] + [
            (site.pk, site.name) for site in Site.objects.filter(pk__in=list(memberships(user))).order_by("name")
        ]
        categories = [(c.code, c.name) for c in classification.categories()]
        self.fields["subject"].choices = [("", _("全部")), *categories, *classification.choices()]

    def query(self) -> listing.LibraryQuery:
        if not self.is_valid():
            return listing.LibraryQuery(site=-1)  # an invalid filter shows nothing, with its errors
        data = self.cleaned_data
        return listing.LibraryQuery(
            site=data["site"].pk if data["site"] else None, kind=data["kind"], status=data["status"],
            subject=data["subject"], q=data["q"].strip(), date_from=data["date_from"], date_to=data["date_to"],
        )


def page_context(request, queryset) -> dict:
    page = listing.keyset_page(
        listing.with_workflow_status(queryset.select_related("owning_site")),
        listing.parse_cursor(request.GET.get("cursor")),
    )
    for item in page.rows:
        item.status_key = listing.status_of(item)
    params = request.GET.copy()
    params.pop("cursor", None)
    return {
        "items": page.rows,
        "next_url": f"?{params.urlencode()}&cursor={page.next_cursor}" if page.next_cursor else "",
        "first_url": f"?{params.urlencode()}" if request.GET.get("cursor") else "",
    }


class LibraryView(ContentViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "content/library.html"
    page_title = _("信息资源库")
    header_icon = "list-ul"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = LibraryFilterForm(self.request.GET or None, user=self.request.user)
        query = form.query() if self.request.GET else listing.LibraryQuery()
        context["form"] = form
        context.update(page_context(self.request, query.apply(listing.visible_items(self.request.user))))
        return context


def column_site(column: ColumnPage) -> Site | None:
    home = SiteHomePage.objects.ancestor_of(column).select_related("registry_site").first()
    return home.registry_site if home is not None else None


class ColumnView(ContentViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """One column's items (its own and the uses/reposts placed there), newest placement first."""

    template_name = "content/column.html"
    header_icon = "folder-open-inverse"

    def prepare(self):
        self.column = get_object_or_404(ColumnPage, pk=self.kwargs["pk"])
        self.site = column_site(self.column)

    def get_page_title(self):
        return f"{self.site.name if self.site else ''} · {self.column.title}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = listing.visible_items(self.request.user).values("pk")
        placements = Placement.objects.filter(column=self.column, item_id__in=visible).select_related(
            "item__owning_site"
        )
        page = listing.keyset_page(placements, listing.parse_cursor(self.request.GET.get("cursor")))
        context.update({
            "column": self.column,
            "site": self.site,
            "placements": page.rows,
            "next_url": f"?cursor={page.next_cursor}" if page.next_cursor else "",
            "subcolumns": ColumnPage.objects.child_of(self.column).order_by("path"),
            "may_create": self.site is not None and self.site.pk in sites_for(self.request.user, "add"),
            "kinds": ItemKind.choices,
        })
        return context


class SitesView(ContentViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """栏目管理: the columns of each site the user works on (supervisors search any site)."""

    template_name = "content/sites.html"
    page_title = _("栏目管理")
    header_icon = "site"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = (self.request.GET.get("q") or "").strip()[:50]
        homes = SiteHomePage.objects.select_related("registry_site")
        mine = list(memberships(self.request.user))
        if q:
            homes = homes.filter(registry_site__name__icontains=q)
        else:
            homes = homes.filter(registry_site_id__in=mine)
        homes = list(homes.order_by("registry_site__name")[:50])
        columns: dict[str, list[ColumnPage]] = {}
        if homes:
            under = reduce(operator.or_, (Q(path__startswith=home.path) for home in homes))
            for column in ColumnPage.objects.filter(under, depth__gt=homes[0].depth).order_by("path").only(
                "pk", "title", "path", "depth", "column_type", "live"
            ):
                columns.setdefault(column.path[: len(homes[0].path)], []).append(column)
        user = self.request.user
        context["sites"] = [
            (home, columns.get(home.path, []), manages_site(user, home.registry_site)) for home in homes
        ]
        context["q"] = q
        return context
