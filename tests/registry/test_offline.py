"""Portals never close (REG-11); temporary offline limits (REG-12); outages not counted (REG-13)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from govsites import clock as govclock
from govsites.audit.context import Actor
from govsites.registry.actions import (
    ApplyDueTransitions,
    ApplyForPermanentOffline,
    ApplyForTemporaryOffline,
    ReportOutage,
    ResumeSite,
)
from govsites.registry.errors import RuleViolation
from govsites.registry.models import (
    Announcement,
    AnnouncementKind,
    Application,
    ApplicationStatus,
    NationalReport,
    OutageCause,
    SiteStatus,
)
from tests.conftest import actor
from tests.registry.helpers import approve_all

D = dt.date


def temporary(estate, start, end, site=None, user=None):
    return ApplyForTemporaryOffline(
        actor(user or estate.stats_manager), site or estate.stats_site, start_date=start, end_date=end,
        reason="机房搬迁",
    ).execute()


def outage(estate, start, end, cause=OutageCause.FORCE_MAJEURE):
    return ReportOutage(actor(estate.stats_manager), estate.stats_site, cause=cause, start_date=start,
                        end_date=end, reason="线路被施工挖断").execute()


@pytest.mark.rule("REG-11")
def test_a_portal_can_never_be_shut_down(estate, clock):
    before = Application.objects.count()
    with pytest.raises(RuleViolation) as exc:
        ApplyForPermanentOffline(actor(estate.city_office), estate.city_portal, migration_target=estate.province_portal,
                                 safeguards="全部迁移", reason="合并").execute()
    assert exc.value.rule == "REG-11" and "门户网站不得关停" in str(exc.value)
    assert Application.objects.count() == before
    estate.city_portal.refresh_from_db()
    assert estate.city_portal.status == SiteStatus.ONLINE


@pytest.mark.rule("REG-12")
def test_temporary_offline_at_most_30_days(estate, clock):
    with pytest.raises(RuleViolation) as exc:
        temporary(estate, D(2026, 4, 1), D(2026, 5, 1))  # 31 days
    assert exc.value.rule == "REG-12" and "30" in str(exc.value)
    assert temporary(estate, D(2026, 4, 1), D(2026, 4, 30)).status == ApplicationStatus.PENDING  # exactly 30


@pytest.mark.rule("REG-12")
def test_temporary_offline_at_most_once_per_calendar_year(estate, clock):
    approve_all(temporary(estate, D(2026, 4, 1), D(2026, 4, 10)))
    with pytest.raises(RuleViolation) as exc:
        temporary(estate, D(2026, 11, 1), D(2026, 11, 3))
    assert exc.value.rule == "REG-12" and "2026" in str(exc.value)
    # next calendar year is fine
    assert temporary(estate, D(2027, 1, 4), D(2027, 1, 5)).status == ApplicationStatus.PENDING


@pytest.mark.rule("REG-12")
def test_rejected_application_does_not_use_up_the_year(estate, clock):
    from govsites.registry.actions import DecideStep

    application = temporary(estate, D(2026, 4, 1), D(2026, 4, 10))
    step = application.steps.get(status="pending")
    DecideStep(actor(estate.city_office), step, approve=False, comment="时机不当").execute()
    assert temporary(estate, D(2026, 5, 1), D(2026, 5, 2)).status == ApplicationStatus.PENDING


@pytest.mark.rule("REG-12")
def test_temporary_offline_chain_announcements_and_schedule(estate, clock):
    application = temporary(estate, D(2026, 3, 10), D(2026, 3, 12))
    assert [s.institution for s in application.steps.order_by("position")] == [estate.city, estate.province]
    approve_all(application)
    notices = Announcement.objects.filter(site=estate.stats_site, kind=AnnouncementKind.TEMPORARY_OFFLINE)
    assert {n.host_site for n in notices} == {estate.stats_site, estate.city_portal}
    estate.stats_site.refresh_from_db()
    assert estate.stats_site.status == SiteStatus.ONLINE  # starts on its start date
    clock.set(D(2026, 3, 10))
    ApplyDueTransitions(Actor.system()).execute()
    estate.stats_site.refresh_from_db()
    assert estate.stats_site.status == SiteStatus.TEMPORARILY_OFFLINE
    assert estate.stats_site.offline_until == D(2026, 3, 12)
    clock.set(D(2026, 3, 13))
    ApplyDueTransitions(Actor.system()).execute()
    estate.stats_site.refresh_from_db()
    assert estate.stats_site.status == SiteStatus.ONLINE


def test_temporary_offline_dates_are_checked(estate, clock):
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        temporary(estate, D(2026, 4, 10), D(2026, 4, 1))
    with pytest.raises(ValidationError, match="开始日期不能早于今天"):
        temporary(estate, D(2026, 3, 1), D(2026, 3, 3))


@pytest.mark.rule("REG-13")
def test_force_majeure_outage_up_to_3_days_is_reported_and_not_counted(estate, clock):
    with pytest.raises(RuleViolation) as exc:
        outage(estate, D(2026, 3, 1), D(2026, 3, 4))  # 4 days
    assert exc.value.rule == "REG-13"
    application = approve_all(outage(estate, D(2026, 3, 1), D(2026, 3, 3)))
    assert application.status == ApplicationStatus.APPROVED
    report = NationalReport.objects.get(site=estate.stats_site, kind="outage")
    assert report.payload["counted_toward_yearly_limit"] is False
    estate.stats_site.refresh_from_db()
    assert estate.stats_site.status == SiteStatus.OUTAGE
    ResumeSite(actor(estate.stats_manager), estate.stats_site).execute()
    # the yearly temporary offline is still available
    assert temporary(estate, D(2026, 6, 1), D(2026, 6, 20)).status == ApplicationStatus.PENDING


@pytest.mark.rule("REG-13")
def test_security_takedown_is_not_counted_either(estate, clock):
    approve_all(outage(estate, D(2026, 2, 20), D(2026, 3, 1), cause=OutageCause.SECURITY_ORDER))
    assert NationalReport.objects.filter(site=estate.stats_site, kind="outage").count() == 1
    estate.stats_site.refresh_from_db()
    assert estate.stats_site.status == SiteStatus.ONLINE  # already over when approved
    assert temporary(estate, D(2026, 6, 1), D(2026, 6, 2)).status == ApplicationStatus.PENDING


def test_clock_governs_the_calendar_year(estate, clock):
    clock.set(D(2026, 12, 31))
    assert govclock.today() == D(2026, 12, 31)
    approve_all(temporary(estate, D(2026, 12, 31), D(2027, 1, 9)))
    estate.stats_site.refresh_from_db()
    assert estate.stats_site.status == SiteStatus.TEMPORARILY_OFFLINE
