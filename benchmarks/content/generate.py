"""Generate the content benchmark database (issue #3).

    benchmarks/content/pg.sh start
    .venv/bin/python benchmarks/content/generate.py --database-url "$(benchmarks/content/pg.sh url)" \
        [--items 1000000 --editors 2000 --seed 3 --reset]

Builds, in its own database: the medium demo estate (``demo_estate --scale medium``, ≈ 500
sites), every hosted site's page tree (``govsites.content.sites.ensure_all()``, the real code),
a two-step review workflow per site, ≥ 2,000 editor accounts with site memberships, one estate
supervisor, ≥ 1,000,000 library items with their placements, reposts, repost duties,
interpretation links, items in review and rejected (real Wagtail revision / workflow / task
state rows) — and the **baseline**: the same content as plain Wagtail pages under one page tree
per site, one Group per site with GroupPagePermission, per-site GroupApprovalTask workflows
and a search index entry per page (Wagtail's stock multi-site setup).

Bulk rows are written with PostgreSQL COPY / INSERT … SELECT (foreign keys checked by
construction, then verified), secondary indexes are dropped during the load and rebuilt,
and the database is VACUUM ANALYZEd at the end. Timings are printed and written to
``generate-timings.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
from textgen import TextGen, person

UTC = dt.UTC
DAY = 86400.0
YEARS = 3

# Relative item volume by site kind (site_type, level): portals publish far more.
WEIGHTS = {
    ("portal", "province"): 80,
    ("portal", "city"): 20,
    ("portal", "county"): 5,
    ("department", "province"): 4,
    ("department", "city"): 1,
}
KIND_MIX = {
    "portal": [("article", .50), ("policy", .15), ("interpretation", .07), ("announcement", .18),
               ("response", .07), ("map", .03)],
    "department": [("article", .55), ("policy", .15), ("interpretation", .06), ("announcement", .20),
                   ("response", .03), ("map", .01)],
}
ARTICLE_COLUMNS = [("news", .7), ("plans", .1), ("personnel", .1), ("statistics", .1)]
KIND_COLUMN = {"policy": "policies", "interpretation": "interpretations", "response": "responses", "map": "overview"}
# Members per site and role: (editor, reviewer, confidentiality_reviewer, site_admin).
STAFF = {
    ("portal", "province"): (20, 4, 2, 2),
    ("portal", "city"): (10, 3, 2, 1),
    ("portal", "county"): (5, 2, 1, 1),
    ("department", "province"): (4, 2, 1, 1),
    ("department", "city"): (2, 1, 1, 1),
}
ROLES = ("editor", "reviewer", "confidentiality_reviewer", "site_admin")
SUBJECTS = ["02.01", "02.03", "02.04", "03.01", "04.02", "05.01", "06.03", "07.01", "08.02", "09.01", "10.01",
            "11.02", "12.01", "13.03", "14.01", "15.02", "16.01", "17.01", "18.02", "19.01", "20.03", "21.01"]
REJECT_COMMENTS = ["第二段涉及内部信息，请删除后重新提交。", "标题与正文不一致，请核实。", "请补充发文字号和成文日期。",
                   "附件未脱敏，请处理后再报。", "错别字较多，请认真校对。"]
ITEM_COLUMNS = (
    "id", "live", "has_unpublished_changes", "first_published_at", "last_published_at", "go_live_at", "expire_at",
    "expired", "locked", "locked_at", "kind", "title", "summary", "body", "source_name", "author", "published_on",
    "is_important_policy", "is_major_policy", "interpretation_form", "response_kind", "is_standard_map",
    "map_approval_number", "index_number", "issuing_body", "document_number", "written_on", "subject", "validity",
    "validity_changed_on", "superseded_by", "archived_on", "created_at", "updated_at", "created_by_id",
    "latest_revision_id", "live_revision_id", "locked_by_id", "owning_site_id",
)
PLACEMENT_COLUMNS = ("id", "is_repost", "placed_at", "column_id", "item_id", "placed_by_id", "site_id")
# status codes in the skeleton
LIVE, UNPUBLISHED, DRAFT, REVIEW1, REVIEW2, REJECTED = range(6)


@dataclass
class SiteInfo:
    id: int
    name: str
    site_type: str
    level: str
    status: str
    inst_id: int
    inst_name: str
    inst_path: str
    parent_inst_id: int | None
    division: str
    place: str
    abbreviation: str
    home_id: int
    columns: dict[str, int]
    weight: float = 0.0
    members: dict[str, list[int]] = field(default_factory=lambda: {r: [] for r in ROLES})
    uscc: str = ""

    @property
    def is_portal(self) -> bool:
        return self.site_type == "portal"


# -- database ---------------------------------------------------------------------------------

def admin_url(url: str) -> tuple[str, str]:
    parsed = urlparse(url)
    return parsed.path.lstrip("/"), urlunparse(parsed._replace(path="/postgres"))


def create_database(url: str, reset: bool, template: str | None = None) -> bool:
    """Create the benchmark database (dropping it first with ``reset``); with ``template`` and
    that database present, clone it instead. True when cloned from the template."""
    import psycopg

    name, admin = admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        has_template = template and conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
        if exists and (reset or has_template):
            print(f"… dropping database {name}")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if has_template:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            print(f"… created database {name} from template {template} (estate + site trees)")
            return True
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"… created database {name}")
    return False


def save_template(url: str, template: str) -> None:
    """Keep a copy of the database as it is now (after the site trees) to start later runs from."""
    import psycopg
    from django.db import connection

    name, admin = admin_url(url)
    connection.close()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{template}"')
        conn.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')
    print(f"… saved template database {template}")


def cursor():
    from django.db import connection

    return connection.cursor()


def copy_rows(table: str, columns, rows) -> int:
    n = 0
    with cursor() as cur:
        with cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
    return n


def sql(statement: str, params=None):
    with cursor() as cur:
        cur.execute(statement, params)
        try:
            return cur.fetchall()
        except Exception:
            return None


def drop_secondary_indexes(tables) -> list[str]:
    """Drop indexes that back no constraint (rebuilt faster in one pass after the load)."""
    rows = sql(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
             AND i.indexname NOT IN (SELECT conname FROM pg_constraint)""",
        [list(tables)],
    )
    for name, _definition in rows:
        sql(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


def set_sequences(tables) -> None:
    for table in tables:
        sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608  (fixed table names)
            f"GREATEST((SELECT max(id) FROM {table}), 1))")


# -- the estate -------------------------------------------------------------------------------

def load_sites() -> list[SiteInfo]:
    from govsites.content.disclosure import org_codes
    from govsites.content.models import ColumnPage, SiteHomePage

    homes = SiteHomePage.objects.select_related("registry_site__institution").order_by("registry_site_id")
    columns = defaultdict(dict)
    for column in ColumnPage.objects.filter(depth=3).exclude(column_type="free").values("id", "path", "column_type"):
        columns[column["path"][:8]][column["column_type"]] = column["id"]
    sites = []
    for home in homes:
        site = home.registry_site
        inst = site.institution
        place = inst.name.removesuffix("人民政府") if inst.kind == "government" else ""
        first8 = f"{inst.pk:08d}"
        first17 = f"11{inst.division_code:0>6}{first8}{org_codes.org_code_check_char(first8)}"
        sites.append(SiteInfo(
            id=site.pk, name=site.name, site_type=site.site_type, level=inst.level, status=site.status,
            inst_id=inst.pk, inst_name=inst.name, inst_path=inst.path, parent_inst_id=inst.parent_id,
            division=inst.division_code, place=place, abbreviation=inst.abbreviation, home_id=home.pk,
            columns=columns[home.path], uscc=first17 + org_codes.uscc_check_char(first17),
        ))
    by_inst = {s.inst_id: s for s in sites}
    for s in sites:
        if not s.place:  # a department: its government's place name
            parent = by_inst.get(s.parent_inst_id)
            s.place = parent.place if parent else s.inst_name[:3]
        base = WEIGHTS.get((s.site_type, s.level), 1)
        s.weight = base * {"approved": 0.05, "closed": 0.3}.get(s.status, 1.0)
    return sites


def ensure_review_workflow(sites) -> int:
    """One two-step workflow (content review → confidentiality review) used by every site."""
    from wagtail.models import Workflow, WorkflowTask

    from govsites.content.models import ConfidentialityReviewTask, ContentReviewTask, SiteWorkflow

    workflow = Workflow.objects.filter(name=common.REVIEW_WORKFLOW).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=common.REVIEW_WORKFLOW, active=True)
        content = ContentReviewTask.objects.create(name="内容审核")
        secrecy = ConfidentialityReviewTask.objects.create(name="保密审查")
        WorkflowTask.objects.create(workflow=workflow, task=content, sort_order=0)
        WorkflowTask.objects.create(workflow=workflow, task=secrecy, sort_order=1)
    have = set(SiteWorkflow.objects.filter(column__isnull=True).values_list("site_id", flat=True))
    SiteWorkflow.objects.bulk_create(
        [SiteWorkflow(site_id=s.id, workflow=workflow) for s in sites if s.id not in have]
    )
    return workflow.pk


def create_users(sites, editors: int, rng: random.Random) -> dict:
    """``editors`` accounts with 1–2 memberships each (every site gets its staff), the two
    persona accounts and the estate supervisor. No usable passwords: the runner uses force_login."""
    from django.contrib.auth.hashers import make_password

    from govsites.accounts.groups import ensure_admin_users_group
    from govsites.accounts.models import Role, RoleAssignment, User
    from govsites.content.models import SiteMembership
    from govsites.demo.estate import demo_root

    slots = []
    for s in sites:
        counts = STAFF.get((s.site_type, s.level), (2, 1, 1, 1))
        for role, n in zip(ROLES, counts, strict=True):
            slots += [(s, role)] * n
    rng.shuffle(slots)
    if len(slots) < editors:  # more accounts than staff slots: extra editors on random sites
        slots += [(rng.choice(sites), "editor") for _ in range(editors - len(slots))]
    # Each account takes one slot; the remaining slots go to accounts as a second membership.
    unusable = make_password(None)
    users = [
        User(username=f"{common.EDITOR_PREFIX}{n:04d}", display_name=person(rng), password=unusable,
             is_active=True, date_joined=dt.datetime(2024, 1, 1, tzinfo=UTC))
        for n in range(1, editors + 1)
    ]
    users.append(User(username=common.PERSONA_EDITOR, display_name="程晓雯", password=unusable))
    users.append(User(username=common.PERSONA_REVIEWER, display_name="邵明远", password=unusable))
    users.append(User(username=common.SUPERVISOR, display_name="沈若岚（监管）", password=unusable))
    User.objects.bulk_create(users, batch_size=1000)
    users = list(User.objects.filter(username__startswith="bench-").order_by("pk"))
    by_name = {u.username: u for u in users}
    editors_list = [u for u in users if u.username.startswith(common.EDITOR_PREFIX)]
    held = set()
    memberships = []

    def grant(user, site, role):
        if (user.pk, site.id, role) in held:
            return False
        held.add((user.pk, site.id, role))
        memberships.append(SiteMembership(user_id=user.pk, site_id=site.id, role=role,
                                          granted_at=dt.datetime(2024, 1, 2, tzinfo=UTC)))
        site.members[role].append(user.pk)
        return True

    for user, (site, role) in zip(editors_list, slots, strict=False):
        grant(user, site, role)
    single = list(editors_list)  # accounts that may still take a second site
    for site, role in slots[len(editors_list):]:
        for _attempt in range(100):
            user = single.pop(rng.randrange(len(single))) if single else rng.choice(editors_list)
            if grant(user, site, role):
                break
            single.append(user)
    capital = next(s for s in sites if s.site_type == "portal" and s.level == "city")
    grant(by_name[common.PERSONA_EDITOR], capital, "editor")
    grant(by_name[common.PERSONA_REVIEWER], capital, "reviewer")
    SiteMembership.objects.bulk_create(memberships, batch_size=2000)
    group = ensure_admin_users_group()
    group.user_set.add(*[u.pk for u in users])
    RoleAssignment.objects.create(user=by_name[common.SUPERVISOR], role=Role.SUPERVISOR, institution=demo_root())
    per_user = Counter(m.user_id for m in memberships)
    return {
        "accounts": len(users), "memberships": len(memberships),
        "accounts_with_2_sites": sum(1 for n in per_user.values() if n > 1),
        "persona_site": capital.id, "persona_site_name": capital.name,
    }


# -- the library ------------------------------------------------------------------------------

def weighted(rng, choices):
    r, acc = rng.random(), 0.0
    for value, w in choices:
        acc += w
        if r < acc:
            return value
    return choices[-1][0]


def iso(ts: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, tz=UTC)


def sites_within(owner: SiteInfo, sites) -> list[SiteInfo]:
    """``reposting.sites_that_must_repost``: launched hosted sites in the owner's area."""
    return [s for s in sites if s is not owner and s.inst_path.startswith(owner.inst_path)
            and s.status in ("online", "temporarily_offline", "outage")]


def generate_library(sites, total: int, rng: random.Random, now_ts: float, repost_hours: int) -> dict:
    """COPY the items, their placements, cross-site uses, repost duties and interpretation links."""
    text = TextGen(rng)
    span = YEARS * 365 * DAY
    total_weight = sum(s.weight for s in sites)
    # 1. skeleton: (created_ts, site index, kind) in creation order → ids
    skeleton = []
    remaining = total
    for index, s in enumerate(sites):
        n = remaining if index == len(sites) - 1 else round(total * s.weight / total_weight)
        n = min(n, remaining)
        remaining -= n
        mix = KIND_MIX["portal" if s.is_portal else "department"]
        for _ in range(n):
            # slightly more recent than uniform: sites publish more each year
            ts = now_ts - span * (1 - rng.random() ** 0.85) - rng.random() * 3600
            skeleton.append((ts, index, weighted(rng, mix)))
    skeleton.sort()
    first_id = (sql("SELECT COALESCE(max(id), 0) FROM content_item")[0][0]) + 1
    # 2. statuses, decided before writing: live / unpublished / draft; recent drafts in review
    status = bytearray(len(skeleton))
    recent_drafts = []
    for n, (ts, _i, _k) in enumerate(skeleton):
        r = rng.random()
        status[n] = LIVE if r < 0.80 else UNPUBLISHED if r < 0.838 else DRAFT
        if status[n] == DRAFT and ts > now_ts - 60 * DAY:
            recent_drafts.append(n)
    in_review = max(1, round(total * 0.004))
    rejected = max(1, round(total * 0.002))
    picked = rng.sample(recent_drafts, min(len(recent_drafts), in_review + rejected))
    for k, n in enumerate(picked):
        status[n] = (REVIEW1 if k % 2 else REVIEW2) if k < in_review else REJECTED
    # important policies (CON-03): the province portal ~20 a year, city portals ~3 a year; the
    # latest few are recent so repost queues are not empty
    important = set()
    policies_by_site = defaultdict(list)
    for n, (_ts, i, kind) in enumerate(skeleton):
        if kind == "policy" and status[n] == LIVE and sites[i].is_portal and sites[i].level in ("province", "city"):
            policies_by_site[i].append(n)
    for i, ns in policies_by_site.items():
        want = max(2, round((60 if sites[i].level == "province" else 10) * total / 1_000_000))
        recent = 5 if sites[i].level == "province" else 1
        important.update(ns[-recent:])
        older = ns[:-recent]
        important.update(rng.sample(older, max(0, min(len(older), want - recent))))

    # 3. rows
    index_seq = Counter()
    last_policy = {}
    links = []
    live_items = []  # (item id, site index, column type, published ts) for cross-site uses
    important_items = []
    review_items = []  # (item id, status, site index, created_by, ts)
    column_of = {}
    kinds = Counter()
    statuses = Counter()

    def item_rows():
        for n, (ts, i, kind) in enumerate(skeleton):
            item_id = first_id + n
            s = sites[i]
            st = status[n]
            year = iso(ts).year
            title, topic = text.title(kind, s.inst_name, s.place, year)
            summary, body = text.body(topic, s.place)
            editors = s.members["editor"] or s.members["site_admin"]
            created_by = editors[n % len(editors)]
            created = iso(ts)
            published = first_pub = last_pub = archived = None
            unpublished_changes = True
            if st in (LIVE, UNPUBLISHED):
                pub_ts = ts + rng.random() * 2 * DAY if st == UNPUBLISHED or rng.random() < 0.3 else ts + rng.random() * 3600
                pub_ts = min(pub_ts, now_ts - 60)
                published = first_pub = iso(pub_ts)
                last_pub = iso(min(pub_ts + (rng.random() * 30 * DAY if rng.random() < 0.1 else 0), now_ts - 60))
                unpublished_changes = st == UNPUBLISHED or rng.random() < 0.02
                if st == LIVE and ts < now_ts - 365 * DAY and rng.random() < 0.04:
                    archived = iso(ts + (365 + rng.random() * 300) * DAY).date()
            updated = last_pub or iso(min(ts + rng.random() * 5 * DAY, now_ts - 60))
            is_important = n in important
            idx = doc = issuing = subject = validity = superseded = ""
            written = validity_changed = None
            interp_form = response_kind = map_number = ""
            standard_map = is_major = False
            if kind == "policy":
                index_seq[(i, year)] += 1
                idx = f"{s.uscc}/{year}-{index_seq[(i, year)]:05d}"
                doc = f"{s.abbreviation or s.place[:1]}{'政' if s.is_portal else '办'}发〔{year}〕{index_seq[(i, year)]}号"
                issuing = s.inst_name
                written = (created - dt.timedelta(days=rng.randint(1, 10))).date()
                subject = rng.choice(SUBJECTS)
                v = rng.random()
                validity = "valid" if v < 0.85 else "amended" if v < 0.9 else "repealed" if v < 0.95 else "expired"
                if validity != "valid":
                    validity_changed = (created + dt.timedelta(days=rng.randint(30, 700))).date()
                    superseded = f"关于修订{title[:40]}的通知" if validity == "amended" else ""
                is_major = rng.random() < 0.03
                last_policy[i] = item_id
            elif kind == "interpretation":
                interp_form = rng.choice(("text", "text", "graphic", "video"))
                if i in last_policy:
                    links.append((last_policy[i], item_id))
            elif kind == "response":
                response_kind = rng.choice(("emergency", "hot_topic", "hot_topic", "rumour"))
            elif kind == "map":
                standard_map = rng.random() < 0.5
                map_number = "" if standard_map else f"{s.abbreviation or '澜'}S〔{year}〕{rng.randint(1, 99):03d}号"
            column_type = (weighted(rng, ARTICLE_COLUMNS) if kind == "article"
                           else ("announcements" if rng.random() < 0.05 else "notices") if kind == "announcement"
                           else KIND_COLUMN[kind])
            column_of[item_id] = (i, column_type)
            kinds[kind] += 1
            statuses[st] += 1
            if st == LIVE:
                if is_important:
                    important_items.append((item_id, i, published.timestamp()))
                elif archived is None:
                    live_items.append((item_id, i, column_type, published.timestamp()))
            elif st in (REVIEW1, REVIEW2, REJECTED):
                review_items.append((item_id, st, i, created_by, ts))
            yield (
                item_id, st == LIVE, unpublished_changes, first_pub, last_pub, None, None,
                False, False, None, kind, title, summary, body, s.name, "", published,
                is_important, is_major, interp_form, response_kind, standard_map,
                map_number, idx, issuing, doc, written, subject, validity,
                validity_changed, superseded, archived, created, updated, created_by,
                None, None, None, s.id,
            )

    counts = {}
    counts["items"] = copy_rows("content_item", ITEM_COLUMNS, item_rows())

    def placement_rows():
        for item_id, (i, column_type) in column_of.items():
            ts = skeleton[item_id - first_id][0]
            s = sites[i]
            editors = s.members["editor"] or s.members["site_admin"]
            yield (item_id, False, iso(ts), s.columns[column_type], item_id, editors[item_id % len(editors)], s.id)

    first_placement = (sql("SELECT COALESCE(max(id), 0) FROM content_placement")[0][0]) + 1
    assert first_placement <= first_id, "placement ids follow item ids"
    counts["placements_own"] = copy_rows("content_placement", PLACEMENT_COLUMNS, placement_rows())
    next_placement = first_id + len(skeleton)

    # 4. cross-site uses: ~2 % of the items are also shown on another site (source shown, CON-04)
    by_inst = {s.inst_id: s for s in sites}
    portal_of_inst = {s.inst_id: s for s in sites if s.is_portal}
    subordinates = {i: [t for t in sites_within(s, sites) if t.is_portal] or sites_within(s, sites)
                    for i, s in enumerate(sites) if s.is_portal}
    uses = []
    target_uses = round(total * 0.02)
    for item_id, i, column_type, pub_ts in rng.sample(live_items, min(len(live_items), target_uses * 2)):
        if len(uses) >= target_uses:
            break
        s = sites[i]
        if s.is_portal:
            options = subordinates.get(i) or []
            target = rng.choice(options) if options else None
        else:
            target = portal_of_inst.get(s.parent_inst_id) if by_inst.get(s.parent_inst_id) else None
        if target is None or column_type not in target.columns:
            continue
        editors = target.members["editor"] or target.members["site_admin"]
        uses.append((next_placement, False, iso(min(pub_ts + rng.random() * 3 * DAY, now_ts - 60)),
                     target.columns[column_type], item_id, rng.choice(editors), target.id))
        next_placement += 1
    counts["placements_cross_site"] = copy_rows("content_placement", PLACEMENT_COLUMNS, uses)

    # 5. repost duties of the important policies; fulfilled ones have a repost placement
    duties, reposts = [], []
    duty_id = (sql("SELECT COALESCE(max(id), 0) FROM content_repostduty")[0][0]) + 1
    for item_id, i, pub_ts in important_items:
        recent = pub_ts > now_ts - 2 * DAY
        for target in sites_within(sites[i], sites):
            due = pub_ts + repost_hours * 3600
            r = rng.random()
            if recent:
                done = pub_ts + rng.random() * (now_ts - pub_ts) if r < 0.4 else None
            else:
                done = (pub_ts + rng.random() * repost_hours * 3600 * 0.9 if r < 0.93
                        else due + rng.random() * 3 * DAY if r < 0.97 else None)
            placement_id = None
            if done is not None:
                placement_id = next_placement
                next_placement += 1
                editors = target.members["editor"] or target.members["site_admin"]
                reposts.append((placement_id, True, iso(done), target.columns["policies"], item_id,
                                rng.choice(editors), target.id))
            duties.append((duty_id, iso(pub_ts), iso(due), iso(done) if done else None, item_id, placement_id,
                           target.id))
            duty_id += 1
    counts["placements_repost"] = copy_rows("content_placement", PLACEMENT_COLUMNS, reposts)
    counts["repost_duties"] = copy_rows(
        "content_repostduty", ("id", "created_at", "due_at", "fulfilled_at", "item_id", "placement_id", "site_id"),
        duties)
    counts["repost_duties_open"] = sum(1 for d in duties if d[3] is None)
    link_id = (sql("SELECT COALESCE(max(id), 0) FROM content_interpretationlink")[0][0]) + 1
    counts["interpretation_links"] = copy_rows(
        "content_interpretationlink", ("id", "policy_id", "interpretation_id"),
        ((link_id + n, p, q) for n, (p, q) in enumerate(links)))
    counts["kinds"] = dict(kinds)
    names = {LIVE: "live", UNPUBLISHED: "unpublished", DRAFT: "draft", REVIEW1: "in_review_step1",
             REVIEW2: "in_review_step2", REJECTED: "rejected"}
    counts["statuses"] = {names[k]: v for k, v in sorted(statuses.items())}
    counts["important_policies"] = len(important_items)
    return {"counts": counts, "review_items": review_items}


def create_reviews(review_items, sites, workflow_id: int, now_ts: float, rng: random.Random) -> dict:
    """Real Wagtail rows for items in review and rejected: a revision (the item's serialized
    data), a WorkflowState and its TaskStates, the item's latest_revision — what
    ``Workflow.start`` and ``TaskState.approve/reject`` write, in bulk."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Revision, TaskState, WorkflowState, WorkflowTask

    from govsites.content.models import Item

    tasks = list(WorkflowTask.objects.filter(workflow_id=workflow_id).order_by("sort_order").values_list("task_id", flat=True))
    item_ct = ContentType.objects.get_for_model(Item)
    ts_ct = ContentType.objects.get_for_model(TaskState)
    meta = {item_id: (st, i, created_by, ts) for item_id, st, i, created_by, ts in review_items}
    items = list(Item.objects.filter(pk__in=list(meta)).order_by("pk"))
    revisions = []
    for item in items:
        st, i, created_by, ts = meta[item.pk]
        submitted = iso(min(ts + rng.random() * 3 * DAY, now_ts - 3600))
        revisions.append(Revision(
            content_type=item_ct, base_content_type=item_ct, object_id=str(item.pk), content=item.serializable_data(),
            user_id=created_by, created_at=submitted, object_str=str(item)[:255],
        ))
    Revision.objects.bulk_create(revisions, batch_size=1000)
    states = []
    for item, revision in zip(items, revisions, strict=True):
        st = meta[item.pk][0]
        states.append(WorkflowState(
            content_type=item_ct, base_content_type=item_ct, object_id=str(item.pk), workflow_id=workflow_id,
            status="needs_changes" if st == REJECTED else "in_progress", requested_by_id=revision.user_id,
            created_at=revision.created_at,
        ))
    WorkflowState.objects.bulk_create(states, batch_size=1000)
    task_states, current = [], []
    for item, revision, state in zip(items, revisions, states, strict=True):
        st, i = meta[item.pk][0], meta[item.pk][1]
        site = sites[i]
        reviewers = site.members["reviewer"] or site.members["site_admin"]
        secrecy = site.members["confidentiality_reviewer"] or site.members["site_admin"]
        t0 = revision.created_at
        t1 = min(t0 + dt.timedelta(hours=rng.random() * 20), iso(now_ts - 1800))
        common_fields = {"workflow_state": state, "revision": revision, "content_type": ts_ct, "comment": ""}
        if st == REVIEW1:
            task_states.append(TaskState(task_id=tasks[0], status="in_progress", started_at=t0, **common_fields))
        elif st == REVIEW2:
            task_states.append(TaskState(task_id=tasks[0], status="approved", started_at=t0, finished_at=t1,
                                         finished_by_id=rng.choice(reviewers), **common_fields))
            task_states.append(TaskState(task_id=tasks[1], status="in_progress", started_at=t1, **common_fields))
        else:
            step = rng.random() < 0.6
            if not step:
                task_states.append(TaskState(task_id=tasks[0], status="approved", started_at=t0, finished_at=t1,
                                             finished_by_id=rng.choice(reviewers), **common_fields))
            fields = dict(common_fields, comment=rng.choice(REJECT_COMMENTS))
            task_states.append(TaskState(
                task_id=tasks[0] if step else tasks[1], status="rejected", started_at=t0 if step else t1,
                finished_at=t1 + dt.timedelta(minutes=30) if t1 < iso(now_ts - 3600) else t1,
                finished_by_id=rng.choice(reviewers if step else secrecy), **fields))
        current.append(task_states[-1])
    TaskState.objects.bulk_create(task_states, batch_size=1000)
    for state, task_state in zip(states, current, strict=True):
        state.current_task_state = task_state
    WorkflowState.objects.bulk_update(states, ["current_task_state"], batch_size=1000)
    for item, revision in zip(items, revisions, strict=True):
        item.latest_revision = revision
    Item.objects.bulk_update(items, ["latest_revision"], batch_size=1000)
    return {"revisions": len(revisions), "workflow_states": len(states), "task_states": len(task_states)}


# -- the baseline: the same content as Wagtail pages, stock permissions ------------------------

B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def b36(n: int) -> str:
    out = ""
    for _ in range(4):
        n, r = divmod(n, 36)
        out = B36[r] + out
    return out


def create_baseline(sites, review_items, now_ts: float, rng: random.Random) -> dict:
    """Per site: a home page, its standard columns and one page per placement (the same
    items, titles, dates and live flags), all plain ``wagtailcore.Page``; a Group per site with
    add/change/publish on its home, its members in it; a GroupApprovalTask workflow per site;
    the same pages in review; a search index entry per page (what the search backend writes)."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import (
        GroupApprovalTask,
        GroupPagePermission,
        Locale,
        Page,
        Revision,
        TaskState,
        Workflow,
        WorkflowPage,
        WorkflowState,
        WorkflowTask,
    )

    from govsites.content.columns import STANDARD_COLUMNS
    from govsites.content.models import SiteMembership

    root = Page.get_first_root_node()
    page_ct = ContentType.objects.get_for_model(Page)
    locale_id = Locale.get_default().pk
    last_child = root.get_children().order_by("-path").values_list("path", flat=True).first()
    next_index = (int(last_child[-4:], 36) + 1) if last_child else 1
    published = iso(now_ts - YEARS * 365 * DAY)
    homes = []
    for k, s in enumerate(sites):
        title = f"〔基线〕{s.name}"
        homes.append(Page(
            title=title, draft_title=title, slug=f"{common.BASELINE_SLUG_PREFIX}{s.id}", path=root.path + b36(next_index + k),
            depth=root.depth + 1, numchild=len(STANDARD_COLUMNS), live=True, has_unpublished_changes=False,
            url_path=f"/{common.BASELINE_SLUG_PREFIX}{s.id}/", content_type=page_ct, locale_id=locale_id,
            first_published_at=published, last_published_at=published, latest_revision_created_at=published,
        ))
    Page.objects.bulk_create(homes, batch_size=1000)
    sql("UPDATE wagtailcore_page SET numchild = numchild + %s WHERE id = %s", [len(homes), root.pk])
    columns = []
    for home in homes:
        for j, (column_type, slug, title, _description) in enumerate(STANDARD_COLUMNS, start=1):
            columns.append(Page(
                title=title, draft_title=title, slug=slug, path=home.path + b36(j), depth=home.depth + 1, numchild=0,
                live=True, has_unpublished_changes=False, url_path=f"{home.url_path}{slug}/", content_type=page_ct,
                locale_id=locale_id, first_published_at=published, last_published_at=published,
                latest_revision_created_at=published, seo_title=column_type,
            ))
    Page.objects.bulk_create(columns, batch_size=2000)
    mapping = []
    per_home = len(STANDARD_COLUMNS)
    for k, s in enumerate(sites):
        for j, (column_type, *_rest) in enumerate(STANDARD_COLUMNS):
            page = columns[k * per_home + j]
            if column_type in s.columns:
                mapping.append((s.columns[column_type], s.id, page.pk, page.path, page.url_path, column_type, homes[k].pk))
    sql("DROP SCHEMA IF EXISTS bench CASCADE")
    sql("CREATE SCHEMA bench")
    sql("""CREATE TABLE bench.baseline_column (real_column_id int PRIMARY KEY, site_id bigint, page_id int,
           path varchar(255), url_path text, column_type text, home_id int)""")
    sql("""CREATE FUNCTION bench.b36(n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
           SELECT substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', ((n / 46656) % 36)::int + 1, 1)
               || substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', ((n / 1296) % 36)::int + 1, 1)
               || substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', ((n / 36) % 36)::int + 1, 1)
               || substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', (n % 36)::int + 1, 1) $$""")
    copy_rows("bench.baseline_column",
              ("real_column_id", "site_id", "page_id", "path", "url_path", "column_type", "home_id"), mapping)
    # One page per placement: the item on its own site, and the copies other sites show.
    sql("""
        INSERT INTO wagtailcore_page (path, depth, numchild, title, slug, live, has_unpublished_changes, url_path,
            seo_title, show_in_menus, search_description, go_live_at, expire_at, expired, content_type_id, owner_id,
            locked, latest_revision_created_at, first_published_at, live_revision_id, last_published_at, draft_title,
            locked_at, locked_by_id, translation_key, locale_id, alias_of_id, latest_revision_id)
        SELECT bc.path || bench.b36(row_number() OVER (PARTITION BY p.column_id ORDER BY p.placed_at, p.id)),
               4, 0, i.title, 'p-' || p.id, i.live OR p.site_id <> i.owning_site_id,
               CASE WHEN p.site_id = i.owning_site_id THEN i.has_unpublished_changes ELSE false END,
               bc.url_path || 'p-' || p.id || '/', '', false, '', NULL, NULL, false, %s,
               CASE WHEN p.site_id = i.owning_site_id THEN i.created_by_id ELSE p.placed_by_id END, false,
               CASE WHEN p.site_id = i.owning_site_id THEN i.updated_at ELSE p.placed_at END,
               CASE WHEN p.site_id = i.owning_site_id THEN i.first_published_at ELSE p.placed_at END, NULL,
               CASE WHEN p.site_id = i.owning_site_id THEN i.last_published_at ELSE p.placed_at END, i.title,
               NULL, NULL, gen_random_uuid(), %s, NULL, NULL
        FROM content_placement p
        JOIN content_item i ON i.id = p.item_id
        JOIN bench.baseline_column bc ON bc.real_column_id = p.column_id
    """, [page_ct.pk, locale_id])
    sql("""UPDATE wagtailcore_page c SET numchild = n.n FROM (
               SELECT bc.page_id, count(*) AS n FROM content_placement p
               JOIN bench.baseline_column bc ON bc.real_column_id = p.column_id GROUP BY bc.page_id) n
           WHERE c.id = n.page_id""")
    pages = sql("SELECT count(*) FROM wagtailcore_page WHERE depth = 4 AND slug LIKE 'p-%%'")[0][0]

    # Stock permissions: a Group per site with add/change/publish on its home page.
    perms = {p.codename: p for p in Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=["add_page", "change_page", "publish_page"])}
    groups = [Group(name=f"{common.BASELINE_GROUP_PREFIX}{s.id}·{s.name}"[:150]) for s in sites]
    Group.objects.bulk_create(groups)
    supervisors = Group.objects.create(name=common.BASELINE_SUPERVISOR_GROUP)
    GroupPagePermission.objects.bulk_create(
        [GroupPagePermission(group=g, page=h, permission=p) for g, h in zip(groups, homes, strict=True)
         for p in perms.values()]
        + [GroupPagePermission(group=supervisors, page=root, permission=p) for p in perms.values()]
    )
    group_of_site = {s.id: g for s, g in zip(sites, groups, strict=True)}
    through = Group.user_set.through
    members = set(SiteMembership.objects.values_list("user_id", "site_id"))
    through.objects.bulk_create([through(user_id=u, group_id=group_of_site[s].pk) for u, s in members
                                 if s in group_of_site], batch_size=5000)
    from govsites.accounts.models import User

    supervisors.user_set.add(User.objects.get(username=common.SUPERVISOR))
    # Stock moderation: a GroupApprovalTask per site (the site's group), on its home page.
    task_of_site = {}
    workflow_of_site = {}
    for s, g, home in zip(sites, groups, homes, strict=True):
        workflow = Workflow.objects.create(name=f"基线审核·{s.id}", active=True)
        task = GroupApprovalTask.objects.create(name=f"基线审核·{s.id}")
        task.groups.add(g)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        WorkflowPage.objects.create(page=home, workflow=workflow)
        task_of_site[s.id], workflow_of_site[s.id] = task.pk, workflow.pk
    # The same items in review / rejected, as pages.
    meta = {f"p-{item_id}": (st, sites[i], created_by, ts) for item_id, st, i, created_by, ts in review_items}
    review_pages = list(Page.objects.filter(depth=4, slug__in=list(meta)).order_by("pk"))
    ts_ct = ContentType.objects.get_for_model(TaskState)
    revisions = []
    for page in review_pages:
        _st, _s, created_by, ts = meta[page.slug]
        revisions.append(Revision(
            content_type=page_ct, base_content_type=page_ct, object_id=str(page.pk), content=page.serializable_data(),
            user_id=created_by, created_at=iso(min(ts + rng.random() * 3 * DAY, now_ts - 3600)), object_str=page.title,
        ))
    Revision.objects.bulk_create(revisions, batch_size=1000)
    states = [WorkflowState(
        content_type=page_ct, base_content_type=page_ct, object_id=str(page.pk),
        workflow_id=workflow_of_site[meta[page.slug][1].id],
        status="needs_changes" if meta[page.slug][0] == REJECTED else "in_progress",
        requested_by_id=revision.user_id, created_at=revision.created_at,
    ) for page, revision in zip(review_pages, revisions, strict=True)]
    WorkflowState.objects.bulk_create(states, batch_size=1000)
    task_states = []
    for page, revision, state in zip(review_pages, revisions, states, strict=True):
        st, s, _c, _t = meta[page.slug]
        rejected = st == REJECTED
        reviewers = s.members["reviewer"] or s.members["site_admin"]
        task_states.append(TaskState(
            workflow_state=state, revision=revision, task_id=task_of_site[s.id], content_type=ts_ct,
            status="rejected" if rejected else "in_progress", started_at=revision.created_at,
            finished_at=revision.created_at + dt.timedelta(hours=2) if rejected else None,
            finished_by_id=rng.choice(reviewers) if rejected else None,
            comment=rng.choice(REJECT_COMMENTS) if rejected else "",
        ))
    TaskState.objects.bulk_create(task_states, batch_size=1000)
    for state, task_state in zip(states, task_states, strict=True):
        state.current_task_state = task_state
    WorkflowState.objects.bulk_update(states, ["current_task_state"], batch_size=1000)
    for page, revision in zip(review_pages, revisions, strict=True):
        page.latest_revision = revision
        page.latest_revision_created_at = revision.created_at
        page.has_unpublished_changes = True
    Page.objects.bulk_update(review_pages, ["latest_revision", "latest_revision_created_at", "has_unpublished_changes"],
                             batch_size=1000)
    return {"homes": len(homes), "columns": len(columns), "item_pages": pages, "groups": len(groups) + 1,
            "workflows": len(workflow_of_site), "pages_in_review_or_rejected": len(review_pages)}


def index_pages() -> int:
    """Search index entries for every page, as the database search backend writes them on
    PostgreSQL (title: ``setweight(to_tsvector(title), 'B')``, autocomplete:
    ``to_tsvector('simple', title)``, then ``title_norm = avg length / length``)."""
    sql("""
        INSERT INTO wagtailsearch_indexentry (content_type_id, object_id, title, autocomplete, body, title_norm,
                                              title_text, body_text)
        SELECT content_type_id, id::text, setweight(to_tsvector(title), 'B'), to_tsvector('simple', title),
               ''::tsvector, 1.0, title, ''
        FROM wagtailcore_page
        ON CONFLICT (content_type_id, object_id) DO NOTHING
    """)
    sql("""
        UPDATE wagtailsearch_indexentry SET title_norm = a.lavg / length(title)
        FROM (SELECT avg(length(title)) AS lavg FROM wagtailsearch_indexentry WHERE length(title) > 0) a
        WHERE length(title) > 0
    """)
    return sql("SELECT count(*) FROM wagtailsearch_indexentry")[0][0]


def verify_index_entries(sample: int = 5) -> None:
    """The SQL-built entries equal what the search backend itself writes (checked on a sample)."""
    from django.db import transaction
    from modelsearch.backends import get_search_backend
    from wagtail.models import Page

    backend = get_search_backend()
    ids = [r[0] for r in sql("SELECT id FROM wagtailcore_page ORDER BY random() LIMIT %s", [sample])]
    query = ("SELECT object_id, title::text, autocomplete::text, body::text, title_text, body_text "
             "FROM wagtailsearch_indexentry WHERE object_id = ANY(%s) ORDER BY object_id")
    ours = sql(query, [[str(i) for i in ids]])
    with transaction.atomic():
        sql("DELETE FROM wagtailsearch_indexentry WHERE object_id = ANY(%s)", [[str(i) for i in ids]])
        for page in Page.objects.filter(pk__in=ids).specific():
            backend.add(page)
        theirs = sql(query, [[str(i) for i in ids]])
        transaction.set_rollback(True)
    if ours != theirs:
        raise SystemExit(f"search index entries differ from the backend's:\n{ours}\n{theirs}")


def verify_foreign_keys(tables) -> int:
    """Every single-column foreign key of the bulk-loaded tables points at an existing row."""
    rows = sql("""
        SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, af.attname
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
        WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s) AND array_length(c.conkey, 1) = 1
    """, [list(tables)])
    for table, column, target, target_column in rows:
        query = (f"SELECT count(*) FROM {table} t WHERE t.{column} IS NOT NULL AND NOT EXISTS "  # noqa: S608
                 f"(SELECT 1 FROM {target} r WHERE r.{target_column} = t.{column})")  # (names from pg_catalog)
        bad = sql(query)[0][0]
        if bad:
            raise SystemExit(f"{bad} rows of {table}.{column} point at no {target}.{target_column}")
    return len(rows)


LOADED_TABLES = ("content_item", "content_placement", "content_repostduty", "content_interpretationlink",
                 "wagtailcore_page", "wagtailsearch_indexentry")
CHECKED_TABLES = (*LOADED_TABLES, "wagtailcore_revision", "wagtailcore_workflowstate", "wagtailcore_taskstate",
                  "content_sitemembership", "auth_group_permissions", "wagtailcore_grouppagepermission")


def sync_media_groups() -> dict | None:
    try:
        from govsites.media import groups
    except ImportError:  # an older tree without per-site media collections
        return None
    return groups.sync_all()


def table_rows() -> dict[str, int]:
    return {table: sql(f"SELECT count(*) FROM {table}")[0][0]  # noqa: S608  (fixed table names)
            for table in sorted([*CHECKED_TABLES, "accounts_user", "registry_site"])}


def build(args) -> int:
    from django.conf import settings
    from django.core.management import call_command

    from govsites import clock
    from govsites.content.models import Item
    from govsites.content.reposting import repost_hours
    from govsites.content.sites import ensure_all

    started = time.monotonic()
    timings: dict[str, float] = {}
    facts: dict = {"database": settings.DATABASES["default"]["NAME"], "items_requested": args.items,
                   "editors_requested": args.editors, "seed": args.seed}
    with common.step("migrate", timings):
        call_command("migrate", verbosity=0, interactive=False)
    if Item.objects.exists():
        sys.exit("the benchmark database already holds library items: run with --reset to rebuild it")
    if not args.cloned:
        with common.step("demo_estate --scale medium", timings):
            call_command("demo_estate", scale="medium")
        with common.step("content trees: govsites.content.sites.ensure_all()", timings):
            facts["site_trees"] = ensure_all()
        if args.trees_template:
            with common.step("save template database", timings):
                save_template(args.database_url, args.trees_template)
    facts["cloned_from_template"] = args.cloned
    facts["pages_after_trees"] = sql("SELECT count(*) FROM wagtailcore_page")[0][0]
    sites = load_sites()
    facts["sites_with_trees"] = len(sites)
    rng = random.Random(args.seed)  # noqa: S311  (benchmark data, no secrets)
    now_ts = clock.now().timestamp()
    facts["now"] = clock.now().isoformat()
    with common.step("review workflow (two steps) for every site", timings):
        workflow_id = ensure_review_workflow(sites)
    with common.step("editor accounts, memberships, supervisor", timings):
        facts["users"] = create_users(sites, args.editors, rng)
    with common.step("media groups for the memberships (govsites.media.groups.sync_all)", timings):
        # bulk_create sent no post_save: put the members into their sites' media groups as the
        # SiteMembership receiver would (per-site collection permissions for images/documents)
        facts["media_groups"] = sync_media_groups()
    with common.step("drop secondary indexes of the bulk-loaded tables", timings):
        definitions = drop_secondary_indexes(LOADED_TABLES)
    sql("SET session_replication_role = replica")  # FK triggers off during COPY; verified below
    try:
        with common.step(f"library: {args.items} items, placements, reposts, duties, links (COPY)", timings):
            library = generate_library(sites, args.items, rng, now_ts, repost_hours())
            facts["library"] = library["counts"]
        with common.step("items in review / rejected: revisions, workflow and task states", timings):
            facts["reviews"] = create_reviews(library["review_items"], sites, workflow_id, now_ts, rng)
        if not args.no_baseline:
            with common.step("baseline: pages, groups, page permissions, workflows", timings):
                facts["baseline"] = create_baseline(sites, library["review_items"], now_ts, rng)
            with common.step("baseline: search index entries for every page", timings):
                facts["search_index_entries"] = index_pages()
    finally:
        sql("SET session_replication_role = DEFAULT")
    with common.step(f"rebuild {len(definitions)} secondary indexes", timings):
        for definition in definitions:
            sql(definition)
    set_sequences(["content_item", "content_placement", "content_repostduty", "content_interpretationlink",
                   "wagtailcore_page", "wagtailsearch_indexentry"])
    with common.step("verify foreign keys of the loaded tables", timings):
        facts["foreign_keys_checked"] = verify_foreign_keys(CHECKED_TABLES)
    if not args.no_baseline:
        with common.step("verify search index entries against the backend", timings):
            verify_index_entries()
    with common.step("VACUUM ANALYZE", timings):
        sql("VACUUM ANALYZE")
    total = time.monotonic() - started
    timings["total"] = round(total, 1)
    facts["table_rows"] = table_rows()
    facts["database_size"] = sql("SELECT pg_size_pretty(pg_database_size(current_database()))")[0][0]
    out = common.HERE / "generate-timings.json"
    out.write_text(json.dumps({"timings_seconds": timings, "facts": facts}, ensure_ascii=False, indent=2, default=str))
    print(json.dumps(facts, ensure_ascii=False, indent=2, default=str))
    print(f"done in {total / 60:.1f} min; timings written to {out}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=common.DEFAULT_URL)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--editors", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--reset", action="store_true", help="drop and recreate the benchmark database first")
    parser.add_argument("--no-baseline", action="store_true", help="skip the stock-Wagtail baseline pages")
    parser.add_argument("--trees-template", metavar="DBNAME",
                        help="start from this database (migrated estate with site trees) if it exists; "
                             "otherwise save one there after the site trees (saves ~5 min on reruns)")
    args = parser.parse_args(argv)
    common.refuse_test_database(args.database_url)
    args.cloned = create_database(args.database_url, args.reset, args.trees_template)
    common.setup(args.database_url)
    return build(args)


if __name__ == "__main__":
    sys.exit(main())
