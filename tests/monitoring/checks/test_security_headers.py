"""Security response headers per site, judged on the home page's response."""

import asyncio

import aiohttp
import pytest
from aiohttp import web

from govsites.monitoring.checks import security_headers
from govsites.monitoring.types import Fetch, Page

from .sitebuild import doc, home, page, serve, site

GOOD = {
    "Content-Security-Policy": "default-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def missing(pages):
    return sorted(o.target for o in security_headers.check_security_headers(site(), pages))


def test_all_headers_present_is_clean_and_each_absent_one_is_reported_per_site():
    assert missing([home(doc("<p>首页</p>"), headers=GOOD)]) == []
    found = security_headers.check_security_headers(site(), [home(doc("<p>首页</p>")), page("/a.html", doc("x"))])
    assert sorted(o.target for o in found) == sorted(GOOD)
    assert {o.url for o in found} == {"https://www.test.gov.cn/"}
    assert found[0].detail == {"value": None, "https": True}


def test_useless_values_and_the_alternatives_that_count():
    weak = {**GOOD, "X-Content-Type-Options": "sniff", "Strict-Transport-Security": "max-age=0"}
    assert missing([home(doc("x"), headers=weak)]) == ["Strict-Transport-Security", "X-Content-Type-Options"]
    report_only = {k: v for k, v in GOOD.items() if k != "Content-Security-Policy"}
    report_only["Content-Security-Policy-Report-Only"] = "default-src 'self'"
    assert missing([home(doc("x"), headers=report_only)]) == ["Content-Security-Policy"]
    meta = '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'"><meta name="referrer" content="no-referrer">'
    alternatives = {k: v for k, v in GOOD.items() if k not in ("Content-Security-Policy", "Referrer-Policy",
                                                                 "X-Frame-Options")}
    alternatives["content-security-policy"] = "default-src 'self'; frame-ancestors 'self'"
    assert missing([home(doc("x", head=meta), headers=alternatives)]) == []
    meta_only = {k: v for k, v in alternatives.items() if k != "content-security-policy"}
    assert missing([home(doc("x", head=meta), headers=meta_only)]) == ["X-Frame-Options"]


def test_hsts_is_required_only_over_https_and_unknown_required_headers_are_refused():
    plain = home(doc("x"), headers={k: v for k, v in GOOD.items() if k != "Strict-Transport-Security"})
    plain.fetch.final_url = plain.fetch.url = "http://www.test.gov.cn/"
    assert missing([plain]) == []
    with pytest.raises(ValueError, match="X-Powered-By"):
        security_headers.check_security_headers(site(), [plain], limits=security_headers.Thresholds(("X-Powered-By",)))
    assert "Referrer-Policy" in security_headers.thresholds().required


def test_no_usable_page_means_nothing_to_judge():
    failed = home("", status=503)
    assert missing([failed]) == []


async def _with_headers(request):
    return web.Response(text=doc("<p>首页</p>"), content_type="text/html",
                        headers={"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"})


async def _fetch(address):
    async with aiohttp.ClientSession() as session, session.get(address) as response:
        return Fetch(url=address, final_url=str(response.url), status=response.status, text=await response.text(),
                     headers={k.lower(): v for k, v in response.headers.items()})


def test_headers_as_a_real_server_sends_them():
    with serve([("/", _with_headers)]) as base:
        fetch = asyncio.run(_fetch(base + "/"))
    found = security_headers.check_security_headers(site(home_url=base + "/"), [Page(fetch=fetch, depth=0)])
    assert sorted(o.target for o in found) == ["Content-Security-Policy", "Referrer-Policy"]  # plain http: no HSTS
