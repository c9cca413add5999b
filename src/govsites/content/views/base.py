"""What every content admin view shares: who may enter, and the item a view is about.

The entry check and the refusal page are the registry admin's (one look for the whole admin);
what is visible is the library's permission policy (:mod:`govsites.content.permissions`), so a
site's drafts are a 404 to everybody outside it — the same answer as for an id that never existed.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from govsites.registry import permissions as registry_permissions
from govsites.registry.views.base import RegistryViewMixin

from ..listing import visible_items
from ..models import Item
from ..permissions import memberships

HOME_CRUMB = {"url": reverse_lazy("content:home"), "label": _("信息发布")}


def works_on_content(user) -> bool:
    """Site members work here; estate supervisors and the system administrator read along."""
    return bool(memberships(user)) or registry_permissions.reads_everything(user)


class ContentViewMixin(RegistryViewMixin):
    parent_crumbs = (HOME_CRUMB,)

    def has_access(self, user) -> bool:
        return works_on_content(user)


def visible_item_or_404(user, pk) -> Item:
    item = visible_items(user).select_related("owning_site").filter(pk=pk).first()
    if item is None:
        raise Http404(_("未找到该信息，或您无权查看。"))
    return item
