"""SEC-09: each site has one record of where and on what it runs; servers abroad, unreviewed
products, a prefecture-level portal below graded-protection level 3 and an old security test
are flagged."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from govsites.audit.models import AuditLogEntry
from govsites.security import overview
from govsites.security.actions import RecordHostingFacts
from govsites.security.models import HostingFacts
from tests.security.records_helpers import act

GOOD = dict(
    in_mainland=True, server_region="澜川省青岚市", provider="澜川政务云", data_centre="青岚数据中心",
    ip_addresses="10.1.2.3, 10.1.2.4\n2001:db8::1", os_product="麒麟服务器操作系统 V10", os_reviewed=True,
    database_product="达梦数据库 DM8", database_reviewed=True, middleware_product="东方通 TongWeb", middleware_reviewed=True,
    cms_product="govsites", cms_reviewed=True, graded_level=3, graded_assessed_on=dt.date(2025, 11, 1),
    security_tested_on=dt.date(2025, 11, 1),
)


@pytest.mark.rule("SEC-09")
def test_hosting_facts_are_recorded_per_site(estate, clock):
    facts = RecordHostingFacts(act(estate.security_officer), estate.city_portal, **GOOD).execute()
    assert facts.ip_list() == ["10.1.2.3", "10.1.2.4", "2001:db8::1"]
    assert overview.hosting_flags(facts) == []
    assert overview.security_overview(estate.city_portal)["hosting_flags"] == []

    # one record per site: a second call updates it, audited with a before/after diff
    RecordHostingFacts(act(estate.security_officer), estate.city_portal, provider="另一政务云").execute()
    assert HostingFacts.objects.filter(site=estate.city_portal).count() == 1
    change = AuditLogEntry.objects.get(action="security.hosting.change")
    assert change.changes == {"provider": {"before": "澜川政务云", "after": "另一政务云"}}
    assert change.site_ref == estate.city_portal.pk


@pytest.mark.rule("SEC-09")
def test_servers_abroad_are_flagged(estate, clock):
    RecordHostingFacts(act(estate.security_officer), estate.city_portal,
                       **{**GOOD, "in_mainland": False, "server_region": "", "provider": "海外云"}).execute()
    assert "服务器位于境外" in overview.security_overview(estate.city_portal)["hosting_flags"]
    assert list(overview.sites_hosted_abroad()) == [estate.city_portal]


@pytest.mark.rule("SEC-09")
def test_unreviewed_products_are_flagged(estate, clock):
    RecordHostingFacts(act(estate.security_officer), estate.stats_site,
                       **{**GOOD, "database_product": "某开源数据库", "database_reviewed": False}).execute()
    flags = overview.security_overview(estate.stats_site)["hosting_flags"]
    assert flags == ["使用未通过安全审查的产品：数据库（某开源数据库）"]
    assert list(overview.sites_on_unreviewed_products()) == [estate.stats_site]


@pytest.mark.rule("SEC-09")
def test_graded_level_and_security_test_age_are_flagged(estate, clock):
    RecordHostingFacts(act(estate.security_officer), estate.city_portal,
                       **{**GOOD, "graded_level": 2, "security_tested_on": dt.date(2025, 1, 1)}).execute()
    flags = overview.security_overview(estate.city_portal)["hosting_flags"]
    assert "地市级以上政府门户网站应达到等级保护第三级" in flags
    assert "超过12个月未开展安全检测" in flags
    # a county portal is not held to level 3
    RecordHostingFacts(act(estate.security_officer), estate.county_portal, **{**GOOD, "graded_level": 2}).execute()
    assert overview.security_overview(estate.county_portal)["hosting_flags"] == []


def test_a_site_without_facts_is_flagged(estate, clock):
    assert overview.security_overview(estate.stats_site)["hosting_flags"] == ["未登记托管信息"]


@pytest.mark.parametrize(("fields", "message"), [
    ({"ip_addresses": "10.1.2.300"}, "不是有效的IP地址"),
    ({"server_region": ""}, "请填写所在省市"),
    ({"security_tested_on": dt.date(2027, 1, 1)}, "安全检测日期不能晚于今天"),
])
def test_bad_input_is_refused_and_nothing_is_stored(estate, clock, fields, message):
    with pytest.raises(ValidationError, match=message):
        RecordHostingFacts(act(estate.security_officer), estate.city_portal, **{**GOOD, **fields}).execute()
    assert not HostingFacts.objects.exists() and not AuditLogEntry.objects.filter(action__startswith="security.").exists()
