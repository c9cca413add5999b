"""Broken links: home page and other pages apart, one per (page, target), what counts as dead."""

import asyncio
import socket

import aiohttp
import pytest
from aiohttp import web

from govsites.monitoring.checks import links
from govsites.monitoring.types import Fetch

from .sitebuild import doc, home, page, serve, site

HOME_HTML = doc(
    '<a href="/ok.html">正常页面</a><a href="/gone.html">已删除的通知</a><a href="/gone.html">重复链接</a>'
    '<img src="/img/missing.png" alt="图片新闻"><a href="/files/plan.pdf">实施方案附件</a>'
    '<a href="https://down.example.gov.cn/">已关停网站</a><a href="/big.zip">大文件</a>'
    '<form action="/search"><input name="q" aria-label="搜索"></form>'
)


def statuses(**overrides):
    base = {
        "https://www.test.gov.cn/ok.html": Fetch(url="https://www.test.gov.cn/ok.html", status=200),
        "https://www.test.gov.cn/gone.html": Fetch(url="https://www.test.gov.cn/gone.html", status=404),
        "https://www.test.gov.cn/img/missing.png": Fetch(url="https://www.test.gov.cn/img/missing.png", status=403),
        "https://www.test.gov.cn/files/plan.pdf": Fetch(url="https://www.test.gov.cn/files/plan.pdf", status=500),
        "https://down.example.gov.cn/": Fetch(url="https://down.example.gov.cn/", error="connect",
                                             error_detail="Connection refused"),
        "https://www.test.gov.cn/big.zip": Fetch(url="https://www.test.gov.cn/big.zip", status=200, error="too_large"),
        "https://www.test.gov.cn/search": Fetch(url="https://www.test.gov.cn/search", status=405),
    }
    base.update(overrides)
    return base


@pytest.mark.rule("SUP-03")
def test_dead_links_on_the_home_page_are_counted_apart_with_their_kind():
    found = links.check_links(site(), [home(HOME_HTML)], statuses())
    assert {o.check for o in found} == {"broken_link_home"}
    by_target = {o.target: o for o in found}
    assert set(by_target) == {
        "https://www.test.gov.cn/gone.html",
        "https://www.test.gov.cn/img/missing.png",
        "https://www.test.gov.cn/files/plan.pdf",
        "https://down.example.gov.cn/",
    }
    assert by_target["https://www.test.gov.cn/gone.html"].evidence == "已删除的通知"  # once per (page, target)
    assert by_target["https://www.test.gov.cn/gone.html"].detail["status"] == 404
    assert by_target["https://www.test.gov.cn/img/missing.png"].detail["kind"] == "img"
    assert by_target["https://www.test.gov.cn/files/plan.pdf"].detail["kind"] == "attachment"
    assert by_target["https://down.example.gov.cn/"].detail == {
        "status": None, "error": "connect", "error_detail": "Connection refused", "kind": "a"}
    assert all(o.url == "https://www.test.gov.cn/" for o in found)


@pytest.mark.rule("SUP-03")
def test_other_pages_report_broken_link_each_for_itself():
    one = page("/a.html", doc('<a href="/gone.html">旧链接</a>'))
    two = page("/b.html", doc('<a href="/gone.html">旧链接</a><a href="/ok.html">好链接</a>'))
    found = links.check_links(site(), [one, two], statuses())
    assert [(o.check, o.url, o.target) for o in found] == [
        ("broken_link", "https://www.test.gov.cn/a.html", "https://www.test.gov.cn/gone.html"),
        ("broken_link", "https://www.test.gov.cn/b.html", "https://www.test.gov.cn/gone.html"),
    ]


def test_unchecked_targets_are_skipped_and_crawled_pages_count_as_checked():
    broken_page = page("/gone2.html", "<p>not found</p>", status=404)
    linking = page("/c.html", doc('<a href="/gone2.html">坏</a><a href="/never-checked.html">未检查</a>'))
    found = links.check_links(site(), [linking, broken_page], {})
    assert [o.target for o in found] == ["https://www.test.gov.cn/gone2.html"]


def test_what_counts_as_dead():
    assert links.is_dead(Fetch(url="x", status=404))
    assert links.is_dead(Fetch(url="x", status=503))
    assert links.is_dead(Fetch(url="x", error="timeout"))
    assert links.is_dead(Fetch(url="x", status=None, error="redirect_loop"))
    assert not links.is_dead(Fetch(url="x", status=301))
    assert not links.is_dead(Fetch(url="x", status=200, error="not_html"))
    assert not links.is_dead(Fetch(url="x", status=304, not_modified=True))
    lenient = links.Thresholds(frozenset({429}))
    assert links.is_dead(Fetch(url="x", status=429)) and not links.is_dead(Fetch(url="x", status=429), lenient)
    assert links.thresholds() == links.Thresholds(frozenset())


async def _fetch_all(urls):
    """A minimal link check with aiohttp (the crawler's LinkChecker does this for real)."""
    results = {}
    timeout = aiohttp.ClientTimeout(total=3)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for target in urls:
            try:
                async with session.get(target, allow_redirects=True) as response:
                    results[target] = Fetch(url=target, status=response.status)
            except aiohttp.ClientError as exc:
                results[target] = Fetch(url=target, error="connect", error_detail=str(exc))
    return results


async def _ok(request):
    return web.Response(text="ok")


async def _err(request):
    return web.Response(status=500)


async def _moved(request):
    raise web.HTTPFound("/nowhere")


@pytest.fixture
def server():
    """A real HTTP server on 127.0.0.1 with a good page, a missing one, a 500 and a redirect to a 404."""
    with serve([("/ok", _ok), ("/err", _err), ("/moved", _moved)]) as base:
        yield base


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_statuses_from_a_real_server(server):
    closed = f"http://127.0.0.1:{_closed_port()}/"
    html = doc(f'<a href="{server}/ok">好</a><a href="{server}/nowhere">无</a><a href="{server}/err">错</a>'
               f'<a href="{server}/moved">跳转到无</a><a href="{closed}">关停</a>')
    start = home(html)
    targets = [link.url for link in start.links]
    found = links.check_links(site(), [start], asyncio.run(_fetch_all(targets)))
    assert sorted((o.target.rsplit("/", 1)[-1], o.detail["status"]) for o in found) == [
        ("", None), ("err", 500), ("moved", 404), ("nowhere", 404)]
