"""What the templates see: plain, immutable values, built in bulk by :mod:`.loading`.

Templates never touch the ORM (no lazy query can hide in a loop over 100,000 pages), and every
value here is already decided: display strings in Chinese, URLs as site-root-relative paths
(templates turn them into relative links with ``url(path)``), dates as aware datetimes in
Asia/Shanghai.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

#: The format of every publication time shown on a page and of the ``PubDate`` meta tag (47号).
PUB_DATE_FORMAT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class NavLink:
    title: str
    path: str  # site-root-relative output path (``zwdt/index.html``)


@dataclass(frozen=True)
class SiteIdentity:
    """Header identity area and footer of every page (REG-05, REG-17, REG-18, 47号 meta tags)."""

    key: str  # folder on the front targets
    name: str  # full name, shown in the header identity area (REG-05)
    domain: str  # ``SiteDomain`` meta tag; may be empty before the domain is granted
    site_code: str  # 网站标识码, ``SiteIDCode`` meta tag
    sponsor: str  # 主办单位
    operator: str  # 承办单位 (may be empty)
    contact_phone: str
    contact_email: str
    contact_address: str
    icp_number: str  # ICP备案号, linked to https://beian.miit.gov.cn/
    public_security_number: str  # 公安机关备案号 text, e.g. 晋公网安备14010502000001号
    public_security_url: str  # the filing's page on www.beian.gov.cn ('' if no number)
    site_mark_number: str  # 党政机关网站标识 certificate number ('' if none yet)
    site_mark_url: str  # where the party-and-government mark links (the certificate's page)
    error_report_url: str  # 我为政府网站找错 entry
    estate_name: str  # the estate's (province / city platform's) name, next to its unified logo (REG-17)
    nav: tuple[NavLink, ...] = ()  # top-level columns, in tree order
    notice: str = ""  # a site-wide banner, e.g. the site is closing / temporarily offline


@dataclass(frozen=True)
class ColumnMeta:
    """``ColumnName``, ``ColumnDescription``, ``ColumnKeywords``, ``ColumnType`` meta tags."""

    name: str
    description: str
    keywords: str
    column_type: str  # display label of the column type, e.g. 政务动态
    path: str  # the column's index page
    feed_path: str
    breadcrumbs: tuple[NavLink, ...] = ()  # from the home page down to (not including) this column
    archived_notice: str = ""  # REG-15: 本栏目已归档 … when the column was archived


@dataclass(frozen=True)
class ItemSummary:
    """One line of a list, a home-page block or a feed."""

    item_id: int
    title: str
    path: str
    published: dt.datetime  # shown as YYYY-MM-DD HH:MM (or YYYY-MM-DD in compact lists)
    kind_label: str
    source_name: str = ""  # set when the item is a use / repost from another site (CON-04)
    archived: bool = False
    summary: str = ""


@dataclass(frozen=True)
class Attachment:
    title: str
    path: str  # output path of the published file
    size_label: str  # e.g. 1.2 MB
    extension: str  # e.g. PDF


@dataclass(frozen=True)
class ItemPage:
    title: str
    kind: str  # ItemKind value: article, policy, interpretation, response, announcement, map
    kind_label: str
    published: dt.datetime  # publication time, always shown (national page design rules)
    body_html: str  # sanitised at save time and expanded for the front (links, images): trusted
    summary: str
    author: str
    content_source: str  # ``ContentSource`` meta tag and the 来源 line: source name or the owning site
    source_name: str  # CON-04: set for a use / repost on another site — the original site
    source_url: str  # absolute URL of the original (CON-04)
    archived_notice: str  # REG-15 banner ('' if not archived)
    validity_notice: str  # CON-10: e.g. 本文件已废止 (2026-05-01) ('' if valid)
    disclosure: tuple[tuple[str, str], ...]  # CON-10 metadata table for policies: (label, value)
    interpretations: tuple[ItemSummary, ...]  # for a policy: its interpretations (CON-07)
    policies: tuple[ItemSummary, ...]  # for an interpretation: the policies it explains
    attachments: tuple[Attachment, ...]
    map_approval_number: str  # CON-06 审图号 for maps
    item_id: int = 0


@dataclass(frozen=True)
class ListPage:
    number: int  # 0 for the column index (the newest items), else the stable page number
    items: tuple[ItemSummary, ...]
    newer_path: str = ""  # '' when there is none
    older_path: str = ""
    # on the column index: links to every stable page, newest first: (number, path)
    pages: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class HomeBlock:
    column: ColumnMeta
    items: tuple[ItemSummary, ...]


@dataclass(frozen=True)
class FeedEntry:
    title: str
    url: str  # absolute
    published: dt.datetime
    summary: str


@dataclass(frozen=True)
class Page:
    """Everything one template renders. ``path`` is this output's own path: the ``url`` helper
    makes every link relative to it."""

    kind: str  # home | column | item | error
    path: str
    site: SiteIdentity
    title: str  # the <title> text (page title · site name is added by the template)
    column: ColumnMeta | None = None
    item: ItemPage | None = None
    listing: ListPage | None = None
    blocks: tuple[HomeBlock, ...] = ()
    announcements: tuple[ItemSummary, ...] = ()
    #: home page only: what national rules require "in a prominent place" on the home page (the
    #: annual supervision report …), from the hook ``register_publishing_home_highlights``
    highlights: tuple[ItemSummary, ...] = ()
    error_code: int = 0
    extra: dict = field(default_factory=dict)
    #: another app's page template (``interaction/message.html``, under its ``templates/front/``);
    #: '' = the template of ``kind``. Its values travel in ``extra``.
    template: str = ""
