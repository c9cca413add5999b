import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from govsites.audit.context import Actor
from govsites.audit.models import AuditLogEntry
from govsites.demo import estate, names
from govsites.registry import identifiers, rules
from govsites.registry.actions import LaunchSite
from govsites.registry.errors import RuleViolation
from govsites.registry.models import (
    Announcement,
    AnnouncementKind,
    Application,
    ApplicationKind,
    ApplicationStatus,
    ArchiveRecord,
    Institution,
    InstitutionKind,
    Level,
    Site,
    SiteStatus,
    SiteType,
    SpecialTopic,
)
from govsites.registry.validation import clean_site_fields

FIELDS = (
    "name", "short_name", "sponsor_name", "operator_name", "responsible_person", "responsible_phone",
    "responsible_email", "contact_phone", "contact_email", "contact_address", "hosting_notes", "site_mark_number",
    "domain", "chinese_domain", "site_code", "icp_number", "public_security_number", "hosted",
)


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def portal_domain(government):
    return Site.objects.live().get(institution=government, site_type=SiteType.PORTAL).domain


def test_small_estate_has_every_status(demo, db):
    assert 40 <= demo.sites <= 60
    counts = {status: n for status, n in demo.statuses.items()}
    assert all(counts[status] > 0 for status in SiteStatus.values), counts
    root = estate.demo_root()
    assert (root.name, root.abbreviation, root.division_code) == ("澜川省人民政府", "澜", "990000")


def test_every_live_site_passes_the_registry_validation(demo, db):
    live = Site.objects.live().select_related("institution")
    assert live.count() > 40
    for site in live:
        data = {field: getattr(site, field) for field in FIELDS}
        clean_site_fields(data, site.institution, site.site_type, site=site)  # raises on any problem


def test_domains_follow_the_portal_and_department_forms(demo, db):
    for site in Site.objects.live().select_related("institution__parent"):
        institution = site.institution
        if site.site_type == SiteType.PORTAL:
            match = identifiers.PORTAL_DOMAIN.match(site.domain)
            assert match and match.group("place") == institution.pinyin, site.domain
        else:
            base = portal_domain(institution.government).removeprefix("www.")
            assert site.domain == f"{institution.pinyin}.{base}", site.domain


def test_identifiers_are_valid_and_codes_start_with_the_division(demo, db):
    codes = set()
    for site in Site.objects.exclude(site_code="").select_related("institution__parent"):
        government = site.institution.government
        division = government.division_code or government.parent.division_code
        assert site.site_code.startswith(division) and len(site.site_code) == 10, site.site_code
        identifiers.validate_icp_number(site.icp_number, "澜")
        identifiers.validate_public_security_number(site.public_security_number, "澜", "990000")
        codes.add(site.site_code)
    assert len(codes) == Site.objects.exclude(site_code="").count()
    online = Site.objects.filter(status=SiteStatus.ONLINE)
    assert not online.filter(site_code="").exists() and not online.filter(icp_number="").exists()


def test_no_host_uses_a_real_place(demo, db):
    assert names.is_real_place("taiyuan") and names.is_real_place("chongqing") and names.is_real_place("meitan")
    for site in Site.objects.all():
        place = site.domain.removesuffix(".gov.cn").rsplit(".", 1)[-1]
        assert not names.is_real_place(place), site.domain
    for institution in Institution.objects.filter(kind=InstitutionKind.GOVERNMENT):
        assert not names.is_real_place(institution.pinyin), institution


def test_place_pool_is_free_of_real_places():
    import random

    pool = names.PlaceNames(random.Random(1))
    taken = [pool.take() for _ in range(len(pool))]
    assert len({p.pinyin for p in taken}) == len(taken) > 700
    assert not [p for p in taken if names.is_real_place(p.pinyin)]


def test_second_run_changes_nothing(demo, db):
    before = (Institution.objects.count(), Site.objects.count(), AuditLogEntry.objects.count())
    output = run("demo_estate", "--scale", "small")
    assert "已存在" in output
    assert (Institution.objects.count(), Site.objects.count(), AuditLogEntry.objects.count()) == before


def test_reset_regenerates_the_same_estate_for_the_same_seed(demo, db):
    def shape():
        return sorted(Site.objects.values_list("name", "domain", "site_code", "status"))

    before, old_ids = shape(), set(Site.objects.values_list("pk", flat=True))
    output = run("demo_estate", "--scale", "small", "--reset")
    assert "已生成" in output
    assert shape() == before
    assert not old_ids & set(Site.objects.values_list("pk", flat=True))
    assert AuditLogEntry.objects.filter(action="govsites.demo.reset").exists()


def test_demo_never_touches_a_real_estate(demo, db):
    Institution.objects.create(name="某省人民政府", kind=InstitutionKind.GOVERNMENT, level=Level.PROVINCE,
                               division_code="980000", abbreviation="某")
    with pytest.raises(CommandError, match="非演示数据"):
        run("demo_estate", "--reset")
    with pytest.raises(estate.DemoError):
        estate.generate("small")


def test_histories_go_through_the_actions(demo, db):
    kinds = set(Announcement.objects.values_list("kind", flat=True))
    assert kinds >= {AnnouncementKind.LAUNCH, AnnouncementKind.TEMPORARY_OFFLINE, AnnouncementKind.MIGRATION_NOTICE,
                     AnnouncementKind.MIGRATION_DONE}
    closed = Site.objects.filter(status=SiteStatus.CLOSED)
    assert all(site.migrated_to_id and site.archive_records.exists() for site in closed)
    assert ArchiveRecord.objects.exists() and SpecialTopic.objects.exists()
    pending = set(Application.objects.filter(status=ApplicationStatus.PENDING).values_list("kind", flat=True))
    assert pending == set(ApplicationKind.values)
    for site in Site.objects.exclude(status=SiteStatus.ONLINE):
        entries = AuditLogEntry.objects.filter(site_ref=site.pk)
        assert entries.exists(), site
    # the timeline spans months, not one instant
    stamps = AuditLogEntry.objects.filter(action__startswith="registry.").values_list("timestamp", flat=True)
    assert (max(stamps) - min(stamps)).days > 180


def test_staff_of_the_history_cannot_log_in(demo, db):
    staff = get_user_model().objects.filter(username__startswith=estate.STAFF_PREFIX)
    assert staff.exists()
    assert all(not user.is_active and not user.has_usable_password() for user in staff)


@pytest.mark.rule("REG-02")
def test_missing_portal_report_lists_the_county_without_one(demo, db):
    missing = list(rules.governments_missing_portal())
    assert len(missing) == 1 and missing[0].level == Level.COUNTY
    assert not Site.objects.filter(institution=missing[0]).exists()


@pytest.mark.rule("REG-03")
def test_township_and_county_department_sites_are_flagged_for_integration(demo, db):
    flagged = list(Site.objects.needing_integration().select_related("institution"))
    assert any(s.institution.level == Level.TOWNSHIP for s in flagged)
    assert any(s.institution.kind == InstitutionKind.DEPARTMENT for s in flagged)
    assert all(s.institution.level in (Level.TOWNSHIP, Level.COUNTY) for s in flagged)
    assert all(rules.integration_reason(s) for s in flagged)
    county_department_sites = Site.objects.live().filter(institution__kind=InstitutionKind.DEPARTMENT,
                                                         institution__level=Level.COUNTY)
    assert set(county_department_sites) <= set(flagged)


@pytest.mark.rule("REG-09")
def test_the_half_prepared_site_cannot_go_live(demo, db):
    site = Site.objects.filter(status=SiteStatus.APPROVED).select_related("institution").first()
    items = site.checklist_items.all()
    assert items.filter(done_at__isnull=False).exists() and items.filter(done_at__isnull=True).exists()
    manager = site.institution.role_assignments.get(role="site_manager").user
    with pytest.raises(RuleViolation) as exc:
        LaunchSite(Actor.cli(manager), site).execute()
    assert exc.value.rule == "REG-09"
