"""The public service's knobs and its middleware stack.

Pure constants and a settings accessor (no model imports), so that ``govsites.settings.public``
and the tests can both use them.
"""

from __future__ import annotations

from typing import Any

#: the whole middleware stack of the public service: no sessions, authentication, messages or
#: CSRF cookie (static pages post across origins; the signed one-time challenge token protects
#: the forms instead)
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "govsites.public.guard.InputGuardMiddleware",
    "csp.middleware.CSPMiddleware",
    "govsites.security.headers.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

#: request bodies larger than this are refused with 413 before they are read
MAX_BODY_BYTES = 64 * 1024

DEFAULTS: dict[str, Any] = {
    # peers (addresses or CIDR ranges) whose X-Forwarded-For is believed (the reverse proxy)
    "TRUSTED_PROXIES": [],
    # seconds a challenge (and with it a form) stays valid
    "CHALLENGE_MAX_AGE": 600,
    # wrong challenge answers per client address and rate window before 429
    "CHALLENGE_FAILURES_PER_ADDRESS": 30,
    # failed case lookups (unknown case or wrong query code) per client address and rate window
    "LOOKUP_FAILURES_PER_ADDRESS": 20,
}


def get(name: str) -> Any:
    """``settings.GOVSITES_PUBLIC[name]``, or the default above."""
    from django.conf import settings

    return (getattr(settings, "GOVSITES_PUBLIC", None) or {}).get(name, DEFAULTS[name])
