"""Where a submission's and a lookup's time goes, in-process (no gunicorn, no network).

    .venv/bin/python benchmarks/interaction/profile_requests.py [--small] [-n 300]

Runs the public service's WSGI handler (``govsites.settings.public``, the ``govsites_public`` role,
the same keys as ``run.py``) under ``cProfile`` for ``n`` submissions and ``n`` lookups, and
prints per request: wall time, database statements and their time (a cursor wrapper), and the
functions with the most cumulative time. Writes ``profile.md`` unless ``--no-write``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import run

SORT = "cumulative"

#: (area, substring of the code's file name); the first match wins
AREAS = (
    ("waiting for PostgreSQL (psycopg wait/send)", "psycopg/connection.py"),
    ("psycopg (adaptation, cursors)", "psycopg/"),
    ("Django ORM: query building and SQL compilation", "django/db/models/sql/"),
    ("Django ORM: models, querysets, fields, expressions", "django/db/models/"),
    ("Django DB backend", "django/db/"),
    ("translations (gettext of lazy labels)", "gettext.py"),
    ("translations (gettext of lazy labels)", "django/utils/translation/"),
    ("Django request handling, middleware, URL resolving", "django/core/"),
    ("Django request handling, middleware, URL resolving", "django/http/"),
    ("Django request handling, middleware, URL resolving", "django/middleware/"),
    ("Django request handling, middleware, URL resolving", "django/urls/"),
    ("Django test client (not in production)", "django/test/"),
    ("Django utilities (functional, hashable, encoding, asgiref locals)", "django/utils/"),
    ("Django utilities (functional, hashable, encoding, asgiref locals)", "asgiref/"),
    ("django-ninja and pydantic (parsing, validation, JSON)", "ninja/"),
    ("django-ninja and pydantic (parsing, validation, JSON)", "pydantic"),
    ("CSP header", "csp/"),
    ("cryptography (AES-GCM)", "cryptography/"),
    ("govsites code itself", "govsites/"),
)


def by_area(stats: pstats.Stats) -> dict[str, float]:
    """Self time summed by area (the time of C built-ins is counted where the caller lives only
    when it is attributed to a Python file; built-ins go to "built-ins and the standard library")."""
    areas: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        area = next((a for a, part in AREAS if part in filename), None)
        if area is None:
            area = "built-ins and the standard library (json, hmac, re, copy, …)"
        areas[area] = areas.get(area, 0.0) + tottime
    return areas


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--small", action="store_true")
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    url = args.database_url or (run.SMALL_URL if args.small else common.DEFAULT_URL)
    cases = args.cases or (20000 if args.small else 1_000_000)
    common.setup(url, public=True)

    from django.db import connection
    from django.test import Client

    rng = random.Random()  # noqa: S311  (fresh phones, texts and addresses every run)
    work = common.DATA_DIR / "profile"
    work.mkdir(parents=True, exist_ok=True)
    run.write_submissions(work / "submissions.tsv", args.n + 20, rng)
    run.write_lookups(work / "lookups.tsv", args.n + 20, cases, rng)
    client = Client(HTTP_HOST=common.HOST, HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="127.0.0.1")
    sections = []

    def requests(path: Path):
        for line in path.read_text(encoding="utf-8").splitlines():
            method, target, xff, body = line.split("\t", 3)
            yield method, target, xff, body

    def send(method, target, xff, body):
        if method == "POST":
            return client.post(target, data=body, content_type="application/json", HTTP_X_FORWARDED_FOR=xff)
        return client.get(target, HTTP_X_FORWARDED_FOR=xff)

    for label, path, expected in (("submission", work / "submissions.tsv", 201), ("lookup", work / "lookups.tsv", 200)):
        items = list(requests(path))
        half = args.n // 2
        for item in items[:20]:  # warm up: imports, connection, caches
            assert send(*item).status_code == expected
        statements: list[float] = []

        def timed(execute, sql, params, many, context, statements=statements):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                statements.append(time.perf_counter() - started)

        def batch(chunk, label=label, expected=expected):
            for item in chunk:
                response = send(*item)
                if response.status_code != expected:
                    raise SystemExit(f"{label}: {response.status_code} {response.content[:300]!r}")

        # 1. without the profiler: wall and CPU time of this process, time spent in statements
        with connection.execute_wrapper(timed):
            wall0, cpu0 = time.perf_counter(), time.process_time()
            batch(items[20:20 + half])
            wall, cpu = (time.perf_counter() - wall0) / half, (time.process_time() - cpu0) / half
        db = sum(statements) / half
        # 2. under cProfile: where the Python time goes
        profiler = cProfile.Profile()
        profiler.enable()
        batch(items[20 + half:20 + 2 * half])
        profiler.disable()
        stats = pstats.Stats(profiler)
        areas = by_area(stats)
        total = sum(areas.values()) or 1
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(SORT).print_stats(45)
        summary = (f"{label}: {wall * 1000:.2f} ms wall per request in-process, of which {db * 1000:.2f} ms waiting "
                   f"for {len(statements) / half:.1f} statements; {cpu * 1000:.2f} ms CPU of the Python process "
                   f"(n = {half} unprofiled requests)")
        table = ["| area (self time under cProfile) | share |", "|---|---:|"] + [
            f"| {area} | {seconds / total:.0%} |" for area, seconds in sorted(areas.items(), key=lambda kv: -kv[1])
            if seconds / total >= 0.01]
        print(summary)
        print("\n".join(table))
        if args.no_write:
            print(out.getvalue())
        sections.append((label, summary, "\n".join(table), out.getvalue()))
    if not args.no_write:
        lines = ["# Interaction benchmark — where the time goes (cProfile)", "",
                 f"`{' '.join(['.venv/bin/python benchmarks/interaction/profile_requests.py', *(argv or sys.argv[1:])])}`, "
                 f"{args.n} requests each, in-process through Django's test client with the public settings "
                 "and the public database role.", ""]
        for label, summary, table, text in sections:
            lines += [f"## {label}", "", summary, "", table, "", "<details><summary>cProfile, cumulative</summary>",
                      "", "```", text.strip()[:12000], "```", "", "</details>", ""]
        (common.HERE / "profile.md").write_text("\n".join(lines))
    print(json.dumps({"written": not args.no_write}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
