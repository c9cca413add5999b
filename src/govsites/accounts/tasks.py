"""Scheduled account work, as Django Tasks (database queue by default)."""

from django_tasks import task

from govsites.audit.context import Actor

from .actions import DisableInactiveAccounts


@task()
def disable_inactive_accounts() -> list[int]:
    return run_disable_inactive_accounts()


def run_disable_inactive_accounts() -> list[int]:
    """Daily: disable accounts unused for the profile's ``security.inactive_account_days``."""
    return [user.pk for user in DisableInactiveAccounts(Actor.system()).execute()]
