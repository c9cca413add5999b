"""The fetcher against real misbehaving servers: redirects, slow and huge bodies, binary pages,
GBK, conditional requests, retries, HEAD quirks, politeness and the resolve override."""

import asyncio
import time

import pytest
from aiohttp import web

from govsites.monitoring.crawler import Fetcher, parse_resolve
from tests.monitoring.crawler.servers import Log, fetcher, html_response, logged_app, page, run, serve

GBK_TEXT = "关于开展政府网站普查工作的通知"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def fetch_app(log: Log) -> web.Application:
    app = logged_app(log)
    flaky = {"left": 2}

    async def ok(request):
        return html_response('<a href="/next">下一页</a>')

    def redirect(to, status=302):
        async def handler(request):
            return web.Response(status=status, headers={"Location": to})

        return handler

    async def chain(request):
        n = int(request.match_info["n"])
        return web.Response(status=302, headers={"Location": f"/chain/{n + 1}"})

    async def drip(request):
        response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        await response.prepare(request)
        for _ in range(60):
            await response.write(b"<")
            await asyncio.sleep(1)
        return response

    async def stall(request):
        await asyncio.sleep(10)
        return html_response("太迟了")

    async def huge(request):
        response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        await response.prepare(request)
        chunk = ("<p>" + "政务公开" * 5000 + "</p>").encode()
        sent = 0
        while sent < 20 * 1024 * 1024:
            await response.write(chunk)
            sent += len(chunk)
        return response

    async def image_as_html(request):
        return web.Response(body=PNG, content_type="text/html")

    async def pdf(request):
        return web.Response(body=b"%PDF-1.4\n" + b"x" * 1000, content_type="application/pdf")

    def gbk(content_type, meta=""):
        body = page(f"<p>{GBK_TEXT}</p>").replace('<meta charset="utf-8">', meta).encode("gbk")

        async def handler(request):
            return web.Response(body=body, headers={"Content-Type": content_type})

        return handler

    async def etag(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304, headers={"ETag": '"v1"'})
        return html_response("第一版", headers={"ETag": '"v1"'})

    async def lastmod(request):
        stamp = "Mon, 02 Mar 2026 01:00:00 GMT"
        if request.headers.get("If-Modified-Since") == stamp:
            return web.Response(status=304)
        return html_response("内容", headers={"Last-Modified": stamp})

    async def flaky_handler(request):
        if flaky["left"] > 0:
            flaky["left"] -= 1
            return web.Response(status=503, text="busy")
        return html_response("恢复了")

    async def get_only(request):
        return web.Response(body=b"x" * 100_000, content_type="application/pdf")

    async def status(request):
        return web.Response(status=int(request.match_info["code"]), text="error")

    async def cookie_gate(request):
        if request.cookies.get("seen") == "1":
            return html_response("通过")
        return web.Response(status=302, headers={"Location": "/cookie-gate", "Set-Cookie": "seen=1; Path=/"})

    app.router.add_get("/ok", ok)
    app.router.add_get("/r1", redirect("/r2"))
    app.router.add_get("/r2", redirect("r3", 301))
    app.router.add_get("/r3", redirect("/ok", 307))
    app.router.add_get("/loop-a", redirect("/loop-b"))
    app.router.add_get("/loop-b", redirect("/loop-a"))
    app.router.add_get("/chain/{n}", chain)
    app.router.add_get("/to-mail", redirect("mailto:office@example.gov.cn"))
    app.router.add_get("/drip.html", drip)
    app.router.add_get("/stall", stall)
    app.router.add_get("/huge.html", huge)
    app.router.add_get("/image.html", image_as_html)
    app.router.add_get("/notice", pdf)
    app.router.add_get("/gbk-header", gbk("text/html; charset=gbk"))
    app.router.add_get(
        "/gbk-meta", gbk("text/html", '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    )
    app.router.add_get("/gbk-bare", gbk("text/html"))
    app.router.add_get("/gbk-lying", gbk("text/html; charset=utf-8", '<meta charset="GBK">'))
    app.router.add_get("/etag", etag)
    app.router.add_get("/lastmod", lastmod)
    app.router.add_get("/flaky", flaky_handler)
    app.router.add_route("GET", "/get-only.pdf", get_only)
    app.router.add_get("/status/{code}", status)
    app.router.add_get("/cookie-gate", cookie_gate)
    return app


def with_server(test, **options):
    """Run ``test(fetcher, base, log)`` against the fetch app."""

    async def main():
        log = Log()
        async with serve(fetch_app(log)) as port, fetcher(**options) as client:
            return await test(client, f"http://127.0.0.1:{port}", log)

    return run(main())


def test_redirect_chain_is_followed_by_hand():
    async def test(client, base, log):
        fetch = await client.get(f"{base}/r1")
        assert fetch.status == 200
        assert fetch.final_url == f"{base}/ok"
        assert fetch.redirects == [f"{base}/r1", f"{base}/r2", f"{base}/r3"]
        assert "下一页" in fetch.text

    with_server(test)


def test_redirect_loop_and_too_many_redirects():
    async def test(client, base, log):
        loop = await client.get(f"{base}/loop-a")
        assert (loop.error, loop.status) == ("redirect_loop", None)
        assert loop.broken
        long = await client.get(f"{base}/chain/0")
        assert long.error == "too_many_redirects"
        assert len(long.redirects) == 4
        mail = await client.get(f"{base}/to-mail")
        assert mail.error == "protocol"

    with_server(test, max_redirects=3)


def test_cookie_set_on_a_redirect_is_sent_along_the_chain():
    async def test(client, base, log):
        fetch = await client.get(f"{base}/cookie-gate")
        assert fetch.status == 200 and not fetch.error
        assert "通过" in fetch.text

    with_server(test)


@pytest.mark.rule("SUP-03")
def test_slow_loris_body_is_cut_at_the_deadline():
    async def test(client, base, log):
        started = time.monotonic()
        fetch = await client.get(f"{base}/drip.html")
        took = time.monotonic() - started
        assert fetch.error == "slow_body"
        assert fetch.status == 200  # the status line did arrive
        assert not fetch.ok and fetch.broken
        assert took < 2.5

    with_server(test, timeout=1.0)


@pytest.mark.rule("SUP-03")
def test_no_answer_within_the_timeout_is_a_timeout():
    async def test(client, base, log):
        fetch = await client.get(f"{base}/stall")
        assert (fetch.error, fetch.status) == ("timeout", None)
        assert fetch.broken

    with_server(test, timeout=0.5)


def test_huge_page_is_capped_and_kept_up_to_the_cap():
    async def test(client, base, log):
        started = time.monotonic()
        fetch = await client.get(f"{base}/huge.html")
        assert fetch.error == "too_large"
        assert fetch.size == 1024 * 1024
        assert fetch.text is not None and "政务公开" in fetch.text
        assert time.monotonic() - started < 3
        after = await client.get(f"{base}/ok")  # the pool still works
        assert after.ok

    with_server(test, max_bytes=1024 * 1024)


def test_binary_under_html_is_not_html_but_a_pdf_resource_is_fine():
    async def test(client, base, log):
        fetch = await client.get(f"{base}/image.html")
        assert fetch.error == "not_html"
        assert fetch.text is None
        resource = await client.get(f"{base}/notice")
        assert resource.ok and resource.text is None
        assert resource.content_type == "application/pdf"

    with_server(test)


@pytest.mark.parametrize("path", ["/gbk-header", "/gbk-meta", "/gbk-bare", "/gbk-lying"])
def test_gbk_pages_decode_with_or_without_a_charset(path):
    async def test(client, base, log):
        fetch = await client.get(base + path)
        assert fetch.ok
        assert GBK_TEXT in fetch.text
        assert fetch.encoding == "gb18030"

    with_server(test)


@pytest.mark.parametrize("path", ["/etag", "/lastmod"])
def test_conditional_requests_remember_validators(path):
    store = {}

    async def test(client, base, log):
        first = await client.get(base + path)
        assert first.status == 200 and not first.not_modified
        assert base + path in store
        second = await client.get(base + path)
        assert second.not_modified and second.status == 304 and second.ok
        assert second.text is None
        third = await client.get(base + path, conditional=False)
        assert third.status == 200

    with_server(test, validators=store)


def test_without_a_validator_store_requests_are_unconditional():
    async def test(client, base, log):
        await client.get(f"{base}/etag")
        again = await client.get(f"{base}/etag")
        assert again.status == 200 and not again.not_modified

    with_server(test)


def test_transient_failure_is_retried_before_reporting():
    async def test(client, base, log):
        fetch = await client.get(f"{base}/flaky")
        assert fetch.status == 200 and fetch.attempts == 3
        assert client.stats["retries"] == 2

    with_server(test, retries=2)


def test_retries_give_up_and_report_the_last_answer():
    async def test(client, base, log):
        fetch = await client.get(f"{base}/flaky")
        assert fetch.status == 503 and fetch.attempts == 2 and fetch.broken
        not_transient = await client.get(f"{base}/status/500")
        assert not_transient.status == 500 and not_transient.attempts == 1

    with_server(test, retries=1)


def test_link_check_falls_back_to_get_when_head_is_refused():
    async def test(client, base, log):
        fetch = await client.check(f"{base}/get-only.pdf")
        assert fetch.status == 200 and fetch.ok
        assert fetch.size <= 4096
        assert log.hits[("HEAD", "/get-only.pdf")] == 1
        assert log.hits[("GET", "/get-only.pdf")] == 1
        head = await client.check(f"{base}/ok")
        assert head.status == 200 and head.size == 0
        assert log.hits[("GET", "/ok")] == 0

    with_server(test, link_check_bytes=4096)


def test_error_statuses_are_broken():
    async def test(client, base, log):
        for code in (404, 403, 500):
            fetch = await client.check(f"{base}/status/{code}")
            assert fetch.status == code and fetch.broken and not fetch.error

    with_server(test)


def test_politeness_per_host_concurrency_and_delay():
    """Two hosts on one server: each sees at most 2 requests at once, starts ≥ 0.2 s apart; the
    other host is not held back by the first one's delay."""

    async def main():
        log = Log()
        app = logged_app(log)

        async def slow(request):
            await asyncio.sleep(0.3)
            return html_response("慢")

        app.router.add_get("/slow/{n}", slow)
        async with serve(app) as port:
            resolve = [f"a.example.gov.cn:{port}:127.0.0.1", f"b.example.gov.cn:{port}:127.0.0.1"]
            async with fetcher(per_host_concurrency=2, host_delay=0.2, resolve=resolve) as client:
                urls = [f"http://{h}.example.gov.cn:{port}/slow/{n}" for h in "ab" for n in range(6)]
                fetches = await asyncio.gather(*(client.get(u) for u in urls))
        assert all(f.ok for f in fetches)
        for host in ("a.example.gov.cn", "b.example.gov.cn"):
            times = log.arrivals[host]
            gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
            assert len(times) == 6
            assert min(gaps) >= 0.19
            assert log.peak[host] == 2
        assert log.arrivals["b.example.gov.cn"][0] < log.arrivals["a.example.gov.cn"][1]

    run(main())


def test_resolve_override_like_curl():
    async def main():
        log = Log()
        app = logged_app(log)

        async def home(request):
            return html_response(f"主机 {request.host}")

        app.router.add_get("/", home)
        async with serve(app) as port:
            same_port = Fetcher(resolve=[f"www.example.gov.cn:{port}:127.0.0.1"], host_delay=0, retries=0)
            async with same_port:
                fetch = await same_port.get(f"http://www.example.gov.cn:{port}/")
            assert fetch.ok and f"主机 www.example.gov.cn:{port}" in fetch.text
            remapped = Fetcher(resolve={"www.example.gov.cn": f"127.0.0.1:{port}"}, host_delay=0, retries=0)
            async with remapped:
                fetch = await remapped.get("http://www.example.gov.cn/")
                unmapped = await remapped.get("http://no-such-site.invalid/")
            assert fetch.ok and "主机 www.example.gov.cn</body>" in fetch.text  # Host without a port
            assert unmapped.error == "dns" and unmapped.broken

    run(main())


def test_parse_resolve_forms_and_errors():
    assert parse_resolve("a.gov.cn:80:10.0.0.1\n# comment\n\nb.gov.cn:*:[::1]:8080") == {
        ("a.gov.cn", 80): ("10.0.0.1", None),
        ("b.gov.cn", None): ("::1", 8080),
    }
    assert parse_resolve({"C.gov.cn:443": "10.0.0.2"}) == {("c.gov.cn", 443): ("10.0.0.2", None)}
    with pytest.raises(ValueError, match="无效的解析覆盖条目"):
        parse_resolve(["just-a-host"])


def test_unreachable_host_trips_the_breaker():
    async def main():
        async with serve(web.Application()) as port:
            pass  # the port is closed again: connections are refused
        async with fetcher(host_failure_limit=2) as client:
            results = [await client.get(f"http://127.0.0.1:{port}/p{n}") for n in range(4)]
        assert [f.error for f in results] == ["connect"] * 4
        assert [f.attempts for f in results] == [1, 1, 0, 0]
        assert client.stats["refused"] == 2
        assert "连续 2 次" in results[3].error_detail

    run(main())


def test_invalid_urls_are_typed_not_raised():
    async def main():
        async with fetcher() as client:
            bad = await client.get("ftp://files.example.gov.cn/a.pdf")
            spaces = await client.check("http://exa mple.gov.cn/")
        assert bad.error == "invalid_url"
        assert spaces.error in ("invalid_url", "dns")

    run(main())
