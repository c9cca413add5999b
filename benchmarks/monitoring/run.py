"""The monitoring benchmark in one run (issue #7, "Performance"): census time, accuracy, and link
checking against LinkChecker.

    .venv/bin/python -m benchmarks.monitoring.run [--estate /tmp/govsites-mon-estate] [--sites 500] [--pages 200]
        [--seed 1] [--port 8800] [--sample 12] [--skip-census] [--skip-links] [--results benchmarks/monitoring/results.md]

1. **Estate**: generated into ``--estate`` unless one of that size and seed, made for today
   (Asia/Shanghai), is there: the census judges freshness at the real "now", so an older estate
   would have drifted.
2. **Server**: ``serve.py`` in a process of its own (it takes one core; the census the other).
3. **Census**: ``govsites census`` exactly as an operator runs it — default politeness, the
   national profile, a fresh SQLite data directory (``migrate`` first, not timed) — over the
   estate's ``sites.json`` with its ``resolve.txt``, ``--skip https --skip ipv6`` (a plain-HTTP
   loopback server cannot show TLS or IPv6, and those probes would leave the machine). Timed wall
   clock; then the export is scored with :mod:`.truth`.
4. **Links**: on ``--sample`` sites spread over the estate (half of them with dead links), our crawler and link checker (default
   politeness, one status cache) against LinkChecker (its defaults, 10 threads; ``--check-extern``
   so that links to other hosts are checked at all, ``--timeout 15`` as the indicator's dead-link
   rule, ``mailto:`` ignored so that it makes no DNS lookups) reaching the estate through the
   server as an HTTP proxy. Throughput = distinct URLs whose status was determined (pages and link
   targets) per wall second; broken-link recall against the truth lines of the sample, per (page,
   link) — the truth's unit — and per distinct dead target.
5. ``results.md`` (and ``results.json`` beside it): machine, date, commands, numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import json
import os
import platform
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
LINKCHECKER = Path(sys.executable).with_name("linkchecker")
BROKEN_CHECKS = ("broken_link_home", "broken_link")
#: our family table's order and the targets of the issue
TARGET_RATE = 0.95
TARGET_CENSUS_SECONDS = 600
TARGET_SPEEDUP = 3.0


def sh(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run one of this benchmark's own commands (our interpreter or LinkChecker, fixed arguments)."""
    return subprocess.run(command, **kwargs)  # noqa: S603


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- estate and server ---------------------------------------------------------------------------
def ensure_estate(out: Path, *, sites: int, pages: int, seed: int, port: int) -> dict:
    """The estate's summary, generating it first when missing, of another size, or stale."""
    from .estate import generate, parse_now

    summary_path = out / "summary.json"
    if summary_path.exists():
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        made = dt.datetime.strptime(summary["now"], "%Y-%m-%d %H:%M").date()
        if (summary["sites"], summary["seed"], summary["port"]) == (sites, seed, port) \
                and summary.get("pages_per_site", pages) == pages and made == parse_now(None).date():
            log(f"estate {out}: reusing ({summary['sites']} sites, {summary['pages']} pages)")
            return summary
    log(f"estate {out}: generating {sites} sites × {pages} pages, seed {seed}")
    summary = generate(out, sites=sites, pages=pages, seed=seed, now=parse_now(None), port=port)
    summary["pages_per_site"] = pages
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return summary


class Server:
    """``serve.py`` as a child process, waited for until its port answers."""

    def __init__(self, estate: Path, port: int):
        self.estate, self.port = estate, port
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(  # noqa: S603  (our interpreter, fixed arguments)
            [PYTHON, "-m", "benchmarks.monitoring.serve", "--estate", str(self.estate)],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve.py exited with {self.process.returncode}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"serve.py did not listen on {self.port} within 60 s")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _child_usage() -> tuple[float, int]:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss


# -- the census ----------------------------------------------------------------------------------
def run_census(estate: Path, work: Path) -> dict:
    """``govsites census`` over the estate with default politeness; timed, scored."""
    from .truth import load_jsonl, score_estate

    data = work / "census-data"
    data.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GOVSITES_DATA_DIR": str(data)}
    manage = [PYTHON, "-m", "govsites.manage"]
    sh([*manage, "migrate", "-v", "0"], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
    findings = work / "findings.jsonl"
    command = [*manage, "census", "--sites", str(estate / "sites.json"), "--resolve-file", str(estate / "resolve.txt"),
               "--export", str(findings), "--skip", "https", "--skip", "ipv6", "-v", "0"]
    log("census: " + " ".join(command[1:]))
    cpu_before, _ = _child_usage()
    started = time.monotonic()
    done = sh(command, cwd=REPO, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    cpu_after, max_rss = _child_usage()
    if done.returncode != 0:
        raise RuntimeError(f"census failed ({done.returncode}):\n{done.stderr[-3000:]}")
    stats = json.loads(sh(
        [*manage, "shell", "-c", "import json; from govsites.monitoring.models import Census; "
         "c = Census.objects.latest('pk'); print(json.dumps({**c.stats, 'pages': sum(r.pages for r in c.results.all()), "
         "'links': sum(r.links for r in c.results.all())}))"],
        cwd=REPO, env=env, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    rows = load_jsonl(findings)
    score = score_estate(estate, rows)
    log(f"census: {seconds:.0f} s, {len(rows)} findings")
    return {
        "command": "GOVSITES_DATA_DIR=… .venv/bin/python " + " ".join(command[1:]),
        "seconds": round(seconds, 1), "cpu_seconds": round(cpu_after - cpu_before, 1), "max_rss_mb": max_rss // 1024,
        "stats": stats, "findings": len(rows), "score": score, "message": done.stderr.strip().splitlines()[-1:],
    }


# -- link checking: ours and LinkChecker's ---------------------------------------------------------
def sample_sites(estate: Path, count: int) -> list[dict]:
    """``count`` sites spread evenly over the registry, half of them (where there are that many)
    among the sites with dead links in the truth — a recall needs something to find."""
    from .truth import load_jsonl

    sites = json.loads((estate / "sites.json").read_text(encoding="utf-8"))
    if count >= len(sites):
        return sites
    dead = {r["site"] for r in load_jsonl(estate / "ground_truth.jsonl") if r["check"] in BROKEN_CHECKS}
    with_dead = [s for s in sites if s["host"] in dead]
    others = [s for s in sites if s["host"] not in dead]
    first = _spread(with_dead, min(len(with_dead), count // 2))
    chosen = {s["host"] for s in first + _spread(others, count - len(first))}
    return [s for s in sites if s["host"] in chosen]


def _spread(rows: list[dict], count: int) -> list[dict]:
    step = len(rows) / count if count else 0
    return [rows[int(i * step)] for i in range(count)]


def broken_truth(estate: Path, hosts: set[str]) -> set[tuple[str, str]]:
    """(page, target) of every dead-link truth line of the sampled sites, normalised."""
    from .truth import load_jsonl, normalise_url

    return {(normalise_url(r["url"]), normalise_url(r["target"])) for r in load_jsonl(estate / "ground_truth.jsonl")
            if r["check"] in BROKEN_CHECKS and r["site"] in hosts}


def recall(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict:
    """Pair recall (the truth's unit), target recall (distinct dead URLs), and pairs found
    outside the truth (dead links the truth leaves out: hazards, mail links …)."""
    targets = {t for _, t in truth}
    hit_targets = {t for _, t in found} & targets
    return {
        "pairs": len(truth), "pairs_found": len(found & truth),
        "pair_recall": round(len(found & truth) / len(truth), 3) if truth else None,
        "targets": len(targets), "targets_found": len(hit_targets),
        "target_recall": round(len(hit_targets) / len(targets), 3) if targets else None,
        "outside_truth": len(found - truth),
    }


def ours(estate: Path, sample: list[dict]) -> dict:
    """Our crawler and link checker over the sample with the census' defaults (in this process)."""
    from govsites.monitoring.checks.links import check_links
    from govsites.monitoring.crawler.estate import crawl_estate
    from govsites.monitoring.crawler.fetch import Fetcher
    from govsites.monitoring.crawler.links import LinkChecker
    from govsites.monitoring.sitelist import read_site_list

    from .truth import normalise_url

    hosts = {s["host"] for s in sample}
    sites = [s for s in read_site_list(estate / "sites.json") if s.host in hosts]
    resolve = (estate / "resolve.txt").read_text(encoding="utf-8").split()
    found: set[tuple[str, str]] = set()

    def on_site(crawl) -> None:
        for obs in check_links(crawl.site, crawl.pages, crawl.links):
            found.add((normalise_url(obs.url), normalise_url(obs.target)))

    async def go() -> int:
        async with Fetcher(resolve=resolve, timeout=15.0) as fetcher:
            checker = LinkChecker(fetcher)
            await crawl_estate(sites, fetcher=fetcher, checker=checker, on_site=on_site, keep_pages=False)
            return len(checker)

    cpu = time.process_time()
    started = time.monotonic()
    urls = asyncio.run(go())
    seconds = time.monotonic() - started
    return {"seconds": round(seconds, 1), "cpu_seconds": round(time.process_time() - cpu, 1), "urls": urls,
            "urls_per_second": round(urls / seconds, 1), "found": found}


def linkchecker(estate: Path, sample: list[dict], port: int, work: Path, *, threads: int | None = None) -> dict:
    """LinkChecker over the sample through the estate server as HTTP proxy; parses its CSV."""
    from .truth import normalise_url

    out = work / f"linkchecker{'-t' + str(threads) if threads else ''}.csv"
    work.chmod(0o777)  # LinkChecker run as root drops to "nobody" and still has to write its file
    command = [str(LINKCHECKER), "-v", "--check-extern", "--ignore-url=^mailto:", "--timeout", "15", "--no-status",
               "-o", "none", "-F", f"csv/utf-8/{out}"]
    if threads:
        command += ["--threads", str(threads)]
    command += [s["home_url"] for s in sample]
    env = {**os.environ, "http_proxy": f"http://127.0.0.1:{port}", "no_proxy": "", "HOME": str(work)}
    log(f"linkchecker: {len(sample)} sites{f', {threads} threads' if threads else ''}")
    started = time.monotonic()
    sh(command, cwd=work, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.monotonic() - started
    urls: set[str] = set()
    found: set[tuple[str, str]] = set()
    with out.open(encoding="utf-8", newline="") as stream:
        rows = csv.DictReader((line for line in stream if not line.startswith("#")), delimiter=";")
        for row in rows:
            url = row.get("url") or ""
            if not url.startswith(("http://", "https://")) or row.get("result") == "ignored":
                continue
            urls.add(url)
            if row.get("valid") == "False" and row.get("parentname"):
                found.add((normalise_url(row["parentname"]), normalise_url(url)))
    return {"seconds": round(seconds, 1), "urls": len(urls), "urls_per_second": round(len(urls) / seconds, 1),
            "found": found, "threads": threads or 10}


def compare_links(estate: Path, port: int, work: Path, count: int, extra_threads: int) -> dict:
    sample = sample_sites(estate, count)
    truth = broken_truth(estate, {s["host"] for s in sample})
    log(f"links: sample of {len(sample)} sites, {len(truth)} dead-link truth lines")
    mine = ours(estate, sample)
    theirs = [linkchecker(estate, sample, port, work)]
    if extra_threads:
        theirs.append(linkchecker(estate, sample, port, work, threads=extra_threads))
    for run in (mine, *theirs):
        run["recall"] = recall(run.pop("found"), truth)
    return {"sites": len(sample), "ours": mine, "linkchecker": theirs,
            "speedup": round(mine["urls_per_second"] / theirs[0]["urls_per_second"], 2)}


# -- the report ----------------------------------------------------------------------------------
def machine() -> dict:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "0")
    return {"cpu": model, "cores": os.cpu_count(), "memory_gb": round(int(memory) / 1024 / 1024, 1),
            "python": platform.python_version(), "system": f"{platform.system()} {platform.release()}",
            "load_before": os.getloadavg()}


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def render(result: dict) -> str:
    m, s = result["machine"], result["estate"]
    lines = [
        "# Monitoring benchmark — results",
        "",
        f"Run {result['date']} with `{result['command']}` ({result['seconds']:.0f} s in all).",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; Python {m['python']}, {m['system']}; "
        f"load average before the run {m['load_before'][0]:.2f} (the machine is shared).",
        "",
        f"Estate: {s['sites']} sites, {s['pages']} pages, seed {s['seed']}, generated for {s['now']}; "
        f"{s['truth']} truth lines, {s['decoys']} decoys, {s['hazards']} hazards.",
        "",
    ]
    census = result.get("census")
    if census:
        st = census["stats"]
        ok = census["seconds"] <= TARGET_CENSUS_SECONDS
        lines += [
            "## Full census (default politeness)",
            "",
            f"`{census['command']}`",
            "",
            "| | |", "|---|---|",
            f"| wall time | **{census['seconds']:.0f} s** (target ≤ {TARGET_CENSUS_SECONDS} s {_mark(ok)}) |",
            f"| CPU time of the census process | {census['cpu_seconds']:.0f} s; peak RSS {census['max_rss_mb']} MB |",
            f"| pages fetched / link targets per site, summed | {st.get('pages', 0):,} / {st.get('links', 0):,} |",
            f"| HTTP requests | {st.get('requests', 0):,} ({st.get('retries', 0):,} retries, "
            f"{st.get('bytes', 0) / 1e6:,.0f} MB) |",
            f"| findings exported | {census['findings']:,} |",
            "",
            "### Precision and recall per defect family",
            "",
            f"Target ≥ {TARGET_RATE} each. Matching rule: `truth.py` (site + check + URL + target).",
            "",
            "| family | tp | fp | fn | precision | recall | |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        for family, r in census["score"]["families"].items():
            ok = all(v is None or v >= TARGET_RATE for v in (r["precision"], r["recall"]))
            lines.append(f"| {family} | {r['tp']} | {r['fp']} | {r['fn']} | {_rate(r['precision'])} | "
                         f"{_rate(r['recall'])} | {_mark(ok)} |")
        score = census["score"]
        lines += ["", f"Decoy hits: {len(score['decoy_hits'])}; unscored findings (hazard pages, https/ipv6/"
                      f"tampering): {score['unscored']}."]
        misses = score["false_positives"] + score["false_negatives"]
        if misses:
            lines += ["", "Misses:", ""]
            lines += [f"- {'FP' if k in score['false_positives'] else 'FN'} `{k[1]}` {k[2]} {k[3]}" for k in misses[:40]]
        lines.append("")
    links = result.get("links")
    if links:
        mine, theirs = links["ours"], links["linkchecker"]
        lines += [
            "## Link checking: ours against LinkChecker",
            "",
            f"The same {links['sites']} sites (spread over the estate, half of them among the sites with dead links), "
            "each tool from the home pages, recursively, "
            "every link target checked once. Ours: the census' crawler and link checker with default politeness "
            "(2 requests at a time and 0.5 s between request starts per host, one status cache). LinkChecker "
            f"{result.get('linkchecker_version', '')}: its defaults (10 threads, its own per-host rate limit) with "
            "`--check-extern --timeout 15 --ignore-url=^mailto:`, through the estate server as HTTP proxy.",
            "",
            "| tool | wall s | URLs checked | URLs/s | dead links found (page, link) | pair recall | "
            "dead targets found | target recall |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, run in [("ours", mine), *((f"LinkChecker, {t['threads']} threads", t) for t in theirs)]:
            r = run["recall"]
            lines.append(f"| {name} | {run['seconds']:.0f} | {run['urls']:,} | {run['urls_per_second']:.1f} | "
                         f"{r['pairs_found']}/{r['pairs']} | {_rate(r['pair_recall'])} | {r['targets_found']}/"
                         f"{r['targets']} | {_rate(r['target_recall'])} |")
        ok = links["speedup"] >= TARGET_SPEEDUP and (mine["recall"]["pair_recall"] or 0) >= (
            theirs[0]["recall"]["pair_recall"] or 0)
        lines += ["", f"Throughput ratio (ours / LinkChecker with its defaults): **{links['speedup']:.1f}×** "
                      f"(target ≥ {TARGET_SPEEDUP:.0f}× with equal or better recall {_mark(ok)}).", ""]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the monitoring benchmark: census, accuracy, link checking.")
    parser.add_argument("--estate", type=Path, default=Path(tempfile.gettempdir()) / "govsites-mon-estate")
    parser.add_argument("--sites", type=int, default=500)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=8800)
    parser.add_argument("--sample", type=int, default=12,
                        help="sites in the link-checking comparison (LinkChecker needs ≈ 80 s a site of 200 pages)")
    parser.add_argument("--linkchecker-threads", type=int, default=0,
                        help="also run LinkChecker with this many threads (0: only its default 10)")
    parser.add_argument("--skip-census", action="store_true")
    parser.add_argument("--skip-links", action="store_true")
    parser.add_argument("--results", type=Path, default=REPO / "benchmarks" / "monitoring" / "results.md")
    args = parser.parse_args(argv)
    if not args.skip_links and not LINKCHECKER.exists():
        parser.error(f"{LINKCHECKER} not found (the bench dependency group installs LinkChecker)")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govsites.settings.test")
    import django

    django.setup()
    started = time.monotonic()
    result: dict = {"date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"), "machine": machine(),
                    "command": ".venv/bin/python -m benchmarks.monitoring.run " + " ".join(argv or sys.argv[1:])}
    result["estate"] = ensure_estate(args.estate, sites=args.sites, pages=args.pages, seed=args.seed, port=args.port)
    version = sh([str(LINKCHECKER), "--version"], capture_output=True, text=True, check=False)
    result["linkchecker_version"] = next((w for w in version.stdout.split() if w[:1].isdigit()), "")
    with tempfile.TemporaryDirectory(prefix="govsites-mon-bench-") as tmp, Server(args.estate, args.port):
        work = Path(tmp)
        if not args.skip_census:
            result["census"] = run_census(args.estate, work)
        if not args.skip_links:
            result["links"] = compare_links(args.estate, args.port, work, args.sample, args.linkchecker_threads)
    result["seconds"] = time.monotonic() - started
    args.results.write_text(render(result), encoding="utf-8")
    args.results.with_suffix(".json").write_text(json.dumps(result, ensure_ascii=False, indent=1, default=list),
                                                 encoding="utf-8")
    log(f"wrote {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
