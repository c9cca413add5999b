import pytest

from govsites.registry import identifiers
from govsites.registry.errors import RuleViolation
from govsites.registry.models import Institution, InstitutionKind, Level


def gov(name, **kw):
    return Institution(name=name, kind=InstitutionKind.GOVERNMENT, level=Level.CITY, **kw)


@pytest.mark.rule("REG-07")
@pytest.mark.parametrize("domain", ["www.qinglan.gov.cn", "WWW.QINGLAN.GOV.CN", "www.xi-kou.gov.cn"])
def test_portal_domain_accepts_www_place_gov_cn(domain):
    assert identifiers.validate_portal_domain(domain) == domain.lower()


@pytest.mark.rule("REG-07")
@pytest.mark.parametrize(
    "domain",
    ["qinglan.gov.cn", "www.qinglan.com", "www.qinglan.gov.cn.evil.com", "web.qinglan.gov.cn", "www.qing_lan.gov.cn",
     "www..gov.cn", "http://www.qinglan.gov.cn", "www.qinglan.gov.cn/index.html", "www.-bad.gov.cn"],
)
def test_portal_domain_rejects_other_forms(domain):
    with pytest.raises(RuleViolation) as exc:
        identifiers.validate_portal_domain(domain)
    assert exc.value.rule == "REG-07"
    assert "【REG-07】" in str(exc.value)


@pytest.mark.rule("REG-07")
def test_department_domain_must_be_under_own_government_portal():
    assert identifiers.validate_department_domain("slj.qinglan.gov.cn", "www.qinglan.gov.cn") == "slj.qinglan.gov.cn"
    for bad in ("slj.lanchuan.gov.cn", "www.qinglan.gov.cn", "a.slj.qinglan.gov.cn", "slj.qinglan.com"):
        with pytest.raises(RuleViolation) as exc:
            identifiers.validate_department_domain(bad, "www.qinglan.gov.cn")
        assert "qinglan.gov.cn" in str(exc.value)
    with pytest.raises(RuleViolation, match="尚未登记"):
        identifiers.validate_department_domain("slj.qinglan.gov.cn", None)


@pytest.mark.rule("REG-07")
def test_domain_suggestions_come_from_pinyin(estate):
    assert identifiers.suggest_domains(gov("青岚市人民政府"))[0] == "www.qinglan.gov.cn"
    assert "www.ql.gov.cn" in identifiers.suggest_domains(gov("青岚市人民政府"))
    # a department: initials of its short name under its government's portal
    assert identifiers.suggest_domains(estate.dev_reform, "www.lanchuan.gov.cn")[0] == "fgw.lanchuan.gov.cn"
    assert identifiers.suggest_domains(estate.water, "www.qinglan.gov.cn")[0] == "slj.qinglan.gov.cn"
    assert identifiers.suggest_domains(estate.water, None) == []


@pytest.mark.rule("REG-06")
def test_chinese_domain_is_institution_name_dot_zhengwu(estate):
    inst = estate.dev_reform
    assert identifiers.validate_chinese_domain("澜川省发展和改革委员会.政务", inst)
    assert identifiers.validate_chinese_domain("省发改委.政务", inst)
    for bad in ("发改委.政务", "澜川省发展和改革委员会.中国", "澜川省发展和改革委员会", ".政务", "省发改委.政务.cn"):
        with pytest.raises(RuleViolation) as exc:
            identifiers.validate_chinese_domain(bad, inst)
        assert exc.value.rule == "REG-06"


@pytest.mark.rule("REG-09")
def test_site_code_format_and_division_prefix(estate):
    assert identifiers.validate_site_code("9901000052", estate.city)
    assert identifiers.validate_site_code("bm29000002", estate.city)
    for bad in ("990100005", "99010000521", "BM29000002", "bm2900000", "99010a0052", ""):
        with pytest.raises(RuleViolation):
            identifiers.validate_site_code(bad, estate.city)
    with pytest.raises(RuleViolation, match="990100"):
        identifiers.validate_site_code("9900000052", estate.city)


@pytest.mark.rule("REG-09")
def test_icp_and_public_security_numbers_carry_the_province(estate):
    assert identifiers.validate_icp_number("澜ICP备12345678号", "澜")
    assert identifiers.validate_icp_number("澜ICP备12345678号-2", "澜")
    for bad in ("晋ICP备12345678号", "澜ICP备1234567号", "澜ICP12345678号", "ICP备12345678号"):
        with pytest.raises(RuleViolation):
            identifiers.validate_icp_number(bad, "澜")
    assert identifiers.validate_public_security_number("澜公网安备 99010502000123号", "澜", "990000")
    assert identifiers.validate_public_security_number("澜公网安备99010502000123号", "澜", "990000")
    for bad in ("澜公网安备 14010502000123号", "晋公网安备 99010502000123号", "澜公网安备 9901050200012号"):
        with pytest.raises(RuleViolation):
            identifiers.validate_public_security_number(bad, "澜", "990000")


@pytest.mark.rule("REG-01")
@pytest.mark.parametrize(
    ("code", "level", "parent", "ok"),
    [
        ("990000", "province", None, True),
        ("990100", "city", "990000", True),
        ("990121", "county", "990100", True),
        ("500101", "county", "500000", True),  # a municipality's district directly under it
        ("990100", "province", None, False),
        ("990101", "city", "990000", False),
        ("980100", "city", "990000", False),
        ("99010", "city", "990000", False),
        ("990200", "county", "990100", False),
    ],
)
def test_division_codes_follow_gbt2260_shape(code, level, parent, ok):
    if ok:
        assert identifiers.validate_division_code(code, level, parent) == code
    else:
        with pytest.raises(RuleViolation):
            identifiers.validate_division_code(code, level, parent)


@pytest.mark.rule("REG-07")
def test_county_portal_suggestion_drops_the_city_prefix(estate):
    assert identifiers.suggest_domains(estate.new_county)[0] == "www.shiquan.gov.cn"
    assert identifiers.suggest_domains(estate.county)[0] == "www.xikou.gov.cn"  # its recorded pinyin
