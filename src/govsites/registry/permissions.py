"""Who may see and do what in the registry, from role assignments scoped to institutions.

Roles are resolved once per request (cached on the user object) so list views stay at a
constant number of queries whatever the size of the estate.
"""

from __future__ import annotations

from django.db.models import Q

from govsites.accounts.models import Role, RoleAssignment

from .models import Application, ApprovalStep, Institution, Site, StepKind, StepStatus

# The roles of registry work. The security officer and the auditor hold roles at institutions
# too, but least privilege keeps them out of the registry's views and decisions.
REGISTRY_ROLES = (Role.SUPERVISOR, Role.INSTITUTION_HEAD, Role.SITE_MANAGER)


def assignments(user) -> list[RoleAssignment]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_govsites_roles", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user=user, role__in=REGISTRY_ROLES).select_related("institution")
        )
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


def scope(user, prefix: str = "") -> Q:
    """Rows whose institution (reached through ``prefix``, e.g. ``"institution__"``) lies in the
    user's role scope: a supervisor's whole area, otherwise the own institution."""
    condition = Q(pk__in=[])
    for a in assignments(user):
        if a.role == Role.SUPERVISOR:
            condition |= Q(**{f"{prefix}path__startswith": a.institution.path})
        else:
            condition |= Q(**{f"{prefix}pk": a.institution_id})
    return condition


def fileable_institutions(user):
    """Institutions ``user`` may file for: the queryset counterpart of :func:`may_file_for`."""
    return Institution.objects.filter(scope(user))


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
    return qs if reads_everything(user) else qs.filter(scope(user))


def visible_sites(user):
    qs = Site.objects.all()
    return qs if reads_everything(user) else qs.filter(scope(user, "institution__"))


def visible_applications(user):
    """Applications of the user's scope, plus those with a step the user's institutions decide."""
    qs = Application.objects.all()
    if reads_everything(user):
        return qs
    deciding = Q(steps__institution_id__in=[a.institution_id for a in assignments(user)])
    return qs.filter(scope(user, "institution__") | deciding).distinct()


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
