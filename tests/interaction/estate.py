"""An estate with an interaction platform: the city portal's columns, its triage handler, and
department handlers and approvers of the water bureau and the statistics bureau."""

from __future__ import annotations

from govsites.audit.context import Actor
from govsites.content.models import SiteMembership, SiteRole
from govsites.interaction.actions import DecideReply, DraftReply, ReviewMessage, Submission, SubmitMessage
from govsites.interaction.models import Channel, ChannelKind, HandlerAssignment, HandlerRole
from tests.factories import build_estate, user

_tokens = iter(range(1, 10**9))


def channel(site, kind: str, platform=None) -> Channel:
    return Channel.objects.create(
        site=site, platform=platform or site, kind=kind, title=ChannelKind(kind).label,
        purpose=f"{ChannelKind(kind).label}栏目受理公众的{ChannelKind(kind).label}。",
        usage="填写标题、内容和联系方式后提交，凭受理编号和查询码查询办理结果。",
    )


def interaction_estate():
    e = build_estate()
    e.channels = {kind: channel(e.city_portal, kind) for kind in ChannelKind.values
                  if kind not in (ChannelKind.KNOWLEDGE,)}
    e.county_channel = channel(e.county_portal, ChannelKind.CONSULTATION)
    e.triage = user("city_triage")
    SiteMembership.objects.create(user=e.triage, site=e.city_portal, role=SiteRole.MESSAGE_HANDLER)
    e.county_triage = user("county_triage")
    SiteMembership.objects.create(user=e.county_triage, site=e.county_portal, role=SiteRole.MESSAGE_HANDLER)
    e.water_handler = user("water_handler")
    HandlerAssignment.objects.create(user=e.water_handler, institution=e.water, role=HandlerRole.HANDLER)
    e.water_approver = user("water_approver")
    HandlerAssignment.objects.create(user=e.water_approver, institution=e.water, role=HandlerRole.APPROVER)
    e.stats_handler = user("stats_handler")
    HandlerAssignment.objects.create(user=e.stats_handler, institution=e.stats, role=HandlerRole.HANDLER)
    e.county_edu_handler = user("county_edu_handler")
    HandlerAssignment.objects.create(user=e.county_edu_handler, institution=e.county_edu, role=HandlerRole.HANDLER)
    return e


def submit(ch: Channel, *, title="关于河道整治的咨询", body="请问溪口河段的整治工程何时开工？", phone="13800138000",
           name="张三", client_hash="client-a", **extra):
    """A citizen's submission through the action the public service calls; returns (message, code)."""
    return SubmitMessage(Actor(user=None, via="public"), Submission(
        channel=ch, title=title, body=body, name=name, phone=phone, token=f"token-{next(_tokens)}",
        client_hash=client_hash, **extra)).execute()


def act(user, action_cls, *args, **kwargs):
    return action_cls(Actor.cli(user), *args, **kwargs).execute()


def answered(e, message, body="溪口河段整治工程计划于明年3月开工，届时将在网站公布。"):
    """Accept, route to the water bureau, draft, approve: the message is answered."""
    act(e.triage, ReviewMessage, message, valid=True, department=e.water)
    message.refresh_from_db()
    reply = act(e.water_handler, DraftReply, message, body, submit=True)
    act(e.water_approver, DecideReply, reply, approve=True)
    message.refresh_from_db()
    return message
