"""The embedded default: one machine, SQLite in WAL mode, local folders, database task queue.

Nothing here needs an external service. ``GOVSITES_DATA_DIR`` moves every local file (database,
uploads, generated secret) elsewhere; ``DATABASE_URL`` swaps SQLite for PostgreSQL (tests do).
"""

import os
from pathlib import Path

import dj_database_url

from .base import *  # noqa: F403
from .base import PROJECT_DIR
from .secrets import load_or_create_secret, load_or_create_secret_key, new_pii_key

DATA_DIR = Path(os.environ.get("GOVSITES_DATA_DIR", PROJECT_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("GOVSITES_SECRET_KEY") or load_or_create_secret_key(DATA_DIR / "secret_key")
# SEC-03: the audit chain's HMAC keys ("id:secret,…", newest first; docs/audit.md)
GOVSITES_AUDIT_KEY = os.environ.get("GOVSITES_AUDIT_KEY") or "k1:" + load_or_create_secret_key(DATA_DIR / "audit_key")
GOVSITES_AUDIT_ARCHIVE_DIR = Path(os.environ.get("GOVSITES_AUDIT_ARCHIVE_DIR") or DATA_DIR / "audit-archive")
# SEC-08: personal-data keys (docs/privacy.md), generated once beside the secret key if unset.
GOVSITES_PII_KEYS = os.environ.get("GOVSITES_PII_KEYS") or load_or_create_secret(DATA_DIR / "pii_keys", new_pii_key)
GOVSITES_PII_INDEX_KEY = os.environ.get("GOVSITES_PII_INDEX_KEY") or load_or_create_secret(
    DATA_DIR / "pii_index_key", new_pii_key
)
DEBUG = os.environ.get("GOVSITES_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("GOVSITES_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(",")

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'govsites.sqlite3'}",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the admin read while a worker writes; IMMEDIATE avoids lock-upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

MEDIA_ROOT = DATA_DIR / "media"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

GOVSITES_POLICY_PROFILE = os.environ.get("GOVSITES_POLICY_PROFILE", "national")
GOVSITES_API_BASE_URL = os.environ.get("GOVSITES_API_BASE_URL", "")
GOVSITES_FRONT_PREVIEW_URL = os.environ.get("GOVSITES_FRONT_PREVIEW_URL", "http://127.0.0.1:8001/")

# Publishing (docs/publishing.md): the build store on the admin side and the front targets.
# The embedded default publishes to one local folder that `govsites front_serve` serves.
GOVSITES_PUBLIC_URL = os.environ.get("GOVSITES_PUBLIC_URL", GOVSITES_PUBLIC_URL)  # noqa: F405
GOVSITES_PUBLISHING = {
    "BUILD_DIR": DATA_DIR / "publish",
    "TARGETS": [{"name": "local", "kind": "local", "path": str(DATA_DIR / "front")}],
    "PUBLIC_SERVICE_ORIGIN": url_origin(GOVSITES_PUBLIC_URL),  # noqa: F405
    # queue a publishing task after each content change (needs a task worker); the embedded
    # demo runs `govsites publish --watch` instead
    "ENQUEUE_TASKS": False,
}

# Notifications (deadline reminders and escalations): the embedded default writes each e-mail to a
# file under var/mail instead of needing a mail server.
EMAIL_BACKEND = os.environ.get("GOVSITES_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("GOVSITES_FROM_EMAIL", "govsites@localhost")
