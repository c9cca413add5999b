"""Published reports on the supervising government's portal (SUP-01: results published on the
sites; SUP-02: results public), as static pages of the publisher (docs/publishing.md).

Under the profile's folder (``reports.directory``, ``jiandu/``): an index of every published
report by kind, newest first, and one page per report (``jiandu/monthly/2026-11.html``). A page
shows the report's ``published_data`` (frozen when it was published) through the same body as
the standalone file, wrapped in the portal's own page design. Pages of reports no longer
published there (withdrawn) are removed.

The newest annual supervision report is also linked prominently from the portal's home page
(国办函〔2018〕12号: published "in a prominent place on the homepage"; ``home_highlights``), so the
home page is re-rendered whenever the reports change.
"""

from __future__ import annotations

import hashlib

from govsites.policy import profiles
from govsites.publishing import render
from govsites.publishing.context import ColumnMeta, ItemSummary, NavLink, Page

from . import html
from .models import Report, ReportKind

NAME = "reports"
COLUMN_TYPE = "政府网站监管"


def directory() -> str:
    return str(profiles.active().get("reports.directory")).strip("/") + "/"


def index_page() -> str:
    return f"{directory()}index.html"


def report_page(report: Report) -> str:
    return f"{directory()}{report.kind}/{report.period}.html"


def stylesheet_page() -> str:
    """The report stylesheet beside the pages, content-hashed (the fronts' CSP allows only
    stylesheets of the site itself; a changed stylesheet is a new name, so caches never serve a
    stale one)."""
    digest = hashlib.sha256(html.stylesheet().encode()).hexdigest()[:8]
    return f"{directory()}report.{digest}.css"


def column() -> ColumnMeta:
    return ColumnMeta(
        name="政府网站监管", description="政府网站月度普查报告、季度检查通报和监管年度报表。",
        keywords="政府网站监管,普查,检查通报,年度报表", column_type=COLUMN_TYPE, path=index_page(), feed_path="",
        breadcrumbs=(NavLink("首页", "index.html"),),
    )


def published(site):
    return Report.objects.filter(published_site=site, published_at__isnull=False)


def home_highlights(site) -> tuple[ItemSummary, ...]:
    annual = published(site).filter(kind=ReportKind.ANNUAL).order_by("-period", "-pk").first()
    if annual is None:
        return ()
    return (ItemSummary(item_id=annual.pk, title=annual.published_data["title"], path=report_page(annual),
                        published=annual.published_at, kind_label=str(ReportKind.ANNUAL.label)),)


def provider(planner, plan) -> None:
    """Every published report of ``planner.data.site`` and their index."""
    from govsites.publishing.models import ManifestEntry
    from govsites.publishing.planning import Output

    site, identity, folder = planner.data.site, planner.identity, directory()
    existing = set(ManifestEntry.objects.filter(site=site, path__startswith=folder).values_list("path", flat=True))
    reports = list(published(site).order_by("-published_at", "-pk"))
    wanted: set[str] = set()
    meta = column()

    def add(path: str, template: str, title: str, extra) -> None:
        def build() -> bytes:
            page = Page(kind="reports", path=path, site=identity, title=title, column=meta,
                        template=f"reports/{template}", extra={"stylesheet": stylesheet_page(), **extra()})
            return render.render_page(page)

        wanted.add(path)
        plan.add(Output(path, render=build))

    if reports:
        def listing() -> dict:
            groups = []
            for kind, label in ReportKind.choices:
                items = tuple(ItemSummary(item_id=r.pk, title=r.published_data["title"], path=report_page(r),
                                          published=r.published_at, kind_label=str(label))
                              for r in reports if r.kind == kind)
                groups.append((str(label), items))
            return {"groups": tuple(groups)}

        wanted.add(stylesheet_page())
        plan.add(Output(stylesheet_page(), render=lambda: html.stylesheet().encode("utf-8")))
        add(index_page(), "index.html", meta.name, listing)
        for report in reports:
            add(report_page(report), "report.html", report.published_data["title"],
                lambda r=report: {"body": html.body(r.published_data), "published": r.published_at})
    plan.removes |= existing - wanted
    planner.add_home(plan)
