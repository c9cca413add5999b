"""The demo sites' published past: about eighteen months of news, notices, policy documents with
their interpretations, responses, site notices and the three profile pages on every hosted site,
so the published demo sites read like real government sites rather than six items on one portal.

Written in bulk (items, their one revision, placements, interpretation links, repost duties)
instead of through the review actions: a thousand items through two reviews each would take
minutes, and the past needs no review trail. Every item is still what the library expects of a
live item: a live revision, a placement in its own site's standard column, policy documents
with the full disclosure block (the same validator as the editor's save, index numbers drawn
from the real counters), every major policy with its interpretation, and the provincial portal's
important policies reposted on time by the sites that owed it (CON-03), with the duties on record.

Deterministic (one seeded ``random.Random`` per site) and idempotent: a site whose library holds
items by the history account is left alone, so a second run adds nothing and a site that comes
online later gets its past on the next run. Bulk writes send no signals, so nothing is queued
for publishing; ``make demo`` rebuilds every site afterwards (``publish --all``).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import Revision

from govsites import clock
from govsites.audit.log import record
from govsites.content.columns import ColumnType
from govsites.content.disclosure import classification, index_numbers, org_codes
from govsites.content.disclosure.dates import chinese_date
from govsites.content.models import (
    ColumnPage,
    IndexCounter,
    InterpretationLink,
    Item,
    ItemKind,
    Placement,
    RepostDuty,
    SiteHomePage,
)
from govsites.content.models.library import InterpretationForm, Validity
from govsites.content.reposting import repost_hours, sites_that_must_repost
from govsites.policy import profiles
from govsites.registry.models import Institution, InstitutionKind, Level, Site, SiteStatus

from . import content_texts as texts
from . import names
from .content import ORG_CODE
from .estate import ACTOR, STAFF_PREFIX, DemoError, demo_root

DEFAULT_SEED = 20260101
#: how far back the published past reaches
HISTORY_DAYS = 548
#: the account every history item is created by: how a second run recognises them (no login)
AUTHOR_USERNAME = f"{STAFF_PREFIX}content-history"
AUTHOR_NAME = "历史信息导入"
#: sites that have been online: approved sites have not launched, closed ones moved their content away
SEEDED_STATUSES = (SiteStatus.ONLINE, SiteStatus.TEMPORARILY_OFFLINE, SiteStatus.OUTAGE, SiteStatus.CLOSING)
#: important policies of the provincial portal that every site below it reposted
IMPORTANT_POLICIES = 3


@dataclass(frozen=True)
class Quota:
    """Items per column: a portal publishes far more than a department's site."""

    news: int
    notices: int
    policies: int
    majors: int  # policies published with an interpretation (CON-07)
    responses: int
    site_notices: int


PORTAL = Quota(news=25, notices=10, policies=8, majors=4, responses=3, site_notices=2)
DEPARTMENT = Quota(news=8, notices=4, policies=3, majors=1, responses=1, site_notices=1)


@dataclass
class Seeded:
    """What one run made (all zero when every site already had its past)."""

    sites: int = 0
    items: int = 0
    reposts: int = 0
    seconds: float = 0.0


@dataclass
class Draft:
    """An item to write, with what has to be written along with it."""

    item: Item
    column: str  # ColumnType of its own placement
    explains: Draft | None = None  # for an interpretation: its policy
    important: bool = False
    org_code: str = ""  # the issuing body's code in index numbers (policies)
    unit: str | None = None


@dataclass
class Names:
    """What the texts call a site, its institution and its government."""

    site: Site
    institution: Institution
    government: Institution
    place: str  # 青岚市
    lw: str  # 市: 全市, 市政府
    subs: list[str]  # places below (for visits), never empty
    children: str  # the overview's list of what the place comprises
    line: texts.Line | None = None  # departments only
    org_code: str = ""
    agency: str = ""  # 青政 (portal) or 青教 (department): the document-number agency code without 发
    extra: dict = field(default_factory=dict)

    @property
    def portal(self) -> bool:
        return self.line is None

    @property
    def roles(self) -> tuple[str, str]:
        """The government's head and deputies: 省长/副省长, 区长/副区长 …"""
        return texts.PORTAL_ROLES.get(self.government.level) or texts.PORTAL_ROLES[self.place[-1]]

    def context(self) -> dict:
        gov = self.government
        superior = {Level.PROVINCE: "党中央、国务院", Level.CITY: "省委、省政府"}.get(gov.level, "市委、市政府")
        context = {
            "place": self.place, "gov": gov.name, "short": f"{self.lw}政府", "lw": self.lw,
            "office": gov.office_name or f"{gov.name}办公室", "head": gov.head_name, "head_title": self.roles[0],
            "superior": superior, "site": self.site.name, "org": f"{self.lw}政府",
            "lw_area": f"全{self.lw}",
        }
        if self.line is not None:
            inst = self.institution
            context.update({
                "dept": inst.short_name or inst.name, "dept_full": inst.name, "work": self.line.work,
                "org": inst.short_name or inst.name,
            })
        return context


def _author():
    """The inactive history account (no usable password: nobody logs in as it)."""
    User = get_user_model()
    user = User.objects.filter(username=AUTHOR_USERNAME).first()
    if user is None:
        user = User(username=AUTHOR_USERNAME, is_active=False, display_name=AUTHOR_NAME, date_joined=clock.now())
        user.set_unusable_password()
        user.save()
    return user


def org_code_of(institution: Institution, root: Institution) -> str:
    """A fictional organisation code with a valid check character (the province's matches ``play()``)."""
    if institution.pk == root.pk:
        return ORG_CODE
    body = f"99{institution.pk % 1_000_000:06d}"
    return body + org_codes.org_code_check_char(body)


def _core(institution: Institution, government: Institution) -> str:
    """青岚市教育局 → 教育局; 澜川省人民政府外事办公室 → 外事办公室."""
    return institution.name.removeprefix(government.name.removesuffix("人民政府")).removeprefix("人民政府")


def line_key(institution: Institution, government: Institution) -> str | None:
    core = _core(institution, government)
    return next((key for keyword, key in texts.LINE_KEYWORDS if keyword in core and key in texts.LINES), None)


def line_of(institution: Institution, government: Institution) -> texts.Line:
    key = line_key(institution, government)
    if key is not None:
        return texts.LINES[key]
    work = _core(institution, government)
    for suffix in ("委员会", "办公室", "管理局", "厅", "局", "委", "办"):
        if work.endswith(suffix) and len(work) > len(suffix) + 1:
            work = work.removesuffix(suffix)
            break
    return texts.generic_line(work, work[:2])


class Estate:
    """The institutions once, so each site's names need no queries."""

    def __init__(self, root: Institution):
        self.root = root
        self.institutions = {i.pk: i for i in Institution.objects.filter(path__startswith=root.path)}
        self.children: dict[int, list[Institution]] = {}
        for institution in sorted(self.institutions.values(), key=lambda i: i.path):
            if institution.parent_id in self.institutions:
                self.children.setdefault(institution.parent_id, []).append(institution)

    def governments_below(self, government: Institution) -> list[Institution]:
        return [c for c in self.children.get(government.pk, []) if c.kind == InstitutionKind.GOVERNMENT]

    def departments_of(self, government: Institution) -> list[Institution]:
        return [c for c in self.children.get(government.pk, []) if c.kind == InstitutionKind.DEPARTMENT]

    def names(self, site: Site) -> Names:
        institution = self.institutions[site.institution_id]
        government = institution if institution.is_government else self.institutions[institution.parent_id]
        place = government.name.removesuffix("人民政府")
        lw = "省" if government.level == Level.PROVINCE else place[-1]
        below = self.governments_below(government)
        subs = [g.name.removesuffix("人民政府") for g in below] or [f"{place}经济开发区", f"{place}城区"]
        if below:
            children = f"下辖{'、'.join(subs)}"
        else:
            children = "下辖若干乡镇（街道）"
        found = Names(site, institution, government, place, lw, subs, children,
                      org_code=org_code_of(institution, self.root))
        prefix = self.root.abbreviation or names.PROVINCE_ABBREVIATION
        prefix = prefix if government.level == Level.PROVINCE else place[0]
        if institution.is_government:
            found.agency = f"{prefix}政"
            for department in self.departments_of(government):  # who drafts and explains its policies
                found.extra.setdefault("drafters", {}).setdefault(line_key(department, government), department.name)
        else:
            found.line = line_of(institution, government)
            found.agency = f"{prefix}{found.line.code}"
        return found


def _period(day: dt.date) -> str:
    """The latest reported period on ``day`` (statistics come out after the quarter)."""
    return {1: f"{day.year - 1}年", 2: "一季度", 3: "上半年", 4: "前三季度"}[(day.month - 1) // 3 + 1]


def _moments(rng: random.Random, start: dt.datetime, end: dt.datetime, count: int) -> list[dt.datetime]:
    """``count`` office-hours moments on working days between ``start`` and ``end``, oldest first."""
    span = max((end - start).days, 1)
    found = []
    for _ in range(count):
        day = (start + dt.timedelta(days=rng.randrange(span))).date()
        if day.weekday() >= 5:  # weekend: the Friday before
            day -= dt.timedelta(days=day.weekday() - 4)
        moment = clock.at(day.year, day.month, day.day, rng.randint(8, 17), rng.randrange(60))
        found.append(min(max(moment, start), end))
    return sorted(found)


def _fill(template: str, context: dict) -> str:
    return template.format_map(context)


def _html(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


class SiteHistory:
    """One site's past, planned in memory (written by :class:`Writer`)."""

    def __init__(self, names_: Names, rng: random.Random, start: dt.datetime, end: dt.datetime, author):
        self.n, self.rng, self.start, self.end, self.author = names_, rng, start, end, author
        self.base = names_.context()
        self.drafts: list[Draft] = []
        self.serials: dict[tuple[str, int], int] = {}

    # -- helpers -------------------------------------------------------------------------------
    def context(self, moment: dt.datetime, **more) -> dict:
        day = clock.local(moment).date()
        context = {
            **self.base, "year": day.year, "prev": day.year - 1, "next": day.year + 1,
            "md": f"{day.month}月{day.day}日", "period": _period(day), "sub": self.rng.choice(self.n.subs),
            "n": self.rng.randint(3, 9), "holiday": "",
        }
        context.update(more)
        return context

    def pick(self, pool, moment: dt.datetime, used: set[int]):
        """A text that fits the month, preferring ones not used yet on this site."""
        month = clock.local(moment).month
        fits = [k for k, t in enumerate(pool) if t.months is None or month in t.months]
        fresh = [k for k in fits if k not in used]
        choice = self.rng.choice(fresh or fits)
        used.add(choice)
        return pool[choice]

    def add(self, kind: str, column: str, title: str, body: str, moment: dt.datetime, **fields) -> Draft:
        created = moment - dt.timedelta(minutes=self.rng.randint(20, 240))
        item = Item(
            owning_site=self.n.site, kind=kind, title=title[:200], body=body, live=True,
            has_unpublished_changes=False, published_on=moment, first_published_at=moment,
            last_published_at=moment, created_by=self.author, created_at=created, updated_at=moment, **fields,
        )
        draft = Draft(item, column)
        self.drafts.append(draft)
        return draft

    # -- the columns ---------------------------------------------------------------------------
    def plan(self, quota: Quota) -> list[Draft]:
        self.pages()
        self.news(quota.news)
        self.notices(quota.notices)
        self.policies(quota.policies, quota.majors)
        self.responses(quota.responses)
        self.site_notices(quota.site_notices)
        return self.drafts

    def news(self, count: int) -> None:
        pool = texts.PORTAL_NEWS if self.n.portal else (*self.n.line.news, *texts.DEPARTMENT_NEWS)
        used: set[int] = set()
        for moment in _moments(self.rng, self.start, self.end, count):
            text = self.pick(pool, moment, used)
            context = self.context(moment)
            context["topic"] = _fill(text.topic, context)
            middle = self.rng.sample(texts.MIDDLE[text.style], self.rng.choice((1, 2)))
            paragraphs = [_fill(text.lead, context), *(_fill(p, context) for p in middle),
                          _fill(self.rng.choice(texts.CLOSING), context)]
            source = self.n.government.office_name if self.n.portal else self.n.institution.name
            self.add(ItemKind.ARTICLE, ColumnType.NEWS, _fill(text.title, context), _html(*paragraphs), moment,
                     summary=paragraphs[0][:120], source_name=source or "")

    def notices(self, count: int) -> None:
        pool = texts.PORTAL_NOTICES if self.n.portal else (*self.n.line.notices, *texts.DEPARTMENT_NOTICES)
        used: set[int] = set()
        for moment in _moments(self.rng, self.start, self.end, count):
            text = self.pick(pool, moment, used)
            context = self.context(moment)
            day = clock.local(moment).date()
            context["holiday"] = _fill(texts.HOLIDAYS.get(day.month, "{year}年国庆节"), context)
            context["topic"] = _fill(text.topic, context)
            issuer = context["office"] if self.n.portal else context["dept_full"]
            self.add(ItemKind.ANNOUNCEMENT, ColumnType.NOTICES, _fill(text.title, context),
                     self.letter(texts.NOTICE_BODY[text.style], context, day, issuer), moment)

    def letter(self, paragraphs, context: dict, day: dt.date, issuer: str, salutation: bool = True) -> str:
        """An official text: salutation, paragraphs, issuer and date (as on a real notice)."""
        head = [self.salutation()] if salutation else []
        body = [*head, *(_fill(p, context) for p in paragraphs)]
        return _html(*body) + f'<p>{issuer}</p><p>{chinese_date(day)}</p>'

    def salutation(self) -> str:
        if not self.n.portal:
            return "各有关单位："
        level = self.n.government.level
        if level == Level.PROVINCE:
            return "各市、县（市、区）人民政府，省人民政府各部门："
        if level == Level.CITY:
            return "各县（市、区）人民政府，市人民政府各部门："
        return f"各乡镇人民政府、街道办事处，{self.n.lw}直各单位："

    def policies(self, count: int, majors: int) -> None:
        pool = texts.PORTAL_POLICIES if self.n.portal else self.n.line.policies
        chosen = self.rng.sample(range(len(pool)), min(count, len(pool)))
        moments = _moments(self.rng, self.start, self.end - dt.timedelta(days=3), len(chosen))
        major_slots = set(self.rng.sample(range(len(chosen)), min(majors, len(chosen))))
        for position, (index, moment) in enumerate(zip(chosen, moments, strict=True)):
            self.policy(pool[index], moment, major=position in major_slots)

    def policy(self, text: texts.Policy, moment: dt.datetime, *, major: bool) -> None:
        context = self.context(moment)
        context["topic"] = _fill(text.topic, context)
        published = clock.local(moment).date()
        written = published - dt.timedelta(days=self.rng.randint(2, 12))
        stem = _fill(text.stem, context)
        if self.n.portal:
            issuer = context["office"] if text.office else context["gov"]
            agency = f"{self.n.agency}{'办' if text.office else ''}发"
        else:
            issuer, agency = context["dept_full"], f"{self.n.agency}发"
        serial = self.serials.get((agency, written.year), self.rng.randint(1, 6)) + self.rng.randint(1, 9)
        self.serials[(agency, written.year)] = serial
        document = stem.removeprefix("关于印发").removesuffix("的通知") if stem.startswith("关于印发") else stem
        context.update({
            "purpose": f"进一步做好{context['topic']}工作",
            "decided": f"经{context['gov']}同意，" if self.n.portal and text.office else "",
            "doc": document[-2:] if document.endswith(("意见", "措施", "方案", "办法")) else "要求",
            "reporter": context["gov"] if self.n.portal else context["dept_full"],
        })
        body = self.letter(texts.POLICY_BODY, context, written, issuer) + "<p>（此件公开发布）</p>"
        draft = self.add(
            ItemKind.POLICY, ColumnType.POLICIES, f"{issuer}{stem}", body, moment,
            is_major_policy=major, issuing_body=issuer, document_number=f"{agency}〔{written.year}〕{serial}号",
            written_on=written, subject=classification.clean(text.subject).code, validity=Validity.VALID,
        )
        if major:
            self.interpretation(draft, text, context, document, moment)

    def interpretation(self, policy: Draft, text: texts.Policy, context: dict, document: str,
                       moment: dt.datetime) -> None:
        drafter = context.get("dept_full") or self.n.extra.get("drafters", {}).get(text.line) or context["office"]
        graphic = self.rng.random() < 0.25
        title = f"一图读懂《{document}》" if graphic else f"《{document}》政策解读"
        parts = {**context, "drafter": drafter, "document": f"《{document}》", "approver": context["gov"]
                 if self.n.portal else f"{context['dept_full']}党组（党委）会议"}
        body = "".join(f"<h2>{heading}</h2><p>{_fill(p, parts)}</p>" for heading, p in texts.INTERPRETATION_BODY)
        draft = self.add(
            ItemKind.INTERPRETATION, ColumnType.INTERPRETATIONS, title, body,
            moment + dt.timedelta(minutes=self.rng.randint(5, 90)),
            interpretation_form=InterpretationForm.GRAPHIC if graphic else InterpretationForm.TEXT,
            source_name=drafter,
        )
        draft.explains = policy

    def responses(self, count: int) -> None:
        pool = texts.PORTAL_RESPONSES if self.n.portal else (*self.n.line.responses, *texts.DEPARTMENT_RESPONSES)
        used: set[int] = set()
        for moment in _moments(self.rng, self.start, self.end, count):
            text = self.pick(pool, moment, used)
            context = self.context(moment)
            context["topic"] = _fill(text.topic, context)
            context["rumour"] = _fill(text.rumour, context)
            body = _html(*(_fill(p, context) for p in texts.RESPONSE_BODY[text.kind]))
            self.add(ItemKind.RESPONSE, ColumnType.RESPONSES, _fill(text.title, context), body, moment,
                     response_kind=text.kind)

    def site_notices(self, count: int) -> None:
        chosen = self.rng.sample(texts.SITE_NOTICES, count)
        for text, moment in zip(chosen, _moments(self.rng, self.start, self.end, count), strict=True):
            context = self.context(moment)
            context["topic"] = text.topic
            day = clock.local(moment).date()
            body = self.letter(texts.SITE_NOTICE_BODY, context, day, self.n.site.sponsor_name or self.n.site.name,
                               salutation=False)
            self.add(ItemKind.ANNOUNCEMENT, ColumnType.ANNOUNCEMENTS, _fill(text.title, context), body, moment)

    def pages(self) -> None:
        """概况信息, 机构职能 and 领导信息: one page each, from the site's first days here."""
        first = clock.local(self.start).date() + dt.timedelta(days=1)
        moment = clock.at(first.year, first.month, first.day, self.rng.randint(9, 11), self.rng.randrange(60))
        context = self.context(moment, address=self.n.site.contact_address or self.n.place,
                               where=self.where(), children=self.n.children)
        if self.n.portal:
            overview = (f"{self.n.place}概况", texts.OVERVIEW_BODY)
            departments = self.n.extra.get("departments") or []
            listing = "、".join(departments) if departments else f"{context['gov']}各工作部门"
            functions = (f"{context['gov']}工作部门", (
                f"{context['gov']}设置工作部门，在{context['gov']}统一领导下，按照职责分工负责本行政区域相关工作。",
                f"{context['gov']}工作部门包括：{listing}。",
            ))
        else:
            overview = (f"{context['dept_full']}简介", texts.DEPARTMENT_OVERVIEW_BODY)
            functions = (f"{context['dept_full']}主要职责", texts.FUNCTIONS)
        for column, (title, paragraphs) in ((ColumnType.OVERVIEW, overview), (ColumnType.FUNCTIONS, functions)):
            self.add(ItemKind.ARTICLE, column, _fill(title, context),
                     _html(*(_fill(p, context) for p in paragraphs)), moment)
        self.add(ItemKind.ARTICLE, ColumnType.LEADERS, self.leaders_title(context), self.leaders(context), moment)

    def where(self) -> str:
        gov = self.n.government
        if gov.level == Level.PROVINCE:
            return "地处我国中部腹地"
        parent = self.n.extra.get("parent_place", "")
        return f"位于{parent}{self.rng.choice(['东部', '西部', '南部', '北部', '中部'])}"

    def leaders_title(self, context: dict) -> str:
        return f"{context['dept_full'] if not self.n.portal else context['gov']}领导"

    def leaders(self, context: dict) -> str:
        if self.n.portal:
            chief, deputy = self.n.roles
            duties = texts.DEPUTY_DUTIES
            chief_duty = f"领导{context['gov']}全面工作。"
        else:
            name = self.n.institution.name
            chief = self.n.line.head or (
                "厅长" if name.endswith("厅") else "主任" if name.endswith(("委员会", "办公室")) else "局长"
            )
            deputy = f"副{chief}"
            duties = texts.DEPARTMENT_DEPUTY_DUTIES
            chief_duty = f"主持{context['dept_full']}全面工作。"
        head = self.n.institution.head_name or names.person(self.rng)
        deputies = self.rng.sample(duties, self.rng.randint(2, 3))
        parts = [f"<h2>{chief}</h2><p>{head}，{chief_duty}</p>", f"<h2>{deputy}</h2>"]
        parts += [f"<p>{names.person(self.rng)}，{duty}</p>" for duty in deputies]
        return "".join(parts)


class Writer:
    """Writes planned drafts in bulk and everything that goes with them."""

    def __init__(self, author):
        self.author = author
        self.drafts: list[Draft] = []
        self.columns: dict[tuple[int, str | None], int] = {}  # (site id, column type) → column page id

    def add_site(self, site: Site, drafts: list[Draft]) -> None:
        self.load_columns(site.pk)
        self.drafts += [d for d in drafts if (site.pk, d.column) in self.columns]

    def load_columns(self, site_id: int) -> None:
        """The site's top-level columns by type (the standard ones, CON-02)."""
        if (site_id, None) in self.columns:
            return
        self.columns[(site_id, None)] = 0
        home = SiteHomePage.objects.filter(registry_site_id=site_id).first()
        if home is None:
            return
        for column_type, pk in ColumnPage.objects.child_of(home).order_by("path").values_list("column_type", "pk"):
            self.columns.setdefault((site_id, column_type), pk)

    def save(self) -> list[Draft]:
        self.index_numbers()
        items = [d.item for d in self.drafts]
        Item.objects.bulk_create(items, batch_size=500)
        content_type = ContentType.objects.get_for_model(Item)
        revisions = [
            Revision(content_type=content_type, base_content_type=content_type, object_id=str(item.pk),
                     created_at=item.created_at, user=self.author, object_str=item.title,
                     content=item.serializable_data())
            for item in items
        ]
        Revision.objects.bulk_create(revisions, batch_size=500)
        for item, revision in zip(items, revisions, strict=True):
            item.latest_revision, item.live_revision = revision, revision
        Item.objects.bulk_update(items, ["latest_revision", "live_revision"], batch_size=500)
        Placement.objects.bulk_create([
            Placement(item=d.item, column_id=self.columns[(d.item.owning_site_id, d.column)],
                      site_id=d.item.owning_site_id, placed_at=d.item.published_on, placed_by=self.author)
            for d in self.drafts
        ], batch_size=500)
        InterpretationLink.objects.bulk_create([
            InterpretationLink(policy=d.explains.item, interpretation=d.item) for d in self.drafts if d.explains
        ], batch_size=500)
        return self.drafts

    def index_numbers(self) -> None:
        """Drawn from the same counters the editors' saves use, in publication order."""
        pattern = profiles.active().get("content.index_pattern")
        policies = sorted((d for d in self.drafts if d.item.kind == ItemKind.POLICY),
                          key=lambda d: (d.item.published_on, d.item.owning_site_id))
        taken = set(Item.objects.filter(owning_site_id__in={d.item.owning_site_id for d in policies})
                    .exclude(index_number="").values_list("owning_site_id", "index_number"))
        counters: dict[str, IndexCounter] = {}
        for draft in policies:
            item = draft.item
            org, unit = draft.org_code, draft.unit
            year = clock.local(item.published_on).year
            scope = ";".join(f"{name}={value}" for name, value in
                             index_numbers.counter_scope(pattern, org=org, unit=unit, year=year))
            if scope not in counters:
                counters[scope] = IndexCounter.objects.select_for_update().get_or_create(scope=scope)[0]
            counter = counters[scope]
            while True:
                number = index_numbers.next_index(pattern, org, year, counter.last_seq, unit=unit)
                counter.last_seq = number.seq
                if (item.owning_site_id, number.value) not in taken:
                    break
            item.index_number = number.value
            taken.add((item.owning_site_id, number.value))
        for counter in counters.values():
            counter.save(update_fields=["last_seq"])


def repost(drafts: list[Draft], writer: Writer, author, rng: random.Random) -> int:
    """CON-03: every site that owed a repost of an important policy made it within the deadline."""
    hours = repost_hours()
    placements, duties = [], []
    for draft in drafts:
        if not draft.important:
            continue
        item = draft.item
        for site in sites_that_must_repost(item).filter(launched_at__lte=item.published_on).order_by("pk"):
            writer.load_columns(site.pk)
            column = writer.columns.get((site.pk, ColumnType.POLICIES))
            if column is None:
                continue
            placed = item.published_on + dt.timedelta(minutes=rng.randint(20, max(hours * 60 * 2 // 3, 30)))
            placement = Placement(item=item, column_id=column, site=site, is_repost=True, placed_at=placed,
                                  placed_by=author)
            placements.append(placement)
            duties.append(RepostDuty(item=item, site=site, created_at=item.published_on,
                                     due_at=item.published_on + dt.timedelta(hours=hours), fulfilled_at=placed,
                                     placement=placement))
    Placement.objects.bulk_create(placements, batch_size=500)
    RepostDuty.objects.bulk_create(duties, batch_size=500)
    return len(placements)


def hosted_sites(root: Institution):
    """Demo sites with a content tree that have been online (the others have no past here)."""
    return (
        Site.objects.filter(institution__path__startswith=root.path, hosted=True, status__in=SEEDED_STATUSES,
                            pk__in=SiteHomePage.objects.values("registry_site_id"))
        .select_related("institution")
        .order_by("institution__path", "pk")
    )


def seed(seed: int = DEFAULT_SEED) -> Seeded:
    """Give every hosted demo site without one its published past; returns what was made."""
    started = time.monotonic()
    root = demo_root()
    if root is None:
        raise DemoError("尚未生成演示网站群，请先运行 demo_estate。")
    now = clock.now()
    result = Seeded()
    with transaction.atomic():
        author = _author()
        done = set(Item.objects.filter(created_by=author).values_list("owning_site_id", flat=True).distinct())
        sites = [s for s in hosted_sites(root) if s.pk not in done]
        if not sites:
            result.seconds = time.monotonic() - started
            return result
        estate = Estate(root)
        writer = Writer(author)
        for site in sites:
            writer.add_site(site, plan_site(estate, site, seed, now, author))
        drafts = writer.save()
        result.sites, result.items = len(sites), len(drafts)
        result.reposts = repost(drafts, writer, author, random.Random(f"{seed}-reposts"))  # noqa: S311
        record(ACTOR, root, "govsites.demo.content_history", reason="生成演示网站历史信息",
               data={"sites": result.sites, "items": result.items, "reposts": result.reposts, "seed": seed})
    result.seconds = time.monotonic() - started
    return result


def plan_site(estate: Estate, site: Site, seed: int, now: dt.datetime, author) -> list[Draft]:
    # Seeded on purpose: the same seed gives the same past. No secret comes from these.
    rng = random.Random(f"{seed}-{site.site_code or site.pk}")  # noqa: S311
    found = estate.names(site)
    government = found.government
    parent = estate.institutions.get(government.parent_id)
    found.extra["parent_place"] = parent.name.removesuffix("人民政府") if parent else ""
    found.extra["departments"] = [d.name for d in estate.departments_of(government)][:30]
    end = now - dt.timedelta(hours=2)
    start = now - dt.timedelta(days=HISTORY_DAYS)
    if site.launched_at and site.launched_at + dt.timedelta(days=1) > start:
        start = min(site.launched_at + dt.timedelta(days=1), end - dt.timedelta(days=7))
    history = SiteHistory(found, rng, start, end, author)
    quota = PORTAL if site.is_portal else DEPARTMENT
    drafts = history.plan(quota)
    for draft in drafts:
        draft.org_code, draft.unit = found.org_code, found.institution.pinyin or None
    if site.is_portal and government.pk == estate.root.pk:
        majors = [d for d in drafts if d.item.kind == ItemKind.POLICY and d.item.is_major_policy]
        for draft in sorted(majors, key=lambda d: d.item.published_on)[-IMPORTANT_POLICIES:]:
            draft.important = True
            draft.item.is_important_policy = True
    return drafts
