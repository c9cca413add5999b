"""The interaction benchmark (issue #6): submissions per second with no lost submission, and the
case lookup's latency over 1,000,000 stored cases, against the public service as deployed.

    .venv/bin/python benchmarks/interaction/run.py [--cases 1000000] [--duration 30]
    .venv/bin/python benchmarks/interaction/run.py --small        # smoke test: 20,000 cases, 5 s

What it does (README.md has the details):

1. starts the private, durable PostgreSQL cluster (``pg.sh``) and, if the database does not hold the
   generated cases yet, runs ``generate.py`` (migrate, grants, estate, N cases);
2. for each gunicorn configuration (``--config``): starts ``gunicorn govsites.public.wsgi`` with
   ``govsites.settings.public``, the ``govsites_public`` role and
   ``GOVSITES_PUBLIC_TRUSTED_PROXIES=127.0.0.1``; pre-generates unique submissions (fresh challenge
   tokens solved with ``captcha.solve_for_benchmark``, a distinct phone and text per request, a new
   ``X-Forwarded-For`` every 5 requests) and random lookups of generated cases; warms up; runs wrk
   (``requests.lua``) for the submissions, then for the lookups; counts the 201s against the
   stored rows and checks every receipt's case number is stored; records CPU time by process group,
   WAL flushes and commits;
3. finally stops PostgreSQL as a crash would (``pg_ctl -m immediate``), starts it again (WAL
   recovery) and checks every acknowledged receipt is still there;
4. writes ``results.json`` and ``results.md`` (``--small`` writes them under the data folder).
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import json
import os
import platform
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import generate

PG = common.HERE / "pg.sh"
LUA = common.HERE / "requests.lua"
GUNICORN = common.PROJECT / ".venv" / "bin" / "gunicorn"
PORT = 18002
SUBMIT_TARGET = 500  # submissions/s
LOOKUP_TARGET_MS = 50  # p95
SMALL_URL = "postgres://govsites@127.0.0.1:54349/govsites_bench_interaction_small"
#: address space the simulated citizens come from (public unicast, never the trusted proxy)
CLIENT_NET_START, CLIENT_NET_SIZE = int(ipaddress.IPv4Address("11.0.0.0")), 100 * 2**24


@dataclass
class Config:
    worker_class: str  # sync | gthread
    workers: int
    threads: int = 1

    @classmethod
    def parse(cls, text: str) -> Config:
        parts = text.split(":")
        kind = parts[0]
        if kind not in ("sync", "gthread") or len(parts) < 2:
            raise argparse.ArgumentTypeError("--config is sync:WORKERS or gthread:WORKERS:THREADS")
        return cls(kind, int(parts[1]), int(parts[2]) if len(parts) > 2 else 1)

    @property
    def label(self) -> str:
        if self.worker_class == "gthread":
            return f"gthread, {self.workers} workers × {self.threads} threads"
        return f"sync, {self.workers} workers"

    def args(self) -> list[str]:
        out = ["--workers", str(self.workers), "--worker-class", self.worker_class]
        return out + (["--threads", str(self.threads)] if self.worker_class == "gthread" else [])


# -- the machine -------------------------------------------------------------------------------------

def sh(*cmd: str, check: bool = True, **kw) -> str:
    return subprocess.run(cmd, check=check, capture_output=True, text=True, **kw).stdout.strip()  # noqa: S603


def ensure_wrk() -> str:
    path = shutil.which("wrk") or ("/usr/bin/wrk" if Path("/usr/bin/wrk").exists() else "")
    if not path:
        print("… installing wrk (Debian package)", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)  # noqa: S607
        path = "/usr/bin/wrk"
    return path


def machine_facts() -> dict:
    cpu = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.+)", cpu)
    mem = re.search(r"MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text())

    def git(*args):
        try:
            return sh("git", *args, cwd=common.PROJECT, check=False)
        except OSError:
            return "?"

    changed = len([line for line in git("status", "--porcelain", "src").splitlines() if line.strip()])
    import django
    import gunicorn

    return {
        "cpu": model.group(1).strip() if model else platform.processor(),
        "cores": os.cpu_count(),
        "memory_gib": round(int(mem.group(1)) / 1024 / 1024, 1) if mem else None,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "wrk": sh("wrk", "--version", check=False).splitlines()[0] if shutil.which("wrk") else "?",
        "code": f"commit {git('rev-parse', '--short', 'HEAD')}"
                + (f" + uncommitted changes in {changed} files under src/" if changed else ""),
    }


def pg_facts() -> dict:
    from django.db import connection

    names = ("fsync", "synchronous_commit", "full_page_writes", "wal_sync_method", "commit_delay",
             "commit_siblings", "shared_buffers", "wal_buffers", "max_wal_size", "checkpoint_timeout",
             "effective_cache_size", "work_mem", "random_page_cost", "jit", "max_connections")
    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        version = cur.fetchone()[0].split(" on ")[0]
        cur.execute("SELECT name, setting, unit FROM pg_settings WHERE name = ANY(%s)", [list(names)])
        settings = {}
        for name, setting, unit in cur.fetchall():
            settings[name] = f"{setting}{'×' + unit if unit and unit[0].isdigit() else unit or ''}"
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cur.fetchone()[0]
    return {"version": version, "settings": settings, "database_size": size}


def fsync_rate() -> dict:
    """What one WAL flush costs on this disk (``pg_test_fsync``, fdatasync, 8 kB writes, 2 s)."""
    binary = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_test_fsync"))
    if not binary:
        return {}
    target = common.DATA_DIR / "fsync-test"
    out = sh(str(binary[-1]), "-s", "2", "-f", str(target), check=False)
    target.unlink(missing_ok=True)
    match = re.search(r"fdatasync\s+([\d.]+) ops/sec\s+(\d+) usecs/op", out)
    return {"fdatasync_ops_per_s": float(match.group(1)), "fdatasync_us": int(match.group(2))} if match else {}


CLK = os.sysconf("SC_CLK_TCK")


def process_groups(gunicorn_pid: int | None) -> dict[str, float]:
    """CPU seconds so far of the processes by group: postgres, gunicorn (its tree), wrk, other."""
    out = {"postgres": 0.0, "gunicorn": 0.0, "wrk": 0.0, "other": 0.0}
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        pid, ppid = int(entry.name), int(fields[1])
        seconds = (int(fields[11]) + int(fields[12])) / CLK
        if comm == "postgres":
            group = "postgres"
        elif gunicorn_pid and gunicorn_pid in (pid, ppid):
            group = "gunicorn"
        elif comm == "wrk":
            group = "wrk"
        elif pid == me:
            continue
        else:
            group = "other"
        out[group] += seconds
    return out


def cpu_busy() -> tuple[int, int, int]:
    """(busy, iowait, total) ticks of all cores so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle, iowait = values[3], values[4]
    total = sum(values[:8])
    return total - idle - iowait, iowait, total


def wal_stats() -> dict:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT wal_records, wal_fpi, wal_bytes, wal_write, wal_sync FROM pg_stat_wal")
        records, fpi, wal_bytes, writes, syncs = cur.fetchone()
        cur.execute("SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = current_database()")
        commits, rollbacks = cur.fetchone()
    return {"wal_records": records, "wal_fpi": fpi, "wal_bytes": int(wal_bytes), "wal_writes": writes,
            "wal_syncs": syncs, "commits": commits, "rollbacks": rollbacks}


def delta(after: dict, before: dict) -> dict:
    return {k: round(after[k] - before[k], 3) for k in after}


# -- the data --------------------------------------------------------------------------------------

def has_cases(url: str, cases: int) -> bool:
    """The database holds the ``cases`` generated cases with this deployment's query codes."""
    import psycopg

    name, admin = common.admin_url(url)
    with psycopg.connect(admin) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT query_code_hash FROM interaction_message WHERE id = %s", [cases]).fetchone()
            last = conn.execute("SELECT query_code_hash FROM interaction_message WHERE id = %s",
                                [cases + 1]).fetchone()
            channel = conn.execute("SELECT count(*) FROM interaction_channel").fetchone()[0]
    except psycopg.Error:
        return False
    if row is None or not channel:
        return False
    from govsites.interaction.models import Message

    secret = common.deployment_secrets()["GOVSITES_SECRET_KEY"]
    expected = Message.hash_query_code(generate.query_code(secret, cases))
    # a larger generation would have case ``cases + 1`` with a generated code as well
    bigger = last is not None and last[0] == Message.hash_query_code(generate.query_code(secret, cases + 1))
    return row[0] == expected and not bigger


def message_channels() -> list[tuple[int, str]]:
    from govsites.interaction.models import Channel

    return [(c.pk, c.kind) for c in Channel.objects.filter(enabled=True).order_by("pk") if c.takes_messages]


def write_submissions(path: Path, count: int, rng: random.Random) -> None:
    """``count`` distinct, valid submissions with fresh challenge tokens (valid 600 s)."""
    from govsites.public import captcha

    channels = message_channels()
    phone_base = rng.randrange(10**9)
    client_base = rng.randrange(CLIENT_NET_SIZE)
    run = f"{rng.randrange(36**4):04x}"
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            channel, kind = channels[i % len(channels)]
            topic, place = rng.choice(generate.TOPICS), rng.choice(generate.PLACES)
            sentences = rng.sample(generate.SENTENCES, rng.randint(2, 4))
            body = "".join(s.format(place=place, topic=topic) for s in sentences) + f"（编号{run}-{i}）"
            challenge = captcha.issue()
            payload = {
                "channel": channel,
                "title": f"关于{place}{topic}的{generate.KIND_WORDS[kind]}",
                "body": body,
                "name": f"{rng.choice('王李张刘陈杨赵黄周吴')}{rng.choice('伟芳娜敏静丽强磊军洋')}",
                "phone": f"1{rng.choice('3589')}{(phone_base + i) % 10**9:09d}",
                "address": f"澜川省青岚市{place}{rng.randint(1, 99)}号",
                "wants_private": rng.random() < 0.1,
                "token": challenge.token,
                "answer": captcha.solve_for_benchmark(challenge.token),
            }
            if kind == "error_report":
                payload["page_url"] = f"https://www.lanchuan.gov.cn/zwgk/{rng.randrange(10**6)}.html"
            client = ipaddress.IPv4Address(CLIENT_NET_START + (client_base + i // 5) % CLIENT_NET_SIZE)
            out.write(f"POST\t/api/v1/messages\t{client}\t{json.dumps(payload, ensure_ascii=False)}\n")


def write_lookups(path: Path, count: int, cases: int, rng: random.Random) -> None:
    """``count`` lookups of random generated cases with their right query codes."""
    from govsites.interaction.models import Message

    secret = common.deployment_secrets()["GOVSITES_SECRET_KEY"]
    ids = [rng.randint(1, cases) for _ in range(count)]
    days = dict(Message.objects.filter(pk__in=set(ids)).values_list("pk", "received_on"))
    with path.open("w", encoding="utf-8") as out:
        for pk in ids:
            client = ipaddress.IPv4Address(CLIENT_NET_START + rng.randrange(CLIENT_NET_SIZE))
            number = f"{days[pk]:%Y%m%d}{pk:07d}"
            out.write(f"GET\t/api/v1/cases/{number}?code={generate.query_code(secret, pk)}\t{client}\t\n")


# -- the service -------------------------------------------------------------------------------------

class Service:
    """``gunicorn govsites.public.wsgi:application`` as docs/public-service.md runs it."""

    def __init__(self, url: str, config: Config, log_dir: Path):
        self.config = config
        self.log_dir = log_dir
        self.env = {**os.environ, **common.environment(url, public=True)}
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        return [str(GUNICORN), "govsites.public.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
                *self.config.args(), "--max-requests", "20000", "--max-requests-jitter", "2000",
                "--access-logfile", str(self.log_dir / "access.log"), "--error-logfile",
                str(self.log_dir / "gunicorn.log"), "--log-level", "warning"]

    def start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(self.command(), env=self.env, cwd=common.PROJECT,  # noqa: S603
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited: see {self.log_dir / 'gunicorn.log'}")
            try:
                if get("/api/v1/channels?site=1") == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit("gunicorn did not answer within 60 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def get(path: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}",
                                     headers={"Host": common.HOST, "X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def wrk(requests_file: Path, *, connections: int, threads: int, duration: float, out: Path,
        keepalive: bool = False) -> dict:
    """Run wrk; its CPU seconds are added to the report (``cpu_seconds``)."""
    env = {**os.environ, "WRK_OUT": str(out), "WRK_HOST": common.HOST}
    if not keepalive:
        env["WRK_CLOSE"] = "1"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{round(duration)}s", "--timeout", "10s", "-s", str(LUA),
           f"http://127.0.0.1:{PORT}", "--", str(requests_file), str(threads)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)  # noqa: S603
    if done.returncode:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = json.loads(out.read_text())
    report["cpu_seconds"] = round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2)
    return report


def stored_count() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM interaction_message")
        return cur.fetchone()[0]


def missing_receipts(case_numbers: list[str]) -> int:
    """How many acknowledged case numbers name no stored message (same id and day)."""
    from django.db import connection

    wanted = {(int(n[8:]), dt.date(int(n[:4]), int(n[4:6]), int(n[6:8]))) for n in case_numbers}
    found = 0
    ids = sorted(pk for pk, _day in wanted)
    with connection.cursor() as cur:
        for start in range(0, len(ids), 10000):
            chunk = ids[start:start + 10000]
            cur.execute("SELECT id, received_on FROM interaction_message WHERE id = ANY(%s)", [chunk])
            found += sum(1 for row in cur.fetchall() if (row[0], row[1]) in wanted)
    return len(wanted) - found


def measure(url: str, config: Config, args, work: Path, rng: random.Random) -> dict:
    print(f"== {config.label}", flush=True)
    service = Service(url, config, work / "logs" / config.label.replace(" ", "").replace(",", "_"))
    threads = 2
    submissions = work / "submissions.tsv"
    warmup = work / "warmup.tsv"
    lookups = work / "lookups.tsv"
    write_lookups(lookups, 50000, args.cases, rng)
    service.start()
    result: dict = {"config": asdict(config), "label": config.label, "command": " ".join(service.command())}
    try:
        write_submissions(warmup, 2000, rng)
        wrk(warmup, connections=args.connections, threads=threads, duration=2, out=work / "warmup.json",
            keepalive=args.keepalive)
        wrk(lookups, connections=8, threads=threads, duration=2, out=work / "warmup-lookups.json",
            keepalive=args.keepalive)
        count = int(args.duration * 1500) + 2000
        write_submissions(submissions, count, rng)  # tokens issued now: valid for 600 s
        result["submission_bodies"] = count
        from django.db import connection

        connection.close()
        before_rows = stored_count()
        before_wal, before_cpu, before_busy = wal_stats(), process_groups(service.process.pid), cpu_busy()
        load_before = common.load_average()
        report = wrk(submissions, connections=args.connections, threads=threads, duration=args.duration,
                     out=work / "submit.json", keepalive=args.keepalive)
        busy = [a - b for a, b in zip(cpu_busy(), before_busy, strict=True)]
        cpu = delta(process_groups(service.process.pid), before_cpu)
        cpu["wrk"] = report["cpu_seconds"]
        wal = delta(wal_stats(), before_wal)
        after_rows = stored_count()
        created = report["status"].get("201", 0)
        cases = report.pop("cases")
        seconds = report["duration_us"] / 1e6
        result["submit"] = {
            "connections": args.connections, "threads": threads, "duration_s": round(seconds, 2),
            "requests": report["requests"], "per_second": round(report["requests"] / seconds, 1),
            "created_201": created, "created_per_second": round(created / seconds, 1),
            "status": report["status"], "socket_errors": report["errors"], "wrapped": report["wrapped"],
            "latency_ms": {k: round(v / 1000, 1) for k, v in report["latency_us"].items()},
            "stored_before": before_rows, "stored_after": after_rows, "stored_delta": after_rows - before_rows,
            "receipts": len(cases), "receipts_not_stored": missing_receipts(cases),
            "lost": max(0, created - (after_rows - before_rows)),
            "cpu_seconds": cpu, "cpu_busy_share": round(busy[0] / busy[2], 3) if busy[2] else None,
            "cpu_iowait_share": round(busy[1] / busy[2], 3) if busy[2] else None,
            "wal": wal, "load_before": load_before, "load_after": common.load_average(),
        }
        result["receipts"] = cases
        print(f"   submissions: {created / seconds:,.0f}/s 201, statuses {report['status']}, "
              f"stored +{after_rows - before_rows}, receipts not stored {result['submit']['receipts_not_stored']}",
              flush=True)
        result["lookup"] = []
        for connections in args.lookup_connections:
            before_cpu = process_groups(service.process.pid)
            report = wrk(lookups, connections=connections, threads=min(threads, connections),
                         duration=args.lookup_duration, out=work / f"lookup-{connections}.json",
                         keepalive=args.keepalive)
            report.pop("cases")
            seconds = report["duration_us"] / 1e6
            entry = {
                "connections": connections, "duration_s": round(seconds, 2), "requests": report["requests"],
                "per_second": round(report["requests"] / seconds, 1), "status": report["status"],
                "socket_errors": report["errors"],
                "latency_ms": {k: round(v / 1000, 2) for k, v in report["latency_us"].items()},
                "cpu_seconds": {**delta(process_groups(service.process.pid), before_cpu),
                                "wrk": report["cpu_seconds"]},
            }
            result["lookup"].append(entry)
            print(f"   lookups c={connections}: {entry['per_second']:,.0f}/s, p50 {entry['latency_ms']['p50']} ms, "
                  f"p95 {entry['latency_ms']['p95']} ms, statuses {report['status']}", flush=True)
    finally:
        service.stop()
    return result


def crash_check(url: str, receipts: list[str], expected_rows: int) -> dict:
    """Stop PostgreSQL as a crash would, start it again, and look for every acknowledged receipt."""
    from django.db import connection

    connection.close()
    sh(str(PG), "crash")
    started = time.monotonic()
    sh(str(PG), "start")
    recovery = time.monotonic() - started
    rows = stored_count()
    return {"recovery_s": round(recovery, 1), "rows_after_restart": rows, "rows_before_crash": expected_rows,
            "receipts_checked": len(receipts), "receipts_missing_after_restart": missing_receipts(receipts)}


# -- the report --------------------------------------------------------------------------------------

def fmt(n) -> str:
    return f"{n:,}" if isinstance(n, int) else f"{n:,.1f}" if isinstance(n, float) else str(n)


def render(data: dict) -> str:
    m, pg = data["machine"], data["postgresql"]
    lines = [
        "# Interaction benchmark — results",
        "",
        f"Date: {data['date']}. Targets (issue #6): the submission endpoint, as deployed by the production "
        f"instructions, sustains ≥ {SUBMIT_TARGET} submissions/s with zero lost submissions; case lookup "
        f"p95 ≤ {LOOKUP_TARGET_MS} ms with 1,000,000 stored cases. How it is measured: [README.md](README.md). "
        "Raw numbers: `results.json`. Where the time goes and what 500/s would need: "
        "[README.md](README.md#where-the-time-goes-submission), [profile.md](profile.md).",
        "",
        "## Machine",
        "",
        f"- CPU: {m['cpu']}, {m['cores']} cores (`nproc`); memory {m['memory_gib']} GiB; Linux {m['kernel']}",
        f"- Python {m['python']}, Django {m['django']}, gunicorn {m['gunicorn']}, {m['wrk']}; code: {m['code']}",
        f"- {pg['version']}, same machine, private cluster `benchmarks/interaction/pg.sh`: "
        + ", ".join(f"{k}={v}" for k, v in pg["settings"].items()),
        f"- disk: one WAL flush (`pg_test_fsync`, fdatasync) {data['fsync'].get('fdatasync_us', '?')} µs "
        f"= {fmt(data['fsync'].get('fdatasync_ops_per_s', '?'))} flushes/s",
        f"- load average before / after: {data['load_before']} / {data['load_after']}; "
        f"other processes used {data['other_cpu_seconds']} CPU seconds during the measured runs "
        f"({data['idle_note']})",
        "",
        "## Data",
        "",
        f"- stored cases: {fmt(data['cases'])} generated ({data['generation']}) + the submissions of earlier runs; "
        f"database {pg['database_size']}",
        "",
        "## Submissions (POST /api/v1/messages)",
        "",
        f"wrk, {data['duration']} s, {data['runs'][0]['submit']['connections']} connections, "
        + ("connections kept alive between requests" if data.get("keepalive") else
           "a new connection per request (`Connection: close`, as nginx's default proxying)")
        + "; every request a valid, distinct message with a fresh solved challenge.",
        "",
        "| gunicorn | submissions/s (201) | 201 | stored rows (delta) | receipts not stored | lost | "
        "other statuses | socket errors | p50 / p95 / p99 ms | CPU s per 1,000: gunicorn / postgres / wrk | "
        "CPU busy (both cores) | commits per WAL flush | ≥ 500/s, 0 lost |",
        "|---|---:|---:|---:|---:|---:|---|---|---|---|---:|---:|---|",
    ]
    for run in data["runs"]:
        s = run["submit"]
        other = {k: v for k, v in s["status"].items() if k != "201"} or "–"
        errors = {k: v for k, v in s["socket_errors"].items() if v} or "–"
        per = s["created_201"] / 1000 or 1
        cpu = " / ".join(f"{s['cpu_seconds'][g] / per:.2f}" for g in ("gunicorn", "postgres", "wrk"))
        flushes = s["wal"]["wal_syncs"] or 1
        ok = s["created_per_second"] >= SUBMIT_TARGET and s["lost"] == 0 and s["receipts_not_stored"] == 0
        lat = s["latency_ms"]
        lines.append(
            f"| {run['label']} | **{fmt(s['created_per_second'])}** | {fmt(s['created_201'])} | "
            f"{fmt(s['stored_delta'])} | {s['receipts_not_stored']} | {s['lost']} | {other} | {errors} | "
            f"{lat['p50']} / {lat['p95']} / {lat['p99']} | {cpu} | {s['cpu_busy_share']:.0%} | "
            f"{s['wal']['commits'] / flushes:.1f} | "
            f"{'yes' if ok else 'no'} |")
    lines += [
        "",
        "## Case lookups (GET /api/v1/cases/{case_number}?code=…)",
        "",
        f"wrk, {data['lookup_duration']} s per concurrency, random generated cases (out of {fmt(data['cases'])}) "
        "with their right query codes.",
        "",
        "| gunicorn | connections | lookups/s | p50 ms | p95 ms | p99 ms | max ms | statuses | p95 ≤ 50 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for run in data["runs"]:
        for entry in run["lookup"]:
            lat = entry["latency_ms"]
            lines.append(
                f"| {run['label']} | {entry['connections']} | {fmt(entry['per_second'])} | {lat['p50']} | "
                f"**{lat['p95']}** | {lat['p99']} | {lat['max']} | {entry['status']} | "
                f"{'yes' if lat['p95'] <= LOOKUP_TARGET_MS else 'no'} |")
    if data.get("crash"):
        c = data["crash"]
        lines += [
            "",
            "## Durability check",
            "",
            f"After the runs PostgreSQL was stopped like a crash (`pg_ctl -m immediate`: no checkpoint) and started "
            f"again (WAL recovery, {c['recovery_s']} s): rows {fmt(c['rows_before_crash'])} before, "
            f"{fmt(c['rows_after_restart'])} after; of the {fmt(c['receipts_checked'])} receipts (201s) of the "
            f"measured runs, **{c['receipts_missing_after_restart']} missing**.",
        ]
    lines += ["", "## Commands", "", "```sh"] + data["commands"] + ["```", ""]
    for run in data["runs"]:
        lines += [f"- {run['label']}: `{run['command']}`"]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--cases", type=int, default=None, help="generated cases (default 1,000,000)")
    parser.add_argument("--duration", type=float, default=None, help="seconds of submissions (default 30)")
    parser.add_argument("--lookup-duration", type=float, default=None, help="seconds per lookup run (default 20)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections for the submissions")
    parser.add_argument("--lookup-connections", default="1,5,20",
                        help="comma-separated wrk concurrencies for the lookups")
    parser.add_argument("--config", action="append", type=Config.parse,
                        help="gunicorn worker setup, repeatable: sync:WORKERS or gthread:WORKERS:THREADS "
                             "(default: sync with cores + 1 workers, the production instructions)")
    parser.add_argument("--keepalive", action="store_true",
                        help="keep connections open between requests (default: a new connection per request, as "
                             "nginx's default proxying to gunicorn does)")
    parser.add_argument("--small", action="store_true",
                        help="smoke test: 20,000 cases in their own database, 5 s, results in the data folder")
    parser.add_argument("--no-crash-check", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--render", action="store_true", help="only write results.md again from results.json")
    args = parser.parse_args(argv)
    if args.render:
        (common.HERE / "results.md").write_text(render(json.loads((common.HERE / "results.json").read_text())))
        return 0
    if args.small:
        args.database_url = args.database_url or SMALL_URL
        args.cases = args.cases or 20000
        args.duration = args.duration or 5
        args.lookup_duration = args.lookup_duration or 3
    args.database_url = args.database_url or common.DEFAULT_URL
    args.cases = args.cases or 1_000_000
    args.duration = args.duration or 30
    args.lookup_duration = args.lookup_duration or 20
    args.lookup_connections = [int(c) for c in args.lookup_connections.split(",") if c.strip()]
    configs = args.config or [Config("sync", (os.cpu_count() or 2) + 1)]
    common.refuse_test_database(args.database_url)
    ensure_wrk()
    sh(str(PG), "start")
    common.setup(args.database_url)
    work = common.DATA_DIR / ("small" if args.small else "full")
    work.mkdir(parents=True, exist_ok=True)
    timings_file = work / "generate-timings.json" if args.small else common.HERE / "generate-timings.json"
    if not has_cases(args.database_url, args.cases):
        print(f"… generating {args.cases:,} cases (generate.py --reset)", flush=True)
        subprocess.run([sys.executable, str(common.HERE / "generate.py"), "--database-url", args.database_url,  # noqa: S603
                        "--cases", str(args.cases), "--reset", "--timings-file", str(timings_file)], check=True)
    generation = "generation time unknown"
    if timings_file.exists():
        seconds = json.loads(timings_file.read_text())["timings_seconds"]
        generation = f"generated in {seconds['total'] / 60:.1f} min, see `generate-timings.json`"
    rng = random.Random(args.seed)  # noqa: S311  (benchmark data)
    load_before = common.load_average()
    data = {
        "keepalive": args.keepalive,
        "date": dt.date.today().isoformat(), "machine": machine_facts(), "postgresql": pg_facts(),
        "fsync": fsync_rate(), "cases": args.cases, "generation": generation, "duration": args.duration,
        "lookup_duration": args.lookup_duration, "load_before": load_before, "runs": [],
    }
    for config in configs:
        data["runs"].append(measure(args.database_url, config, args, work, rng))
    receipts = [n for run in data["runs"] for n in run.pop("receipts")]
    if not args.no_crash_check:
        data["crash"] = crash_check(args.database_url, receipts, stored_count())
        print(f"   crash check: {data['crash']}", flush=True)
    data["load_after"] = common.load_average()
    other = sum(run["submit"]["cpu_seconds"]["other"] for run in data["runs"])
    other += sum(e["cpu_seconds"]["other"] for run in data["runs"] for e in run["lookup"])
    data["other_cpu_seconds"] = round(other, 1)
    measured = sum(run["submit"]["duration_s"] + sum(e["duration_s"] for e in run["lookup"]) for run in data["runs"])
    data["idle_note"] = (f"{other / measured:.0%} of one core over {measured:.0f} s measured: "
                         + ("otherwise idle" if other / measured < 0.05 else "NOT idle: other work shared the machine"))
    data["commands"] = ["benchmarks/interaction/pg.sh start",
                        ".venv/bin/python benchmarks/interaction/run.py " + " ".join(argv or sys.argv[1:])]
    out_dir = work if args.small else common.HERE
    if not args.no_write:
        (out_dir / "results.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        (out_dir / "results.md").write_text(render(data))
        print(f"results: {out_dir / 'results.md'}")
    else:
        print(render(data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
