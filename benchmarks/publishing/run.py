"""Measure the publisher on the medium estate with ≥ 100,000 published items (issue: publishing).

    benchmarks/content/pg.sh start
    .venv/bin/python benchmarks/publishing/generate.py --reset          # once: govsites_bench_publish
    .venv/bin/python benchmarks/publishing/run.py                       # ≈ 15–25 min

Every run starts from the same data: the generated database is cloned (``CREATE DATABASE …
TEMPLATE``) into ``govsites_bench_publish_run`` and ``GOVSITES_DATA_DIR`` (build store, local
front target) is emptied. Then, in order:

1. **full rebuild** — ``govsites publish --all --workers 2 --no-progress`` as a subprocess (the
   real command, empty store and front): wall time, files and HTML pages rendered, pages/s, CPU
   time of the process tree; memory: every process of the tree sampled from ``/proc`` (VmRSS,
   VmHWM, Pss), the largest process and the sum over the processes at the busiest sample, and
   ``getrusage(RUSAGE_CHILDREN).ru_maxrss``. A second rebuild with nothing changed follows
   (``--no-second-rebuild`` skips it);
2. **baseline** (the bakery approach) — a random sample of the HTML pages the rebuild wrote
   (item pages, list pages, column indexes, home and error pages in their proportions), each
   requested through Django's test client from the site preview view
   (``/admin/publishing/site/<id>/preview/<path>``: one request per URL, each loading its own
   data), by as many processes as the rebuild used, logged in as a superuser created in the
   clone; every answer is checked byte for byte against the file the rebuild wrote;
3. **incremental** — on the site with most item pages (the province portal) and on a small site,
   alternately, ``--incremental`` times each (after ``--warmup`` unmeasured ones): a new article
   written, submitted and passed through both review steps with the real actions (``CreateItem``,
   ``SubmitItem``, ``DecideReview`` ×2 — the last approval publishes it and queues the site), then
   ``publish_site(site)``, which returns after the atomic switch of the local front target. Timed
   from the final approval to the return, and ``publish_site`` alone; the files written, rendered
   and removed per release; every written file is checked on the front. Then one unpublish
   (``UnpublishItem`` of an older item in the middle of the news column) per site;
4. optionally (``--profile``) cProfile of a rebuild and of an incremental release of the big site,
   and the statements a rebuild runs, → ``profile.md``.

Writes ``results.md`` and ``results.json`` here.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import fcntl
import hashlib
import importlib.util
import io
import json
import math
import multiprocessing
import os
import pstats
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse, urlunparse

HERE = Path(__file__).resolve().parent
CONTENT = HERE.parent / "content"
sys.path.insert(0, str(CONTENT))

import common  # noqa: E402  (benchmarks/content/common.py)

PROJECT = common.PROJECT
SOURCE_DB = "govsites_bench_publish"
RUN_DB = "govsites_bench_publish_run"
DEFAULT_URL = f"postgres://govsites@127.0.0.1:54339/{RUN_DB}"
DEFAULT_DATA_DIR = "/tmp/govsites-bench-publish"  # noqa: S108  (scratch folder, like pg.sh's cluster)
SUPERUSER = "bench-publish-superuser"
GIB = 1024**3

# The targets of the issue.
TARGET_PAGES_PER_S = 1000
TARGET_RATIO = 10
TARGET_P95_S = 1.0
TARGET_MEMORY = GIB
MIN_ITEMS = 100_000

KINDS = ("item page", "list page", "column index", "home page", "error page")
_LIST = re.compile(r"(^|/)list_\d+\.html$")


# -- helpers ------------------------------------------------------------------------------------


def percentile(values, q):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, math.ceil(q / 100 * len(ordered)))  # nearest rank, as benchmarks/content
    return ordered[rank - 1]


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def content_run_module():
    """``benchmarks/content/run.py`` (its machine facts), imported under another name."""
    spec = importlib.util.spec_from_file_location("content_bench_run", CONTENT / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def kind_of(path: str, item_id) -> str:
    if item_id is not None:
        return "item page"
    if path == "index.html":
        return "home page"
    if path in ("404.html", "50x.html"):
        return "error page"
    if _LIST.search(path):
        return "list page"
    if path.endswith("index.html"):
        return "column index"
    if path.endswith("rss.xml"):
        return "feed"
    if path == "sitemap.xml" or path.startswith("sitemap/"):
        return "sitemap"
    if path.startswith("assets/"):
        return "asset"
    return "file"


def mib(kib: float) -> float:
    return round(kib / 1024, 1)


def snapshot_code(source: Path, dest: Path) -> dict:
    """Copy the ``govsites`` package (code, templates, assets) to ``dest`` and measure that copy:
    the working tree is shared with other sessions that edit and commit while a run takes half an
    hour, and a template or stylesheet changed mid-run would make the phases measure different code."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(source / "govsites", dest / "govsites", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    digest = hashlib.sha256()
    for path in sorted(p for p in (dest / "govsites").rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(dest)).encode() + b"\0" + path.read_bytes())

    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=PROJECT, capture_output=True, text=True,  # noqa: S603, S607
                                  timeout=20).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return "?"

    changed = [line[3:] for line in git("status", "--porcelain", "--", "src").splitlines() if line.strip()]
    return {
        "source": str(source), "snapshot": str(dest), "sha256": digest.hexdigest(),
        "commit": git("rev-parse", "--short", "HEAD"), "commit_subject": git("log", "-1", "--format=%s"),
        "uncommitted_under_src": changed,
    }


def clone_database(url: str, source: str) -> float:
    """Drop the run database and create it again from the generated one; seconds taken."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if name == source:
        sys.exit(f"the run database must not be the generated one ({source}): the run writes to it")
    admin = urlunparse(parsed._replace(path="/postgres"))
    started = time.perf_counter()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [source]).fetchone():
            sys.exit(f"database {source} does not exist: run benchmarks/publishing/generate.py first")
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    return time.perf_counter() - started


# -- memory of a process tree -------------------------------------------------------------------


TICK = os.sysconf("SC_CLK_TCK")


def _process_table() -> tuple[dict[int, list[int]], dict[int, tuple[str, float]]]:
    """(children of each pid, (name, CPU seconds) of every process) from ``/proc/*/stat``."""
    children: dict[int, list[int]] = {}
    cpu: dict[int, tuple[str, float]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        head, _, rest = stat.rpartition(")")
        fields = rest.split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        cpu[int(entry.name)] = (head.partition("(")[2], (int(fields[11]) + int(fields[12])) / TICK)
    return children, cpu


def _group(name: str) -> str:
    """Kernel worker threads by kind (``kworker/u4:2`` → ``kworker``)."""
    return re.split(r"[/:]", name)[0] if name.startswith(("kworker", "ksoftirqd", "migration")) else name


def _tree(children: dict[int, list[int]], root: int) -> list[int]:
    tree, stack = [], [root]
    while stack:
        pid = stack.pop()
        tree.append(pid)
        stack.extend(children.get(pid, ()))
    return tree


def postmaster_pid() -> int | None:
    """The benchmark cluster's postmaster (its backends are its children)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SHOW data_directory")
        folder = cur.fetchone()[0]
    try:
        return int(Path(folder, "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def machine_cpu() -> dict[str, float]:
    """Seconds of all CPUs since boot from ``/proc/stat``: busy (user, nice, system, irq, softirq,
    steal), iowait, idle."""
    values = [int(v) / TICK for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = values
    return {"busy": user + nice + system + irq + softirq + steal, "iowait": iowait, "idle": idle}


def _status_kib(pid: int) -> dict[str, int]:
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                out["Pss"] = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return out


class TreeSampler(threading.Thread):
    """Samples every process below ``root`` (inclusive) every ``interval`` seconds."""

    def __init__(self, root: int, interval: float = 0.2, postmaster: int | None = None, label: str = "rebuild"):
        super().__init__(daemon=True)
        self.root = root
        self.label = label
        self.postmaster = postmaster
        self.interval = interval
        self.halt = threading.Event()
        self.processes: dict[int, dict] = {}
        self.samples = 0
        self.peak_rss_sum = 0  # KiB, the largest sum of VmRSS over the tree at one sample
        self.peak_pss_sum = 0
        self.peak_processes = 0
        # every process on the machine: CPU seconds when first and last seen, and who it is
        self.cpu_first: dict[int, float] = {}
        self.cpu_last: dict[int, float] = {}
        self.owner: dict[int, str] = {}

    def cpu_by_owner(self) -> dict[str, float]:
        """CPU seconds used while sampled, by ``rebuild`` (the tree under ``root``), ``postgres``
        (the benchmark cluster) and the name of every other process; a process that ended counts
        up to its last sample, one started meanwhile from zero."""
        out: Counter = Counter()
        for pid, last in self.cpu_last.items():
            out[self.owner[pid]] += last - self.cpu_first[pid]
        return {name: round(seconds, 1) for name, seconds in out.most_common() if seconds >= 0.05}

    def postgres_cpu(self) -> float:
        return self.cpu_by_owner().get("postgres (benchmark cluster)", 0.0)

    def run(self) -> None:
        while not self.halt.is_set():
            self.sample()
            self.halt.wait(self.interval)

    def sample(self) -> None:
        children, cpu = _process_table()
        tree = _tree(children, self.root)
        postgres = set(_tree(children, self.postmaster)) if self.postmaster else set()
        mine = set(tree)
        for pid, (name, seconds) in cpu.items():
            if pid not in self.owner:
                self.owner[pid] = (self.label if pid in mine else "postgres (benchmark cluster)" if pid in postgres
                                   else _group(name))
                self.cpu_first[pid] = seconds if not self.samples else 0.0
            self.cpu_last[pid] = seconds
        rss_sum = pss_sum = alive = 0
        for pid in tree:
            values = _status_kib(pid)
            if "VmRSS" not in values:
                continue
            alive += 1
            record = self.processes.setdefault(
                pid, {"pid": pid, "role": "parent" if pid == self.root else "worker", "hwm_kib": 0,
                      "rss_max_kib": 0, "pss_max_kib": 0})
            record["hwm_kib"] = max(record["hwm_kib"], values.get("VmHWM", 0))
            record["rss_max_kib"] = max(record["rss_max_kib"], values["VmRSS"])
            record["pss_max_kib"] = max(record["pss_max_kib"], values.get("Pss", 0))
            rss_sum += values["VmRSS"]
            pss_sum += values.get("Pss", 0)
        self.samples += 1
        if rss_sum > self.peak_rss_sum:
            self.peak_rss_sum, self.peak_processes = rss_sum, alive
        self.peak_pss_sum = max(self.peak_pss_sum, pss_sum)

    def stop(self) -> None:
        self.halt.set()
        self.join()


# -- 1. full rebuild ----------------------------------------------------------------------------


def manifest_counts() -> dict:
    from govsites.publishing.models import ManifestEntry

    kinds: Counter = Counter()
    size = 0
    for path, item_id, nbytes in ManifestEntry.objects.values_list("path", "item_id", "size").iterator(chunk_size=20000):
        kinds[kind_of(path, item_id)] += 1
        size += nbytes or 0
    html = sum(n for k, n in kinds.items() if k in KINDS)
    return {"files": sum(kinds.values()), "html_pages": html, "by_kind": dict(kinds.most_common()),
            "bytes": size}


def full_rebuild(args, label: str, cold: bool) -> dict:
    from django.db.models import Count, Min, Q, Sum

    from govsites.publishing.models import SiteRelease

    first_release = SiteRelease.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    command = [str(PROJECT / ".venv" / "bin" / "govsites"), "publish", "--all", "--workers", str(args.workers),
               "--no-progress", *[f"--site={site}" for site in args.site]]
    print(f"… {label}: {' '.join(command[1:])}", flush=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    postmaster = postmaster_pid()
    load_before = load_average()
    cpu_before = machine_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,  # noqa: S603
                               cwd=PROJECT)
    sampler = TreeSampler(process.pid, args.sample_interval, postmaster)
    sampler.start()
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    cpu_after = machine_cpu()
    sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode:
        sys.exit(f"{label} failed ({process.returncode}):\n{stdout}\n{stderr}")
    reported = re.search(r"重建 (\d+) 个网站：渲染 (\d+) 个文件，写入 (\d+) 个，用时 ([\d.]+) 秒", stdout)
    releases = SiteRelease.objects.filter(pk__gt=first_release)
    totals = releases.aggregate(
        sites=Count("site", distinct=True), rendered=Sum("rendered"), written=Sum("written"), removed=Sum("removed"),
        live=Count("pk", filter=Q(status="live")), first=Min("created_at"),
    )
    counts = manifest_counts()
    # the command's own count: a rebuild that changes nothing on a site creates no release row
    rendered = int(reported.group(2)) if reported else (totals["rendered"] or 0)
    processes = sorted(sampler.processes.values(), key=lambda p: (p["role"] != "parent", p["pid"]))
    largest = max((p["hwm_kib"] for p in processes), default=0)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result = {
        "label": label, "cold": cold, "command": " ".join(["govsites", *command[1:]]), "wall_s": round(wall, 2),
        "command_reported": {
            "sites": int(reported.group(1)), "files_rendered": int(reported.group(2)),
            "files_written": int(reported.group(3)), "seconds": float(reported.group(4)),
        } if reported else None,
        "stdout_tail": stdout.strip().splitlines()[-3:], "stderr_tail": stderr.strip().splitlines()[-5:],
        "releases": {k: v for k, v in totals.items() if k != "first"},
        "manifest": counts,
        "html_pages_per_s": round(counts["html_pages"] / wall, 1),
        "files_rendered": rendered,
        "files_written": totals["written"] or 0,
        "files_per_s": round(rendered / wall, 1),
        "cpu_s": round(cpu, 1), "cores_busy": round(cpu / wall, 2),
        "postgres_cpu_s": round(sampler.postgres_cpu(), 1),
        "cpu_by_owner": sampler.cpu_by_owner(),
        "machine": {k: round(cpu_after[k] - cpu_before[k], 1) for k in cpu_before},
        "blocks_written": after.ru_oublock - before.ru_oublock,
        "memory": {
            "processes": [{**p, "hwm_mib": mib(p["hwm_kib"]), "pss_max_mib": mib(p["pss_max_kib"])} for p in processes],
            "largest_process_hwm_mib": mib(largest),
            "peak_rss_sum_mib": mib(sampler.peak_rss_sum), "peak_pss_sum_mib": mib(sampler.peak_pss_sum),
            "processes_at_peak": sampler.peak_processes,
            "rusage_children_maxrss_mib": mib(after.ru_maxrss), "samples": sampler.samples,
            "interval_s": args.sample_interval,
        },
        "load_before": load_before, "load_after": load_average(),
    }
    print(f"  {label}: {wall:.1f} s, {counts['html_pages']:,} HTML pages ({result['html_pages_per_s']:.0f}/s), "
          f"{result['files_rendered']:,} files rendered, {result['files_written']:,} written; largest process "
          f"{mib(largest):.0f} MiB, tree RSS peak {mib(sampler.peak_rss_sum):.0f} MiB "
          f"(PSS {mib(sampler.peak_pss_sum):.0f} MiB)", flush=True)
    return result


# -- 2. baseline --------------------------------------------------------------------------------


def html_pages() -> list[tuple[int, str, str, str]]:
    from govsites.publishing.models import ManifestEntry

    rows = []
    for site_id, path, sha, item_id in (
        ManifestEntry.objects.order_by("site_id", "path").values_list("site_id", "path", "sha256", "item_id")
        .iterator(chunk_size=20000)
    ):
        kind = kind_of(path, item_id)
        if kind in KINDS:
            rows.append((site_id, path, sha, kind))
    return rows


def preview_url(site_id: int, path: str) -> str:
    from django.urls import reverse

    return reverse("publishing:preview", args=[site_id, path]) if path else reverse(
        "publishing:preview_home", args=[site_id])


def _baseline_worker(urls, warmup, user_pk, barrier, queue) -> None:
    from django.test import Client

    from govsites.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(pk=user_pk))
    for _site_id, _path, _sha, _kind, url in warmup:
        client.get(url)
    barrier.wait()
    started = time.perf_counter()
    rows = []
    for _site_id, _path, sha, kind, url in urls:
        t0 = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - t0
        same = response.status_code == 200 and hashlib.sha256(response.content).hexdigest() == sha
        rows.append((kind, elapsed, response.status_code, same))
    ended = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    queue.put({"started": started, "ended": ended, "rows": rows, "maxrss_kib": usage.ru_maxrss,
               "cpu_s": usage.ru_utime + usage.ru_stime})


def baseline(args, pages) -> dict:
    from django.db import connections

    postmaster = postmaster_pid()
    from govsites.accounts.models import User

    rng = random.Random(args.seed)  # noqa: S311  (a benchmark sample)
    chosen = rng.sample(pages, min(len(pages), args.baseline_urls + 10 * args.workers))
    warm, sample = chosen[: 10 * args.workers], chosen[10 * args.workers:]
    with_urls = [(*row, preview_url(row[0], row[1])) for row in sample]
    warm_urls = [(*row, preview_url(row[0], row[1])) for row in warm]
    user = User.objects.filter(username=SUPERUSER).first()
    if user is None:
        user = User.objects.create_superuser(SUPERUSER, email="", password=None)
    print(f"… baseline: {len(with_urls):,} URLs through the preview view, {args.workers} processes", flush=True)
    connections.close_all()  # the forked workers open their own connections
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(args.workers)
    queue = context.Queue()
    workers = [
        context.Process(target=_baseline_worker, args=(with_urls[n::args.workers], warm_urls[n::args.workers],
                                                       user.pk, barrier, queue))
        for n in range(args.workers)
    ]
    sampler = TreeSampler(os.getpid(), args.sample_interval, postmaster, label="baseline (run.py and its workers)")
    sampler.start()
    cpu_before = machine_cpu()
    for worker in workers:
        worker.start()
    parts = [queue.get() for _ in workers]
    for worker in workers:
        worker.join()
    cpu_after = machine_cpu()
    sampler.stop()
    wall = max(p["ended"] for p in parts) - min(p["started"] for p in parts)
    rows = [row for p in parts for row in p["rows"]]
    by_kind = {}
    for kind in KINDS:
        times = [r[1] for r in rows if r[0] == kind]
        if times:
            by_kind[kind] = {"n": len(times), "p50_ms": round(percentile(times, 50) * 1000, 1),
                             "p95_ms": round(percentile(times, 95) * 1000, 1),
                             "mean_ms": round(statistics.fmean(times) * 1000, 1)}
    sample_mix = Counter(r[3] for r in sample)
    population_mix = Counter(p[3] for p in pages)
    result = {
        "urls": len(rows), "workers": args.workers, "wall_s": round(wall, 2),
        "pages_per_s": round(len(rows) / wall, 1),
        "status": dict(Counter(r[2] for r in rows)), "identical_to_published": sum(1 for r in rows if r[3]),
        "by_kind": by_kind,
        "mix_sample": {k: sample_mix.get(k, 0) for k in KINDS},
        "mix_population": {k: population_mix.get(k, 0) for k in KINDS},
        "p50_ms": round(percentile([r[1] for r in rows], 50) * 1000, 1),
        "p95_ms": round(percentile([r[1] for r in rows], 95) * 1000, 1),
        "worker_maxrss_mib": [mib(p["maxrss_kib"]) for p in parts],
        "cpu_s": round(sum(p["cpu_s"] for p in parts), 1),
        "postgres_cpu_s": round(sampler.postgres_cpu(), 1),
        "cpu_by_owner": sampler.cpu_by_owner(),
        "machine": {k: round(cpu_after[k] - cpu_before[k], 1) for k in cpu_before},
        "user": SUPERUSER,
    }
    print(f"  baseline: {len(rows):,} pages in {wall:.1f} s = {result['pages_per_s']:.1f} pages/s; "
          f"identical {result['identical_to_published']:,}/{len(rows):,}", flush=True)
    return result


# -- 3. incremental -----------------------------------------------------------------------------


class Desk:
    """One site's news column and the four people the real publishing path needs."""

    def __init__(self, site, label: str):
        from govsites.content.columns import ColumnType
        from govsites.content.models import ColumnPage, SiteHomePage, SiteMembership
        from govsites.publishing.models import ManifestEntry
        from govsites.publishing.paths import site_key

        self.site = site
        self.label = label
        self.key = site_key(site)
        home = SiteHomePage.objects.get(registry_site=site)
        self.news = ColumnPage.objects.child_of(home).get(column_type=ColumnType.NEWS)
        people = {}
        for membership in SiteMembership.objects.filter(site=site).select_related("user").order_by("pk"):
            people.setdefault(membership.role, membership.user)
        self.editor, self.reviewer = people["editor"], people["reviewer"]
        self.secrecy, self.admin = people["confidentiality_reviewer"], people["site_admin"]
        entries = ManifestEntry.objects.filter(site=site)
        self.item_pages = entries.filter(item_id__isnull=False).count()
        self.files = entries.count()
        self.news_items = entries.filter(column_id=self.news.pk, item_id__isnull=False).count()
        self.runs: list[dict] = []
        self.warmups: list[dict] = []

    def facts(self) -> dict:
        return {"site_id": self.site.pk, "name": self.site.name, "key": self.key, "item_pages": self.item_pages,
                "files": self.files, "news_column": self.news.title, "news_items": self.news_items}


#: perf_counter() at the end of every LocalFolderTarget.switch in this process (the moment a
#: release is served: one rename(2) of the site's symlink)
SWITCHED: list[float] = []


def instrument_switch() -> None:
    from govsites.publishing.targets.local import LocalFolderTarget

    original = LocalFolderTarget.switch

    def switch(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        SWITCHED.append(time.perf_counter())
        return result

    LocalFolderTarget.switch = switch


def _actor(user):
    from govsites.audit.context import Actor

    return Actor(user=user, ip_address="127.0.0.1", user_agent="benchmarks/publishing", via="web")


def check_front(desk: Desk, release) -> tuple[bool, list[str]]:
    """Every file the release wrote is served with the manifest's bytes; removed ones are gone."""
    from django.conf import settings

    from govsites.publishing.models import ManifestEntry
    from govsites.publishing.targets.local import sha256_file

    front = Path(settings.GOVSITES_PUBLISHING["TARGETS"][0]["path"]) / desk.key
    written = release.changes.get("written", [])
    removed = release.changes.get("removed", [])
    manifest = dict(ManifestEntry.objects.filter(site=desk.site, path__in=written).values_list("path", "sha256"))
    problems = [p for p in written if not (front / p).is_file() or sha256_file(front / p) != manifest.get(p)]
    problems += [p for p in removed if (front / p).exists()]
    return not problems, problems


def publish_one(desk: Desk, n: int) -> dict:
    from govsites.content.actions import CreateItem, DecideReview, SubmitItem
    from govsites.publishing.models import ManifestEntry
    from govsites.publishing.pipeline import publish_site

    started = time.perf_counter()
    item = CreateItem(_actor(desk.editor), desk.site, desk.news, {
        "title": f"关于做好{desk.site.name}第{n}批政务信息发布工作的通知（基准测试）",
        "body": "<p>为进一步做好政务公开工作，现将有关事项通知如下。</p><p>一、提高认识，加强领导。</p>",
    }).execute()
    SubmitItem(_actor(desk.editor), item).execute()
    DecideReview(_actor(desk.reviewer), item, True).execute()
    prepared = time.perf_counter()
    DecideReview(_actor(desk.secrecy), item, True).execute()  # the final approval publishes the item
    live = time.perf_counter()
    switches = len(SWITCHED)
    result = publish_site(desk.site)  # returns after the atomic switch on every front target
    done = time.perf_counter()
    served = SWITCHED[-1] if len(SWITCHED) > switches else done
    release = result.release
    ok, problems = check_front(desk, release) if release else (False, ["no release"])
    path = ManifestEntry.objects.filter(site=desk.site, item_id=item.pk).values_list("path", flat=True).first()
    written = release.changes.get("written", []) if release else []
    return {
        "item_id": item.pk, "item_path": path, "authoring_s": round(prepared - started, 4),
        "approve_publish_s": round(live - prepared, 4), "publish_site_s": round(done - live, 4),
        "to_front_s": round(done - prepared, 4), "to_live_s": round(served - prepared, 4),
        "after_switch_s": round(done - served, 4), "rendered": result.rendered, "written": result.written,
        "removed": result.removed, "release": release.number if release else None,
        "written_kinds": dict(Counter(kind_of(p, 1 if p == path else None) for p in written)),
        "written_paths": written, "front_ok": ok and path in written, "problems": problems[:5],
    }


def unpublish_one(desk: Desk) -> dict:
    from govsites.content.actions import UnpublishItem
    from govsites.content.models import Item
    from govsites.publishing.models import ManifestEntry
    from govsites.publishing.pipeline import publish_site

    own = list(
        ManifestEntry.objects.filter(site=desk.site, column_id=desk.news.pk, item_id__isnull=False,
                                     item_id__lt=min(r["item_id"] for r in desk.runs + desk.warmups))
        .order_by("sort_key").values_list("item_id", "path")
    )
    item_id, path = own[len(own) // 2]  # an older item in the middle of the column
    item = Item.objects.get(pk=item_id)
    started = time.perf_counter()
    UnpublishItem(_actor(desk.admin), item, "基准测试：撤下一条信息").execute()
    live = time.perf_counter()
    switches = len(SWITCHED)
    result = publish_site(desk.site)
    done = time.perf_counter()
    served = SWITCHED[-1] if len(SWITCHED) > switches else done
    ok, problems = check_front(desk, result.release)
    return {
        "item_id": item_id, "item_path": path, "to_front_s": round(done - started, 4),
        "to_live_s": round(served - started, 4),
        "publish_site_s": round(done - live, 4), "rendered": result.rendered, "written": result.written,
        "removed": result.removed, "written_paths": result.release.changes.get("written", []),
        "removed_paths": result.release.changes.get("removed", []),
        "front_ok": ok and path in result.release.changes.get("removed", []), "problems": problems[:5],
    }


def pick_sites():
    """The site with most item pages, and a small one: the online site with the fewest item pages
    that still fills two list pages of its news column (> 20 items there)."""
    from django.db.models import Count, Q

    from govsites.content.columns import ColumnType
    from govsites.content.models import ColumnPage
    from govsites.publishing.models import ManifestEntry
    from govsites.registry.models import Site

    counts = dict(
        ManifestEntry.objects.filter(item_id__isnull=False).values_list("site_id").annotate(n=Count("id"))
        .values_list("site_id", "n")
    )
    news_ids = set(ColumnPage.objects.filter(column_type=ColumnType.NEWS, depth=3).values_list("pk", flat=True))
    news = dict(
        ManifestEntry.objects.filter(item_id__isnull=False, column_id__in=news_ids).values_list("site_id")
        .annotate(n=Count("id")).values_list("site_id", "n")
    )
    big = Site.objects.get(pk=max(counts, key=counts.get))
    small_candidates = (
        Site.objects.filter(pk__in=[s for s, n in news.items() if n > 20], status="online")
        .exclude(Q(domain="") | Q(pk=big.pk))
    )
    small = min(small_candidates, key=lambda s: (counts[s.pk], s.pk))
    return big, small


def incremental(args) -> dict:
    big, small = pick_sites()
    desks = [Desk(big, "big"), Desk(small, "small")]
    print(f"… incremental: {big.name} ({desks[0].item_pages:,} item pages) and {small.name} "
          f"({desks[1].item_pages:,}), {args.warmup} warm-up + {args.incremental} each", flush=True)
    n = 0
    for round_ in range(args.warmup + args.incremental):
        for desk in desks:
            n += 1
            run = publish_one(desk, n)
            (desk.warmups if round_ < args.warmup else desk.runs).append(run)
    unpublished = {desk.label: unpublish_one(desk) for desk in desks}
    out = {}
    for desk in desks:
        to_front = [r["to_front_s"] for r in desk.runs]
        to_live = [r["to_live_s"] for r in desk.runs]
        after = [r["after_switch_s"] for r in desk.runs]
        alone = [r["publish_site_s"] for r in desk.runs]
        written = [r["written"] for r in desk.runs]
        out[desk.label] = {
            **desk.facts(),
            "n": len(desk.runs),
            "to_front": {"p50": percentile(to_front, 50), "p95": percentile(to_front, 95), "max": max(to_front)},
            "to_live": {"p50": percentile(to_live, 50), "p95": percentile(to_live, 95), "max": max(to_live)},
            "after_switch": {"p50": percentile(after, 50), "p95": percentile(after, 95), "max": max(after)},
            "publish_site": {"p50": percentile(alone, 50), "p95": percentile(alone, 95), "max": max(alone)},
            "approve_publish_p50": percentile([r["approve_publish_s"] for r in desk.runs], 50),
            "authoring_p50": percentile([r["authoring_s"] for r in desk.runs], 50),
            "written": {"min": min(written), "p50": percentile(written, 50), "max": max(written),
                        "distribution": dict(sorted(Counter(written).items()))},
            "rendered": {"min": min(r["rendered"] for r in desk.runs), "max": max(r["rendered"] for r in desk.runs)},
            "removed_max": max(r["removed"] for r in desk.runs),
            "front_ok": all(r["front_ok"] for r in desk.runs + desk.warmups),
            "warmup_to_front": [r["to_front_s"] for r in desk.warmups],
            "warmup_to_live": [r["to_live_s"] for r in desk.warmups],
            "runs": desk.runs, "unpublish": unpublished[desk.label],
        }
        print(f"  {desk.label}: live p50 {out[desk.label]['to_live']['p50']:.3f} s, p95 "
              f"{out[desk.label]['to_live']['p95']:.3f} s; publish_site returned p95 "
              f"{out[desk.label]['to_front']['p95']:.3f} s; written {out[desk.label]['written']}", flush=True)
    return out


# -- 4. profile ---------------------------------------------------------------------------------


def cold_rebuild(site) -> None:
    """A rebuild of ``site`` as the first one: empty build store, empty front, no manifest (the
    database changes are rolled back, the scratch folders removed)."""
    from django.conf import settings
    from django.db import transaction

    from govsites.publishing import store
    from govsites.publishing.models import ManifestEntry, SiteRelease
    from govsites.publishing.pipeline import publish_site

    saved = settings.GOVSITES_PUBLISHING
    scratch = Path(saved["BUILD_DIR"]).parent / "profile-cold"
    shutil.rmtree(scratch, ignore_errors=True)
    settings.GOVSITES_PUBLISHING = {**saved, "BUILD_DIR": scratch / "publish",
                                    "TARGETS": [{"name": "local", "kind": "local", "path": str(scratch / "front")}]}
    store.build_dir.cache_clear()
    try:
        with transaction.atomic():
            ManifestEntry.objects.filter(site=site).delete()
            SiteRelease.objects.filter(site=site).delete()
            publish_site(site, full=True, reason="rebuild")
            transaction.set_rollback(True)
    finally:
        settings.GOVSITES_PUBLISHING = saved
        store.build_dir.cache_clear()
        shutil.rmtree(scratch, ignore_errors=True)


def profile(args, site_id: int, code: dict) -> str:
    from django.db import connection

    from govsites.publishing.pipeline import publish_site
    from govsites.registry.models import Site

    site = Site.objects.get(pk=site_id)
    lines = [f"# Publishing benchmark — profile ({dt.date.today().isoformat()})", "",
             f"Site: {site.name} (id {site.pk}), in-process, on the state the last measured run left (store and "
             f"front warm). Code: commit {code['commit']} ({code['commit_subject']})"
             + (f" + uncommitted changes in {len(code['uncommitted_under_src'])} files under src/"
                if code["uncommitted_under_src"] else "")
             + f", copy sha256 {code['sha256'][:16]}…. Regenerate: `run.py --profile` (with a run) or "
             "`run.py --profile-only` (on the last run's state).", ""]
    # statements of one rebuild of the site (nothing written: the store and front already hold it)
    shapes: Counter = Counter()
    db_time = [0.0]

    def count(execute, sql, params, many, context):
        shapes[re.sub(r"\b\d+\b", "N", re.sub(r"'[^']*'", "S", sql))[:220]] += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            db_time[0] += time.perf_counter() - started

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        result = publish_site(site, full=True, reason="rebuild")
        seconds = time.perf_counter() - started
    lines += [f"## Statements of one rebuild of the site ({result.rendered:,} files rendered, {seconds:.1f} s)", "",
              f"{sum(shapes.values()):,} statements, {db_time[0]:.1f} s waiting for them (client side: "
              "round trips, PostgreSQL, fetching rows).", "", "| count | statement (numbers → N, strings → S) |",
              "|---:|---|"]
    for shape, count in shapes.most_common(12):
        lines.append(f"| {count:,} | `{shape.replace('|', '/')}` |")

    def profiled(label, fn):
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        fn()
        profiler.disable()
        seconds = time.perf_counter() - started
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        stats.sort_stats("tottime").print_stats(30)
        stats.sort_stats("cumulative").print_stats(45)
        return ["", f"## cProfile: {label} ({seconds:.1f} s under the profiler)", "", "```",
                *[line.rstrip() for line in stream.getvalue().splitlines() if line.strip()], "```"]

    lines += profiled("full rebuild of the site, nothing changed (publish_site(site, full=True))",
                      lambda: publish_site(site, full=True, reason="rebuild"))
    lines += profiled("cold rebuild of the site: empty build store and front, no manifest (as in the first "
                      "rebuild; database changes rolled back)", lambda: cold_rebuild(site))
    desk = Desk(site, "profile")
    lines += profiled("one incremental release (a new item published, then publish_site(site))",
                      lambda: publish_one(desk, 9999))
    return "\n".join(lines) + "\n"


# -- results ------------------------------------------------------------------------------------


def mark(ok: bool) -> str:
    return "✅ pass" if ok else "❌ fail"


def median_cold(results: dict) -> dict:
    """The cold rebuild with the median pages/s (the one judged)."""
    cold = sorted((f for f in results["full_rebuild"] if f.get("cold", True)), key=lambda f: f["html_pages_per_s"])
    return cold[(len(cold) - 1) // 2]


def cpu_per_page(run: dict, pages: int) -> float:
    """CPU milliseconds per page: the measured processes and PostgreSQL together."""
    return (run["cpu_s"] + run.get("postgres_cpu_s", 0)) * 1000 / pages


def verdicts(results: dict) -> list[dict]:
    full = median_cold(results)
    cold = [f for f in results["full_rebuild"] if f.get("cold", True)]
    base = results["baseline"]
    inc = results["incremental"]
    memory = {
        "largest_process_hwm_mib": max(f["memory"]["largest_process_hwm_mib"] for f in results["full_rebuild"]),
        "rusage_children_maxrss_mib": max(f["memory"]["rusage_children_maxrss_mib"] for f in results["full_rebuild"]),
        "peak_rss_sum_mib": max(f["memory"]["peak_rss_sum_mib"] for f in results["full_rebuild"]),
        "peak_pss_sum_mib": max(f["memory"]["peak_pss_sum_mib"] for f in results["full_rebuild"]),
        "processes_at_peak": max(f["memory"]["processes_at_peak"] for f in results["full_rebuild"]),
    }
    ratio = full["html_pages_per_s"] / base["pages_per_s"] if base["pages_per_s"] else float("inf")
    results["ratio"] = round(ratio, 1)
    ours_cpu = cpu_per_page(full, full["manifest"]["html_pages"])
    base_cpu = cpu_per_page(base, base["urls"])
    results["cpu_ratio"] = round(base_cpu / ours_cpu, 1) if ours_cpu else None
    results["cpu_per_page_ms"] = {"ours": round(ours_cpu, 2), "baseline": round(base_cpu, 2)}
    runs = ", ".join(f"{f['html_pages_per_s']:,.0f}" for f in cold)
    items = results["data"]["live_placed_items"]
    big, small = inc["big"], inc["small"]
    bounded = big["written"]["max"] <= small["written"]["max"] + 2 and big["written"]["max"] <= 12
    rows = [
        {"target": f"data: medium estate with ≥ {MIN_ITEMS:,} published items",
         "measured": f"{items:,} live items placed on {results['data']['sites_with_trees']} sites; "
                     f"{full['manifest']['by_kind'].get('item page', 0):,} item pages",
         "ok": items >= MIN_ITEMS},
        {"target": f"full rebuild ≥ {TARGET_PAGES_PER_S:,} pages/s (2 cores)",
         "measured": f"median of {len(cold)} cold rebuilds: **{full['html_pages_per_s']:,.0f} HTML pages/s** "
                     f"({full['manifest']['html_pages']:,} pages, {full['files_rendered']:,} files, "
                     f"{full['wall_s']:.1f} s wall); each run: {runs} pages/s",
         "ok": full["html_pages_per_s"] >= TARGET_PAGES_PER_S},
        {"target": f"full rebuild ≥ {TARGET_RATIO}× the pages/s of Django's test client (bakery approach), same run",
         "measured": f"**{ratio:.1f}×** ({full['html_pages_per_s']:,.0f} vs {base['pages_per_s']:,.1f} pages/s, "
                     f"wall clock); CPU per page (processes + PostgreSQL): {ours_cpu:.2f} vs {base_cpu:.2f} ms = "
                     f"{results['cpu_ratio']}×",
         "ok": ratio >= TARGET_RATIO},
        *[{"target": f"one item published → all affected files live on the front: p95 ≤ {TARGET_P95_S:g} s — "
                     f"{label} site ({site['item_pages']:,} item pages)",
           "measured": f"live (symlink switched) p95 **{site['to_live']['p95']:.3f} s** (p50 "
                       f"{site['to_live']['p50']:.3f}, max {site['to_live']['max']:.3f}); `publish_site` returned p95 "
                       f"{site['to_front']['p95']:.3f} s (p50 {site['to_front']['p50']:.3f})",
           "ok": site["to_live"]["p95"] <= TARGET_P95_S and site["front_ok"]}
          for label, site in (("big", big), ("small", small))],
        {"target": "files rewritten per published item do not grow with the site size",
         "measured": f"written per release: big {big['written']['min']}–{big['written']['max']} (median "
                     f"{big['written']['p50']}), small {small['written']['min']}–{small['written']['max']} "
                     f"(median {small['written']['p50']}); site sizes {big['files']:,} vs {small['files']:,} files",
         "ok": bounded},
        {"target": "full rebuild peak memory ≤ 1 GiB — largest single process (VmHWM)",
         "measured": f"{memory['largest_process_hwm_mib']:,.0f} MiB (rusage max of children "
                     f"{memory['rusage_children_maxrss_mib']:,.0f} MiB)",
         "ok": memory["largest_process_hwm_mib"] * 1024 * 1024 <= TARGET_MEMORY},
        {"target": "full rebuild peak memory ≤ 1 GiB — all processes together at the peak",
         "measured": f"RSS sum {memory['peak_rss_sum_mib']:,.0f} MiB over {memory['processes_at_peak']} processes "
                     f"(PSS sum, shared pages counted once: {memory['peak_pss_sum_mib']:,.0f} MiB)",
         "ok": memory["peak_rss_sum_mib"] * 1024 * 1024 <= TARGET_MEMORY},
    ]
    return rows


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def write_results(results: dict, args) -> None:
    rows = verdicts(results)
    facts = results["facts"]
    data = results["data"]
    full = results["full_rebuild"]
    base = results["baseline"]
    inc = results["incremental"]
    gen = results.get("generation") or {}
    lines = [
        "# Publishing benchmark — results",
        "",
        f"Date: {results['date']}. How it is measured and how to reproduce: [README.md](README.md). Raw numbers: "
        f"`results{args.suffix}.json`"
        + (f"; profile of the hot spots: [profile{args.suffix}.md](profile{args.suffix}.md)."
           if results.get("profiled") else "."),
        "",
        "## Targets",
        "",
        "| target | measured | result |",
        "|---|---|---|",
        *[f"| {r['target']} | {r['measured']} | {mark(r['ok'])} |" for r in rows],
        "",
        "## Machine",
        "",
        f"- CPU: {facts['cpu']}, {facts['cores']} cores; memory {facts['memory_gib']} GiB; Linux {facts['kernel']}",
        f"- {facts['postgresql']} (same machine, private cluster `benchmarks/content/pg.sh`, port 54339): "
        + ", ".join(f"{k}={v}" for k, v in facts["pg_settings"].items()),
        f"- code measured: {facts.get('code', '?')}",
        f"- Python {facts['python']}, Django {facts['django']}, Wagtail {facts['wagtail']}, Jinja2 "
        f"{results['jinja2']}; database size {facts['database_size']}",
        f"- build store and local front target on local disk: `{args.data_dir}` ({results['data_dir_fs']})",
        f"- load average before / after the run: {results['load_before']} / {results['load_after']} — the machine "
        "was shared with other work (2 cores); per phase in the sections below",
        "",
        "## Data",
        "",
        f"- medium demo estate: {data['sites_with_trees']} sites with a content tree, {data['live_columns']:,} live "
        f"columns; {data['items']:,} library items generated "
        f"(`benchmarks/content/generate.py --items {gen.get('facts', {}).get('items_requested', '?')} --no-baseline`), "
        f"**{data['live_items']:,} live**, of them **{data['live_placed_items']:,} live and placed** in a live "
        f"column of a site with a tree; {data['item_pages_expected']:,} (site, item) pairs to show",
        f"- database cloned from `{SOURCE_DB}` for this run in {results['clone_s']:.1f} s",
        "",
        "## 1. Full rebuild (`govsites publish --all --workers "
        f"{args.workers} --no-progress`, subprocess)",
        "",
        "| run | wall | HTML pages | pages/s | files rendered | files written | CPU (user+sys) | cores busy | "
        "largest process | tree RSS at peak | tree PSS at peak | load before → after |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for f in full:
        m = f["memory"]
        lines.append(
            f"| {f['label']} | {f['wall_s']:.1f} s | {f['manifest']['html_pages']:,} | **{f['html_pages_per_s']:,.0f}** | "
            f"{f['files_rendered']:,} | {f['files_written']:,} | {f['cpu_s']:.0f} s | "
            f"{f['cores_busy']:.2f} | {m['largest_process_hwm_mib']:,.0f} MiB | {m['peak_rss_sum_mib']:,.0f} MiB | "
            f"{m['peak_pss_sum_mib']:,.0f} MiB | {f['load_before']} → {f['load_after']} |")
    lines += ["", "Where the time of each rebuild went — all cores over its wall time "
              f"({facts['cores']} × wall), from `/proc/stat` and the processes' own CPU time:", "",
              "| run | all cores × wall | rebuild processes (CPU) | PostgreSQL (CPU) | other work on the machine | "
              "iowait | idle | largest other consumers (CPU s) |", "|---|---:|---:|---:|---:|---:|---:|---|"]
    for f in full:
        if "machine" not in f:
            continue
        m = f["machine"]
        total = m["busy"] + m["iowait"] + m["idle"]
        other = max(m["busy"] - f["cpu_s"] - f["postgres_cpu_s"], 0)
        others = [(k, v) for k, v in f.get("cpu_by_owner", {}).items() if k not in ("rebuild", "postgres (benchmark cluster)")]
        lines.append(f"| {f['label']} | {total:,.0f} s | {f['cpu_s']:,.0f} s | {f['postgres_cpu_s']:,.0f} s | "
                     f"{other:,.0f} s | {m['iowait']:,.0f} s | {m['idle']:,.0f} s | "
                     + ", ".join(f"{k} {v:,.0f}" for k, v in others[:4]) + " |")
    lines += ["", "*Other work* = busy CPU time of the machine minus the rebuild's and PostgreSQL's: other "
              "sessions' processes and kernel threads (writeback of the files written: `kworker`, `jbd2`)."]
    first = median_cold(results)
    lines += [
        "",
        f"Files of the estate after the rebuild: {first['manifest']['files']:,} "
        f"({first['manifest']['bytes'] / 1024 / 1024:,.0f} MiB) — "
        + ", ".join(f"{k} {v:,}" for k, v in first["manifest"]["by_kind"].items())
        + f". Sites published: {first['releases']['sites']} ({first['releases']['live']} live releases). "
        "Pages/s counts HTML pages only (item, list, column index, home, error pages) over the whole wall "
        "time of the command (process start, Django setup, feeds, sitemaps, assets, store and front writes "
        "included). The command itself reported: "
        + (f"{first['command_reported']['files_rendered']:,} files in {first['command_reported']['seconds']:.1f} s."
           if first["command_reported"] else "?"),
        "",
        f"Memory per process of the judged rebuild ({first['label']}; sampled every "
        f"{first['memory']['interval_s']} s from `/proc`, {first['memory']['samples']} samples; VmHWM = the "
        "process's own peak resident set; workers are forked, so their RSS includes pages shared with the "
        "parent — PSS divides those among the sharers):",
        "",
        "| process | pid | VmHWM | max PSS |",
        "|---|---:|---:|---:|",
        *[f"| {p['role']} | {p['pid']} | {p['hwm_mib']:,.0f} MiB | {p['pss_max_mib']:,.0f} MiB |"
          for p in first["memory"]["processes"]],
        "",
        "PostgreSQL's own memory (shared_buffers 4 GB, its backends) is not counted: it is the database "
        "server, not the rebuild.",
        "",
        f"## 2. Baseline: the same pages through Django's test client ({base['workers']} processes)",
        "",
        f"{base['urls']:,} URLs sampled at random (seed {args.seed}) from the {sum(base['mix_population'].values()):,} "
        "HTML pages the rebuild wrote, each requested once as "
        "`GET /admin/publishing/site/<id>/preview/<path>` (the preview view: permission check, `SiteData.load`, "
        "`Planner.for_path(path).render()`; session and authentication middleware included; logged in as a "
        f"superuser `{base['user']}` created in the run's clone), after 10 warm-up requests per process; "
        f"answers identical to the published file: {base['identical_to_published']:,} of {base['urls']:,}; "
        f"status codes {base['status']}.",
        "",
        f"**{base['pages_per_s']:,.1f} pages/s** ({base['wall_s']:.1f} s wall); per request p50 "
        f"{base['p50_ms']:.0f} ms, p95 {base['p95_ms']:.0f} ms. Ours (the judged cold rebuild) / baseline: "
        f"**{results['ratio']:.1f}×** by wall clock. CPU: the 2 request processes {base['cpu_s']:.0f} s, PostgreSQL "
        f"{base.get('postgres_cpu_s', 0):.0f} s = {results['cpu_per_page_ms']['baseline']:.2f} ms per page, against "
        f"{results['cpu_per_page_ms']['ours']:.2f} ms per page in the rebuild: **{results['cpu_ratio']}×** less CPU "
        "per page (independent of what else ran on the machine). Machine during the baseline: "
        + ", ".join(f"{k} {v:,.0f} s" for k, v in base.get("machine", {}).items())
        + "; largest consumers: " + ", ".join(f"{k} {v:,.0f} s" for k, v in list(base.get("cpu_by_owner", {}).items())[:5])
        + ".",
        "",
        "| page kind | in the sample | in the estate | p50 | p95 | mean |",
        "|---|---:|---:|---:|---:|---:|",
        *[f"| {k} | {base['mix_sample'][k]:,} | {base['mix_population'][k]:,} | {v['p50_ms']:.0f} ms | "
          f"{v['p95_ms']:.0f} ms | {v['mean_ms']:.0f} ms |" for k, v in base["by_kind"].items()],
        "",
        f"Load average before / after the baseline: {results['baseline_load'][0]} / {results['baseline_load'][1]}.",
        "",
        "## 3. One item published → live on the front",
        "",
        "Each run: `CreateItem` → `SubmitItem` → `DecideReview` (content review) → **`DecideReview`** "
        "(confidentiality review: publishes the item, the receivers queue the site) → **`publish_site(site)`** "
        "(plan, render, compare with the manifest, store, build the next release on the local front target as a "
        "hard-link farm, atomic symlink switch, manifest committed, old releases pruned). *Live on the front* is "
        "timed from the final approval to the end of the symlink switch (`LocalFolderTarget.switch`, "
        "instrumented by the benchmark): from then on every affected file is served; `publish_site` returns "
        "later (manifest commit, then the pruning of old releases). Every file the release wrote is then checked "
        f"on the front (bytes = manifest). {inc['big']['n']} runs per site after {args.warmup} warm-up runs, the "
        "two sites alternating.",
        "",
        "| | big site | small site |",
        "|---|---|---|",
        f"| site | {inc['big']['name']} (id {inc['big']['site_id']}) | {inc['small']['name']} (id {inc['small']['site_id']}) |",
        f"| files on the front / item pages | {inc['big']['files']:,} / {inc['big']['item_pages']:,} | "
        f"{inc['small']['files']:,} / {inc['small']['item_pages']:,} |",
        f"| items in its news column ({inc['big']['news_column']}) | {inc['big']['news_items']:,} | "
        f"{inc['small']['news_items']:,} |",
        *[f"| **live on the front** {q} | **{fmt_s(inc['big']['to_live'][q])}** | "
          f"**{fmt_s(inc['small']['to_live'][q])}** |" for q in ("p50", "p95", "max")],
        *[f"| `publish_site` returned {q} | {fmt_s(inc['big']['to_front'][q])} | {fmt_s(inc['small']['to_front'][q])} |"
          for q in ("p50", "p95", "max")],
        *[f"| after the switch, before the return (prune …) {q} | {fmt_s(inc['big']['after_switch'][q])} | "
          f"{fmt_s(inc['small']['after_switch'][q])} |" for q in ("p50", "p95")],
        *[f"| `publish_site` alone {q} | {fmt_s(inc['big']['publish_site'][q])} | "
          f"{fmt_s(inc['small']['publish_site'][q])} |" for q in ("p50", "p95", "max")],
        f"| final approval (publish + queue) p50 | {fmt_s(inc['big']['approve_publish_p50'])} | "
        f"{fmt_s(inc['small']['approve_publish_p50'])} |",
        f"| writing, submitting, first approval p50 (not in *to front*) | {fmt_s(inc['big']['authoring_p50'])} | "
        f"{fmt_s(inc['small']['authoring_p50'])} |",
        f"| files written per release (min–max, median) | {inc['big']['written']['min']}–{inc['big']['written']['max']}, "
        f"{inc['big']['written']['p50']} | {inc['small']['written']['min']}–{inc['small']['written']['max']}, "
        f"{inc['small']['written']['p50']} |",
        f"| written: how many releases wrote n files | {inc['big']['written']['distribution']} | "
        f"{inc['small']['written']['distribution']} |",
        f"| files rendered per release (min–max) | {inc['big']['rendered']['min']}–{inc['big']['rendered']['max']} | "
        f"{inc['small']['rendered']['min']}–{inc['small']['rendered']['max']} |",
        f"| files removed (max) | {inc['big']['removed_max']} | {inc['small']['removed_max']} |",
        f"| all written files verified on the front | {inc['big']['front_ok']} | {inc['small']['front_ok']} |",
        f"| warm-up runs (live on the front) | {', '.join(fmt_s(s) for s in inc['big']['warmup_to_live'])} | "
        f"{', '.join(fmt_s(s) for s in inc['small']['warmup_to_live'])} |",
        "",
        f"A typical release (big site, run 1) wrote: `{'`, `'.join(inc['big']['runs'][0]['written_paths'])}`.",
        "",
        "**Unpublish** (`UnpublishItem` of an older item from the middle of the news column, then "
        "`publish_site`):",
        "",
        "| | big site | small site |",
        "|---|---|---|",
        f"| live on the front (from the unpublish action) | {fmt_s(inc['big']['unpublish']['to_live_s'])} | "
        f"{fmt_s(inc['small']['unpublish']['to_live_s'])} |",
        f"| `publish_site` returned (from the unpublish action) | {fmt_s(inc['big']['unpublish']['to_front_s'])} | "
        f"{fmt_s(inc['small']['unpublish']['to_front_s'])} |",
        f"| `publish_site` alone | {fmt_s(inc['big']['unpublish']['publish_site_s'])} | "
        f"{fmt_s(inc['small']['unpublish']['publish_site_s'])} |",
        f"| written / rendered / removed | {inc['big']['unpublish']['written']} / {inc['big']['unpublish']['rendered']} / "
        f"{inc['big']['unpublish']['removed']} | {inc['small']['unpublish']['written']} / "
        f"{inc['small']['unpublish']['rendered']} / {inc['small']['unpublish']['removed']} |",
        f"| page gone from the front, written files verified | {inc['big']['unpublish']['front_ok']} | "
        f"{inc['small']['unpublish']['front_ok']} |",
        "",
        f"Load average before / after the incremental runs: {results['incremental_load'][0]} / "
        f"{results['incremental_load'][1]}.",
        "",
        "Not included: the publisher's pick-up delay. The embedded demo's `govsites publish --watch` polls the "
        "queue every `--interval` (1 s by default), so there a reader waits up to that much longer; with "
        "`ENQUEUE_TASKS` a task worker is started after the commit instead.",
        "",
        "## Commands",
        "",
        "```sh",
        "benchmarks/content/pg.sh start",
        ".venv/bin/python benchmarks/publishing/generate.py --reset"
        + (f" --items {gen['facts']['items_requested']}" if gen.get("facts", {}).get("items_requested") not in (None, 150000)
           else ""),
        f".venv/bin/python benchmarks/publishing/run.py --workers {args.workers} --cold-runs {args.cold_runs} "
        f"--baseline-urls {args.baseline_urls} "
        f"--incremental {args.incremental} --warmup {args.warmup}" + (" --profile" if results.get("profiled") else "")
        + (f" --code {args.code}" if args.code != str(PROJECT / "src") else "")
        + (f" --suffix {args.suffix}" if args.suffix else ""),
        "```",
        "",
    ]
    (HERE / f"results{args.suffix}.md").write_text("\n".join(lines))
    results["verdicts"] = rows
    (HERE / f"results{args.suffix}.json").write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))


# -- main ---------------------------------------------------------------------------------------


def reset_run(args, data_dir: Path) -> float:
    """Back to the generated data, an empty store and an empty front (before another cold rebuild)."""
    from django.core.management import call_command
    from django.db import connections

    from govsites.publishing import store

    connections.close_all()
    seconds = clone_database(args.database_url, args.source)
    for sub in ("publish", "front"):
        shutil.rmtree(data_dir / sub, ignore_errors=True)
    store.build_dir.cache_clear()
    call_command("migrate", verbosity=0, interactive=False)
    return seconds


def data_counts() -> dict:
    """The publishable counts of ``benchmarks/publishing/generate.py``, on the run's database."""
    spec = importlib.util.spec_from_file_location("publishing_bench_generate", HERE / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module.publishable_counts()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL, help="the run's database (recreated from --source)")
    parser.add_argument("--source", default=SOURCE_DB, help="the generated database to clone")
    parser.add_argument("--no-clone", action="store_true", help="measure on --database-url as it is (not reproducible)")
    parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR, help="GOVSITES_DATA_DIR: build store and front (emptied)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline-urls", type=int, default=2400)
    parser.add_argument("--incremental", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sample-interval", type=float, default=0.2)
    parser.add_argument("--cold-runs", type=int, default=3,
                        help="full rebuilds from the generated data, empty store and front (the median is judged)")
    parser.add_argument("--no-second-rebuild", action="store_true", help="skip the rebuild with nothing changed")
    parser.add_argument("--site", type=int, action="append", default=[],
                        help="rebuild only these sites (a quick check of this script, not a measurement)")
    parser.add_argument("--profile", action="store_true", help="cProfile the big site's rebuild and a release → profile.md")
    parser.add_argument("--profile-only", action="store_true",
                        help="only the profile, on the database and front the last run left (no clone, no rebuild)")
    parser.add_argument("--no-write", action="store_true", help="print, do not write results.md/json")
    parser.add_argument("--code", default=str(PROJECT / "src"),
                        help="the folder holding the govsites package to measure (copied at the start)")
    parser.add_argument("--suffix", default="", help="results<suffix>.md/json, profile<suffix>.md")
    args = parser.parse_args(argv)
    common.refuse_test_database(args.database_url)

    data_dir = Path(args.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = open(data_dir / ".run.lock", "w")  # held (locked) until the process ends
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        sys.exit(f"another run.py is measuring with {data_dir} (and its database): two runs would share the "
                 "2 cores, the clone and the front; wait for it to finish")
    load_before = load_average()
    code = snapshot_code(Path(args.code), data_dir / "code")
    keep = args.no_clone or args.profile_only
    clone_s = 0.0 if keep else clone_database(args.database_url, args.source)
    for sub in () if keep else ("publish", "front"):
        shutil.rmtree(data_dir / sub, ignore_errors=True)
    (data_dir / "static").mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing STATIC_ROOT
    os.environ["GOVSITES_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "govsites.settings.embedded"
    os.environ["PYTHONPATH"] = code["snapshot"]  # the rebuild subprocess imports the snapshot too
    os.environ.pop("GOVSITES_DEBUG", None)
    sys.path.insert(0, code["snapshot"])
    common.setup(args.database_url)  # sets DATABASE_URL (inherited by the rebuild subprocess)

    import jinja2
    from django.conf import settings
    from django.core.management import call_command

    import govsites

    assert Path(govsites.__file__).is_relative_to(code["snapshot"]), govsites.__file__
    call_command("migrate", verbosity=0, interactive=False)  # the snapshot may be newer than the data
    instrument_switch()

    build = Path(settings.GOVSITES_PUBLISHING["BUILD_DIR"])
    front = Path(settings.GOVSITES_PUBLISHING["TARGETS"][0]["path"])
    assert build.is_relative_to(data_dir) and front.is_relative_to(data_dir), (build, front)
    fs = subprocess.run(["df", "-hT", str(data_dir)], capture_output=True, text=True).stdout.splitlines()[-1].split()  # noqa: S603, S607

    if args.profile_only:
        big, _small = pick_sites()
        print(f"… profile of {big.name} on the last run's state", flush=True)
        text = profile(args, big.pk, code)
        if not args.no_write:
            (HERE / f"profile{args.suffix}.md").write_text(text)
            print(f"written {HERE / f'profile{args.suffix}.md'}")
        return 0

    results: dict = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="minutes"), "load_before": load_before,
        "clone_s": round(clone_s, 1), "jinja2": jinja2.__version__,
        "data_dir_fs": f"{fs[1]} on {fs[0]}" if len(fs) > 2 else "?",
        "args": {k: v for k, v in vars(args).items()}, "code": code,
    }
    timings_file = HERE / "generate-timings.json"
    results["generation"] = json.loads(timings_file.read_text()) if timings_file.exists() else None
    results["facts"] = content_run_module().machine_facts()
    results["facts"]["code"] = (
        f"commit {code['commit']} ({code['commit_subject']})"
        + (f" + uncommitted changes in {len(code['uncommitted_under_src'])} files under src/"
           if code["uncommitted_under_src"] else "")
        + f"; the `govsites` package copied from `{code['source']}` at the start of the run (sha256 of the copy "
        f"{code['sha256'][:16]}…) and measured from the copy"
    )
    results["data"] = data_counts()
    print(f"data: {results['data']}", flush=True)

    results["full_rebuild"] = []
    for n in range(args.cold_runs):
        if n:
            reset_run(args, data_dir)
        results["full_rebuild"].append(
            full_rebuild(args, f"cold rebuild {n + 1} (empty store and front)", cold=True))
    if not args.no_second_rebuild:
        results["full_rebuild"].append(full_rebuild(args, "rebuild again, nothing changed", cold=False))

    load = load_average()
    results["baseline"] = baseline(args, html_pages())
    results["baseline_load"] = [load, load_average()]

    load = load_average()
    results["incremental"] = incremental(args)
    results["incremental_load"] = [load, load_average()]

    results["load_after"] = load_average()
    if not args.no_write:  # the raw numbers first: nothing measured is lost if the report fails
        (HERE / f"results{args.suffix}.json").write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    if args.profile:
        big = results["incremental"]["big"]["site_id"]
        print("… profile", flush=True)
        text = profile(args, big, code)
        if not args.no_write:
            (HERE / f"profile{args.suffix}.md").write_text(text)
        results["profiled"] = True
    if args.no_write:
        print(json.dumps(verdicts(results), ensure_ascii=False, indent=2))
    else:
        write_results(results, args)
        print(f"written {HERE / f'results{args.suffix}.md'}")
    for row in verdicts(results):
        print(f"{mark(row['ok'])}  {row['target']}: {row['measured']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
