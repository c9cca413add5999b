"""The benchmark's simulated estate: served per host, planted defects really in the bytes, decoys
there, hazards behaving, truth derived from what is served, deterministic per seed.

A 5-site × 20-page estate is generated once per module and served by ``serve.Background`` on a
free port; requests go to 127.0.0.1 with the site's Host header (or to the address resolve.txt
gives), with no mock anywhere. Checks that wait (the 20 s "timeout" site, slow pages) run in a
thread pool with short client timeouts, so the module stays within a few seconds.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import re
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from benchmarks.monitoring import estate as gen
from benchmarks.monitoring import serve
from benchmarks.monitoring.model import WINDOWS, Estate
from benchmarks.monitoring.render import SPAM_WORDS, Record, Renderer
from benchmarks.monitoring.text import GUIDE_ELEMENTS
from benchmarks.monitoring.truth import load_jsonl, normalise_url, score_estate
from selectolax.lexbor import LexborHTMLParser

from govsites.monitoring.checks.catalogue import CHECKS, family_of
from govsites.monitoring.types import SiteFacts

NOW = dt.datetime(2026, 7, 19, 12, 0)
SEED = 7
#: Every check type the loopback estate exhibits (the rest need TLS, IPv6, a manifest, probes over a
#: week, or a threshold not fixed yet — zombie_site).
OBSERVABLE = set(CHECKS) - {"home_unreachable", "tampered", "https_missing", "certificate_invalid", "ipv6_unreachable",
                            "zombie_site"}
HIDDEN = ("display:none", "left:-9999px", "font-size:0", "color:#ffffff", "visibility:hidden", "text-indent:-9999px")
STAMP = re.compile(r"/t(\d{8})_\d+\.html$")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def estate_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("estate")
    gen.generate(out, sites=5, pages=20, seed=SEED, now=NOW, port=_free_port())
    return out


@pytest.fixture(scope="module")
def served(estate_dir):
    estate = Estate.load(estate_dir / "estate.json")
    with serve.Background(estate) as bg, ThreadPoolExecutor(4) as pool:
        served = Served(estate, estate_dir, bg)
        # the slow pages are timed in the background while the other tests run
        slow = {r["url"] for r in served.truth + served.decoys if r["check"] == "slow_page"}
        served.timings = {url: pool.submit(served.elapsed, url) for url in slow}
        yield served


class Served:
    """The running estate, its files, and a small HTTP helper that sends the right Host header."""

    def __init__(self, estate: Estate, directory: Path, bg: serve.Background):
        self.estate, self.dir, self.bg = estate, directory, bg
        self.renderer = Renderer(estate)
        self.truth = load_jsonl(directory / "ground_truth.jsonl")
        self.decoys = load_jsonl(directory / "decoys.jsonl")
        self.hazards = load_jsonl(directory / "hazards.jsonl")
        self.registry = {r["host"]: r for r in json.loads((directory / "sites.json").read_text(encoding="utf-8"))}
        self.resolve = {}
        for line in (directory / "resolve.txt").read_text().split():
            host, port, address = line.split(":")
            self.resolve[host] = (int(port), address)

    def fetch(self, url: str, method: str = "GET", timeout: float = 5, headers: dict | None = None):
        """(status, headers, body) of one request, no redirects followed."""
        parts = urlsplit(url)
        port, address = self.resolve[parts.hostname]
        conn = http.client.HTTPConnection(address, port, timeout=timeout)
        try:
            path = parts.path + ("?" + parts.query if parts.query else "")
            conn.request(method, path, headers={"Host": parts.netloc, **(headers or {})})
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def elapsed(self, url: str) -> float:
        started = time.monotonic()
        assert self.fetch(url, timeout=10)[0] == 200
        return time.monotonic() - started

    def html(self, url: str) -> str:
        status, _, body = self.fetch(url)
        assert status == 200, url
        return body.decode()

    def broken(self, url: str) -> bool:
        """Does fetching ``url`` fail the way a dead link does (error status, no answer, a loop)?"""
        seen = set()
        while True:
            try:
                status, headers, _ = self.fetch(url, timeout=1)
            except (OSError, http.client.HTTPException):
                return True
            if status in (301, 302) and url not in seen:
                seen.add(url)
                url = urljoin(url, headers["location"])
                continue
            return status >= 300


def links(url: str, html: str) -> set[str]:
    tree = LexborHTMLParser(html)
    found = set()
    for selector, attr in (("a[href]", "href"), ("img[src]", "src"), ("script[src]", "src"),
                           ("link[href]", "href"), ("iframe[src]", "src")):
        for node in tree.css(selector):
            value = node.attributes.get(attr) or ""
            if not value.startswith(("javascript:", "mailto:")):
                found.add(urljoin(url, value))
    return found


def anchor_hidden(html: str, href: str) -> bool:
    tree = LexborHTMLParser(html)
    hidden_classes = set(re.findall(r"\.([\w-]+)\{display:none\}", html))
    for node in tree.css("a[href]"):
        if node.attributes.get("href") != href:
            continue
        while node is not None:
            style = (node.attributes.get("style") or "").replace(" ", "")
            classes = set((node.attributes.get("class") or "").split())
            if any(h in style for h in HIDDEN) or classes & hidden_classes:
                return True
            node = node.parent
    return False


def footer(html: str) -> str:
    start = max(html.find("<footer"), html.find('class="footer"'))
    return html[start:]


def stamps(html: str, url: str) -> list[dt.date]:
    out = []
    for link in links(url, html):
        m = STAMP.search(link)
        if m:
            out.append(dt.datetime.strptime(m.group(1), "%Y%m%d").date())
    return out


# -- the served estate ----------------------------------------------------------------------------------
def test_every_live_site_is_served_by_its_host_header(served):
    summary = json.loads((served.dir / "summary.json").read_text())
    assert summary["sites"] == 5 and summary["pages"] >= 5 * 20
    for host, row in served.registry.items():
        facts = SiteFacts(**row)  # the registry rows are SiteFacts
        assert facts.is_portal == (row["extra"]["site_type"] == "政府门户网站")
        assert re.fullmatch(r"\d{10}", facts.identifier_code) and facts.identifier_code.startswith(row["extra"]["division_code"])
        assert facts.home_url == f"http://{host}:{served.estate.port}/"
        if host in summary["down"]:
            continue
        html = served.html(facts.home_url)
        assert facts.name in html
        assert html.count("<html") == 1
    status, _, body = served.fetch(f"http://{next(iter(served.registry))}:{served.estate.port}/no/such/page.html")
    assert status == 404 and "不存在" in body.decode()


def test_layouts_and_date_styles_vary(served):
    assert {s.layout for s in served.estate.sites} == {"table", "list", "nav", "card"}
    assert len({s.date_style for s in served.estate.sites}) == 5


def test_truth_rows_are_well_formed_and_cover_every_observable_check(served):
    for row in served.truth:
        assert set(row) == {"site", "check", "family", "url", "target", "severity", "evidence"}
        assert row["check"] in CHECKS and row["family"] == family_of(row["check"])
        assert row["severity"] == CHECKS[row["check"]].severity
        assert row["url"].startswith(f"http://{row['site']}:{served.estate.port}/")
        assert normalise_url(row["url"]) == row["url"]
    assert {r["check"] for r in served.truth} == OBSERVABLE


def test_hazards_behave_as_announced(served):
    kinds = {h["kind"]: h for h in served.hazards}
    assert set(kinds) == {"gbk_header", "gbk_meta", "gbk_none", "malformed", "binary", "huge", "slowloris", "redirect_loop"}
    status, headers, body = served.fetch(kinds["gbk_header"]["url"])
    assert headers["content-type"] == "text/html; charset=GBK"
    assert served.registry[kinds["gbk_header"]["site"]]["name"] in body.decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    for kind, meta in (("gbk_meta", '<meta charset="gb2312">'), ("gbk_none", "")):
        status, headers, body = served.fetch(kinds[kind]["url"])
        assert "charset" not in headers["content-type"] and (meta in body.decode("gbk") if meta else b"charset" not in body)
    assert b"\x00" in served.fetch(kinds["binary"]["url"])[2]
    assert "<!-- 未结束的注释" in served.html(kinds["malformed"]["url"])
    loop = kinds["redirect_loop"]["url"]
    status, headers, _ = served.fetch(loop)
    second = urljoin(loop, headers["location"])
    assert status == 302 and urljoin(second, served.fetch(second)[1]["location"]) == loop
    # the huge page: announced length ≥ 12 MB; the slow-loris page: a byte, then not the rest in 1.5 s
    parts = urlsplit(kinds["huge"]["url"])
    with socket.create_connection(("127.0.0.1", served.estate.port), timeout=5) as sock:
        sock.sendall(f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
        head = sock.recv(65536).decode("latin-1")
        assert int(re.search(r"Content-Length: (\d+)", head).group(1)) >= 12_000_000
    parts = urlsplit(kinds["slowloris"]["url"])
    with socket.create_connection(("127.0.0.1", served.estate.port), timeout=0.5) as sock:
        sock.sendall(f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
        received, deadline = b"", time.monotonic() + 1.0
        while time.monotonic() < deadline:
            try:
                received += sock.recv(4096)
            except TimeoutError:
                pass
        body = received.split(b"\r\n\r\n", 1)[1]
        length = int(re.search(rb"Content-Length: (\d+)", received).group(1))
        assert 0 < len(body) < length


def test_the_three_ways_a_site_is_down(estate_dir):
    """503, refused (nothing listens at the mapped address; reset if reached anyway), > 15 s."""
    estate = Estate.load(estate_dir / "estate.json")
    estate.port = _free_port()
    modes = ("503", "refused", "timeout")
    for site, mode in zip(estate.sites[1:], modes, strict=False):
        site.down = mode
    resolve = {line.split(":")[0]: line.split(":")[2] for line in gen.resolve_lines(estate)}
    with serve.Background(estate):
        for site, mode in zip(estate.sites[1:], modes, strict=False):
            conn = http.client.HTTPConnection(resolve[site.host], estate.port, timeout=0.5)
            direct = http.client.HTTPConnection("127.0.0.1", estate.port, timeout=0.5)
            if mode == "503":
                conn.request("GET", "/", headers={"Host": site.host})
                assert conn.getresponse().status == 503
            elif mode == "refused":
                assert resolve[site.host] == gen.CLOSED_ADDRESS
                with pytest.raises(ConnectionRefusedError):
                    conn.request("GET", "/", headers={"Host": site.host})
                with pytest.raises((ConnectionError, http.client.RemoteDisconnected)):
                    direct.request("GET", "/", headers={"Host": site.host})
                    direct.getresponse()
            else:
                conn.request("GET", "/", headers={"Host": site.host})
                with pytest.raises(TimeoutError):
                    conn.getresponse()
            conn.close()
            direct.close()


def test_the_server_is_a_proxy_resets_refused_hosts_and_answers_conditional_requests(served):
    site = next(s for s in served.estate.sites if not s.down)
    home = f"http://{site.host}:{served.estate.port}/"
    with socket.create_connection(("127.0.0.1", served.estate.port), timeout=5) as sock:
        sock.sendall(f"GET {home} HTTP/1.1\r\nHost: {site.host}:{served.estate.port}\r\nConnection: close\r\n\r\n".encode())
        assert sock.recv(100).startswith(b"HTTP/1.1 200")
    _, headers, _ = served.fetch(home)
    assert served.fetch(home, headers={"If-None-Match": headers["etag"]})[0] == 304
    assert served.fetch(home, method="HEAD")[2] == b""


def _verify(served: Served, row: dict) -> None:
    """Assert that the defect ``row`` describes is really in what the server sends."""
    check, url, target = row["check"], row["url"], row["target"]
    site = next(s for s in served.estate.sites if s.host == row["site"])
    if check == "site_unreachable":
        if site.down == "503":
            assert served.fetch(url)[0] == 503
        else:  # refused (resolve.txt points at a closed address) or > 15 s (we wait half a second)
            with pytest.raises(OSError):
                served.fetch(url, timeout=0.5)
        return
    if check == "slow_page":
        assert served.timings[url].result() >= 3
        return
    status, headers, body = served.fetch(url)
    assert status == 200, row
    html = body.decode()
    now = served.estate.now_dt.date()
    if check in ("broken_link", "broken_link_home"):
        assert target in links(url, html) and served.broken(target), row
    elif check == "home_not_updated":
        pages = [urljoin(url, c.page_path(0)) for c in site.columns if c.kind in WINDOWS or c.kind == ""]
        dates = stamps(html, url) if site.layout != "nav" else [d for p in pages for d in stamps(served.html(p), p)[:15]]
        assert all(now - d > dt.timedelta(days=14) for d in dates), row
    elif check == "column_not_updated":
        column = next(c for c in site.columns if urljoin(url, c.page_path(0)) == url)
        dated = stamps(html, url)
        visible = not any(site.items[i].flags.get("undated") for i in column.items)
        assert not visible or all(now - d > dt.timedelta(days=WINDOWS[column.kind]) for d in dated), row
        if not visible:
            assert "发布时间" not in served.html(urljoin(url, site.items[column.items[0]].path))
    elif check == "column_empty":
        assert not stamps(html, url) and url == target
    elif check == "enquiry_unanswered":
        assert target in links(url, html)
        message = served.html(target)
        assert "未回复" in message and "回复内容" not in message
        posted = dt.date.fromisoformat(re.search(r"留言时间</th><td>(\d{4}-\d\d-\d\d)", message).group(1))
        assert now - posted > dt.timedelta(days=90)
    elif check == "no_enquiry_channel":
        assert "咨询" not in html
    elif check == "guide_incomplete":
        missing = row["evidence"].split("：", 1)[1].split("、")
        guide = html.split("guide-title", 1)[1][: -len(footer(html))]  # the footer has its own 联系电话
        for element in GUIDE_ELEMENTS:
            assert (element in guide) is (element not in missing), (element, row)
    elif check == "footer_missing":
        marker = {"主办单位": "主办", "联系方式": "联系", "网站标识码": "标识码", "ICP备案号": "ICP备",
                  "公安机关备案号": "公网安备", "党政机关网站标识": "dzjg.png"}[target]
        assert marker not in footer(html), row
    elif check == "identity_mismatch":
        facts = served.registry[site.host]
        if target == "SiteIDCode":
            code = LexborHTMLParser(html).css_first('meta[name="SiteIDCode"]').attributes["content"]
            assert code != facts["identifier_code"]
        else:
            field = {"网站标识码": "identifier_code", "ICP备案号": "icp_number", "公安机关备案号": "police_filing",
                     "主办单位": "sponsor"}[target]
            visible = LexborHTMLParser(footer(html)).text()  # the 找错 widget carries the code in an attribute
            assert facts[field] not in visible and site.footer_shown[target] in visible
    elif check == "meta_missing":
        page = row["evidence"].split(" ", 1)[0] if row["evidence"].startswith("http") else None
        if page:
            tree = LexborHTMLParser(served.html(page))
            assert tree.css_first(f'meta[name="{target}"]') is None, row
        else:  # malformed PubDate
            assert re.search(r'name="PubDate" content="\d{4}/\d\d/\d\d"', "".join(
                served.html(urljoin(url, it.path)) for it in list(site.items.values())[:3]))
    elif check in ("serious_wording", "typo"):
        assert target in html
    elif check == "dark_link":
        assert anchor_hidden(html, target), row
    elif check == "injected_code":
        tree = LexborHTMLParser(html)
        sources = {n.attributes.get("src") for n in tree.css("script[src], iframe[src]")}
        assert target in sources or f'src="{target}"' in html  # the last: inside document.write
        assert urlsplit(target).hostname not in served.registry[site.host]["allowed_domains"]
    elif check == "banned_content":
        assert sum(html.count(w) for w in SPAM_WORDS) >= 20
    elif check == "security_header_missing":
        assert target.lower() not in headers
    elif check == "a11y_lang":
        assert LexborHTMLParser(html).css_first("html").attributes.get("lang") is None
    elif check == "a11y_title":
        assert LexborHTMLParser(html).css_first("title").text() == ""
    elif check == "a11y_alt":
        assert any("alt" not in n.attributes for n in LexborHTMLParser(html).css("img"))
    elif check == "a11y_label":
        node = LexborHTMLParser(html).css_first('form.adv-search input[type="text"]')
        assert not ({"id", "aria-label", "title"} & set(node.attributes))
    else:
        raise AssertionError(f"no verification for {check}")


def test_every_planted_defect_is_in_the_served_bytes(served):
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda row: _verify(served, row), served.truth))


def test_security_headers_are_complete_where_nothing_was_planted(served):
    missing = {(r["site"], r["target"]) for r in served.truth if r["check"] == "security_header_missing"}
    for site in served.estate.sites:
        if site.down:
            continue
        _, headers, _ = served.fetch(f"http://{site.host}:{served.estate.port}/")
        for name in gen.SECURITY_HEADERS:
            expected = (site.host, name) not in missing and not (name == "X-Frame-Options" and site.csp_only)
            assert (name.lower() in headers) is expected, (site.host, name)


def _verify_decoy(served: Served, d: dict) -> None:
    check, url, target = d["check"], d["url"], d["target"]
    if check == "slow_page":
        assert 1 < served.timings[url].result() < 3
        return
    status, headers, body = served.fetch(url)
    assert status == 200, d
    html = body.decode()
    if check == "dark_link" and urlsplit(target).hostname == d["site"]:  # the drop-down menu
        menu = LexborHTMLParser(html).css_first('ul.sub[style="display:none"]')
        assert target in {urljoin(url, a.attributes["href"]) for a in menu.css("a")}
        assert all(a.attributes["href"].startswith("/") for a in menu.css("a"))
    elif check == "dark_link" and "<!--" in html and target not in {a.attributes.get("href") for a in LexborHTMLParser(html).css("a")}:
        assert target in html.split("<!--", 1)[1]
    elif check == "dark_link":
        assert target in links(url, html) and not anchor_hidden(html, target)
    elif check == "injected_code":
        assert target in links(url, html)
        assert urlsplit(target).hostname in served.registry[d["site"]]["allowed_domains"]
    elif check == "broken_link":
        assert not served.broken(target) or target not in links(url, html)
        assert target.rsplit("/", 1)[1] in html
    elif check in ("serious_wording", "typo"):
        assert d["note"] in html and not any(t in html for t, _ in gen.SERIOUS + gen.TYPOS)
    elif check == "banned_content":
        assert "赌博" in html and sum(html.count(w) for w in SPAM_WORDS) <= 1
    elif check == "enquiry_unanswered":
        assert target in links(url, html) and "未回复" in served.html(target)
    elif check == "guide_incomplete":
        assert all(e in html for e in GUIDE_ELEMENTS) and "<dl>" in html
    elif check == "a11y_alt":
        assert all("alt" in n.attributes for n in LexborHTMLParser(html).css("img")) and 'alt=""' in html
    elif check == "a11y_label":
        node = LexborHTMLParser(html).css_first("form.search input")
        assert {"aria-label", "title"} & set(node.attributes)
    elif check == "footer_missing":
        assert ("主办：" if target == "主办单位" else "网站标识码9") in footer(html)
    elif check == "security_header_missing":
        assert "x-frame-options" not in headers and "frame-ancestors" in headers["content-security-policy"]
    elif check == "home_not_updated":
        site = next(s for s in served.estate.sites if s.host == d["site"])
        pages = [urljoin(url, c.page_path(0)) for c in site.columns if c.kind in WINDOWS or c.kind == ""]
        newest = max(d for p in pages for d in stamps(served.html(p), p))
        assert served.estate.now_dt.date() - newest <= dt.timedelta(days=14)
    elif check in ("column_not_updated", "column_empty"):
        assert url == target
        if url.endswith("/jgzn/"):
            assert not stamps(html, url)
    else:
        raise AssertionError(f"no verification for decoy {check}")


def test_decoys_exist_and_are_not_defects(served):
    assert served.decoys
    defect_pages = {(r["site"], r["check"], r["url"]) for r in served.truth}
    for d in served.decoys:
        assert (d["site"], d["check"], d["url"]) not in defect_pages
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda d: _verify_decoy(served, d), served.decoys))


# -- the truth is what is served -----------------------------------------------------------------------
def _pages(served: Served):
    hazard_urls = {h["url"] for h in served.hazards}
    for site in served.estate.sites:
        if site.down:
            continue
        for path, route in served.renderer.routes(site).items():
            url = f"http://{site.host}:{served.estate.port}{path}"
            if route[0] in ("home", "list", "item", "static") and url not in hazard_urls:
                yield site, path, route, url


def test_recorded_links_are_the_links_in_the_bytes_and_every_host_is_mapped(served):
    """The truth's broken links come from the renderer's record; it must equal a parser's view."""
    count = 0
    for site, path, route, url in _pages(served):
        record = Record()
        html = served.renderer.render(site, route, path, record)
        recorded = {u for u, kind in record.links if kind != "form"}
        assert links(url, html) == recorded, url
        assert {urlsplit(u).hostname for u in recorded} <= set(served.resolve)
        count += 1
    assert count >= 80
    sample = [url for *_, url in _pages(served)][::25]
    for url in sample:  # and the server sends exactly the renderer's bytes
        site, path, route, _ = next(p for p in _pages(served) if p[3] == url)
        assert served.html(url) == served.renderer.render(site, route, path)


def test_nothing_is_wrong_by_accident(served):
    """Planted strings, missing alt/lang/title occur only where the truth says (or on hazard pages)."""
    at = {(r["check"], r["url"], r["target"]) for r in served.truth}
    wrong = [t for t, _ in gen.SERIOUS + gen.TYPOS]
    spam_pages = {(r["family"], r["url"]) for r in served.truth}
    banned = {r["url"] for r in served.truth if r["check"] == "banned_content"}
    for site, path, route, url in _pages(served):
        html = served.renderer.render(site, route, path)
        for target in wrong:
            if target in html:
                assert ("serious_wording", url, target) in at or ("typo", url, target) in at, (url, target)
        tree = LexborHTMLParser(html)
        assert (tree.css_first("html").attributes.get("lang") is None) == (("a11y_lang", url, "") in at), url
        assert (tree.css_first("title").text() == "") == (("a11y_title", url, "") in at), url
        assert any("alt" not in n.attributes for n in tree.css("img")) == (("a11y_alt", url, "") in at), url
        record = Record()
        served.renderer.render(site, route, path, record)
        if any(word in LexborHTMLParser(html).body.text() for word in SPAM_WORDS):  # only where planted
            assert ("dark_links", url) in spam_pages or {u for u, _ in record.links} & banned, url


def test_scoring_matches_the_rule(served):
    perfect = score_estate(served.dir, served.truth)
    assert all(f["precision"] == 1 and f["recall"] == 1 for f in perfect["families"].values())
    noisy = [dict(r, url=r["url"].replace("http://", "HTTP://") + "#x") for r in served.truth]  # normalised away
    noisy += [{"site": d["site"], "check": d["check"], "url": d["url"], "target": d["target"] or "x"} for d in served.decoys[:3]]
    noisy += [{"site": h["site"], "check": "a11y_title", "url": h["url"], "target": ""} for h in served.hazards if not h["scored"]]
    noisy += [{"site": r["site"], "check": "https_missing", "url": r["url"], "target": ""} for r in served.truth[:2]]
    result = score_estate(served.dir, noisy[len(served.truth) // 2:])
    assert result["unscored"] == sum(1 for h in served.hazards if not h["scored"]) + 2
    assert result["decoy_hits"] and any(f["fp"] for f in result["families"].values())
    assert any(f["recall"] < 1 for f in result["families"].values())


def test_generation_is_deterministic_per_seed(tmp_path):
    for name in ("a", "b"):
        gen.generate(tmp_path / name, sites=4, pages=20, seed=3, now=NOW, port=8800)
    gen.generate(tmp_path / "c", sites=4, pages=20, seed=4, now=NOW, port=8800)
    for file in ("estate.json", "sites.json", "ground_truth.jsonl", "decoys.jsonl", "hazards.jsonl", "resolve.txt"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file
    assert (tmp_path / "a" / "ground_truth.jsonl").read_bytes() != (tmp_path / "c" / "ground_truth.jsonl").read_bytes()


def test_bad_input_to_the_tools_is_refused_clearly(tmp_path, estate_dir, capsys):
    with pytest.raises(SystemExit):
        serve.main(["--estate", str(tmp_path)])
    assert "not found" in capsys.readouterr().err
    estate = Estate.load(estate_dir / "estate.json")
    with pytest.raises(SystemExit):
        serve.main(["--estate", str(estate_dir), "--port", str(estate.port + 1)])
    assert "regenerate" in capsys.readouterr().err
    data = json.loads((estate_dir / "estate.json").read_text(encoding="utf-8"))
    data["version"] = 0
    (tmp_path / "estate.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="regenerate"):
        Estate.load(tmp_path / "estate.json")
    with pytest.raises(SystemExit):
        gen.main(["--out", str(tmp_path / "x"), "--pages", "5"])
