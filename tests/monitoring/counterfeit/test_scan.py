"""SEC-07: look-alikes of an estate site are found through DNS and judged by what they serve."""

import asyncio

import pytest
from aiohttp import web

from govsites.monitoring.counterfeit.dns import DomainResolver
from govsites.monitoring.counterfeit.scan import (
    LISTED,
    Listed,
    judge,
    parse_candidate_lines,
    read_candidate_list,
    scan,
)
from govsites.monitoring.counterfeit.similarity import Comparison
from govsites.monitoring.crawler.fetch import Fetcher
from govsites.monitoring.types import Fetch

from .pages import COPY, EDUCATION, EDUCATION_HOME, OTHER_GOVERNMENT, SITE, UNRELATED, home_page
from .servers import dns_server, web_server

LOCAL = {"A": ["127.0.0.1"]}
RECORDS = {
    "www.jinzhong.gov.cn": LOCAL,
    "jinzhong-gov.com": {**LOCAL, "NS": ["ns1.example.net."], "MX": ["10 mail.jinzhong-gov.com."]},  # a copy
    "jzs.com": LOCAL,  # pinyin initials of the name, a travel agency
    "jinzhong.cn": LOCAL,  # registered by the government itself: redirects home
    "jinzhonggov.com": {"NS": ["ns1.example.net."]},  # parked apex; the site is on www
    "www.jinzhonggov.com": LOCAL,
    "jzszf.com": LOCAL,  # resolves, serves nothing
    "fake-county.example.com": LOCAL,  # from a citizen's report: some other government
}
ROUTES = {
    "www.jinzhong.gov.cn": home_page(),
    "jinzhong-gov.com": COPY,
    "jzs.com": UNRELATED,
    "www.jinzhonggov.com": COPY,
    "fake-county.example.com": OTHER_GOVERNMENT,
}


def run_scan(records, routes, sites=(SITE,), **options):
    """Scan with the test DNS and the crawler's fetcher, which reaches the names that DNS gives an
    address through its host override (the web server listens on a random port)."""

    async def main():
        async with dns_server(records) as (dns_port, responder), web_server(routes) as web_port:
            resolver = DomainResolver(["127.0.0.1"], port=dns_port, timeout=1, lifetime=2)
            pinned = {host: f"127.0.0.1:{web_port}" for host, entry in records.items() if entry.get("A")}
            async with Fetcher(resolve=pinned, host_delay=0, retries=0, timeout=5, connect_timeout=2) as fetcher:
                suspects = await scan(list(sites), fetcher.get, resolver=resolver, **options)
            return suspects, responder.questions

    return asyncio.run(main())


@pytest.mark.rule("SEC-07")
def test_scan_finds_the_copy_and_tells_it_from_unrelated_sites():
    routes = {**ROUTES, "jinzhong.cn": web.Response(status=302, headers={"Location": "http://www.jinzhong.gov.cn/"})}
    listed, rejected = parse_candidate_lines([
        "# from a citizen's report", "http://fake-county.example.com/notice.html", "gone.example.org", "not a domain",
    ])
    suspects, questions = run_scan(RECORDS, routes, candidates=listed)
    by_domain = {s.domain: s for s in suspects}

    copy = by_domain["jinzhong-gov.com"]
    assert copy.verdict == "counterfeit"
    assert copy.site == "www.jinzhong.gov.cn"
    assert copy.fuzzer == "gov-suffix"
    assert copy.addresses == ("127.0.0.1",)
    assert copy.url == "http://jinzhong-gov.com/"
    assert copy.score > 0.8
    assert set(copy.detail["shared_claims"]) == {"identifier_code", "icp", "police", "badge"}
    assert any("政府网站标识码：1407000001" in line for line in copy.evidence)
    assert copy.detail["dns"]["mx"] == ("mail.jinzhong-gov.com",)

    # The parked apex sends us to www, where the copy is.
    www = by_domain["jinzhonggov.com"]
    assert (www.verdict, www.url) == ("counterfeit", "http://www.jinzhonggov.com/")

    travel = by_domain["jzs.com"]
    assert (travel.verdict, travel.fuzzer) == ("unrelated", "pinyin")
    assert travel.score < 0.3

    defensive = by_domain["jinzhong.cn"]
    assert defensive.verdict == "unrelated"
    assert "跳转至本地区政府网站 www.jinzhong.gov.cn" in defensive.notes()

    assert by_domain["jzszf.com"].verdict == "unrelated"  # resolves, 404 page

    reported = by_domain["fake-county.example.com"]
    assert (reported.verdict, reported.fuzzer, reported.site) == ("suspicious", LISTED, "")
    assert reported.url == "http://fake-county.example.com/notice.html"
    assert any("9999990001" in line for line in reported.evidence)
    assert any("党政机关网站标识" in line for line in reported.evidence)
    gone = by_domain["gone.example.org"]
    assert (gone.verdict, gone.addresses) == ("unrelated", ())
    assert rejected == ["第4行：不是有效的域名或网址。"]

    # Only names that exist (or were listed) come back; the real site never does.
    assert "www.jinzhong.gov.cn" not in by_domain and "jinzhong.gov.cn" not in by_domain
    assert set(by_domain) == {"jinzhong-gov.com", "jinzhonggov.com", "jzs.com", "jinzhong.cn", "jzszf.com",
                              "fake-county.example.com", "gone.example.org"}
    # Most serious first.
    assert [s.verdict for s in suspects][:3] == ["counterfeit", "counterfeit", "suspicious"]
    # The permutations were really asked about (one A query each for the NXDOMAIN ones).
    asked = {name for name, rdtype in questions if rdtype == "A"}
    assert {"jinzhomg.gov.cn", "jinzh0ng.gov.cn", "jinzhong.gov-cn.com", "jinzhong.com"} <= asked


@pytest.mark.rule("SEC-07")
def test_scan_without_a_reachable_home_page_still_uses_the_registry_facts():
    routes = {k: v for k, v in ROUTES.items() if k != "www.jinzhong.gov.cn"}
    suspects, _ = run_scan(RECORDS, routes, fuzzers=["gov-suffix"])
    copy = next(s for s in suspects if s.domain == "jinzhong-gov.com")
    # No page to compare with: the registry's identifier code, ICP and police numbers still match.
    assert copy.verdict == "counterfeit"
    assert {"identifier_code", "icp", "police"} <= set(copy.detail["shared_claims"])


@pytest.mark.rule("SEC-07")
def test_a_listed_page_is_matched_to_the_estate_site_it_copies():
    records = {**RECORDS, "jyj.jinzhong.gov.cn": LOCAL, "edu-jinzhong.example.com": LOCAL}
    routes = {**ROUTES, "jyj.jinzhong.gov.cn": EDUCATION_HOME, "edu-jinzhong.example.com": EDUCATION_HOME}
    listed, _ = parse_candidate_lines(["edu-jinzhong.example.com", "jinzhong-gov.com", "jyj.jinzhong.gov.cn"])
    suspects, _ = run_scan(records, routes, sites=(SITE, EDUCATION), candidates=listed, permute=False)
    by_domain = {s.domain: (s.site, s.verdict, s.fuzzer) for s in suspects}
    # The estate's own host on the list is ignored; each copy goes to the site it copies.
    assert by_domain == {
        "edu-jinzhong.example.com": ("jyj.jinzhong.gov.cn", "counterfeit", LISTED),
        "jinzhong-gov.com": ("www.jinzhong.gov.cn", "counterfeit", LISTED),
    }


def test_a_hung_fetch_does_not_hang_the_scan():
    async def main():
        async with dns_server({"jinzhong-gov.com": LOCAL}) as (dns_port, _):
            resolver = DomainResolver(["127.0.0.1"], port=dns_port, timeout=1, lifetime=2)

            async def stuck(url: str) -> Fetch:
                await asyncio.sleep(30)
                raise AssertionError("not reached")

            return await scan([SITE], stuck, resolver=resolver, fuzzers=["gov-suffix"], fetch_timeout=0.2,
                              home_pages={SITE.host: home_page()})

    suspects = asyncio.run(main())
    assert [(s.domain, s.verdict) for s in suspects] == [("jinzhong-gov.com", "unrelated")]
    assert "timeout" in suspects[0].notes()


def test_verdict_rules():
    copy = Comparison(text_similarity=0.95, title_similarity=1.0)
    assert judge(copy, "jinzhong-gov.com") == "counterfeit"
    # Another gov.cn site built from the same template is only suspicious.
    assert judge(copy, "www.jinzhou.gov.cn") == "suspicious"
    assert judge(Comparison(shared_claims=["identifier_code"]), "www.jinzhou.gov.cn") == "counterfeit"
    named = Comparison(names_site=True, government_claims=["页面标题含“人民政府”"])
    assert judge(named, "jzszf.com") == "counterfeit"
    assert judge(Comparison(government_claims=["页面含党政机关网站标识"]), "jzszf.com") == "suspicious"
    assert judge(Comparison(government_claims=["页面含党政机关网站标识"]), "www.jinzhou.gov.cn") == "unrelated"
    half = Comparison(text_similarity=0.5, title_similarity=0.6)
    assert judge(half, "x.com") == "suspicious"
    assert judge(half, "x.com", suspicious_threshold=0.6) == "unrelated"
    assert judge(copy, "x.com", counterfeit_threshold=0.99) == "suspicious"


def test_candidate_list_lines_are_checked(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(
        "\ufeffJinZhong-Gov.com\nhttps://晋中.政务.example.com/a?b=1\nftp://x.com/\nhttp://a b.com/\n\n"
        "jinzhong-gov.com.\n-bad-.com\nexample\n".encode() + b"\xff\xfe broken\n"
    )
    listed, rejected = read_candidate_list(path)
    assert listed[0] == Listed(domain="jinzhong-gov.com")
    assert listed[1].domain.startswith("xn--") and listed[1].url == "https://晋中.政务.example.com/a?b=1"
    assert len(listed) == 2  # the trailing-dot duplicate is merged
    assert rejected == [
        "第3行：只接受 http 或 https 网址。",
        "第4行：只接受 http 或 https 网址。",
        "第7行：不是有效的域名或网址。",
        "第8行：不是有效的域名或网址。",
        "第9行：不是有效的域名或网址。",
    ]
    listed, rejected = parse_candidate_lines(["a.com", "b.com", "c.com"], limit=2)
    assert [entry.domain for entry in listed] == ["a.com", "b.com"]
    assert rejected == ["第3行起超出2条的上限，未检测。"]
