"""Who may see and do what in the registry, from role assignments scoped to institutions.

Roles are resolved once per request (cached on the user object) so list views stay at a
constant number of queries whatever the size of the estate.
"""

from __future__ import annotations

from django.db.models import Q

from govsites.accounts.models import Role, RoleAssignment

from .models import Application, ApprovalStep, Institution, Site, StepKind, StepStatus


def assignments(user) -> list[RoleAssignment]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_govsites_roles", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("institution"))
        user._govsites_roles = cached
    return cached


def _paths(user, *roles) -> list[str]:
    return [a.institution.path for a in assignments(user) if a.role in roles]


def is_supervisor_of(user, institution: Institution) -> bool:
    return any(institution.path.startswith(p) for p in _paths(user, Role.SUPERVISOR))


def is_estate_supervisor(user) -> bool:
    """A supervisor at the estate root (the provincial / municipal office)."""
    return any(a.role == Role.SUPERVISOR and a.institution.parent_id is None for a in assignments(user))


def reads_everything(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or is_estate_supervisor(user)


def may_file_for(user, institution: Institution) -> bool:
    """File applications and work checklists for ``institution``'s site."""
    if is_supervisor_of(user, institution):
        return True
    return any(
        a.institution_id == institution.pk and a.role in (Role.SITE_MANAGER, Role.INSTITUTION_HEAD)
        for a in assignments(user)
    )


def fileable_institutions(user):
    """Institutions ``user`` may file for: the queryset counterpart of ``permissions.may_file_for``."""
    condition = Q(pk__in=[])
    for assignment in assignments(user):
        if assignment.role == Role.SUPERVISOR:
            condition |= Q(path__startswith=assignment.institution.path)
        elif assignment.role in (Role.SITE_MANAGER, Role.INSTITUTION_HEAD):
            condition |= Q(pk=assignment.institution_id)
    return Institution.objects.filter(condition)


def may_register_sites(user, institution: Institution) -> bool:
    """Record existing sites and institutions directly (bulk onboarding): supervisors and the
    system administrator, who sets the estate up."""
    return bool(getattr(user, "is_superuser", False)) or is_supervisor_of(user, institution)


def may_decide(user, step: ApprovalStep) -> bool:
    """Decide a step: the named head for a head step, a supervisor of that office for an office step."""
    role = Role.INSTITUTION_HEAD if step.kind == StepKind.INSTITUTION_HEAD else Role.SUPERVISOR
    return any(a.role == role and a.institution_id == step.institution_id for a in assignments(user))


def visible_institutions(user):
    qs = Institution.objects.all()
    if reads_everything(user):
        return qs
    condition = Q(pk__in=[])
    for a in assignments(user):
        if a.role == Role.SUPERVISOR:
            condition |= Q(path__startswith=a.institution.path)
        else:
            condition |= Q(pk=a.institution_id)
    return qs.filter(condition)


def visible_sites(user):
    qs = Site.objects.all()
    if reads_everything(user):
        return qs
    condition = Q(pk__in=[])
    for a in assignments(user):
        if a.role == Role.SUPERVISOR:
            condition |= Q(institution__path__startswith=a.institution.path)
        else:
            condition |= Q(institution_id=a.institution_id)
    return qs.filter(condition)


def visible_applications(user):
    qs = Application.objects.all()
    if reads_everything(user):
        return qs
    condition = Q(pk__in=[])
    for a in assignments(user):
        if a.role == Role.SUPERVISOR:
            condition |= Q(institution__path__startswith=a.institution.path)
        else:
            condition |= Q(institution_id=a.institution_id)
        condition |= Q(steps__institution_id=a.institution_id)
    return qs.filter(condition).distinct()


def inbox(user):
    """Steps waiting for this user's decision (the approval inbox)."""
    condition = Q(pk__in=[])
    for a in assignments(user):
        if a.role == Role.INSTITUTION_HEAD:
            condition |= Q(kind=StepKind.INSTITUTION_HEAD, institution_id=a.institution_id)
        elif a.role == Role.SUPERVISOR:
            condition |= Q(kind=StepKind.OFFICE, institution_id=a.institution_id)
    return (
        ApprovalStep.objects.filter(condition, status=StepStatus.PENDING)
        .select_related("application__site", "application__institution", "institution")
        .order_by("application__submitted_at")
    )
