"""The simulated estate as data: sites, columns, items, planted faults — saved as ``estate.json``.

The generator (:mod:`.estate`) builds this model; the renderer (:mod:`.render`) turns it into
pages, and the server (:mod:`.serve`) and the ground truth are both derived from it, so what is
served and what the truth says cannot drift apart. Body text is not stored: the renderer draws it
from a per-page seed, so a 500 × 200 estate is a ~20 MB file.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

FORMAT_VERSION = 1
PAGE_SIZE = 15  # list items per column page

#: Column kinds and the freshness window the indicators give them (days; national.md §2.3).
WINDOWS = {"dynamic": 14, "notice": 183, "personnel": 366}
#: Kinds whose column pages are checked for freshness; "" = no window (解读, 专题 …).
ARTICLE_KINDS = ("dynamic", "notice", "personnel", "")
ENQUIRY, GUIDES = "enquiry", "guides"


@dataclass
class Item:
    """An article, enquiry message or service guide. ``date`` is local time ``YYYY-MM-DD HH:MM``.

    ``extras`` are planted fragments, each ``[type, *args]`` (see ``render.EXTRAS``); ``flags``
    hold per-page faults and variants (``undated``, ``nolang``, ``notitle``, ``noalt``, ``decor``,
    ``slow``, ``hazard``, ``reply``/``replied`` for messages, ``missing`` for guides).
    """

    id: int
    col: str
    title: str
    date: str
    kind: str = "article"  # article | message | guide | banned
    extras: list[list] = field(default_factory=list)
    flags: dict = field(default_factory=dict)

    @property
    def stamp(self) -> str:
        return self.date[:10].replace("-", "")

    @property
    def path(self) -> str:
        return f"/{self.col}/{self.stamp[:6]}/t{self.stamp}_{self.id}.html"

    def image_path(self, k: int) -> str:
        return f"/{self.col}/{self.stamp[:6]}/W0{self.stamp}{self.id:06d}{k}.jpg"

    def attachment_path(self, k: int, ext: str) -> str:
        return f"/{self.col}/{self.stamp[:6]}/P0{self.stamp}{self.id:06d}{k}.{ext}"


@dataclass
class Column:
    slug: str
    name: str
    kind: str  # dynamic | notice | personnel | "" | enquiry | guides
    items: list[int] = field(default_factory=list)  # newest first
    empty: bool = False

    def page_path(self, n: int) -> str:
        """The n-th list page (0-based), TRS style: ``/gzdt/``, ``/gzdt/index_1.html`` …"""
        return f"/{self.slug}/" if n == 0 else f"/{self.slug}/index_{n}.html"

    def page_count(self) -> int:
        return max(1, -(-len(self.items) // PAGE_SIZE))


@dataclass
class Site:
    host: str
    name: str
    sponsor: str
    site_type: str  # portal | department
    division: str  # 6-digit division code
    code: str  # 政府网站标识码
    icp: str
    police: str
    phone: str
    address: str
    place: str  # place name used in text (青岚市 …)
    layout: str  # table | list | nav | card
    date_style: str  # see render.DATE_STYLES
    date_place: str  # span | plain | td | dd | time | none
    footer_style: int = 0
    guide_style: str = "table"  # table | dl
    search_style: str = "label"  # label | aria | title
    meta: str = "full"  # full | none | bad_pubdate | no_source | no_column_type
    conac: bool = True
    jiucuo: bool = True
    dropdown: bool = False
    analytics: bool = False
    down: str = ""  # "" | 503 | refused | timeout
    missing_headers: list[str] = field(default_factory=list)
    csp_only: bool = False  # frame-ancestors in CSP instead of X-Frame-Options (a decoy)
    footer_missing: list[str] = field(default_factory=list)
    footer_shown: dict[str, str] = field(default_factory=dict)  # element -> value shown instead of the registry's
    meta_code: str = ""  # SiteIDCode shown in meta instead of the registry's
    columns: list[Column] = field(default_factory=list)
    items: dict[int, Item] = field(default_factory=dict)
    friends: list[str] = field(default_factory=list)
    home_extras: list[list] = field(default_factory=list)
    page_flags: dict[str, dict] = field(default_factory=dict)  # static page path -> flags
    specials: dict[str, list] = field(default_factory=dict)  # path?query -> ["status", n] | ["redirect", path, code]
    allowed: list[str] = field(default_factory=list)
    seed: int = 0

    @property
    def shown_sponsor(self) -> str:
        """The sponsor the pages name (a renamed office still showing its old name differs)."""
        return self.footer_shown.get("主办单位", self.sponsor)

    def column(self, slug: str) -> Column:
        return next(c for c in self.columns if c.slug == slug)

    def columns_of(self, *kinds: str) -> list[Column]:
        return [c for c in self.columns if c.kind in kinds]


@dataclass
class External:
    """A host outside the estate that pages link to (served by the same server, never the internet)."""

    host: str
    role: str  # gov | news | badge | jiucuo | analytics | spam | script
    missing: list[str] = field(default_factory=list)  # paths answering 404


@dataclass
class Estate:
    seed: int
    now: str  # local time YYYY-MM-DD HH:MM (Asia/Shanghai)
    port: int
    pages: int
    sites: list[Site]
    externals: list[External]
    version: int = FORMAT_VERSION

    @property
    def now_dt(self) -> dt.datetime:
        return parse_local(self.now)

    def origin(self, host: str) -> str:
        return f"http://{host}:{self.port}"

    def url(self, host: str, path: str) -> str:
        return f"http://{host}:{self.port}{path}"

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Estate:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(f"{path}: estate format {data.get('version')} is not {FORMAT_VERSION}; regenerate it")
        sites = []
        for s in data.pop("sites"):
            columns = [Column(**c) for c in s.pop("columns")]
            items = {int(k): Item(**v) for k, v in s.pop("items").items()}
            sites.append(Site(columns=columns, items=items, **s))
        externals = [External(**e) for e in data.pop("externals")]
        return cls(sites=sites, externals=externals, **data)


def parse_local(value: str) -> dt.datetime:
    return dt.datetime.strptime(value, "%Y-%m-%d %H:%M")


def fmt_local(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def stable_seed(*parts: object) -> int:
    """A seed that is the same in every process (``hash()`` is salted per process)."""
    return zlib.crc32(":".join(map(str, parts)).encode())
