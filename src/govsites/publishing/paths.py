"""The URL scheme of a published site: one function per kind of output, all paths relative to
the site root and without a leading slash (``zwdt/202612/t20261204_42.html``).

Pages link to each other with *relative* URLs (:func:`relative`), so a site works wherever it is
mounted: its own host name, a path prefix on the built-in server, a bucket sub-folder.
"""

from __future__ import annotations

import datetime as dt
import posixpath

HOME = "index.html"
SITEMAP_INDEX = "sitemap.xml"
NOT_FOUND = "404.html"
SERVER_ERROR = "50x.html"
ASSETS_DIR = "assets/"
ANNOUNCEMENTS_DIR = "gonggao/"
ERROR_PAGES = (NOT_FOUND, SERVER_ERROR)


def site_key(site) -> str:
    """The folder (and built-in server prefix) of a site on every front target: its English
    domain, or ``site-<id>`` for a site that has none yet."""
    return site.domain or f"site-{site.pk}"


def column_dir(url_path: str) -> str:
    """``/site-7/xxgk/zcwj/`` (the Wagtail page's url_path) → ``xxgk/zcwj/``: the site tree's
    first segment is the home page's slug, which does not appear on the front."""
    segments = [s for s in url_path.strip("/").split("/") if s][1:]
    return "".join(f"{s}/" for s in segments)


def column_index(directory: str) -> str:
    return f"{directory}index.html"


def list_page(directory: str, number: int) -> str:
    """A stable list page: number 1 holds the oldest items; see ``planning`` for why."""
    return f"{directory}list_{number}.html"


def column_feed(directory: str) -> str:
    return f"{directory}rss.xml"


def item_page(directory: str, item_id: int, published: dt.datetime) -> str:
    """Items live under their column in month folders, the common gov-site shape
    (``zwdt/202612/t20261204_42.html``), which also keeps every folder small."""
    return f"{directory}{published:%Y%m}/t{published:%Y%m%d}_{item_id}.html"


def sitemap_month(month: str) -> str:
    """One sitemap per month of publication (``sitemap/202612.xml``): a new item rewrites its
    month's file and the small index, never a sitemap of the whole site."""
    return f"sitemap/{month}.xml"


def announcement_page(announcement_id: int) -> str:
    """A registry notice (launch, offline, migration, domain change) on its host site."""
    return f"{ANNOUNCEMENTS_DIR}{announcement_id}.html"


def document_file(document_id: int, filename: str) -> str:
    return f"files/{document_id}/{filename}"


def image_file(filename: str) -> str:
    return f"images/{filename}"


def asset(name: str) -> str:
    return f"{ASSETS_DIR}{name}"


def relative(from_path: str, to_path: str) -> str:
    """The relative URL from the page at ``from_path`` to ``to_path``; a folder's index page is
    linked as the folder (``../``), the way readers expect to see it."""
    target = to_path
    folder_link = target == "index.html" or target.endswith("/index.html")
    if folder_link:
        target = target[: -len("index.html")]
    base = posixpath.dirname(from_path)
    rel = posixpath.relpath(target or ".", base or ".")
    if folder_link:
        return "./" if rel == "." else rel.rstrip("/") + "/"
    return rel
