"""The demo's interaction platform: every online hosted site gets its standard columns, the demo
accounts get message-handling roles, and about two months of citizens' messages, a survey
open and one with published results, an interview with its transcript and a few knowledge base
entries are played through the real actions.

Roles (added to the demo accounts of ``demo_accounts``, which stay the only login accounts):

- ``demo-editor`` triages the province portal's messages (``SiteRole.MESSAGE_HANDLER``), and
  with it those of the provincial departments' sites, whose columns run on the portal's platform;
- ``demo-city-editor`` triages the capital's portal;
- ``demo-reviewer`` drafts and ``demo-secrecy`` approves the replies of the departments the
  messages go to (``HandlerAssignment``), so a reply is never approved by its author.

Each message is a small story (a generator yielding the moment of its next step); all stories
are interleaved in time order with the platform clock frozen at each moment, so deadlines,
timelines and the audit trail read like real work. Deterministic (a seeded ``random.Random``,
relative to today) and idempotent: once the province portal has messages or surveys the
stories are not played again (channels and roles are still completed).
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from govsites import clock
from govsites.audit.context import Actor
from govsites.content.models import SiteMembership, SiteRole
from govsites.interaction import knowledge
from govsites.interaction.actions import (
    AnswerQuestion,
    AnswerSurvey,
    AskQuestion,
    AssignMessage,
    CloseSurvey,
    CreateEntry,
    CreateInterview,
    CreateSurvey,
    DecideReply,
    DraftReply,
    FinishInterview,
    ForwardToSite,
    MarkPolicySuggestion,
    ModerateQuestion,
    OpenSurvey,
    PublishEntry,
    PublishResults,
    PublishTranscript,
    ReviewMessage,
    SetUpChannels,
    StartInterview,
    Submission,
    SubmitMessage,
)
from govsites.interaction.models import (
    Channel,
    ChannelKind,
    HandlerAssignment,
    HandlerRole,
    Message,
    MessageStatus,
    ReplyStatus,
    Survey,
    UsedToken,
)
from govsites.registry.models import Institution, Site, SiteStatus

from . import names
from .accounts import portal_of
from .estate import DemoError, demo_root, foreign_roots

DEFAULT_SEED = 20260601
ACTOR = Actor(user=None, user_agent="govsites demo_interaction", via="cli")
PUBLIC = Actor(user=None, user_agent="govsites demo_interaction", via="public")
#: prefix of the demo's form tokens (spent like the public service's, removed by ``reset``)
TOKEN_PREFIX = "demo-interaction-"  # noqa: S105 (a form token, not a secret)
ROLE_ACCOUNTS = ("demo-editor", "demo-city-editor", "demo-reviewer", "demo-secrecy")

Story = Iterator[dt.datetime]


@dataclass(frozen=True)
class Topic:
    """Questions many people ask, in their own words, and the department that answers them."""

    key: str
    kind: str
    #: the department's name without the place: (province, city)
    department: tuple[str, str]
    phrasings: tuple[tuple[str, str], ...]
    reply: str
    #: the knowledge base's general wording of the question
    faq: str = ""
    keywords: str = ""


TOPICS = (
    Topic("flexible", ChannelKind.CONSULTATION, ("人力资源和社会保障厅", "人力资源和社会保障局"), (
        ("灵活就业人员如何缴纳养老保险", "本人是灵活就业人员，请问如何办理养老保险和医疗保险的参保缴费？"),
        ("灵活就业人员如何缴纳养老保险？", "您好，我是灵活就业人员，请问怎么办理养老保险和医疗保险的参保缴费？"),
        ("咨询灵活就业人员缴纳养老保险", "我是灵活就业人员，请问如何办理养老保险参保缴费，可以在网上办吗？"),
    ), "灵活就业人员可持身份证到户籍地或居住地社保经办机构办理参保登记，也可通过省政务服务网“社保服务”专区在线办理；"
       "缴费可通过银行代扣或手机银行缴纳，缴费基数可在上年度全省平均工资的60%至300%之间自主选择。",
       "灵活就业人员如何参加养老保险和医疗保险？", "灵活就业、社保、养老保险"),
    Topic("newborn", ChannelKind.CONSULTATION, ("医疗保障局", "医疗保障局"), (
        ("新生儿医保如何办理", "孩子刚出生，请问新生儿医保在哪里办理，需要什么材料？"),
        ("新生儿医保怎么办理", "孩子刚出生一个月，请问新生儿医保在哪里办理，需要带什么材料？"),
        ("咨询新生儿医保办理", "宝宝刚出生，想问新生儿医保在哪里办理，要什么材料？"),
    ), "新生儿自出生之日起90日内参保缴费的，自出生之日起享受医保待遇。父母可凭出生医学证明和户口簿（或身份证明），"
       "通过“出生一件事”联办平台或到参保地医保经办窗口办理，无需另行提交其他材料。",
       "新生儿如何办理城乡居民医保？", "新生儿、医保、参保"),
    Topic("idcard", ChannelKind.CONSULTATION, ("公安厅", "公安局"), (
        ("身份证丢失如何补办", "身份证不慎丢失，户籍在外地，请问能在工作地补办吗？"),
        ("身份证丢了如何补办", "本人身份证不慎丢失，户籍在外省，请问能否在工作地补办？"),
    ), "居民身份证丢失的，可到任一公安机关户政窗口申请补领，已实行跨省通办；需本人到场采集人像和指纹，"
       "一般20个工作日内可领取新证，也可申请邮寄送达。",
       "居民身份证丢失后如何补办？", "身份证、补办、跨省通办"),
    Topic("school", ChannelKind.CONSULTATION, ("教育厅", "教育局"), (
        ("小学一年级入学报名时间", "请问今年小学一年级入学报名是什么时候，需要准备哪些材料？"),
        ("小学一年级入学什么时候报名", "孩子今年上小学一年级，请问入学报名是什么时候，需要准备哪些材料？"),
        ("随迁子女入学政策咨询", "我们是外地来务工的，孩子在这里上小学需要办理什么手续？"),
    ), "义务教育阶段招生报名一般于每年6月在各县（市、区）教育局网站和招生平台发布公告后进行，需准备户口簿、"
       "房产证明或居住证等材料；随迁子女凭父母居住证和就业证明，由居住地教育行政部门统筹安排入学。",
       "小学一年级入学如何报名，需要哪些材料？", "义务教育、入学、随迁子女"),
    Topic("medical", ChannelKind.CONSULTATION, ("医疗保障局", "医疗保障局"), (
        ("异地就医备案怎么办理", "我父母长期在外地居住，请问异地就医备案在哪里办理？"),
        ("异地就医备案在哪里办理", "父母长期在外省居住，请问异地就医备案怎么办理？"),
    ), "异地长期居住人员可通过国家医保服务平台App、省医保公共服务平台或参保地医保经办窗口办理异地就医备案，"
       "备案后在就医地定点医疗机构可直接结算，无需回参保地报销。",
       "异地就医备案如何办理？", "异地就医、备案、直接结算"),
    Topic("veteran", ChannelKind.CONSULTATION, ("退役军人事务厅", "退役军人事务局"), (
        ("退役军人优待证怎么申领", "请问退役军人优待证怎么申请，在哪里办理？"),
        ("退役军人优待证如何申领", "本人已退役多年，请问退役军人优待证怎么申请，在哪里办？"),
    ), "退役军人可向户籍所在地乡镇（街道）退役军人服务站提出申领，也可通过“退役军人之家”网上平台申请，"
       "需提供身份证、退役证件和近期免冠照片，审核通过后统一制发。",
       "退役军人优待证如何申领？", "退役军人、优待证"),
    Topic("food", ChannelKind.COMPLAINT, ("市场监督管理局", "市场监督管理局"), (
        ("投诉超市销售过期食品", "本人在小区附近超市购买的酸奶已过保质期，与商家协商未果，请相关部门查处。"),
        ("投诉超市出售过期食品", "在小区附近超市买到已过保质期的面包，与商家协商退款被拒绝，请相关部门查处。"),
    ), "经执法人员现场核查，该超市存在销售超过保质期食品的违法行为，已依法责令其立即下架并立案调查，"
       "同时督促商家按规定向消费者退款赔偿。感谢您对食品安全工作的监督。"),
    Topic("certificates", ChannelKind.SUGGESTION, ("数据局", "数据资源管理局"), (
        ("建议政务服务App增加电子证照", "建议在政务服务App上增加电子驾驶证、电子社保卡等电子证照，办事时免于提交纸质材料。"),
        ("建议政务服务App推广电子证照", "建议政务服务App推广电子驾驶证、电子社保卡等电子证照，办事时不再提交纸质复印件。"),
    ), "感谢您的建议。数据部门已推动身份证、社保卡、营业执照等常用电子证照在政务服务平台共享应用，"
       "高频事项已实现“免提交”，下一步将继续扩大电子证照的应用范围。"),
    Topic("fire", ChannelKind.SUGGESTION, ("应急管理厅", "应急管理局"), (
        ("建议老旧小区增设消防设施", "很多老旧小区消防通道被占用、灭火器过期，建议开展专项整治并增设消防设施。"),
        ("关于老旧小区增设消防设施的建议", "老旧小区消防通道常被占用、灭火器过期，建议开展专项整治，增设消防设施。"),
    ), "您的建议很有价值。应急管理部门已会同消防救援机构部署老旧小区消防安全专项整治，对消防设施老化、"
       "通道堵塞等问题逐一排查整改，所需资金纳入老旧小区改造计划统筹安排。"),
    Topic("business", ChannelKind.LEADER_MAILBOX, ("发展和改革委员会", "发展和改革委员会"), (
        ("关于进一步优化营商环境的几点建议", "作为民营企业经营者，建议进一步压缩企业开办时间，推行涉企事项“一网通办”。"),
    ), "来信收悉，感谢您对营商环境建设的关心。目前企业开办已全面实现一个工作日内办结，"
       "涉企高频事项已接入政务服务网统一办理，下一步将继续推进“一件事一次办”改革。"),
)
CONTACT_DOMAINS = ("example.cn", "example.com")


@dataclass
class Made:
    """What a run made (zero counts when the stories had been played before)."""

    channels: int = 0
    roles: int = 0
    messages: int = 0
    surveys: int = 0
    responses: int = 0
    interviews: int = 0
    entries: int = 0
    states: dict[str, int] = field(default_factory=dict)


def play(seed: int = DEFAULT_SEED) -> Made:
    root = demo_root()
    if root is None:
        raise DemoError("尚未生成演示网站群，请先运行 demo_estate。")
    if foreign_roots().exists():
        raise DemoError("登记库中有非演示数据，不生成演示互动数据。")
    users = {u.username: u for u in get_user_model().objects.filter(username__in=ROLE_ACCOUNTS)}
    if len(users) != len(ROLE_ACCOUNTS):
        raise DemoError("请先运行 demo_accounts 创建演示账号。")
    province, capital = portal_of("province", root), portal_of("city", root)
    made = Made()
    with transaction.atomic():
        made.channels = set_up_channels(root)
        made.roles = grant_roles(users, province, capital)
        if Message.objects.filter(site=province).exists() or Survey.objects.filter(site=province).exists():
            return made
        # reload: the permission helpers cache roles on the user objects
        people = {u.username: Actor.cli(u) for u in get_user_model().objects.filter(username__in=ROLE_ACCOUNTS)}
        demo = Demo(random.Random(seed), clock.now(), people, province, capital)  # noqa: S311 (no secret)
        demo.run()
        made.messages = Message.objects.count()
        made.states = {s: Message.objects.filter(status=s).count() for s in MessageStatus.values}
        made.surveys = Survey.objects.count()
        made.responses = sum(s.responses.count() for s in Survey.objects.all())
        made.interviews = demo.interviews
        made.entries = demo.entries
    return made


def set_up_channels(root: Institution) -> int:
    sites = Site.objects.within(root).filter(status=SiteStatus.ONLINE, hosted=True).select_related("institution")
    return sum(len(SetUpChannels(ACTOR, site).execute()) for site in sites.order_by("institution__path", "pk"))


def grant_roles(users: dict, province: Site, capital: Site) -> int:
    """The message-handling roles of the demo accounts (see the module docstring)."""
    made = 0
    for username, site in (("demo-editor", province), ("demo-city-editor", capital)):
        _membership, created = SiteMembership.objects.get_or_create(user=users[username], site=site,
                                                                    role=SiteRole.MESSAGE_HANDLER)
        made += created
    for institution in answering_institutions(province, capital):
        for username, role in (("demo-reviewer", HandlerRole.HANDLER), ("demo-secrecy", HandlerRole.APPROVER)):
            _assignment, created = HandlerAssignment.objects.get_or_create(user=users[username],
                                                                           institution=institution, role=role)
            made += created
    return made


def department_site(province: Site) -> Site | None:
    """A provincial department's site whose columns run on the province portal's platform."""
    return (Site.objects.filter(institution__parent=province.institution, status=SiteStatus.ONLINE, hosted=True,
                                interaction_channels__isnull=False)
            .select_related("institution").order_by("institution__path", "pk").first())


def answering_institutions(province: Site, capital: Site) -> list[Institution]:
    """The departments the demo's messages go to, and the two governments (error reports)."""
    found = [province.institution, capital.institution]
    own = department_site(province)
    if own is not None:
        found.append(own.institution)
    for portal, level in ((province, 0), (capital, 1)):
        for topic in TOPICS:
            department = department_of(portal, topic, level)
            if department not in found:
                found.append(department)
    return found


def department_of(portal: Site, topic: Topic, level: int) -> Institution:
    government = portal.institution
    department = Institution.objects.filter(parent=government, name__endswith=topic.department[level]).first()
    if department is None:
        raise DemoError(f"演示网站群中没有{government.name}的{topic.department[level]}。")
    return department


@dataclass
class Plan:
    """One message to play: where, what, how old and how far it has got."""

    site: Site
    kind: str
    title: str
    body: str
    days_ago: int
    state: str
    department: Institution
    reply: str
    topic: Topic | None = None
    wants_private: bool = False
    returned: bool = False  # the first draft is sent back once
    page_url: str = ""
    forward_to: Site | None = None
    policy: Institution | None = None


class Demo:
    def __init__(self, rng: random.Random, now: dt.datetime, people: dict[str, Actor], province: Site,
                 capital: Site):
        self.rng, self.now, self.people = rng, now, people
        self.province, self.capital = province, capital
        self.tokens = itertools.count(1)
        self.phones = itertools.count(1)
        self.interviews = self.entries = 0

    # -- time ---------------------------------------------------------------------------------
    def at(self, days_ago: float, hour: int | None = None) -> dt.datetime:
        day = clock.local(self.now).date() - dt.timedelta(days=int(days_ago))
        moment = clock.at(day.year, day.month, day.day, hour if hour is not None else self.rng.randint(9, 17),
                          self.rng.randrange(60))
        return min(moment, self.now - dt.timedelta(minutes=5))

    def later(self, moment: dt.datetime, days: int) -> dt.datetime:
        return min(moment + dt.timedelta(days=days, hours=self.rng.randint(0, 5)), self.now - dt.timedelta(minutes=1))

    def token(self) -> str:
        return f"{TOKEN_PREFIX}{next(self.tokens):05d}"

    def citizen(self) -> dict:
        n = next(self.phones)
        name = names.person(self.rng)
        return {"name": name, "phone": f"1390000{n:04d}",
                "email": f"citizen{n:03d}@{self.rng.choice(CONTACT_DOMAINS)}" if n % 3 == 0 else ""}

    # -- the whole run --------------------------------------------------------------------------
    def run(self) -> None:
        stories = [self.message_story(plan) for plan in self.plans()]
        stories += [self.open_survey(), self.closed_survey(), self.past_interview(), self.coming_interview()]
        run_stories(stories)
        with clock.frozen(self.now - dt.timedelta(minutes=1)):
            self.knowledge_entries()

    # -- messages -------------------------------------------------------------------------------
    def plans(self) -> list[Plan]:
        plans: list[Plan] = []
        for portal, level in ((self.province, 0), (self.capital, 1)):
            for topic in TOPICS:
                department = department_of(portal, topic, level)
                for title, body in topic.phrasings:
                    plans.append(Plan(portal, topic.kind, title, body, 0, "", department, topic.reply, topic))
        states = self.states(len(plans))
        for plan, (state, days_ago) in zip(plans, states, strict=True):
            plan.state, plan.days_ago = state, days_ago
        # INT-03: the province's first suggestion on fire safety is a policy suggestion, answered
        suggestion = next(p for p in plans if p.topic.key == "fire" and p.site == self.province)
        if suggestion.state != MessageStatus.ANSWERED:
            other = next(p for p in plans if p.state == MessageStatus.ANSWERED)
            (suggestion.state, suggestion.days_ago), (other.state, other.days_ago) = (
                (other.state, other.days_ago), (suggestion.state, suggestion.days_ago))
        suggestion.policy = department_of(self.province, next(t for t in TOPICS if t.key == "business"), 0)
        answered = [p for p in plans if p.state == MessageStatus.ANSWERED and p is not suggestion]
        answered[3].wants_private = answered[17].wants_private = True  # withheld at the citizen's request
        answered[5].returned = True  # the first draft is sent back
        plans += self.special_plans()
        return plans

    def states(self, count: int) -> list[tuple[str, int]]:
        """How far each message has got and how old it is: mostly answered, some open, a few of
        them past their deadline."""
        fixed = [
            (MessageStatus.RECEIVED, 0), (MessageStatus.RECEIVED, 1), (MessageStatus.RECEIVED, 2),
            (MessageStatus.RECEIVED, 16),  # never reviewed: overdue
            (MessageStatus.ACCEPTED, 2), (MessageStatus.ACCEPTED, 3), (MessageStatus.ACCEPTED, 4),
            (MessageStatus.ACCEPTED, 24), (MessageStatus.ACCEPTED, 31),  # routed, not answered: overdue
            (MessageStatus.REPLY_PENDING, 6), (MessageStatus.REPLY_PENDING, 9), (MessageStatus.REPLY_PENDING, 12),
        ]
        rest = [(MessageStatus.ANSWERED, self.rng.randint(12, 75)) for _ in range(count - len(fixed))]
        states = fixed + rest
        self.rng.shuffle(states)
        return states

    def special_plans(self) -> list[Plan]:
        """A message forwarded down (INT-06), an error report (INT-05), an invalid one, and three
        on a provincial department's site (its columns run on the portal's platform)."""
        rng, province, capital = self.rng, self.province, self.capital
        school = next(t for t in TOPICS if t.key == "school")
        capital_school = department_of(capital, school, 1)
        city = capital.institution.name.removesuffix("人民政府")
        plans = [
            Plan(province, ChannelKind.CONSULTATION, f"{city}新建小学招生咨询",
                 f"请问{city}主城区今年新建的小学什么时候招生，学区如何划分？", 20, MessageStatus.ANSWERED,
                 capital_school, "新建小学将于今年9月开学招生，学区划分方案将于5月在市教育局网站公示，欢迎监督。",
                 forward_to=capital),
            Plan(province, ChannelKind.ERROR_REPORT, "政策文件页面附件无法下载",
                 "政策文件栏目中一份通知的附件链接打开后显示404，请核实修复。", 5, MessageStatus.ANSWERED,
                 province.institution, "经核查，该附件因栏目迁移导致链接失效，现已修复，感谢您的反馈。",
                 page_url=f"https://{province.domain}/zcwj/"),
            Plan(province, ChannelKind.CONSULTATION, "低价代办各类证件", "专业代办各类证件，价格优惠，详情请加微信联系。",
                 3, MessageStatus.INVALID, province.institution, ""),
        ]
        own = department_site(province)
        if own is not None:
            for n, (title, body) in enumerate((
                ("咨询本部门政务服务事项办理时限", "请问贵单位的政务服务事项一般多长时间办结？"),
                ("办事指南页面信息更新建议", "建议将办事指南中的材料清单更新为最新版本，方便群众办事。"),
                ("咨询窗口办公时间", "请问政务服务窗口周六是否办公？"),
            )):
                state = (MessageStatus.ANSWERED, MessageStatus.ACCEPTED, MessageStatus.RECEIVED)[n]
                plans.append(Plan(own, ChannelKind.CONSULTATION if n != 1 else ChannelKind.SUGGESTION,
                                  title, body, (18, 5, 1)[n], state, own.institution,
                                  "窗口周一至周五正常办公，周六上午设有预约服务，常用事项承诺时限均在5个工作日以内。"))
        for plan in plans:
            plan.days_ago += rng.randint(0, 1)
        return plans

    def message_story(self, plan: Plan) -> Story:
        in_capital = plan.site.institution.path.startswith(self.capital.institution.path)
        triage = self.people["demo-city-editor" if in_capital else "demo-editor"]
        handler, approver = self.people["demo-reviewer"], self.people["demo-secrecy"]
        received = self.at(plan.days_ago, self.rng.randint(8, 21))
        yield received
        channel = Channel.objects.get(site=plan.site, kind=plan.kind)
        person = self.citizen()
        message, _code = SubmitMessage(PUBLIC, Submission(
            channel=channel, title=plan.title, body=plan.body, page_url=plan.page_url,
            wants_private=plan.wants_private, token=self.token(), client_hash=f"demo-{person['phone']}", **person,
        )).execute()
        if plan.state == MessageStatus.RECEIVED:
            return
        yield self.later(received, 1)
        if plan.state == MessageStatus.INVALID:
            ReviewMessage(triage, message, valid=False, reason="内容为商业广告，与政务无关").execute()
            return
        if plan.forward_to is not None:
            ForwardToSite(triage, message, plan.forward_to, note="属地事项，转市政府门户网站办理").execute()
            triage = self.people["demo-city-editor"]
            yield self.later(received, 2)
            message.refresh_from_db()
            AssignMessage(triage, message, plan.department).execute()
        else:
            ReviewMessage(triage, message, valid=True, department=plan.department).execute()
        if plan.policy is not None:
            message.refresh_from_db()
            MarkPolicySuggestion(triage, message, plan.policy, note="建议有参考价值，转业务部门研究").execute()
        if plan.state == MessageStatus.ACCEPTED:
            return
        drafted = self.later(received, self.rng.randint(2, 3))
        yield drafted
        message.refresh_from_db()
        if plan.returned:
            DraftReply(handler, message, "已收悉，正在研究。", submit=True).execute()
            yield self.later(drafted, 0)
            DecideReply(approver, message.replies.get(status=ReplyStatus.PENDING), approve=False,
                        note="答复过于简单，请说明具体办理方式和时限。").execute()
            message.refresh_from_db()
        DraftReply(handler, message, plan.reply, submit=True).execute()
        if plan.state == MessageStatus.REPLY_PENDING:
            return
        yield self.later(drafted, 1)
        message.refresh_from_db()
        DecideReply(approver, message.replies.get(status=ReplyStatus.PENDING), approve=True, note="同意").execute()

    # -- surveys --------------------------------------------------------------------------------
    def open_survey(self) -> Story:
        editor = self.people["demo-editor"]
        yield self.at(7, 10)
        survey = CreateSurvey(editor, self.province, title="全省政务服务满意度问卷调查",
                              description="为进一步提升政务服务质量，现开展政务服务满意度问卷调查，"
                                          "欢迎办理过政务服务事项的企业和群众参与。问卷匿名填写，约需3分钟。",
                              opens_at=self.at(6, 8), closes_at=self.now + dt.timedelta(days=25),
                              questions=SATISFACTION_QUESTIONS).execute()
        yield self.at(7, 15)
        OpenSurvey(editor, survey).execute()
        yield from self.responses(survey, start=5, end=0, count=38)

    def closed_survey(self) -> Story:
        editor = self.people["demo-city-editor"]
        yield self.at(64, 10)
        survey = CreateSurvey(editor, self.capital, title="青岚市公交线网优化方案意见征集",
                              description="为方便市民出行，市交通运输局编制了公交线网优化方案，现公开征求意见。"
                                          "征集期为30天，欢迎提出意见建议。",
                              opens_at=self.at(62, 9), closes_at=self.at(32, 18),
                              questions=BUS_QUESTIONS).execute()
        yield self.at(63, 11)
        OpenSurvey(editor, survey).execute()
        yield from self.responses(survey, start=61, end=33, count=56)
        yield self.at(31, 10)
        CloseSurvey(editor, survey).execute()
        yield self.at(24, 15)
        PublishResults(editor, survey, results_summary=(
            "征集期内共收到有效问卷56份。多数受访者认为早晚高峰候车时间偏长，希望加密主城区至工业园区的线路，"
            "并增设夜间公交。"), adoption_feedback=(
            "采纳加密工业园区通勤线路、优化地铁站接驳线路的意见，相关调整将于下月实施；"
            "增设夜间公交的建议已纳入明年线网规划研究；部分站点调整意见因道路条件限制暂不采纳。")).execute()

    def responses(self, survey, *, start: int, end: int, count: int) -> Story:
        questions = list(survey.questions.all())
        for n in range(count):
            yield self.at(start - round(n * (start - end) / max(count - 1, 1)), self.rng.randint(8, 22))
            answers = {}
            for question in questions:
                options = len(question.choices)
                if question.kind == "single":
                    answers[str(question.pk)] = min(int(self.rng.triangular(0, options, 0)), options - 1)
                elif question.kind == "multiple":
                    answers[str(question.pk)] = sorted(self.rng.sample(range(options), self.rng.randint(1, 2)))
                elif self.rng.random() < 0.3:
                    answers[str(question.pk)] = self.rng.choice(SURVEY_REMARKS)
            AnswerSurvey(PUBLIC, survey, answers, token=self.token(), client_hash=f"demo-survey-{n}").execute()

    # -- interviews -----------------------------------------------------------------------------
    def past_interview(self) -> Story:
        editor = self.people["demo-editor"]
        flexible = department_of(self.province, TOPICS[0], 0)
        yield self.at(27, 10)
        starts = self.at(20, 15).replace(minute=0)
        head = flexible.head_name or names.person(self.rng)
        expert = next(name for name in iter(lambda: names.person(self.rng), None) if name != head)
        interview = CreateInterview(editor, self.province, title="解读灵活就业人员参加社会保险政策",
                                    summary=f"{flexible.name}负责人做客在线访谈，解读灵活就业人员参保缴费政策，回答网民关心的问题。",
                                    starts_at=starts, ends_at=starts + dt.timedelta(minutes=90),
                                    guests=[{"name": head, "position": f"{flexible.name}厅长"},
                                            {"name": expert, "position": f"{flexible.name}养老保险处处长"}]).execute()
        self.interviews += 1
        asked = []
        for n, (nickname, body) in enumerate(INTERVIEW_QUESTIONS):
            yield self.at(26 - n, self.rng.randint(9, 21))
            asked.append(AskQuestion(PUBLIC, interview, body, nickname=nickname, token=self.token(),
                                     client_hash=f"demo-interview-{n}").execute())
        yield self.at(21, 16)
        for question, approve in zip(asked, (True, True, True, False), strict=True):
            ModerateQuestion(editor, question, approve=approve).execute()
        yield starts
        StartInterview(editor, interview).execute()
        guests = list(interview.guests.all())
        for n, (question, answer) in enumerate(zip(asked[:3], INTERVIEW_ANSWERS, strict=True)):
            yield starts + dt.timedelta(minutes=15 + 20 * n)
            question.refresh_from_db()
            AnswerQuestion(editor, question, guests[n % len(guests)], answer).execute()
        yield starts + dt.timedelta(minutes=90)
        FinishInterview(editor, interview).execute()
        yield self.at(18, 10)
        lines = ["主持人：各位网友大家好，欢迎参加本期在线访谈。今天我们邀请到" +
                 "、".join(f"{g.position}{g.name}" for g in guests) + "，为大家解读灵活就业人员参加社会保险政策。"]
        for question, answer, guest in zip(asked[:3], INTERVIEW_ANSWERS, itertools.cycle(guests)):
            lines += [f"网友“{question.nickname}”：{question.body}", f"{guest.name}：{answer}"]
        lines.append("主持人：感谢嘉宾的解读，感谢各位网友的参与，本期访谈到此结束。")
        PublishTranscript(editor, interview, "\n".join(lines)).execute()

    def coming_interview(self) -> Story:
        editor = self.people["demo-city-editor"]
        yield self.at(2, 11)
        starts = clock.local(self.now).replace(hour=15, minute=0, second=0, microsecond=0) + dt.timedelta(days=6)
        department = department_of(self.capital, next(t for t in TOPICS if t.key == "certificates"), 1)
        interview = CreateInterview(editor, self.capital, title="聊聊“一网通办”和电子证照",
                                    summary=f"{department.name}负责人介绍政务服务“一网通办”和电子证照应用，欢迎网友提前提问。",
                                    starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
                                    guests=[{"name": department.head_name or names.person(self.rng),
                                             "position": f"{department.name}局长"}]).execute()
        self.interviews += 1
        for n, (moment, body) in enumerate(((self.at(1, 20), "哪些证件已经可以用电子证照代替？"),
                                            (self.now - dt.timedelta(minutes=30), "政务服务App什么时候支持电子驾驶证？"))):
            yield moment
            AskQuestion(PUBLIC, interview, body, token=self.token(), client_hash=f"demo-coming-{n}").execute()

    # -- knowledge base ---------------------------------------------------------------------------
    def knowledge_entries(self) -> None:
        """Entries from the largest groups of answered questions: the province's first three (two
        published, one left as a draft to review) and the capital's first one."""
        by_title = {title: topic for topic in TOPICS for title, _body in topic.phrasings}
        for site, count, actor in ((self.province, 3, "demo-editor"), (self.capital, 1, "demo-city-editor")):
            groups = [c for c in knowledge.candidates(site) if c.size > 1 and by_title.get(c.best.title)
                      and by_title[c.best.title].faq][:count]
            for n, cluster in enumerate(groups):
                topic = by_title[cluster.best.title]
                entry = CreateEntry(self.people[actor], site, question=topic.faq, answer=cluster.best.reply_body,
                                    department=cluster.best.reply_department, keywords=topic.keywords,
                                    source_messages=cluster.messages).execute()
                self.entries += 1
                if n < 2:
                    PublishEntry(self.people[actor], entry).execute()


def run_stories(stories: list[Story]) -> None:
    """Play every story step by step in time order, the clock frozen at each step's moment."""
    order = itertools.count()
    queue: list[tuple[dt.datetime, int, Story]] = []
    for story in stories:
        moment = next(story, None)
        if moment is not None:
            heapq.heappush(queue, (moment, next(order), story))
    while queue:
        moment, _n, story = heapq.heappop(queue)
        with clock.frozen(moment):
            following = next(story, None)
        if following is not None:
            heapq.heappush(queue, (max(following, moment), next(order), story))


def reset() -> None:
    """Delete the interaction data of the demo (messages keep their sites: run before the
    estate's ``reset``). Personal records of the demo's citizens go with them."""
    from govsites.interaction.models import Interview, KnowledgeEntry
    from govsites.privacy.models import PersonalRecord

    with transaction.atomic():
        records = set(Message.objects.exclude(submitter=None).values_list("submitter_id", flat=True))
        records |= set(Survey.objects.filter(responses__submitter__isnull=False)
                       .values_list("responses__submitter_id", flat=True))
        KnowledgeEntry.objects.all().delete()
        Message.objects.update(duplicate_of=None)
        Message.objects.all().delete()
        Survey.objects.all().delete()
        Interview.objects.all().delete()
        Channel.objects.all().delete()
        HandlerAssignment.objects.filter(user__username__in=ROLE_ACCOUNTS).delete()
        PersonalRecord.objects.filter(pk__in=records).delete()
        UsedToken.objects.filter(token__startswith=TOKEN_PREFIX).delete()


SATISFACTION_QUESTIONS = [
    {"text": "您对政务服务的总体评价是？", "kind": "single", "choices": ["非常满意", "满意", "基本满意", "不满意"]},
    {"text": "您通过哪些渠道办理政务服务事项？（可多选）", "kind": "multiple",
     "choices": ["政务服务大厅", "政务服务网", "手机App或小程序", "自助服务终端"]},
    {"text": "您认为政务服务还有哪些需要改进的地方？", "kind": "text", "required": False},
]
BUS_QUESTIONS = [
    {"text": "您平时乘坐公交的频率是？", "kind": "single", "choices": ["每天", "每周数次", "偶尔", "基本不坐"]},
    {"text": "您最希望优化的方面是？（可多选）", "kind": "multiple",
     "choices": ["缩短候车时间", "增加夜间线路", "优化换乘接驳", "改善站台设施"]},
    {"text": "对公交线网优化方案的其他意见", "kind": "text", "required": False},
]
SURVEY_REMARKS = (
    "希望进一步减少需要提交的纸质材料。", "网上办理的流程说明可以再详细一些。", "窗口工作人员服务态度很好。",
    "建议延长周末的办公时间。", "手机上办理有时加载比较慢。",
)
INTERVIEW_QUESTIONS = (
    ("打工人", "灵活就业人员的养老保险缴费基数可以自己选择吗？"),
    ("小陈", "断缴了两年的养老保险还能补缴吗？"),
    ("外卖骑手", "在外地送外卖，能在这里参加社保吗？"),
    ("路人甲", "顺便问一下，小区停车位太少怎么办？"),
)
INTERVIEW_ANSWERS = (
    "可以。灵活就业人员可在上年度全省平均工资的60%至300%之间自主选择缴费基数，每年可调整一次。",
    "灵活就业人员中断缴费的，可以在以后继续缴费，缴费年限累计计算；是否允许补缴以往年度，按国家统一政策执行。",
    "可以。灵活就业人员可以在就业地参加企业职工基本养老保险，不受户籍限制，通过政务服务网即可办理参保登记。",
)


def role_summary() -> list[str]:
    """The accounts' new duties as lines for the command's output."""
    return [
        "demo-editor：省政府门户网站留言办理人（审核、交办本网站及省直部门网站的留言）",
        "demo-city-editor：市政府门户网站留言办理人",
        "demo-reviewer：留言承办部门的承办人（起草答复）",
        "demo-secrecy：留言承办部门的答复审核人（审核答复）",
    ]

