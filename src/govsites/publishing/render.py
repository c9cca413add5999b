"""Turns the plain values of :mod:`.context` into the bytes of a static site: pages, feeds,
sitemaps and the shared front-end assets.

Pure functions over immutable values, no ORM and no Django (beyond finding the installed apps'
template folders once): the publisher calls them tens of thousands of times per rebuild, so
everything that does not depend on the page (the Jinja2 environment, compiled templates, asset
hashes, relative links between two folders) is computed once per process.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup

from . import paths
from .context import PUB_DATE_FORMAT, ColumnMeta, FeedEntry, NavLink, Page, SiteIdentity

SHANGHAI = ZoneInfo("Asia/Shanghai")
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates" / "front"
ASSETS_SOURCE_DIR = Path(__file__).resolve().parent / "front_assets"

#: ``Page.kind`` → template
PAGE_TEMPLATES = {"home": "home.html", "column": "column.html", "item": "item.html", "error": "error.html"}

#: MIIT's ICP filing lookup: the footer's ICP number links here, as readers and checkers expect
ICP_URL = "https://beian.miit.gov.cn/"

# ``url("cursor.svg")`` inside site.css: rewritten to the hashed file name.
_CSS_URL = re.compile(r"""url\(\s*(["']?)([\w.-]+)\1\s*\)""")


def _local(value: dt.datetime) -> dt.datetime:
    """Naive datetimes are taken as already in Asia/Shanghai (the context's promise)."""
    return value.astimezone(SHANGHAI) if value.tzinfo is not None else value.replace(tzinfo=SHANGHAI)


def pubdate(value: dt.datetime) -> str:
    """``YYYY-MM-DD HH:MM``: the 47号 format of every publication time and of ``PubDate``."""
    return _local(value).strftime(PUB_DATE_FORMAT)


def date(value: dt.datetime) -> str:
    return _local(value).strftime("%Y-%m-%d")


def iso(value: dt.datetime) -> str:
    """Machine-readable ``<time datetime>`` value, with the +08:00 offset."""
    return _local(value).isoformat(timespec="minutes")


def site_url(site: SiteIdentity, path: str) -> str:
    """Absolute URL on the site's own domain ('' before the domain is granted); a folder's index
    page is addressed as the folder, like every link on the pages."""
    if not site.domain:
        return ""
    if path == paths.HOME:
        path = ""
    elif path.endswith("/" + paths.HOME):
        path = path[: -len(paths.HOME)]
    return f"https://{site.domain}/{path}"


# -- assets ----------------------------------------------------------------------------------


def _hashed_name(name: str, content: bytes) -> str:
    stem, dot, ext = name.rpartition(".")
    return f"{stem}.{hashlib.sha256(content).hexdigest()[:8]}{dot}{ext}"


@functools.cache
def _assets() -> tuple[dict[str, str], dict[str, bytes]]:
    """(logical name → output path, output path → bytes). Stylesheets are hashed last, after their
    ``url()`` references were rewritten, so a changed icon also changes the stylesheet's name."""
    sources = {p.name: p.read_bytes() for p in sorted(ASSETS_SOURCE_DIR.iterdir()) if p.is_file()}
    names: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for name, content in sources.items():
        if not name.endswith(".css"):
            names[name] = paths.asset(_hashed_name(name, content))
            files[names[name]] = content
    for name, content in sources.items():
        if name.endswith(".css"):

            def hashed(match: re.Match) -> str:
                target = match.group(2)
                if target not in names:
                    return match.group(0)
                return f'url("{posixpath.basename(names[target])}")'

            content = _CSS_URL.sub(hashed, content.decode("utf-8")).encode("utf-8")
            names[name] = paths.asset(_hashed_name(name, content))
            files[names[name]] = content
    return names, files


def asset_files() -> dict[str, bytes]:
    """Every shared asset as ``{output path: bytes}``; content-hashed names, so fronts may cache
    them forever (a changed file is a new name)."""
    return dict(_assets()[1])


def asset_path(name: str) -> str:
    """Output path of a shared asset (``site.css`` → ``assets/site.3f9a1c2b.css``)."""
    return _assets()[0][name]


# -- templates -------------------------------------------------------------------------------


def template_dirs() -> list[Path]:
    """This app's front templates first (``base.html`` and its parts cannot be shadowed), then
    the ``templates/front/`` folder of every other installed app that has one: another app's
    pages (the interaction platform's ``interaction/*.html``) extend ``base.html``."""
    from django.apps import apps

    found = (Path(config.path) / "templates" / "front" for config in apps.get_app_configs())
    return [TEMPLATES_DIR, *(d for d in found if d.is_dir() and d != TEMPLATES_DIR)]


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dirs()),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # templates ship with the code: no stat() per render
        keep_trailing_newline=True,
    )
    env.globals.update(
        pubdate=pubdate, date=date, iso=iso, site_url=site_url, ICP_URL=ICP_URL, rfc822=_rfc822
    )
    return env


@functools.cache
def _template(name: str) -> jinja2.Template:
    return environment().get_template(name)


@functools.lru_cache(maxsize=65536)
def _relative(from_dir: str, to_path: str) -> str:
    """``paths.relative`` depends only on the linking page's folder: pages of one folder share
    every nav, footer and asset link, so cache per folder."""
    return paths.relative(posixpath.join(from_dir, paths.HOME), to_path)


def _root_link(path: str) -> str:
    """``zwdt/index.html`` → ``zwdt/``: the folder, as in relative links."""
    if path == paths.HOME:
        return ""
    return path[: -len(paths.HOME)] if path.endswith("/" + paths.HOME) else path


def _helpers(folder: str, root: str = "") -> tuple[Callable[[str], str], Callable[[str], str]]:
    """``url`` and ``asset`` for pages of ``folder``: relative links, or absolute paths under
    ``root`` (see :func:`render_page`)."""
    names = _assets()[0]
    if root:

        def url(path: str) -> str:
            return root + _root_link(path)

        def asset(name: str) -> str:
            return root + names[name]

        return url, asset

    def url(path: str) -> str:
        return _relative(folder, path)

    def asset(name: str) -> str:
        return _relative(folder, names[name])

    return url, asset


@dataclass(frozen=True)
class _Chrome:
    head: Markup  # asset links of <head>
    header: Markup  # header identity area and nav
    footer: Markup  # bottom function area


@functools.lru_cache(maxsize=4096)
def _chrome(site: SiteIdentity, folder: str, home: bool, here: str, root: str) -> _Chrome:
    """Header, footer and asset links: the same for every page of one folder (``here`` is only
    set for a folder's index page, which a nav link may point at), so rendered once per folder."""
    url, asset = _helpers(folder, root)

    def nav_state(link: NavLink) -> str:
        """``page`` on the link's own page, ``section`` anywhere below its folder, else ''."""
        if link.path == here:
            return "page"
        section = posixpath.dirname(link.path)
        return "section" if section and f"{folder}/".startswith(f"{section}/") else ""

    values = dict(site=site, home=home, url=url, asset=asset, nav_state=nav_state)
    # Output of autoescaping templates: already escaped, so safe to insert as is.
    parts = (_template(name).render(values) for name in ("_head.html", "_header.html", "_footer.html"))
    return _Chrome(*(Markup(part) for part in parts))  # noqa: S704


def render_page(page: Page) -> bytes:
    """One HTML page, picked by ``page.kind``.

    Links are relative, so a site works wherever it is mounted. Error pages are the exception a
    caller may opt into: the front serves them at whatever URL was not found (``/a/b/c.html``),
    where relative links would miss; ``page.extra["root"]`` (the site's URL path on its front,
    e.g. ``/``) makes every link of the page an absolute path under it instead."""
    try:
        template = _template(page.template or PAGE_TEMPLATES[page.kind])
    except KeyError:
        raise ValueError(f"unknown page kind {page.kind!r}") from None
    folder = posixpath.dirname(page.path)
    here = page.path if page.path.endswith(paths.HOME) else ""
    root = page.extra.get("root", "")
    chrome = _chrome(page.site, folder, page.kind == "home", here, root)
    url, asset = _helpers(folder, root)
    return template.render(page=page, site=page.site, url=url, asset=asset, chrome=chrome).encode("utf-8")


def _rfc822(value: dt.datetime) -> str:
    """RSS dates: ``Wed, 04 Mar 2026 09:30:00 +0800``."""
    return format_datetime(_local(value))


def render_feed(site: SiteIdentity, column: ColumnMeta, entries: Sequence[FeedEntry], self_url: str) -> bytes:
    """RSS 2.0 of one column, newest first. ``lastBuildDate`` is the newest entry's time, not the
    render time, so an unchanged column renders byte-identical and is not re-pushed."""
    return (
        _template("feed.xml")
        .render(site=site, column=column, entries=entries, self_url=self_url,
                link=site_url(site, column.path))
        .encode("utf-8")
    )


def _w3c(value: dt.datetime) -> str:
    """Sitemap ``lastmod``: W3C datetime with the +08:00 offset."""
    return _local(value).isoformat(timespec="seconds")


def render_sitemap(urls: Sequence[tuple[str, dt.datetime]]) -> bytes:
    """A sitemaps.org ``urlset``: absolute URLs with their last modification."""
    rows = [(loc, _w3c(lastmod)) for loc, lastmod in urls]
    return _template("sitemap.xml").render(rows=rows).encode("utf-8")


def render_sitemap_index(entries: Sequence[tuple[str, dt.datetime | None]]) -> bytes:
    """A sitemaps.org ``sitemapindex`` over the monthly sitemaps (``lastmod`` is optional: the
    publisher leaves it out so a new item does not rewrite the index)."""
    rows = [(loc, _w3c(lastmod) if lastmod else "") for loc, lastmod in entries]
    return _template("sitemap_index.xml").render(rows=rows).encode("utf-8")
