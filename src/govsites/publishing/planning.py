"""Which outputs a change affects, and how to render each of them.

A change to items ``I`` of site ``S`` affects exactly: the pages of ``I`` on ``S`` (old address
removed if it moved), the pages of items linked to ``I`` (policy ⇄ interpretation), for every
column that lists or listed ``I`` its index, its feed and the stable list page(s) holding ``I``'s
old and new positions, the home page, the month sitemap(s) of ``I`` and the sitemap index.
Nothing else is rendered, so the work does not grow with the size of the site.

Stable list pages: page 1 holds a column's oldest items; the newest page fills up to
``PAGE_SIZE`` and the next item opens a new page, whose start is then fixed (``ListPageRange``).
An item published today lands on the newest page; an item removed or back-dated changes just
the page of its position. Pages may hold a few more or fewer than ``PAGE_SIZE`` after such edits,
which readers do not notice and which keeps every older page's bytes (and cache) unchanged.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from govsites import clock
from govsites.content.columns import ColumnType
from govsites.content.models import InterpretationLink, Placement

from . import announcements as registry_notices
from . import paths, render
from .bodies import BodyExpander
from .context import HomeBlock, ItemSummary, ListPage, Page
from .loading import Column, Entry, SiteData
from .models import ListPageRange, ManifestEntry

PAGE_SIZE = 20
INDEX_SIZE = 20
FEED_SIZE = 20
HOME_BLOCK_SIZE = 8
HOME_COLUMN_TYPES = (
    ColumnType.NEWS, ColumnType.NOTICES, ColumnType.POLICIES, ColumnType.INTERPRETATIONS, ColumnType.RESPONSES,
)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
ITEM_PATH = re.compile(r"/\d{6}/t\d{8}_(\d+)\.html$")
LIST_PATH = re.compile(r"/list_(\d+)\.html$")
MONTH_PATH = re.compile(r"sitemap/\d{6}\.xml")


@dataclass
class Output:
    path: str
    render: Callable[[], bytes] | None = None
    source: object = None  # a FieldFile (document, image rendition) published as is
    item_id: int | None = None
    column_id: int | None = None
    sort_key: dt.datetime | None = None


@dataclass
class Plan:
    full: bool
    outputs: dict[str, Output] = field(default_factory=dict)
    removes: set[str] = field(default_factory=set)

    def add(self, output: Output) -> None:
        self.outputs[output.path] = output


class Planner:
    def __init__(self, data: SiteData):
        self.data = data
        self.identity = data.identity
        self.bodies = BodyExpander({c.id: c.index for c in data.columns.values()})
        self._ranges: dict[int, list[tuple[int, tuple]]] = {}
        self.opened: dict[int, list[int]] = {}
        self.read_only = False

    # -- plans --------------------------------------------------------------------------------

    def full(self) -> Plan:
        data = self.data
        plan = Plan(full=True)
        listed = {e.item_id for e in data.load_all_entries()}
        data.load_primaries(listed)
        data.load_items(listed)
        data.load_links(listed)
        data.load_canonical({e.item_id for e in data.load_all_entries() if e.is_use})
        self.add_site_outputs(plan)
        months: dict[str, list[Entry]] = {}
        for column in data.columns.values():
            self.add_column_outputs(plan, column, None)
            for entry in data.entries(column.id):
                if data.primary(entry.item_id) == entry:
                    self.add_item_output(plan, entry)
                    months.setdefault(f"{clock.local(entry.key):%Y%m}", []).append(entry)
        for month, entries in months.items():
            self.add_sitemap_month(plan, month, entries)
        self.add_sitemap_index(plan, set(months))
        for provider in output_providers().values():
            provider(self, plan)
        return plan

    def for_items(self, item_ids: Iterable[int], column_ids: Iterable[int] = (), dynamic: Iterable[str] = ()) -> Plan:
        data = self.data
        item_ids = set(item_ids)
        plan = Plan(full=False)
        old = list(
            ManifestEntry.objects.filter(site=data.site, item_id__in=item_ids)
            .values_list("path", "item_id", "column_id", "sort_key")
        )
        columns = {c for c in column_ids if c in data.columns}
        columns |= {column_id for _p, _i, column_id, _k in old if column_id in data.columns}
        columns |= set(
            Placement.objects.filter(site=data.site, item_id__in=item_ids, column_id__in=list(data.columns))
            .values_list("column_id", flat=True)
        )
        data.load_entries(columns)
        data.load_primaries(item_ids)
        data.load_items(item_ids)
        keys: dict[int, set] = {c: set() for c in columns}
        for column_id in columns:
            for entry in data.entries(column_id):
                if entry.item_id in item_ids:
                    keys[column_id].add(entry.order)
        old_keys = {item_id: key for _p, item_id, _c, key in old if key is not None}
        for column_id in columns:
            keys[column_id] |= {(key, item_id) for item_id, key in old_keys.items()}
        months = {f"{clock.local(key):%Y%m}" for key in old_keys.values()}
        # the items' own pages (and, for a move, the removal of the old address)
        for item_id in item_ids:
            entry = data.primary(item_id)
            if entry is not None:
                self.add_item_output(plan, entry)
                months.add(f"{clock.local(entry.key):%Y%m}")
        plan.removes |= {p for p, _i, _c, _k in old if p not in plan.outputs}
        # pages that link to them
        linked = set(
            InterpretationLink.objects.filter(Q(policy_id__in=item_ids) | Q(interpretation_id__in=item_ids))
            .values_list("policy_id", "interpretation_id")
        )
        for other in {i for pair in linked for i in pair} - item_ids:
            entry = data.primary(other)
            if entry is not None:
                self.add_item_output(plan, entry)
        for column_id in columns:
            self.add_column_outputs(plan, data.columns[column_id], keys[column_id])
        self.add_home(plan)
        emptied = set()
        for month in months:
            self.add_sitemap_month(plan, month, self.month_entries(month))
            if paths.sitemap_month(month) not in plan.outputs:
                emptied.add(month)
                plan.removes.add(paths.sitemap_month(month))
        existing = {
            p.removeprefix("sitemap/").removesuffix(".xml")
            for p in ManifestEntry.objects.filter(site=data.site, path__startswith="sitemap/")
            .values_list("path", flat=True)
        }
        self.add_sitemap_index(plan, (existing | months) - emptied)
        providers = output_providers()
        for name in dynamic:
            if name in providers:
                providers[name](self, plan)
        return plan

    def for_path(self, path: str) -> Output | None:
        """The one output at ``path`` (for a preview through Django, and the benchmark's
        request-per-URL baseline): resolved from the path alone, nothing else is planned."""
        data = self.data
        plan = Plan(full=False)
        self.read_only = True  # a preview must not cut list pages: only the publisher does
        if path in ("", paths.HOME):
            self.add_home(plan)
        elif path == paths.SITEMAP_INDEX or path.startswith("sitemap/"):
            months = {
                p.removeprefix("sitemap/").removesuffix(".xml")
                for p in ManifestEntry.objects.filter(site=data.site, path__startswith="sitemap/")
                .values_list("path", flat=True)
            }
            if path == paths.SITEMAP_INDEX:
                self.add_sitemap_index(plan, months)
            elif MONTH_PATH.fullmatch(path):
                month = path.removeprefix("sitemap/").removesuffix(".xml")
                self.add_sitemap_month(plan, month, self.month_entries(month))
        elif path in paths.ERROR_PAGES or path.startswith(paths.ASSETS_DIR):
            self.add_site_outputs(plan)
        else:
            match = ITEM_PATH.search(path)
            if match:
                entry = data.primary(int(match.group(1)))
                if entry is not None:
                    self.add_item_output(plan, entry)
            else:
                directory = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
                column = next((c for c in data.columns.values() if c.dir == directory), None)
                if column is not None:
                    self.add_column_outputs(plan, column, set())
                    stable = LIST_PATH.search(path)
                    if stable:
                        wanted = int(stable.group(1))
                        ranges = self.ranges(column.id, data.entries(column.id))
                        keys = {start for n, start in ranges if n == wanted}
                        self.add_column_outputs(plan, column, keys)
        if path not in plan.outputs:  # pages of other apps' output providers (registry notices …)
            for provider in output_providers().values():
                provider(self, plan)
        output = plan.outputs.get(path)
        return output if output is not None and output.render is not None else None

    # -- outputs ------------------------------------------------------------------------------

    def add_site_outputs(self, plan: Plan) -> None:
        self.add_home(plan)
        for name, code, title in ((paths.NOT_FOUND, 404, "页面不存在"), (paths.SERVER_ERROR, 500, "服务暂时不可用")):
            # served at whatever address was not found: site-root-absolute links (host-per-site fronts)
            page = Page(kind="error", path=name, site=self.identity, title=title, error_code=code,
                        extra={"root": "/"})
            plan.add(Output(name, render=lambda page=page: render.render_page(page)))
        for path, content in render.asset_files().items():
            plan.add(Output(path, render=lambda content=content: content))

    def add_home(self, plan: Plan) -> None:
        data = self.data
        top = [c for c in data.columns.values() if c.parent_id is None]
        blocks_columns = [c for t in HOME_COLUMN_TYPES for c in top if c.column_type == t]
        announcements = [c for c in top if c.column_type == ColumnType.ANNOUNCEMENTS]

        def build() -> bytes:
            blocks = tuple(
                HomeBlock(data.column_meta(c), tuple(data.summary(e) for e in data.newest(c.id, HOME_BLOCK_SIZE)))
                for c in blocks_columns
            )
            notes = registry_notices.summaries(data.site.pk) + tuple(
                data.summary(e) for c in announcements for e in data.newest(c.id, 5)
            )
            page = Page(kind="home", path=paths.HOME, site=self.identity, title=data.site.name, blocks=blocks,
                        announcements=notes, highlights=home_highlights(data.site))
            return render.render_page(page)

        plan.add(Output(paths.HOME, render=build))

    def add_item_output(self, plan: Plan, entry: Entry) -> None:
        data = self.data
        path = data.item_path(entry.item_id)
        if path in plan.outputs:
            return
        column = data.columns[entry.column_id]

        def build() -> bytes:
            row = data.item(entry.item_id)
            body = self.bodies.expand(row["body"], path)
            for file_path, source in body.files.items():
                plan.outputs.setdefault(file_path, Output(file_path, source=source))
            page = Page(kind="item", path=path, site=self.identity, title=row["title"],
                        column=data.column_meta(column), item=data.item_page(entry, path, body.html, body.attachments))
            return render.render_page(page)

        plan.add(Output(path, render=build, item_id=entry.item_id, column_id=entry.column_id, sort_key=entry.key))

    def add_column_outputs(self, plan: Plan, column: Column, keys: set | None) -> None:
        """The column's index and feed, and its stable list pages: all of them (``keys`` None)
        or those holding ``keys`` plus any page a new item opened."""
        data = self.data
        entries = data.entries(column.id)
        ranges = self.ranges(column.id, entries)
        starts = [start for _n, start in ranges]
        numbers = [n for n, _s in ranges]
        if keys is None:
            wanted = set(numbers)
        else:
            wanted = {numbers[max(bisect.bisect_right(starts, key) - 1, 0)] for key in keys} if numbers else set()
            for opened in self.opened.get(column.id, []):
                wanted |= {opened, opened - 1}
            wanted &= set(numbers)

        def meta():
            return data.column_meta(column)

        def index() -> bytes:
            listing = ListPage(
                number=0, items=tuple(data.summary(e) for e in newest(entries, INDEX_SIZE)),
                pages=tuple((n, paths.list_page(column.dir, n)) for n in reversed(numbers)),
            )
            page = Page(kind="column", path=column.index, site=self.identity, title=column.title, column=meta(),
                        listing=listing)
            return render.render_page(page)

        plan.add(Output(column.index, render=index, column_id=column.id))

        orders = [e.order for e in entries]

        def stable(position: int) -> Callable[[], bytes]:
            number = numbers[position]
            low = bisect.bisect_left(orders, starts[position])
            high = bisect.bisect_left(orders, starts[position + 1]) if position + 1 < len(starts) else len(entries)
            path = paths.list_page(column.dir, number)

            def build() -> bytes:
                listing = ListPage(
                    number=number, items=tuple(data.summary(e) for e in reversed(entries[low:high])),
                    newer_path=(paths.list_page(column.dir, numbers[position + 1]) if position + 1 < len(numbers)
                                else column.index),
                    older_path=paths.list_page(column.dir, numbers[position - 1]) if position > 0 else "",
                )
                page = Page(kind="column", path=path, site=self.identity, title=f"{column.title}（第{number}页）",
                            column=meta(), listing=listing)
                return render.render_page(page)

            return build

        for position, number in enumerate(numbers):
            if number in wanted:
                path = paths.list_page(column.dir, number)
                plan.add(Output(path, render=stable(position), column_id=column.id))

        def feed() -> bytes:
            return render.render_feed(self.identity, meta(), [data.feed_entry(e) for e in newest(entries, FEED_SIZE)],
                                      data.absolute(paths.column_feed(column.dir)))

        plan.add(Output(paths.column_feed(column.dir), render=feed, column_id=column.id))

    def add_sitemap_month(self, plan: Plan, month: str, entries: list[Entry]) -> None:
        data = self.data
        if not entries or not data.site.domain:
            return

        def build() -> bytes:
            return render.render_sitemap([(data.absolute(data.item_path(e.item_id)), clock.local(e.key))
                                          for e in sorted(entries, key=lambda e: e.order)])

        plan.add(Output(paths.sitemap_month(month), render=build))

    def add_sitemap_index(self, plan: Plan, months: set[str]) -> None:
        data = self.data
        if not data.site.domain:
            return

        def build() -> bytes:
            return render.render_sitemap_index([(data.absolute(paths.sitemap_month(m)), None) for m in sorted(months)])

        plan.add(Output(paths.SITEMAP_INDEX, render=build))

    # -- helpers ------------------------------------------------------------------------------

    def month_entries(self, month: str) -> list[Entry]:
        """Item pages of this site whose list position falls in ``month`` (YYYYMM)."""
        data = self.data
        start = clock.at(int(month[:4]), int(month[4:]), 1)
        end = clock.at(start.year + (start.month == 12), start.month % 12 + 1, 1)
        own = Q(item__owning_site=data.site, item__published_on__gte=start, item__published_on__lt=end)
        uses = Q(placed_at__gte=start, placed_at__lt=end) & ~Q(item__owning_site=data.site)
        ids = set(
            Placement.objects.filter(site=data.site, item__live=True, column_id__in=list(data.columns))
            .filter(own | uses).values_list("item_id", flat=True)
        )
        data.load_primaries(ids)
        return [e for e in (data.primary(i) for i in ids) if e is not None and f"{clock.local(e.key):%Y%m}" == month]

    def ranges(self, column_id: int, entries: list[Entry]) -> list[tuple[int, tuple]]:
        """The column's stable pages as (number, start order); opens pages the newest one
        overflowed into (recorded in ``self.opened``)."""
        if column_id in self._ranges:
            return self._ranges[column_id]
        ranges = [
            (n, (at, item_id)) for n, at, item_id in
            ListPageRange.objects.filter(column_id=column_id).order_by("number")
            .values_list("number", "start_at", "start_item_id")
        ]
        created = []
        if not ranges and entries:
            ranges = [(1, (EPOCH, 0))]
            created.append(ranges[0])
        orders = [e.order for e in entries]
        while ranges:
            number, start = ranges[-1]
            tail = len(orders) - bisect.bisect_left(orders, start)
            if tail <= PAGE_SIZE:
                break
            ranges.append((number + 1, orders[len(orders) - tail + PAGE_SIZE]))
            created.append(ranges[-1])
        if not self.read_only:
            ListPageRange.objects.bulk_create([
                ListPageRange(column_id=column_id, number=n, start_at=at, start_item_id=item_id)
                for n, (at, item_id) in created
            ])
        self.opened.setdefault(column_id, []).extend(n for n, _s in created)
        self._ranges[column_id] = ranges
        return ranges


def output_providers() -> dict[str, Callable[[Planner, Plan], None]]:
    """Outputs of other apps (message replies, survey results …), kept static on the front.

    An app registers ``@hooks.register("register_publishing_outputs")`` returning
    ``(name, provider)``; ``provider(planner, plan)`` adds its outputs for ``planner.data.site``.
    When its data changes the app calls ``govsites.publishing.receivers.queue_outputs(site_id,
    name)``: the next release renders that provider's outputs (and the home page) only.
    """
    from wagtail import hooks

    return dict(fn() for fn in hooks.get_hooks("register_publishing_outputs"))


def home_highlights(site) -> tuple[ItemSummary, ...]:
    """Links other apps place prominently on a site's home page, from the hook
    ``register_publishing_home_highlights`` (``fn(site) -> iterable of ItemSummary``): e.g. the
    supervising government's annual supervision report (national rule: "prominently on the
    homepage"). The app that registers one re-renders the home page when its links change
    (``Planner.add_home`` from its output provider)."""
    from wagtail import hooks

    return tuple(summary for fn in hooks.get_hooks("register_publishing_home_highlights") for summary in fn(site))


def newest(entries: list[Entry], count: int) -> list[Entry]:
    return list(reversed(entries[-count:]))
