"""The catch-all of the audit trail (SEC-03 "every admin-side action").

For every admin or API request it makes the request's origin (user, address, user agent) known
to entries written without an :class:`Actor` (Wagtail's own ``log()`` calls). When such a request
changed something — an unsafe method answered below 400, other than a form shown again with
its errors — and nothing wrote an audit entry while
serving it, a generic ``admin.request`` entry records the path, view, method, status and the
object ids of the URL. A download (``Content-Disposition: attachment``) that wrote no entry gets an
``admin.download`` entry. The request body is never recorded.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from . import context
from .context import Actor
from .log import record_event

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PREFIXES = ("/admin/", "/api/")


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(PREFIXES):
            return self.get_response(request)
        via = "api" if request.path.startswith("/api/") else "web"
        state, token = context.begin_request(_LazyOrigin(request, via))
        try:
            response = self.get_response(request)
            if state.entries == 0 and response.status_code < 400:
                if request.method in UNSAFE and not _refused_form(response):
                    self.write(request, response, "admin.request", via)
                elif _is_download(response):
                    self.write(request, response, "admin.download", via)
        finally:
            context.end_request(token)
        return response

    def write(self, request, response, action: str, via: str) -> None:
        match = getattr(request, "resolver_match", None)
        ids = {k: str(v) for k, v in (match.kwargs if match else {}).items()}
        if match and match.args:
            ids["args"] = [str(a) for a in match.args]
        user = _user(request)
        data = {
            "path": request.path[:500],
            "method": request.method,
            "status": response.status_code,
            "view": (match.view_name if match else "")[:200],
            "objects": ids,
        }
        if action == "admin.download":
            data["file"] = response.get("Content-Disposition", "")[:300]
            data["content_type"] = response.get("Content-Type", "")[:100]
        user_ct = ContentType.objects.get_for_model(user) if user is not None else None
        record_event(
            Actor.from_request(request, via=via, user=user),
            action,
            f"{request.method} {request.path}"[:500],
            content_type=user_ct,
            object_id=str(user.pk) if user is not None else "",
            data=data,
        )


def _user(request):
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    auth = getattr(request, "auth", None)  # django-ninja: the token's user
    user = getattr(auth, "user", None)
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _refused_form(response) -> bool:
    """A form shown again with its errors (Django's answer to an invalid POST): nothing changed."""
    context = getattr(response, "context_data", None) or {}
    return any(
        getattr(value, "is_bound", False) and getattr(value, "errors", None)
        for value in context.values() if hasattr(value, "is_bound")
    )


def _is_download(response) -> bool:
    return response.get("Content-Disposition", "").lower().startswith("attachment")


class _LazyOrigin(Actor):
    """The request's origin, read when an entry needs it (the user is known only once the
    authentication middleware and the view's own authentication ran)."""

    def __init__(self, request, via: str):
        object.__setattr__(self, "_request", request)
        base = Actor.from_request(request, via=via, user=None)
        object.__setattr__(self, "ip_address", base.ip_address)
        object.__setattr__(self, "user_agent", base.user_agent)
        object.__setattr__(self, "via", via)

    @property
    def user(self):
        return _user(self._request)
