"""Who is asking: the client address (behind a trusted reverse proxy) and its keyed hash.

The address itself is never stored: messages, rate counters and survey answers keep
``client_hash`` (an HMAC with the secret key), enough to count and to spot duplicates.
"""

from __future__ import annotations

import functools
import ipaddress

from django.utils.crypto import salted_hmac

from . import conf


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _parse(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(request) -> str:
    """``REMOTE_ADDR``; when the peer is a trusted proxy, the right-most address of
    ``X-Forwarded-For`` that is not itself a trusted proxy (a client cannot forge what the proxy
    appended, only what came before it)."""
    peer = request.META.get("REMOTE_ADDR", "") or ""
    trusted = _networks(tuple(conf.get("TRUSTED_PROXIES")))
    address = _parse(peer)
    if address is None or not any(address in net for net in trusted):
        return peer
    hops = [_parse(part) for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed(hops):
        if hop is None:
            break  # garbage from here on was written by the client
        if not any(hop in net for net in trusted):
            return str(hop)
    return peer


def client_hash(request) -> str:
    """Keyed hash of the client address (64 hex characters)."""
    return salted_hmac("govsites.public.client", client_ip(request), algorithm="sha256").hexdigest()
