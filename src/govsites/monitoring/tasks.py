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
                    families: list[str] | None = None, census_id: int | None = None) -> int:
    """Run a census of the running sites in the areas of supervisor ``user_id``, in their name
    (the census' starter and audit entries); returns the census id. ``census_id``: the census the
    admin already started when the request was made (it then shows as running at once)."""
    from django.contrib.auth import get_user_model

    from govsites.actions import NotAllowed
    from govsites.audit.context import Actor

    from .actions import FinishCensus
    from .census import CensusOptions, run_census
    from .checks.catalogue import FAMILIES
    from .models import Census, CensusStatus
    from .permissions import may_start_census

    user = get_user_model().objects.filter(pk=user_id).first()
    actor = Actor(user=user, ip_address=ip_address, via="task")
    started = Census.objects.filter(pk=census_id, status=CensusStatus.RUNNING).first() if census_id else None
    if not may_start_census(user):
        if started is not None:
            FinishCensus(Actor(user=None, via="task"), started, failed="发起人已无监管权限").execute()
        raise NotAllowed("发起人已无监管权限，检查未进行。")
    options = CensusOptions(resolve=list(resolve or []),
                            families=tuple(f for f in (families or FAMILIES) if f in FAMILIES))
    census = run_census(scope_facts(user, scheme), actor, kind=kind, note=note, options=options, census=started)
    return census.pk


# -- scale-out: one task per site ------------------------------------------------------------------

def enqueue_census(sites, actor, *, kind: str = "adhoc", note: str = "", options=None):
    """Start a census whose sites are checked as independent tasks (``census_site``), so N workers
    share an estate; the last site to be stored finishes the census. Returns the census."""
    from dataclasses import asdict

    from .actions import StartCensus
    from .census import CensusOptions

    options = options or CensusOptions()
    sites = list(sites)
    census = StartCensus(actor, kind=kind, note=note, planned=len(sites)).execute()
    user_id = actor.user.pk if actor.user is not None else None
    for site in sites:
        census_site.enqueue(census.pk, asdict(site), asdict(options), user_id=user_id,
                            ip_address=actor.ip_address, via=actor.via)
    return census


@task()
def census_site(census_id: int, facts: dict, options: dict, user_id: int | None = None,
                ip_address: str | None = None, via: str = "task") -> int:
    """Crawl, check, judge and store one site of census ``census_id``; finishes the census when it
    was the last. Returns the SiteResult id."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from govsites.audit.context import Actor

    from .actions import FinishCensus
    from .census import CensusOptions, check_one, record
    from .models import Census, CensusStatus
    from .sitelist import facts_from_mapping

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    actor = Actor(user=user, ip_address=ip_address, via=via)
    census = Census.objects.get(pk=census_id)
    site_options = CensusOptions(**{**options, "families": tuple(options.get("families") or ())})
    result = record(actor, census, check_one(facts_from_mapping(facts), site_options))
    with transaction.atomic():
        census = Census.objects.select_for_update().get(pk=census_id)
        if census.status == CensusStatus.RUNNING and census.results.count() >= int(census.stats.get("planned", 0)):
            FinishCensus(actor, census).execute()
    return result.pk
