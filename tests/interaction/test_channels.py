"""The standard interaction columns of a site, their purpose and use (INT-01)."""

import pytest

from govsites.accounts.models import Role
from govsites.actions import NotAllowed
from govsites.audit.context import Actor
from govsites.audit.models import AuditLogEntry
from govsites.content.models import SiteMembership, SiteRole
from govsites.interaction.actions import EditChannel, InteractionError, SetUpChannels
from govsites.interaction.models import Channel, ChannelKind
from govsites.publishing.models import PublishRequest
from govsites.registry.actions.lifecycle import ResumeSite
from govsites.registry.models import SiteStatus
from tests.conftest import actor
from tests.factories import build_estate, department, site, user

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system()


@pytest.fixture
def e(clock):
    e = build_estate()
    e.triage = user("city_triage")
    SiteMembership.objects.create(user=e.triage, site=e.city_portal, role=SiteRole.MESSAGE_HANDLER)
    return e


def set_up(site, who=SYSTEM):
    return SetUpChannels(who, site).execute()


def channels(site) -> dict[str, Channel]:
    return {c.kind: c for c in Channel.objects.filter(site=site)}


@pytest.mark.rule("INT-01")
def test_a_site_gets_every_column_with_its_purpose_and_use(e):
    created = set_up(e.city_portal)
    assert {c.kind for c in created} == set(ChannelKind.values)
    found = channels(e.city_portal)
    # interviews and surveys are columns of the platform like the message columns
    assert ChannelKind.SURVEY in found and ChannelKind.INTERVIEW in found and ChannelKind.KNOWLEDGE in found
    for channel in found.values():
        assert channel.enabled and channel.platform == e.city_portal
        assert len(channel.purpose) >= 20 and len(channel.usage) >= 40, channel.kind
    consultation = found[ChannelKind.CONSULTATION].usage
    # who answers, within how many working days (national profile: consultations 5, complaints 10),
    # what is published, and that personal data is not
    assert "青岚市人民政府办公室统一受理" in consultation
    assert "5个工作日内答复" in consultation and "10个工作日内答复" in found[ChannelKind.COMPLAINT].usage
    assert "受理日期、答复日期、答复部门" in consultation
    assert "个人信息不予公开" in consultation
    assert "2个工作日内" in found[ChannelKind.ERROR_REPORT].usage
    assert "个人信息不予公开" in found[ChannelKind.SURVEY].usage
    assert "青岚市人民政府" in found[ChannelKind.CONSULTATION].purpose
    assert [c.kind for c in Channel.objects.filter(site=e.city_portal)][:2] == [
        ChannelKind.CONSULTATION, ChannelKind.COMPLAINT]


@pytest.mark.rule("INT-01")
def test_department_sites_use_their_portals_platform(e):
    set_up(e.stats_site)
    stats = channels(e.stats_site)[ChannelKind.CONSULTATION]
    assert stats.platform == e.city_portal
    assert "依托青岚市人民政府互动交流平台" in stats.usage
    # a department whose government has no portal runs its own
    new_dept = department("石泉县水利局", e.new_county)
    lone = site(new_dept, "slj.shiquan.gov.cn")
    set_up(lone)
    assert {c.platform_id for c in Channel.objects.filter(site=lone)} == {lone.pk}


@pytest.mark.rule("INT-05")
@pytest.mark.parametrize("name, expected, absent", [
    ("chongqing", ["1个工作日内转交网站主办单位", "2个工作日内办理并答复"], "审核后公开"),
    ("shanxi", ["2个工作日内办理并答复", "经审核后公开"], "转交网站主办单位"),
])
def test_error_report_column_states_the_profiles_procedure(e, profile, name, expected, absent):
    profile(name)
    set_up(e.city_portal)
    usage = channels(e.city_portal)[ChannelKind.ERROR_REPORT].usage
    for text in expected:
        assert text in usage
    assert absent not in usage


def test_setting_up_twice_changes_nothing(e):
    set_up(e.city_portal)
    channel = channels(e.city_portal)[ChannelKind.CONSULTATION]
    EditChannel(actor(e.triage), channel, title="我要咨询", purpose=channel.purpose, usage=channel.usage,
                enabled=True).execute()
    entries = AuditLogEntry.objects.count()
    assert set_up(e.city_portal) == []
    assert AuditLogEntry.objects.count() == entries
    assert Channel.objects.filter(site=e.city_portal).count() == len(ChannelKind.values)
    assert channels(e.city_portal)[ChannelKind.CONSULTATION].title == "我要咨询"
    # a column deleted by hand comes back, the others stay as edited
    Channel.objects.filter(site=e.city_portal, kind=ChannelKind.KNOWLEDGE).delete()
    assert [c.kind for c in set_up(e.city_portal)] == [ChannelKind.KNOWLEDGE]


def test_who_may_set_up_columns(e):
    with pytest.raises(NotAllowed):
        set_up(e.city_portal, actor(e.outsider))
    with pytest.raises(NotAllowed):
        set_up(e.city_portal, Actor(user=None, via="public"))
    assert not Channel.objects.exists()
    assert set_up(e.stats_site, actor(e.stats_manager))  # the department's site manager
    assert set_up(e.city_portal, actor(e.triage))
    assert AuditLogEntry.objects.filter(action="interaction.channels.setup").count() == 2


def test_a_site_coming_back_online_gets_its_columns(e, django_capture_on_commit_callbacks):
    Channel.objects.all().delete()
    e.stats_site.status = SiteStatus.TEMPORARILY_OFFLINE
    e.stats_site.save()
    with django_capture_on_commit_callbacks(execute=True):
        ResumeSite(actor(e.stats_manager), e.stats_site).execute()
    assert set(channels(e.stats_site)) == set(ChannelKind.values)
    entry = AuditLogEntry.objects.get(action="interaction.channels.setup")
    assert entry.via == "system"


def test_a_site_not_hosted_here_gets_no_columns(e, django_capture_on_commit_callbacks):
    e.stats_site.status, e.stats_site.hosted = SiteStatus.TEMPORARILY_OFFLINE, False
    e.stats_site.save()
    with django_capture_on_commit_callbacks(execute=True):
        ResumeSite(actor(e.stats_manager), e.stats_site).execute()
    assert not Channel.objects.filter(site=e.stats_site).exists()


@pytest.mark.rule("INT-01")
def test_editing_a_column_is_audited_and_republished(e):
    set_up(e.city_portal)
    PublishRequest.objects.all().delete()
    channel = channels(e.city_portal)[ChannelKind.LEADER_MAILBOX]
    EditChannel(actor(e.triage), channel, title="市长信箱", purpose="倾听市民心声，回应群众关切，请写下您的意见。",
                usage=channel.usage, enabled=False).execute()
    channel.refresh_from_db()
    assert channel.title == "市长信箱" and not channel.enabled
    entry = AuditLogEntry.objects.get(action="interaction.channel.edit")
    assert entry.changes["title"] == {"before": "领导信箱", "after": "市长信箱"}
    assert entry.changes["enabled"] == {"before": True, "after": False}
    assert PublishRequest.objects.filter(site=e.city_portal, reason="dynamic:interaction").exists()


def test_a_column_needs_a_title_purpose_and_use(e):
    set_up(e.city_portal)
    channel = channels(e.city_portal)[ChannelKind.CONSULTATION]
    with pytest.raises(InteractionError) as refused:
        EditChannel(actor(e.triage), channel, title=" ", purpose="太短", usage="x" * 2001, enabled=True).execute()
    assert set(refused.value.message_dict) == {"title", "purpose", "usage"}
    assert "不能超过2000个字" in refused.value.message_dict["usage"][0]
    with pytest.raises(InteractionError, match="没有变化"):
        EditChannel(actor(e.triage), channel, title=channel.title, purpose=channel.purpose, usage=channel.usage,
                    enabled=True).execute()
    channel.refresh_from_db()
    assert channel.title == "在线咨询"


def test_who_may_edit_a_column(e):
    set_up(e.stats_site)
    channel = channels(e.stats_site)[ChannelKind.CONSULTATION]

    def edit(who, title):
        return EditChannel(actor(who), channel, title=title, purpose=channel.purpose, usage=channel.usage,
                           enabled=True).execute()

    editor = user("stats_editor")
    SiteMembership.objects.create(user=editor, site=e.stats_site, role=SiteRole.EDITOR)
    for refused in (editor, e.outsider, e.water_manager, user("other_manager", (Role.SITE_MANAGER, e.water))):
        with pytest.raises(NotAllowed):
            edit(refused, "不应修改")
    edit(e.stats_manager, "统计咨询")  # the department's site manager
    edit(e.triage, "统计数据咨询")  # the platform's triage handler (the portal runs the column)
    channel.refresh_from_db()
    assert channel.title == "统计数据咨询"


def test_a_failed_set_up_does_not_undo_going_online(e, django_capture_on_commit_callbacks, monkeypatch, caplog):
    def broken(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(SetUpChannels, "perform", broken)
    e.stats_site.status = SiteStatus.TEMPORARILY_OFFLINE
    e.stats_site.save()
    with django_capture_on_commit_callbacks(execute=True):
        ResumeSite(actor(e.stats_manager), e.stats_site).execute()
    e.stats_site.refresh_from_db()
    assert e.stats_site.status == SiteStatus.ONLINE
    assert not Channel.objects.filter(site=e.stats_site).exists()
    assert "setting up the interaction columns" in caplog.text
