"""Who is acting, and from where: passed explicitly to every action.

Views build it from the request, the API from the token's request, the CLI and scheduled jobs
with :meth:`Actor.cli` / :meth:`Actor.system`. The audit trail copies it into every entry.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Actor:
    user: object | None
    ip_address: str | None = None
    user_agent: str = ""
    via: str = "web"

    @classmethod
    def from_request(cls, request: HttpRequest, via: str = "web", user=None) -> Actor:
        return cls(
            user=user if user is not None else getattr(request, "user", None),
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:500],
            via=via,
        )

    @classmethod
    def cli(cls, user) -> Actor:
        return cls(user=user, via="cli")

    @classmethod
    def system(cls) -> Actor:
        return cls(user=None, via="system")

    @property
    def authenticated_user(self):
        user = self.user
        if user is not None and getattr(user, "is_authenticated", False):
            return user
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The peer address. Proxies are trusted only through Django's SECURE_PROXY_SSL_HEADER setup,
    so ``X-Forwarded-For`` is ignored here: a forged header must not forge the audit trail."""
    return request.META.get("REMOTE_ADDR") or None


# -- the request being served ---------------------------------------------------------------------
# Set by :class:`govsites.audit.middleware.AuditMiddleware` for every request: entries Wagtail
# writes itself take their origin from it, and the middleware learns whether the request wrote any
# entry (if not, and it changed something, it writes a generic one).


@dataclass
class RequestAudit:
    origin: Actor
    entries: int = 0


_request: ContextVar[RequestAudit | None] = ContextVar("govsites_audit_request", default=None)


def begin_request(origin: Actor) -> tuple[RequestAudit, Token]:
    state = RequestAudit(origin=origin)
    return state, _request.set(state)


def end_request(token: Token) -> None:
    _request.reset(token)


def current_origin() -> Actor | None:
    state = _request.get()
    return state.origin if state is not None else None


def entry_written() -> None:
    state = _request.get()
    if state is not None:
        state.entries += 1
