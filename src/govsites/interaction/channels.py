"""The standard interaction columns of a site and what each says about itself (INT-01).

Every column states its purpose (开设宗旨) and how to use it (使用方式): who answers, within how
many working days, what is published and that personal data is not. The numbers come from the
active policy profile (``interaction`` section) at the moment the column is set up, so a site's
texts match the deadlines its messages are actually given; staff may edit them afterwards
(``EditChannel``).
"""

from __future__ import annotations

from dataclasses import dataclass

from govsites.registry.models import Site, SiteStatus, SiteType

from . import deadlines
from .models import ChannelKind

#: the order columns appear in on the site
ORDER = (
    ChannelKind.CONSULTATION, ChannelKind.COMPLAINT, ChannelKind.SUGGESTION, ChannelKind.LEADER_MAILBOX,
    ChannelKind.ERROR_REPORT, ChannelKind.SURVEY, ChannelKind.INTERVIEW, ChannelKind.KNOWLEDGE,
)
TITLES = {
    ChannelKind.CONSULTATION: "在线咨询",
    ChannelKind.COMPLAINT: "投诉",
    ChannelKind.SUGGESTION: "建言献策",
    ChannelKind.LEADER_MAILBOX: "领导信箱",
    ChannelKind.ERROR_REPORT: "我为政府网站找错",
    ChannelKind.SURVEY: "征集调查",
    ChannelKind.INTERVIEW: "在线访谈",
    ChannelKind.KNOWLEDGE: "知识库",
}
#: sites that run (or have run) publicly: a platform has to be one of them
RUNNING_STATUSES = (SiteStatus.ONLINE, SiteStatus.TEMPORARILY_OFFLINE, SiteStatus.OUTAGE, SiteStatus.CLOSING)

PRIVATE = "留言人的姓名、联系电话、电子邮箱、地址等个人信息不予公开。"
WHO_KNOWS = "提交成功后将获得受理编号和查询码，请妥善保存，凭其查询办理进度和答复内容。"
COUNTED = "（收到当日不计入，遇法定节假日顺延）"


@dataclass(frozen=True)
class ChannelText:
    kind: str
    title: str
    purpose: str
    usage: str
    order: int


def platform_for(site: Site) -> Site:
    """The portal whose platform runs ``site``'s columns: its government's portal when that
    exists (SX 13: one platform for the portal and its departments), else the site itself."""
    government = site.institution.government
    if government is None or government.pk == site.institution_id:
        return site
    portal = (Site.objects.filter(institution=government, site_type=SiteType.PORTAL, status__in=RUNNING_STATUSES)
              .order_by("pk").first())
    return portal or site


def standard_texts(site: Site, platform: Site) -> list[ChannelText]:
    """The default columns of ``site`` with their texts, deadlines from the active profile."""
    owner = site.institution.name
    desk = platform.sponsor_name or platform.name
    if platform.pk == site.pk:
        handled = f"本栏目由{desk}统一受理"
    else:
        handled = f"本栏目依托{platform.name}互动交流平台，由{desk}统一受理"

    def message_usage(kind: str, routed: str) -> str:
        days = deadlines.reply_working_days(kind)
        return (
            f"请如实填写标题、内容、姓名和联系方式（电话或电子邮箱）后提交，{WHO_KNOWS}"
            f"{handled}，经审核有效的{routed}，自收到之日起{days}个工作日内答复{COUNTED}。"
            f"答复后，留言内容和答复内容连同受理日期、答复日期、答复部门在本栏目公开；{PRIVATE}"
            "留言人要求不公开或涉及国家秘密、商业秘密、个人隐私的，不予公开。"
        )

    texts = {
        ChannelKind.CONSULTATION: (
            f"为公众向{owner}咨询政策法规、办事流程、服务事项等问题提供渠道，及时解答公众疑问。",
            message_usage(ChannelKind.CONSULTATION, "转交有关部门办理"),
        ),
        ChannelKind.COMPLAINT: (
            f"受理公众对{owner}及其工作人员履职尽责、服务态度、办事效率等方面的投诉，接受社会监督。"
            "涉及信访、诉讼、仲裁等依法应通过其他途径解决的事项，请通过相应渠道反映。",
            message_usage(ChannelKind.COMPLAINT, "转交有关部门调查处理"),
        ),
        ChannelKind.SUGGESTION: (
            f"听取公众对{owner}工作的意见和建议，有参考价值的政策建议转送相关业务部门研究办理，并公开办理情况。",
            message_usage(ChannelKind.SUGGESTION, "转交有关部门研究办理"),
        ),
        ChannelKind.LEADER_MAILBOX: (
            f"畅通公众与{owner}领导沟通的渠道，反映经济社会发展中的重要问题，提出意见建议。",
            message_usage(ChannelKind.LEADER_MAILBOX, "按领导批示转交有关部门办理"),
        ),
        ChannelKind.ERROR_REPORT: (
            f"发动公众参与政府网站监督，反映{site.name}存在的错别字、链接失效、内容错误、信息长期不更新、"
            "服务不可用等问题，促进网站健康运行。",
            error_report_usage(site, handled),
        ),
        ChannelKind.SURVEY: (
            f"围绕{owner}重要政策、重大决策和民生事项，向社会公开征集意见建议、开展问卷调查，提高决策的科学性和透明度。",
            "在征集期内选择或填写意见后提交即可参与，征集截止后不再接收。征集结束后，在本栏目公布征集结果和意见采纳情况；"
            "文字意见只用于研究，不逐条公开。填写联系方式为自愿，参与人的姓名、联系电话、电子邮箱等个人信息不予公开。",
        ),
        ChannelKind.INTERVIEW: (
            f"邀请{owner}负责人和业务骨干在线解读政策、回应社会关切，与网民交流互动。",
            "访谈预告发布后至访谈结束前，网民可在线提问；提问经审核后由访谈嘉宾回答，已采用的问题和回答在本栏目公开。"
            "访谈结束后公布文字实录。请文明提问，请勿在提问中填写个人信息。",
        ),
        ChannelKind.KNOWLEDGE: (
            "将已答复并公开的常见问题整理成知识库，方便公众自助查询，减少重复咨询。",
            f"可按答复部门和关键词浏览、查找问题的解答。知识库条目由{desk}根据已公开的留言答复整理，不含留言人的个人信息；"
            "如未找到所需答案，请通过“在线咨询”栏目留言。",
        ),
    }
    return [ChannelText(kind, TITLES[kind], *texts[kind], order=n) for n, kind in enumerate(ORDER, start=1)]


def error_report_usage(site: Site, handled: str) -> str:
    """INT-05 as the active profile sets it: CQ forwards to the sponsor first, SX passes the
    reply up for the provincial office's review before it is published."""
    kind = ChannelKind.ERROR_REPORT
    days, forward = deadlines.reply_working_days(kind), deadlines.forward_working_days(kind)
    steps = f"请填写出错页面的网址和问题描述，以及姓名和联系方式后提交，{WHO_KNOWS}{handled}，"
    if forward:
        steps += (f"自收到之日起{forward}个工作日内转交网站主办单位（{site.sponsor_name}），"
                  f"{days}个工作日内办理并答复{COUNTED}。")
    else:
        steps += f"网站主办单位（{site.sponsor_name}）自收到之日起{days}个工作日内办理并答复{COUNTED}。"
    if deadlines.review_before_publication(kind):
        steps += "答复同时逐级报送上级政府网站主管单位，经审核后公开问题和处理结果；"
    else:
        steps += "问题和处理结果在本栏目公开；"
    return steps + PRIVATE
