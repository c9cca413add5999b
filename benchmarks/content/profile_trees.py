"""Why ``govsites.content.sites.ensure_all()`` is slow on PostgreSQL, and what a faster one does.

    .venv/bin/python benchmarks/content/profile_trees.py [--database-url URL] [--mode stock|profiled|fast|all]

Builds (once) a template database with the migrated medium demo estate and no site trees beyond
the ones the demo's own lifecycle stories create, then for each mode clones it and builds every
site tree:

- ``stock``: ``ensure_all()`` as it is (``add_child`` per column page), every statement counted
  and grouped; ``profiled``: the same under cProfile;
- ``fast``: a prototype of the suggested change (NOT used by the application): the home page still
  through ``add_child``; its standard columns with precomputed treebeard paths and
  ``save(clean=False)`` (the fixed, known-unique standard columns need no per-page
  ``full_clean``: no foreign-key existence queries, no slug/translation-key uniqueness queries, no
  default-locale lookup), the parent passed in instead of re-read, ``numchild`` updated once per
  site; the sites' media collections created first, in name order (each new collection sorts last,
  so treebeard's sorted insert moves no sibling). Creation log entries, search-index and
  reference-index tasks are still written per page.

Results are printed and written to ``profile-trees.md``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import re
import subprocess
import sys
import time
from collections import Counter, deque
from pathlib import Path
from urllib.parse import urlparse, urlunparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

TEMPLATE = "govsites_bench_demo_only"


def admin(url):
    parsed = urlparse(url)
    return parsed.path.lstrip("/"), urlunparse(parsed._replace(path="/postgres"))


def prepare(url: str, rebuild: bool) -> None:
    import psycopg

    _name, admin_url = admin(url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        has = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [TEMPLATE]).fetchone()
        if has and not rebuild:
            return
        conn.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}"')
        conn.execute(f'CREATE DATABASE "{TEMPLATE}"')
    template_url = url.rsplit("/", 1)[0] + "/" + TEMPLATE
    env_python = [sys.executable, __file__, "--database-url", template_url, "--child", "demo"]
    subprocess.run(env_python, check=True)  # noqa: S603  (this script, fixed arguments)


def clone(url: str, target: str) -> str:
    import psycopg

    _name, admin_url = admin(url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{TEMPLATE}"')
    return url.rsplit("/", 1)[0] + "/" + target


# -- child processes (one database each) --------------------------------------------------------

def child_demo():
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("demo_estate", scale="medium")


def fast_ensure_all() -> int:
    """The prototype (see the module docstring)."""
    from django.db import transaction
    from django.db.models import F
    from wagtail.models import Locale, Page

    from govsites.content import sites as site_trees
    from govsites.content.columns import STANDARD_COLUMNS, ColumnType
    from govsites.content.models import ColumnPage, SiteHomePage
    from govsites.registry.models import Site, SpecialTopic

    root = site_trees.site_root()
    locale = Locale.get_default()
    count = 0
    sites = list(Site.objects.filter(hosted=True, status__in=site_trees.TREE_STATUSES).order_by("pk"))
    try:  # one collection per site (govsites.media): created in name order, each one sorts last —
        # treebeard's sorted insert (Collection.node_order_by = ["name"]) then moves no sibling
        from govsites.media.site_collections import ensure_site_collection
    except ImportError:
        ensure_site_collection = None
    if ensure_site_collection is not None:
        for site in sorted(sites, key=lambda s: s.name):
            ensure_site_collection(site)
    for site in sites:
        with transaction.atomic():
            home = SiteHomePage.objects.filter(registry_site=site).first()
            if home is None:
                home = root.add_child(instance=SiteHomePage(
                    title=site.name, slug=f"site-{site.pk}", registry_site=site, live=True, locale=locale))
            children = list(Page.objects.child_of(home).values_list("path", "slug"))
            existing = set(ColumnPage.objects.child_of(home).exclude(column_type=ColumnType.FREE)
                           .values_list("column_type", flat=True))
            taken = {slug for _path, slug in children}
            last = max((int(path[-4:], 36) for path, _slug in children), default=0)
            added = 0
            for column_type, slug, title, description in STANDARD_COLUMNS:
                if column_type in existing or slug in taken:
                    continue
                added += 1
                column = ColumnPage(
                    title=title, draft_title=title, slug=slug, column_type=column_type, description=description,
                    keywords=title, live=True, locale=locale, depth=home.depth + 1, numchild=0,
                    path=ColumnPage._get_path(home.path, home.depth + 1, last + added),
                )
                column._cached_parent_obj = home  # treebeard's parent cache: no re-read per child
                column.save(clean=False)
            if added:
                Page.objects.filter(pk=home.pk).update(numchild=F("numchild") + added)
                home.numchild += added
            site_trees.sync_hostname(site, home)
        count += 1
    for topic in SpecialTopic.objects.select_related("host_site", "lead_institution"):
        site_trees.ensure_special_topic_column(topic)
    return count


def child_run(mode: str, out: Path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import Page

    from govsites.content.sites import ensure_all

    function = fast_ensure_all if mode == "fast" else ensure_all
    before = Page.objects.count()
    # Count every statement (the default 9,000-entry log would drop most of them).
    connection.queries_limit = 1_000_000
    connection.queries_log = deque(maxlen=connection.queries_limit)
    profile = cProfile.Profile() if mode == "profiled" else None
    started = time.monotonic()
    with CaptureQueriesContext(connection) as captured:
        if profile:
            profile.enable()
        sites = function()
        if profile:
            profile.disable()
    seconds = time.monotonic() - started
    pages = Page.objects.count() - before
    groups, times = Counter(), Counter()
    for q in captured.captured_queries:
        key = re.sub(r"\d+", "N", q["sql"])
        key = re.sub(r"'[^']*'", "'…'", key)[:90]
        groups[key] += 1
        times[key] += float(q["time"])
    report = {
        "mode": mode, "sites": sites, "pages": pages, "seconds": round(seconds, 1),
        "queries": len(captured.captured_queries), "db_seconds": round(sum(times.values()), 1),
        "top_statements": [(round(times[k], 2), groups[k], k) for k, _ in times.most_common(12)],
    }
    if profile:
        stream = io.StringIO()
        stats = pstats.Stats(profile, stream=stream)
        stats.sort_stats("cumulative").print_stats(r"(mp_tree|wagtail/models|modelsearch|log_actions|sites\.py|"
                                                   r"base\.py:1634|related\.py:1122|signal_handlers)", 30)
        report["cprofile"] = stream.getvalue()
        report["note"] = "seconds include the cProfile overhead"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=common.DEFAULT_URL)
    parser.add_argument("--mode", choices=["stock", "profiled", "fast", "all"], default="all")
    parser.add_argument("--rebuild-template", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        common.setup(args.database_url)
        if args.child == "demo":
            child_demo()
        else:
            child_run(args.child, Path(args.out))
        return 0
    common.refuse_test_database(args.database_url)
    prepare(args.database_url, args.rebuild_template)
    saved = common.HERE / "profile-trees.json"
    previous = {r["mode"]: r for r in json.loads(saved.read_text())} if saved.exists() else {}
    reports = []
    for mode in (["stock", "profiled", "fast"] if args.mode == "all" else [args.mode]):
        url = clone(args.database_url, f"govsites_bench_trees_{mode}")
        out = common.HERE / f".profile-{mode}.json"
        subprocess.run([sys.executable, __file__, "--database-url", url, "--child", mode, "--out", str(out)],  # noqa: S603
                       check=True)
        report = json.loads(out.read_text())
        out.unlink()
        reports.append(report)
        print(f"{mode}: {report['sites']} sites, {report['pages']} pages in {report['seconds']} s, "
              f"{report['queries']} statements ({report['queries'] / max(report['pages'], 1):.1f} per page), "
              f"DB time {report['db_seconds']} s")
    previous.update({r["mode"]: r for r in reports})
    reports = [previous[m] for m in ("stock", "profiled", "fast") if m in previous]
    saved.write_text(json.dumps(reports, ensure_ascii=False, indent=1))
    lines = ["# Building the site trees: `ensure_all()` profile", "",
             "`benchmarks/content/profile_trees.py`: each mode starts from a clone of the same database (migrated "
             "medium demo estate) and builds every hosted site's tree; statements counted with "
             "`CaptureQueriesContext` (SAVEPOINT/RELEASE included). Raw data: `profile-trees.json`.", ""]
    for r in reports:
        lines += [f"## {r['mode']}: {r['sites']} sites, {r['pages']} pages, {r['seconds']} s, {r['queries']} statements "
                  f"({r['queries'] / max(r['pages'], 1):.1f} per page), DB time {r['db_seconds']} s", ""]
        if r.get("note"):
            lines += [f"({r['note']})", ""]
        lines += ["| DB s | count | statement |", "|---:|---:|---|"]
        lines += [f"| {t} | {n} | `{k.replace('|', '/')}` |" for t, n, k in r["top_statements"]]
        if r.get("cprofile"):
            lines += ["", "```", r["cprofile"].strip(), "```"]
        lines.append("")
    (common.HERE / "profile-trees.md").write_text("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
