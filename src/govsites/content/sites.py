"""Creating and keeping in step the page tree of each hosted registry site (CON-02, REG-04)."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Page
from wagtail.models import Site as WagtailSite

from govsites.registry.models import LIVE_STATUSES, Site, SiteStatus, SpecialTopic

from .columns import STANDARD_COLUMNS, ColumnType
from .models import ColumnPage, SiteHomePage

# Statuses in which a hosted site has (or gets) its content tree: editors prepare content
# as soon as the opening is approved.
TREE_STATUSES = [s for s in LIVE_STATUSES if s != SiteStatus.PROPOSED]


def site_root() -> Page:
    """Wagtail's tree root (recreated if a database flush removed the migration-made one)."""
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", live=True))
    return root


@transaction.atomic
def ensure_site_tree(site: Site) -> SiteHomePage | None:
    """Give a hosted site its home page, standard columns and Wagtail site record (idempotent)."""
    if not site.hosted or site.status not in TREE_STATUSES:
        return None
    home = SiteHomePage.objects.filter(registry_site=site).first()
    if home is None:
        home = site_root().add_child(
            instance=SiteHomePage(title=site.name, slug=f"site-{site.pk}", registry_site=site, live=True)
        )
    existing = set(
        ColumnPage.objects.child_of(home).exclude(column_type=ColumnType.FREE).values_list("column_type", flat=True)
    )
    for column_type, slug, title, description in STANDARD_COLUMNS:
        if column_type not in existing:
            home.add_child(instance=ColumnPage(
                title=title, slug=slug, column_type=column_type, description=description,
                keywords=title, live=True,
            ))
    sync_hostname(site, home)
    return home


def sync_hostname(site: Site, home: SiteHomePage | None = None) -> None:
    """The Wagtail site record follows the registry's English domain (REG-16 domain changes)."""
    home = home or SiteHomePage.objects.filter(registry_site=site).first()
    if home is None or not site.domain:
        return
    WagtailSite.objects.update_or_create(
        root_page=home, defaults={"hostname": site.domain, "port": 80, "site_name": site.name}
    )


def ensure_special_topic_column(topic: SpecialTopic) -> ColumnPage | None:
    """REG-04: an approved special topic is a column under its host site's 专栏专题."""
    home = ensure_site_tree(topic.host_site)
    if home is None:
        return None
    existing = ColumnPage.objects.filter(special_topic=topic).first()
    if existing is not None:
        return existing
    parent = ColumnPage.objects.child_of(home).get(column_type=ColumnType.SPECIAL_TOPICS)
    return parent.add_child(instance=ColumnPage(
        title=topic.title, slug=f"zt-{topic.pk}", column_type=ColumnType.SPECIAL_TOPIC,
        description=f"{topic.title}（牵头单位：{topic.lead_institution}）", keywords=topic.title,
        special_topic=topic, live=True,
    ))


def ensure_all() -> int:
    """Trees for every hosted site that should have one (after an import or for the demo)."""
    count = 0
    for site in Site.objects.filter(hosted=True, status__in=TREE_STATUSES).order_by("pk"):
        count += ensure_site_tree(site) is not None
    for topic in SpecialTopic.objects.select_related("host_site", "lead_institution"):
        ensure_special_topic_column(topic)
    return count
