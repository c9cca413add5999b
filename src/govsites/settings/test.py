"""Test settings: the embedded default with a throw-away data folder and fast hashing.

``DATABASE_URL`` (set by ``make test`` for its second pass) runs the same suite on PostgreSQL.
"""

import os
import tempfile

os.environ.setdefault("GOVSITES_DATA_DIR", tempfile.mkdtemp(prefix="govsites-test-"))

from .embedded import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never in production
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Most tests log in with force_login; the authentication tests switch the second factor on.
# Lockout (django-axes) stays on: tests prove it.
GOVSITES_REQUIRE_MFA = False
WHITENOISE_AUTOREFRESH = True
# the test runner flushes tables between transactional tests, the audit trail included (SEC-03)
GOVSITES_AUDIT_ALLOW_FLUSH = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A real file (not shared-cache memory) so concurrent-decision tests see real SQLite locking.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
