"""信息发布 home: my drafts, steps waiting for my review, my sites' repost queue with countdowns,
and items sent back to me — what an editor or reviewer does next, in one page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from .. import listing
from ..permissions import sites_for
from .base import ContentViewMixin, works_on_content


def home_sections(user) -> dict:
    return {
        "drafts": listing.my_drafts(user),
        "reviews": listing.awaiting_my_review(user),
        "queue": listing.repost_queue(user),
        "rejected": listing.rejected_to_me(user),
        "may_create": bool(sites_for(user, "add")),
    }


class EditorHomeView(ContentViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "content/home.html"
    page_title = _("信息发布")
    header_icon = "doc-full-inverse"
    parent_crumbs = ()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(home_sections(self.request.user))
        return context


class EditorSummaryPanel(Component):
    """The dashboard's short version: counts linking to the content home."""

    name = "content_summary"
    order = 90
    template_name = "content/dashboard_panel.html"

    def get_context_data(self, parent_context):
        user = parent_context["request"].user
        if not works_on_content(user):
            return {"show": False}
        return {
            "show": True,
            "reviews": len(listing.awaiting_my_review(user)),
            "queue": listing.repost_queue(user),
            "rejected": len(listing.rejected_to_me(user)),
        }
