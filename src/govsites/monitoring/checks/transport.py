"""Transport checks of a site's host: HTTPS offered and enforced, a valid certificate, IPv6.

What counts:

- ``https_missing`` — ``https://host/`` gives no HTTP answer (refused, timed out, TLS handshake
  failed; any status code counts as an answer, certificate trouble is the next check's), reason
  ``no_https``; or it does, but ``http://host/`` still serves the page instead of redirecting to
  an ``https://`` URL (plain-HTTP hops are followed up to ``max_redirects``), reason
  ``no_redirect``. A host that does not listen on port 80 at all is fine: nothing is served in
  clear text.
- ``certificate_invalid`` — one observation per host listing every reason: ``expired``,
  ``not_yet_valid``, ``expiring`` (fewer than ``expiry_days`` left), ``hostname_mismatch``
  (subjectAltName, or the CN when there is none; ``*.`` matches one label), ``self_signed`` /
  ``untrusted`` (the chain does not lead to the trust store), ``tls_error`` (no handshake even
  without verification). Dates are judged against :func:`govsites.clock.now`, not the machine's
  clock, and the trust store can be replaced (``cafile``/``cadata``) so tests use their own CA.
- ``ipv6_unreachable`` — the host has no AAAA address (reason ``no_aaaa``), or none of its IPv6
  addresses gives an HTTP answer (``connect_failed``). Run it from a machine with IPv6
  connectivity: without IPv6 support the check reports nothing.

Requests are raw HTTP/1.1 over asyncio streams (the peer certificate is needed anyway). ``resolve``
takes the crawler's curl-style overrides (``{"host": "127.0.0.1"}``, ``"host:443:[::1]:8443"``),
so internal DNS and tests pin hosts to addresses; an override pins *all* of a host's addresses
(an IPv4-only override means "no AAAA"). Every timeout is a parameter; the default is the
indicator's 15 s (profile key ``monitoring.probe_timeout_seconds``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import logging
import socket
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from cryptography import x509
from cryptography.x509.oid import ExtensionOID, NameOID

from govsites import clock
from govsites.monitoring.crawler.fetch import ResolveMap, parse_resolve
from govsites.monitoring.types import Observation, SiteFacts

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 15.0  # profile key monitoring.probe_timeout_seconds
DEFAULT_EXPIRY_DAYS = 30
DEFAULT_MAX_REDIRECTS = 5
HEAD_LIMIT = 64 * 1024
USER_AGENT = "govsites-monitor/1"

_NO_CHECK_TIME = 0x200000  # OpenSSL X509_V_FLAG_NO_CHECK_TIME: validity dates are ours to judge
_TIME_ERRORS = {9, 10}  # X509_V_ERR_CERT_NOT_YET_VALID, X509_V_ERR_CERT_HAS_EXPIRED
_SELF_SIGNED = {18, 19}  # DEPTH_ZERO_SELF_SIGNED_CERT, SELF_SIGNED_CERT_IN_CHAIN
_ERROR_WORDS = {
    "timeout": "连接超时", "connect": "无法连接", "dns": "域名无法解析", "tls": "TLS握手失败",
    "certificate": "证书校验失败", "protocol": "响应不是有效的HTTP",
}

Resolve = str | Iterable[str] | Mapping[str, str] | None


@dataclass
class _Reply:
    status: int | None = None
    location: str = ""
    certificate: bytes = b""  # the peer's leaf certificate (DER), https only
    error: str = ""
    detail: str = ""
    code: int | None = None  # OpenSSL verify code of a certificate error


def _url(scheme: str, host: str, port: int) -> str:
    default = 443 if scheme == "https" else 80
    name = f"[{host}]" if ":" in host else host
    return f"{scheme}://{name}/" if port == default else f"{scheme}://{name}:{port}/"


def _target(overrides: ResolveMap, host: str, port: int) -> tuple[str, int] | None:
    pinned = overrides.get((host.lower().rstrip("."), port)) or overrides.get((host.lower().rstrip("."), None))
    return (pinned[0], pinned[1] or port) if pinned else None


def _unverified() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _verifying(cafile: str | None, cadata: str | None) -> ssl.SSLContext:
    """Chain trust only: names and dates are checked separately (against ``clock.now``)."""
    context = ssl.create_default_context(cafile=cafile, cadata=cadata)
    context.check_hostname = False
    try:
        context.verify_flags |= _NO_CHECK_TIME
    except (ValueError, OverflowError):  # older OpenSSL: time errors are filtered out below instead
        pass
    return context


def _parse_head(head: bytes) -> tuple[int | None, str]:
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        return None, ""
    location = next((line.split(":", 1)[1].strip() for line in lines[1:]
                     if line.lower().startswith("location:")), "")
    return int(parts[1]), location


async def _talk(
    url: str,
    *,
    timeout: float,
    overrides: ResolveMap,
    address: tuple[str, int] | None = None,
    context: ssl.SSLContext | None = None,
    send_request: bool = True,
) -> _Reply:
    """Connect (TLS for https), optionally GET the URL and read the status line and headers.
    Never raises for network trouble: it comes back as ``_Reply.error``."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    target, target_port = address or _target(overrides, host, port) or (host, port)
    reply = _Reply()
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(
                target, target_port, ssl=(context or _unverified()) if secure else None,
                server_hostname=host if secure else None, limit=HEAD_LIMIT,
            )
            try:
                if secure:
                    reply.certificate = writer.get_extra_info("ssl_object").getpeercert(binary_form=True) or b""
                if send_request:
                    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                    writer.write(
                        f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUser-Agent: {USER_AGENT}\r\n"
                        f"Accept: */*\r\nConnection: close\r\n\r\n".encode("latin-1", errors="replace")
                    )
                    await writer.drain()
                    reply.status, reply.location = _parse_head(await reader.readuntil(b"\r\n\r\n"))
                    if reply.status is None:
                        reply.error, reply.detail = "protocol", "no HTTP status line"
            finally:
                writer.close()
    except TimeoutError:
        reply.error, reply.detail = "timeout", f"no answer within {timeout:g} s"
    except ssl.SSLCertVerificationError as exc:
        reply.error, reply.detail, reply.code = "certificate", exc.verify_message or str(exc), exc.verify_code
    except ssl.SSLError as exc:
        reply.error, reply.detail = "tls", exc.reason or str(exc)
    except socket.gaierror as exc:
        reply.error, reply.detail = "dns", str(exc)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, UnicodeError) as exc:
        reply.error, reply.detail = "protocol", type(exc).__name__
    except OSError as exc:
        reply.error, reply.detail = "connect", exc.strerror or str(exc)
    reply.detail = reply.detail[:300]
    return reply


# -- https_missing ----------------------------------------------------------------------------------

async def check_https(
    host: str,
    *,
    https_port: int = 443,
    http_port: int = 80,
    timeout: float = DEFAULT_TIMEOUT,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    resolve: Resolve = None,
) -> list[Observation]:
    overrides = parse_resolve(resolve)
    https_url = _url("https", host, https_port)
    secure = await _talk(https_url, timeout=timeout, overrides=overrides)
    if secure.error:
        return [Observation(
            check="https_missing", url=https_url, target=https_url,
            evidence=f"HTTPS无法访问（{_ERROR_WORDS.get(secure.error, secure.error)}：{secure.detail}）",
            detail={"reason": "no_https", "error": secure.error, "error_detail": secure.detail},
        )]
    start = url = _url("http", host, http_port)
    hops: list[str] = []
    reply = _Reply()
    for _ in range(max_redirects + 1):
        reply = await _talk(url, timeout=timeout, overrides=overrides)
        if reply.error:
            return []  # nothing is served over plain HTTP
        if not (300 <= (reply.status or 0) < 400 and reply.location):
            break
        url = urljoin(url, reply.location)
        hops.append(url)
        scheme = urlsplit(url).scheme.lower()
        if scheme == "https":
            return []
        if scheme != "http":
            break
    return [Observation(
        check="https_missing", url=start, target=start,
        evidence=f"HTTP访问未跳转到HTTPS（{url} 返回状态码 {reply.status}）",
        detail={"reason": "no_redirect", "status": reply.status, "final_url": url, "redirects": hops},
    )]


# -- certificate_invalid ----------------------------------------------------------------------------

def certificate_names(cert: x509.Certificate) -> list[str]:
    """The names a certificate is valid for: subjectAltName DNS names and IPs, else the CN."""
    try:
        san = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
    except x509.ExtensionNotFound:
        return [str(a.value).lower() for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    names = [n.lower() for n in san.get_values_for_type(x509.DNSName)]
    return names + [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]


def host_matches(host: str, names: Iterable[str]) -> bool:
    host = host.lower().rstrip(".")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    for name in names:
        if ip is not None:
            if name == str(ip):
                return True
        elif name == host or (name.startswith("*.") and "." in host and host.split(".", 1)[1] == name[2:]):
            return True
    return False


def _day(moment: dt.datetime) -> str:
    return clock.local(moment).date().isoformat()


async def check_certificate(
    host: str,
    *,
    port: int = 443,
    timeout: float = DEFAULT_TIMEOUT,
    expiry_days: int = DEFAULT_EXPIRY_DAYS,
    cafile: str | None = None,
    cadata: str | None = None,
    now: dt.datetime | None = None,
    resolve: Resolve = None,
) -> list[Observation]:
    """``cafile``/``cadata`` (PEM) replace the system trust store; ``now`` defaults to ``clock.now()``."""
    overrides = parse_resolve(resolve)
    url = _url("https", host, port)
    target = f"{host}:{port}"
    seen = await _talk(url, timeout=timeout, overrides=overrides, send_request=False)
    if seen.error in ("timeout", "connect", "dns"):
        return []  # no HTTPS at all: that is check_https's finding
    evidence: list[str] = []
    detail: dict = {"reasons": []}

    def add(reason: str, text: str) -> None:
        detail["reasons"].append(reason)
        evidence.append(text)

    try:
        cert = x509.load_der_x509_certificate(seen.certificate) if not seen.error else None
    except ValueError:
        cert = None
    if cert is None:
        add("tls_error", f"HTTPS握手失败或证书无法读取（{seen.detail or '证书格式错误'}）")
    else:
        now = now or clock.now()
        not_before, not_after = cert.not_valid_before_utc, cert.not_valid_after_utc
        names = certificate_names(cert)
        days_left = (not_after - now).days
        detail.update(subject=cert.subject.rfc4514_string(), issuer=cert.issuer.rfc4514_string(), names=names,
                      not_before=not_before.isoformat(), not_after=not_after.isoformat(), days_left=days_left)
        if now < not_before:
            add("not_yet_valid", f"证书尚未生效（{_day(not_before)} 起生效）")
        elif now > not_after:
            add("expired", f"证书已于 {_day(not_after)} 过期")
        elif not_after - now < dt.timedelta(days=expiry_days):
            add("expiring", f"证书将于 {_day(not_after)} 过期（剩余 {days_left} 天）")
        if not host_matches(host, names):
            add("hostname_mismatch", f"证书适用的域名（{'、'.join(names) or '无'}）与网站域名 {host} 不符")
        trusted = await _talk(url, timeout=timeout, overrides=overrides, context=_verifying(cafile, cadata),
                              send_request=False)
        if trusted.error == "certificate" and trusted.code not in _TIME_ERRORS:
            detail["verify_message"] = trusted.detail
            if trusted.code in _SELF_SIGNED:
                add("self_signed", "证书为自签名证书，不受浏览器信任")
            else:
                add("untrusted", f"证书不受信任（{trusted.detail}）")
    if not evidence:
        return []
    return [Observation(check="certificate_invalid", url=url, target=target, evidence="；".join(evidence),
                        detail=detail)]


# -- ipv6_unreachable -------------------------------------------------------------------------------

async def _ipv6_addresses(host: str, port: int, timeout: float) -> list[str]:
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return [host] if ip.version == 6 else []
    try:
        async with asyncio.timeout(timeout):
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, family=socket.AF_INET6,
                                                                 type=socket.SOCK_STREAM)
    except (OSError, TimeoutError):
        return []
    found = (info[4][0] for info in infos)
    return list(dict.fromkeys(a for a in found if not ipaddress.IPv6Address(a.split("%")[0]).ipv4_mapped))


async def check_ipv6(url: str, *, timeout: float = DEFAULT_TIMEOUT, resolve: Resolve = None) -> list[Observation]:
    """``url`` is the site's home page (its scheme and port are used over IPv6 too)."""
    if not socket.has_ipv6:
        logger.warning("IPv6 check skipped: this Python has no IPv6 support")
        return []
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    overrides = parse_resolve(resolve)
    pinned = _target(overrides, host, port)
    if pinned is not None:
        candidates = [(pinned[0], pinned[1])] if ":" in pinned[0] else []
    else:
        candidates = [(a, port) for a in await _ipv6_addresses(host, port, timeout)]
    if not candidates:
        return [Observation(check="ipv6_unreachable", url=url, target=host,
                            evidence=f"域名 {host} 没有IPv6地址（AAAA记录）", detail={"reason": "no_aaaa"})]
    failures = {}
    for address in candidates:
        reply = await _talk(url, timeout=timeout, overrides=overrides, address=address)
        if not reply.error:
            return []
        failures[address[0]] = f"{reply.error}: {reply.detail}"
    shown = "；".join(f"{a}（{_ERROR_WORDS.get(e.split(':')[0], e)}）" for a, e in failures.items())
    return [Observation(check="ipv6_unreachable", url=url, target=host, evidence=f"IPv6地址无法访问：{shown}",
                        detail={"reason": "connect_failed", "addresses": failures})]


async def check_transport(
    site: SiteFacts,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    expiry_days: int = DEFAULT_EXPIRY_DAYS,
    cafile: str | None = None,
    cadata: str | None = None,
    now: dt.datetime | None = None,
    resolve: Resolve = None,
) -> list[Observation]:
    """The three checks for one site, concurrently, on the standard ports."""
    home = site.home_url or _url("https", site.host, 443)
    results = await asyncio.gather(
        check_https(site.host, timeout=timeout, resolve=resolve),
        check_certificate(site.host, timeout=timeout, expiry_days=expiry_days, cafile=cafile, cadata=cadata,
                          now=now, resolve=resolve),
        check_ipv6(home, timeout=timeout, resolve=resolve),
    )
    return [observation for found in results for observation in found]
