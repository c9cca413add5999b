"""Who may do what with messages.

- **Triage** (validity review, acceptance, routing, publication decisions, forwarding down): the
  message handlers (``content.SiteRole.MESSAGE_HANDLER``) of the site whose inbox holds the
  message, or of the platform that runs its column.
- **Handling** (drafting a reply, asking for a transfer): the department's handlers
  (:class:`HandlerAssignment`) of the department it is routed to; triage handlers too.
- **Approval** of a reply: the department's reply approvers — never the person who drafted it.
- **Review above** (SX error reports): supervisors whose area covers the site.
- **Oversight** (statistics, the veto view): supervisors of the site's area, and the site's
  triage handlers for their own site.
"""

from __future__ import annotations

from govsites.accounts.models import Role
from govsites.content.models import SiteMembership, SiteRole
from govsites.registry import permissions as registry_permissions

from .models import HandlerAssignment, HandlerRole, Message


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def triage_sites(user) -> set[int]:
    """Sites whose inbox ``user`` triages (cached per request on the user object)."""
    if not _active(user):
        return set()
    cached = getattr(user, "_govsites_triage_sites", None)
    if cached is None:
        cached = set(SiteMembership.objects.filter(user=user, role=SiteRole.MESSAGE_HANDLER)
                     .values_list("site_id", flat=True))
        user._govsites_triage_sites = cached
    return cached


def departments(user, role: str | None = None) -> set[int]:
    """Institutions for which ``user`` drafts (``handler``) or approves (``approver``) replies."""
    if not _active(user):
        return set()
    cached = getattr(user, "_govsites_handler_roles", None)
    if cached is None:
        cached = list(HandlerAssignment.objects.filter(user=user).values_list("institution_id", "role"))
        user._govsites_handler_roles = cached
    return {inst for inst, r in cached if role is None or r == role}


def may_triage(user, message: Message) -> bool:
    sites = triage_sites(user)
    return message.handling_site_id in sites or message.channel.platform_id in sites


def may_handle(user, message: Message) -> bool:
    if may_triage(user, message):
        return True
    return message.department_id is not None and message.department_id in departments(user)


def may_approve(user, message: Message) -> bool:
    return message.department_id is not None and message.department_id in departments(user, HandlerRole.APPROVER)


def may_review_above(user, message: Message) -> bool:
    return _active(user) and registry_permissions.is_supervisor_of(user, message.site.institution)


def may_oversee_site(user, site) -> bool:
    if not _active(user):
        return False
    return (
        site.pk in triage_sites(user)
        or registry_permissions.is_supervisor_of(user, site.institution)
        or user.is_superuser
    )


def may_view(user, message: Message) -> bool:
    return may_handle(user, message) or may_review_above(user, message)


def works_on_messages(user) -> bool:
    """Shows the 互动交流 menu: anyone with a part in the interaction platform. Supervisors first:
    their roles are already read for the request, so their admin pages cost no extra query."""
    if any(a.role == Role.SUPERVISOR for a in registry_permissions.assignments(user)):
        return True
    return bool(triage_sites(user) or departments(user))


# -- columns: channels, surveys, interviews, knowledge base -----------------------------------------

def _per_request(user, name: str, compute) -> set[int]:
    """``compute(user)``, cached on the user object (the admin menu asks several times a page)."""
    cached = getattr(user, name, None)
    if cached is None:
        cached = compute(user)
        setattr(user, name, cached)
    return cached


def column_sites(user) -> set[int]:
    """Sites whose columns ``user`` runs: the sites they triage and the department sites whose
    columns run on a platform (portal) they triage (SX 13)."""
    return _per_request(user, "_govsites_column_sites", _column_sites) if _active(user) else set()


def _column_sites(user) -> set[int]:
    sites = triage_sites(user)
    if not sites:
        return set()
    from .models import Channel

    return sites | set(Channel.objects.filter(platform_id__in=sites).values_list("site_id", flat=True))


def may_run_column(user, site, department_id: int | None = None) -> bool:
    """Surveys, interviews, knowledge entries: the site's column staff, or the handlers of the
    department the item belongs to."""
    if site.pk in column_sites(user):
        return True
    return department_id is not None and department_id in departments(user)


def managed_sites(user) -> set[int]:
    """Sites ``user`` manages: the site administrators (``SiteRole.SITE_ADMIN``) and the
    institution's site manager (``Role.SITE_MANAGER``)."""
    return _per_request(user, "_govsites_managed_sites", _managed_sites) if _active(user) else set()


def _managed_sites(user) -> set[int]:
    from govsites.registry.models import Site

    own = {a.institution_id for a in registry_permissions.assignments(user) if a.role == Role.SITE_MANAGER}
    sites = set(SiteMembership.objects.filter(user=user, role=SiteRole.SITE_ADMIN).values_list("site_id", flat=True))
    if own:
        sites |= set(Site.objects.live().filter(institution_id__in=own).values_list("pk", flat=True))
    return sites


def may_edit_channels(user, site) -> bool:
    """A column's title, purpose and use (INT-01): its column staff or the site's managers."""
    return site.pk in column_sites(user) or site.pk in managed_sites(user)
