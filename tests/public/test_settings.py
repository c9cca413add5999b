"""The public service's own settings module and WSGI entry, loaded as they are deployed (SEC-01)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import json, os
from govsites.public.wsgi import application
from django.conf import settings
from django.test import Client
client = Client()
admin = client.get("/admin/")
api = client.get("/api/v1/registry/sites")
print(json.dumps({
    "urlconf": settings.ROOT_URLCONF, "wsgi": settings.WSGI_APPLICATION, "middleware": settings.MIDDLEWARE,
    "max_body": settings.DATA_UPLOAD_MAX_MEMORY_SIZE, "proxies": settings.GOVSITES_PUBLIC["TRUSTED_PROXIES"],
    "admin": admin.status_code, "api": api.status_code, "csp": admin.get("Content-Security-Policy", ""),
    "cookies": list(admin.cookies), "body": admin.content.decode(),
}))
"""


def run(env: dict, tmp_path) -> subprocess.CompletedProcess:
    base = {"PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path), "GOVSITES_DATA_DIR": str(tmp_path)}
    return subprocess.run([sys.executable, "-c", PROBE], env={**base, **env}, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.rule("SEC-01")
def test_the_public_service_runs_alone_with_its_own_urls_and_a_minimal_stack(tmp_path):
    result = run({"GOVSITES_DEPLOYMENT": "embedded", "GOVSITES_PUBLIC_TRUSTED_PROXIES": "10.0.0.1, 10.0.1.0/24"},
                 tmp_path)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["urlconf"] == "govsites.public.urls" and out["wsgi"] == "govsites.public.wsgi.application"
    middleware = " ".join(out["middleware"])
    for absent in ("sessions", "auth", "csrf", "messages", "otp", "axes", "AuditMiddleware", "redirects"):
        assert absent not in middleware, absent
    assert "SecurityMiddleware" in middleware and "CSPMiddleware" in middleware
    assert out["admin"] == 404 and out["api"] == 404 and "您访问的页面不存在" in out["body"]
    assert "default-src 'self'" in out["csp"] and "script-src 'self'" in out["csp"]
    assert out["cookies"] == [] and out["max_body"] == 64 * 1024
    assert out["proxies"] == ["10.0.0.1", "10.0.1.0/24"]


def test_in_production_the_public_service_needs_the_environment_but_no_front_targets(tmp_path):
    missing = run({}, tmp_path)
    assert missing.returncode != 0 and "GOVSITES_SECRET_KEY" in missing.stderr
    env = {
        "GOVSITES_SECRET_KEY": "x" * 50, "GOVSITES_AUDIT_KEY": "a1:" + "k" * 48, "GOVSITES_PII_KEYS": "k1:" + "A" * 43,
        "GOVSITES_PII_INDEX_KEY": "B" * 43, "DATABASE_URL": f"sqlite:///{tmp_path}/p.db",
        "GOVSITES_ALLOWED_HOSTS": "testserver", "GOVSITES_SSL_REDIRECT": "0",
    }
    result = run(env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["admin"] == 404
