"""What the back-office views share: who may enter, which messages, sites and departments each
user sees, and how a deadline reads.

- the **inbox** holds what the user triages (the handling site or the column's platform is one
  of their sites), what their departments handle, and — read-only — what arrives on the sites of
  a supervisor's area (the same rule as ``permissions.may_view``);
- **statistics and the veto view** are for overseers (``permissions.may_oversee_site``): a site's
  triage handlers for their sites, supervisors for their area, the system administrator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from govsites.accounts.models import Role
from govsites.registry import permissions as registry_permissions
from govsites.registry.models import Institution, InstitutionKind, Site
from govsites.registry.views.base import RegistryViewMixin
from govsites.workdays import calendar

from .. import permissions
from ..actions.deadlines import last_day
from ..models import Message, MessageStatus

INBOX_CRUMB = {"url": reverse_lazy("interaction:inbox"), "label": _("留言办理")}
NO_STORE = "no-store, private, max-age=0"

#: message status → colour of the status tag (registry.css)
STATUS_CODES = {
    MessageStatus.RECEIVED: "step-pending",
    MessageStatus.ACCEPTED: "approved",
    MessageStatus.REPLY_PENDING: "temporarily_offline",
    MessageStatus.ANSWERED: "online",
    MessageStatus.INVALID: "closed",
}


def supervisor_paths(user) -> list[str]:
    return [a.institution.path for a in registry_permissions.assignments(user) if a.role == Role.SUPERVISOR]


def oversees_any(user) -> bool:
    """Statistics and the veto view: triage handlers, supervisors, the system administrator."""
    return bool(getattr(user, "is_superuser", False) or permissions.triage_sites(user) or supervisor_paths(user))


def visible_messages(user):
    """The messages of the user's inbox (see the module docstring)."""
    condition = Q(pk__in=[])
    triage = permissions.triage_sites(user)
    if triage:
        condition |= Q(handling_site_id__in=triage) | Q(channel__platform_id__in=triage)
    departments = permissions.departments(user)
    if departments:
        condition |= Q(department_id__in=departments)
    for path in supervisor_paths(user):
        condition |= Q(site__institution__path__startswith=path)
    return Message.objects.filter(condition)


def overseen_sites(user):
    """Sites with interaction columns whose statistics and veto figures the user may see."""
    if getattr(user, "is_superuser", False):
        sites = Site.objects.all()
    else:
        condition = Q(pk__in=permissions.triage_sites(user))
        for path in supervisor_paths(user):
            condition |= Q(institution__path__startswith=path)
        sites = Site.objects.filter(condition)
    with_columns = Site.objects.filter(interaction_channels__isnull=False).values("pk")
    return sites.filter(pk__in=with_columns).select_related("institution").order_by("institution__path", "pk")


def inbox_sites(user):
    """The sites offered by the inbox's site filter."""
    triage = permissions.triage_sites(user)
    condition = Q(pk__in=triage) | Q(interaction_channels__platform_id__in=triage)
    departments = permissions.departments(user)
    if departments:
        condition |= Q(pk__in=Message.objects.filter(department_id__in=departments).values("site_id"))
    for path in supervisor_paths(user):
        condition |= Q(institution__path__startswith=path, interaction_channels__isnull=False)
    return Site.objects.filter(pk__in=Site.objects.filter(condition).values("pk")).order_by("institution__path", "pk")


def scope_departments(user):
    """Institutions offered by the department filters: the user's own departments, those under
    the institutions of their triage sites, everything in a supervisor's area."""
    institutions = Institution.objects.exclude(kind=InstitutionKind.GOVERNMENT).order_by("path")
    if getattr(user, "is_superuser", False):
        return institutions
    condition = Q(pk__in=permissions.departments(user))
    triage = Site.objects.filter(pk__in=permissions.triage_sites(user)).values_list("institution__path", flat=True)
    for path in [*triage, *supervisor_paths(user)]:
        condition |= Q(path__startswith=path)
    return institutions.filter(condition)


class InteractionViewMixin(RegistryViewMixin):
    """Entry: anyone with a part in the interaction platform; the Chinese 403 page for others."""

    header_icon = "mail"

    def has_access(self, user) -> bool:
        return permissions.works_on_messages(user)

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response["Cache-Control"] = NO_STORE
        return response


class OversightViewMixin(InteractionViewMixin):
    def has_access(self, user) -> bool:
        return oversees_any(user)


# -- how a deadline reads -----------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineState:
    day: dt.date | None
    text: str
    code: str  # colour: "flagged" overdue, "temporarily_offline" due soon, "online" fine, "none"


def deadline_state(message: Message, now: dt.datetime, soon: dt.datetime | None = None) -> DeadlineState:
    """The last day and "剩余N个工作日" / "今日到期" / "超期N个工作日" / "按期答复" / "超期答复"."""
    if message.status == MessageStatus.INVALID:
        return DeadlineState(None, "—", "none")
    if message.due_at is None:
        return DeadlineState(None, str(_("期限待定（工作日历未载入）")), "none")
    day = last_day(message.due_at)
    if not message.is_open:
        late = message.replied_at is not None and message.replied_at >= message.due_at
        return DeadlineState(day, str(_("超期答复")) if late else str(_("按期答复")),
                             "flagged" if late else "online")
    try:
        if message.due_at <= now:
            days = calendar.working_days_between(day, now)
            text = f"超期{days}个工作日" if days else str(_("已超期"))
            return DeadlineState(day, text, "flagged")
        left = calendar.working_days_between(now, day)
    except calendar.MissingCalendarYear:
        return DeadlineState(day, "", "flagged" if message.due_at <= now else "none")
    text = f"剩余{left}个工作日" if left else str(_("今日到期"))
    return DeadlineState(day, text, "temporarily_offline" if soon and message.due_at <= soon else "online")
