"""Shared by ``generate.py`` and ``run.py``: the benchmark deployment's keys and environment, the
Django bootstrap, database names.

The benchmark is a small production deployment on this machine: ``govsites.settings.production``
for the owner's side (migrate, grants, data), ``govsites.settings.public`` under gunicorn for the
public service, both with the same keys (``GOVSITES_SECRET_KEY`` signs challenges and hashes query
codes; the PII keys encrypt contact details). The keys are generated once into
``<data dir>/secrets.json`` (mode 0600) so that a later ``run.py`` can verify the query codes of
cases generated earlier. It never uses the tests' database (``govsites``) or a ``test_*`` one.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent
DATA_DIR = Path(os.environ.get("GOVSITES_BENCH_INTERACTION_DIR", "/tmp/govsites-bench-interaction"))  # noqa: S108
DEFAULT_URL = "postgres://govsites@127.0.0.1:54349/govsites_bench_interaction"
PUBLIC_ROLE = "govsites_public"
PROFILE = "national"
#: the site's message columns get the submissions; the generated cases are spread over them too
HOST = "hd.bench.example.gov.cn"


def refuse_test_database(url: str) -> None:
    name = urlparse(url).path.lstrip("/")
    if name in ("", "govsites", "postgres", "template1") or name.startswith("test_"):
        sys.exit(f"refusing to use database {name!r}: the benchmark needs its own database "
                 "(default govsites_bench_interaction)")


def admin_url(url: str) -> tuple[str, str]:
    """(database name, URL of the maintenance database ``postgres`` on the same server)."""
    parsed = urlparse(url)
    return parsed.path.lstrip("/"), urlunparse(parsed._replace(path="/postgres"))


def public_url(url: str, password: str) -> str:
    """The owner's URL with the public role and its password (what the public service uses)."""
    parsed = urlparse(url)
    netloc = f"{PUBLIC_ROLE}:{password}@{parsed.hostname}:{parsed.port or 5432}"
    return urlunparse(parsed._replace(netloc=netloc))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def deployment_secrets() -> dict:
    """The benchmark deployment's keys, created once (mode 0600)."""
    path = DATA_DIR / "secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    values = {
        "GOVSITES_SECRET_KEY": secrets.token_urlsafe(64),
        "GOVSITES_AUDIT_KEY": f"bench:{secrets.token_urlsafe(48)}",
        "GOVSITES_PII_KEYS": f"bench1:{_b64(secrets.token_bytes(32))}",
        "GOVSITES_PII_INDEX_KEY": _b64(secrets.token_bytes(32)),
        "PUBLIC_DB_PASSWORD": secrets.token_urlsafe(24),
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(values, handle)
    return values


def environment(url: str, *, public: bool) -> dict[str, str]:
    """The process environment of the owner's side (``public=False``) or the public service."""
    keys = deployment_secrets()
    env = {name: value for name, value in keys.items() if name.startswith("GOVSITES_")}
    env.update({
        "GOVSITES_DEPLOYMENT": "production",
        "GOVSITES_ALLOWED_HOSTS": f"{HOST},127.0.0.1,localhost",
        "GOVSITES_FRONT_TARGETS": "[]",
        "GOVSITES_POLICY_PROFILE": PROFILE,
        "GOVSITES_MEDIA_ROOT": str(DATA_DIR / "media"),
        "GOVSITES_STATIC_ROOT": str(DATA_DIR / "static"),
        "GOVSITES_PUBLISH_DIR": str(DATA_DIR / "publish"),
        "GOVSITES_AUDIT_ARCHIVE_DIR": str(DATA_DIR / "audit-archive"),
        "DATABASE_URL": public_url(url, keys["PUBLIC_DB_PASSWORD"]) if public else url,
        "DJANGO_SETTINGS_MODULE": "govsites.settings.public" if public else "govsites.settings.production",
    })
    if public:
        # the production setup behind a reverse proxy on the same host (docs/public-service.md)
        env["GOVSITES_PUBLIC_TRUSTED_PROXIES"] = "127.0.0.1"
    return env


def setup(url: str, *, public: bool = False) -> None:
    """Django in this process, on the benchmark database (owner's side unless ``public``)."""
    refuse_test_database(url)
    os.environ.update(environment(url, public=public))
    src = str(PROJECT / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    import django

    django.setup()


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


@contextmanager
def step(label: str, timings: dict):
    print(f"… {label}", flush=True)
    started = time.monotonic()
    yield
    seconds = time.monotonic() - started
    timings[label] = round(seconds, 1)
    print(f"  {label}: {seconds:.1f} s", flush=True)
