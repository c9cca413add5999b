"""Small fictional estates for tests, built straight through the ORM (fast, explicit).

Nothing here is a real place: the province "澜川省" uses the unassigned division prefix 99.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib.auth import get_user_model

from govsites import clock
from govsites.accounts.models import Role, RoleAssignment
from govsites.registry.models import Institution, InstitutionKind, Level, Site, SiteStatus, SiteType


def institution(name, kind, level, parent=None, **extra) -> Institution:
    return Institution.objects.create(name=name, kind=kind, level=level, parent=parent, **extra)


def government(name, level, code, parent=None, **extra) -> Institution:
    return institution(name, InstitutionKind.GOVERNMENT, level, parent, division_code=code,
                       office_name=name.replace("人民政府", "人民政府办公室"), **extra)


def department(name, parent, **extra) -> Institution:
    kind = InstitutionKind.DEPARTMENT if parent.is_government else InstitutionKind.SUBORDINATE_UNIT
    return institution(name, kind, parent.level, parent, **extra)


# High sequence numbers, so codes a test writes by hand (…0001–…0999) never collide.
_codes = iter(range(5000, 10000))


def site(inst: Institution, domain: str, status=SiteStatus.ONLINE, **extra) -> Site:
    government = inst.government
    code = f"{government.division_code}{next(_codes):04d}" if government and government.division_code else ""
    defaults = dict(
        institution=inst,
        site_type=SiteType.PORTAL if inst.is_government else SiteType.DEPARTMENT,
        name=inst.name if inst.is_government else f"{inst.name}网站",
        domain=domain,
        site_code=code,
        sponsor_name=inst.office_name or inst.name,
        responsible_person="王伟",
        responsible_phone="0351-1234567",
        status=status,
        launched_at=clock.now() if status == SiteStatus.ONLINE else None,
    )
    defaults.update(extra)
    return Site.objects.create(**defaults)


def user(username, *roles) -> object:
    """``user("li", (Role.SUPERVISOR, inst), ...)``"""
    account = get_user_model().objects.create_user(username=username, password="x", display_name=username)
    for role, inst in roles:
        RoleAssignment.objects.create(user=account, role=role, institution=inst)
    return account


def build_estate() -> SimpleNamespace:
    e = SimpleNamespace()
    e.province = government("澜川省人民政府", Level.PROVINCE, "990000", abbreviation="澜", pinyin="lanchuan",
                            head_name="省长")
    e.province_portal = site(e.province, "www.lanchuan.gov.cn", chinese_domain="澜川省人民政府.政务")
    e.dev_reform = department("澜川省发展和改革委员会", e.province, short_name="省发改委")
    e.dev_reform_site = site(e.dev_reform, "fgw.lanchuan.gov.cn")
    e.education = department("澜川省教育厅", e.province, short_name="省教育厅")

    e.city = government("青岚市人民政府", Level.CITY, "990100", e.province, pinyin="qinglan")
    e.city_portal = site(e.city, "www.qinglan.gov.cn")
    e.water = department("青岚市水利局", e.city, short_name="市水利局")
    e.stats = department("青岚市统计局", e.city, short_name="市统计局")
    e.stats_site = site(e.stats, "tjj.qinglan.gov.cn")
    e.hydrology = department("青岚市水利局水文站", e.water)

    e.county = government("青岚市溪口县人民政府", Level.COUNTY, "990121", e.city, short_name="溪口县人民政府",
                          pinyin="xikou")
    e.county_portal = site(e.county, "www.xikou.gov.cn")
    e.county_edu = department("溪口县教育局", e.county)
    e.township = government("溪口县桃源镇人民政府", Level.TOWNSHIP, "", e.county)
    e.new_county = government("青岚市石泉县人民政府", Level.COUNTY, "990122", e.city, short_name="石泉县人民政府")

    e.province_office = user("province_office", (Role.SUPERVISOR, e.province))
    e.city_office = user("city_office", (Role.SUPERVISOR, e.city))
    e.county_office = user("county_office", (Role.SUPERVISOR, e.county))
    e.education_head = user("education_head", (Role.INSTITUTION_HEAD, e.education))
    e.education_manager = user("education_manager", (Role.SITE_MANAGER, e.education))
    e.water_head = user("water_head", (Role.INSTITUTION_HEAD, e.water))
    e.water_manager = user("water_manager", (Role.SITE_MANAGER, e.water))
    e.stats_head = user("stats_head", (Role.INSTITUTION_HEAD, e.stats))
    e.stats_manager = user("stats_manager", (Role.SITE_MANAGER, e.stats))
    e.new_county_head = user("new_county_head", (Role.INSTITUTION_HEAD, e.new_county))
    e.new_county_manager = user("new_county_manager", (Role.SITE_MANAGER, e.new_county))
    e.outsider = user("outsider")
    e.security_officer = user("security_officer", (Role.SECURITY_OFFICER, e.province))
    e.auditor = user("auditor", (Role.AUDITOR, e.province))
    return e
