"""SEC-07: a look-alike site is recorded with its evidence, handed to the cyberspace office and
closed; a second open case for the same domain is refused with a clear error."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from govsites.audit.models import AuditLogEntry
from govsites.security import overview
from govsites.security.actions import CloseCase, HandOverCase, RecordCounterfeitCase, normalise_domain
from govsites.security.models import CounterfeitCase, CounterfeitOutcome, CounterfeitState, FoundVia
from tests.security.records_helpers import act


def record(estate, domain="www.qinglan-gov.cn", **extra):
    fields = dict(found_via=FoundVia.PUBLIC_REPORT, found_on=dt.date(2026, 3, 1), name="青岚市人民政府（假）",
                  evidence_url="http://www.qinglan-gov.cn/index.html", evidence_notes="仿冒首页版式，收集身份证号")
    fields.update(extra)
    return RecordCounterfeitCase(act(estate.security_officer), estate.city_portal, domain=domain, **fields).execute()


@pytest.mark.rule("SEC-07")
def test_a_case_is_recorded_handed_over_and_closed(estate, clock):
    officer = estate.security_officer
    case = record(estate, domain="HTTPS://WWW.Qinglan-Gov.cn:443/index.html")
    assert case.domain == "www.qinglan-gov.cn" and case.state == CounterfeitState.OPEN
    assert overview.security_overview(estate.city_portal)["open_counterfeit_cases"] == 1

    with pytest.raises(ValidationError, match="须先移交网信部门"):
        CloseCase(act(officer), case, outcome=CounterfeitOutcome.TAKEN_DOWN, closed_on=dt.date(2026, 3, 2)).execute()
    HandOverCase(act(officer), case, handed_over_on=dt.date(2026, 3, 2), reference="青网信函〔2026〕12号",
                 office_filed_on=dt.date(2026, 3, 2)).execute()
    case.refresh_from_db()
    assert case.state == CounterfeitState.HANDED_OVER and case.handover_reference == "青网信函〔2026〕12号"
    clock.set(dt.date(2026, 3, 10))
    CloseCase(act(officer), case, outcome=CounterfeitOutcome.TAKEN_DOWN, closed_on=dt.date(2026, 3, 9),
              note="网信部门通报已关停").execute()

    case.refresh_from_db()
    assert case.state == CounterfeitState.CLOSED and case.outcome == CounterfeitOutcome.TAKEN_DOWN
    assert [e.state for e in case.timeline.all()] == ["open", "handed_over", "closed"]
    actions = list(AuditLogEntry.objects.filter(object_id=str(case.pk), action__startswith="security.counterfeit")
                   .order_by("timestamp", "id").values_list("action", "site_ref"))
    assert actions == [("security.counterfeit.record", estate.city_portal.pk),
                       ("security.counterfeit.hand_over", estate.city_portal.pk),
                       ("security.counterfeit.close", estate.city_portal.pk)]
    assert overview.security_overview(estate.city_portal)["open_counterfeit_cases"] == 0


@pytest.mark.rule("SEC-07")
def test_a_duplicate_domain_case_is_refused(estate, clock):
    first = record(estate)
    with pytest.raises(ValidationError, match=f"已有未结案的假冒网站案件（第{first.pk}号，待移交）"):
        record(estate, domain="http://www.QINGLAN-gov.cn/news/")
    assert CounterfeitCase.objects.count() == 1
    # once closed, the same domain reappearing is a new case
    HandOverCase(act(estate.security_officer), first, handed_over_on=dt.date(2026, 3, 2)).execute()
    CloseCase(act(estate.security_officer), first, outcome=CounterfeitOutcome.TAKEN_DOWN,
              closed_on=dt.date(2026, 3, 2)).execute()
    assert record(estate).pk != first.pk


@pytest.mark.rule("SEC-07")
def test_the_database_refuses_a_second_open_case_too(estate, clock):
    """The partial unique index holds even if two officers record the same domain at once."""
    from django.db import IntegrityError, transaction

    first = record(estate)
    with pytest.raises(IntegrityError), transaction.atomic():
        CounterfeitCase.objects.create(domain=first.domain, imitated_site=estate.city_portal,
                                       found_via=FoundVia.MONITORING, found_on=dt.date(2026, 3, 1))


@pytest.mark.rule("SEC-07")
@pytest.mark.parametrize(("domain", "message"), [
    ("", "请填写假冒网站的域名"),
    ("not a domain", "请填写假冒网站的域名"),
    ("www.qinglan.gov.cn", "是本平台登记的政府网站域名"),
])
def test_bad_domains_are_refused(estate, clock, domain, message):
    with pytest.raises(ValidationError, match=message):
        record(estate, domain=domain)
    assert not CounterfeitCase.objects.exists()


def test_evidence_is_required(estate, clock):
    with pytest.raises(ValidationError, match="请至少提供一项证据"):
        record(estate, evidence_url="", evidence_notes="")


def test_domain_normalisation():
    assert normalise_domain(" http://User@Www.Fake-Gov.CN.:8080/a?b#c ") == "www.fake-gov.cn"
    assert normalise_domain("青岚市人民政府.政务") == "青岚市人民政府.政务"
    assert normalise_domain("localhost") == ""
