"""The estate's history: lifecycle stories played through the real registry actions.

Each story is a generator that yields the moment of its next step; :meth:`History.run`
interleaves all stories in time order with the platform clock frozen at each moment, so the
audit trail, the announcements and the approval inboxes read like months of real work.

The people who act are the estate's staff: accounts with no usable password and marked
inactive, so nobody can log in as them. They exist only so that every filing and decision
has a named person behind it. Login accounts come from ``demo_accounts`` alone.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from collections.abc import Callable, Iterator

from django.contrib.auth import get_user_model

from govsites import clock
from govsites.accounts.models import Role, RoleAssignment
from govsites.audit.context import Actor
from govsites.policy.profiles import active as active_profile
from govsites.registry.actions import (
    ApplyDueTransitions,
    ApplyForPermanentOffline,
    ApplyForSpecialTopic,
    ApplyForTemporaryOffline,
    ApplyToOpenSite,
    CloseSite,
    CompleteChecklistItem,
    CompleteMigration,
    DecideStep,
    FileChange,
    LaunchSite,
    PublishMigrationNotice,
    RegisterSite,
    ReportOutage,
    ResumeSite,
)
from govsites.registry.chains import build_chain
from govsites.registry.errors import RuleViolation
from govsites.registry.models import (
    Application,
    ApplicationKind,
    Checklist,
    Institution,
    Level,
    OutageCause,
    Site,
    StepKind,
    StepStatus,
)
from govsites.registry.rules import check_may_have_site

from . import names
from .estate import ACTOR, STAFF_PREFIX, Area, Builder, Estate

Story = Iterator[dt.datetime]

_APPROVALS = ["同意。", "同意，请按程序办理。", "经审核，材料齐全，同意。", "同意，请抓紧办理后续手续。"]
_FORWARDS = ["同意，报上级审批。", "同意，请上级审核。", "经审核，材料齐全，同意上报。"]
_MATERIALS = {
    "responsibilities": "办公室牵头负责网站建设管理，信息中心负责技术保障，各处室负责本处室信息的采集和发布。",
    "review_mechanism": "实行信息发布“三审三校”制度，涉密信息一律不上网，发布前经保密审查。",
    "security_measures": "部署在集约化平台，统一安全防护，定期开展漏洞扫描和安全检测。",
    "emergency_plan": "已制定网站安全事件应急预案，明确处置流程和责任人，每年组织演练。",
}
_SAFEGUARDS = ("迁移前完整备份网站数据；迁移期间在首页悬挂迁移公告；迁移后对有价值页面归档并保持原网址可访问，"
               "确保信息不丢失、服务不中断。")
_ROLE_WORD = {Role.SUPERVISOR: "office", Role.INSTITUTION_HEAD: "head", Role.SITE_MANAGER: "manager"}


class History:
    def __init__(self, estate: Estate, builder: Builder, rng, now: dt.datetime):
        self.estate, self.builder, self.rng = estate, builder, rng
        self.now = now
        self.today = clock.local(now).date()
        self.people: dict[tuple[str, int], object] = {}
        self.areas: dict[int, Area] = {}
        for area in [estate.province, *estate.cities]:
            for government in [area, *area.counties]:
                self.areas[government.government.pk] = government
                for institution in [*government.departments.values(), *government.legacy,
                                    *(a for a, _ in government.abolished)]:
                    self.areas[institution.pk] = government
        self.stories: list[Story] = self.plan()

    # -- the plan ------------------------------------------------------------------------------
    def reserve(self, institution: Institution) -> Institution:
        """Keep ``institution`` out of the bulk sites: a story creates its site."""
        self.estate.reserved.add(institution.pk)
        return institution

    def plan(self) -> list[Story]:
        estate = self.estate
        capital = estate.capital
        # The profile decides whether city departments may open sites (not in a municipality).
        city_opens = may_open(capital.departments["sj"])
        stories = [self.onboarding()]
        estate.story_areas.append(estate.province)
        stories += self.province_stories(estate.province, with_city_stories=city_opens)
        for area in estate.cities[: self.builder.scale.story_cities]:
            estate.story_areas.append(area)
            stories += self.city_stories(area, opens=city_opens)
        capital.counties[-1].has_portal = False  # REG-02: a county still without a portal
        capital.counties[-2].has_portal = False
        stories.append(open_site(self, capital.counties[-2].government, start=25, approvals=-1))
        if len(capital.counties) >= 5:
            capital.counties[-3].has_portal = False
            stories.append(open_site(self, capital.counties[-3].government, start=210, end=150, launch=True))
        return stories

    def province_stories(self, province: Area, *, with_city_stories: bool) -> list[Story]:
        dept = province.departments
        portal = province.government
        stories = [
            open_site(self, self.reserve(dept["sj"]), start=170, end=105, launch=True),
            open_site(self, self.reserve(dept["yb"]), start=15, approvals=-1),
            temporary_offline(self, dept["ty"], start=4, offline=(-10, -20), approvals=0,
                              reason="网站整体迁入省级集约化平台，需暂停访问进行数据迁移和安全检测。"),
            outage(self, dept["cz"], start=2, period=(2, -5), cause=OutageCause.SECURITY_ORDER, approvals=0,
                   reason="网站存在高危漏洞，按网信部门要求紧急下线整改。"),
            change(self, dept["rs"], start=130, approvals=1, reason="网站负责人岗位调整。",
                   changes={"responsible_person": names.person(self.rng)}),
            change(self, dept["jy"], start=4, approvals=0, reason="网站负责人岗位调整，对外联系电话同步变更。",
                   changes={"responsible_person": names.person(self.rng),
                            "contact_phone": names.phone(self.rng, province.phone_area)}),
            special_topic(self, dept["fgw"], start=100, approvals=1, host=portal, lead=dept["fgw"],
                          involved=[dept["fgw"], dept["sc"], dept["cz"]], title=f"{province.place}优化营商环境专题",
                          reason="多部门联合推进优化营商环境工作，需集中发布政策文件、解读和工作进展。"),
            special_topic(self, dept["xf"], start=3, approvals=0, host=dept["xf"], involved=[dept["xf"]],
                          title=f"{province.place}信访工作法治化专栏", reason="集中公开信访事项办理流程和法规。"),
        ]
        if not with_city_stories:
            stories += self.open_stories(province)
        return stories

    def open_stories(self, area: Area) -> list[Story]:
        """Applications to open department sites, one at each stage of the way."""
        portal = "市政府门户网站" if area.government.level == Level.CITY else "省政府门户网站"
        reject = f"相关事项已通过{portal}专栏受理办理，不宜单独开设网站，建议以专栏形式建设。"
        stages = [  # (city department, provincial stand-in where cities may not open sites, how far)
            ("sj", "rf", {"start": 50, "end": 12, "ticks": 3}),  # approved, launch checklist half done
            ("xf", "yj", {"start": 90, "end": 80, "approvals": 1, "reject": reject}),  # refused
            ("ty", "ga", {"start": 2, "approvals": 0}),  # waiting for the head
            ("yb", None, {"start": 9, "approvals": 1}),  # waiting for the city office
            ("yj", None, {"start": 140, "end": 95, "launch": True}),  # online, with its whole history
            ("rf", None, {"start": 20, "approvals": -1}),  # waiting for the provincial office
        ]
        column = 0 if area.government.level == Level.CITY else 1
        keys = [(stage[column], stage[2]) for stage in stages]
        return [open_site(self, self.reserve(area.departments[key]), **how)
                for key, how in keys if key in area.departments]

    def city_stories(self, city: Area, *, opens: bool) -> list[Story]:
        dept = city.departments
        stories = [
            temporary_offline(self, dept["jy"], start=14, offline=(5, -20),
                              reason="网站改版升级并迁入集约化平台，需暂停对外访问。"),
            temporary_offline(self, dept["cz"], start=240, offline=(230, 215), resume=True,
                              reason="机房搬迁，网站需暂停访问。"),
            outage(self, dept["rs"], start=1, period=(1, -1), cause=OutageCause.FORCE_MAJEURE,
                   reason="机房所在园区供电线路故障，网站无法访问，正在抢修。"),
            outage(self, dept["fgw"], start=300, period=(300, 299), cause=OutageCause.FORCE_MAJEURE, resume=True,
                   reason="市政施工挖断通信光缆，网站所在机房网络中断。"),
            change(self, dept["sc"], start=3, approvals=0, reason="办公地点搬迁，联系地址变更；新增专题栏目。",
                   changes={"contact_address": names.address(self.rng, city.prefix),
                            "structure_note": "新增“优化营商环境”一级栏目。"}),
            special_topic(self, dept["ga"], start=6, approvals=0, host=dept["ga"], involved=[dept["ga"]],
                          title=f"平安{city.place[:-1]}建设专栏", reason="集中发布平安建设工作动态和安全防范提示。"),
        ]
        if opens:
            stories += self.open_stories(city)
        (closed, closed_to), (closing, closing_to) = city.abolished
        stories.append(closure(self, closed, dept[closed_to], start=200, end=139, progress=None))
        stories.append(closure(self, closing, dept[closing_to], start=40, end=26, progress=1))
        legacy = [(i, county) for county in city.counties for i in county.legacy if not i.is_government]
        (a, county_a), (b, county_b), (c, county_c), (d, county_d) = legacy[:4]
        stories += [
            closure(self, a, county_a.government, start=260, end=204, progress=None),
            closure(self, b, county_b.government, start=70, end=35, progress=3),
            closure(self, c, county_c.government, start=6, end=5, approvals=1),
            closure(self, d, county_d.government, start=12, end=8, approvals=2),
        ]
        return stories

    def onboarding(self) -> Story:
        """The existing sites of townships and county departments, recorded by the provincial office."""
        moment = self.estate.onboarded_at + dt.timedelta(hours=1)
        yield moment
        office = self.office(self.estate.province.government)
        for area in self.estate.cities:
            for county in area.counties:
                for institution in county.legacy:
                    moment += dt.timedelta(minutes=self.rng.randint(3, 9))
                    yield moment
                    data = self.builder.site_fields(institution, county, legacy=True)
                    data.update(self.builder.identifiers(institution))
                    RegisterSite(self.actor(office), institution, data=data).execute()

    # -- running -------------------------------------------------------------------------------
    def run(self) -> None:
        """Play every story, step by step, in time order."""
        order = itertools.count()
        queue: list[tuple[dt.datetime, int, Story]] = []
        for story in self.stories:
            moment = next(story, None)
            if moment is not None:
                heapq.heappush(queue, (moment, next(order), story))
        while queue:
            moment, _, story = heapq.heappop(queue)
            with clock.frozen(moment):
                following = next(story, None)
            if following is not None:
                heapq.heappush(queue, (max(following, moment), next(order), story))

    def days(self, start: int, end: int, count: int) -> Iterator[dt.datetime]:
        """``count`` moments spread from ``start`` to ``end`` days ago, always moving forward."""
        last = None
        for k in range(count):
            days_ago = start if count == 1 else start - round(k * (start - end) / (count - 1))
            moment = self.at(days_ago)
            if last is not None and moment <= last:
                moment = last + dt.timedelta(minutes=self.rng.randint(20, 90))
            last = moment
            yield moment

    def at(self, days_ago: int, hour: int | None = None) -> dt.datetime:
        day = self.today - dt.timedelta(days=days_ago)
        moment = clock.at(day.year, day.month, day.day, hour if hour is not None else self.rng.randint(9, 16),
                          self.rng.randrange(60))
        return min(moment, self.now - dt.timedelta(minutes=1))

    def date(self, days_ago: int) -> dt.date:
        return self.today - dt.timedelta(days=days_ago)

    # -- people ----------------------------------------------------------------------------------
    def person(self, role: str, institution: Institution, display_name: str = ""):
        key = (role, institution.pk)
        if key not in self.people:
            label = institution.pinyin
            if not institution.is_government:
                label = f"{institution.parent.pinyin}-{label}"
            user = get_user_model()(
                username=f"{STAFF_PREFIX}{label}-{_ROLE_WORD[role]}", is_active=False, date_joined=clock.now(),
                display_name=display_name or names.person(self.rng),
            )
            user.set_unusable_password()
            user.save()
            RoleAssignment.objects.create(user=user, role=role, institution=institution)
            self.people[key] = user
        return self.people[key]

    def office(self, government: Institution):
        return self.person(Role.SUPERVISOR, government)

    def head(self, institution: Institution):
        return self.person(Role.INSTITUTION_HEAD, institution, institution.head_name)

    def manager(self, institution: Institution):
        return self.person(Role.SITE_MANAGER, institution)

    def actor(self, user) -> Actor:
        return Actor(user=user, user_agent=ACTOR.user_agent, via=ACTOR.via)

    def filer(self, institution: Institution) -> Actor:
        return self.actor(self.manager(institution))

    # -- steps shared by the stories ------------------------------------------------------------
    def site(self, institution: Institution) -> Site:
        return Site.objects.live().get(institution=institution)

    def decide(self, application: Application, approve: bool = True, comment: str = "") -> None:
        step = application.steps.get(status=StepStatus.PENDING)
        who = self.head(step.institution) if step.kind == StepKind.INSTITUTION_HEAD else self.office(step.institution)
        comment = comment or self.rng.choice(_APPROVALS if step.is_final else _FORWARDS)
        DecideStep(self.actor(who), step, approve=approve, comment=comment).execute()

    def tick(self, site: Site, checklist: str, key: str, reference: str = "") -> None:
        CompleteChecklistItem(self.filer(site.institution), site, checklist=checklist, key=key,
                              reference=reference).execute()

    def launch_reference(self, site: Site, key: str, identifiers: dict) -> str:
        year = clock.today().year
        return {
            "site_mark": identifiers["site_mark_number"],
            "domain_registered": "、".join(d for d in (site.domain, site.chinese_domain) if d),
            "icp_filing": identifiers["icp_number"],
            "public_security_filing": identifiers["public_security_number"],
            "site_code": identifiers["site_code"],
            "security_test": f"{names.PROVINCE}省网络安全测评中心检测报告 LC{year}-{self.rng.randrange(1000, 10000)}",
            "cyberspace_report": f"已向{names.PROVINCE}省委网信办报备",
        }.get(key, "")

    def archive_pages(self, site: Site) -> list[dict]:
        name = site.institution.name
        year = clock.today().year - 1
        titles = [f"{name}机构职能", f"{name}{year}年政府信息公开工作年度报告", f"关于印发{name}{year}年工作要点的通知",
                  f"{name}办事指南汇编", f"{name}{year}年部门预算公开说明"]
        return [
            {"url": f"https://{site.domain}/zwgk/{year}{n + 1:02d}/t{year}{n + 1:02d}15_{self.rng.randrange(10**5, 10**6)}.html",
             "title": title}
            for n, title in enumerate(titles)
        ]


def _approve(h: History, application: Application, days: Iterator[dt.datetime], count: int) -> Story:
    """Decide the next ``count`` steps, one per moment."""
    for _ in range(count):
        yield next(days)
        h.decide(application)


def _chain_length(kind: str, institution: Institution) -> int:
    return len(build_chain(kind, institution))


def _decided(approvals: int | None, chain: int) -> int:
    """How many steps a story decides: all (``None``), the first n, or all but the last -n."""
    if approvals is None:
        return chain
    return max(0, min(chain, chain + approvals if approvals < 0 else approvals))


def may_open(institution: Institution) -> bool:
    try:
        check_may_have_site(institution)
    except RuleViolation:
        return False
    return True


def open_site(h: History, institution: Institution, *, start: int, end: int = 1, approvals: int | None = None,
              reject: str = "", ticks: int | None = None, launch: bool = False) -> Story:
    """Apply to open a site, then as far as asked: approvals, a refusal, checklist items, go-live."""
    chain = _chain_length(ApplicationKind.OPEN, institution)
    approvals = _decided(approvals, chain)
    keys = list(active_profile().get("registry.launch_checklist")) if approvals == chain else []
    keys = keys[:ticks] if ticks is not None else keys
    days = h.days(start, end, 1 + approvals + bool(reject) + len(keys) + launch)
    area = h.areas[institution.pk]
    yield next(days)
    application = ApplyToOpenSite(
        h.filer(institution), institution, site_data=h.builder.site_fields(institution, area),
        materials=_MATERIALS, reason=_open_reason(institution),
    ).execute()
    yield from _approve(h, application, days, approvals)
    if reject:
        yield next(days)
        h.decide(application, approve=False, comment=reject)
    identifiers = h.builder.identifiers(institution) if keys else {}
    for key in keys:
        yield next(days)
        site = Site.objects.get(pk=application.site_id)
        h.tick(site, Checklist.LAUNCH, key, h.launch_reference(site, key, identifiers))
    if launch:
        yield next(days)
        LaunchSite(h.filer(institution), Site.objects.get(pk=application.site_id)).execute()


def _open_reason(institution: Institution) -> str:
    if institution.is_government:
        return f"{institution.name}依规须开设政府门户网站，集中发布政务信息、提供政务服务。"
    return f"{institution.name}承担较多面向社会公众的职能，需开设部门网站集中发布政务信息、提供在线办事服务。"


def temporary_offline(h: History, institution: Institution, *, start: int, offline: tuple[int, int], reason: str,
                      approvals: int | None = None, resume: bool = False) -> Story:
    """REG-12: apply, get approved, go offline on the first day (the scheduler's job), maybe come back."""
    chain = _chain_length(ApplicationKind.TEMPORARY_OFFLINE, institution)
    approvals = _decided(approvals, chain)
    first, last = offline
    days = h.days(start, max(first + 1, 0), 1 + approvals)
    yield next(days)
    application = ApplyForTemporaryOffline(
        h.filer(institution), h.site(institution), start_date=h.date(first), end_date=h.date(last), reason=reason
    ).execute()
    yield from _approve(h, application, days, approvals)
    if approvals < chain:
        return
    yield h.at(first, hour=0)
    ApplyDueTransitions(Actor.system()).execute()
    if resume:
        yield h.at(last - 1, hour=0)
        ApplyDueTransitions(Actor.system()).execute()


def outage(h: History, institution: Institution, *, start: int, period: tuple[int, int], cause: str, reason: str,
           approvals: int | None = None, resume: bool = False) -> Story:
    """REG-13: report an outage (reported up, not counted toward the yearly limit)."""
    approvals = _decided(approvals, _chain_length(ApplicationKind.OUTAGE, institution))
    moments = _same_day(h, start, 1 + approvals + resume)
    yield next(moments)
    first, last = period
    application = ReportOutage(h.filer(institution), h.site(institution), cause=cause, start_date=h.date(first),
                               end_date=h.date(last), reason=reason).execute()
    yield from _approve(h, application, moments, approvals)
    if resume:
        yield next(moments)
        ResumeSite(h.filer(institution), h.site(institution)).execute()


def _same_day(h: History, days_ago: int, count: int) -> Iterator[dt.datetime]:
    """Moments a couple of hours apart on one day (outages are handled the same day)."""
    start = h.at(days_ago, hour=8)
    for k in range(count):
        yield min(start + dt.timedelta(hours=2 * k, minutes=h.rng.randrange(40)), h.now - dt.timedelta(minutes=1))


def closure(h: History, institution: Institution, successor: Institution, *, start: int, end: int,
            approvals: int | None = None, progress: int | None = 0) -> Story:
    """REG-14: close a site into its successor's. ``progress``: closure items done after approval
    (``None``: all of them, then the site closes)."""
    chain = _chain_length(ApplicationKind.PERMANENT_OFFLINE, institution)
    approvals = _decided(approvals, chain)
    manual = ["icp_cancelled", "site_mark_cancelled", "public_security_cancelled", "domain_cancelled"]
    steps = ["notice", "migrate", *manual, "close"] if approvals == chain else []
    steps = steps if progress is None else steps[:progress]
    days = h.days(start, end, 1 + approvals + len(steps))
    yield next(days)
    target, site = h.site(successor), h.site(institution)
    reason = (f"按照政府网站集约化要求，县级政府部门不再单独开设网站，{institution.name}网站内容整合迁移至{target.name}。"
              if successor.is_government else
              f"机构改革后{institution.name}职责已划入{successor.name}，原网站不再单独运行，内容整合迁移至{target.name}。")
    application = ApplyForPermanentOffline(h.filer(institution), site, migration_target=target,
                                           safeguards=_SAFEGUARDS, reason=reason).execute()
    yield from _approve(h, application, days, approvals)
    actions: dict[str, Callable[[Site], object]] = {
        "notice": lambda s: PublishMigrationNotice(h.filer(institution), s).execute(),
        "migrate": lambda s: CompleteMigration(h.filer(institution), s, pages=h.archive_pages(s)).execute(),
        "close": lambda s: CloseSite(h.filer(institution), s).execute(),
    }
    for step in steps:
        yield next(days)
        current = Site.objects.get(pk=site.pk)
        if step in actions:
            actions[step](current)
        else:
            h.tick(current, Checklist.CLOSURE, step, f"已注销（{_CANCELLED[step](current)}）")


_CANCELLED = {
    "icp_cancelled": lambda s: s.icp_number,
    "site_mark_cancelled": lambda s: s.site_mark_number,
    "public_security_cancelled": lambda s: s.public_security_number,
    "domain_cancelled": lambda s: s.domain,
}


def change(h: History, institution: Institution, *, start: int, changes: dict, reason: str,
           approvals: int | None = None) -> Story:
    """REG-16: file a change with the supervisor."""
    approvals = _decided(approvals, _chain_length(ApplicationKind.CHANGE, institution))
    days = h.days(start, max(start - 3, 0), 1 + approvals)
    yield next(days)
    application = FileChange(h.filer(institution), h.site(institution), changes=changes, reason=reason).execute()
    yield from _approve(h, application, days, approvals)


def special_topic(h: History, institution: Institution, *, start: int, title: str, host: Institution,
                  involved: list[Institution], reason: str, lead: Institution | None = None,
                  approvals: int | None = None) -> Story:
    """REG-04: a campaign gets a special-topic column, not a site."""
    approvals = _decided(approvals, _chain_length(ApplicationKind.SPECIAL_TOPIC, institution))
    days = h.days(start, max(start - 3, 0), 1 + approvals)
    yield next(days)
    application = ApplyForSpecialTopic(h.filer(institution), institution, title=title, institutions=involved,
                                       host_site=h.site(host), lead=lead, reason=reason).execute()
    yield from _approve(h, application, days, approvals)

