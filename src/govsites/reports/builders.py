"""The three supervision reports, built from stored data (SUP-01, SUP-02).

What counts (stated in every report's notes as well):

- **Checked sites** of a period: sites of the scope with a result from a finished monthly census
  or spot check (专项检查) stored in the period; re-checks of findings do not judge sites.
- **A site's verdict for a period** is its *worst* result in the period: a site found unqualified
  at any check of the quarter counts as unqualified in the quarter, with the single-veto items of
  that check. A result without a verdict (home page unreachable at check time, check error) is
  "未评定"; the pass rate is passed ÷ (passed + unqualified).
- **Regions**: the scope's own sites and its departments' ("省本级"), and each government directly
  below it with everything under it.
- **Findings** of a period: present in it (found before its end, not fixed or closed before its
  start); new, fixed, closed, escalated in it; open and overdue at its end (or now, for a period
  still running).
- **Violations**: recorded with an occurrence date in the period.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q

from govsites import clock
from govsites.interaction import statistics
from govsites.interaction.models import Message, MessageKind
from govsites.interaction.statistics import Period
from govsites.monitoring.checks.catalogue import CHECKS
from govsites.monitoring.models import (
    Census,
    CensusKind,
    CensusStatus,
    Finding,
    SiteResult,
    Violation,
    ViolationKind,
)
from govsites.registry.models import Institution, InstitutionKind, Level, Site, SiteStatus, SiteType
from govsites.security.models import (
    CounterfeitCase,
    CounterfeitOutcome,
    Drill,
    FoundVia,
    Incident,
    PeriodicScan,
    Severity,
    VulnerabilityNotice,
    VulnerabilityState,
)

from . import document as d
from .models import AnnualReportFacts, ReportKind
from .periods import ReportPeriod, due_on

#: census kinds whose results judge sites in reports
COUNTED_CENSUSES = (CensusKind.MONTHLY, CensusKind.ADHOC)
UNREGISTERED = "未登记网站"
TOP_PROBLEMS = 10
PLATFORM, FILLED = "平台统计", "监管单位填报"
NOT_FILLED = "未填报"
OWN_LEVEL = {Level.PROVINCE: "省本级", Level.CITY: "市本级", Level.COUNTY: "县本级", Level.TOWNSHIP: "乡镇本级"}
#: score bands of the distribution chart: (label, lowest score included)
BANDS = (("90–100分", 90), ("80–89分", 80), ("70–79分", 70), ("60–69分", 60), ("60分以下", None))
VETOED = "单项否决"


def short_name(institution: Institution) -> str:
    """溪口县人民政府 → 溪口县 (regions and titles name the area, not the office)."""
    name = institution.short_name or institution.name
    return name.removesuffix("人民政府") or name


# -- the scope: a supervising government and its area --------------------------------------------


class Scope:
    """A supervising government: its area, and the region each site of it belongs to."""

    def __init__(self, institution: Institution):
        self.institution = institution
        self.is_root = institution.parent_id is None
        self.own = OWN_LEVEL.get(institution.level, "本级")
        below = Institution.objects.filter(parent=institution, kind=InstitutionKind.GOVERNMENT).order_by("path")
        self.regions: dict[int, str] = {g.pk: short_name(g) for g in below}

    @property
    def path(self) -> str:
        return self.institution.path

    def q(self, prefix: str = "") -> Q:
        """Rows whose site (reached through ``prefix``) lies in the area; for the estate root also
        rows of hosts outside the registry."""
        inside = Q(**{f"{prefix}site__institution__path__startswith": self.path})
        return inside | Q(**{f"{prefix}site__isnull": True}) if self.is_root else inside

    def sites(self):
        return Site.objects.filter(institution__path__startswith=self.path)

    def region_of(self, institution: Institution | None) -> str:
        if institution is None:
            return UNREGISTERED
        rest = institution.path[len(self.path):].strip("/")
        first = int(rest.split("/")[0]) if rest else None
        return self.regions.get(first, self.own)

    def region_order(self) -> list[str]:
        return [self.own, *self.regions.values(), UNREGISTERED]


# -- site verdicts ---------------------------------------------------------------------------------


@dataclass
class Verdict:
    key: str
    name: str
    host: str
    region: str
    passed: bool | None
    score: float | None
    vetoes: list[str]
    error: str
    checked_at: dt.datetime

    @property
    def reasons(self) -> str:
        if self.passed is None:
            return self.error or "未评定"
        if self.vetoes:
            return "；".join(self.vetoes)
        return "得分低于合格线" if self.passed is False else ""

    def rank(self) -> tuple:
        """Worst first: unqualified, then passed, then not rated; lower score, later check."""
        order = {False: 0, True: 1, None: 2}[self.passed]
        return (order, self.score if self.score is not None else -1.0, -self.checked_at.timestamp())


def verdicts(scope: Scope, start: dt.datetime, end: dt.datetime) -> dict[str, Verdict]:
    """Each checked site's verdict for [start, end): its worst counted result."""
    results = (SiteResult.objects.filter(scope.q(), checked_at__gte=start, checked_at__lt=end,
                                         census__status=CensusStatus.DONE, census__kind__in=COUNTED_CENSUSES)
               .select_related("site__institution").defer("deductions").order_by())
    found: dict[str, Verdict] = {}
    for result in results.iterator(chunk_size=2000):
        site = result.site
        verdict = Verdict(
            key=f"site:{site.pk}" if site else f"host:{result.host}",
            name=site.name if site else result.host, host=result.host,
            region=scope.region_of(site.institution if site else None), passed=result.passed,
            score=float(result.score) if result.score is not None else None,
            vetoes=[v.get("label") or v.get("check", "") for v in result.vetoes or ()],
            error=result.error or result.get_status_display() if result.passed is None else "",
            checked_at=result.checked_at,
        )
        known = found.get(verdict.key)
        if known is None or verdict.rank() < known.rank():
            found[verdict.key] = verdict
    return found


@dataclass
class Tally:
    checked: int = 0
    passed: int = 0
    failed: int = 0
    unrated: int = 0

    @property
    def rate(self) -> float | None:
        return d.rate(self.passed, self.passed + self.failed)

    def add(self, verdict: Verdict) -> None:
        self.checked += 1
        if verdict.passed is True:
            self.passed += 1
        elif verdict.passed is False:
            self.failed += 1
        else:
            self.unrated += 1


def tally(found: Iterable[Verdict]) -> Tally:
    total = Tally()
    for verdict in found:
        total.add(verdict)
    return total


def by_region(scope: Scope, found: Iterable[Verdict]) -> dict[str, Tally]:
    regions: dict[str, Tally] = defaultdict(Tally)
    for verdict in found:
        regions[verdict.region].add(verdict)
    return {name: regions[name] for name in scope.region_order() if name in regions}


# -- findings and violations -----------------------------------------------------------------------


@dataclass
class FindingFigures:
    new: int = 0
    fixed: int = 0
    closed: int = 0
    escalated: int = 0
    open_at_end: int = 0
    overdue_at_end: int = 0
    problems: list[tuple[str, int, int]] = field(default_factory=list)  # (check type, findings, sites)


def finding_figures(scope: Scope, start: dt.datetime, end: dt.datetime) -> FindingFigures:
    findings = Finding.objects.filter(scope.q()).order_by()

    def within(name: str) -> int:
        return findings.filter(**{f"{name}__gte": start, f"{name}__lt": end}).count()

    open_at_end = findings.filter(first_seen__lt=end).exclude(fixed_at__lt=end).exclude(closed_at__lt=end)
    present = findings.filter(first_seen__lt=end).exclude(fixed_at__lt=start).exclude(closed_at__lt=start)
    problems = (present.values("check_type").annotate(n=Count("pk"), sites=Count("host", distinct=True))
                .order_by("-n", "check_type"))
    return FindingFigures(
        new=within("first_seen"), fixed=within("fixed_at"), closed=within("closed_at"),
        escalated=within("escalated_at"), open_at_end=open_at_end.count(),
        overdue_at_end=open_at_end.filter(due_at__lt=end).count(),
        problems=[(row["check_type"], row["n"], row["sites"]) for row in problems],
    )


def violations(scope: Scope, period: Period):
    return (Violation.objects.filter(scope.q(), occurred_on__gte=period.first, occurred_on__lte=period.last)
            .select_related("site__institution").order_by("occurred_on", "pk"))


def running_sites(scope: Scope, end: dt.datetime):
    """Sites of the area running at ``end``: launched before it and not closed by then."""
    return (scope.sites().filter(launched_at__lt=end).exclude(closed_at__lt=end)
            .exclude(status__in=(SiteStatus.PROPOSED, SiteStatus.APPROVED, SiteStatus.REFUSED)))


# -- sections shared by the reports ----------------------------------------------------------------


def regions_section(scope: Scope, found: dict[str, Verdict], label: str) -> dict:
    regions = by_region(scope, found.values())
    rows = [[name, t.checked, t.passed, t.failed, t.unrated, t.rate] for name, t in regions.items()]
    return d.section("regions", f"各地区{label}合格率", d.table("各地区合格率", [
        d.column("地区"), d.column("检查网站数", "int"), d.column("合格", "int"), d.column("不合格", "int"),
        d.column("未评定", "int"), d.column("合格率", "percent"),
    ], rows, "本期没有检查结果。"), chrt=d.chart("bar", f"各地区{label}合格率", [5]) if rows else None)


def failed_section(found: dict[str, Verdict], title: str, key: str = "failed") -> dict:
    failed = sorted((v for v in found.values() if v.passed is False), key=lambda v: (v.region, v.name))
    rows = [[v.name, v.host, v.region, v.reasons, v.score, f"{clock.local(v.checked_at):%Y-%m-%d}"] for v in failed]
    return d.section(key, title, d.table("不合格网站", [
        d.column("网站名称"), d.column("域名"), d.column("地区"), d.column("不合格原因"), d.column("得分", "score"),
        d.column("检查日期"),
    ], rows, "没有不合格网站。"))


def unrated_section(found: dict[str, Verdict]) -> dict:
    unrated = sorted((v for v in found.values() if v.passed is None), key=lambda v: (v.region, v.name))
    rows = [[v.name, v.host, v.region, v.reasons, f"{clock.local(v.checked_at):%Y-%m-%d}"] for v in unrated]
    return d.section("unrated", "未能完成检查的网站", d.table("未评定网站", [
        d.column("网站名称"), d.column("域名"), d.column("地区"), d.column("原因"), d.column("检查日期"),
    ], rows, "所有网站均已完成检查。"), paragraphs=[
        "检查时首页无法打开或检查出错的网站不作评定，不计入合格率；请主办单位核实网站运行情况。"] if rows else [])


def distribution_section(found: dict[str, Verdict]) -> dict:
    counts: Counter = Counter()
    for verdict in found.values():
        if verdict.passed is None:
            continue
        if verdict.score is None:
            counts[VETOED] += 1
            continue
        counts[next(label for label, low in BANDS if low is None or verdict.score >= low)] += 1
    rows = [[label, counts[label]] for label, _low in BANDS] + [[VETOED, counts[VETOED]]]
    return d.section("scores", "得分分布", d.table("得分分布", [d.column("得分区间"), d.column("网站数", "int")], rows),
                     paragraphs=["单项否决的网站不计分，单列一档。"], chrt=d.chart("column", "网站得分分布", [1]))


def problems_section(figures: FindingFigures) -> dict:
    rows = []
    for check, count, sites in figures.problems[:TOP_PROBLEMS]:
        kind = CHECKS.get(check)
        rows.append([kind.label if kind else check, kind.indicator if kind else "", count, sites])
    return d.section("problems", "主要问题", d.table("主要问题", [
        d.column("问题类型"), d.column("所属指标"), d.column("问题数", "int"), d.column("涉及网站数", "int"),
    ], rows, "本期未发现问题。"), paragraphs=[f"按问题数排列的前{TOP_PROBLEMS}类问题（本期内存在的问题，含此前发现尚未整改的）。"],
        chrt=d.chart("bar", "主要问题类型（问题数）", [2]) if rows else None)


def findings_section(figures: FindingFigures, as_of: str) -> dict:
    rows = [
        ["本期新发现", figures.new], ["本期已整改（复查确认）", figures.fixed], ["本期人工关闭", figures.closed],
        ["本期逾期督办", figures.escalated], [f"待整改（截至{as_of}）", figures.open_at_end],
        [f"其中逾期未整改（截至{as_of}）", figures.overdue_at_end],
    ]
    return d.section("findings", "问题整改情况", d.table("问题整改", [d.column("项目"), d.column("问题数", "int")], rows),
                     chrt=d.chart("column", "问题发现与整改", [1], rows=4))


def violations_sections(scope: Scope, period: Period) -> list[dict]:
    found = list(violations(scope, period))
    kinds = Counter(v.kind for v in found)
    labels = dict(ViolationKind.choices)
    by_kind = [[str(labels[k]), kinds[k]] for k in ViolationKind.values if kinds[k]]
    listing = [[f"{v.occurred_on:%Y-%m-%d}", v.site.name, scope.region_of(v.site.institution), str(labels.get(v.kind, v.kind))]
               for v in found]
    return [
        d.section("violations", "违规情况", d.table("违规情况", [d.column("违规类型"), d.column("次数", "int")], by_kind,
                                                   "本期没有违规记录。"),
                  paragraphs=[f"本期记录违规{len(found)}次，涉及网站{len({v.site_id for v in found})}个。"]),
        d.section("violation_list", "违规记录", d.table("违规记录", [
            d.column("发生日期"), d.column("网站名称"), d.column("地区"), d.column("违规类型"),
        ], listing, "本期没有违规记录。")),
    ]


def month_rows(scope: Scope, months: list[Period], now: dt.datetime) -> tuple[list[list], dict[str, dict[str, float | None]]]:
    """Per month: checked, passed, failed, rate, new and fixed findings; and each region's rate."""
    rows, regional = [], {}
    for month in months:
        if month.start > now:
            break
        end = min(month.end, now)
        found = verdicts(scope, month.start, end)
        total = tally(found.values())
        figures = finding_figures(scope, month.start, end)
        rows.append([month.label, total.checked, total.passed, total.failed, total.rate, figures.new, figures.fixed])
        regional[month.label] = {name: t.rate for name, t in by_region(scope, found.values()).items()}
    return rows, regional


def trend_sections(scope: Scope, months: list[Period], now: dt.datetime) -> list[dict]:
    rows, regional = month_rows(scope, months, now)
    trend = d.section("trend", "逐月合格率趋势", d.table("逐月趋势", [
        d.column("月份"), d.column("检查网站数", "int"), d.column("合格", "int"), d.column("不合格", "int"),
        d.column("合格率", "percent"), d.column("新发现问题", "int"), d.column("已整改问题", "int"),
    ], rows), chrt=d.chart("line", "逐月合格率", [4]) if rows else None)
    fixing = d.section("fixing", "逐月问题发现与整改", d.table("逐月问题", [
        d.column("月份"), d.column("新发现问题", "int"), d.column("已整改问题", "int"),
    ], [[r[0], r[5], r[6]] for r in rows]), chrt=d.chart("line", "逐月新发现与已整改问题数", [1, 2]) if rows else None)
    names = [n for n in scope.region_order() if any(n in per for per in regional.values())]
    region_rows = [[label, *(per.get(n) for n in names)] for label, per in regional.items()]
    by_month = d.section("region_trend", "各地区逐月合格率", d.table(
        "各地区逐月合格率", [d.column("月份"), *(d.column(n, "percent") for n in names)], region_rows, "本期没有检查结果。"),
        chrt=d.chart("line", "各地区逐月合格率", list(range(1, len(names) + 1))) if names and region_rows else None)
    return [trend, fixing, by_month]


# -- the reports -----------------------------------------------------------------------------------


@dataclass
class Context:
    kind: str
    period: ReportPeriod
    scope: Scope
    now: dt.datetime

    @property
    def end(self) -> dt.datetime:
        """The cut-off: the period's end, or now for a period still running."""
        return min(self.period.period.end, self.now)

    @property
    def as_of(self) -> str:
        return f"{clock.local(self.end - dt.timedelta(seconds=1)):%Y-%m-%d}"


def header(ctx: Context, title: str) -> dict:
    due = due_on(ctx.period)
    return {
        "version": 1, "kind": ctx.kind, "kind_label": str(ReportKind(ctx.kind).label), "title": title,
        "scope": ctx.scope.institution.name, "scope_id": ctx.scope.institution.pk, "period": ctx.period.key,
        "period_label": ctx.period.label, "generated_at": f"{clock.local(ctx.now):%Y-%m-%d %H:%M}",
        "as_of": ctx.as_of, "complete": ctx.period.period.end <= ctx.now,
        "due_on": due.isoformat() if due else None,
    }


def notes(ctx: Context) -> list[str]:
    out = [
        "检查结果来自平台的月度普查和专项检查（复查不参与评定）；一个网站在报告期内多次检查的，取最不利的一次结果。",
        "有单项否决项的网站为不合格；无单项否决项的，按扣分指标计分，低于合格线为不合格。合格率 = 合格网站数 ÷（合格 + 不合格）。",
        "检查时首页无法打开或检查出错的网站为“未评定”，不计入合格率。",
        f"“{ctx.scope.own}”指{ctx.scope.institution.name}及其部门的网站；其余按下一级政府所辖地区汇总。",
    ]
    if not ctx.period.period.end <= ctx.now:
        out.insert(0, f"报告期尚未结束，数据截至{ctx.as_of}。")
    return out


def overview(ctx: Context, found: dict[str, Verdict], figures: FindingFigures, noun: str) -> tuple[list[dict], str]:
    total = tally(found.values())
    running = running_sites(ctx.scope, ctx.end).count()
    summary = [
        d.figure("运行中网站", running), d.figure("检查网站", total.checked), d.figure("合格", total.passed),
        d.figure("不合格", total.failed), d.figure("合格率", total.rate, "percent"), d.figure("未评定", total.unrated),
        d.figure("新发现问题", figures.new), d.figure("已整改问题", figures.fixed),
        d.figure("逾期未整改问题", figures.overdue_at_end),
    ]
    rate = d.show(total.rate, "percent")
    text = (f"{noun}共检查网站{total.checked}个（运行中网站{running}个），合格{total.passed}个，不合格{total.failed}个，"
            f"未评定{total.unrated}个，合格率{rate}。新发现问题{figures.new}个，已整改{figures.fixed}个；"
            f"截至{ctx.as_of}，待整改问题{figures.open_at_end}个，其中逾期{figures.overdue_at_end}个。")
    return summary, text


def periodic(ctx: Context, title: str, noun: str, extra: list[dict]) -> dict:
    """The monthly report and the quarterly bulletin: the same parts over their period."""
    period = ctx.period.period
    found = verdicts(ctx.scope, period.start, ctx.end)
    figures = finding_figures(ctx.scope, period.start, ctx.end)
    summary, text = overview(ctx, found, figures, noun)
    failed_title = "不合格网站名单" if ctx.kind == ReportKind.QUARTERLY else "不合格网站及单项否决项"
    return {
        **header(ctx, title), "summary": summary, "lead": text,
        "sections": [
            regions_section(ctx.scope, found, noun), failed_section(found, failed_title), *extra,
            distribution_section(found), problems_section(figures), findings_section(figures, ctx.as_of),
            unrated_section(found), *violations_sections(ctx.scope, period),
        ],
        "notes": notes(ctx),
    }


def monthly(ctx: Context) -> dict:
    name = short_name(ctx.scope.institution)
    return periodic(ctx, f"{name}{ctx.period.label}政府网站普查情况报告", "本月", [])


def quarterly(ctx: Context) -> dict:
    name = short_name(ctx.scope.institution)
    trend = trend_sections(ctx.scope, ctx.period.months(), ctx.now)
    return periodic(ctx, f"{name}{ctx.period.label}政府网站检查情况通报", "本季度", trend)


# -- the annual supervision report -------------------------------------------------------------------


def fact_rows(rows: list[tuple[str, object, str]]) -> list[list]:
    return [[label, value, source] for label, value, source in rows]


def facts_table(sheet: str, rows: list[tuple[str, object, str]]) -> dict:
    return d.table(sheet, [d.column("项目"), d.column("数值", "int"), d.column("来源")], fact_rows(rows))


def estate_section(ctx: Context) -> list[dict]:
    period, scope = ctx.period.period, ctx.scope
    running = running_sites(scope, ctx.end)
    opened = scope.sites().filter(launched_at__gte=period.start, launched_at__lt=ctx.end)
    closed = scope.sites().filter(closed_at__gte=period.start, closed_at__lt=ctx.end)
    rows = [
        (f"运行中网站（截至{ctx.as_of}）", running.count(), PLATFORM),
        ("其中：政府门户网站", running.filter(site_type=SiteType.PORTAL).count(), PLATFORM),
        ("　　　部门网站", running.filter(site_type=SiteType.DEPARTMENT).count(), PLATFORM),
        ("本年开设（上线）网站", opened.count(), PLATFORM),
        ("本年关停网站", closed.count(), PLATFORM),
        ("其中：整合迁移至其他网站", closed.filter(migrated_to__isnull=False).count(), PLATFORM),
    ]
    statuses = dict(scope.sites().values_list("status").annotate(n=Count("pk")).order_by())
    status_rows = [[str(label), statuses.get(value, 0)] for value, label in SiteStatus.choices if statuses.get(value)]
    return [
        d.section("estate", "网站开设整合情况", facts_table("网站开设整合", rows)),
        d.section("statuses", "网站状态分布", d.table("网站状态", [d.column("状态"), d.column("网站数", "int")], status_rows,
                                                 "没有登记的网站。"),
                  paragraphs=[f"按生成报表时（{clock.local(ctx.now):%Y-%m-%d}）登记的状态统计。"],
                  chrt=d.chart("bar", "网站状态分布", [1]) if status_rows else None),
    ]


def inspection_sections(ctx: Context) -> tuple[list[dict], Tally]:
    scope, year = ctx.scope, ctx.period.period
    rows = []
    for quarter in ctx.period.quarters():
        label = quarter.label.removeprefix(f"{ctx.period.year}年")
        if quarter.start > ctx.now:
            rows.append([label, None, None, None, None])
            continue
        part = tally(verdicts(scope, quarter.start, min(quarter.end, ctx.now)).values())
        rows.append([label, part.checked, part.passed, part.failed, part.rate])
    # a site unqualified in any quarter is unqualified in the year (its worst result of the year)
    whole = verdicts(scope, year.start, ctx.end)
    total = tally(whole.values())
    rows.append(["全年", total.checked, total.passed, total.failed, total.rate])
    censuses = (Census.objects.filter(status=CensusStatus.DONE, kind__in=COUNTED_CENSUSES,
                                      results__in=SiteResult.objects.filter(scope.q(), checked_at__gte=year.start,
                                                                            checked_at__lt=ctx.end))
                .distinct().count())
    quarters = d.section("quarters", "不合格网站数量（分季度和全年）", d.table("分季度检查", [
        d.column("季度"), d.column("检查网站数", "int"), d.column("合格", "int"), d.column("不合格网站数量", "int"),
        d.column("合格率", "percent"),
    ], rows), paragraphs=[
        f"全年开展检查{censuses}次，检查网站{total.checked}个；全年不合格网站{total.failed}个"
        "（在任一季度被判定不合格的网站，按网站计数）。"],
        chrt=d.chart("column", "各季度不合格网站数量", [3], rows=4))
    return [quarters, failed_section(whole, "全年不合格网站名单")], total


def error_report_section(ctx: Context) -> dict:
    messages = Message.objects.filter(kind=MessageKind.ERROR_REPORT,
                                      site__institution__path__startswith=ctx.scope.path)
    figures = statistics.figures(messages, ctx.period.period, ctx.end)
    average = figures.average_working_days
    rows = [
        ("收到网民纠错留言（有效）", figures.received, PLATFORM),
        ("已答复", figures.answered, PLATFORM),
        ("其中：按期答复", figures.on_time, PLATFORM),
        ("　　　逾期答复", figures.late, PLATFORM),
        ("超期未答复", figures.open_overdue, PLATFORM),
        ("办理中未到期", figures.open_not_due, PLATFORM),
        ("无效留言", figures.invalid, PLATFORM),
    ]
    rate = d.show(figures.on_time_rate, "percent")
    days = f"{average:.1f}" if average is not None else d.NONE
    return d.section("error_reports", "“我为政府网站找错”留言办理情况", facts_table("找错留言办理", rows), paragraphs=[
        f"按期答复率{rate}（按期答复 ÷（按期答复 + 逾期答复 + 超期未答复）），平均答复用时{days}个工作日。"
        "统计范围为本地区各网站“网站找错”栏目收到的留言（含由全国政府网站找错平台转来的）。"])


def counterfeit_section(ctx: Context) -> dict:
    period = ctx.period.period
    cases = CounterfeitCase.objects.filter(imitated_site__institution__path__startswith=ctx.scope.path)
    found = cases.filter(found_on__gte=period.first, found_on__lte=period.last)
    closed = cases.filter(closed_on__gte=period.first, closed_on__lte=period.last)
    last = min(period.last, clock.local(ctx.end - dt.timedelta(seconds=1)).date())
    rows = [
        ("本年发现假冒政府网站", found.count(), PLATFORM),
        ("其中：平台监测发现", found.filter(found_via=FoundVia.MONITORING).count(), PLATFORM),
        ("　　　网民举报", found.filter(found_via=FoundVia.PUBLIC_REPORT).count(), PLATFORM),
        ("本年移交网信部门", cases.filter(handed_over_on__gte=period.first, handed_over_on__lte=period.last).count(),
         PLATFORM),
        ("本年结案", closed.count(), PLATFORM),
        ("其中：已关停", closed.filter(outcome=CounterfeitOutcome.TAKEN_DOWN).count(), PLATFORM),
        (f"未结案（截至{ctx.as_of}）", cases.filter(found_on__lte=last).exclude(closed_on__lte=last).count(), PLATFORM),
    ]
    return d.section("counterfeit", "假冒政府网站处置情况", facts_table("假冒网站处置", rows))


def security_section(ctx: Context) -> dict:
    period, path = ctx.period.period, ctx.scope.path
    in_area = Q(sites__institution__path__startswith=path)
    scans = PeriodicScan.objects.filter(in_area, performed_on__gte=period.first, performed_on__lte=period.last)
    notices = VulnerabilityNotice.objects.filter(in_area, notified_on__gte=period.first, notified_on__lte=period.last)
    fixed = (VulnerabilityState.FIXED, VulnerabilityState.CLOSED)
    incidents = Incident.objects.filter(site__institution__path__startswith=path, detected_at__gte=period.start,
                                        detected_at__lt=ctx.end)
    drills = Drill.objects.filter(institution__path__startswith=path, held_on__gte=period.first,
                                  held_on__lte=period.last)
    rows = [
        ("安全检测扫描次数", scans.distinct().count(), PLATFORM),
        ("发现和通报的安全漏洞", notices.distinct().count(), PLATFORM),
        ("其中：高危漏洞", notices.filter(severity=Severity.HIGH).distinct().count(), PLATFORM),
        ("已修复漏洞", notices.filter(state__in=fixed).distinct().count(), PLATFORM),
        ("安全事件", incidents.count(), PLATFORM),
        ("应急演练次数", drills.count(), PLATFORM),
        ("平台监测发现的暗链、挂马、篡改等问题", Finding.objects.filter(
            ctx.scope.q(), first_seen__gte=period.start, first_seen__lt=ctx.end,
            check_type__in=("dark_link", "injected_code", "banned_content", "tampered")).count(), PLATFORM),
    ]
    return d.section("security", "安全检查情况", facts_table("安全检查", rows))


def supervisor_sections(ctx: Context) -> list[dict]:
    facts = AnnualReportFacts.objects.filter(scope=ctx.scope.institution, year=ctx.period.year).first()

    def value(name: str):
        found = getattr(facts, name, None) if facts else None
        return found if found not in (None, "") else NOT_FILLED

    meta = AnnualReportFacts._meta
    numbers = [(str(meta.get_field(n).verbose_name), value(n), FILLED)
               for n in ("accountable_persons", "training_sessions", "trained_persons")]
    notes_fields = ("inspection_notes", "security_notes", "consolidation_notes", "error_report_notes",
                    "counterfeit_notes", "training_notes")
    explanations = [[str(meta.get_field(n).verbose_name), str(value(n)), FILLED] for n in notes_fields]
    signature = [[str(meta.get_field(n).verbose_name), str(value(n))]
                 for n in ("unit_head", "reviewer", "filled_by", "phone", "filled_on")]
    return [
        d.section("filled", "问责和培训情况", facts_table("问责和培训", numbers)),
        d.section("explanations", "监管工作情况说明", d.table("情况说明", [
            d.column("项目"), d.column("内容"), d.column("来源")], explanations)),
        d.section("signature", "填报信息", d.table("填报信息", [d.column("项目"), d.column("内容")], signature)),
    ]


def annual(ctx: Context) -> dict:
    name = short_name(ctx.scope.institution)
    period = ctx.period.period
    inspections, total = inspection_sections(ctx)
    figures = finding_figures(ctx.scope, period.start, ctx.end)
    trend, _fixing, region_trend = trend_sections(ctx.scope, ctx.period.months(), ctx.now)
    summary = [
        d.figure("运行中网站", running_sites(ctx.scope, ctx.end).count()), d.figure("检查网站", total.checked),
        d.figure("全年不合格网站", total.failed), d.figure("发现问题", figures.new), d.figure("已整改问题", figures.fixed),
        d.figure("违规记录", violations(ctx.scope, period).count()),
    ]
    lead = (f"{ctx.period.year}年共检查网站{total.checked}个，全年不合格网站{total.failed}个；"
            f"发现问题{figures.new}个，已整改{figures.fixed}个。本表中标注“{FILLED}”的事项由{ctx.scope.institution.name}"
            f"办公厅（室）填写，其余由平台根据登记、检查、留言和安全记录统计。")
    return {
        **header(ctx, f"{name}{ctx.period.year}年政府网站监管年度报表"), "summary": summary, "lead": lead,
        "sections": [
            *inspections, trend, region_trend, problems_section(figures), findings_section(figures, ctx.as_of),
            *estate_section(ctx), security_section(ctx), error_report_section(ctx), counterfeit_section(ctx),
            *violations_sections(ctx.scope, period), *supervisor_sections(ctx),
        ],
        "notes": [*notes(ctx), "“问责人次”、培训情况和各部分情况说明由监管单位在平台填报；未填写的显示为“未填报”。"],
    }


BUILDERS = {ReportKind.MONTHLY: monthly, ReportKind.QUARTERLY: quarterly, ReportKind.ANNUAL: annual}


def build(period: ReportPeriod, scope: Institution, now: dt.datetime | None = None) -> dict:
    """The report document of ``period`` for the supervising government ``scope``."""
    ctx = Context(period.kind, period, Scope(scope), now or clock.now())
    return BUILDERS[period.kind](ctx)
