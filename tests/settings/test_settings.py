"""Deployment shapes: the embedded default and the environment-only production settings."""

import datetime as dt
import importlib
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from govsites.registry.models import SiteStatus


def test_defaults_are_chinese_and_shanghai():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.AUTH_USER_MODEL == "accounts.User"
    assert settings.PASSWORD_HASHERS[0].endswith("MD5PasswordHasher")  # test speed only
    embedded = importlib.import_module("govsites.settings.base")
    assert embedded.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.django_db
def test_embedded_sqlite_runs_in_wal_mode():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL pass")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


def run_settings(module, env):
    code = f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='{module}'; django.setup(); print('ok')"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)


def test_production_settings_require_the_environment(tmp_path):
    base = {"PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)}
    missing = run_settings("govsites.settings.production", base)
    assert missing.returncode != 0 and "GOVSITES_SECRET_KEY" in missing.stderr
    keys = {"GOVSITES_AUDIT_KEY": "a1:" + "k" * 48, "GOVSITES_PII_KEYS": "k1:" + "A" * 43,
            "GOVSITES_PII_INDEX_KEY": "B" * 43}
    full = run_settings("govsites.settings.production", {
        **base, **keys, "GOVSITES_SECRET_KEY": "x" * 50, "DATABASE_URL": f"sqlite:///{tmp_path}/p.db",
        "GOVSITES_ALLOWED_HOSTS": "admin.example.gov.cn", "GOVSITES_POLICY_PROFILE": "shanxi",
        "GOVSITES_FRONT_TARGETS": '[{"name": "front1", "kind": "local", "path": "/srv/govsites/front"}]',
    })
    assert full.returncode == 0, full.stderr
    assert full.stdout.strip() == "ok"
    broken = run_settings("govsites.settings.production", {
        **base, **keys, "GOVSITES_SECRET_KEY": "x" * 50, "DATABASE_URL": f"sqlite:///{tmp_path}/p.db",
        "GOVSITES_ALLOWED_HOSTS": "admin.example.gov.cn", "GOVSITES_FRONT_TARGETS": "[{front1",
    })
    assert broken.returncode != 0 and "GOVSITES_FRONT_TARGETS is not valid JSON" in broken.stderr


def test_embedded_secret_key_is_generated_privately(tmp_path):
    from govsites.settings.secrets import load_or_create_secret_key

    path = tmp_path / "secret_key"
    key = load_or_create_secret_key(path)
    assert len(key) > 50 and (path.stat().st_mode & 0o777) == 0o600
    assert load_or_create_secret_key(path) == key


def test_daily_task_runs_through_the_task_backend(estate, clock):
    from govsites.registry.actions import ApplyForTemporaryOffline
    from govsites.registry.tasks import apply_due_transitions
    from tests.conftest import actor
    from tests.registry.helpers import approve_all

    approve_all(ApplyForTemporaryOffline(actor(estate.stats_manager), estate.stats_site,
                                         start_date=dt.date(2026, 3, 5), end_date=dt.date(2026, 3, 6),
                                         reason="检修").execute())
    clock.set(dt.date(2026, 3, 5))
    result = apply_due_transitions.enqueue()
    assert result.return_value == [estate.stats_site.pk]
    estate.stats_site.refresh_from_db()
    assert estate.stats_site.status == SiteStatus.TEMPORARILY_OFFLINE
