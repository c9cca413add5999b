"""One HTTP client per census run: politeness, timeouts, retries, redirects, size caps, decoding.

Every request returns a :class:`~govsites.monitoring.types.Fetch`; network and HTTP problems are
typed error keys on it, never exceptions, so one bad server cannot stop a census.
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import ssl
from collections import Counter
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from .. import conf
from ..html import absolute, normalize_url
from ..types import Fetch
from .content import claims_html, decode, looks_binary, parse_content_type

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: answers worth asking again before reporting them (the server or the network hiccuped)
RETRY_STATUSES = frozenset({429, 502, 503, 504})
RETRY_ERRORS = frozenset({"timeout", "connect", "protocol"})
#: errors that say the host itself does not answer: counted for the per-host circuit breaker
UNREACHABLE_ERRORS = frozenset({"timeout", "connect", "dns", "tls", "slow_body"})
#: statuses some servers give to HEAD only: the link check asks again with GET
HEAD_REFUSED = frozenset({400, 403, 405, 501})
#: body bytes read from error pages, redirects and non-HTML resources (enough to sniff, and to let
#: small bodies finish so the connection can be reused)
SNIFF_LIMIT = 64 * 1024
_RETRY_AFTER_CAP = 10.0
_RESOLVE_ENTRY = re.compile(
    r"^(?P<host>[^:\s\[\]]+):(?P<port>\d+|\*):(?P<addr>\[[0-9A-Fa-f:.]+\]|[^:\s]+)(?::(?P<to>\d+))?$"
)

ResolveMap = dict[tuple[str, int | None], tuple[str, int | None]]


def parse_resolve(entries: str | Iterable[str] | Mapping[str, str] | None) -> ResolveMap:
    """curl ``--resolve``-style overrides → ``{(host, port or None): (address, port or None)}``.

    Accepts lines ``host:port:address`` (``port`` may be ``*`` for any port; ``address`` may be
    ``[ipv6]`` and may end in ``:port`` to also change the port, as curl's ``--connect-to``), a
    text of such lines (``#`` comments allowed), or a mapping ``{"host[:port]": "address[:port]"}``.
    """
    if not entries:
        return {}
    if isinstance(entries, Mapping):
        lines = []
        for key, value in entries.items():
            host, _, port = str(key).partition(":")
            lines.append(f"{host}:{port or '*'}:{value}")
    elif isinstance(entries, str):
        lines = entries.splitlines()
    else:
        lines = list(entries)
    overrides: ResolveMap = {}
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = _RESOLVE_ENTRY.match(line)
        if match is None:
            raise ValueError(
                f"无效的解析覆盖条目 {raw.strip()!r}：应为“主机:端口:地址”或“主机:端口:地址:端口”"
            )
        port = None if match["port"] == "*" else int(match["port"])
        to = int(match["to"]) if match["to"] else None
        overrides[(match["host"].lower().rstrip("."), port)] = (match["addr"].strip("[]"), to)
    return overrides


class OverrideResolver(AbstractResolver):
    """Answers overridden hosts from the map (for http and https alike), others by normal DNS."""

    def __init__(self, overrides: ResolveMap):
        self.overrides = overrides
        self._dns: AbstractResolver | None = None

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        name = host.lower().rstrip(".")
        target = self.overrides.get((name, port)) or self.overrides.get((name, None))
        if target is None:
            if self._dns is None:
                self._dns = DefaultResolver()
            return await self._dns.resolve(host, port, family)
        address, to = target
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=to or port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
        ]

    async def close(self) -> None:
        if self._dns is not None:
            await self._dns.close()


class _Host:
    """Politeness and health of one host: its request slots, when the last request started, and
    how many unreachable answers came in a row."""

    __slots__ = ("failures", "last_detail", "last_error", "last_start", "slots")

    def __init__(self, slots: int):
        self.slots = asyncio.Semaphore(slots)
        self.last_start = float("-inf")
        self.failures = 0
        self.last_error = ""
        self.last_detail = ""


@dataclass
class _Answer:
    """One request-response exchange (a single hop of a redirect chain)."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    mime: str = ""
    charset: str = ""
    body: bytes = b""
    truncated: bool = False
    elapsed: float = 0.0
    error: str = ""
    detail: str = ""
    cookies: dict[str, str] = field(default_factory=dict)
    retry_after: float = 0.0


# what to read of a response: a page (HTML up to the page cap), nothing (HEAD), or a few KB
_PAGE, _NOTHING, _PEEK = "page", "nothing", "peek"


class Fetcher:
    """The HTTP client of one run. Use as ``async with Fetcher(...) as fetcher:``.

    Knobs default to :mod:`govsites.monitoring.conf` (see there for their meaning). ``resolve``
    takes curl-style overrides (:func:`parse_resolve`). ``validators`` is a dict-like store the
    caller may persist between runs: given one, GETs remember ETag/Last-Modified per URL and send
    them next time, and a 304 comes back as ``Fetch(not_modified=True)``.
    """

    def __init__(
        self,
        *,
        resolve: str | Iterable[str] | Mapping[str, str] | None = None,
        validators: MutableMapping[str, dict[str, str]] | None = None,
        per_host_concurrency: int | None = None,
        host_delay: float | None = None,
        concurrency: int | None = None,
        timeout: float | None = None,
        connect_timeout: float | None = None,
        max_bytes: int | None = None,
        link_check_bytes: int | None = None,
        retries: int | None = None,
        retry_backoff: float | None = None,
        max_redirects: int | None = None,
        host_failure_limit: int | None = None,
        verify_tls: bool | None = None,
        user_agent: str | None = None,
    ):
        def pick(value, key):
            return conf.get(key) if value is None else value

        self.overrides = parse_resolve(resolve)
        self.validators = validators
        self.per_host_concurrency = int(pick(per_host_concurrency, "PER_HOST_CONCURRENCY"))
        self.host_delay = float(pick(host_delay, "HOST_DELAY"))
        self.concurrency = int(pick(concurrency, "CONCURRENCY"))
        self.timeout = float(pick(timeout, "TIMEOUT"))
        self.connect_timeout = float(pick(connect_timeout, "CONNECT_TIMEOUT"))
        self.max_bytes = int(pick(max_bytes, "MAX_PAGE_BYTES"))
        self.link_check_bytes = int(pick(link_check_bytes, "LINK_CHECK_BYTES"))
        self.retries = int(pick(retries, "RETRIES"))
        self.retry_backoff = float(pick(retry_backoff, "RETRY_BACKOFF"))
        self.max_redirects = int(pick(max_redirects, "MAX_REDIRECTS"))
        self.host_failure_limit = int(pick(host_failure_limit, "HOST_FAILURE_LIMIT"))
        self.verify_tls = bool(pick(verify_tls, "VERIFY_TLS"))
        self.user_agent = str(pick(user_agent, "USER_AGENT"))
        #: requests sent, retries, HEAD→GET fallbacks, 304s, requests refused by the breaker, bytes
        self.stats: Counter[str] = Counter()
        self._hosts: dict[str, _Host] = {}
        self._session: aiohttp.ClientSession | None = None
        self._global: asyncio.Semaphore | None = None

    async def __aenter__(self) -> Fetcher:
        await self.open()
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.close()

    async def open(self) -> None:
        """Create the connection pool (inside the running event loop)."""
        if self._session is not None:
            return
        self._global = asyncio.Semaphore(self.concurrency)
        connector = aiohttp.TCPConnector(
            limit=self.concurrency,
            limit_per_host=0,
            resolver=OverrideResolver(self.overrides),
            ttl_dns_cache=300,
            ssl=None if self.verify_tls else False,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=None, connect=None, sock_connect=self.connect_timeout),
            headers={
                "User-Agent": self.user_agent,
                "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                "Accept-Language": "zh-CN,zh;q=0.9",
            },
            cookie_jar=aiohttp.DummyCookieJar(),
            max_line_size=16 * 1024,
            max_field_size=32 * 1024,
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    # -- public requests ---------------------------------------------------------------------

    async def get(self, url: str, *, conditional: bool = True) -> Fetch:
        """GET a page: HTML is decoded into ``text`` (up to the page cap), anything else is only
        sniffed. ``conditional=False`` ignores stored validators for this request."""
        return await self._fetch(url, "GET", _PAGE, conditional=conditional and self.validators is not None)

    async def check(self, url: str) -> Fetch:
        """A link check: HEAD, or GET reading a few KB when the server refuses HEAD."""
        fetch = await self._fetch(url, "HEAD", _NOTHING, conditional=False)
        if fetch.status in HEAD_REFUSED or fetch.error == "protocol":
            self.stats["head_fallbacks"] += 1
            attempts = fetch.attempts
            fetch = await self._fetch(url, "GET", _PEEK, conditional=False)
            fetch.attempts += attempts
        return fetch

    # -- retries and the circuit breaker ---------------------------------------------------------

    async def _fetch(self, url: str, method: str, mode: str, *, conditional: bool) -> Fetch:
        if self._session is None:
            await self.open()
        target = normalize_url(url)
        if target is None:
            return Fetch(
                url=url, final_url=url, attempts=0, error="invalid_url", error_detail="不是有效的网址"
            )
        host = self._host(target)
        if self.host_failure_limit and host.failures >= self.host_failure_limit:
            self.stats["refused"] += 1
            return Fetch(
                url=url,
                final_url=url,
                attempts=0,
                error=host.last_error,
                error_detail=f"未请求：该主机已连续 {host.failures} 次无法访问（{host.last_detail}）",
            )
        attempt = 0
        while True:
            attempt += 1
            fetch, retry_after = await self._follow(url, target, method, mode, conditional)
            if attempt > self.retries or not (fetch.error in RETRY_ERRORS or fetch.status in RETRY_STATUSES):
                break
            self.stats["retries"] += 1
            delay = max(self.retry_backoff * 2 ** (attempt - 1), min(retry_after, _RETRY_AFTER_CAP))
            await asyncio.sleep(delay)
        fetch.attempts = attempt
        if fetch.error in UNREACHABLE_ERRORS and fetch.status is None and not fetch.redirects:
            host.failures += 1
            host.last_error, host.last_detail = fetch.error, fetch.error_detail
        else:
            host.failures = 0
        return fetch

    def _host(self, url: str) -> _Host:
        name = urlsplit(url).hostname or ""
        host = self._hosts.get(name)
        if host is None:
            host = self._hosts[name] = _Host(self.per_host_concurrency)
        return host

    # -- redirects -------------------------------------------------------------------------------

    async def _follow(
        self, url: str, target: str, method: str, mode: str, conditional: bool
    ) -> tuple[Fetch, float]:
        """Follow a redirect chain by hand (each hop polite to its own host) → (fetch, Retry-After)."""
        fetch = Fetch(url=url, final_url=target)
        headers: dict[str, str] = {}
        stored = self.validators.get(target) if conditional and self.validators is not None else None
        if stored:
            if stored.get("etag"):
                headers["If-None-Match"] = stored["etag"]
            if stored.get("last_modified"):
                headers["If-Modified-Since"] = stored["last_modified"]
        seen: set[tuple[str, tuple]] = {(target, ())}
        cookies: dict[str, dict[str, str]] = {}
        current = target
        while True:
            jar = cookies.get(self._hostname(current))
            hop_headers = (
                {**headers, "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())} if jar else headers
            )
            answer = await self._exchange(current, method, hop_headers, mode)
            fetch.elapsed += answer.elapsed
            fetch.final_url = current
            location = answer.headers.get("location", "") if answer.status in REDIRECT_STATUSES else ""
            if not location:
                break
            nxt = absolute(location, current)
            fetch.redirects.append(current)
            if nxt is None:
                answer.error, answer.detail = "protocol", f"重定向到非网页地址：{location[:200]}"
                break
            if answer.cookies:
                cookies.setdefault(self._hostname(current), {}).update(answer.cookies)
            state = (nxt, tuple(sorted(cookies.get(self._hostname(nxt), {}).items())))
            if state in seen:  # the same URL again with the same cookies: it will never end
                answer.error, answer.detail = "redirect_loop", f"重定向循环：{nxt}"
                break
            if len(fetch.redirects) > self.max_redirects:
                answer.error, answer.detail = "too_many_redirects", f"重定向超过 {self.max_redirects} 次"
                break
            if answer.status == 303 and method != "HEAD":
                method = "GET"
            headers = {}  # validators belong to the first URL only
            seen.add(state)
            current = nxt
        self._finish(fetch, answer, target, mode, conditional)
        return fetch, answer.retry_after

    @staticmethod
    def _hostname(url: str) -> str:
        return urlsplit(url).hostname or ""

    def _finish(self, fetch: Fetch, answer: _Answer, key: str, mode: str, conditional: bool) -> None:
        """Turn the last hop's answer into the fetch's status, headers, text and error."""
        fetch.status = answer.status
        fetch.headers = answer.headers
        fetch.content_type = answer.mime
        fetch.size = len(answer.body)
        fetch.error, fetch.error_detail = answer.error, answer.detail
        if fetch.redirects and fetch.error in ("redirect_loop", "too_many_redirects", "protocol"):
            fetch.status = None  # the chain, not the last answer, is the result
            return
        if answer.status == 304 and conditional:
            fetch.not_modified = True
            self.stats["not_modified"] += 1
            return
        if mode != _PAGE or answer.status != 200 or answer.error:
            return
        claimed = claims_html(answer.mime, fetch.final_url)
        if answer.mime and not claimed:
            return  # a resource (PDF, image …), not a page: sniffed only
        if looks_binary(answer.body[:1024]):
            if claimed:
                fetch.error = "not_html"
                fetch.error_detail = f"网页地址返回了二进制内容（{answer.mime or '未声明类型'}）"
            return
        if answer.truncated:
            fetch.error = "too_large"
            fetch.error_detail = f"页面超过 {self.max_bytes} 字节，只读取了前 {self.max_bytes} 字节"
        fetch.text, fetch.encoding = decode(answer.body, answer.charset)
        if self.validators is not None and not answer.truncated:
            etag, modified = answer.headers.get("etag", ""), answer.headers.get("last-modified", "")
            if etag or modified:
                self.validators[key] = {"etag": etag, "last_modified": modified}

    # -- one exchange ------------------------------------------------------------------------------

    async def _acquire(self, host: _Host) -> None:
        """Take one of the host's slots and a global slot, no sooner than ``host_delay`` after the
        previous request to that host started (the global slot is not held while waiting)."""
        await host.slots.acquire()
        loop = asyncio.get_running_loop()
        assert self._global is not None
        try:
            while True:
                wait = host.last_start + self.host_delay - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                    continue
                await self._global.acquire()
                now = loop.time()
                if host.last_start + self.host_delay <= now:
                    host.last_start = now
                    return
                self._global.release()  # another request to this host started while we waited
        except BaseException:
            host.slots.release()
            raise

    async def _exchange(self, url: str, method: str, headers: dict[str, str], mode: str) -> _Answer:
        host = self._host(url)
        await self._acquire(host)
        assert self._session is not None and self._global is not None
        loop = asyncio.get_running_loop()
        answer = _Answer()
        started = loop.time()
        self.stats["requests"] += 1
        try:
            async with asyncio.timeout(self.timeout):
                async with self._session.request(method, url, headers=headers, allow_redirects=False) as resp:
                    answer.status = resp.status
                    answer.headers = {k.lower(): v for k, v in resp.headers.items()}
                    answer.mime, answer.charset = parse_content_type(answer.headers.get("content-type", ""))
                    if resp.status in REDIRECT_STATUSES:
                        answer.cookies = _set_cookies(resp.headers.getall("Set-Cookie", ()))
                    if resp.status in RETRY_STATUSES:
                        answer.retry_after = _retry_after(answer.headers.get("retry-after", ""))
                    limit = self._limit(mode, method, resp.status, answer.mime, url)
                    if limit:
                        answer.body, answer.truncated = await _read(resp, limit)
                        if answer.truncated:
                            resp.close()
        except aiohttp.ClientConnectorDNSError as exc:
            answer.error, answer.detail = "dns", _describe(exc)
        except (aiohttp.ClientConnectorCertificateError, aiohttp.ClientSSLError, ssl.SSLError) as exc:
            answer.error, answer.detail = "tls", _describe(exc)
        except aiohttp.ClientConnectorError as exc:
            answer.error, answer.detail = "connect", _describe(exc)
        except aiohttp.ConnectionTimeoutError:
            answer.error, answer.detail = "timeout", f"{self.connect_timeout:g} 秒内未能建立连接"
        except TimeoutError:
            if answer.status is None:
                answer.error, answer.detail = "timeout", f"{self.timeout:g} 秒内无响应"
            else:
                answer.error, answer.detail = "slow_body", f"{self.timeout:g} 秒内未传完页面内容"
        except aiohttp.InvalidURL as exc:
            answer.error, answer.detail = "invalid_url", _describe(exc)
        except aiohttp.ClientOSError as exc:
            answer.error = "connect" if answer.status is None else "protocol"
            answer.detail = _describe(exc)
        except aiohttp.ClientError as exc:
            answer.error, answer.detail = "protocol", _describe(exc)
        except (ValueError, UnicodeError) as exc:
            answer.error, answer.detail = "invalid_url", _describe(exc)
        except OSError as exc:
            answer.error, answer.detail = "connect", _describe(exc)
        finally:
            answer.elapsed = loop.time() - started
            self._global.release()
            host.slots.release()
        self.stats["bytes"] += len(answer.body)
        return answer

    def _limit(self, mode: str, method: str, status: int, mime: str, url: str) -> int:
        """How many body bytes to read for this response (0: none)."""
        if method == "HEAD" or mode == _NOTHING:
            return 0
        if mode == _PEEK:
            return self.link_check_bytes
        if status == 200 and (not mime or claims_html(mime, url)):
            return self.max_bytes
        return SNIFF_LIMIT


async def _read(resp: aiohttp.ClientResponse, limit: int) -> tuple[bytes, bool]:
    """Read at most ``limit`` body bytes → (body, whether more was left unread)."""
    chunks: list[bytes] = []
    size = 0
    stream = resp.content
    while True:
        chunk = await stream.readany()
        if not chunk:
            return b"".join(chunks), False
        size += len(chunk)
        if size > limit:
            chunks.append(chunk[: len(chunk) - (size - limit)])
            return b"".join(chunks), True
        chunks.append(chunk)


def _set_cookies(values: Iterable[str]) -> dict[str, str]:
    """``name=value`` pairs of Set-Cookie headers (attributes ignored): carried along one redirect
    chain, as a browser would, so cookie-check redirects do not look like loops."""
    cookies = {}
    for value in values:
        pair = value.split(";", 1)[0]
        name, sep, val = pair.partition("=")
        if sep and name.strip():
            cookies[name.strip()] = val.strip()
    return cookies


def _retry_after(value: str) -> float:
    try:
        return max(0.0, float(value))
    except ValueError:
        return 0.0


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text[:300]
