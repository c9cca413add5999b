"""The built-in front server: serves a local front folder read-only, with no application code.

It is for the embedded demo and small single-host installs (``govsites front_serve``); production
fronts use nginx with the configuration from :mod:`.nginx`, which applies the same rules. The app
only maps a request to a file of a site's served release — no database, no Django, stdlib only —
so the public side cannot reach the admin (SEC-01).

Routing: the ``Host`` header (port ignored) names a site when ``<front>/<host>`` exists;
otherwise the first path segment does (``/www.example.gov.cn/…``, to browse the demo on one port);
``/`` on a host that is no site lists the sites. The ``<key>`` symlink is resolved on every request,
so an atomic switch by a target is seen by the very next request.

Refused: methods other than GET/HEAD (405), ``.``/``..`` segments, encoded ``/`` ``\\`` or NUL,
control characters (400), dot-files other than ``.well-known`` and anything whose resolved path
leaves the served release, e.g. through a planted symlink (404). Folders are never listed.

Security headers are those of the nginx configuration (CSP, nosniff, X-Frame-Options,
Referrer-Policy, Permissions-Policy, Cross-Origin-Opener-Policy); ``Strict-Transport-Security`` is
only sent when the request came over HTTPS (``wsgi.url_scheme``, e.g. behind gunicorn with TLS),
since HSTS over plain HTTP is ignored by browsers and would be wrong for the ``http://127.0.0.1`` demo.
"""

from __future__ import annotations

import html
import os
import re
import socketserver
import stat
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer, make_server

_KEY = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")
_ORIGIN = re.compile(r"^https?://[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d{1,5})?$")
HASHED_ASSET = re.compile(r"^assets/(?:[^/]+/)*[^/]+\.[0-9a-f]{8,64}\.[A-Za-z0-9]+$")
_SHORT_EXTENSIONS = frozenset({"html", "htm", "xml", "json", "txt"})

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "htm": "text/html; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "mjs": "text/javascript; charset=utf-8",
    "json": "application/json",
    "xml": "application/xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "svg": "image/svg+xml",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "avif": "image/avif",
    "ico": "image/x-icon",
    "bmp": "image/bmp",
    "woff": "font/woff",
    "woff2": "font/woff2",
    "ttf": "font/ttf",
    "otf": "font/otf",
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "wps": "application/vnd.ms-works",
    "ofd": "application/ofd",
    "zip": "application/zip",
    "rar": "application/vnd.rar",
    "7z": "application/x-7z-compressed",
    "mp4": "video/mp4",
    "webm": "video/webm",
    "mp3": "audio/mpeg",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"

CACHE_SHORT = "public, max-age=60, must-revalidate"  # pages, feeds, sitemaps: a change shows within a minute
CACHE_IMMUTABLE = "public, max-age=31536000, immutable"  # assets whose name carries their hash
CACHE_MODERATE = "public, max-age=86400"  # images, attachments: replaced under a new name when they change


def content_type(path: str) -> str:
    ext = path.rpartition("/")[2].rpartition(".")[2].lower() if "." in path.rpartition("/")[2] else ""
    return CONTENT_TYPES.get(ext, DEFAULT_CONTENT_TYPE)


def cache_control(path: str) -> str:
    """The one caching policy of every front (nginx, this server, S3 object metadata)."""
    name = path.rpartition("/")[2]
    if not name:
        return CACHE_SHORT
    if HASHED_ASSET.match(path):
        return CACHE_IMMUTABLE
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    return CACHE_SHORT if ext in _SHORT_EXTENSIONS or not ext else CACHE_MODERATE


def check_origin(origin: str | None) -> str | None:
    """The public-service origin allowed as a form target (``https://zwfw.example.gov.cn``)."""
    if not origin:
        return None
    origin = origin.strip().rstrip("/").lower()
    if not _ORIGIN.match(origin):
        raise ValueError(f"invalid public service origin {origin!r} (expected https://host[:port])")
    return origin


def content_security_policy(form_action_origin: str | None = None) -> str:
    form_action = "'self'" + (f" {check_origin(form_action_origin)}" if form_action_origin else "")
    return (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        f"frame-ancestors 'self'; form-action {form_action}; base-uri 'self'; object-src 'none'"
    )


HSTS = "max-age=31536000"
#: static pages need none of the powerful browser features (docs/security.md "Headers, uploads and CI checks")
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), midi=(), "
    "display-capture=(), interest-cohort=(), browsing-topics=()"
)


def security_headers(form_action_origin: str | None = None, https: bool = False) -> list[tuple[str, str]]:
    headers = [
        ("Content-Security-Policy", content_security_policy(form_action_origin)),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "SAMEORIGIN"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if https:
        headers.append(("Strict-Transport-Security", HSTS))
    return headers


_TITLES = {"400": "请求无效", "404": "页面不存在", "405": "不支持的请求方法"}


class _BadRequest(Exception):
    pass


class FrontApp:
    """WSGI application serving ``root`` (a :class:`~.targets.local.LocalFolderTarget` folder)."""

    def __init__(self, root: str | os.PathLike, form_action_origin: str | None = None):
        self.root = os.path.realpath(root)
        self.form_action_origin = check_origin(form_action_origin)

    # -- entry ------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        https = environ.get("wsgi.url_scheme") == "https"
        head = environ.get("REQUEST_METHOD") == "HEAD"
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self._message(start_response, "405 Method Not Allowed", "不支持的请求方法。", https, head,
                                 extra=[("Allow", "GET, HEAD")])
        try:
            path = self._request_path(environ)
        except _BadRequest:
            return self._message(start_response, "400 Bad Request", "请求地址无效。", https, head)
        query = environ.get("QUERY_STRING", "")
        host = self._host(environ)
        if host and self._site_dir(host):
            return self._serve(start_response, environ, host, "", path, query, https, head)
        first, slash, rest = path[1:].partition("/")
        if first and _KEY.match(first) and self._site_dir(first):
            if not slash:
                return self._redirect(start_response, f"/{first}/", query, https, head)
            return self._serve(start_response, environ, first, f"/{first}", "/" + rest, query, https, head)
        if path == "/":
            return self._index(start_response, https, head)
        return self._message(start_response, "404 Not Found", "页面不存在。", https, head)

    # -- request parsing --------------------------------------------------------------------

    @staticmethod
    def _request_path(environ) -> str:
        """The decoded path, refusing what a static server must never interpret: encoded ``/``,
        ``\\`` or NUL (would change the path's meaning after decoding), ``.``/``..`` segments,
        control characters. Empty segments are merged (as nginx does)."""
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
        if raw is not None:
            raw = raw.split("?", 1)[0].split("#", 1)[0]
            if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", raw):  # absolute-form request target
                raw = "/" + raw.split("://", 1)[1].partition("/")[2]
            if re.search(r"%(?:2f|5c|00)", raw, re.IGNORECASE):
                raise _BadRequest
            data = unquote_to_bytes(raw)
        else:
            data = environ.get("PATH_INFO", "").encode("latin-1")
        try:
            path = data.decode("utf-8")
        except UnicodeDecodeError:
            raise _BadRequest from None
        if not path.startswith("/") or re.search(r"[\x00-\x1f\x7f\\]", path):
            raise _BadRequest
        segments = path.split("/")
        if any(s in (".", "..") for s in segments):
            raise _BadRequest
        merged = "/" + "/".join(s for s in segments if s)
        if path.endswith("/") and merged != "/":
            merged += "/"
        return merged

    @staticmethod
    def _host(environ) -> str:
        host = (environ.get("HTTP_HOST") or "").strip().lower()
        if host.startswith("["):  # IPv6 literal: never a site
            return ""
        host = host.rpartition(":")[0] if ":" in host else host
        host = host.rstrip(".")
        return host if _KEY.match(host) else ""

    def _site_dir(self, key: str) -> str | None:
        """The real folder of ``key``'s served release, resolved now; ``None`` if it has none or the
        link points outside the front folder."""
        if not _KEY.match(key):
            return None
        link = os.path.join(self.root, key)
        if not os.path.islink(link):
            return None
        real = os.path.realpath(link)
        if not real.startswith(self.root + os.sep) or not os.path.isdir(real):
            return None
        return real

    # -- responses --------------------------------------------------------------------------

    def _serve(self, start_response, environ, key, prefix, path, query, https, head):
        release = self._site_dir(key)
        if release is None:
            return self._message(start_response, "404 Not Found", "页面不存在。", https, head)
        segments = [s for s in path.split("/") if s]
        if any(s.startswith(".") and not (i == 0 and s == ".well-known") for i, s in enumerate(segments)):
            return self._not_found(start_response, environ, release, https, head)
        target = self._inside(release, "/".join(segments))
        if target is None:
            return self._not_found(start_response, environ, release, https, head)
        try:
            st = os.stat(target)
        except OSError:
            return self._not_found(start_response, environ, release, https, head)
        if stat.S_ISDIR(st.st_mode):
            if not path.endswith("/"):
                return self._redirect(start_response, f"{prefix}{path}/", query, https, head)
            target = self._inside(release, "/".join([*segments, "index.html"]))
            try:
                st = os.stat(target) if target else None
            except OSError:
                st = None
            if st is None or not stat.S_ISREG(st.st_mode):
                return self._not_found(start_response, environ, release, https, head)
            rel = "/".join([*segments, "index.html"])
        elif stat.S_ISREG(st.st_mode):
            rel = "/".join(segments)
        else:
            return self._not_found(start_response, environ, release, https, head)
        return self._file(start_response, environ, target, st, rel, "200 OK", https, head)

    @staticmethod
    def _inside(release: str, rel: str) -> str | None:
        """``release/rel`` with every symlink resolved, or ``None`` if that leaves the release."""
        real = os.path.realpath(os.path.join(release, rel))
        if real != release and not real.startswith(release + os.sep):
            return None
        return real

    def _file(self, start_response, environ, target, st, rel, status, https, head, conditional=True):
        etag = f'"{int(st.st_mtime):x}-{st.st_size:x}"'
        last_modified = formatdate(int(st.st_mtime), usegmt=True)
        headers = [
            ("Content-Type", content_type(rel)),
            ("Cache-Control", cache_control(rel)),
            ("ETag", etag),
            ("Last-Modified", last_modified),
            *security_headers(self.form_action_origin, https),
        ]
        if conditional and self._not_modified(environ, etag, int(st.st_mtime)):
            start_response("304 Not Modified", headers[1:])
            return []
        headers.append(("Content-Length", str(st.st_size)))
        start_response(status, headers)
        if head:
            return []
        fh = open(target, "rb")  # closed by the server through the wrapper
        wrapper = environ.get("wsgi.file_wrapper")
        return wrapper(fh, 64 * 1024) if wrapper else _chunks(fh)

    @staticmethod
    def _not_modified(environ, etag: str, mtime: int) -> bool:
        inm = environ.get("HTTP_IF_NONE_MATCH")
        if inm is not None:
            tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
            return "*" in tags or etag in tags
        ims = environ.get("HTTP_IF_MODIFIED_SINCE")
        if ims:
            try:
                return mtime <= int(parsedate_to_datetime(ims).timestamp())
            except (TypeError, ValueError, OverflowError):
                return False
        return False

    def _not_found(self, start_response, environ, release, https, head):
        page = os.path.join(release, "404.html")
        try:
            st = os.lstat(page)
        except OSError:
            st = None
        if st is not None and stat.S_ISREG(st.st_mode):
            return self._file(
                start_response, environ, page, st, "404.html", "404 Not Found", https, head, conditional=False
            )
        return self._message(start_response, "404 Not Found", "页面不存在。", https, head)

    def _redirect(self, start_response, location, query, https, head):
        location = "/" + quote(location.lstrip("/"), safe="/.-_~!$&'()*+,;=:@")  # never ``//host``
        if query:
            location += "?" + quote(query, safe="=&%+;/:@,!$'()*~.-_")
        headers = [("Location", location), ("Content-Type", "text/html; charset=utf-8"),
                   ("Content-Length", "0"), *security_headers(self.form_action_origin, https)]
        start_response("301 Moved Permanently", headers)
        return []

    def _message(self, start_response, status, text, https, head, extra=()):
        body = _page(_TITLES.get(status[:3], "错误"), f"<p>{html.escape(text)}</p>")
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body))),
                   ("Cache-Control", "no-store"), *extra, *security_headers(self.form_action_origin, https)]
        start_response(status, headers)
        return [] if head else [body]

    def _index(self, start_response, https, head):
        keys = []
        try:
            names = sorted(os.listdir(self.root))
        except OSError:
            names = []
        for name in names:
            if _KEY.match(name) and self._site_dir(name):
                keys.append(name)
        if keys:
            items = "\n".join(
                f'<li><a href="/{html.escape(quote(k))}/">{html.escape(k)}</a></li>' for k in keys
            )
            content = f"<p>本机共发布 {len(keys)} 个网站：</p>\n<ul>\n{items}\n</ul>"
        else:
            content = "<p>尚未发布任何网站。</p>"
        body = _page("已发布的网站", content)
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body))),
                   ("Cache-Control", "no-store"), *security_headers(self.form_action_origin, https)]
        start_response("200 OK", headers)
        return [] if head else [body]


def _page(title: str, content: str) -> bytes:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n</head>\n<body>\n<h1>{html.escape(title)}</h1>\n"
        f"{content}\n</body>\n</html>\n"
    ).encode()


def _chunks(fh):
    with fh:
        while chunk := fh.read(64 * 1024):
            yield chunk


# -- the server -----------------------------------------------------------------------------


class _ServerHandler(ServerHandler):
    server_software = "govsites-front"  # says nothing about the software (nginx: server_tokens off)


class _Handler(WSGIRequestHandler):
    """Keeps the raw request target, so encoded slashes can be refused."""

    quiet = False

    def get_environ(self):
        env = super().get_environ()
        env["RAW_URI"] = self.path
        return env

    def version_string(self):
        return _ServerHandler.server_software

    def handle(self):
        """``WSGIRequestHandler.handle`` with our ``Server`` header and ``wsgi.multithread``."""
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536:
            self.requestline = self.request_version = self.command = ""
            self.send_error(414)
            return
        if not self.parse_request():
            return
        handler = _ServerHandler(self.rfile, self.wfile, self.get_stderr(), self.get_environ(), multithread=True)
        handler.request_handler = self
        handler.run(self.server.get_app())

    def log_message(self, format, *args):
        if not self.quiet:
            super().log_message(format, *args)


class ThreadingFrontServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


def make_front_server(root, host: str = "127.0.0.1", port: int = 8001, *, form_action_origin=None, quiet=False):
    """A threaded stdlib HTTP server for ``root``; ``port=0`` picks a free port (tests)."""
    handler = type("FrontHandler", (_Handler,), {"quiet": quiet})
    return make_server(
        host, port, FrontApp(Path(root), form_action_origin), server_class=ThreadingFrontServer, handler_class=handler
    )
