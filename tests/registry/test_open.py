"""Opening a site: who may (REG-02/03/04), the approval chain (REG-08), the launch gate (REG-09),
the launch announcement (REG-10) and naming (REG-05)."""

import pytest
from django.core.exceptions import ValidationError

from govsites.registry.actions import (
    ApplyForSpecialTopic,
    ApplyToOpenSite,
    CompleteChecklistItem,
    DecideStep,
    LaunchSite,
    WithdrawApplication,
)
from govsites.registry.errors import NotAllowed, RuleViolation, rule_of
from govsites.registry.models import (
    Announcement,
    AnnouncementKind,
    Application,
    ApplicationStatus,
    Institution,
    NationalReport,
    Site,
    SiteStatus,
    SpecialTopic,
    StepKind,
    StepStatus,
)
from govsites.registry.rules import governments_missing_portal
from tests.conftest import actor
from tests.registry.helpers import approve_all, approver_for, complete_launch

WATER_SITE = {
    "name": "青岚市水利局网站",
    "domain": "slj.qinglan.gov.cn",
    "chinese_domain": "青岚市水利局.政务",
    "sponsor_name": "青岚市水利局",
    "responsible_person": "赵敏",
    "responsible_phone": "0351-7654321",
}


EDUCATION_SITE = {
    "name": "澜川省教育厅网站",
    "domain": "jyt.lanchuan.gov.cn",
    "sponsor_name": "澜川省教育厅",
    "responsible_person": "孙丽",
}
CQ_MATERIALS = {"responsibilities": "a", "review_mechanism": "b", "security_measures": "c", "emergency_plan": "d"}


def open_education(estate, **kwargs):
    return ApplyToOpenSite(actor(estate.education_manager), estate.education, site_data=EDUCATION_SITE,
                           reason="履行政务公开职责", **kwargs).execute()


def open_water(estate, user=None, **overrides):
    data = {**WATER_SITE, **overrides.pop("site_data", {})}
    return ApplyToOpenSite(
        actor(user or estate.water_manager), estate.water, site_data=data, reason="履行政务公开职责", **overrides
    ).execute()


def counts():
    return (Site.objects.count(), Application.objects.count(), Announcement.objects.count())


@pytest.mark.rule("REG-08")
def test_open_application_goes_up_the_chain_level_by_level(estate, clock):
    application = open_water(estate)
    steps = list(application.steps.order_by("position"))
    # the department's head agrees, its own (city) government office reviews, the province approves
    assert [(s.kind, s.institution) for s in steps] == [
        (StepKind.INSTITUTION_HEAD, estate.water),
        ("office", estate.city),
        ("office", estate.province),
    ]
    assert [s.status for s in steps] == [StepStatus.PENDING, StepStatus.WAITING, StepStatus.WAITING]
    assert application.site.status == SiteStatus.PROPOSED
    # an approver further up cannot jump the queue
    with pytest.raises(NotAllowed):
        DecideStep(actor(estate.province_office), steps[0], approve=True).execute()
    for step, user in zip(steps, (estate.water_head, estate.city_office, estate.province_office), strict=True):
        DecideStep(actor(user), step, approve=True, comment="同意").execute()
        step.refresh_from_db()
        assert step.status == StepStatus.APPROVED and step.decided_by == user and step.decided_at is not None
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert Site.objects.get(pk=application.site_id).status == SiteStatus.APPROVED


@pytest.mark.rule("REG-08")
def test_county_portal_chain_passes_through_the_city(estate, clock):
    data = {"name": "青岚市石泉县人民政府", "domain": "www.shiquan.gov.cn", "sponsor_name": "石泉县人民政府办公室",
            "responsible_person": "钱进"}
    application = ApplyToOpenSite(actor(estate.new_county_manager), estate.new_county, site_data=data,
                                  reason="县级政府应开设门户网站").execute()
    assert [s.institution for s in application.steps.order_by("position")] == [
        estate.new_county, estate.city, estate.province
    ]


@pytest.mark.rule("REG-08")
def test_rejection_stops_the_chain_and_refuses_the_site(estate, clock):
    application = open_water(estate)
    first = application.steps.get(position=0)
    with pytest.raises(ValidationError):
        DecideStep(actor(estate.water_head), first, approve=False).execute()  # comment required
    DecideStep(actor(estate.water_head), first, approve=False, comment="内容保障不足").execute()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert set(application.steps.values_list("status", flat=True)) == {StepStatus.REJECTED, StepStatus.CANCELLED}
    assert Site.objects.get(pk=application.site_id).status == SiteStatus.REFUSED
    # a refused proposal does not block a new application
    assert open_water(estate).status == ApplicationStatus.PENDING


@pytest.mark.rule("REG-08")
def test_chongqing_profile_requires_the_application_materials(estate, clock, profile):
    profile("chongqing")
    before = counts()
    with pytest.raises(RuleViolation) as exc:
        open_education(estate, materials={"responsibilities": "分工明确"})
    assert exc.value.rule == "REG-08"
    assert "内容及保密审查机制" in str(exc.value) and "应急响应预案" in str(exc.value)
    assert counts() == before
    application = open_education(estate, materials=CQ_MATERIALS)
    assert application.materials == CQ_MATERIALS
    # the Chongqing chain: the head agrees, the municipal office approves
    assert [s.institution for s in application.steps.order_by("position")] == [estate.education, estate.province]


@pytest.mark.rule("REG-03")
@pytest.mark.parametrize(
    ("who", "expected"),
    [("township", "乡镇政府"), ("county_edu", "县级政府部门"), ("hydrology", None)],
)
def test_institutions_that_may_not_open_sites_are_refused(estate, clock, profile, who, expected):
    institution = getattr(estate, who)
    if who == "hydrology":
        profile("chongqing")
        expected = "直属管理单位"
    supervisor = estate.county_office if who in ("township", "county_edu") else estate.city_office
    before = counts()
    with pytest.raises(RuleViolation) as exc:
        ApplyToOpenSite(actor(supervisor), institution, site_data={"name": institution.name}, reason="需要").execute()
    assert exc.value.rule == "REG-03"
    assert expected in str(exc.value)
    assert counts() == before


@pytest.mark.rule("REG-03")
def test_existing_sites_of_such_institutions_are_flagged_for_integration(estate, profile):
    from tests.factories import site

    legacy = site(estate.township, "www.taoyuanzhen.gov.cn", hosted=False)
    flagged = Site.objects.needing_integration()
    assert legacy in flagged
    assert estate.stats_site not in flagged
    profile("chongqing")
    unit_site = site(estate.hydrology, "swz.qinglan.gov.cn")
    assert unit_site in Site.objects.needing_integration()
    profile("shanxi")
    assert unit_site not in Site.objects.needing_integration()


@pytest.mark.rule("REG-02")
def test_one_institution_has_at_most_one_site(estate, clock):
    before = counts()
    with pytest.raises(RuleViolation) as exc:
        ApplyToOpenSite(actor(estate.stats_manager), estate.stats,
                        site_data={**WATER_SITE, "name": "青岚市统计局数据网"}, reason="第二个网站").execute()
    assert exc.value.rule == "REG-02"
    assert "青岚市统计局网站" in str(exc.value)
    assert counts() == before
    open_water(estate)
    with pytest.raises(RuleViolation, match="REG-02"):
        open_water(estate)  # a proposal in flight counts too


@pytest.mark.rule("REG-02")
def test_governments_without_a_portal_are_listed(estate):
    missing = set(governments_missing_portal())
    assert estate.new_county in missing
    assert estate.city not in missing and estate.township not in missing


@pytest.mark.rule("REG-04")
def test_no_stand_alone_event_site(estate, clock):
    with pytest.raises(RuleViolation) as exc:
        open_water(estate, purpose="event")
    assert exc.value.rule == "REG-04" and "专栏专题" in str(exc.value)


@pytest.mark.rule("REG-04")
def test_special_topic_goes_to_the_right_site(estate, clock):
    # one department involved: on that department's site only
    with pytest.raises(RuleViolation) as exc:
        ApplyForSpecialTopic(actor(estate.stats_manager), estate.stats, title="经济普查专题",
                             institutions=[estate.stats], host_site=estate.city_portal).execute()
    assert exc.value.rule == "REG-04"
    application = ApplyForSpecialTopic(actor(estate.stats_manager), estate.stats, title="经济普查专题",
                                       institutions=[estate.stats], host_site=estate.stats_site).execute()
    approve_all(application)
    topic = SpecialTopic.objects.get(application=application)
    assert topic.host_site == estate.stats_site and list(topic.institutions.all()) == [estate.stats]
    # several departments: the common government's portal (or the lead department's site)
    several = ApplyForSpecialTopic(actor(estate.city_office), estate.city, title="防汛专题",
                                   institutions=[estate.stats, estate.water], host_site=estate.city_portal).execute()
    assert several.status == ApplicationStatus.PENDING
    with pytest.raises(RuleViolation, match="REG-04"):
        ApplyForSpecialTopic(actor(estate.city_office), estate.city, title="防汛专题",
                             institutions=[estate.stats, estate.water], host_site=estate.dev_reform_site).execute()


@pytest.mark.rule("REG-05")
def test_site_is_named_after_its_institution(estate, clock):
    with pytest.raises(ValidationError) as exc:
        open_water(estate, site_data={"name": "青岚水利信息港"})
    assert "REG-05" in str(exc.value)


@pytest.mark.rule("REG-07")
def test_open_application_rejects_a_domain_outside_its_government(estate, clock):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        open_water(estate, site_data={"domain": "slj.lanchuan.gov.cn"})
    assert "REG-07" in str(exc.value) and "qinglan.gov.cn" in str(exc.value)
    with pytest.raises(ValidationError, match="已被其他网站使用"):
        open_water(estate, site_data={"domain": "tjj.qinglan.gov.cn"})
    assert counts() == before


@pytest.mark.rule("REG-06")
def test_open_application_rejects_a_malformed_chinese_domain(estate, clock):
    with pytest.raises(ValidationError) as exc:
        open_water(estate, site_data={"chinese_domain": "水利.政务"})
    assert "REG-06" in str(exc.value)


@pytest.mark.rule("REG-09")
def test_site_cannot_go_live_until_every_checklist_item_is_done(estate, clock):
    application = approve_all(open_water(estate))
    site = application.site
    site.refresh_from_db()
    with pytest.raises(RuleViolation) as exc:
        LaunchSite(actor(estate.water_manager), site).execute()
    assert exc.value.rule == "REG-09" and "通过安全检测" in str(exc.value)
    # identifiers recorded through the checklist are validated
    with pytest.raises(ValidationError, match="REG-09") as exc:
        CompleteChecklistItem(actor(estate.water_manager), site, checklist="launch", key="icp_filing",
                              reference="晋ICP备12345678号").execute()
    assert rule_of(exc.value) == "REG-09"
    with pytest.raises(ValidationError, match="990100"):
        CompleteChecklistItem(actor(estate.water_manager), site, checklist="launch", key="site_code",
                              reference="9900000001").execute()
    keys = list(site.checklist_items.values_list("key", flat=True))
    assert keys == ["site_mark", "domain_registered", "icp_filing", "public_security_filing", "site_code",
                    "security_test"]
    site.refresh_from_db()
    assert site.status == SiteStatus.APPROVED and site.icp_number == ""
    complete_launch(site, estate.water_manager)
    site.refresh_from_db()
    assert site.status == SiteStatus.ONLINE and site.launched_at is not None
    assert site.icp_number == "澜ICP备12345678号" and site.site_code == "9901000099"


@pytest.mark.rule("REG-09")
def test_chongqing_checklist_includes_the_cyberspace_report(estate, clock, profile):
    profile("chongqing")
    site = approve_all(open_education(estate, materials=CQ_MATERIALS)).site
    assert site.checklist_items.filter(key="cyberspace_report").exists()
    complete_launch(site, estate.education_manager)
    site.refresh_from_db()
    assert site.status == SiteStatus.ONLINE


@pytest.mark.rule("REG-03")
def test_chongqing_district_departments_may_not_open_sites(estate, clock, profile):
    profile("chongqing")
    with pytest.raises(RuleViolation) as exc:
        open_water(estate)
    assert exc.value.rule == "REG-03"


@pytest.mark.rule("REG-10")
def test_launch_announcement_goes_on_the_right_parent_portal(estate, clock):
    site = approve_all(open_water(estate)).site
    complete_launch(site, estate.water_manager)
    notice = Announcement.objects.get(site=site, kind=AnnouncementKind.LAUNCH)
    assert notice.host_site == estate.city_portal  # a department site: its own government's portal
    assert site.name in notice.title and site.domain in notice.body
    assert NationalReport.objects.filter(site=site, kind="launch").exists()
    # a county portal: on its superior (city) government's portal
    data = {"name": "青岚市石泉县人民政府", "domain": "www.shiquan.gov.cn", "sponsor_name": "石泉县人民政府办公室",
            "responsible_person": "钱进"}
    county = approve_all(ApplyToOpenSite(actor(estate.new_county_manager), estate.new_county, site_data=data,
                                         reason="开设门户网站").execute()).site
    complete_launch(county, estate.new_county_manager)
    assert Announcement.objects.get(site=county, kind=AnnouncementKind.LAUNCH).host_site == estate.city_portal


def test_withdrawn_application_cancels_its_steps(estate, clock):
    application = open_water(estate)
    with pytest.raises(NotAllowed):
        WithdrawApplication(actor(estate.outsider), application).execute()
    WithdrawApplication(actor(estate.water_manager), application, reason="重新准备材料").execute()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert set(application.steps.values_list("status", flat=True)) == {StepStatus.CANCELLED}
    assert Site.objects.get(pk=application.site_id).status == SiteStatus.REFUSED


def test_outsider_cannot_apply_for_an_institution(estate, clock):
    with pytest.raises(NotAllowed):
        open_water(estate, user=estate.stats_manager)
    assert not Institution.objects.get(pk=estate.water.pk).sites.exists()


def test_approver_for_helper_finds_the_named_head(estate, clock):
    step = open_water(estate).steps.get(position=0)
    assert approver_for(step) == estate.water_head


def test_a_step_cannot_be_decided_before_its_turn(estate, clock):
    application = open_water(estate)
    later = application.steps.get(position=1)
    with pytest.raises(ValidationError, match="尚未轮到"):
        DecideStep(actor(estate.city_office), later, approve=True).execute()
    later.refresh_from_db()
    assert later.status == StepStatus.WAITING
