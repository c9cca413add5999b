"""The estate crawl and the run-wide link-status cache: each URL asked once per run, one site's
failure never stops the others."""

import asyncio

import pytest

from govsites.monitoring.crawler import LinkChecker, crawl_estate, crawl_one
from govsites.monitoring.types import SiteFacts
from tests.monitoring.crawler.servers import Log, estate_app, fetcher, resolve_all, run, serve


def facts(host, port, **extra):
    return SiteFacts(host=host, home_url=f"http://{host}:{port}/", extra=extra)


def test_link_statuses_are_requested_once_per_run_across_sites():
    async def main():
        log = Log()
        async with serve(estate_app(log)) as port, fetcher(resolve=resolve_all(port)) as client:
            checker = LinkChecker(client, workers=4)
            sites = [facts("www.a.gov.cn", port), facts("www.b.gov.cn", port)]
            results = await crawl_estate(sites, fetcher=client, checker=checker)
        return results, log, port, checker

    results, log, port, checker = run(main())
    shared = f"http://shared.gov.cn:{port}"
    for host in ("www.a.gov.cn", "www.b.gov.cn"):
        links = results[host].links
        assert links[f"{shared}/common.js"].ok
        assert links[f"{shared}/logo.png"].ok
        assert links[f"{shared}/gone.pdf"].status == 404
        assert links[f"http://{host}:{port}/page.html"].ok
        assert all(f.text is None and not f.headers for f in links.values())  # the cache stays small
    for path in ("/common.js", "/logo.png", "/gone.pdf", "/slow.png"):
        assert log.hits[("HEAD", path)] + log.hits[("GET", path)] == 1, path
    # each site's own pages: fetched by its crawl, never asked again by the link check
    assert log.hits[("HEAD", "/page.html")] == 0
    assert log.hits[("GET", "/page.html")] == 2  # one per site
    assert checker.stats["cached"] > 0


def test_concurrent_checks_of_one_url_share_one_request():
    async def main():
        log = Log()
        async with serve(estate_app(log)) as port, fetcher(resolve=resolve_all(port)) as client:
            checker = LinkChecker(client)
            url = f"http://shared.gov.cn:{port}/slow.png"
            fetches = await asyncio.gather(*(checker.check(url) for _ in range(10)))
            again = await checker.check(url)
        return fetches, again, log, checker

    fetches, again, log, checker = run(main())
    assert all(f is fetches[0] for f in fetches) and again is fetches[0]
    assert log.hits[("HEAD", "/slow.png")] == 1
    assert checker.stats == {"requested": 1, "shared": 9, "cached": 1}


def test_site_link_statuses_cover_pages_images_attachments_and_errors():
    async def main():
        log = Log()
        async with serve(estate_app(log)) as port, fetcher(resolve=resolve_all(port)) as client:
            result = await crawl_one(facts("www.site.gov.cn", port), client, max_depth=1)
        return result, log, port

    result, log, port = run(main())
    base = f"http://www.site.gov.cn:{port}"
    links = result.links
    assert links[f"{base}/missing.html"].status == 404
    assert links[f"{base}/error.html"].status == 500
    assert links[f"{base}/loop"].error == "redirect_loop"
    assert links[f"{base}/files/plan.pdf"].ok and links[f"{base}/img/logo.png"].ok
    assert links[f"http://other.gov.cn:{port}/"].status == 404
    assert (
        links[f"{base}/away"].final_url == f"http://other.gov.cn:{port}/elsewhere.html"
    )  # recorded from the crawl
    assert log.hits[("HEAD", "/away")] == 0
    assert links[f"{base}/d2.html"].ok  # beyond the crawl's depth: a HEAD
    assert log.hits[("HEAD", "/d2.html")] == 1
    assert log.hits[("HEAD", "/about.html")] == 0  # crawled: its GET answers the link
    assert not result.error and result.stopped == ""


def test_one_sites_failure_never_stops_the_others():
    finished = []
    progress = []

    def on_page(page):
        if "www.b.gov.cn" in page.url:
            raise RuntimeError("a bug in a check")

    async def on_site(result):
        finished.append((result.site.host, len(result.pages)))

    async def main():
        log = Log()
        async with serve(estate_app(log)) as port:
            async with serve(estate_app(Log())) as closed_port:
                pass  # closed again: connections to it are refused
            resolve = [*resolve_all(port), f"down.gov.cn:{port}:127.0.0.1:{closed_port}"]
            sites = [facts("www.a.gov.cn", port), facts("www.b.gov.cn", port), facts("down.gov.cn", port)]
            return await crawl_estate(
                sites,
                fetcher_options=dict(resolve=resolve, host_delay=0, retries=0, timeout=2),
                on_page=on_page,
                on_site=on_site,
                keep_pages=False,
                progress=lambda done, total, result: progress.append((done, total)),
            )

    results = run(main())
    assert list(results) == ["www.a.gov.cn", "www.b.gov.cn", "down.gov.cn"]
    a, b, down = results.values()
    assert not a.error and a.links
    assert b.error.startswith("RuntimeError: a bug in a check")
    assert not down.error  # a site that is down is a finding, not a crash
    assert sorted(finished) == [("down.gov.cn", 1), ("www.a.gov.cn", 2), ("www.b.gov.cn", 0)]
    assert all(result.pages == [] for result in results.values())  # freed after on_site
    assert sorted(progress) == [(1, 3), (2, 3), (3, 3)]


def test_down_site_home_page_carries_the_error():
    async def main():
        async with serve(estate_app(Log())) as closed_port:
            pass
        async with fetcher(resolve=[f"down.gov.cn:80:127.0.0.1:{closed_port}"]) as client:
            return await crawl_one(SiteFacts(host="down.gov.cn", home_url="http://down.gov.cn/"), client)

    result = run(main())
    assert result.home.fetch.error == "connect" and result.home.fetch.broken
    assert len(result.pages) == 1 and result.links == {}


def test_duplicate_hosts_are_refused():
    sites = [SiteFacts(host="a.gov.cn", home_url="http://a.gov.cn/")] * 2
    with pytest.raises(ValueError, match="重复的主机名"):
        run(crawl_estate(sites))


def test_site_deadline_bounds_crawl_and_link_check():
    async def main():
        async with (
            serve(estate_app(Log())) as port,
            fetcher(resolve=resolve_all(port), host_delay=0.1, per_host_concurrency=1) as client,
        ):
            return await crawl_one(facts("www.site.gov.cn", port), client, deadline=0.35)

    result = run(main())
    assert result.stopped == "deadline"
    assert 1 <= len(result.pages) <= 6
    assert result.elapsed < 1.5


def test_a_site_with_an_unusable_home_url_is_a_result_not_a_crash():
    async def main():
        async with fetcher() as client:
            return await crawl_one(SiteFacts(host="bad.gov.cn", home_url="ftp://bad.gov.cn/"), client)

    result = run(main())
    assert not result.error
    assert result.home.fetch.error == "invalid_url"
