"""Measure the content admin views and the stock-Wagtail baseline on the benchmark database.

    .venv/bin/python benchmarks/content/run.py --database-url "$(benchmarks/content/pg.sh url)" [-n 50 --warmup 5]

In-process, with Django's test ``Client`` (the whole request: middleware, session, auth, the
view, template rendering; no network, no static files). Each scenario is requested ``warmup``
times, then ``n`` times timed (wall clock around ``client.get``); one extra request runs under
``CaptureQueriesContext`` for the query count and the database time (not part of the timings).
Writes ``results.md`` (tables, machine, commands) and ``results.json``; for every scenario
whose p95 exceeds the target, the slowest statements with ``EXPLAIN (ANALYZE, BUFFERS)`` go to
``explain.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

TARGET_MS = 300
#: Indexes suggested by the findings (``--suggested-indexes`` measures with them, then drops them).
SUGGESTED_INDEXES = {
    "bench_suggested_item_title_trgm":
        "CREATE INDEX {name} ON content_item USING gin (upper(title) gin_trgm_ops)",
    "bench_suggested_item_docno_trgm":
        "CREATE INDEX {name} ON content_item USING gin (upper(document_number) gin_trgm_ops)",
    "bench_suggested_placement_column_id":
        "CREATE INDEX {name} ON content_placement (column_id, id DESC)",
}


@dataclass
class Scenario:
    group: str  # editor home / column listing / library search & filter / chooser
    side: str  # "ours" or "baseline"
    persona: str  # "editor" / "supervisor" / "reviewer"
    name: str
    url: str
    note: str = ""
    stock_dashboard: bool = False  # baseline dashboard: without the project's own panels


@dataclass
class Result:
    scenario: Scenario
    status: int
    bytes: int
    queries: int
    db_ms: float
    p50: float
    p95: float
    max: float
    mean: float
    samples: list[float] = field(default_factory=list)
    slowest: list[tuple[float, str]] = field(default_factory=list)
    repeated: list[tuple[int, str]] = field(default_factory=list)


def percentile(values, q):
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))  # nearest rank
    return ordered[rank - 1]


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def machine_facts() -> dict:
    from django.db import connection

    cpu = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.+)", cpu)
    mem = re.search(r"MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text())
    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        version = cur.fetchone()[0]
        settings = {}
        for name in ("shared_buffers", "effective_cache_size", "work_mem", "random_page_cost", "jit",
                     "max_parallel_workers_per_gather"):
            cur.execute(f"SHOW {name}")
            settings[name] = cur.fetchone()[0]
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cur.fetchone()[0]
    import subprocess

    import django
    import wagtail

    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=common.PROJECT, capture_output=True, text=True,  # noqa: S603, S607
                                  timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return "?"

    changed = len([line for line in git("status", "--porcelain", "src").splitlines() if line.strip()])
    return {
        "code": f"commit {git('rev-parse', '--short', 'HEAD')}"
                + (f" + uncommitted changes in {changed} files under src/" if changed else ""),
        "cpu": model.group(1).strip() if model else platform.processor(),
        "cores": os.cpu_count(),
        "memory_gib": round(int(mem.group(1)) / 1024 / 1024, 1) if mem else None,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "postgresql": version.split(" on ")[0],
        "pg_settings": settings,
        "database_size": size,
    }


# -- the scenarios --------------------------------------------------------------------------

def fixtures() -> dict:
    """Ids the scenarios need, read from the generated data."""
    from django.db import connection
    from django.urls import reverse
    from textgen import SEARCH_TERMS

    from govsites.accounts.models import User
    from govsites.content.models import ColumnPage, SiteHomePage, SiteMembership

    editor = User.objects.get(username=common.PERSONA_EDITOR)
    reviewer = User.objects.filter(username=common.PERSONA_REVIEWER).first()
    supervisor = User.objects.get(username=common.SUPERVISOR)
    # a reviewer of the province portal (the largest site): the heaviest "waiting for my review"
    portal_reviewer = (User.objects.filter(site_memberships__role="reviewer",
                                           site_memberships__site__institution__parent__isnull=True,
                                           site_memberships__site__site_type="portal",
                                           username__startswith=common.EDITOR_PREFIX)
                       .order_by("pk").first())
    own_site = SiteMembership.objects.filter(user=editor).values_list("site_id", flat=True).first()
    province_home = SiteHomePage.objects.filter(registry_site__institution__parent__isnull=True,
                                                registry_site__site_type="portal").first()
    own_home = SiteHomePage.objects.get(registry_site_id=own_site)

    def news(home):
        return ColumnPage.objects.child_of(home).get(column_type="news").pk

    with connection.cursor() as cur:
        cur.execute("SELECT real_column_id, page_id FROM bench.baseline_column")
        baseline_column = dict(cur.fetchall())
    try:
        chooser = reverse("item_chooser:choose")
        chooser_results = reverse("item_chooser:choose_results")
    except Exception:
        chooser = chooser_results = reverse("content:chooser")
    from govsites.content.models import Item

    document_number = (Item.objects.filter(kind="policy", live=True, owning_site__site_type="department")
                       .exclude(document_number="").order_by("-pk").values_list("document_number", flat=True).first())
    return {
        "document_number": document_number,
        "users": {"editor": editor, "supervisor": supervisor, "reviewer": reviewer,
                  "portal-reviewer": portal_reviewer},
        "own_site": own_site, "own_site_name": own_home.title,
        "own_news": news(own_home), "province_news": news(province_home),
        "province_site_name": province_home.title,
        "baseline_column": baseline_column, "terms": SEARCH_TERMS,
        "chooser": chooser, "chooser_results": chooser_results,
    }


def scenarios(fx: dict, personas) -> list[Scenario]:
    from urllib.parse import urlencode

    from django.urls import reverse

    t = fx["terms"]
    home = reverse("content:home")
    library = reverse("content:library")
    out = []
    for persona in personas:
        if persona in ("reviewer", "portal-reviewer"):  # "waiting for my review": the home view only
            out += [
                Scenario("editor home", "ours", persona, "content:home", home,
                         "a reviewer of the capital's portal" if persona == "reviewer"
                         else "a reviewer of the province portal (≈ 68,000 items)"),
                # (no stock dashboard here: Wagtail's workflow panels fail on the library's task states,
                # which is why the project replaces them)
            ]
            continue
        column = fx["own_news"] if persona in ("editor", "reviewer") else fx["province_news"]
        column_note = (f"{fx['own_site_name']} 政务动态" if persona in ("editor", "reviewer")
                       else f"{fx['province_site_name']} 政务动态 (largest column)")
        baseline_column = fx["baseline_column"][column]
        q = lambda **kw: "?" + urlencode(kw)  # noqa: E731
        out += [
            Scenario("editor home", "ours", persona, "content:home", home),
            Scenario("column listing", "ours", persona, "content:column", reverse("content:column", args=[column]),
                     column_note),
            Scenario("column listing", "ours", persona, "content:column page 2", "NEXT:content:column"),
            Scenario("library search/filter", "ours", persona, "library, no filter", library),
            Scenario("library search/filter", "ours", persona, "library, page 2 (cursor)", "NEXT:library, no filter"),
            Scenario("library search/filter", "ours", persona, f"library q={t['common']}", library + q(q=t["common"])),
            Scenario("library search/filter", "ours", persona, f"library q={t['short']}", library + q(q=t["short"])),
            Scenario("library search/filter", "ours", persona, "library q=<a document number>",
                     library + q(q=fx["document_number"]), f"发文字号 {fx['document_number']}: few rows match"),
            Scenario("library search/filter", "ours", persona, "library q=<no match>", library + q(q=t["none"]),
                     "worst case: no row matches"),
            Scenario("library search/filter", "ours", persona, "library kind=policy status=live date_from",
                     library + q(kind="policy", status="live", date_from="2025-06-01")),
            Scenario("library search/filter", "ours", persona, "library subject=02 (category)",
                     library + q(subject="02")),
            Scenario("library search/filter", "ours", persona, "library own site, status=draft",
                     library + q(site=fx["own_site"], status="draft")),
            Scenario("library search/filter", "ours", persona, "library status=in_review",
                     library + q(status="in_review")),
            Scenario("chooser", "ours", persona, "item chooser", fx["chooser"]),
            Scenario("chooser", "ours", persona, f"item chooser q={t['common']} kind=policy",
                     fx["chooser_results"] + q(q=t["common"], kind="policy")),
            Scenario("chooser", "ours", persona, "item chooser q=<no match>",
                     fx["chooser_results"] + q(q=t["none"]), "worst case: no row matches"),
            # the baseline: Wagtail's stock views on the same content as pages
            Scenario("editor home", "baseline", persona, "dashboard (stock panels)", reverse("wagtailadmin_home"),
                     "Wagtail's panels only", stock_dashboard=True),
            Scenario("editor home", "baseline", persona, "dashboard (as deployed)", reverse("wagtailadmin_home"),
                     "the project's panels replace Wagtail's workflow panels; its page count includes the "
                     "baseline's pages"),
            Scenario("column listing", "baseline", persona, "page explorer",
                     reverse("wagtailadmin_explore", args=[baseline_column]), column_note),
            Scenario("column listing", "baseline", persona, "page explorer page 2",
                     reverse("wagtailadmin_explore", args=[baseline_column]) + "?p=2"),
            Scenario("library search/filter", "baseline", persona, f"page search q={t['common']}",
                     reverse("wagtailadmin_pages:search") + q(q=t["common"])),
            Scenario("library search/filter", "baseline", persona, "page search q=<no match>",
                     reverse("wagtailadmin_pages:search") + q(q=t["none"])),
            Scenario("chooser", "baseline", persona, "page chooser (root)", reverse("wagtailadmin_choose_page")),
            Scenario("chooser", "baseline", persona, "page chooser (column)",
                     reverse("wagtailadmin_choose_page_child", args=[baseline_column])),
            Scenario("chooser", "baseline", persona, f"page chooser search q={t['common']}",
                     reverse("wagtailadmin_choose_page_search") + q(q=t["common"])),
        ]
    return out


# -- measuring --------------------------------------------------------------------------------

class StockDashboard:
    """Temporarily without the project's ``construct_homepage_panels`` hooks."""

    def __enter__(self):
        from wagtail import hooks

        self.saved = list(hooks._hooks.get("construct_homepage_panels", []))
        hooks._hooks["construct_homepage_panels"] = [
            entry for entry in self.saved if not entry[0].__module__.startswith("govsites.")
        ]

    def __exit__(self, *exc):
        from wagtail import hooks

        hooks._hooks["construct_homepage_panels"] = self.saved


class NullContext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


NEXT_LINK = re.compile(r"cursor=(\d+)")


def measure(client, scenario: Scenario, n: int, warmup: int) -> tuple[Result, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    context = StockDashboard() if scenario.stock_dashboard else NullContext()
    with context:
        for _ in range(warmup):
            response = client.get(scenario.url)
        samples = []
        for _ in range(n):
            started = time.perf_counter()
            response = client.get(scenario.url)
            samples.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                break
        with CaptureQueriesContext(connection) as captured:
            response = client.get(scenario.url)
    queries = captured.captured_queries
    db_ms = sum(float(q["time"]) for q in queries) * 1000
    slowest = sorted(((float(q["time"]) * 1000, q["sql"]) for q in queries), reverse=True)[:3]
    shapes = Counter(re.sub(r"'[^']*'|\b\d+\b", "?", q["sql"])[:160] for q in queries)
    repeated = [(n, shape) for shape, n in shapes.most_common(3) if n > 2]
    body = response.content
    return Result(
        scenario=scenario, status=response.status_code, bytes=len(body), queries=len(queries), db_ms=db_ms,
        p50=percentile(samples, 50), p95=percentile(samples, 95), max=max(samples), mean=statistics.fmean(samples),
        samples=samples, slowest=slowest, repeated=repeated,
    ), body.decode("utf-8", "replace")


def explain(sql_text: str) -> str:
    from django.db import connection

    if not sql_text.lstrip().upper().startswith("SELECT"):
        return "(not a SELECT)"
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql_text)
        return "\n".join(r[0] for r in cur.fetchall())


# -- reporting --------------------------------------------------------------------------------

def fmt(ms: float) -> str:
    return f"{ms:,.0f}" if ms >= 10 else f"{ms:.1f}"


def table(results: list[Result], side: str) -> list[str]:
    lines = ["| view | scenario | persona | p50 ms | p95 ms | max ms | queries | DB ms | ≤ 300 ms |",
             "|---|---|---|---:|---:|---:|---:|---:|:-:|"]
    for r in results:
        s = r.scenario
        if s.side != side:
            continue
        ok = "✅" if r.p95 <= TARGET_MS else "❌"
        status = "" if r.status == 200 else f" (HTTP {r.status})"
        note = f" — {s.note}" if s.note else ""
        lines.append(f"| {s.group} | {s.name}{note}{status} | {s.persona} | {fmt(r.p50)} | {fmt(r.p95)} | "
                     f"{fmt(r.max)} | {r.queries} | {fmt(r.db_ms)} | {ok} |")
    return lines


def summary(results: list[Result]) -> list[str]:
    """Per view group and persona: the worst p95 and the largest query count, ours vs baseline."""
    groups = ["editor home", "column listing", "library search/filter", "chooser"]
    lines = ["| view | persona | ours: worst p95 ms | ours: max queries | baseline: worst p95 ms | "
             "baseline: max queries |", "|---|---|---:|---:|---:|---:|"]
    personas = list(dict.fromkeys(r.scenario.persona for r in results))
    for group in groups:
        for persona in personas:
            cell = {}
            for side in ("ours", "baseline"):
                rows = [r for r in results if r.scenario.group == group and r.scenario.persona == persona
                        and r.scenario.side == side]
                cell[side] = (f"{fmt(max(r.p95 for r in rows))}", str(max(r.queries for r in rows))) if rows else ("–", "–")
            if cell["ours"][0] == cell["baseline"][0] == "–":
                continue
            lines.append(f"| {group} | {persona} | {cell['ours'][0]} | {cell['ours'][1]} | "
                         f"{cell['baseline'][0]} | {cell['baseline'][1]} |")
    return lines


def suggested_indexes(create: bool) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        if create:
            cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, definition in SUGGESTED_INDEXES.items():
            cur.execute(f"DROP INDEX IF EXISTS {name}")
            if create:
                print(f"… {definition.format(name=name)}", flush=True)
                cur.execute(definition.format(name=name))
        cur.execute("ANALYZE content_item")
        cur.execute("ANALYZE content_placement")


def write_results(results, facts, args, started_load, ended_load, generation, suffix="") -> None:
    today = dt.date.today().isoformat()
    lines = [
        "# Content performance benchmark — results" + (" with the suggested indexes" if suffix else ""),
        "",
        *([("Measured with these indexes added (then dropped again): "
            + "; ".join(f"`{d.format(name=n)}`" for n, d in SUGGESTED_INDEXES.items())), ""] if suffix else []),
        f"Date: {today}. Target (issue #3): p95 ≤ {TARGET_MS} ms for editor home, column listing, library "
        "search/filter and chooser, for an editor of one site and for the estate supervisor, query count "
        "bounded; the same views of Wagtail's stock multi-site setup on the same data as the baseline.",
        "How it is measured and how to reproduce: [README.md](README.md); what the numbers say and what to "
        f"change: [findings.md](findings.md). Raw numbers: `results{suffix}.json`; the slowest statements of the "
        f"views above the target with their plans: [explain{suffix}.md](explain{suffix}.md).",
        "",
        "## Machine",
        "",
        f"- CPU: {facts['cpu']}, {facts['cores']} cores; memory {facts['memory_gib']} GiB; Linux {facts['kernel']}",
        f"- {facts['postgresql']} (same machine, private cluster `benchmarks/content/pg.sh`): "
        + ", ".join(f"{k}={v}" for k, v in facts["pg_settings"].items()),
        f"- code measured: {facts.get('code', '?')}",
        f"- Python {facts['python']}, Django {facts['django']}, Wagtail {facts['wagtail']}; "
        f"database size {facts['database_size']}",
        f"- load average before / after the run: {started_load} / {ended_load} (other work shared the machine "
        "when it was not idle; see README)",
        "",
        "## Data",
        "",
    ]
    if generation:
        f = generation["facts"]
        lib = f.get("library", {})
        rows = f.get("table_rows", {})
        lines += [
            f"- sites with a content tree: {f.get('sites_with_trees')} (medium demo estate); library items: "
            f"{lib.get('items', '?'):,}; placements: {rows.get('content_placement', '?'):,} "
            f"(cross-site uses {lib.get('placements_cross_site', '?'):,}, reposts {lib.get('placements_repost', '?'):,}); "
            f"repost duties {lib.get('repost_duties', '?'):,} (open {lib.get('repost_duties_open', '?'):,})",
            f"- item status mix: {lib.get('statuses')}; kinds: {lib.get('kinds')}",
            f"- accounts: {f.get('users', {}).get('accounts')} ({f.get('users', {}).get('memberships')} site "
            f"memberships, {f.get('users', {}).get('accounts_with_2_sites')} on two sites) + the estate supervisor",
            f"- baseline: {f.get('baseline', {}).get('item_pages', '?'):,} item pages (one per placement) under "
            f"{f.get('baseline', {}).get('homes', '?')} site trees; wagtailcore_page rows "
            f"{rows.get('wagtailcore_page', '?'):,}; search index entries {f.get('search_index_entries', '?'):,}",
            f"- generation: {generation['timings_seconds'].get('total', 0) / 60:.1f} min "
            "(per step in `generate-timings.json`)",
        ]
    lines += [
        "",
        "## Summary (worst scenario of each view)",
        "",
        *summary(results),
        "",
        "## Our views",
        "",
        f"n = {args.n} timed requests per scenario after {args.warmup} warm-up requests; queries = the "
        "statements one request runs (session and user included); DB ms = their summed execution time.",
        "",
        *table(results, "ours"),
        "",
        "## Baseline: Wagtail's stock multi-site setup (same content as pages)",
        "",
        *table(results, "baseline"),
        "",
        "## Commands",
        "",
        "```sh",
        "benchmarks/content/pg.sh start",
        ".venv/bin/python benchmarks/content/generate.py --database-url \"$(benchmarks/content/pg.sh url)\" --reset",
        f".venv/bin/python benchmarks/content/run.py --database-url \"$(benchmarks/content/pg.sh url)\" "
        f"-n {args.n} --warmup {args.warmup}",
        "```",
        "",
    ]
    (common.HERE / f"results{suffix}.md").write_text("\n".join(lines))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=common.DEFAULT_URL)
    parser.add_argument("-n", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--personas", default="editor,supervisor,reviewer,portal-reviewer")
    parser.add_argument("--only", default="", help="run only scenarios whose name contains this text")
    parser.add_argument("--side", choices=["ours", "baseline", "both"], default="both")
    parser.add_argument("--no-write", action="store_true", help="print only, keep results.md")
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite results.md (or results-with-suggested-indexes.md) from its results.json")
    parser.add_argument("--suggested-indexes", action="store_true",
                        help="measure with the suggested indexes (created, then dropped); writes results-with-suggested-indexes.md")
    args = parser.parse_args(argv)
    common.setup(args.database_url)
    suffix = "-with-suggested-indexes" if args.suggested_indexes else ""
    if args.report_only:
        return report_only(args, suffix)
    if args.suggested_indexes:
        suggested_indexes(create=True)
    try:
        return measure_all(args, suffix)
    finally:
        if args.suggested_indexes:
            suggested_indexes(create=False)


def report_only(args, suffix: str) -> int:
    saved = json.loads((common.HERE / f"results{suffix}.json").read_text())
    scenario_fields = set(Scenario.__dataclass_fields__)
    results = []
    for row in saved["results"]:
        scenario = Scenario(**{k: v for k, v in row.items() if k in scenario_fields})
        results.append(Result(scenario=scenario, **{k: v for k, v in row.items()
                                                    if k not in scenario_fields and k in Result.__dataclass_fields__}))
    saved_args = argparse.Namespace(**{**vars(args), **saved.get("args", {})})
    generation_file = common.HERE / "generate-timings.json"
    generation = json.loads(generation_file.read_text()) if generation_file.exists() else None
    write_results(results, saved["facts"], saved_args, *saved["load"], generation, suffix)
    print(f"rewrote {common.HERE / f'results{suffix}.md'}")
    return 0


def measure_all(args, suffix: str) -> int:
    from django.test import Client

    started_load = load_average()
    facts = machine_facts()
    fx = fixtures()
    personas = [p for p in args.personas.split(",") if p]
    todo = [s for s in scenarios(fx, personas) if (args.side in ("both", s.side)) and args.only in s.name]
    results: list[Result] = []
    bodies: dict[tuple[str, str], str] = {}
    clients = {}
    for scenario in todo:
        client = clients.get(scenario.persona)
        if client is None:
            client = clients[scenario.persona] = Client(raise_request_exception=False)
            client.force_login(fx["users"][scenario.persona])
        if scenario.url.startswith("NEXT:"):
            previous = bodies.get((scenario.persona, scenario.url[5:]))
            match = NEXT_LINK.search(previous or "")
            if not match:
                print(f"skip {scenario.name} ({scenario.persona}): no next-page link")
                continue
            base = next(s.url for s in todo if s.persona == scenario.persona and s.name == scenario.url[5:])
            scenario.url = base + ("&" if "?" in base else "?") + f"cursor={match.group(1)}"
        result, body = measure(client, scenario, args.n, args.warmup)
        bodies[(scenario.persona, scenario.name)] = body
        results.append(result)
        flag = "" if result.p95 <= TARGET_MS else "  ❌"
        print(f"{scenario.side:8} {scenario.persona:10} {scenario.name:45} HTTP {result.status} "
              f"p50 {result.p50:7.1f}  p95 {result.p95:7.1f}  max {result.max:7.1f} ms  "
              f"{result.queries:3d} queries  db {result.db_ms:6.1f} ms{flag}", flush=True)
    ended_load = load_average()
    if args.no_write:
        return 0
    generation_file = common.HERE / "generate-timings.json"
    generation = json.loads(generation_file.read_text()) if generation_file.exists() else None
    write_results(results, facts, args, started_load, ended_load, generation, suffix)
    (common.HERE / f"results{suffix}.json").write_text(json.dumps(
        {"facts": facts, "load": [started_load, ended_load], "args": {"n": args.n, "warmup": args.warmup},
         "results": [{**asdict(r.scenario), **{k: v for k, v in asdict(r).items() if k not in ("scenario", "slowest", "repeated")}}
                     for r in results]},
        ensure_ascii=False, indent=1))
    slow = [r for r in results if r.p95 > TARGET_MS]
    notes = ["# Statements of the views above the target, with their plans", ""]
    for r in slow:
        notes += [f"## {r.scenario.side} · {r.scenario.name} · {r.scenario.persona} (p95 {fmt(r.p95)} ms, "
                  f"{r.queries} queries, DB {fmt(r.db_ms)} ms)", "", f"`{r.scenario.url}`", ""]
        if r.repeated:
            notes += ["Statements repeated within the one request (N+1):", ""]
            notes += [f"- {n} × `{shape}…`" for n, shape in r.repeated]
            notes.append("")
        for ms, sql_text in r.slowest[:2]:
            notes += [f"### {fmt(ms)} ms", "", "```sql", sql_text, "```", "", "```", explain(sql_text), "```", ""]
    (common.HERE / f"explain{suffix}.md").write_text("\n".join(notes))
    print(f"wrote {common.HERE / f'results{suffix}.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
