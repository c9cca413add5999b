"""Settings of the public service (SEC-01): the only dynamic thing citizens talk to.

It shares the models and keys of the deployment but nothing else: its own URL set
(``govsites.public.urls``: no admin, no staff API), a minimal middleware stack (no sessions,
authentication, messages or CSRF cookie), its own WSGI entry (``govsites.public.wsgi``) and, in
production, a database role that may only read channels and write submissions
(``govsites public_db_grants``).

``GOVSITES_DEPLOYMENT`` picks the base: ``production`` (default: everything from the
environment, like ``govsites.settings.production``; ``DATABASE_URL`` should name the public
role) or ``embedded`` (one machine, beside ``make demo``). ``GOVSITES_PUBLIC_TRUSTED_PROXIES``
(comma-separated addresses or CIDR ranges) names the reverse proxies whose X-Forwarded-For is
believed. docs/public-service.md has the deployment guide.
"""

import os

from govsites.public import conf as _public

if os.environ.get("GOVSITES_DEPLOYMENT", "production") == "embedded":
    from .embedded import *  # noqa: F403
else:
    # The public service publishes nothing: it needs no front targets of its own.
    os.environ.setdefault("GOVSITES_FRONT_TARGETS", "[]")
    from .production import *  # noqa: F403

ROOT_URLCONF = "govsites.public.urls"
WSGI_APPLICATION = "govsites.public.wsgi.application"
MIDDLEWARE = list(_public.MIDDLEWARE)

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    },
]

# Small bodies only (a message is at most 5,000 characters); larger ones get 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = _public.MAX_BODY_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = _public.MAX_BODY_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
APPEND_SLASH = False
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
    },
}

GOVSITES_PUBLIC = {
    "TRUSTED_PROXIES": [
        p.strip() for p in os.environ.get("GOVSITES_PUBLIC_TRUSTED_PROXIES", "").split(",") if p.strip()
    ],
}
