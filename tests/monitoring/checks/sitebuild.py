"""Small builders for the page-check tests: HTML strings in, ``types.Page`` / ``SiteFacts`` out."""

from __future__ import annotations

import asyncio
import contextlib
import threading

from aiohttp import web

from govsites import clock
from govsites.monitoring import html as page_html
from govsites.monitoring.checks._html import absolute
from govsites.monitoring.types import Fetch, Link, Page, SiteFacts

HOST = "www.test.gov.cn"
HOME = f"https://{HOST}/"
NOW = clock.at(2026, 7, 19, 10, 0)


def site(**kwargs) -> SiteFacts:
    values = {"host": HOST, "home_url": HOME, "name": "测试市人民政府", "sponsor": "测试市人民政府办公室"}
    values.update(kwargs)
    return SiteFacts(**values)


def url(path: str) -> str:
    return absolute(HOME, path)


def page(path: str, html: str, *, depth: int = 1, status: int = 200, headers=None, elapsed: float = 0.2,
         error: str = "", referrer: str = "") -> Page:
    """A fetched page at ``path`` (relative to the test home page) with the links its HTML holds."""
    address = url(path)
    fetch = Fetch(url=address, final_url=address, status=status, headers=dict(headers or {}),
                  content_type="text/html", text=html, size=len(html.encode()), elapsed=elapsed, error=error)
    return Page(fetch=fetch, depth=depth, referrer=referrer, links=links_of(address, html))


def home(html: str, **kwargs) -> Page:
    return page("/", html, depth=0, **kwargs)


def links_of(base: str, html: str) -> list[Link]:
    """The links as the crawler extracts them."""
    return page_html.parse(html, base).links()


def doc(body: str, *, head: str = "", lang: str = "zh-CN", title: str = "测试页") -> str:
    """A whole HTML document around ``body``."""
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
            f"<body>{body}</body></html>")


def rows(*pairs: tuple[str, str], tag: str = "ul", href: str = "/a/{i}.html") -> str:
    """A list of (title, date text) rows as ``<li><a>title</a><span>date</span></li>``."""
    items = "".join(
        f'<li><a href="{href.format(i=i)}">{title}</a><span class="date">{date}</span></li>'
        for i, (title, date) in enumerate(pairs)
    )
    return f'<{tag} class="list">{items}</{tag}>'


@contextlib.contextmanager
def serve(routes):
    """A real aiohttp server on 127.0.0.1 (its own loop in a thread) for ``(path, handler)`` GET
    routes; yields its base URL."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def start():
        app = web.Application()
        for path, handler in routes:
            app.router.add_get(path, handler)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        return runner, runner.addresses[0][1]

    runner, port = asyncio.run_coroutine_threadsafe(start(), loop).result(5)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()
