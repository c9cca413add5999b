"""Permanent offline: the full sequence (REG-14) and archiving old pages (REG-15)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from govsites.registry.actions import (
    ApplyForPermanentOffline,
    ArchivePages,
    CloseSite,
    CompleteChecklistItem,
    CompleteMigration,
    PublishMigrationNotice,
)
from govsites.registry.announcements import check_retention
from govsites.registry.errors import RuleViolation
from govsites.registry.models import (
    Announcement,
    AnnouncementKind,
    ArchiveRecord,
    Checklist,
    NationalReport,
    Site,
    SiteStatus,
)
from tests.conftest import actor
from tests.registry.helpers import approve_all

PAGES = [
    {"url": "https://tjj.qinglan.gov.cn/tjsj/2025/nb.html", "title": "2025年统计年报"},
    {"url": "https://tjj.qinglan.gov.cn/tzgg/1.html", "title": "关于开展经济普查的通知"},
]


def start_closure(estate):
    application = ApplyForPermanentOffline(
        actor(estate.stats_manager), estate.stats_site, migration_target=estate.city_portal,
        safeguards="内容整体迁移至市政府门户网站统计专栏", reason="按集约化要求整合",
    ).execute()
    return approve_all(application)


@pytest.mark.rule("REG-14")
def test_permanent_offline_needs_reasons_safeguards_and_target(estate, clock):
    with pytest.raises(ValidationError) as exc:
        ApplyForPermanentOffline(actor(estate.stats_manager), estate.stats_site, migration_target=None).execute()
    assert "reason" in exc.value.message_dict and "safeguards" in exc.value.message_dict
    with pytest.raises(RuleViolation, match="迁移的目标网站"):
        ApplyForPermanentOffline(actor(estate.stats_manager), estate.stats_site, migration_target=None,
                                 safeguards="a", reason="b").execute()
    with pytest.raises(RuleViolation, match="另一个正在运行"):
        ApplyForPermanentOffline(actor(estate.stats_manager), estate.stats_site,
                                 migration_target=estate.stats_site, safeguards="a", reason="b").execute()


@pytest.mark.rule("REG-14")
def test_full_permanent_offline_sequence(estate, clock):
    application = start_closure(estate)
    assert [s.institution for s in application.steps.order_by("position")] == [
        estate.stats, estate.city, estate.province
    ]
    site = Site.objects.get(pk=estate.stats_site.pk)
    assert site.status == SiteStatus.CLOSING and site.migrated_to == estate.city_portal
    manager = actor(estate.stats_manager)

    # migration before the notice hangs on the homepage is refused
    with pytest.raises(RuleViolation) as exc:
        CompleteMigration(manager, site, pages=PAGES).execute()
    assert exc.value.rule == "REG-14" and "迁移公告" in str(exc.value)
    # closing before the sequence is complete is refused, listing what is missing
    with pytest.raises(RuleViolation) as exc:
        CloseSite(manager, site).execute()
    assert "注销ICP备案号" in str(exc.value) and "悬挂迁移公告" in str(exc.value)

    notice = PublishMigrationNotice(manager, site).execute()
    assert notice.host_site == site and notice.kind == AnnouncementKind.MIGRATION_NOTICE
    done = CompleteMigration(manager, site, pages=PAGES, note="原统计数据栏目迁至市政府门户网站").execute()
    # the destination is announced on the same-level portal and stays up at least 30 days
    assert done.host_site == estate.city_portal and estate.city_portal.domain in done.body
    assert done.publish_until - done.publish_from >= dt.timedelta(days=30)
    with pytest.raises(RuleViolation, match="至少保留30天"):
        check_retention(done, done.publish_from + dt.timedelta(days=29))
    # automatic items cannot be ticked by hand
    with pytest.raises(ValidationError, match="自动办理"):
        CompleteChecklistItem(manager, site, checklist=Checklist.CLOSURE, key="status_reported").execute()
    for key in ("icp_cancelled", "site_mark_cancelled", "public_security_cancelled", "domain_cancelled"):
        CompleteChecklistItem(manager, site, checklist=Checklist.CLOSURE, key=key, reference="已注销").execute()
    CloseSite(manager, site).execute()
    site.refresh_from_db()
    assert site.status == SiteStatus.CLOSED and site.closed_at is not None
    assert NationalReport.objects.filter(site=site, kind="closure").exists()
    assert not site.checklist_items.filter(checklist=Checklist.CLOSURE, done_at__isnull=True).exists()
    # the closed site's domain is free again and it no longer counts as the institution's site
    assert not Site.objects.live().filter(pk=site.pk).exists()


@pytest.mark.rule("REG-14")
def test_no_zombie_sites_closing_sites_are_visible_until_closed(estate, clock):
    start_closure(estate)
    assert Site.objects.filter(status=SiteStatus.CLOSING).count() == 1
    assert Site.objects.live().filter(pk=estate.stats_site.pk).exists()


@pytest.mark.rule("REG-15")
def test_migration_archives_old_pages_with_date(estate, clock):
    start_closure(estate)
    site = Site.objects.get(pk=estate.stats_site.pk)
    PublishMigrationNotice(actor(estate.stats_manager), site).execute()
    CompleteMigration(actor(estate.stats_manager), site, pages=PAGES).execute()
    records = ArchiveRecord.objects.filter(site=site).order_by("url")
    assert records.count() == 2
    record = records.get(title="2025年统计年报")
    assert record.archived_on == dt.date(2026, 3, 2)
    assert record.banner == "已归档　归档时间：2026-03-02"
    assert record.new_location == "https://www.qinglan.gov.cn/archive/tjsj/2025/nb.html"


@pytest.mark.rule("REG-15")
def test_redesign_archives_pages_and_rejects_bad_input(estate, clock):
    manager = actor(estate.stats_manager)
    with pytest.raises(ValidationError, match="归档原因"):
        ArchivePages(manager, estate.stats_site, pages=PAGES, reason="").execute()
    with pytest.raises(ValidationError, match="网址"):
        ArchivePages(manager, estate.stats_site, pages=[*PAGES, {"url": "", "title": "x"}], reason="改版").execute()
    assert not ArchiveRecord.objects.exists()  # nothing half-saved
    ArchivePages(manager, estate.stats_site, pages=PAGES, reason="网站改版").execute()
    assert ArchiveRecord.objects.filter(site=estate.stats_site, reason="网站改版").count() == 2


def test_migration_announcement_is_recorded_once(estate, clock):
    start_closure(estate)
    site = Site.objects.get(pk=estate.stats_site.pk)
    PublishMigrationNotice(actor(estate.stats_manager), site).execute()
    CompleteMigration(actor(estate.stats_manager), site, pages=PAGES).execute()
    assert Announcement.objects.filter(site=site, kind=AnnouncementKind.MIGRATION_DONE).count() == 1


@pytest.mark.rule("REG-11")
@pytest.mark.rule("REG-03")
def test_a_legacy_township_site_can_be_integrated_into_the_county_portal(estate, clock):
    from govsites.accounts.models import Role
    from tests.factories import site as make_site
    from tests.factories import user

    user("taoyuan_head", (Role.INSTITUTION_HEAD, estate.township))
    legacy = make_site(estate.township, "www.taoyuan-town.gov.cn", hosted=False)
    application = approve_all(ApplyForPermanentOffline(
        actor(estate.county_office), legacy, migration_target=estate.county_portal,
        safeguards="内容并入县政府门户网站", reason="乡镇不再单独开设网站").execute())
    assert application.status == "approved"
    legacy.refresh_from_db()
    PublishMigrationNotice(actor(estate.county_office), legacy).execute()
    done = CompleteMigration(actor(estate.county_office), legacy, pages=[]).execute()
    assert done.host_site == estate.county_portal  # announced on the county's portal, not on itself
