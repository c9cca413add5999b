"""Who is acting, and from where: passed explicitly to every action.

Views build it from the request, the API from the token's request, the CLI and scheduled jobs
with :meth:`Actor.cli` / :meth:`Actor.system`. The audit trail copies it into every entry.
"""

from __future__ import annotations

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
