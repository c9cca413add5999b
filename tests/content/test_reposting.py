"""Important policies published on a portal are reposted by the sites of its area within the
profile's hours (CON-03); every use on another site states its source (CON-04) and shows the one
library item, edits included (CON-01)."""

import datetime as dt
from types import SimpleNamespace

import pytest

from govsites import clock as govclock
from govsites.actions import NotAllowed
from govsites.audit.models import AuditLogEntry
from govsites.content.actions.reposting import RepostItem
from govsites.content.columns import ColumnType
from govsites.content.models import Item, Placement, RepostDuty, SiteRole
from govsites.content.reposting import Source, canonical_url, late_and_missing, source_of, to_repost
from govsites.registry.errors import ConflictError, RuleViolation
from govsites.registry.models import SiteStatus
from tests.content.library_helpers import column, draft, member, site_workflow, two_step_workflow
from tests.content.test_review import decide
from tests.factories import site

START = govclock.at(2026, 3, 2, 9)


@pytest.fixture
def portal(estate, clock, profile):
    """The city portal with its two-step review, and sites around it that owe no repost."""
    profile("shanxi")
    estate.water_site = site(estate.water, "slj.qinglan.gov.cn", status=SiteStatus.APPROVED)
    estate.county_edu_site = site(estate.county_edu, "jyj.xikou.gov.cn", hosted=False)
    estate.new_county_site = site(estate.new_county, "www.shiquan.gov.cn", status=SiteStatus.CLOSING)
    city = estate.city_portal
    return SimpleNamespace(
        site=city,
        column=column(city, ColumnType.POLICIES),
        editor=member("city_editor", city, SiteRole.EDITOR),
        reviewer=member("city_reviewer", city, SiteRole.REVIEWER),
        secrecy=member("city_secrecy", city, SiteRole.CONFIDENTIALITY_REVIEWER),
        workflow=site_workflow(city, two_step_workflow()).workflow,
    )


def publish(item, p):
    """Through the real review: content review, then confidentiality review, then live."""
    p.workflow.start(item, p.editor)
    item.refresh_from_db()
    decide(item, p.reviewer)
    decide(item, p.secrecy)
    assert item.live
    return item


def important(p, **fields):
    return draft(p.site, p.column, p.editor, is_important_policy=True, **fields)


def edit(item, p, **fields):
    for name, value in fields.items():
        setattr(item, name, value)
    item.save_revision(user=p.editor)
    return publish(item, p)


def county_desk(estate):
    county = estate.county_portal
    return county, column(county, ColumnType.POLICIES), member("county_editor", county, SiteRole.EDITOR)


@pytest.mark.rule("CON-03")
def test_an_important_policy_on_the_city_portal_is_owed_by_the_sites_of_the_city_area(estate, portal):
    item = publish(important(portal), portal)
    owing = set(RepostDuty.objects.filter(item=item).values_list("site__name", flat=True))
    # the city's department site and the county portal; not the portal itself, not the province's
    # sites, not a site still waiting to launch, one outside the platform or one being closed
    assert owing == {estate.stats_site.name, estate.county_portal.name}
    assert set(RepostDuty.objects.values_list("due_at", flat=True)) == {START + dt.timedelta(hours=12)}


@pytest.mark.rule("CON-03")
@pytest.mark.parametrize(("name", "hours"), [("shanxi", 12), ("national", 24)])
def test_the_deadline_comes_from_the_profile(portal, profile, clock, name, hours):
    profile(name)
    published = clock.set(govclock.at(2026, 3, 2, 22, 30))
    item = publish(important(portal), portal)
    assert {d.due_at for d in item.repost_duties.all()} == {published + dt.timedelta(hours=hours)}


@pytest.mark.rule("CON-03")
def test_publishing_again_neither_duplicates_nor_restarts_the_clock(portal, clock):
    item = publish(important(portal), portal)
    clock.set(START + dt.timedelta(hours=3))
    edit(item, portal, title="关于做好春季防汛工作的通知（修订）")
    assert item.repost_duties.count() == 2
    assert {d.due_at for d in item.repost_duties.all()} == {START + dt.timedelta(hours=12)}


def test_only_important_policies_of_portals_create_duties(estate, portal):
    publish(draft(portal.site, portal.column, portal.editor), portal)
    stats = estate.stats_site
    stats_desk = SimpleNamespace(
        site=stats, column=column(stats, ColumnType.POLICIES),
        editor=member("stats_editor", stats, SiteRole.EDITOR),
        reviewer=member("stats_reviewer", stats, SiteRole.REVIEWER),
        secrecy=member("stats_secrecy", stats, SiteRole.CONFIDENTIALITY_REVIEWER),
        workflow=site_workflow(stats, two_step_workflow("统计局审核")).workflow,
    )
    # a department's own vertical line is not covered yet (see content.reposting)
    publish(important(stats_desk), stats_desk)
    assert not RepostDuty.objects.exists()


@pytest.mark.rule("CON-03", "CON-04")
def test_one_action_reposts_with_the_source_and_fulfils_the_duty(estate, portal, clock, as_user):
    item = publish(important(portal), portal)
    county, policies, editor = county_desk(estate)
    [duty] = to_repost(county)
    assert duty.item == item and duty.remaining == dt.timedelta(hours=12)
    clock.set(START + dt.timedelta(hours=2))
    placement = RepostItem(as_user(editor), duty, county, policies).execute()
    duty.refresh_from_db()
    assert placement.is_repost and placement.site == county and placement.column == policies
    assert duty.placement == placement and duty.fulfilled_at == START + dt.timedelta(hours=2) and not duty.late
    assert not to_repost(county).exists()
    assert placement.shows_source
    published = govclock.local(Item.objects.get(pk=item.pk).published_on)
    address = f"https://www.qinglan.gov.cn/zcwj/{published:%Y%m}/t{published:%Y%m%d}_{item.pk}.html"
    assert source_of(placement) == Source("青岚市人民政府", address)  # the page the publisher renders
    source = source_of(placement)
    assert (placement.source_name, placement.source_url) == (source.name, source.url)
    entry = AuditLogEntry.objects.get(action="content.item.repost")
    assert entry.site_ref == county.pk and entry.data["duty"] == duty.pk and entry.data["late"] is False


@pytest.mark.rule("CON-04")
def test_the_source_cannot_be_edited_away(portal):
    # nothing on a placement stores the source: it is always computed from the library item
    names = {f.name for f in Placement._meta.get_fields()}
    assert not names & {"source", "source_name", "source_url", "source_site"}


@pytest.mark.rule("CON-01")
def test_every_use_shows_the_edited_original(estate, portal, as_user):
    item = publish(draft(portal.site, portal.column, portal.editor, title="青岚市春季植树通知"), portal)
    province_dept = estate.dev_reform_site
    user = member("fgw_editor", province_dept, SiteRole.EDITOR)
    use = RepostItem(as_user(user), item, province_dept, column(province_dept, ColumnType.NOTICES)).execute()
    # a plain use owes nothing, but still names its source
    assert not use.is_repost and not RepostDuty.objects.exists()
    assert source_of(use).name == "青岚市人民政府" and source_of(use).url == canonical_url(item)
    item.title = "青岚市春季植树通知（更正）"
    item.save_revision(user=portal.editor)
    assert Placement.objects.get(pk=use.pk).item.title == "青岚市春季植树通知"  # a draft reaches no use
    edit(item, portal)
    assert Placement.objects.get(pk=use.pk).item.title == "青岚市春季植树通知（更正）"
    assert Placement.objects.get(pk=use.pk).item_id == item.pk


@pytest.mark.rule("CON-03")
def test_a_site_already_showing_the_item_has_fulfilled_its_duty(estate, portal, clock, as_user):
    item = publish(draft(portal.site, portal.column, portal.editor), portal)
    county, policies, editor = county_desk(estate)
    use = RepostItem(as_user(editor), item, county, policies).execute()
    clock.set(START + dt.timedelta(hours=1))
    edit(item, portal, is_important_policy=True)
    duty = RepostDuty.objects.get(item=item, site=county)
    assert duty.placement == Placement.objects.get(pk=use.pk) and duty.fulfilled_at == START and not duty.late
    assert Placement.objects.get(pk=use.pk).is_repost
    assert RepostDuty.objects.get(item=item, site=estate.stats_site).fulfilled_at is None


@pytest.mark.rule("CON-03")
def test_reposting_twice_is_a_conflict(estate, portal, as_user):
    item = publish(important(portal), portal)
    county, policies, editor = county_desk(estate)
    RepostItem(as_user(editor), item, county, policies).execute()
    for target in (policies, column(county, ColumnType.NEWS)):
        with pytest.raises(ConflictError):
            RepostItem(as_user(editor), item, county, target).execute()
    assert Placement.objects.filter(item=item, site=county).count() == 1


@pytest.mark.rule("CON-01")
def test_reposting_is_refused_for_drafts_other_sites_and_their_columns(estate, portal, as_user):
    county, policies, editor = county_desk(estate)
    with pytest.raises(RuleViolation, match="尚未发布"):
        RepostItem(as_user(editor), important(portal), county, policies).execute()
    item = publish(important(portal), portal)
    duty = RepostDuty.objects.get(item=item, site=county)
    with pytest.raises(NotAllowed):
        RepostItem(as_user(estate.outsider), duty, county, policies).execute()
    with pytest.raises(NotAllowed):  # the original's own editor is no member of the county site
        RepostItem(as_user(portal.editor), duty, county, policies).execute()
    with pytest.raises(RuleViolation, match="栏目不属于"):
        RepostItem(as_user(editor), duty, county, portal.column).execute()
    stats_editor = member("stats_editor", estate.stats_site, SiteRole.EDITOR)
    with pytest.raises(RuleViolation, match="不属于所选网站"):
        RepostItem(as_user(stats_editor), duty, estate.stats_site, column(estate.stats_site, ColumnType.NEWS)).execute()
    assert not Placement.objects.exclude(site=portal.site).exists()
    duty.refresh_from_db()
    assert duty.fulfilled_at is None


@pytest.mark.rule("CON-03")
def test_the_queue_lists_open_duties_soonest_first_with_the_time_left(estate, portal, clock):
    first = publish(important(portal, title="关于稳就业的若干措施"), portal)
    clock.set(START + dt.timedelta(hours=4))
    second = publish(important(portal, title="关于优化营商环境的实施意见"), portal)
    clock.set(START + dt.timedelta(hours=13))
    queue = list(to_repost(estate.county_portal))
    assert [d.item for d in queue] == [first, second]
    assert [d.remaining for d in queue] == [dt.timedelta(hours=-1), dt.timedelta(hours=3)]


@pytest.mark.rule("CON-03")
def test_late_and_missing_reposts_are_listed_per_site_for_the_supervisor(estate, portal, clock, as_user):
    item = publish(important(portal), portal)
    assert late_and_missing() == []
    stats = estate.stats_site
    stats_editor = member("stats_editor", stats, SiteRole.EDITOR)
    clock.set(START + dt.timedelta(hours=13))  # one hour past the 12-hour deadline
    RepostItem(as_user(stats_editor), item, stats, column(stats, ColumnType.POLICIES)).execute()
    clock.set(START + dt.timedelta(days=1))
    report = {r.site: r for r in late_and_missing()}
    assert set(report) == {stats, estate.county_portal}
    assert (report[stats].late_count, report[stats].missing_count) == (1, 0)
    assert report[stats].late[0].fulfilled_at == START + dt.timedelta(hours=13)
    assert (report[estate.county_portal].late_count, report[estate.county_portal].missing_count) == (0, 1)
    assert report[estate.county_portal].missing[0].item == item
    # a county supervisor sees the county's sites only; before the deadline nothing is missing
    assert [r.site for r in late_and_missing(estate.county)] == [estate.county_portal]
    assert late_and_missing(estate.county, now=START + dt.timedelta(hours=12)) == []
