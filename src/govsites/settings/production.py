"""Production settings: every value comes from the environment; nothing has a usable default.

Required: ``GOVSITES_SECRET_KEY``, ``GOVSITES_AUDIT_KEY``, ``GOVSITES_PII_KEYS``, ``GOVSITES_PII_INDEX_KEY``, ``DATABASE_URL``,
``GOVSITES_ALLOWED_HOSTS``,
``GOVSITES_FRONT_TARGETS`` (JSON list of front targets, docs/publishing.md#front-targets).
Optional: ``GOVSITES_MEDIA_ROOT``/``GOVSITES_STATIC_ROOT`` (local folders) or
``GOVSITES_STORAGE_BACKEND`` (a Django storage class, e.g. an S3-compatible one),
``GOVSITES_TASK_BACKEND`` (defaults to the database queue), ``GOVSITES_POLICY_PROFILE``,
``GOVSITES_PUBLIC_URL`` (the public service the static pages' forms post to).
"""

import json
import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def require(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Environment variable {name} is required in production.")
    return value


SECRET_KEY = require("GOVSITES_SECRET_KEY")
# SEC-03: HMAC keys of the audit chain, "id:secret,…" newest first (docs/audit.md)
GOVSITES_AUDIT_KEY = require("GOVSITES_AUDIT_KEY")
GOVSITES_AUDIT_ARCHIVE_DIR = os.environ.get("GOVSITES_AUDIT_ARCHIVE_DIR", "/var/lib/govsites/audit-archive")
# SEC-08: personal-data encryption keys ("id:base64key,…", first = current) and the blind-index
# key, apart from SECRET_KEY (docs/privacy.md).
GOVSITES_PII_KEYS = require("GOVSITES_PII_KEYS")
GOVSITES_PII_INDEX_KEY = require("GOVSITES_PII_INDEX_KEY")
DEBUG = False
ALLOWED_HOSTS = [h.strip() for h in require("GOVSITES_ALLOWED_HOSTS").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("GOVSITES_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
DATABASES = {"default": dj_database_url.parse(require("DATABASE_URL"), conn_max_age=60)}

MEDIA_ROOT = os.environ.get("GOVSITES_MEDIA_ROOT", "/var/lib/govsites/media")
STATIC_ROOT = os.environ.get("GOVSITES_STATIC_ROOT", "/var/lib/govsites/static")
STORAGES = {
    "default": {
        "BACKEND": os.environ.get("GOVSITES_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": os.environ.get("GOVSITES_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

GOVSITES_POLICY_PROFILE = os.environ.get("GOVSITES_POLICY_PROFILE", "national")
WAGTAILADMIN_BASE_URL = os.environ.get("GOVSITES_ADMIN_BASE_URL", "")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = os.environ.get("GOVSITES_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# SEC-02: the startup check refuses weak/default passwords and admins without a second factor;
# GOVSITES_ADMIN_ALLOWED_NETWORKS (comma-separated CIDR) limits who reaches /admin/ and /api/.
GOVSITES_ENFORCE_ACCOUNT_CHECKS = True
GOVSITES_ADMIN_ALLOWED_NETWORKS = [
    n.strip() for n in os.environ.get("GOVSITES_ADMIN_ALLOWED_NETWORKS", "").split(",") if n.strip()
]
# Preloading commits every subdomain of the admin's domain to HTTPS for good: opt in only.
SECURE_HSTS_PRELOAD = os.environ.get("GOVSITES_HSTS_PRELOAD", "0") == "1"
# ``__Host-`` cookies: HTTPS only, this host only (no Domain attribute), path / — a sibling
# host under the same government domain can neither read nor plant them.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

def front_targets() -> list:
    raw = require("GOVSITES_FRONT_TARGETS")
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"GOVSITES_FRONT_TARGETS is not valid JSON: {exc}") from exc


# Publishing: GOVSITES_PUBLISH_DIR is the build store on the admin/worker host;
# GOVSITES_FRONT_TARGETS is a JSON list of targets (docs/publishing.md#front-targets), e.g.
# [{"name": "front1", "kind": "rsync", "destination": "deploy@10.0.0.5:/srv/govsites/front"}]
# The public service the static pages' forms post to (e.g. https://hd.example.gov.cn); without
# it the interaction pages show their columns without forms.
GOVSITES_PUBLIC_URL = os.environ.get("GOVSITES_PUBLIC_URL", "")
GOVSITES_PUBLISHING = {
    "BUILD_DIR": os.environ.get("GOVSITES_PUBLISH_DIR", "/var/lib/govsites/publish"),
    "TARGETS": front_targets(),
    "PUBLIC_SERVICE_ORIGIN": url_origin(GOVSITES_PUBLIC_URL),  # noqa: F405
    "ENQUEUE_TASKS": True,
}

# Notifications (deadline reminders and escalations) through the organisation's mail relay.
EMAIL_HOST = os.environ.get("GOVSITES_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("GOVSITES_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("GOVSITES_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("GOVSITES_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("GOVSITES_EMAIL_TLS", "0") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("GOVSITES_FROM_EMAIL", "govsites@localhost")
