"""Serve a generated estate — every site and every outside host — from one local port.

    .venv/bin/python -m benchmarks.monitoring.serve --estate /tmp/estate [--port 8800] [--bind 127.0.0.1]

One aiohttp low-level server answers by the ``Host`` header (or an absolute-form request target,
so it also works as an HTTP proxy: ``http_proxy=http://127.0.0.1:8800``). The crawler maps every
host to this address with its resolve override; ``resolve.txt`` (rewritten at start) has the lines.

Fault behaviours, all from the model: sites that are down (``503``; ``timeout`` — every request
waits 20 s; ``refused`` — resolve.txt maps the host to 127.0.0.2 where nothing listens, and a
request that reaches this server anyway gets its connection reset), slow pages, missing security
headers per site, the hazards (GBK with and without a charset, malformed HTML, binary under
.html, a 12 MB page, a slow-loris page dripping one byte a second, a redirect loop).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import email.utils
import hashlib
import socket
import struct
import sys
import threading
from collections import OrderedDict
from pathlib import Path

from aiohttp import web

from .estate import CLOSED_ADDRESS, DOWN_TIMEOUT, resolve_lines
from .model import Estate, Site, parse_local
from .render import SPAM_WORDS, Renderer, asset_bytes

HTML = "text/html; charset=utf-8"
HUGE_BYTES = 12 * 1024 * 1024
DRIP_SECONDS = 1.0
_BASE_HEADERS = {
    "Content-Security-Policy": "default-src * data: 'unsafe-inline' 'unsafe-eval'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


class EstateServer:
    """The request handler and its small page cache; :meth:`start` binds it."""

    def __init__(self, estate: Estate, *, cache_size: int = 4096):
        self.estate = estate
        self.renderer = Renderer(estate)
        self.now = estate.now_dt
        self._cache: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._cache_size = cache_size
        self._headers = {s.host: self._site_headers(s) for s in estate.sites}
        self.requests = 0
        self.runner: web.ServerRunner | None = None

    @staticmethod
    def _site_headers(site: Site) -> dict[str, str]:
        headers = {"Server": "nginx"}
        for name, value in _BASE_HEADERS.items():
            if name in site.missing_headers or (name == "X-Frame-Options" and site.csp_only):
                continue
            headers[name] = value
        if site.csp_only and "Content-Security-Policy" in headers:  # clickjacking protection the CSP way
            headers["Content-Security-Policy"] += "; frame-ancestors 'self'"
        return headers

    async def start(self, host: str = "127.0.0.1", port: int | None = None, shutdown_timeout: float = 5.0) -> None:
        """Listen; on stop, requests still running (a 20-second site, a slow-loris page) get
        ``shutdown_timeout`` seconds before they are cancelled."""
        self.runner = web.ServerRunner(web.Server(self.handle), access_log=None, handle_signals=False,
                                       shutdown_timeout=shutdown_timeout)
        await self.runner.setup()
        await web.TCPSite(self.runner, host, port or self.estate.port, backlog=2048, reuse_address=True).start()

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    # -- dispatch ------------------------------------------------------------------------------------
    async def handle(self, request: web.BaseRequest) -> web.StreamResponse:
        self.requests += 1
        target = request.raw_path
        host = request.headers.get("Host", "")
        if target.startswith(("http://", "https://")):  # absolute form: used as a proxy
            host, slash, rest = target.split("://", 1)[1].partition("/")
            target = slash + rest or "/"
        host = host.rsplit(":", 1)[0].lower() if not host.startswith("[") else host
        site = self.renderer.sites.get(host)
        if site is not None:
            return await self._site(request, site, target)
        ext = self.renderer.externals.get(host)
        if ext is not None:
            return self._external(ext.role, target, target.split("?", 1)[0] in ext.missing or target in ext.missing)
        return web.Response(status=404, text=f"unknown host {host}\n")

    async def _site(self, request: web.BaseRequest, site: Site, target: str) -> web.StreamResponse:
        headers = self._headers[site.host]
        if site.down == "refused":
            _reset(request)
        if site.down == "503":
            return web.Response(status=503, body="<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
                                content_type="text/html", headers={**headers, "Retry-After": "3600"})
        if site.down == "timeout":
            await asyncio.sleep(DOWN_TIMEOUT)
        route = self.renderer.routes(site).get(target)
        if route is None:
            return self._html(self.renderer.not_found(site).encode(), headers, status=404)
        kind = route[0]
        if kind == "status":
            body = f"<html><body><h1>{route[1]} Internal Server Error</h1></body></html>".encode()
            return self._html(body, headers, status=route[1])
        if kind == "redirect":
            return web.Response(status=route[2], headers={**headers, "Location": route[1]})
        if kind == "asset":
            body, content_type = asset_bytes(route[1])
            return self._conditional(request, web.Response(body=body, headers={**headers, "Content-Type": content_type}),
                                     site.host, target, self.now)
        item = site.items.get(route[1]) if kind == "item" else None
        flags = item.flags if item is not None else site.page_flags.get(target, {})
        if flags.get("slow"):
            await asyncio.sleep(flags["slow"])
        if flags.get("hazard"):
            return await self._hazard(request, site, route, target, flags["hazard"], headers)
        body = self._page(site, route, target)
        modified = parse_local(item.date) if item is not None else self.now
        return self._conditional(request, self._html(body, headers), site.host, target, modified)

    def _page(self, site: Site, route: tuple, target: str) -> bytes:
        key = (site.host, target)
        body = self._cache.get(key)
        if body is None:
            body = self.renderer.render(site, route, target).encode()
            self._cache[key] = body
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return body

    @staticmethod
    def _html(body: bytes, headers: dict, status: int = 200, content_type: str = HTML) -> web.Response:
        return web.Response(status=status, body=body, headers={**headers, "Content-Type": content_type})

    def _conditional(self, request: web.BaseRequest, response: web.Response, host: str, target: str,
                     modified: dt.datetime) -> web.Response:
        """ETag and Last-Modified on every page and asset; 304 to a matching conditional request."""
        etag = '"' + hashlib.blake2s(f"{self.estate.seed}:{host}:{target}".encode(), digest_size=8).hexdigest() + '"'
        last_modified = email.utils.format_datetime((modified - dt.timedelta(hours=8)).replace(tzinfo=dt.UTC), usegmt=True)
        response.headers["ETag"] = etag
        response.headers["Last-Modified"] = last_modified
        if request.headers.get("If-None-Match") == etag or (
            "If-None-Match" not in request.headers and request.headers.get("If-Modified-Since") == last_modified
        ):
            headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-type")}
            return web.Response(status=304, headers=headers)
        return response

    # -- hazards --------------------------------------------------------------------------------------
    async def _hazard(self, request: web.BaseRequest, site: Site, route: tuple, target: str, kind: str,
                      headers: dict) -> web.StreamResponse:
        if kind.startswith("gbk"):
            html = self.renderer.render(site, route, target)
            charset = {"gbk_header": '<meta charset="gbk">', "gbk_meta": '<meta charset="gb2312">', "gbk_none": ""}[kind]
            html = html.replace('<meta charset="utf-8">', charset).replace(
                '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">', charset)
            content_type = "text/html; charset=GBK" if kind == "gbk_header" else "text/html"
            return self._html(html.encode("gbk", errors="xmlcharrefreplace"), headers, content_type=content_type)
        if kind == "malformed":
            return self._html(malformed(self.renderer.render(site, route, target)).encode(), headers)
        if kind == "binary":
            return self._html(binary_body(site.seed), headers)
        if request.method == "HEAD":
            return web.Response(headers={**headers, "Content-Type": HTML})
        if kind == "huge":
            return await self._huge(request, headers)
        if kind == "slowloris":
            return await self._drip(request, headers)
        raise ValueError(kind)

    async def _huge(self, request: web.BaseRequest, headers: dict) -> web.StreamResponse:
        head = b'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>\xe5\xa4\xa7\xe9\xa1\xb5\xe9\x9d\xa2</title></head><body>'
        chunk = ("<p>" + "政府信息公开目录数据。" * 60 + "</p>\n").encode() * 32
        tail = b"</body></html>"
        count = (HUGE_BYTES - len(head) - len(tail)) // len(chunk)
        response = web.StreamResponse(headers={**headers, "Content-Type": HTML})
        response.content_length = len(head) + count * len(chunk) + len(tail)
        await response.prepare(request)
        try:
            await response.write(head)
            for _ in range(count):
                await response.write(chunk)
            await response.write(tail)
            await response.write_eof()
        except (ConnectionError, RuntimeError):
            pass
        return response

    async def _drip(self, request: web.BaseRequest, headers: dict) -> web.StreamResponse:
        body = ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>慢速页面</title></head>'
                "<body><p>此页面逐字节缓慢返回。</p></body></html>").encode()
        response = web.StreamResponse(headers={**headers, "Content-Type": HTML})
        response.content_length = len(body)
        await response.prepare(request)
        try:
            for k in range(len(body)):
                await response.write(body[k:k + 1])
                await asyncio.sleep(DRIP_SECONDS)
            await response.write_eof()
        except (ConnectionError, RuntimeError):
            pass
        return response

    # -- hosts outside the estate ------------------------------------------------------------------------
    def _external(self, role: str, target: str, missing: bool) -> web.Response:
        if missing:
            return web.Response(status=404, text="404 Not Found\n", headers={"Server": "nginx"})
        path = target.split("?", 1)[0]
        if role in ("script", "analytics", "jiucuo") and path.endswith(".js"):
            return web.Response(body=b"(function(){var s=document.createElement('img');s.src='//t/?r='+Math.random();})();\n",
                                content_type="application/javascript", headers={"Server": "nginx"})
        if role in ("spam", "script"):
            words = "，".join(SPAM_WORDS)
            return web.Response(text=f"<html><head><title>{SPAM_WORDS[0]}</title></head><body><p>{words}</p></body></html>",
                                content_type="text/html", headers={"Server": "nginx"})
        title = {"gov": "中国政府网", "news": "新闻", "badge": "党政机关网站标识", "jiucuo": "我为政府网站找错"}.get(role, "")
        return web.Response(text=f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>'
                                 f"<body><h1>{title}</h1></body></html>", content_type="text/html", headers={"Server": "nginx"})


def _reset(request: web.BaseRequest) -> None:
    """Drop the connection with a TCP reset, as a host with nothing listening would answer."""
    transport = request.transport
    if transport is not None:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    raise asyncio.CancelledError


def malformed(html: str) -> str:
    """Tag soup: unclosed and misnested tags, a stray ``<``, an unterminated attribute and comment."""
    html = html.replace("</p>", "").replace("</li>", "").replace("</td>", "", 3)
    body = html.find("<body>")
    junk = '<div class="x<table><tr><td>未闭合<b><i>错误嵌套</b></i> 1 < 2 <a href=/gzdt/ title=无引号>链接'
    html = html[:body + 6] + junk + html[body + 6:]
    return html[: len(html) - 40] + "<p>截断<!-- 未结束的注释"


def binary_body(seed: int) -> bytes:
    head = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x02\x00\x00\x00"
    block = hashlib.sha256(str(seed).encode()).digest()
    return head + (block + b"\x00\x00\x00\x00") * 1024


class Background:
    """The server in a thread with its own event loop (tests, and measuring scripts in one process)."""

    def __init__(self, estate: Estate, host: str = "127.0.0.1", port: int | None = None):
        self.server = EstateServer(estate)
        self.host, self.port = host, port or estate.port
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True, name="estate-server")

    def __enter__(self) -> Background:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(self.host, self.port, 0.5), self.loop).result(10)
        return self

    def __exit__(self, *exc) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


def write_resolve(estate_dir: Path, estate: Estate, bind: str) -> Path:
    address = "127.0.0.1" if bind in ("0.0.0.0", "", "::") else bind  # noqa: S104  (comparing, not binding)
    path = estate_dir / "resolve.txt"
    path.write_text("\n".join(resolve_lines(estate, address)) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a simulated estate on one local port.")
    parser.add_argument("--estate", type=Path, required=True, help="the folder estate.py wrote")
    parser.add_argument("--port", type=int, default=None, help="default: the port the estate was generated for")
    parser.add_argument("--bind", default="127.0.0.1")
    args = parser.parse_args(argv)
    model = args.estate / "estate.json"
    if not model.exists():
        parser.error(f"{model} not found: run benchmarks.monitoring.estate --out {args.estate} first")
    estate = Estate.load(model)
    port = args.port or estate.port
    if port != estate.port:
        parser.error(f"the estate's URLs carry port {estate.port}; regenerate with --port {port} or serve on {estate.port}")
    resolve = write_resolve(args.estate, estate, args.bind)
    home = estate.sites[0]
    print(f"serving {len(estate.sites)} sites on http://{args.bind}:{port}/ (by Host header)")
    print(f"resolve map: {resolve}  (down sites with 'refused' map to {CLOSED_ADDRESS})")
    print(f"try: curl --resolve {home.host}:{port}:127.0.0.1 http://{home.host}:{port}/")
    sys.stdout.flush()

    async def run() -> None:
        server = EstateServer(estate)
        await server.start(args.bind, port)
        try:
            await asyncio.Event().wait()
        finally:
            await server.stop()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
