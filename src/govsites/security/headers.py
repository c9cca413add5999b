"""Security headers of the admin side (the published fronts get theirs from
:mod:`govsites.publishing.frontserver` / :mod:`govsites.publishing.nginx`).

Django sends HSTS, nosniff, Referrer-Policy, Cross-Origin-Opener-Policy and X-Frame-Options
itself; django-csp sends the Content-Security-Policy built from ``CONTENT_SECURITY_POLICY``. Two
things are missing there, and live here:

- ``Permissions-Policy``: Django has no setting for it; the admin needs none of the powerful
  browser features, so they are all switched off (a stolen session cannot turn on the camera);
- Wagtail's chooser widgets set up without inline scripts (:mod:`.csp`, installed on import);
- one rule tying the CSP ``frame-ancestors`` to ``X-Frame-Options``: the policy says ``'none'``,
  but a view that Django's ``xframe_options_sameorigin`` marks as frameable by the admin itself
  (Wagtail's page preview inside the editor) must get ``'self'`` too, or the browser (which
  prefers ``frame-ancestors`` to ``X-Frame-Options``) would refuse it.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts

from . import csp as _csp_widgets

_csp_widgets.install()  # Wagtail's choosers without inline scripts, before anything renders

#: every feature a browser can gate; none is needed by the admin
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen",
        "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment", "picture-in-picture",
        "publickey-credentials-get", "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
        "interest-cohort", "browsing-topics",
    )
)


#: the script every page with a Draftail rich-text editor loads (see ``AdminCSPMiddleware``)
DRAFTAIL_MARKER = b"wagtailadmin/js/draftail.js"


def has_rich_text_editor(response) -> bool:
    if getattr(response, "streaming", False) or not response.get("Content-Type", "").startswith("text/html"):
        return False
    return DRAFTAIL_MARKER in response.content


class AdminCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with two view-scoped exceptions, decided from the response:

    - a response Django marked ``X-Frame-Options: SAMEORIGIN`` gets ``frame-ancestors 'self'``
      instead of the policy's ``'none'``;
    - a page with a Draftail rich-text editor gets ``style-src-elem 'self' 'unsafe-inline'``:
      Draftail (Wagtail 8) renders ``<style>`` elements for its placeholders (text that embeds
      the editor's per-block keys, so no hash can allow it) and nested list numbering. Only
      ``<style>`` elements on those pages: scripts stay ``'self'`` and ``style=""`` attributes
      stay blocked (``style-src``) everywhere."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        replace = dict(parts.replace or {})
        if response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
            replace["frame-ancestors"] = ["'self'"]
        if has_rich_text_editor(response):
            replace["style-src-elem"] = ["'self'", "'unsafe-inline'"]
        parts.replace = replace or None
        return parts


class PermissionsPolicyMiddleware:
    """Adds ``Permissions-Policy`` (``settings.GOVSITES_PERMISSIONS_POLICY``) unless the view set one."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.value = getattr(settings, "GOVSITES_PERMISSIONS_POLICY", PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.value and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.value
        return response
