"""The demo's supervision history (网站监管): six monthly censuses over the running sites, stored
through the monitor's real actions, so the admin's 网站监管 pages and the reports show an estate
with a past.

Nothing is crawled. Each census' observations are written the way the checks report them
(catalogue keys, ``url``/``target``/``detail`` as in ``docs/monitoring/checks.md``); the content
checks (wording, dark links, security headers) run for real on small pages made here, the
zombie rule and the availability veto are the census' own functions, and every site's result is
judged and stored by ``census.record`` (``RecordSiteResult``). Each site plays a part:

- most pass every month, with a few deductions and warnings that come and go (a problem that
  comes back after a fix reopens its finding);
- a few *improve*: vetoed at first (stale or empty columns, unanswered enquiries), fixed by later
  censuses;
- a few stay *stubborn*: a home page not updated (a zombie site after 180 days, REG-14), stale
  columns, dead links — their findings are escalated and become violations (SUP-07);
- one is *hacked* for a month (dark links and an injected script), one scores below the pass
  line for a while, one was unreachable at one census and fails the last week's probes.

The clock is frozen at each step. The sweep runs ten days after each census and once at the end
(the demo has no hourly scheduler): veto and serious findings left unfixed are escalated within
the month, the others once the next census saw them again past their deadline. The supervisor
closes a false positive and records violations; last month's monthly report and the last finished
quarter's bulletin are generated. Deterministic (seeded; dates relative to today) and idempotent:
once a census exists nothing is played again; :func:`reset` clears it all.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from govsites import clock
from govsites.accounts.models import Role, RoleAssignment
from govsites.audit.context import Actor
from govsites.monitoring import census as census_run
from govsites.monitoring import sweep
from govsites.monitoring.actions import CloseFinding, FinishCensus, RecordViolation, StartCensus
from govsites.monitoring.availability import probe_interval
from govsites.monitoring.checks import dark_links, security_headers, wording
from govsites.monitoring.checks.catalogue import FAMILIES
from govsites.monitoring.models import (
    Census,
    CensusKind,
    Finding,
    FindingStatus,
    Probe,
    SiteResultStatus,
    Violation,
    ViolationKind,
    finding_key,
)
from govsites.monitoring.sitelist import facts_for_site
from govsites.monitoring.types import Fetch, Observation, Page, SiteFacts, SiteOutcome
from govsites.policy import profiles
from govsites.registry.models import Institution, Site, SiteStatus, SiteType
from govsites.reports import periods
from govsites.reports.actions import GenerateReport
from govsites.reports.models import AnnualReportFacts, Report, ReportKind, ReportReminder

from .estate import DemoError, demo_root, foreign_roots

DEFAULT_SEED = 20260705
ACTOR = Actor(user=None, user_agent="govsites demo_monitoring", via="cli")
MONTHS = 6
#: the latest census ran this many days ago (its findings are not yet due)
LATEST_DAYS_AGO = 3
CENSUS_HOUR = 2
#: time a census spends on one site, and on all of them at most
SITE_TIME = dt.timedelta(minutes=1.5)
CENSUS_TIME = dt.timedelta(hours=12)
SWEEP_AFTER = dt.timedelta(days=10)
#: days of availability probes before the latest census (the veto looks at one week)
PROBE_DAYS = 8

STEADY, IMPROVING, STUBBORN, HACKED, LOW, FLAKY = "steady", "improving", "stubborn", "hacked", "low", "flaky"
#: the parts other than "steady", in the order they are handed out
PARTS = (STUBBORN, IMPROVING, HACKED, IMPROVING, LOW, FLAKY, STUBBORN, IMPROVING)

#: columns: (path, name, kind); kind windows are the profile's (news 14 days, notice 6 months …)
NEWS_COLUMNS = (("gzdt", "工作动态", "news"), ("tzgg", "通知公告", "notice"), ("zcwj", "政策文件", "notice"),
                ("tpxw", "图片新闻", "news"), ("jcdt", "基层动态", "news"), ("gsgg", "公示公告", "notice"))
PERSONNEL_COLUMN = ("rsxx", "人事信息", "personnel")
EMPTY_COLUMNS = (("zcjd", "政策解读", "暂无信息"), ("hygq", "回应关切", "栏目建设中"), ("zxft", "在线访谈", "暂无数据"))
WINDOWS = {"news": "14d", "notice": "6m", "personnel": "1y"}
GUIDES = ("企业投资项目备案", "建设工程消防验收", "城乡居民养老保险参保登记", "道路运输经营许可", "户外广告设施设置审批",
          "医疗机构执业登记")
GUIDE_ELEMENTS = ("事项名称", "设定依据", "申请条件", "办理材料", "办理地点", "办理机构", "收费标准", "办理时间",
                  "联系电话", "办理流程")
UNCONFIRMED = set(GUIDE_ELEMENTS[4:])
TYPO_SENTENCES = (
    "各单位要认真布署安全生产大检查工作，确保责任落实到位。",
    "截止10月底，全市已完成老旧小区改造项目42个，惠及居民1.2万户。",
    "办事群众可登录个人帐户查询事项办理进度。",
    "全体干部职工将再接再励，推动各项工作取得新成效。",
    "广大党员干部一如继往地做好为民服务工作。",
)
ENQUIRIES = ("咨询小区加装电梯补贴申请条件", "关于农村宅基地审批流程的咨询", "咨询个体工商户注销办理地点",
             "关于学校周边道路交通安全的建议", "咨询灵活就业人员医保缴费方式")
HOME_LINKS = (("zt/2024/xczx/", "乡村振兴专题（2024）", 404, ""), ("bsdt/", "网上办事大厅", 404, ""),
              ("http://zwfw.old-platform.cn/", "原政务服务网", None, "dns"), ("hdjl/myzj/", "民意征集", 500, ""))
#: an outside site that refuses the crawler: always "broken", closed by the supervisor as a false positive
REFUSING_LINK = ("http://www.cnki.net/", "中国知网", 403)
ALT_TEXTS = ("banner", "photo", "img")
META_TAGS = ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType",
             "ArticleTitle", "PubDate", "ContentSource")
FOOTER_KEYS = {"联系方式": "contact", "公安机关备案号": "police_filing", "网站标识码": "identifier_code"}
#: the census (0 = the first) at which the hacked site shows dark links
HACKED_AT = 3


@dataclass
class Made:
    """What a run made (``played`` is False when the history was there already)."""

    played: bool = False
    censuses: int = 0
    results: int = 0
    findings: dict[str, int] = field(default_factory=dict)
    escalated: int = 0
    violations: int = 0
    probes: int = 0
    reports: list[str] = field(default_factory=list)


def supervisor_of(root: Institution):
    """The estate's supervisor (the demo's ``demo-province``): who closes findings and records
    violations; None without one."""
    assignment = (RoleAssignment.objects.filter(role=Role.SUPERVISOR, institution=root, user__is_active=True)
                  .select_related("user").order_by("pk").first())
    return assignment.user if assignment else None


def play(seed: int = DEFAULT_SEED) -> Made:
    """The demo's supervision history, once (after ``demo_accounts``)."""
    root = demo_root()
    if root is None:
        raise DemoError("尚未生成演示网站群，请先运行 demo_estate。")
    if foreign_roots().exists():
        raise DemoError("登记库中有非演示数据，不生成演示监管数据。")
    supervisor = supervisor_of(root)
    if supervisor is None:
        raise DemoError("请先运行 demo_accounts 创建演示账号（省级主管单位管理员）。")
    if Census.objects.exists():
        return Made()
    return supervise(root, supervisor, seed=seed)


def supervise(root: Institution, supervisor, *, seed: int = DEFAULT_SEED, now: dt.datetime | None = None) -> Made:
    """Play six months of supervision over the running sites under ``root`` (any estate: the
    demo's, or a test's), ``supervisor`` acting as the estate's office."""
    now = now or clock.now()
    sites = list(Site.objects.within(root).filter(status=SiteStatus.ONLINE).exclude(domain="")
                 .select_related("institution").order_by("institution__path", "pk"))
    if not sites:
        raise DemoError("演示网站群中没有运行中的网站。")
    with transaction.atomic():
        history = History(root, supervisor, sites, random.Random(seed), seed, now)  # noqa: S311 (no secret)
        history.run()
    made = Made(played=True, censuses=len(history.censuses), results=history.results, probes=history.probes,
                reports=history.reports)
    findings = Counter(Finding.objects.filter(site__in=sites).values_list("status", flat=True))
    made.findings = {status: findings.get(status, 0) for status in FindingStatus.values}
    made.escalated = Finding.objects.filter(site__in=sites, escalated_at__isnull=False).count()
    made.violations = Violation.objects.filter(site__in=sites).count()
    return made


def census_days(now: dt.datetime, months: int = MONTHS) -> list[dt.datetime]:
    """One census a month, oldest first: the latest ``LATEST_DAYS_AGO`` days ago, the others on the
    same day of the earlier months (the month's last day when it is shorter)."""
    latest = clock.local(now).date() - dt.timedelta(days=LATEST_DAYS_AGO)
    out = []
    for back in range(months - 1, -1, -1):
        index = latest.year * 12 + latest.month - 1 - back
        year, month = index // 12, index % 12 + 1
        out.append(clock.at(year, month, min(latest.day, calendar.monthrange(year, month)[1]), CENSUS_HOUR))
    return out


# -- one site ---------------------------------------------------------------------------------------

class Place:
    """One site's part in the story and the observations of its censuses."""

    def __init__(self, site: Site, part: str, seed: int, *, variant: int = 0, refuses: bool = False):
        self.site, self.part, self.variant, self.refuses = site, part, variant, refuses
        self.rng = random.Random(f"{seed}-{site.domain}")  # noqa: S311 (no secret)
        self.host = site.domain.lower()
        self.home = f"https://{self.host}/"
        self.portal = site.site_type == SiteType.PORTAL
        self.pool = self.rng.sample(STEADY_ITEMS, k=5)
        #: how many problems of a kind the site tends to have (the spread of the scores)
        self.scale = self.rng.choice((1, 2, 4, 8, 12))
        self.previous: set[str] = set()
        # the stubborn site's home page stopped being updated a while before the first census
        self.home_stopped = self.rng.randint(95, 110)
        self.first_day = dt.date.min  # the first census' day, set by History

    def facts(self) -> SiteFacts:
        facts = facts_for_site(self.site)
        facts.is_portal = self.portal
        return facts

    def launched_by(self, moment: dt.datetime) -> bool:
        return self.site.launched_at is None or self.site.launched_at <= moment

    # -- urls -------------------------------------------------------------------------------------
    def column(self, path: str) -> str:
        return f"{self.home}{path}/"

    def article(self, path: str, day: dt.date, n: int) -> str:
        return f"{self.home}{path}/{day:%Y%m}/t{day:%Y%m%d}_{n}.html"

    # -- the census -------------------------------------------------------------------------------
    def outcome(self, k: int, day: dt.date, facts: SiteFacts) -> SiteOutcome:
        if self.part == FLAKY and k == 2:
            error = "首页无法打开：timeout"
            return SiteOutcome(facts=facts, status=SiteResultStatus.UNREACHABLE, error=error, elapsed=46.2,
                               observations=[Observation("site_unreachable", self.home, evidence=error, detail={
                                   "error": "timeout", "status": None, "attempts": 3})])
        found = list(facts.extra.get("availability", ()))
        found += getattr(self, f"{self.part}_observations")(k, day)
        pages = self.rng.randint(260, 480) if self.portal else self.rng.randint(70, 220)
        return SiteOutcome(facts=facts, pages=pages, links=pages * self.rng.randint(5, 9),
                           elapsed=round(pages * self.rng.uniform(0.5, 0.9), 1), families=FAMILIES,
                           observations=found)

    def steady_observations(self, k: int, day: dt.date) -> list[Observation]:
        """A few of the site's usual problems, none of last month's (they were fixed)."""
        choices = [item for item in self.pool if item not in self.previous]
        picked = self.rng.sample(choices, k=min(len(choices), self.rng.randint(2, 4)))
        self.previous = set(picked)
        found = []
        for item in picked:
            found += getattr(self, item)(day)
        if self.refuses and k >= 1:
            found += self.refusing_link()
        return found

    def improving_observations(self, k: int, day: dt.date) -> list[Observation]:
        """Vetoed at first (stale and empty columns, or unanswered enquiries), then fixed."""
        if k >= 2:
            return self.steady_observations(k, day)
        first = self.first_day
        if self.variant:
            found = [self.stale_column(column, first - dt.timedelta(days=40 if column[2] == "news" else 200))
                     for column in NEWS_COLUMNS[:(6, 2)[k]]]
            found += [self.empty_column(column) for column in EMPTY_COLUMNS[:(2, 0)[k]]]
        else:
            found = [self.enquiry(n, first - dt.timedelta(days=100 + 9 * n)) for n in range((2, 1)[k])]
        return found + self.broken_home(offset=k) + self.guide(missing=(4, 2)[k])

    def stubborn_observations(self, k: int, day: dt.date) -> list[Observation]:
        """Never fixed: the home page is older every month (a zombie site after 180 days)."""
        stopped = self.first_day - dt.timedelta(days=self.home_stopped)
        found = [self.stale_home(stopped)]
        found += [self.stale_column(column, stopped - dt.timedelta(days=6 * n))
                  for n, column in enumerate(NEWS_COLUMNS[:2])]
        found += self.broken_home()
        if self.variant:
            found.append(self.enquiry(0, self.first_day - dt.timedelta(days=120)))
        return found

    def hacked_observations(self, k: int, day: dt.date) -> list[Observation]:
        """Dark links and an injected script on the home page at the fourth census (a spot check
        the next day finds them removed)."""
        found = self.steady_observations(k, day)
        if k == HACKED_AT:
            found += dark_links.check_dark_links(self.facts(), [self.page(self.home, HACKED_HOME)])
        return found

    def low_observations(self, k: int, day: dt.date) -> list[Observation]:
        """Many small problems: below the pass line at the first two censuses, then better."""
        if k >= 3:
            return self.steady_observations(k, day)
        heavy = k < 2
        found = self.broken_home(count=10 if heavy else 3, offset=10 * k)
        found += self.broken_pages(day, count=100 if heavy else 30, offset=100 * k)
        found += [self.guide_page(n, missing=3) for n in range(10 * k, 10 * k + (10 if heavy else 3))]
        found += self.footer("公安机关备案号") + self.footer("网站标识码") + self.mismatch()
        found += self.typos(day, count=4) + self.slow(day, count=10 if heavy else 4)
        if k == 0:
            found += [self.empty_column(column) for column in EMPTY_COLUMNS]
            found += [self.stale_column(PERSONNEL_COLUMN, day - dt.timedelta(days=420))]
        if k == 1:
            found += self.item_certificate(day) + [self.meta(tag) for tag in META_TAGS]
        return found

    def flaky_observations(self, k: int, day: dt.date) -> list[Observation]:
        return self.steady_observations(k, day)

    # -- observations, as the checks write them -------------------------------------------------
    def stale_home(self, last: dt.date) -> Observation:
        return Observation("home_not_updated", self.home, "", f"首页最近更新：{last.isoformat()}", {
            "last_date": last.isoformat(), "window": WINDOWS["news"], "navigation_only": False, "items": 18,
            "undated_items": 0, "checked_pages": [self.home]})

    def stale_column(self, column: tuple[str, str, str], last: dt.date) -> Observation:
        path, name, kind = column
        url = self.column(path)
        return Observation("column_not_updated", url, url, f"{name}最近更新：{last.isoformat()}", {
            "column": name, "kind": kind, "window": WINDOWS[kind], "last_date": last.isoformat(), "items": 20,
            "undated_items": 0, "level": 1})

    def empty_column(self, column: tuple[str, str, str]) -> Observation:
        path, name, placeholder = column
        url = self.column(path)
        return Observation("column_empty", url, url, f"{name}：{placeholder}", {
            "column": name, "reason": "placeholder", "placeholder": placeholder, "level": 1})

    def enquiry(self, n: int, asked: dt.date) -> Observation:
        title = ENQUIRIES[(n + len(self.host)) % len(ENQUIRIES)]
        return Observation("enquiry_unanswered", self.column("hdjl/zxzx"), f"{self.home}hdjl/zxzx/{asked:%Y%m%d}{n:02d}.html",
                           f"{title}（留言时间{asked.isoformat()}）", {
                               "title": title, "asked": asked.isoformat(), "replied": None, "reason": "unanswered",
                               "months": 3, "column": "政务咨询"})

    def broken_home(self, count: int = 1, offset: int = 0) -> list[Observation]:
        found = []
        for n in range(offset, offset + count):
            if n < len(HOME_LINKS):
                path, text, status, error = HOME_LINKS[n]
            else:
                year = 2018 + n % 7
                path, text, status, error = f"zt/{year}/zt{n:03d}/", f"{year}年专题专栏", 404, ""
            target = path if "://" in path else f"{self.home}{path}"
            found.append(Observation("broken_link_home", self.home, target, text, {
                "status": status, "error": error, "error_detail": "域名无法解析" if error else "", "kind": "a"}))
        return found

    def refusing_link(self) -> list[Observation]:
        target, text, status = REFUSING_LINK
        return [Observation("broken_link_home", self.home, target, text, {
            "status": status, "error": "", "error_detail": "", "kind": "a"})]

    def broken_pages(self, day: dt.date, count: int = 2, offset: int = 0) -> list[Observation]:
        found = []
        for n in range(offset, offset + count):
            published = day - dt.timedelta(days=20 + 7 * n)
            page = self.article("zcwj", published, n % 3 + 1)
            found.append(Observation("broken_link", page, f"{self.home}attach/{published:%Y%m}/P0{20 + n}.pdf",
                                     f"附件{n % 3 + 1}：申报表.pdf", {
                                         "status": 404, "error": "", "error_detail": "", "kind": "attachment"}))
        return found

    def guide_page(self, n: int, missing: int) -> Observation:
        name = f"{GUIDES[n % len(GUIDES)]}办事指南"
        absent = list(GUIDE_ELEMENTS[-missing:]) if missing <= 6 else list(GUIDE_ELEMENTS[:missing])
        return Observation("guide_incomplete", f"{self.home}bsfw/bszn/{1001 + n}.html", "",
                           f"{name}缺少要素：" + "、".join(absent), {
                               "guide": name, "missing": absent, "missing_count": len(absent),
                               "present": [e for e in GUIDE_ELEMENTS if e not in absent],
                               "unconfirmed": [e for e in absent if e in UNCONFIRMED]})

    def guide(self, missing: int = 2) -> list[Observation]:
        return [self.guide_page(0, missing)] if missing else []

    def footer(self, element: str) -> list[Observation]:
        return [Observation("footer_missing", self.home, element, f"页面未显示{element}", {
            "element": FOOTER_KEYS[element],
            "pages": 36, "pages_checked": 120, "examples": [self.home, self.column("gzdt")]})]

    def mismatch(self) -> list[Observation]:
        shown = "京ICP备05070218号"
        return [Observation("identity_mismatch", self.home, "ICP备案号", f"ICP备案号：{shown}", {
            "expected": self.site.icp_number, "found": [shown], "reason": "differs", "pages": 120,
            "pages_checked": 120, "examples": [self.home]})]

    def typos(self, day: dt.date, count: int = 1) -> list[Observation]:
        found = []
        for n in range(count):
            url = self.article("gzdt", day - dt.timedelta(days=3 + 5 * n), n + 1)
            found += wording.check_text(TYPO_SENTENCES[(n + len(self.host)) % len(TYPO_SENTENCES)], url)
        return found

    def slow(self, day: dt.date, count: int = 1) -> list[Observation]:
        found = []
        for n in range(count):
            seconds = round(3.2 + 0.7 * ((n * 7 + len(self.host)) % 6), 2)
            found.append(Observation("slow_page", self.article("tpxw", day - dt.timedelta(days=2 + n), n + 1), "",
                                     f"页面加载用时{seconds:.1f}秒", {"seconds": seconds, "bytes": 2_400_000 + 90_000 * n,
                                                                   "limit": 3.0}))
        return found

    def headers(self, present: dict[str, str]) -> list[Observation]:
        headers = {"content-type": "text/html; charset=utf-8", **present}
        return security_headers.check_security_headers(self.facts(), [self.page(self.home, "<html></html>", headers)])

    def page(self, url: str, text: str, headers: dict | None = None) -> Page:
        return Page(fetch=Fetch(url=url, final_url=url, status=200, content_type="text/html", encoding="utf-8",
                                text=text, headers=headers or {"content-type": "text/html; charset=utf-8"}))

    # -- the pool of everyday problems (method names) ---------------------------------------------
    def many(self, per_scale: int = 1) -> int:
        """How many of a problem the site has this month: about its ``scale``."""
        return self.rng.randint(self.scale * per_scale // 2 + 1, self.scale * per_scale)

    def item_broken_home(self, day):
        return self.broken_home(count=self.many(), offset=self.rng.randrange(len(HOME_LINKS)))

    def item_broken_pages(self, day):
        return self.broken_pages(day, count=self.many(4), offset=self.rng.randrange(60))

    def item_slow(self, day):
        return self.slow(day, count=self.many(3))

    def item_typo(self, day):
        return self.typos(day, count=self.many())

    def item_guide(self, day):
        first = self.rng.randrange(len(GUIDES))
        return [self.guide_page(n, missing=self.rng.randint(1, 2)) for n in range(first, first + self.many())]

    def item_personnel(self, day):
        return [self.stale_column(PERSONNEL_COLUMN, day - dt.timedelta(days=self.rng.randint(370, 420)))]

    def meta(self, tag: str) -> Observation:
        return Observation("meta_missing", self.home, tag, f"{tag}标签缺失", {
            "missing": 12, "invalid": 0, "pages": 12, "pages_checked": 140, "examples": [self.column("gzdt")]})

    def item_meta(self, day):
        return [self.meta(self.rng.choice(("ColumnDescription", "ContentSource", "PubDate")))]

    def item_alt(self, day):
        count = self.rng.randint(2, 9)
        url = self.column("tpxw")
        return [Observation("a11y_alt", url, "", f"{count}张图片缺少替代文本", {
            "count": count, "examples": [f"{self.home}images/{ALT_TEXTS[n % 3]}{n + 1}.jpg" for n in range(min(count, 5))]})]

    def item_headers(self, day):
        return self.headers({"content-security-policy": "default-src 'self'", "x-frame-options": "SAMEORIGIN",
                             "x-content-type-options": "nosniff"})

    def item_certificate(self, day):
        expires = day + dt.timedelta(days=self.rng.randint(5, 25))
        return [Observation("certificate_invalid", self.home, f"{self.host}:443",
                            f"证书将于 {expires.isoformat()} 过期（剩余 {(expires - day).days} 天）", {
                                "reasons": ["expiring"], "not_after": f"{expires.isoformat()}T23:59:59+00:00",
                                "days_left": (expires - day).days, "names": [self.host]})]

    def item_footer(self, day):
        return self.footer(self.rng.choice(("联系方式", "公安机关备案号")))

    def item_empty(self, day):
        return [self.empty_column(column) for column in self.rng.sample(EMPTY_COLUMNS, k=self.rng.randint(1, 2))]

    def item_ipv6(self, day):
        return [Observation("ipv6_unreachable", self.home, self.host, f"域名 {self.host} 没有IPv6地址（AAAA记录）",
                            {"reason": "no_aaaa"})]


STEADY_ITEMS = [name for name in vars(Place) if name.startswith("item_")]

HACKED_HOME = (
    '<html lang="zh-CN"><head><title>首页</title></head><body><div class="news"><a href="/gzdt/">工作动态</a></div>'
    '<div style="position:absolute;left:-9999px;top:-9999px"><a href="http://www.vip-bet365.com/">澳门博彩</a>'
    '<a href="http://www.xpj-casino.net/">真人娱乐</a><a href="http://www.hg-sports.cc/">体育投注</a></div>'
    '<script src="http://cdn.stat-union.ru/count.js"></script></body></html>'
)


# -- the whole story --------------------------------------------------------------------------------

class History:
    def __init__(self, root: Institution, supervisor, sites: list[Site], rng: random.Random, seed: int,
                 now: dt.datetime):
        self.root, self.now = root, now
        self.office = Actor(user=supervisor, user_agent="govsites demo_monitoring", via="cli")
        self.days = census_days(now)
        self.places = cast_parts(sites, root, rng, seed)
        for place in self.places:
            place.first_day = clock.local(self.days[0]).date()
        self.censuses: list[Census] = []
        self.results = self.probes = 0
        self.reports: list[str] = []

    def run(self) -> None:
        self.probes = self.probe()
        for k, start in enumerate(self.days):
            self.census(k, start)
            self.office_work(k, start)
            if start + SWEEP_AFTER < self.now:
                with clock.frozen(start + SWEEP_AFTER):
                    sweep.run()
        with clock.frozen(self.now - dt.timedelta(minutes=2)):
            sweep.run()
        with clock.frozen(self.now - dt.timedelta(minutes=1)):
            self.generate_reports()

    def census(self, k: int, start: dt.datetime) -> None:
        day = clock.local(start).date()
        places = [p for p in self.places if p.launched_by(start)]
        with clock.frozen(start):
            census = StartCensus(ACTOR, kind=CensusKind.MONTHLY, note=f"{day.month}月月度普查",
                                 planned=len(places)).execute()
        pages = links = 0
        moment, step = start, min(SITE_TIME, CENSUS_TIME / max(len(places), 1))
        for place in places:
            moment += step
            with clock.frozen(moment):
                facts = place.facts()
                if k == len(self.days) - 1:  # a week of probes stands behind the latest census
                    census_run.prepare([facts], ("availability",), moment)
                outcome = place.outcome(k, day, facts)
                outcome.observations += self.zombies(outcome.observations, moment)
                census_run.record(ACTOR, census, outcome)
            pages, links = pages + outcome.pages, links + outcome.links
            self.results += 1
        with clock.frozen(moment + dt.timedelta(minutes=2)):
            FinishCensus(ACTOR, census, stats={
                "sites": len(places), "requests": pages + links // 3, "bytes": pages * 61_000,
                "retries": len(places) // 4, "seconds": round((moment - start).total_seconds() + 120, 1)}).execute()
        self.censuses.append(census)

    @staticmethod
    def zombies(observations: list[Observation], moment: dt.datetime) -> list[Observation]:
        return census_run.zombie(observations, moment, int(profiles.active().get("monitoring.zombie_days")))

    def office_work(self, k: int, start: dt.datetime) -> None:
        """What the supervisor does in the days after a census: closes the link of an outside site
        that refuses the crawler as a false positive, has the hacked site spot-checked the next day,
        records violations of a stale, the hacked and a zombie site."""
        work = []
        for place in self.places:
            if place.refuses and k == 1:
                work.append((1, lambda p=place: self.close(p, "broken_link_home", p.home, REFUSING_LINK[0])))
            if place.part == IMPROVING and place.variant and k == 0:
                work.append((2, lambda p=place, d=start: self.violation(
                    p, ViolationKind.LATE_PUBLISHING, d, "通知公告、政策文件等栏目长期未更新，信息发布不及时。")))
            if place.part == HACKED and k == HACKED_AT:
                work.append((1, lambda p=place: self.spot_check(p)))
                work.append((1, lambda p=place, d=start: self.violation(
                    p, ViolationKind.SECURITY_INCIDENT, d, "首页被植入博彩暗链和外部统计脚本，网站安全防护不到位。",
                    check="dark_link")))
            if place.part == STUBBORN and Finding.objects.filter(
                    key=finding_key(place.host, "zombie_site", place.home, ""), first_census=self.censuses[-1]).exists():
                work.append((2, lambda p=place, d=start: self.violation(
                    p, ViolationKind.ZOMBIE, d, "网站首页超过180天未更新，已通知主办单位限期整合或关停。",
                    check="zombie_site")))
        for days, step in sorted(work, key=lambda item: item[0]):
            with clock.frozen(start + dt.timedelta(days=days, hours=8)):
                step()

    def spot_check(self, place: Place) -> None:
        """专项检查 of one site's dark links: they are gone, so those findings are fixed in time."""
        census = StartCensus(self.office, kind=CensusKind.ADHOC, note=f"专项检查：{place.site.name}暗链整改情况",
                             planned=1).execute()
        outcome = SiteOutcome(facts=place.facts(), pages=1, links=42, elapsed=2.4, families=("dark_links",))
        census_run.record(self.office, census, outcome)
        FinishCensus(self.office, census, stats={"sites": 1, "requests": 43, "seconds": 3.1}).execute()
        self.censuses.append(census)
        self.results += 1

    def close(self, place: Place, check: str, url: str, target: str) -> None:
        finding = Finding.objects.filter(key=finding_key(place.host, check, url, target)).first()
        if finding is not None and finding.status == FindingStatus.OPEN:
            CloseFinding(self.office, finding, "经人工核实，该外部网站限制自动访问，人工可正常打开，属误报。").execute()

    def violation(self, place: Place, kind: str, start: dt.datetime, text: str, check: str = "") -> None:
        finding = None
        if check:
            finding = (Finding.objects.filter(site=place.site, check_type=check).order_by("first_seen", "pk").first())
        RecordViolation(self.office, place.site, kind=kind, occurred_on=clock.local(start).date(), description=text,
                        finding=finding).execute()

    def probe(self) -> int:
        """Availability probes of every site over the last ``PROBE_DAYS`` days before the latest
        census and since (as the ``monitoring.probes`` job stores them); the flaky site fails one
        in nine."""
        step = probe_interval()
        start = self.days[-1] - dt.timedelta(days=PROBE_DAYS)
        rows = []
        for place in self.places:
            moment, n = start + dt.timedelta(minutes=place.rng.randrange(60)), 0
            while moment < self.now:
                failed = (n % 9 == 4) if place.part == FLAKY else place.rng.random() < 0.004
                rows.append(Probe(site=place.site, at=moment, ok=not failed, status=None if failed else 200,
                                  elapsed=15.0 if failed else round(place.rng.uniform(0.2, 1.6), 3),
                                  error="timeout" if failed else ""))
                moment, n = moment + step, n + 1
        Probe.objects.bulk_create(rows, batch_size=2000)
        return len(rows)

    def generate_reports(self) -> None:
        """Last month's census report and the last finished quarter's bulletin."""
        today = clock.local(self.now).date()
        for kind in (ReportKind.MONTHLY, ReportKind.QUARTERLY):
            period = periods.shifted(periods.containing(kind, today), -1)
            report = GenerateReport(self.office, kind, period.key, self.root).execute()
            self.reports.append(report.title)


def cast_parts(sites: list[Site], root: Institution, rng: random.Random, seed: int) -> list[Place]:
    """Hand out the parts: at most a third of the sites (never the estate's own portal) play
    something other than "steady"; the first steady portal links to an outside site that
    refuses the crawler."""
    candidates = [s for s in sites if not (s.institution_id == root.pk and s.site_type == SiteType.PORTAL)]
    rng.shuffle(candidates)
    parts = {s.pk: part for s, part in zip(candidates, PARTS[:max(1, len(sites) // 3)], strict=False)}
    places, seen = [], Counter()
    for site in sites:
        part = parts.get(site.pk, STEADY)
        refuses = part == STEADY and site.site_type == SiteType.PORTAL and not any(p.refuses for p in places)
        places.append(Place(site, part, seed, variant=seen[part] % 2, refuses=refuses))
        seen[part] += 1
    return places


def reset() -> None:
    """Delete the monitor's and the reports' rows (run before the estate's ``reset``: violations
    hold their sites). The audit trail stays. Refuses when the registry holds anything but the
    demo province."""
    if foreign_roots().exists():
        raise DemoError("登记库中有非演示数据，拒绝清空监管数据。")
    with transaction.atomic():
        Violation.objects.all().delete()
        Finding.objects.all().delete()
        Census.objects.all().delete()
        Probe.objects.all().delete()
        ReportReminder.objects.all().delete()
        Report.objects.all().delete()
        AnnualReportFacts.objects.all().delete()
