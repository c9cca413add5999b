"""Worker tasks (Django Tasks): a census started in the admin runs on the task queue, never in the
web request — crawling a city's estate takes minutes."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task


def admin_census_options() -> dict:
    """``settings.GOVSITES_MONITORING``: ``CENSUS_SCHEME`` (default https) and ``CENSUS_RESOLVE``
    (HOST:PORT:ADDR entries, like ``govsites census --resolve``) for censuses started in the admin."""
    conf = getattr(settings, "GOVSITES_MONITORING", None) or {}
    return {"scheme": conf.get("CENSUS_SCHEME", "https"), "resolve": list(conf.get("CENSUS_RESOLVE", []))}


def scope_facts(user, scheme: str = "https"):
    """``sitelist.registry_sites()`` limited to the areas ``user`` supervises."""
    from .permissions import supervised_sites
    from .sitelist import registry_sites

    allowed = set(supervised_sites(user).values_list("pk", flat=True))
    return [facts for facts in registry_sites(scheme) if facts.site_id in allowed]


@task()
def census_of_scope(user_id: int, kind: str = "adhoc", note: str = "", ip_address: str | None = None,
                    scheme: str = "https", resolve: list[str] | None = None,
                    families: list[str] | None = None) -> int:
    """Run a census of the running sites in the areas of supervisor ``user_id``, in their name
    (the census' starter and audit entries); returns the census id."""
    from django.contrib.auth import get_user_model

    from govsites.actions import NotAllowed
    from govsites.audit.context import Actor

    from .census import CensusOptions, run_census
    from .checks.catalogue import FAMILIES
    from .permissions import may_start_census

    user = get_user_model().objects.filter(pk=user_id).first()
    if not may_start_census(user):
        raise NotAllowed("发起人已无监管权限，检查未进行。")
    options = CensusOptions(resolve=list(resolve or []),
                            families=tuple(f for f in (families or FAMILIES) if f in FAMILIES))
    census = run_census(scope_facts(user, scheme), Actor(user=user, ip_address=ip_address, via="task"),
                        kind=kind, note=note, options=options)
    return census.pk
