"""Which look-alike domains exist: asynchronous A/AAAA/MX/NS look-ups with dnspython.

A scan resolves hundreds of candidates per estate site, so look-ups run concurrently under a
semaphore, each bounded by a per-server timeout and a total lifetime. The A query goes first:
most candidates are NXDOMAIN and cost a single query. Nameservers are the system's unless given
(an internal resolver, or a test server on 127.0.0.1 with its own port).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import dns.asyncresolver
import dns.exception
import dns.name
import dns.nameserver
import dns.resolver

RECORD_TYPES = ("A", "AAAA", "MX", "NS")


class ResolverUnavailable(RuntimeError):
    """No nameserver to ask (no system configuration and none given)."""


@dataclass(frozen=True)
class Resolution:
    """What DNS says about one name. ``error``: ``nxdomain``, ``timeout``, ``servfail`` or
    ``invalid`` (not a resolvable name); empty when the look-ups completed."""

    domain: str
    a: tuple[str, ...] = ()
    aaaa: tuple[str, ...] = ()
    mx: tuple[str, ...] = ()
    ns: tuple[str, ...] = ()
    error: str = ""

    @property
    def registered(self) -> bool:
        """Any record at all: the name is in use, even if parked without a web server."""
        return bool(self.a or self.aaaa or self.mx or self.ns)

    @property
    def addresses(self) -> tuple[str, ...]:
        return self.a + self.aaaa


def _texts(answer: dns.resolver.Answer, rdtype: str) -> tuple[str, ...]:
    if answer.rrset is None:
        return ()
    if rdtype == "MX":
        values = (r.exchange.to_text(omit_final_dot=True) for r in answer.rrset)
    elif rdtype == "NS":
        values = (r.target.to_text(omit_final_dot=True) for r in answer.rrset)
    else:
        values = (r.address for r in answer.rrset)
    return tuple(sorted(set(values)))


class DomainResolver:
    """Resolves candidate domains; one instance per scan (it holds the concurrency limit).

    ``nameservers``: IP addresses to ask (default: the system's ``resolv.conf``); ``port`` for
    them; ``timeout`` per query and server, ``lifetime`` per record type in total (seconds);
    ``concurrency`` names resolved at once.
    """

    def __init__(
        self,
        nameservers: Sequence[str] | None = None,
        *,
        port: int = 53,
        timeout: float = 2.0,
        lifetime: float = 5.0,
        concurrency: int = 50,
        record_types: Sequence[str] = RECORD_TYPES,
    ) -> None:
        if nameservers:
            resolver = dns.asyncresolver.Resolver(configure=False)
            resolver.nameservers = [dns.nameserver.Do53Nameserver(ns, port) for ns in nameservers]
        else:
            try:
                resolver = dns.asyncresolver.Resolver(configure=True)
            except dns.resolver.NoResolverConfiguration as exc:
                raise ResolverUnavailable("系统未配置DNS服务器，请指定用于检测的DNS服务器地址。") from exc
        resolver.timeout = timeout
        resolver.lifetime = lifetime
        resolver.cache = None  # every scan asks afresh: a look-alike may appear at any time
        self._resolver = resolver
        self._record_types = tuple(t for t in RECORD_TYPES if t in set(record_types)) or ("A",)
        self._concurrency = max(1, concurrency)
        self._limit = asyncio.Semaphore(self._concurrency)

    async def _query(self, name: str, rdtype: str) -> tuple[str, ...]:
        answer = await self._resolver.resolve(name, rdtype, search=False, raise_on_no_answer=False)
        return _texts(answer, rdtype)

    async def resolve(self, domain: str) -> Resolution:
        """Never raises for DNS trouble: failures come back as ``Resolution.error``."""
        name = domain.rstrip(".") + "."
        found: dict[str, tuple[str, ...]] = {}
        async with self._limit:
            try:
                first, *others = self._record_types
                found[first] = await self._query(name, first)
                if others:
                    answers = await asyncio.gather(*(self._query(name, t) for t in others), return_exceptions=True)
                    for rdtype, answer in zip(others, answers, strict=True):
                        if isinstance(answer, BaseException):
                            if not isinstance(answer, dns.exception.DNSException):
                                raise answer
                            continue  # one record type failing does not hide the others
                        found[rdtype] = answer
            except dns.resolver.NXDOMAIN:
                return Resolution(domain, error="nxdomain")
            except dns.exception.Timeout:
                return Resolution(domain, error="timeout")
            except dns.resolver.NoNameservers:
                return Resolution(domain, error="servfail")
            except (dns.name.NameTooLong, dns.name.LabelTooLong, dns.name.EmptyLabel, UnicodeError):
                return Resolution(domain, error="invalid")
            except dns.exception.DNSException:
                return Resolution(domain, error="servfail")
        return Resolution(
            domain, a=found.get("A", ()), aaaa=found.get("AAAA", ()), mx=found.get("MX", ()), ns=found.get("NS", ())
        )

    async def resolve_many(self, domains: Iterable[str]) -> dict[str, Resolution]:
        """Resolve every name once, in input order; a fixed pool of workers rather than one task
        per name, since an estate-wide scan has hundreds of thousands of candidates."""
        unique = list(dict.fromkeys(domains))
        results: dict[str, Resolution] = {}
        queue = iter(unique)

        async def worker() -> None:
            for domain in queue:
                results[domain] = await self.resolve(domain)

        await asyncio.gather(*(worker() for _ in range(min(self._concurrency, len(unique)))))
        return {domain: results[domain] for domain in unique}
