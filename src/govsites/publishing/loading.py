"""Loading a site's published content in bulk and turning it into template values.

One :class:`SiteData` per site and run. It reads columns and the keys of listed items for whole
columns (two narrow queries), but item rows, links and media only for the items a run renders,
so an incremental release costs a few queries whatever the size of the site. Nothing here
renders; :mod:`.planning` decides what to render from it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import quote

from django.conf import settings
from django.db.models import Max, Q

from govsites import clock
from govsites.content.columns import ColumnType
from govsites.content.disclosure import classification
from govsites.content.disclosure.errors import DisclosureError
from govsites.content.models import ColumnPage, InterpretationLink, Item, Placement, SiteHomePage
from govsites.content.models.library import ItemKind, Validity
from govsites.content.reposting import canonical_urls
from govsites.registry.models import Site, SiteStatus

from . import paths
from .context import (
    Attachment,
    ColumnMeta,
    FeedEntry,
    ItemPage,
    ItemSummary,
    NavLink,
    SiteIdentity,
)

KIND_LABELS = {value: str(label) for value, label in ItemKind.choices}
COLUMN_TYPE_LABELS = {value: str(label) for value, label in ColumnType.choices}
VALIDITY_LABELS = {value: str(label) for value, label in Validity.choices}

ITEM_FIELDS = (
    "id", "kind", "title", "owning_site_id", "summary", "body", "source_name", "author", "published_on",
    "first_published_at", "interpretation_form", "response_kind", "map_approval_number", "index_number",
    "issuing_body", "document_number", "written_on", "subject", "validity", "validity_changed_on",
    "superseded_by", "archived_on",
)
_DIGITS = re.compile(r"\d+")


def estate_name() -> str:
    return getattr(settings, "GOVSITES_ESTATE_NAME", "") or settings.WAGTAIL_SITE_NAME


def site_notice(site: Site) -> str:
    """The banner a whole site shows while it is not in normal service (REG-10/12/13)."""
    if site.status == SiteStatus.TEMPORARILY_OFFLINE:
        until = f"，预计{site.offline_until:%Y年%m月%d日}恢复" if site.offline_until else ""
        return f"本网站正在进行维护升级{until}。"
    if site.status == SiteStatus.CLOSING:
        target = site.migrated_to.name if site.migrated_to_id else ""
        return f"本网站即将关停{('，内容已整合至' + target) if target else ''}。"
    return ""


@dataclass(frozen=True)
class Column:
    id: int
    title: str
    dir: str
    column_type: str
    description: str
    keywords: str
    parent_id: int | None  # None for a top-level column

    @property
    def index(self) -> str:
        return paths.column_index(self.dir)


@dataclass(frozen=True)
class Entry:
    """An item listed in a column of this site, at its list position ``key``."""

    item_id: int
    column_id: int
    placement_id: int
    key: dt.datetime
    is_use: bool  # placed here from another site (CON-04)

    @property
    def order(self) -> tuple:
        return (self.key, self.item_id)


@dataclass
class SiteData:
    site: Site
    home: SiteHomePage
    columns: dict[int, Column] = field(default_factory=dict)
    _entries: dict[int, list[Entry]] = field(default_factory=dict)
    _items: dict[int, dict] = field(default_factory=dict)
    _primary: dict[int, Entry] = field(default_factory=dict)
    _owners: dict[int, Site] = field(default_factory=dict)
    _column_meta: dict[int, ColumnMeta] = field(default_factory=dict)
    _canonical: dict[int, str] = field(default_factory=dict)
    # item id -> (interpretations of it, policies it explains); live items only
    _links: dict[int, tuple[list[int], list[int]]] = field(default_factory=dict)

    # -- loading ------------------------------------------------------------------------------

    @classmethod
    def load(cls, site: Site) -> SiteData | None:
        home = SiteHomePage.objects.filter(registry_site=site).first()
        if home is None:
            return None
        data = cls(site=site, home=home)
        rows = (
            ColumnPage.objects.descendant_of(home).live()
            .order_by("path")
            .values_list("id", "title", "url_path", "column_type", "description", "keywords", "depth", "path")
        )
        by_path = {}
        for pk, title, url_path, column_type, description, keywords, depth, tree_path in rows:
            parent = by_path.get(tree_path[: -ColumnPage.steplen]) if depth > home.depth + 1 else None
            data.columns[pk] = Column(pk, title, paths.column_dir(url_path), column_type, description, keywords,
                                      parent)
            by_path[tree_path] = pk
        return data

    def entries(self, column_id: int) -> list[Entry]:
        """The column's listed items, oldest first (one query per column, cached)."""
        if column_id not in self._entries:
            self.load_entries([column_id])
        return self._entries[column_id]

    def load_entries(self, column_ids) -> None:
        wanted = [c for c in column_ids if c not in self._entries]
        if not wanted:
            return
        for column_id in wanted:
            self._entries[column_id] = []
        rows = Placement.objects.filter(site=self.site, column_id__in=wanted, item__live=True)
        for entry in self._entries_of(rows):
            self._entries[entry.column_id].append(entry)
        for column_id in wanted:
            self._entries[column_id].sort(key=lambda e: e.order)

    def _entries_of(self, placements) -> list[Entry]:
        """Placements of this site as list entries: an own item is listed at its publication
        time, a use of another site's item at the time it was placed here."""
        out = []
        rows = placements.values_list("id", "item_id", "column_id", "placed_at", "item__published_on",
                                      "item__owning_site_id")
        for placement_id, item_id, column_id, placed_at, published_on, owner in rows:
            use = owner != self.site.pk
            key = placed_at if use or published_on is None else published_on
            out.append(Entry(item_id, column_id, placement_id, key, use))
        return out

    def newest(self, column_id: int, count: int) -> list[Entry]:
        """The column's newest ``count`` entries, newest first — from memory when the column is
        loaded, else two small ordered queries (a home page needs 8 items of each of its
        columns, not the thousands a portal's news column holds)."""
        if column_id in self._entries:
            return list(reversed(self._entries[column_id][-count:]))
        base = Placement.objects.filter(site=self.site, column_id=column_id, item__live=True)
        own = base.filter(item__owning_site=self.site, item__published_on__isnull=False)
        entries = self._entries_of(own.order_by("-item__published_on", "-item_id")[:count])
        entries += self._entries_of(base.exclude(item__owning_site=self.site).order_by("-placed_at", "-item_id")[:count])
        entries += self._entries_of(base.filter(item__owning_site=self.site, item__published_on__isnull=True))
        entries.sort(key=lambda e: e.order)
        return list(reversed(entries[-count:]))

    def load_all_entries(self) -> list[Entry]:
        """Every listed item of the site (the full rebuild's one query)."""
        self.load_entries(list(self.columns))
        return [e for entries in self._entries.values() for e in entries]

    def primary(self, item_id: int) -> Entry | None:
        """The entry whose column holds the item's page on this site: its first placement here."""
        if item_id not in self._primary:
            self.load_primaries([item_id])
        return self._primary.get(item_id)

    def load_primaries(self, item_ids) -> None:
        wanted = [i for i in item_ids if i not in self._primary]
        if not wanted:
            return
        wanted_set = set(wanted)
        loaded = [e for entries in self._entries.values() for e in entries if e.item_id in wanted_set]
        if len(self._entries) < len(self.columns):
            loaded = self._entries_of(Placement.objects.filter(
                site=self.site, item_id__in=wanted, item__live=True, column_id__in=list(self.columns)
            ))
        for entry in sorted(loaded, key=lambda e: e.placement_id, reverse=True):
            self._primary[entry.item_id] = entry
        for item_id in wanted:
            self._primary.setdefault(item_id, None)

    def item(self, item_id: int) -> dict:
        if item_id not in self._items:
            self.load_items([item_id])
        return self._items[item_id]

    def load_items(self, item_ids) -> None:
        wanted = [i for i in set(item_ids) if i not in self._items]
        for start in range(0, len(wanted), 2000):
            for row in Item.objects.filter(pk__in=wanted[start:start + 2000]).values(*ITEM_FIELDS):
                self._items[row["id"]] = row

    # -- addresses ----------------------------------------------------------------------------

    def item_path(self, item_id: int) -> str | None:
        entry = self.primary(item_id)
        if entry is None:
            return None
        return paths.item_page(self.columns[entry.column_id].dir, item_id, clock.local(entry.key))

    @cached_property
    def identity(self) -> SiteIdentity:
        """The header and footer of every page (the nav may lead a column type elsewhere, below)."""
        site = self.site
        digits = "".join(_DIGITS.findall(site.public_security_number))
        entries = column_entries(site)
        nav = tuple(NavLink(c.title, entries.get(c.column_type, c.index))
                    for c in self.columns.values() if c.parent_id is None)
        return SiteIdentity(
            key=paths.site_key(site), name=site.name, domain=site.domain, site_code=site.site_code,
            sponsor=site.sponsor_name, operator=site.operator_name, contact_phone=site.contact_phone,
            contact_email=site.contact_email, contact_address=site.contact_address,
            icp_number=site.icp_number, public_security_number=site.public_security_number,
            public_security_url=f"https://beian.mps.gov.cn/#/query/webSearch?code={digits}" if digits else "",
            site_mark_number=site.site_mark_number,
            site_mark_url=(f"https://bszs.conac.cn/sitename?method=show&id={quote(site.site_mark_number)}"
                           if site.site_mark_number else ""),
            error_report_url=("https://zfwzzc.www.gov.cn/check_web/errorInfo/jcInfoNew.action?siteCode="
                              f"{quote(site.site_code)}"),
            estate_name=estate_name(), nav=nav, notice=site_notice(site),
        )

    def absolute(self, path: str) -> str:
        if not self.site.domain:
            return ""
        if path == "index.html" or path.endswith("/index.html"):
            path = path[: -len("index.html")]
        return f"https://{self.site.domain}/{path}"

    # -- template values ----------------------------------------------------------------------

    def column_meta(self, column: Column) -> ColumnMeta:
        """Built once per column and run: every page of the column shows the same values."""
        if column.id not in self._column_meta:
            self._column_meta[column.id] = self._build_column_meta(column)
        return self._column_meta[column.id]

    def _build_column_meta(self, column: Column) -> ColumnMeta:
        crumbs = []
        parent = column.parent_id
        while parent is not None:
            crumbs.append(NavLink(self.columns[parent].title, self.columns[parent].index))
            parent = self.columns[parent].parent_id
        return ColumnMeta(
            name=column.title, description=column.description, keywords=column.keywords,
            column_type=COLUMN_TYPE_LABELS.get(column.column_type, column.column_type),
            path=column.index, feed_path=paths.column_feed(column.dir),
            breadcrumbs=(NavLink("首页", paths.HOME), *reversed(crumbs)),
            archived_notice=self.column_archived_notice(column),
        )

    def column_archived_notice(self, column: Column) -> str:
        """REG-15: a column whose own items are all archived says so (ArchiveColumn's result)."""
        if column.id in self._entries and all(
            e.item_id in self._items for e in self._entries[column.id] if not e.is_use
        ):  # a full build has every row in memory already
            dates = [self._items[e.item_id]["archived_on"] for e in self._entries[column.id] if not e.is_use]
        else:  # an incremental run asks the database instead of reading every item of the column
            own = Placement.objects.filter(site=self.site, column_id=column.id, item__live=True,
                                           item__owning_site=self.site)
            if own.filter(item__archived_on__isnull=True).exists():
                return ""
            last = own.aggregate(last=Max("item__archived_on"))["last"]
            dates = [last] if last else []
        if not dates or any(d is None for d in dates):
            return ""
        return f"本栏目已于{max(dates):%Y-%m-%d}归档，栏目内信息仅供查阅。"

    def summary(self, entry: Entry) -> ItemSummary:
        row = self.item(entry.item_id)
        return ItemSummary(
            item_id=entry.item_id, title=row["title"], path=self.item_path(entry.item_id) or "",
            published=clock.local(entry.key), kind_label=KIND_LABELS.get(row["kind"], ""),
            source_name=self.owner_name(row["owning_site_id"]) if entry.is_use else "",
            archived=row["archived_on"] is not None, summary=row["summary"],
        )

    def feed_entry(self, entry: Entry) -> FeedEntry:
        row = self.item(entry.item_id)
        return FeedEntry(title=row["title"], url=self.absolute(self.item_path(entry.item_id) or ""),
                         published=clock.local(entry.key), summary=row["summary"])

    def owner(self, site_id: int) -> Site:
        if site_id not in self._owners:
            self._owners[site_id] = self.site if site_id == self.site.pk else Site.objects.get(pk=site_id)
        return self._owners[site_id]

    def owner_name(self, site_id: int) -> str:
        return self.owner(site_id).name

    def canonical(self, item_id: int) -> str:
        """CON-04: the item's address on its own site (``content.reposting.canonical_url``)."""
        if item_id not in self._canonical:
            self.load_canonical([item_id])
        return self._canonical[item_id]

    def load_canonical(self, item_ids) -> None:
        wanted = [i for i in set(item_ids) if i not in self._canonical]
        if wanted:
            self._canonical.update(canonical_urls(wanted))

    def links(self, item_id: int) -> tuple[list[int], list[int]]:
        """(interpretations of this policy, policies this interpretation explains): live ones."""
        if item_id not in self._links:
            self.load_links([item_id])
        return self._links[item_id]

    def load_links(self, item_ids) -> None:
        """Policy ⇄ interpretation links of many items in one query per 2,000 (CON-07)."""
        wanted = [i for i in set(item_ids) if i not in self._links]
        for item_id in wanted:
            self._links[item_id] = ([], [])
        for start in range(0, len(wanted), 2000):
            chunk = wanted[start:start + 2000]
            members = set(chunk)
            rows = (
                InterpretationLink.objects
                .filter(Q(policy_id__in=chunk) | Q(interpretation_id__in=chunk))
                .filter(policy__live=True, interpretation__live=True)
                .values_list("policy_id", "interpretation_id")
            )
            for policy_id, interpretation_id in rows:
                if policy_id in members:
                    self._links[policy_id][0].append(interpretation_id)
                if interpretation_id in members:
                    self._links[interpretation_id][1].append(policy_id)
        for item_id in wanted:
            interpretations, policies = self._links[item_id]
            interpretations.sort()
            policies.sort()

    def linked_summaries(self, item_ids: list[int]) -> tuple[ItemSummary, ...]:
        """Linked items are shown where this site has them, else at their own site's address."""
        out = []
        self.load_items(item_ids)
        for item_id in item_ids:
            row = self._items[item_id]
            here = self.primary(item_id)
            if here is not None:
                out.append(self.summary(here))
                continue
            url = self.canonical(item_id)
            if url:
                out.append(ItemSummary(
                    item_id=item_id, title=row["title"], path=url,
                    published=clock.local(row["published_on"] or row["first_published_at"] or clock.now()),
                    kind_label=KIND_LABELS.get(row["kind"], ""), source_name=self.owner_name(row["owning_site_id"]),
                ))
        return tuple(out)

    def item_page(self, entry: Entry, path: str, body_html: str, attachments: tuple[Attachment, ...]) -> ItemPage:
        row = self.item(entry.item_id)
        owner_name = self.owner_name(row["owning_site_id"])
        interpretations, policies = self.links(entry.item_id)
        validity = row["validity"]
        validity_notice = ""
        if validity and validity != Validity.VALID:
            when = f"（{row['validity_changed_on']:%Y-%m-%d}）" if row["validity_changed_on"] else ""
            successor = f"，替代文件：{row['superseded_by']}" if row["superseded_by"] else ""
            validity_notice = f"本文件{VALIDITY_LABELS[validity]}{when}{successor}"
        disclosure = ()
        if row["kind"] == ItemKind.POLICY:
            published = clock.local(row["published_on"]) if row["published_on"] else None
            disclosure = tuple((label, value) for label, value in (
                ("索引号", row["index_number"]), ("发文机关", row["issuing_body"]),
                ("发文字号", row["document_number"]),
                ("成文日期", f"{row['written_on']:%Y-%m-%d}" if row["written_on"] else ""),
                ("发布日期", f"{published:%Y-%m-%d}" if published else ""),
                ("主题分类", subject_label(row["subject"])),
                ("有效性", VALIDITY_LABELS.get(validity or Validity.VALID, "")),
            ) if value)
        archived = row["archived_on"]
        return ItemPage(
            title=row["title"], kind=row["kind"], kind_label=KIND_LABELS.get(row["kind"], ""),
            published=clock.local(entry.key), body_html=body_html, summary=row["summary"],
            author=row["author"], content_source=row["source_name"] or owner_name,
            source_name=owner_name if entry.is_use else "",
            source_url=self.canonical(entry.item_id) if entry.is_use else "",
            archived_notice=f"已归档\u3000归档时间：{archived:%Y-%m-%d}" if archived else "",
            validity_notice=validity_notice, disclosure=disclosure,
            interpretations=self.linked_summaries(interpretations), policies=self.linked_summaries(policies),
            attachments=attachments,
            map_approval_number=row["map_approval_number"] if row["kind"] == ItemKind.MAP else "",
            item_id=entry.item_id,
        )


def subject_label(value: str) -> str:
    """Subjects are stored as codes (``13.01``); pages show ``卫生、体育\\卫生``."""
    try:
        return str(classification.clean(value)) if value else ""
    except DisclosureError:
        return value


def uses_of(item_ids) -> dict[int, set[int]]:
    """Sites (other than nothing) where each item is placed: its own and every use."""
    out: dict[int, set[int]] = {}
    for item_id, site_id in Placement.objects.filter(item_id__in=list(item_ids)).values_list("item_id", "site_id"):
        out.setdefault(item_id, set()).add(site_id)
    return out


def column_entries(site) -> dict[str, str]:
    """Column type → the path its top-level navigation link leads to instead of the column's
    own list, from the hook ``register_publishing_column_entries`` (``fn(site) -> dict``): e.g.
    the interaction platform sends 互动交流 to the site's ``hudong/`` pages when it runs them."""
    from wagtail import hooks

    entries: dict[str, str] = {}
    for fn in hooks.get_hooks("register_publishing_column_entries"):
        entries.update(fn(site))
    return entries

