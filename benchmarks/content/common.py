"""Shared by ``generate.py`` and ``run.py``: Django bootstrap on the benchmark database, names.

The benchmark never uses the test database of ``scripts/pg.sh url``: ``--database-url`` must name
its own database (default ``govsites_bench`` in a private cluster, see ``pg.sh`` here).
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent
DEFAULT_URL = "postgres://govsites@127.0.0.1:54339/govsites_bench"

# Accounts the generator creates and the runner logs in as (no password: force_login only).
EDITOR_PREFIX = "bench-editor-"
SUPERVISOR = "bench-supervisor"
#: The one-site editor measured: an editor of the capital city's portal (own volume + repost queue).
PERSONA_EDITOR = "bench-persona-editor"
#: A reviewer of the same portal (the "waiting for my review" list is not empty for them).
PERSONA_REVIEWER = "bench-persona-reviewer"
BASELINE_GROUP_PREFIX = "基线·"
BASELINE_SUPERVISOR_GROUP = "基线·全省监管"
BASELINE_SLUG_PREFIX = "baseline-site-"
REVIEW_WORKFLOW = "基准·内容审核+保密审查"


def refuse_test_database(url: str) -> None:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if name in ("", "govsites", "postgres", "template1") or name.startswith("test_"):
        sys.exit(f"refusing to use database {name!r}: the benchmark needs its own database (e.g. govsites_bench)")


def setup(url: str) -> None:
    refuse_test_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govsites.settings.embedded")
    os.environ.setdefault("GOVSITES_POLICY_PROFILE", "shanxi")  # 12 h repost deadline (CON-03)
    src = str(PROJECT / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    import django

    django.setup()


@contextmanager
def step(label: str, timings: dict):
    print(f"… {label}", flush=True)
    started = time.monotonic()
    yield
    seconds = time.monotonic() - started
    timings[label] = round(seconds, 1)
    print(f"  {label}: {seconds:.1f} s", flush=True)
