"""The registry holds every site with its facts and its full, queryable history (REG-01)."""

import pytest
from django.core.exceptions import ValidationError

from govsites.audit.models import AuditLogEntry
from govsites.registry.actions import ApplyToOpenSite, DecideStep, RegisterSite
from govsites.registry.models import Site, SiteStatus
from tests.conftest import actor
from tests.registry.helpers import approve_all, complete_launch


@pytest.mark.rule("REG-01")
def test_registry_holds_the_facts_of_every_site(estate):
    site = estate.stats_site
    assert site.site_type == "department" and site.institution.level == "city"
    assert site.institution.government == estate.city
    # the supervisor chain derives from the hierarchy: own government first, then up
    assert site.institution.supervising_governments() == [estate.city, estate.province]
    assert estate.county_portal.institution.supervising_governments() == [estate.city, estate.province]
    assert site.sponsor_name and site.responsible_person and site.domain and site.site_code
    assert {s.pk for s in Site.objects.within(estate.city)} >= {estate.city_portal.pk, estate.stats_site.pk}
    assert estate.province_portal.pk not in {s.pk for s in Site.objects.within(estate.city)}


@pytest.mark.rule("REG-01")
def test_external_sites_are_registered_too(estate, clock):
    site = RegisterSite(actor(estate.province_office), estate.education, data={
        "name": "澜川省教育厅网站", "domain": "jyt.lanchuan.gov.cn", "sponsor_name": "澜川省教育厅",
        "responsible_person": "孙丽", "site_code": "9900000077", "hosted": "否",
        "icp_number": "澜ICP备20000001号", "public_security_number": "澜公网安备 99000002000001号",
    }).execute()
    assert site.hosted is False and site.status == SiteStatus.ONLINE
    entry = AuditLogEntry.objects.get(site_ref=site.pk, action="registry.site.register")
    assert entry.user == estate.province_office and entry.changes["domain"]["after"] == "jyt.lanchuan.gov.cn"


@pytest.mark.rule("REG-01")
def test_every_change_is_recorded_with_who_when_where_what_and_why(estate, clock):
    data = {"name": "青岚市水利局网站", "domain": "slj.qinglan.gov.cn", "sponsor_name": "青岚市水利局",
            "responsible_person": "赵敏"}
    application = ApplyToOpenSite(actor(estate.water_manager, ip="10.1.2.3"), estate.water, site_data=data,
                                  reason="履行政务公开职责").execute()
    DecideStep(actor(estate.water_head, ip="10.1.2.4"), application.steps.get(position=0), approve=True,
               comment="同意开设").execute()
    approve_all(application)
    complete_launch(application.site, estate.water_manager)
    timeline = AuditLogEntry.objects.filter(site_ref=application.site_id).order_by("timestamp", "id")
    actions = list(timeline.values_list("action", flat=True))
    assert actions[:3] == ["registry.site.propose", "registry.application.submit", "registry.step.approve"]
    assert "registry.application.approve" in actions and actions.count("registry.site.status") == 2
    assert "registry.announcement.create" in actions
    submitted = timeline.get(action="registry.application.submit")
    assert submitted.user == estate.water_manager and submitted.ip_address == "10.1.2.3"
    assert submitted.reason == "履行政务公开职责" and submitted.timestamp is not None
    head = timeline.filter(action="registry.step.approve").first()
    assert head.user == estate.water_head and head.ip_address == "10.1.2.4" and head.reason == "同意开设"
    went_live = timeline.filter(action="registry.site.status").last()
    assert went_live.changes["status"] == {"before": "approved", "after": "online"}


def register(estate, institution, status="online", **data):
    base = {"name": f"{institution.name}网站", "sponsor_name": institution.name, "responsible_person": "周平"}
    return RegisterSite(actor(estate.province_office), institution, data={**base, **data}, status=status).execute()


@pytest.mark.rule("REG-01")
def test_a_closed_site_may_keep_a_domain_now_used_by_a_live_one(estate, clock):
    closed = register(estate, estate.water, status="closed", domain="tjj.qinglan.gov.cn", site_code="9901000801")
    assert closed.status == "closed" and closed.domain == estate.stats_site.domain
    with pytest.raises(ValidationError, match="已被其他网站使用"):
        register(estate, estate.water, domain="tjj.qinglan.gov.cn", site_code="9901000802")


@pytest.mark.rule("REG-09")
def test_a_township_site_code_is_tied_to_its_county(estate, clock):
    with pytest.raises(ValidationError, match="990121"):
        register(estate, estate.township, domain="www.taoyuan-town.gov.cn", site_code="9901000001")
    site = register(estate, estate.township, domain="www.taoyuan-town.gov.cn", site_code="9901210001",
                    hosted="")
    assert site.hosted is True  # blank means "not given", not "no"
    assert site in Site.objects.needing_integration()
