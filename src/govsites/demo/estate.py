"""The demo estate: a fictional province (澜川省) with its governments, departments and sites.

Plain online sites are written in bulk through the ORM (fast enough for the benchmark sizes and
still valid under the registry's validators, which the tests check); every site with a history
goes through the real actions in :mod:`.history`, so timelines, announcements and approval
inboxes are real. :mod:`.names` explains why no demo host looks like a real government's.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count

from govsites import clock
from govsites.audit.context import Actor
from govsites.audit.log import record
from govsites.content.models import SiteHomePage
from govsites.registry.models import (
    Announcement,
    Application,
    ApplicationStatus,
    ArchiveRecord,
    Institution,
    InstitutionKind,
    Level,
    NationalReport,
    Site,
    SiteStatus,
    SpecialTopic,
)
from govsites.registry.rules import site_type_for

from . import names

DEFAULT_SEED = 20260101
#: days before today on which the existing estate was recorded in the registry
ONBOARDING_DAYS_AGO = 400
#: accounts of the estate's people (history only, no password), see :mod:`.history`
STAFF_PREFIX = "staff-"
ACTOR = Actor(user=None, user_agent="govsites demo_estate", via="cli")


@dataclass(frozen=True)
class Scale:
    provincial_departments: int
    cities: int
    city_departments: int
    districts_per_city: int
    counties_per_city: int  # districts, counties and county-level cities together
    legacy_per_city: int  # township / county-department sites awaiting integration (REG-03)
    story_cities: int  # cities with their own lifecycle stories and pending applications


SCALES = {
    "small": Scale(provincial_departments=12, cities=2, city_departments=13, districts_per_city=1,
                   counties_per_city=3, legacy_per_city=2, story_cities=1),
    "medium": Scale(provincial_departments=40, cities=11, city_departments=30, districts_per_city=2,
                    counties_per_city=9, legacy_per_city=3, story_cities=3),
    "large": Scale(provincial_departments=45, cities=30, city_departments=38, districts_per_city=3,
                   counties_per_city=20, legacy_per_city=6, story_cities=6),
}


@dataclass
class Area:
    """A government with everything under it that the generator needs to find again."""

    government: Institution
    place: str  # 青岚市
    prefix: str  # address prefix: 澜川省青岚市
    phone_area: str
    operator: str
    departments: dict[str, Institution] = field(default_factory=dict)
    counties: list[Area] = field(default_factory=list)
    abolished: list[tuple[Institution, str]] = field(default_factory=list)  # (department, successor key)
    legacy: list[Institution] = field(default_factory=list)  # county departments / townships with old sites
    has_portal: bool = True  # False: no bulk portal (a story opens it, or it stays missing)


@dataclass
class Estate:
    province: Area
    cities: list[Area]
    onboarded_at: dt.datetime
    reserved: set[int] = field(default_factory=set)  # institutions whose site a story creates
    story_areas: list[Area] = field(default_factory=list)  # where stories need every department's site

    @property
    def capital(self) -> Area:
        return self.cities[0]


@dataclass
class Summary:
    institutions: int
    sites: int
    statuses: dict[str, int]
    pending_applications: int
    seconds: float | None = None


def demo_root() -> Institution | None:
    return Institution.objects.filter(parent__isnull=True, division_code=names.PROVINCE_CODE).first()


def foreign_roots():
    """Top governments that are not the demo province: real data the demo must never touch."""
    return Institution.objects.filter(parent__isnull=True).exclude(division_code=names.PROVINCE_CODE)


def summary() -> Summary:
    statuses = dict(Site.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return Summary(
        institutions=Institution.objects.count(),
        sites=sum(statuses.values()),
        statuses={s: statuses.get(s, 0) for s in SiteStatus.values},
        pending_applications=Application.objects.filter(status=ApplicationStatus.PENDING).count(),
    )


class DemoError(Exception):
    """The demo cannot run on this database (say, it holds a real estate)."""


def generate(scale: str = "small", seed: int = DEFAULT_SEED) -> Summary:
    """Build the whole estate in one transaction: all of it or nothing."""
    from .history import History

    if foreign_roots().exists():
        raise DemoError("登记库中已有非演示数据，演示网站群只能生成在空的登记库中。")
    started = time.monotonic()
    # Seeded on purpose: the same seed gives the same estate. No secret comes from these.
    names_rng, history_rng = random.Random(seed), random.Random(seed + 1)  # noqa: S311
    with transaction.atomic():
        builder = Builder(SCALES[scale], names_rng, clock.today())
        estate = builder.build()
        history = History(estate, builder, history_rng, clock.now())
        builder.bulk_sites(estate)
        history.run()
        with clock.frozen(estate.onboarded_at):
            record(ACTOR, estate.province.government, "govsites.demo.estate", reason="生成演示网站群",
                   data={"scale": scale, "seed": seed})
    result = summary()
    result.seconds = time.monotonic() - started
    return result


def reset() -> None:
    """Delete every registry row (PROTECT foreign keys first) and the estate's staff accounts.

    The audit trail stays (it is append-only). Refuses when the registry holds anything but
    the demo province.
    """
    if foreign_roots().exists():
        raise DemoError("登记库中有非演示数据，拒绝清空。")
    with transaction.atomic():
        root = demo_root()
        if root is not None:
            record(ACTOR, root, "govsites.demo.reset", reason="清空演示网站群")
        for home in SiteHomePage.objects.all():
            home.delete()  # the content tree of each site (columns point at special topics)
        for model in (SpecialTopic, Announcement, ArchiveRecord, NationalReport, Application):
            model.objects.all().delete()
        Site.objects.update(migrated_to=None)
        Site.objects.all().delete()
        Institution.objects.update(parent=None)
        Institution.objects.all().delete()
        for user in get_user_model().objects.filter(username__startswith=STAFF_PREFIX, is_active=False):
            if not user.has_usable_password():
                user.delete()


class Builder:
    """Creates the institutions and the plain online sites; allocates identifiers."""

    def __init__(self, scale: Scale, rng: random.Random, today: dt.date):
        self.scale, self.rng, self.today = scale, rng, today
        self.places = names.PlaceNames(rng)
        self.sequence: Counter[str] = Counter()
        self.icp_numbers: set[int] = set()
        day = today - dt.timedelta(days=ONBOARDING_DAYS_AGO)
        self.onboarded_at = clock.at(day.year, day.month, day.day, 9, 30)

    # -- institutions ------------------------------------------------------------------------
    def build(self) -> Estate:
        with clock.frozen(self.onboarded_at):
            province = self.government(
                f"{names.PROVINCE}省", names.PROVINCE_PINYIN, Level.PROVINCE, names.PROVINCE_CODE, None,
                office="办公厅", phone_area="601", operator=f"{names.PROVINCE}省大数据中心",
                prefix=f"{names.PROVINCE}省", abbreviation=names.PROVINCE_ABBREVIATION,
            )
            self.departments(province, "province", self.scale.provincial_departments, "省")
            cities = [self.city(province, index) for index in range(1, self.scale.cities + 1)]
            estate = Estate(province, cities, self.onboarded_at)
            self.plan_legacy(estate)
        return estate

    def government(self, place: str, pinyin: str, level: str, code: str, parent: Area | None, *,
                   office: str, phone_area: str, operator: str, prefix: str, abbreviation: str = "") -> Area:
        name = f"{place}人民政府"
        institution = Institution.objects.create(
            name=name, short_name=f"{place}政府", kind=InstitutionKind.GOVERNMENT, level=level,
            division_code=code, pinyin=pinyin, parent=parent.government if parent else None,
            head_name=names.person(self.rng), office_name=f"{name}{office}", abbreviation=abbreviation,
        )
        return Area(institution, place, prefix, phone_area, operator)

    def departments(self, area: Area, level: str, count: int, level_word: str) -> None:
        rows = [d for d in names.DEPARTMENTS if getattr(d, level) is not None][:count]
        for row in rows:
            full, short, label = getattr(row, level)
            area.departments[row.key] = self.department(area, full, f"{level_word}{short}", label)

    def department(self, area: Area, full: str, short: str, label: str) -> Institution:
        government = area.government
        name = f"{government.name}{full[4:]}" if full.startswith("人民政府") else f"{area.place}{full}"
        return Institution.objects.create(
            name=name, short_name=short, kind=InstitutionKind.DEPARTMENT, level=government.level,
            parent=government, pinyin=label, head_name=names.person(self.rng),
        )

    def city(self, province: Area, index: int) -> Area:
        place = names.Place(names.CAPITAL, names.CAPITAL_PINYIN) if index == 1 else self.places.take()
        city = self.government(
            f"{place.name}市", place.pinyin, Level.CITY, f"99{index:02d}00", province, office="办公室",
            phone_area=f"6{index:02d}", operator=f"{place.name}市大数据中心",
            prefix=f"{province.place}{place.name}市",
        )
        self.departments(city, "city", self.scale.city_departments, "市")
        if index <= self.scale.story_cities:
            abolished_rows = names.ABOLISHED_DEPARTMENTS
            for name, label, successor in (abolished_rows[(index - 1 + k) % len(abolished_rows)] for k in (0, 1)):
                abolished = self.department(city, name, f"市{name}", label)
                city.abolished.append((abolished, successor))
        for n in range(self.scale.counties_per_city):
            city.counties.append(self.county(city, index, n))
        return city

    def county(self, city: Area, city_index: int, n: int) -> Area:
        place = self.places.take()
        districts = self.scale.districts_per_city
        county_city = self.scale.counties_per_city >= 6 and n == districts  # one county-level city
        if n < districts:
            suffix, code = "区", 2 + n
        elif county_city:
            suffix, code = "市", 81
        else:
            suffix, code = "县", 21 + n - districts - (self.scale.counties_per_city >= 6)
        return self.government(
            f"{place.name}{suffix}", place.pinyin, Level.COUNTY, f"99{city_index:02d}{code:02d}", city,
            office="办公室", phone_area=city.phone_area, operator=city.operator,
            prefix=f"{city.prefix}{place.name}{suffix}",
        )

    def plan_legacy(self, estate: Estate) -> None:
        """Old sites of county departments and townships, recorded at onboarding (REG-03)."""
        for index, city in enumerate(estate.cities):
            story_city = index < self.scale.story_cities
            count = max(self.scale.legacy_per_city, 5) if story_city else self.scale.legacy_per_city
            usable = city.counties[: max(1, len(city.counties) - 3)]  # the last ones may get story portals
            for n in range(count):
                county = usable[n % len(usable)]
                if n % 5 == 4:
                    place = self.places.take()
                    township = Institution.objects.create(
                        name=f"{county.place}{place.name}镇人民政府", short_name=f"{place.name}镇政府",
                        kind=InstitutionKind.GOVERNMENT, level=Level.TOWNSHIP, parent=county.government,
                        pinyin=place.pinyin, head_name=names.person(self.rng),
                        office_name=f"{county.place}{place.name}镇人民政府党政办公室",
                    )
                    county.legacy.append(township)
                else:
                    full, label = names.COUNTY_DEPARTMENTS[n % len(names.COUNTY_DEPARTMENTS)]
                    if any(i.pinyin == label for i in county.legacy):
                        continue
                    county.legacy.append(Institution.objects.create(
                        name=f"{county.place}{full}", short_name=f"{county.place[-1]}{full}",
                        kind=InstitutionKind.DEPARTMENT, level=Level.COUNTY, parent=county.government,
                        pinyin=label, head_name=names.person(self.rng),
                    ))

    # -- sites ---------------------------------------------------------------------------------
    def bulk_sites(self, estate: Estate) -> None:
        sites = []
        for area in [estate.province, *estate.cities]:
            governments = [area] + (area.counties if area is not estate.province else [])
            for government in governments:
                if government.has_portal and government.government.pk not in estate.reserved:
                    sites.append(self.site(government.government, government))
            for institution in [*area.departments.values(), *(a for a, _ in area.abolished)]:
                if institution.pk in estate.reserved:
                    continue
                if area not in estate.story_areas and self.rng.random() < 0.05:
                    continue  # some departments publish through the portal only
                sites.append(self.site(institution, area))
        Site.objects.bulk_create(sites, batch_size=500)

    def site(self, institution: Institution, area: Area) -> Site:
        data = self.site_fields(institution, area)
        data.update(self.identifiers(institution))
        launched = self.past_moment(dt.date(2008, 1, 1), self.onboarded_at.date() - dt.timedelta(days=60))
        return Site(
            institution=institution, site_type=site_type_for(institution), status=SiteStatus.ONLINE,
            status_changed_at=launched, launched_at=launched, created_at=self.onboarded_at,
            updated_at=self.onboarded_at, **data,
        )

    def past_moment(self, start: dt.date, end: dt.date) -> dt.datetime:
        day = start + dt.timedelta(days=self.rng.randrange((end - start).days))
        return clock.at(day.year, day.month, day.day, self.rng.randint(9, 17), self.rng.randrange(60))

    def domain(self, institution: Institution) -> str:
        if institution.is_government:
            return f"www.{institution.pinyin}.gov.cn"
        return f"{institution.pinyin}.{institution.parent.pinyin}.gov.cn"

    def site_fields(self, institution: Institution, area: Area, *, legacy: bool = False) -> dict:
        """Everything a site record says except its identifiers (those come with the launch)."""
        domain = self.domain(institution)
        portal = institution.is_government
        external = legacy or institution.pinyin in {"gat", "gaj"} or self.rng.random() < 0.06
        if portal:
            name, short = f"{institution.name}门户网站", f"{institution.short_name}网"
            sponsor = institution.office_name
        else:
            name, short, sponsor = f"{institution.name}网站", institution.short_name, institution.name
        mailbox = "zwgk" if portal else "bgs"
        data = {
            "name": name, "short_name": short, "domain": domain, "sponsor_name": sponsor,
            "chinese_domain": f"{institution.name}.政务" if (portal or self.rng.random() < 0.7) and not legacy else "",
            "operator_name": f"{institution.name}信息中心" if external else area.operator,
            "responsible_person": names.person(self.rng),
            "responsible_phone": names.phone(self.rng, area.phone_area),
            "contact_phone": names.phone(self.rng, area.phone_area),
            "contact_email": f"{mailbox}@{domain.removeprefix('www.')}",
            "contact_address": names.address(self.rng, area.prefix),
            "hosted": not external,
            "hosting_notes": "" if not external else (
                "部署在公安信息网边界区域，由本单位自行运维" if institution.pinyin in {"gat", "gaj"}
                else "部署在本单位自建机房，尚未迁入集约化平台"),
        }
        if legacy:
            data["operator_name"] = f"{area.place}{self.rng.choice(['融媒体中心', '信息中心'])}"
        return data

    def identifiers(self, institution: Institution) -> dict:
        """Site code, ICP, public-security and site-mark numbers, unique across the estate."""
        government = institution.government
        division = government.division_code or government.parent.division_code
        self.sequence[division] += 1
        sequence = self.sequence[division]
        number = self.rng.randrange(10_000_000, 100_000_000)
        while number in self.icp_numbers:
            number = self.rng.randrange(10_000_000, 100_000_000)
        self.icp_numbers.add(number)
        abbreviation = names.PROVINCE_ABBREVIATION
        return {
            "site_code": f"{division}{sequence:04d}",
            "icp_number": f"{abbreviation}ICP备{number}号" + ("-1" if institution.is_government else ""),
            "public_security_number": f"{abbreviation}公网安备 {division}{self.rng.randrange(10**7, 10**8):08d}号",
            "site_mark_number": f"DZ{division}{sequence:04d}",
        }

