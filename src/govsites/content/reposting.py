"""Who must repost an important policy and by when (CON-03); the source every use shows (CON-04).

SX 10: important policy information published by a superior government's site or by the own
government's portal is reposted by the subordinate sites within 12 hours (the profile's
``content.repost_hours``; national 24). The platform reads this as:

- when an item with ``is_important_policy`` goes live and its **owning site is the portal of
  government G**, every site in G's area owes a repost: G's departments (and their units), the
  governments below G, their portals and departments, down to the townships;
- of those, only sites that exist, are hosted here and have launched (online, temporarily
  offline, outage: the duty waits for them). Proposed and approved sites are not online yet, a
  closing site's content is moving away, and a site outside the platform cannot repost here;
- never the owning portal itself.

The clock starts at the platform moment the item goes live (``govsites.clock.now()``, not the
editable ``published_on``) and starts once: a re-publish (an edit, unpublish and publish, a
scheduled go-live) finds the existing duties and neither duplicates nor resets them. A site
that already shows the item when its duty arises has fulfilled it at that placement's time.

Limits, on purpose for now:

- department sites' own vertical systems (a provincial department's policy reposted by the city
  and county departments of the same line) are not covered: the registry does not link
  departments across levels yet, so only portals create duties;
- a site launched after the publish gets no duty for it;
- an item marked important after it went live counts from the next publish carrying the mark;
- a duty whose item is no longer live leaves the queue and the missing list (there is nothing to
  repost), while a late repost stays reported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, Q, QuerySet, Value

from govsites import clock
from govsites.policy import profiles
from govsites.registry.models import Institution, Site, SiteStatus

from .models import Item, Placement, RepostDuty

# Sites that have launched and are not leaving: they owe reposts (see the module docstring).
DUTY_STATUSES = (SiteStatus.ONLINE, SiteStatus.TEMPORARILY_OFFLINE, SiteStatus.OUTAGE)


def repost_hours() -> int:
    return int(profiles.active().get("content.repost_hours"))


def sites_that_must_repost(item: Item) -> QuerySet[Site]:
    """The sites that owe a repost of ``item`` when it goes live (none unless it is an important
    policy owned by a portal)."""
    owner = item.owning_site
    if not item.is_important_policy or not owner.is_portal:
        return Site.objects.none()
    return (
        Site.objects.live()
        .within(owner.institution)
        .filter(hosted=True, status__in=DUTY_STATUSES)
        .exclude(pk=owner.pk)
    )


def create_duties(item: Item) -> int:
    """Give every site that must repost the live ``item`` its duty (idempotent); how many are new."""
    if not item.live:
        return 0
    already = set(RepostDuty.objects.filter(item=item).values_list("site_id", flat=True))
    site_ids = [pk for pk in sites_that_must_repost(item).values_list("pk", flat=True) if pk not in already]
    if not site_ids:
        return 0
    now = clock.now()
    due = now + dt.timedelta(hours=repost_hours())
    shown = _first_placements(item, site_ids)
    duties = [
        RepostDuty(
            item=item, site_id=site_id, created_at=now, due_at=due,
            fulfilled_at=shown[site_id].placed_at if site_id in shown else None,
            placement=shown.get(site_id),
        )
        for site_id in site_ids
    ]
    # ignore_conflicts: two publishes racing both insert; the unique (item, site) keeps one each.
    RepostDuty.objects.bulk_create(duties, ignore_conflicts=True)
    if shown:
        # A placement that fulfils a duty is a repost (CON-03), whichever way it was made.
        Placement.objects.filter(pk__in=[p.pk for p in shown.values()]).update(is_repost=True)
    return len(duties)


def _first_placements(item: Item, site_ids: list[int]) -> dict[int, Placement]:
    first: dict[int, Placement] = {}
    for placement in Placement.objects.filter(item=item, site_id__in=site_ids).order_by("-placed_at", "-pk"):
        first[placement.site_id] = placement
    return first


def to_repost(site: Site, now: dt.datetime | None = None) -> QuerySet[RepostDuty]:
    """The site's open duties, soonest deadline first, each annotated with ``remaining`` (a
    timedelta, negative once overdue)."""
    now = now or clock.now()
    return (
        RepostDuty.objects.filter(site=site, fulfilled_at__isnull=True, item__live=True)
        .select_related("item", "item__owning_site")
        .annotate(
            remaining=ExpressionWrapper(F("due_at") - Value(now, output_field=DateTimeField()),
                                        output_field=DurationField())
        )
        .order_by("due_at", "pk")
    )


@dataclass
class SiteRepostRecord:
    """One site's failures for the supervisor: reposted after the deadline, or not yet and overdue."""

    site: Site
    late: list[RepostDuty] = field(default_factory=list)
    missing: list[RepostDuty] = field(default_factory=list)

    @property
    def late_count(self) -> int:
        return len(self.late)

    @property
    def missing_count(self) -> int:
        return len(self.missing)


def late_and_missing(
    region_institution: Institution | None = None, now: dt.datetime | None = None
) -> list[SiteRepostRecord]:
    """Per site (in hierarchy order) the late and the missing reposts, for the whole estate or
    the sites within ``region_institution``; sites without either are left out."""
    now = now or clock.now()
    duties = RepostDuty.objects.filter(
        Q(fulfilled_at__gt=F("due_at")) | Q(fulfilled_at__isnull=True, due_at__lt=now, item__live=True)
    )
    if region_institution is not None:
        duties = duties.filter(site__institution__path__startswith=region_institution.path)
    duties = duties.select_related("site", "item", "item__owning_site").order_by(
        "site__institution__path", "site_id", "due_at", "pk"
    )
    records: dict[int, SiteRepostRecord] = {}
    for duty in duties:
        record = records.setdefault(duty.site_id, SiteRepostRecord(site=duty.site))
        (record.late if duty.fulfilled_at is not None else record.missing).append(duty)
    return list(records.values())


@dataclass(frozen=True)
class Source:
    """What a use of an item on another site states (CON-04): the original site and its link."""

    name: str
    url: str


def source_of(placement: Placement) -> Source:
    """Computed from the item's owning site, never stored, so no editor can change or drop it."""
    item = placement.item
    return Source(name=item.owning_site.name, url=canonical_url(item))


def canonical_url(item: Item) -> str:
    return canonical_url_of(item.pk, item.owning_site_id)


def canonical_url_of(item_id: int, owning_site_id: int) -> str:
    return canonical_urls([item_id])[item_id]


def canonical_urls(item_ids) -> dict[int, str]:
    """CON-04: each item's published address on its own site — the page the publisher renders
    for its first placement there (``govsites.publishing.paths.item_page``); '' before the item
    was published or while its site has no domain. One query per 2,000 items."""
    from govsites.publishing import paths

    wanted = list(set(item_ids))
    out = dict.fromkeys(wanted, "")
    for start in range(0, len(wanted), 2000):
        rows = (
            Placement.objects.filter(item_id__in=wanted[start:start + 2000], site_id=F("item__owning_site_id"))
            .order_by("-pk")
            .values_list("item_id", "column__url_path", "item__published_on", "site__domain")
        )
        for item_id, url_path, published, domain in rows:  # the first placement comes last
            out[item_id] = (
                f"https://{domain}/{paths.item_page(paths.column_dir(url_path), item_id, clock.local(published))}"
                if domain and published is not None else ""
            )
    return out
