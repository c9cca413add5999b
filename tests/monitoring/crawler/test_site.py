"""Crawling one site: breadth-first order, depth and page limits, same-site rule, traps, the page
hook, and reuse of last census' pages on 304."""

from govsites.monitoring import html
from govsites.monitoring.crawler import crawl_site
from govsites.monitoring.crawler.site import SameSite, SiteCrawl, Traps
from tests.monitoring.crawler.servers import Log, estate_app, fetcher, resolve_all, run, serve


def crawl(start_host="www.site.gov.cn", fetch_options=None, **options):
    """Crawl a site of the estate app → (crawl, log, port)."""

    async def main():
        log = Log()
        async with (
            serve(estate_app(log)) as port,
            fetcher(resolve=resolve_all(port), **(fetch_options or {})) as client,
        ):
            job = SiteCrawl(client, f"http://{start_host}:{port}/", **options)
            await job.run()
            return job, log, port

    return run(main())


def paths(pages):
    return [page.url.split(":", 2)[2].split("/", 1)[1] for page in pages]


def test_breadth_first_within_depth_with_traps_cut():
    job, log, port = crawl(max_depth=3, max_query_variants=5)
    got = paths(job.pages)
    assert got[0] == ""
    assert [p.depth for p in job.pages] == sorted(p.depth for p in job.pages)
    assert {"news/", "about.html", "d1.html", "d2.html", "d3.html", "alias.html", "news/1.html"} <= set(got)
    assert "d4.html" not in got  # deeper than max_depth
    calendar = [p for p in got if p.startswith("calendar")]
    assert len(calendar) == 5 and job.traps.refused > 0
    assert len(got) == len(set(got))  # the fragment link and /moved (→ about.html) add nothing
    assert job.stopped == ""
    gets = log.paths("GET")
    assert gets["/moved"] == 1 and gets["/about.html"] == 2  # once itself, once at the end of /moved
    assert all(n == 1 for path, n in gets.items() if path != "/about.html")  # nothing else twice
    assert gets["/files/plan.pdf"] == 0 and gets["/img/logo.png"] == 0  # attachments, images: not crawled
    assert log.paths("GET")["/away"] == 1
    assert not any("other.gov.cn" in p.url for p in job.pages)  # a redirect to another site: not its page
    assert len(log.arrivals["other.gov.cn"]) == 1  # only at the end of /away, never crawled
    statuses = {p.url.rsplit("/", 1)[1]: p.fetch.status for p in job.pages}
    assert statuses["missing.html"] == 404 and statuses["error.html"] == 500
    loop = next(p for p in job.pages if p.url.endswith("/loop"))
    assert loop.fetch.error == "redirect_loop"
    alias = next(p for p in job.pages if p.url.endswith("alias.html"))
    assert alias.url.startswith("http://site.gov.cn:")
    assert alias.referrer == f"http://www.site.gov.cn:{port}/"


def test_page_limit_takes_the_first_pages_in_document_order():
    job, log, port = crawl(max_pages=4)
    assert paths(job.pages) == ["", "news/", "about.html", "d1.html"]
    assert job.stopped == "max_pages"
    assert sum(log.paths("GET").values()) == 4


def test_home_page_moved_to_another_host_is_followed_there():
    job, log, port = crawl(start_host="old.gov.cn", max_depth=1)
    home = job.pages[0]
    assert home.url == f"http://www.site.gov.cn:{port}/"
    assert home.fetch.redirects == [f"http://old.gov.cn:{port}/"]
    assert any(p.url == f"http://www.site.gov.cn:{port}/news/" for p in job.pages)


def test_redirect_stubs_are_replaced_by_the_pages_they_lead_to_on_the_same_site():
    job, log, port = crawl(start_host="stub.gov.cn")
    home = job.pages[0]
    assert home.url == f"http://stub.gov.cn:{port}/portal/index.html" and home.depth == 0  # the desktop target
    assert "门户首页" in home.doc.html
    got = paths(job.pages)
    assert "col/index.html" in got and "col/" not in got  # the meta-refresh stub gave way to its column
    assert "m/" not in got and "" not in got
    spin = [p for p in got if p.startswith("sp")]
    assert len(spin) == 1  # two stubs pointing at each other: followed once, then taken as they are
    assert log.paths("GET")["/"] == 1  # the stub itself fetched once, not crawled again


def test_a_stub_sending_the_browser_to_another_site_stays_the_home_page():
    job, log, port = crawl(start_host="hijacked.gov.cn")
    assert [p.url for p in job.pages] == [f"http://hijacked.gov.cn:{port}/"]
    assert not log.arrivals.get("casino.example.com")


def test_on_page_sees_the_parse_tree_which_is_released_afterwards():
    seen = []

    def on_page(page):
        doc = html.document(page)
        assert doc is page.doc and doc._tree is not None  # no second parse for the checks
        seen.append((page.url, len(doc.css("a"))))

    job, log, port = crawl(max_depth=1, on_page=on_page)
    pages_with_html = [p for p in job.pages if p.fetch.text is not None]
    assert len(seen) == len(pages_with_html) > 3
    assert dict(seen)[f"http://www.site.gov.cn:{port}/"] == 14
    assert all(p.doc._tree is None and p.doc._links is not None for p in pages_with_html)
    kept, _, _ = crawl(max_depth=0, keep_documents=True)
    assert kept.pages[0].doc._tree is not None


def test_unchanged_pages_reuse_last_census_text_on_304():
    async def main():
        log = Log()
        store = {}
        async with (
            serve(estate_app(log)) as port,
            fetcher(resolve=resolve_all(port), validators=store) as client,
        ):
            start = f"http://www.site.gov.cn:{port}/"
            first = await crawl_site(client, start, max_depth=1)
            previous = {page.fetch.url: page for page in first}
            second = await crawl_site(client, start, max_depth=1, previous=previous)
            third = await crawl_site(client, start, max_depth=1)  # nothing kept: full pages again
        return first, second, third, log

    first, second, third, log = run(main())
    assert [p.url for p in second] == [p.url for p in first]
    home1, home2, home3 = first[0], second[0], third[0]
    assert home2.fetch.not_modified and home2.fetch.ok
    assert home2.fetch.text == home1.fetch.text and home2.links == home1.links
    assert home3.fetch.status == 200 and home3.links == home1.links
    assert log.hits[("GET", "/")] == 4  # full, 304, then 304 + full


def test_same_site_rule():
    rule = SameSite("https://www.example.gov.cn/", hosts=["zwgk.example.gov.cn"])
    assert rule("http://www.example.gov.cn:8080/a")  # http↔https, any port
    assert rule("https://example.gov.cn/a")  # with or without www.
    assert rule("http://zwgk.example.gov.cn/")
    assert not rule("http://other.example.gov.cn/")
    assert not rule("http://www.example.gov.cn.evil.com/")


def test_traps():
    traps = Traps(max_query_variants=2)
    assert traps.admit("http://a.gov.cn/cal?m=1")
    assert traps.admit("http://a.gov.cn/cal?m=2")
    assert not traps.admit("http://a.gov.cn/cal?m=3")
    assert traps.admit("http://a.gov.cn/cal")  # the path itself is fine
    assert traps.admit("http://a.gov.cn/other?m=3")
    assert not traps.admit("http://a.gov.cn/x/" + "a/b/" * 5)  # repeating segments
    assert not traps.admit("http://a.gov.cn/" + "x" * 2000)
    assert traps.refused == 3
