"""The library item chooser (a Wagtail chooser modal), scoped by the library's tenancy.

Wagtail's stock chooser lists ``Model.objects.all()`` and searches through the search backend;
ours lists only what the user may see (own sites' items and published ones, CON-01), searches
titles, document and index numbers in the database, and pages without ``COUNT(*)`` so it stays
fast on a million-row library.
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets.chooser import BaseChooser

from .. import listing
from ..models import Item, ItemKind


class ItemSearchForm(BaseFilterForm):
    q = forms.CharField(label=_("标题、文号或索引号"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("搜索")}))

    def filter(self, objects):
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            self.is_searching, self.search_query = True, query
            objects = objects.filter(Q(title__icontains=query) | Q(document_number__icontains=query)
                                     | Q(index_number=query))
        return objects


class CountlessPaginator(Paginator):
    """Pages by fetching one row more than a page: 'next' exists or not, no ``COUNT(*)``."""

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        return max(number, 1)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom: bottom + self.per_page + 1])
        self._more = len(rows) > self.per_page
        self._number = number
        return Page(rows[: self.per_page], number, self)

    @cached_property
    def count(self):
        return (self._number - 1) * self.per_page + self.per_page + int(getattr(self, "_more", False))

    @property
    def num_pages(self):
        return self._number + int(getattr(self, "_more", False))

    def get_elided_page_range(self, number=1, *, on_each_side=3, on_ends=2):
        return list(range(1, self.num_pages + 1))[-(on_each_side * 2 + 1):]


class ScopedChooseMixin:
    paginator_class = CountlessPaginator
    filter_form_class = ItemSearchForm
    per_page = 20
    ordering = "-pk"

    def get_object_list(self):
        items = listing.visible_items(self.request.user).select_related("owning_site")
        kind = self.request.GET.get("kind")
        if kind in ItemKind.values:
            items = items.filter(kind=kind)
        return items.only("pk", "title", "kind", "document_number", "owning_site__name", "live")

    @property
    def columns(self):
        return [
            self.title_column,
            Column("kind", label=_("类型"), accessor="get_kind_display"),
            Column("document_number", label=_("发文字号")),
            Column("site", label=_("来源网站"), accessor=lambda item: item.owning_site.name),
        ]


class ChooseView(ScopedChooseMixin, chooser_views.ChooseView):
    pass


class ChooseResultsView(ScopedChooseMixin, chooser_views.ChooseResultsView):
    pass


class ChosenView(chooser_views.ChosenView):
    def get_object(self, pk):
        item = listing.visible_items(self.request.user).filter(pk=pk).first() if str(pk).isdigit() else None
        if item is None:
            raise Http404(_("未找到该信息，或您无权查看。"))
        return item


class ChosenMultipleView(chooser_views.ChosenMultipleView):
    def get_objects(self, pks):
        return listing.visible_items(self.request.user).filter(pk__in=[pk for pk in pks if str(pk).isdigit()])


class ItemChooser(BaseChooser):
    """The widget; ``kind`` limits the modal to one kind (the interpretation's policy picker)."""

    kind = ""
    show_edit_link = False

    def get_chooser_modal_url(self):
        url = super().get_chooser_modal_url()
        return f"{url}?kind={self.kind}" if self.kind else url


class ItemChooserViewSet(ChooserViewSet):
    model = Item
    icon = "doc-full"
    choose_one_text = _("选择信息")
    choose_another_text = _("重新选择")
    page_title = _("选择信息")
    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
    chosen_view_class = ChosenView
    chosen_multiple_view_class = ChosenMultipleView
    base_widget_class = ItemChooser
    preserve_url_parameters = ["multiple", "kind"]
    register_widget = False


item_chooser_viewset = ItemChooserViewSet("item_chooser", url_prefix="content/chooser")


def policy_chooser_widget() -> ItemChooser:
    widget = item_chooser_viewset.widget_class(choose_one_text=_("选择政策文件"), choose_another_text=_("重新选择"))
    widget.kind = ItemKind.POLICY
    return widget

