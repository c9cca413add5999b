"""留言办理: the messages the user may see, filtered and paginated (a constant number of queries)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from govsites import clock
from govsites.workdays import calendar

from .. import sweep
from ..forms import InboxFilterForm
from ..models import Message
from .base import (
    STATUS_CODES,
    InteractionViewMixin,
    deadline_state,
    inbox_sites,
    scope_departments,
    visible_messages,
)

PER_PAGE = 50


def search(queryset, term: str):
    """An exact case number, or words of the title."""
    found = Message.objects.by_case_number(term)
    if found is not None:
        return queryset.filter(pk=found.pk)
    return queryset.filter(title__icontains=term)


def soon_cutoff(now):
    try:
        return sweep.reminder_cutoff(now)
    except calendar.MissingCalendarYear:
        return None


def filtered(queryset, data: dict, now):
    if data.get("q"):
        queryset = search(queryset, data["q"].strip())
    if data.get("site"):
        queryset = queryset.filter(Q(site=data["site"]) | Q(handling_site=data["site"]))
    if data.get("department"):
        queryset = queryset.filter(department=data["department"])
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("kind"):
        queryset = queryset.filter(kind=data["kind"])
    if data.get("overdue"):
        queryset = queryset.open().filter(sweep.overdue_filter(now))
    if data.get("due_soon"):
        cutoff = soon_cutoff(now)
        queryset = queryset.open().filter(due_at__gt=now, due_at__lte=cutoff) if cutoff else queryset.none()
    return queryset


class InboxView(InteractionViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "interaction/admin/inbox.html"
    page_title = _("留言办理")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, now = self.request.user, clock.now()
        form = InboxFilterForm(self.request.GET or None, sites=inbox_sites(user), departments=scope_departments(user))
        messages = visible_messages(user)
        if form.is_bound and form.is_valid():
            messages = filtered(messages, form.cleaned_data, now)
        messages = messages.select_related("site", "handling_site", "department").order_by("-received_at", "-pk")
        page = Paginator(messages, PER_PAGE).get_page(self.request.GET.get("page"))
        soon = soon_cutoff(now)
        rows = [
            {"message": m, "deadline": deadline_state(m, now, soon), "status_code": STATUS_CODES.get(m.status, "none")}
            for m in page.object_list
        ]
        query = {k: v for k, v in self.request.GET.items() if k != "page" and v}
        context.update(filter_form=form, page=page, rows=rows, page_query=f"{urlencode(query)}&" if query else "")
        return context
