"""nginx configuration for the front hosts: one ``server`` per published site, files only.

The output is meant for ``/etc/nginx/conf.d/govsites.conf`` (included inside ``http {}``) on a
front host whose front folder is kept by a local or rsync target. It contains no ``proxy_pass``,
``fastcgi_pass`` or any other upstream: the front serves the published files and nothing else, and
the admin lives on other hosts (SEC-01). Every site gets:

- ``server_name`` = its English domain; its Chinese domain (punycode) and, for ``www.<d>``, the
  bare ``<d>`` (unless another site owns it) answer with a 301 to the canonical name;
- ``root <front>/<key>``: the release symlink. nginx resolves it on every request (we never enable
  ``open_file_cache``, which would pin resolved paths), so an atomic switch by the target is seen
  at once; ``$realpath_root`` is only needed for handlers that pass paths on, which we have none of;
- HTTPS with ``<cert-dir>/<key>/fullchain.pem`` and ``privkey.pem`` (the certificate must cover the
  aliases too) and an HTTP→HTTPS redirect; ``--http-only`` serves plain HTTP (demo, tests, or a TLS
  terminator in front);
- the security headers of :func:`.frontserver.security_headers` (CSP, nosniff, X-Frame-Options,
  Referrer-Policy, Permissions-Policy, Cross-Origin-Opener-Policy, HSTS on HTTPS) on every
  response, errors included (``always``);
- caching as :func:`.frontserver.cache_control`: pages 60 s with revalidation, hashed ``assets/``
  one year ``immutable``, other files one day; gzip for text types;
- GET/HEAD only (405), no folder listings, dot-files other than ``.well-known`` refused, the
  site's own ``404.html``/``50x.html``, ``server_tokens off``; unknown host names are dropped by a
  default server (444 / TLS handshake refused) rather than answered by the first site.

Every value that reaches the file is validated first (host names, paths, listen addresses, the
form-action origin): a crafted domain such as ``a.gov.cn;\\n}`` is refused, never written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .frontserver import CACHE_IMMUTABLE, CACHE_MODERATE, CACHE_SHORT, HASHED_ASSET, security_headers

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_PATH = re.compile(r"^/[A-Za-z0-9._/+-]*$")
_LISTEN = re.compile(r"^(?:(?:\d{1,3}\.){3}\d{1,3}:|\[[0-9a-fA-F:.]+\]:)?\d{1,5}$")
_KEY = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")


class ConfigError(ValueError):
    """A value that cannot go into the nginx configuration safely."""


def check_host_name(name: str) -> str:
    """An ASCII host name (lower-cased, no trailing dot); anything else raises ``ConfigError``."""
    if not isinstance(name, str):
        raise ConfigError(f"不是有效的域名：{name!r}")
    host = name.lower().removesuffix(".")  # no stripping: whitespace anywhere means refused
    labels = host.split(".")
    if not host or len(host) > 253 or len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise ConfigError(f"不是有效的域名：{name!r}")
    return host


def ascii_host_name(name: str) -> str:
    """A host name as nginx must see it: an internationalised name (``山西.政务``) in punycode."""
    raw = name or ""
    if not raw:
        raise ConfigError("域名为空")
    if raw.isascii():
        return check_host_name(raw)
    if re.search(r"[\s;{}'\"\\$#]", raw):
        raise ConfigError(f"不是有效的域名：{name!r}")
    try:
        encoded = raw.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ConfigError(f"不是有效的域名：{name!r}") from exc
    return check_host_name(encoded)


def _check_path(value: str, what: str) -> str:
    value = str(value).rstrip("/") or "/"
    if not _PATH.match(value) or "/../" in value + "/" or "/./" in value + "/":
        raise ConfigError(f"{what} must be an absolute path of letters, digits and ._+-/ : {value!r}")
    return value


def _check_listen(value: str) -> str:
    value = str(value).strip()
    if not _LISTEN.match(value):
        raise ConfigError(f"invalid listen address {value!r} (PORT, IP:PORT or [IPv6]:PORT)")
    return value


@dataclass(frozen=True)
class NginxSite:
    """A site as the configuration needs it (see :func:`site_from_registry`)."""

    key: str  # folder under the front root (``paths.site_key``)
    domain: str = ""  # English domain
    chinese_domain: str = ""
    name: str = ""  # for the comment line only


def site_from_registry(site) -> NginxSite:
    from .paths import site_key

    return NginxSite(key=site_key(site), domain=site.domain, chinese_domain=site.chinese_domain, name=site.name)


def check_site(site: NginxSite) -> tuple[str, str, list[str]]:
    """``(key, canonical host name or "", [alias host names])``; ``ConfigError`` if any of the
    site's names could not go into the configuration safely."""
    key = site.key
    if not isinstance(key, str) or not _KEY.match(key) or ".." in key:
        raise ConfigError(f"invalid site key {site.key!r}")
    english = check_host_name(site.domain) if site.domain else ""
    chinese = ascii_host_name(site.chinese_domain) if site.chinese_domain else ""
    return key, english or chinese, [chinese] if english and chinese and chinese != english else []


def _header_lines(headers: Iterable[tuple[str, str]], cache: str | None, indent: str) -> list[str]:
    lines = [f'{indent}add_header {name} "{value}" always;' for name, value in headers]
    if cache:
        lines.append(f'{indent}add_header Cache-Control "{cache}" always;')
    return lines


def render_config(
    sites: Iterable[NginxSite],
    front_root: str,
    *,
    cert_dir: str = "/etc/govsites/certs",
    http_only: bool = False,
    http_listen: Iterable[str] = ("80", "[::]:80"),
    https_listen: Iterable[str] = ("443", "[::]:443"),
    form_action_origin: str | None = None,
    default_server: bool = True,
) -> str:
    """The whole configuration file. Raises ``ConfigError`` on any unsafe value."""
    front_root = _check_path(front_root, "front root")
    cert_dir = _check_path(cert_dir, "certificate folder")
    http_listen = [_check_listen(v) for v in http_listen]
    https_listen = [_check_listen(v) for v in https_listen]
    headers = security_headers(form_action_origin, https=not http_only)
    for name, value in headers:
        if '"' in value or "\n" in value or "\\" in value:
            raise ConfigError(f"unsafe header value for {name}")
    scheme = "http" if http_only else "https"

    plans = [(site, *check_site(site)) for site in sites]
    claimed = {canonical for _, _, canonical, _ in plans if canonical}
    for _, _, _, aliases in plans:
        claimed.update(aliases)

    out = [
        "# Generated by `govsites nginx_config`: do not edit, regenerate after registry changes.",
        f"# Front folder: {front_root} (<site key> -> .releases/<site key>/<n>, switched atomically).",
        "# Files only: no upstream, no proxy, no application code on the front (SEC-01).",
        "",
    ]
    if default_server:
        out += ["# Unknown host names get nothing (never the first site).", "server {"]
        out += [f"    listen {v} default_server;" for v in http_listen]
        if not http_only:
            out += [f"    listen {v} ssl default_server;" for v in https_listen]
            out.append("    ssl_reject_handshake on;")
        out += ["    server_name _;", "    server_tokens off;", "    return 444;", "}", ""]

    for site, key, canonical, aliases in plans:
        label = re.sub(r"[\x00-\x1f\x7f\u2028\u2029\x85]", " ", f"{key} {site.name}")[:200].strip()  # a comment
        if not canonical:
            out += [f"# {key}: no domain yet, reachable only through the built-in server", ""]
            continue
        if canonical.startswith("www."):
            bare = canonical[4:]
            if bare.count(".") >= 1 and bare not in claimed:
                aliases.append(bare)
                claimed.add(bare)
        root = f"{front_root}/{key}"
        tls = [] if http_only else [
            f"    ssl_certificate {cert_dir}/{key}/fullchain.pem;",
            f"    ssl_certificate_key {cert_dir}/{key}/privkey.pem;",
            "    ssl_protocols TLSv1.2 TLSv1.3;",
            "    ssl_session_cache shared:govsites_tls:10m;",
            "    ssl_session_timeout 1d;",
        ]
        listen = [f"    listen {v};" for v in http_listen] if http_only else [
            f"    listen {v} ssl http2;" for v in https_listen
        ]
        out += [f"# {label}", "server {", *listen, f"    server_name {canonical};", *tls]
        out += [
            f"    root {root};",
            "    disable_symlinks off;  # the site folder is the release symlink",
            "    autoindex off;",
            "    server_tokens off;",
            "    absolute_redirect off;",
            "    charset utf-8;",
            "    index index.html;",
            "    etag on;",
            "    gzip on;",
            "    gzip_vary on;",
            "    gzip_min_length 256;",
            "    gzip_types text/css text/javascript application/javascript application/json application/xml",
            "               application/rss+xml image/svg+xml text/plain;",
            "    error_page 404 /404.html;",
            "    error_page 403 =404 /404.html;  # a folder without index.html: not found, never listed",
            "    error_page 500 502 503 504 /50x.html;",
            *_header_lines(headers, None, "    "),
            "    if ($request_method !~ ^(?:GET|HEAD)$) {",
            "        return 405;",
            "    }",
            '    location ~ "/\\.(?!well-known/)" {',
            "        return 404;",
            "    }",
            f'    location ~ "{_nginx_regex(HASHED_ASSET.pattern)}" {{',
            *_header_lines(headers, CACHE_IMMUTABLE, "        "),
            "    }",
            '    location ~* "\\.(?:html?|xml|json|txt)$" {',
            *_header_lines(headers, CACHE_SHORT, "        "),
            "    }",
            "    location / {  # a folder without its slash gets a 301 to it (pages link relatively)",
            *_header_lines(headers, CACHE_MODERATE, "        "),
            "    }",
            "}",
        ]
        if aliases:
            out += ["server {", *listen, f"    server_name {' '.join(aliases)};", *tls]
            out += ["    server_tokens off;", f"    return 301 {scheme}://{canonical}$request_uri;", "}"]
        if not http_only:
            out += ["server {", *[f"    listen {v};" for v in http_listen]]
            out += [f"    server_name {' '.join([canonical, *aliases])};", "    server_tokens off;"]
            out += [f"    return 301 https://{canonical}$request_uri;", "}"]
        out.append("")
    return "\n".join(out)


def _nginx_regex(pattern: str) -> str:
    """Our Python path regex (``assets/…``, no leading slash) as an nginx location regex."""
    assert pattern.startswith("^") and '"' not in pattern
    return "^/" + pattern[1:]
