"""SEC-07: a counterfeit found by the scan becomes a case for the imitated site, once."""

import pytest

from govsites.actions import NotAllowed
from govsites.audit.context import Actor
from govsites.monitoring.counterfeit.cases import open_cases
from govsites.monitoring.counterfeit.scan import Suspect
from govsites.security.models import CounterfeitCase, FoundVia
from tests.factories import build_estate

pytestmark = pytest.mark.django_db


def suspect(domain, verdict="counterfeit", site="www.qinglan.gov.cn"):
    return Suspect(domain=domain, site=site, fuzzer="gov-tld", verdict=verdict, score=0.93,
                   url=f"http://{domain}/", title="青岚市人民政府",
                   evidence=["页面复制了被假冒网站的网站标识码", "标题与被假冒网站首页相同"])


@pytest.mark.rule("SEC-07")
def test_counterfeits_open_a_case_once_and_suspicious_ones_wait_for_a_person(clock):
    e = build_estate()
    sites = {e.city_portal.domain: e.city_portal}
    officer = Actor.cli(e.security_officer)
    opened = open_cases(officer, [suspect("qinglan-gov.com"), suspect("qinglan.net", "suspicious")], sites)
    (case,) = opened.cases
    assert case.domain == "qinglan-gov.com" and case.imitated_site == e.city_portal
    assert case.found_via == FoundVia.MONITORING and "网站标识码" in case.evidence_notes
    assert case.evidence_url == "http://qinglan-gov.com/"
    again = open_cases(officer, [suspect("qinglan-gov.com")], sites)
    assert again.cases == [] and again.already_open == ["qinglan-gov.com"]
    unknown = open_cases(officer, [suspect("lookalike.com", site="")], sites)
    assert unknown.refused == [("lookalike.com", "未能确定被假冒的网站")]
    assert CounterfeitCase.objects.count() == 1


def test_only_security_officers_open_cases(clock):
    e = build_estate()
    with pytest.raises(NotAllowed):
        open_cases(Actor.cli(e.stats_manager), [suspect("qinglan-gov.com")], {e.city_portal.domain: e.city_portal})
    assert CounterfeitCase.objects.count() == 0
