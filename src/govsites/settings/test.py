"""Test settings: the embedded default with a throw-away data folder and fast hashing.

``DATABASE_URL`` (set by ``make test`` for its second pass) runs the same suite on PostgreSQL.
"""

import os
import tempfile

os.environ.setdefault("GOVSITES_DATA_DIR", tempfile.mkdtemp(prefix="govsites-test-"))

from .embedded import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never in production
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WHITENOISE_AUTOREFRESH = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A real file (not shared-cache memory) so concurrent-decision tests see real SQLite locking.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
