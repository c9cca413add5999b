"""Generate the publishing benchmark database: the content benchmark's generator, smaller.

    benchmarks/content/pg.sh start
    .venv/bin/python benchmarks/publishing/generate.py [--items 150000 --reset]

Runs ``benchmarks/content/generate.py`` (the medium demo estate, every hosted site's page tree,
review workflows, 2,000 editor accounts with site memberships, the library written with COPY)
with ``--no-baseline`` into its own database, ``govsites_bench_publish`` on the private cluster of
``benchmarks/content/pg.sh`` (port 54339), so that the content benchmark's ``govsites_bench`` is
left alone. ``run.py`` never measures on this database: it clones it first (``CREATE DATABASE …
TEMPLATE``), so every run starts from the same data.

The per-step timings go to ``benchmarks/publishing/generate-timings.json`` (not the content
benchmark's file), with the counts the publisher will see: live items placed in a live column of
a site with a content tree, and the item pages that makes (one per item and site showing it).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONTENT = HERE.parent / "content"
sys.path.insert(0, str(CONTENT))

import common  # noqa: E402  (benchmarks/content/common.py)

DEFAULT_URL = "postgres://govsites@127.0.0.1:54339/govsites_bench_publish"
DEFAULT_DATA_DIR = "/tmp/govsites-bench-publish"  # noqa: S108  (scratch folder, like pg.sh's cluster)
TIMINGS = HERE / "generate-timings.json"


def publishable_counts() -> dict:
    """What the publisher will render from the generated data (read-only SQL)."""
    from django.db import connection

    with connection.cursor() as cur:
        # the columns a site publishes: live ColumnPages below its SiteHomePage
        cur.execute("""
            WITH homes AS (
                SELECT h.page_ptr_id AS home_id, h.registry_site_id AS site_id, p.path, p.depth
                FROM content_sitehomepage h JOIN wagtailcore_page p ON p.id = h.page_ptr_id
            ), columns AS (
                SELECT c.page_ptr_id AS column_id, homes.site_id
                FROM content_columnpage c
                JOIN wagtailcore_page p ON p.id = c.page_ptr_id
                JOIN homes ON p.path LIKE homes.path || '%%' AND p.depth > homes.depth
                WHERE p.live
            ), shown AS (
                SELECT DISTINCT pl.site_id, pl.item_id
                FROM content_placement pl
                JOIN columns ON columns.column_id = pl.column_id AND columns.site_id = pl.site_id
                JOIN content_item i ON i.id = pl.item_id
                WHERE i.live
            )
            SELECT (SELECT count(*) FROM content_item),
                   (SELECT count(*) FROM content_item WHERE live),
                   (SELECT count(DISTINCT item_id) FROM shown),
                   (SELECT count(*) FROM shown),
                   (SELECT count(*) FROM homes),
                   (SELECT count(*) FROM columns)
        """)
        items, live, live_placed, item_pages, sites, columns = cur.fetchone()
    return {
        "items": items, "live_items": live, "live_placed_items": live_placed,
        "item_pages_expected": item_pages, "sites_with_trees": sites, "live_columns": columns,
    }


def content_generator():
    """``benchmarks/content/generate.py``, imported under another name (this file is ``generate`` too)."""
    spec = importlib.util.spec_from_file_location("content_bench_generate", CONTENT / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--items", type=int, default=150_000)
    parser.add_argument("--editors", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--reset", action="store_true", help="drop and recreate the benchmark database first")
    parser.add_argument("--trees-template", metavar="DBNAME", default=None,
                        help="passed to benchmarks/content/generate.py (reuse a migrated estate with site trees)")
    parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR,
                        help="GOVSITES_DATA_DIR during generation (nothing is published here)")
    args = parser.parse_args(argv)
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    os.environ["GOVSITES_DATA_DIR"] = args.data_dir
    # the content generator writes its timings next to itself: send them here instead
    common.HERE = HERE
    content_args = ["--database-url", args.database_url, "--items", str(args.items), "--editors", str(args.editors),
                    "--seed", str(args.seed), "--no-baseline"]
    if args.reset:
        content_args.append("--reset")
    if args.trees_template:
        content_args += ["--trees-template", args.trees_template]
    status = content_generator().main(content_args)
    if status:
        return status
    counts = publishable_counts()
    saved = json.loads(TIMINGS.read_text())
    saved["publishable"] = counts
    TIMINGS.write_text(json.dumps(saved, ensure_ascii=False, indent=2, default=str))
    print(json.dumps(counts, indent=2))
    if counts["live_placed_items"] < 100_000:
        print(f"warning: only {counts['live_placed_items']:,} live placed items (the target needs ≥ 100,000): "
              "generate more with --items", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
