"""Real HTTP servers on 127.0.0.1 for the crawler tests (no HTTP mocks).

Tests are plain functions that ``run()`` a coroutine; inside it, ``serve(app)`` starts an
aiohttp.web server on a free port of the same event loop and yields that port.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter

from aiohttp import web

from govsites.monitoring.crawler import Fetcher

TEST_DEADLINE = 30  # seconds: a hung crawler fails its test instead of hanging the suite


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, TEST_DEADLINE))


@contextlib.asynccontextmanager
async def serve(app: web.Application):
    runner = web.AppRunner(app, shutdown_timeout=0.1, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield runner.addresses[0][1]
    finally:
        await runner.cleanup()


def fetcher(**options) -> Fetcher:
    """A fetcher with test-sized knobs (no politeness delay, short timeouts, quick retries)."""
    defaults = dict(
        host_delay=0,
        per_host_concurrency=4,
        concurrency=16,
        timeout=2.0,
        connect_timeout=1.0,
        retries=0,
        retry_backoff=0.01,
    )
    return Fetcher(**{**defaults, **options})


class Log:
    """What the server saw: hits per (method, path), arrival times and the peak of requests in
    flight per Host header."""

    def __init__(self):
        self.hits: Counter[tuple[str, str]] = Counter()
        self.arrivals: dict[str, list[float]] = {}
        self.in_flight: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self.requests: list[web.Request] = []

    def paths(self, method: str = "GET") -> Counter[str]:
        return Counter({path: n for (m, path), n in self.hits.items() if m == method})


def logged_app(log: Log) -> web.Application:
    @web.middleware
    async def record(request, handler):
        host = request.host.split(":")[0]
        log.hits[(request.method, request.path_qs)] += 1
        log.requests.append(request)
        log.arrivals.setdefault(host, []).append(time.monotonic())
        log.in_flight[host] += 1
        log.peak[host] = max(log.peak[host], log.in_flight[host])
        try:
            return await handler(request)
        finally:
            log.in_flight[host] -= 1

    return web.Application(middlewares=[record])


def page(body: str, title: str = "测试页面") -> str:
    return f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>'


def html_response(body: str, **kwargs) -> web.Response:
    return web.Response(text=page(body), content_type="text/html", **kwargs)


def estate_app(log: Log) -> web.Application:
    """Several small sites on one server, told apart by the Host header (map them all to it with
    the fetcher's resolve override):

    - ``www.site.gov.cn`` (alias ``site.gov.cn``): a home page with a news column, a chain of
      pages /d1…/d9 one level deeper each, a calendar trap (/calendar?m=N linking 30 more months),
      attachments, images, 404 and 500 links, an external link, a redirect to a known page;
    - ``old.gov.cn``: redirects its home to ``www.site.gov.cn``;
    - ``www.a.gov.cn`` / ``www.b.gov.cn``: link to each other and to ``shared.gov.cn`` assets;
    - ``shared.gov.cn``: a script, an image, a missing file, a slow file.
    - ``stub.gov.cn``: ``/`` a script stub sending phones to ``/m/`` and others to
      ``/portal/index.html``; ``/col/`` a meta-refresh stub to ``/col/index.html``;
      ``/spin.html`` and ``/spun.html`` stubs pointing at each other;
    - ``hijacked.gov.cn``: ``/`` a script stub sending everyone to ``casino.example.com``.

    HTML answers carry an ETag and honour If-None-Match.
    """

    @web.middleware
    async def etags(request, handler):
        response = await handler(request)
        if response.status == 200 and response.content_type == "text/html" and response.body:
            tag = f'"{hash(bytes(response.body)) & 0xFFFFFFFF:x}"'
            if request.headers.get("If-None-Match") == tag:
                return web.Response(status=304, headers={"ETag": tag})
            response.headers["ETag"] = tag
        return response

    app = logged_app(log)
    app.middlewares.append(etags)

    def origin(request, host):
        return f"http://{host}:{request.url.port}"

    def site(request):
        path, query = request.path, request.query
        if path == "/":
            return html_response(
                '<a href="/news/">新闻动态</a> <a href="/about.html">概况</a> <a href="/d1.html">深入</a>'
                ' <a href="/calendar?m=0">日历</a> <a href="/about.html#part2">概况第二部分</a>'
                f' <a href="{origin(request, "other.gov.cn")}/">外部网站</a> <a href="mailto:a@site.gov.cn">信箱</a>'
                ' <a href="/files/plan.pdf">规划</a> <img src="/img/logo.png" alt="徽标">'
                ' <a href="/missing.html">失效</a> <a href="/error.html">出错</a>'
                f' <a href="{origin(request, "site.gov.cn")}/alias.html">别名</a> <a href="/moved">搬家</a>'
                ' <a href="/loop">循环</a> <a href="/away">政务服务</a>'
            )
        if path == "/news/":
            return html_response(
                "".join(f'<li><a href="/news/{n}.html">新闻{n}</a></li>' for n in range(1, 4))
            )
        if path.startswith("/d") and path.endswith(".html"):
            n = int(path[2:-5])
            return html_response(f'<a href="/d{n + 1}.html">第{n + 1}层</a>')
        if path == "/calendar":
            m = int(query.get("m", "0"))
            return html_response(
                "".join(f'<a href="/calendar?m={k}">{k}月</a>' for k in range(m + 1, m + 31))
            )
        if path in ("/about.html", "/alias.html") or path.startswith("/news/"):
            return html_response(f"<p>{path}</p>")
        if path == "/moved":
            return web.Response(status=302, headers={"Location": "/about.html"})
        if path == "/away":
            return web.Response(
                status=302, headers={"Location": f"{origin(request, 'other.gov.cn')}/elsewhere.html"}
            )
        if path == "/loop":
            return web.Response(status=302, headers={"Location": "/loop"})
        if path == "/files/plan.pdf":
            return web.Response(body=b"%PDF-1.4 plan", content_type="application/pdf")
        if path == "/img/logo.png":
            return web.Response(body=b"\x89PNG\r\n\x1a\n", content_type="image/png")
        if path == "/error.html":
            return web.Response(status=500, text="error")
        raise web.HTTPNotFound()

    def pair(request, me, other):
        shared = origin(request, "shared.gov.cn")
        if request.path == "/":
            return html_response(
                f'<a href="/page.html">本站</a> <a href="{origin(request, other)}/">兄弟站点</a>'
                f' <script src="{shared}/common.js"></script> <img src="{shared}/logo.png">'
                f' <a href="{shared}/gone.pdf">共享附件</a> <img src="{shared}/slow.png">'
            )
        if request.path == "/page.html":
            return html_response(f'<a href="/">首页</a> <script src="{shared}/common.js"></script>')
        raise web.HTTPNotFound()

    async def shared(request):
        if request.path == "/common.js":
            return web.Response(text="var x;", content_type="application/javascript")
        if request.path in ("/logo.png", "/slow.png"):
            if request.path == "/slow.png":
                await asyncio.sleep(0.3)
            return web.Response(body=b"\x89PNG\r\n\x1a\n", content_type="image/png")
        raise web.HTTPNotFound()

    def stub(request):
        if request.path == "/":
            return web.Response(content_type="text/html", text=(
                "<html><head><script>if (/Android|iPhone/i.test(navigator.userAgent)) {"
                " window.location.href = '/m/'; } else { window.location.href = '/portal/index.html'; }"
                "</script></head><body></body></html>"))
        if request.path == "/portal/index.html":
            return html_response('<a href="/col/">通知公告</a> <a href="/spin.html">转圈</a> <p>门户首页</p>')
        if request.path == "/col/":
            return web.Response(content_type="text/html",
                                text='<meta http-equiv="refresh" content="0; url=/col/index.html">')
        if request.path == "/spin.html":
            return web.Response(content_type="text/html", text='<script>location.replace("/spun.html")</script>')
        if request.path == "/spun.html":
            return web.Response(content_type="text/html", text='<script>location.replace("/spin.html")</script>')
        if request.path in ("/col/index.html", "/m/"):
            return html_response(f"<p>{request.path}</p>")
        raise web.HTTPNotFound()

    async def dispatch(request):
        host = request.host.split(":")[0]
        if host in ("www.site.gov.cn", "site.gov.cn"):
            return site(request)
        if host == "old.gov.cn":
            return web.Response(status=301, headers={"Location": f"{origin(request, 'www.site.gov.cn')}/"})
        if host in ("www.a.gov.cn", "www.b.gov.cn"):
            return pair(request, host, "www.b.gov.cn" if host == "www.a.gov.cn" else "www.a.gov.cn")
        if host == "shared.gov.cn":
            return await shared(request)
        if host == "stub.gov.cn":
            return stub(request)
        if host == "hijacked.gov.cn":
            return web.Response(content_type="text/html",
                                text='<script>location.href="http://casino.example.com/"</script>')
        raise web.HTTPNotFound()

    app.router.add_route("*", "/{tail:.*}", dispatch)
    return app


ESTATE_HOSTS = (
    "www.site.gov.cn",
    "site.gov.cn",
    "old.gov.cn",
    "www.a.gov.cn",
    "www.b.gov.cn",
    "shared.gov.cn",
    "other.gov.cn",
    "stub.gov.cn",
    "hijacked.gov.cn",
)


def resolve_all(port: int) -> list[str]:
    return [f"{host}:{port}:127.0.0.1" for host in ESTATE_HOSTS]
