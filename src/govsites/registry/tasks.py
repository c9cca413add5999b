"""Scheduled registry work, as Django Tasks so any task backend (database queue by default) runs it."""

from django_tasks import task

from govsites.audit.context import Actor

from .actions import ApplyDueTransitions


@task()
def apply_due_transitions() -> list[int]:
    """Daily: start approved temporary offlines whose day has come; bring sites back when due."""
    return [site.pk for site in ApplyDueTransitions(Actor.system()).execute()]
