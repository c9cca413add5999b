"""Registry notices on the sites that must carry them (REG-10/12/14/16): the launch of a site,
a temporary offline period, a migration, a domain change. The registry decides what is said,
where and for how long (``registry.Announcement``); this renders each current notice as a page
of its host site and lists it on the host's home page, and withdraws it when its time is up.

The first user of the output-provider seam (``planning.output_providers``).
"""

from __future__ import annotations

import html

from django.db.models import Q

from govsites import clock
from govsites.content.columns import ColumnType
from govsites.registry.models import Announcement

from . import paths, render
from .context import ColumnMeta, ItemPage, ItemSummary, Page

NAME = "announcements"


def current(site_id: int, now=None) -> list[Announcement]:
    now = now or clock.now()
    return list(
        Announcement.objects.filter(host_site_id=site_id, publish_from__lte=now)
        .filter(Q(publish_until__isnull=True) | Q(publish_until__gt=now))
        .order_by("-publish_from", "-pk")
    )


def summaries(site_id: int) -> tuple[ItemSummary, ...]:
    return tuple(
        ItemSummary(item_id=0, title=a.title, path=paths.announcement_page(a.pk), published=clock.local(a.publish_from),
                    kind_label=a.get_kind_display())
        for a in current(site_id)
    )


def body_html(text: str) -> str:
    """Registry notices are plain text: escaped, one paragraph per line."""
    return "".join(f"<p>{html.escape(line.strip())}</p>" for line in text.splitlines() if line.strip())


def provider(planner, plan) -> None:
    """Every current notice's page; the home page lists them (``Planner.add_home``); pages of
    notices whose time is up are removed."""
    from .models import ManifestEntry
    from .planning import Output

    data = planner.data
    notices = current(data.site.pk)
    column = next((c for c in data.columns.values() if c.column_type == ColumnType.ANNOUNCEMENTS), None)
    meta = data.column_meta(column) if column is not None else ColumnMeta(
        name="网站公告", description="网站开通、下线、迁移和域名变更等公告。", keywords="网站公告",
        column_type="网站公告", path=paths.HOME, feed_path="",
    )
    for notice in notices:
        path = paths.announcement_page(notice.pk)

        def build(notice=notice, path=path) -> bytes:
            item = ItemPage(
                title=notice.title, kind="announcement", kind_label=notice.get_kind_display(),
                published=clock.local(notice.publish_from), body_html=body_html(notice.body), summary="",
                author="", content_source=data.site.name, source_name="", source_url="", archived_notice="",
                validity_notice="", disclosure=(), interpretations=(), policies=(), attachments=(),
                map_approval_number="",
            )
            page = Page(kind="item", path=path, site=planner.identity, title=notice.title, column=meta, item=item)
            return render.render_page(page)

        plan.add(Output(path, render=build))
    planner.add_home(plan)
    wanted = {paths.announcement_page(n.pk) for n in notices}
    plan.removes |= set(
        ManifestEntry.objects.filter(site=data.site, path__startswith=paths.ANNOUNCEMENTS_DIR)
        .exclude(path__in=wanted).values_list("path", flat=True)
    )


def queue_due(since, now=None) -> int:
    """Queue the host sites of notices that started or ended in (since, now]: what the publisher
    loop calls every minute, so a notice appears and disappears on time."""
    from .receivers import queue_outputs

    now = now or clock.now()
    hosts = set(
        Announcement.objects.filter(Q(publish_from__gt=since, publish_from__lte=now)
                                    | Q(publish_until__gt=since, publish_until__lte=now))
        .values_list("host_site_id", flat=True)
    )
    for host in hosts:
        queue_outputs(host, NAME)
    return len(hosts)
