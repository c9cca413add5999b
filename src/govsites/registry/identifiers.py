"""Formats of a site's names and identifiers (REG-06, REG-07, national.md §1.2–1.3).

Each ``validate_*`` raises :class:`RuleViolation` with a Chinese message saying what form was
expected; ``suggest_*`` proposes values from an institution's name (pinyin via pypinyin).
"""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

from .errors import RuleViolation

LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
PORTAL_DOMAIN = re.compile(rf"^www\.(?P<place>{LABEL})\.gov\.cn$")
DEPARTMENT_DOMAIN = re.compile(rf"^(?P<dept>{LABEL})\.(?P<base>{LABEL}\.gov\.cn)$")
SITE_CODE = re.compile(r"^(?:\d{10}|bm\d{8})$")
ICP_NUMBER = re.compile(r"^(?P<abbr>[\u4e00-\u9fff])ICP备(?P<num>\d{8})号(?:-(?P<sub>\d{1,3}))?$")
PUBLIC_SECURITY_NUMBER = re.compile(r"^(?P<abbr>[\u4e00-\u9fff])公网安备\s?(?P<num>\d{14})号$")
DIVISION_CODE = re.compile(r"^\d{6}$")
CHINESE_DOMAIN_NAME = re.compile(r"^[\u4e00-\u9fff0-9A-Za-z（）()·-]{2,60}$")

# Suffixes stripped from a government's name to get the place name, longest first.
_GOVERNMENT_SUFFIXES = ("人民政府", "政府")
_PLACE_SUFFIXES = (
    "特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "新区", "林区", "省", "市", "县", "区", "州", "盟", "旗",
)


def normalise_domain(value: str, field: str = "domain") -> str:
    value = (value or "").strip().lower().rstrip(".")
    if "://" in value or "/" in value or " " in value:
        raise RuleViolation("REG-07", "请只填写域名本身，不要包含 http://、路径或空格。", field)
    return value


def place_name(government_name: str) -> str:
    """``"青岚市人民政府"`` → ``"青岚"``."""
    name = government_name
    for suffix in _GOVERNMENT_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    for suffix in _PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def own_government_name(government) -> str:
    """The government's name without its superior's place prefix (青岚市石泉县人民政府 → 石泉县人民政府)."""
    name = government.short_name or government.name
    parent = government.parent
    if parent is not None:
        prefix = place_name(parent.name)
        for candidate in (parent.name.removesuffix("人民政府"), prefix):
            if candidate and name.startswith(candidate) and len(name) > len(candidate) + 1:
                return name[len(candidate) :]
    return name


def _ascii(syllables: list[str]) -> str:
    return re.sub(r"[^a-z0-9]", "", "".join(syllables).lower().replace("ü", "v"))


def full_pinyin(text: str) -> str:
    return _ascii(lazy_pinyin(text, errors="ignore"))


def initials(text: str) -> str:
    return _ascii(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore"))


def department_part(institution) -> str:
    """The department's own name without its government's place prefix (``省发改委`` → ``发改委``)."""
    name = _strip_place(institution.short_name or institution.name, institution)
    if name[:1] in {"省", "市", "县", "区"} and len(name) > 3:
        name = name[1:]
    return name


def _strip_place(name: str, institution) -> str:
    government = institution.government
    if government is not None:
        for prefix in (government.name, government.short_name, place_name(government.name)):
            if prefix and name.startswith(prefix) and len(name) > len(prefix):
                return name[len(prefix) :]
        for suffix in _PLACE_SUFFIXES:
            prefix = place_name(government.name) + suffix
            if name.startswith(prefix) and len(name) > len(prefix):
                return name[len(prefix) :]
    return name


def suggest_domains(institution, portal_domain: str | None = None) -> list[str]:
    """Candidate English domains, best first (REG-07)."""
    if institution.is_government:
        labels = [institution.pinyin] if institution.pinyin else []
        place = place_name(own_government_name(institution))
        labels += [full_pinyin(place), initials(place)]
        return _unique(f"www.{label}.gov.cn" for label in labels if label)
    if not portal_domain:
        return []
    base = portal_domain.removeprefix("www.")
    part = department_part(institution)
    labels = [institution.pinyin] if institution.pinyin else []
    labels += [initials(part), full_pinyin(part)]
    return _unique(f"{label}.{base}" for label in labels if label and len(label) <= 63)


def _unique(values) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def validate_portal_domain(domain: str, field: str = "domain") -> str:
    domain = normalise_domain(domain, field)
    if not PORTAL_DOMAIN.match(domain):
        raise RuleViolation(
            "REG-07",
            f"政府门户网站英文域名须为“www.地名拼音.gov.cn”结构（如 www.qinglan.gov.cn），“{domain}”不符合。",
            field,
        )
    return domain


def validate_department_domain(domain: str, portal_domain: str | None, field: str = "domain") -> str:
    domain = normalise_domain(domain, field)
    if not portal_domain:
        raise RuleViolation("REG-07", "本级政府门户网站尚未登记英文域名，部门网站无法确定上级域名。", field)
    base = portal_domain.removeprefix("www.")
    match = DEPARTMENT_DOMAIN.match(domain)
    if not match or match.group("base") != base or match.group("dept") == "www":
        raise RuleViolation(
            "REG-07",
            f"部门网站英文域名须使用本级政府门户网站的下级域名，结构为“部门拼音或英文.{base}”，“{domain}”不符合。",
            field,
        )
    return domain


def validate_chinese_domain(value: str, institution, suffixes=(".政务",), field: str = "chinese_domain") -> str:
    value = (value or "").strip()
    suffix = next((s for s in suffixes if value.endswith(s)), None)
    allowed = [n for n in (institution.name, institution.short_name) if n]
    if suffix is None or value[: -len(suffix)] not in allowed:
        expected = "或".join(f"“{n}{suffixes[0]}”" for n in allowed)
        raise RuleViolation(
            "REG-06", f"中文域名须为“机构全称或规范简称{suffixes[0]}”结构，应为{expected}，“{value}”不符合。", field
        )
    return value


def validate_site_code(code: str, government, field: str = "site_code") -> str:
    code = (code or "").strip()
    if not SITE_CODE.match(code):
        raise RuleViolation(
            "REG-09",
            f"网站标识码须为10位：行政区划代码6位加4位顺序号（如 1401000001），或 bm 加8位数字；“{code}”不符合。",
            field,
        )
    division = getattr(government, "division_code", "") if government is not None else ""
    if code[:2] != "bm" and division and code[:6] != division:
        raise RuleViolation(
            "REG-09", f"网站标识码前6位须为开办政府的行政区划代码 {division}，“{code}”不符合。", field
        )
    return code


def validate_icp_number(value: str, abbreviation: str, field: str = "icp_number") -> str:
    value = (value or "").strip()
    match = ICP_NUMBER.match(value)
    example = f"{abbreviation or '晋'}ICP备12345678号"
    if not match:
        raise RuleViolation("REG-09", f"ICP备案号格式应为“{example}”（可带“-1”等后缀），“{value}”不符合。", field)
    if abbreviation and match.group("abbr") != abbreviation:
        raise RuleViolation("REG-09", f"ICP备案号须以本省简称“{abbreviation}”开头，“{value}”不符合。", field)
    return value


def validate_public_security_number(value: str, abbreviation: str, province_code: str, field="public_security_number"):
    value = (value or "").strip()
    match = PUBLIC_SECURITY_NUMBER.match(value)
    example = f"{abbreviation or '晋'}公网安备 {province_code[:2] or '14'}010502000123号"
    if not match:
        raise RuleViolation("REG-09", f"公安机关备案号格式应为“{example}”（14位数字），“{value}”不符合。", field)
    if abbreviation and match.group("abbr") != abbreviation:
        raise RuleViolation("REG-09", f"公安机关备案号须以本省简称“{abbreviation}”开头，“{value}”不符合。", field)
    if province_code and match.group("num")[:2] != province_code[:2]:
        raise RuleViolation(
            "REG-09", f"公安机关备案号的数字部分须以本省行政区划代码 {province_code[:2]} 开头，“{value}”不符合。", field
        )
    return value


LEVEL_ORDER = {"province": 0, "city": 1, "county": 2, "township": 3}


def validate_division_code(code: str, level: str, parent_code: str | None, field: str = "division_code") -> str:
    """GB/T 2260 shape: province ``XX0000``, city ``XXYY00``, county ``XXYYZZ``, under its parent."""
    code = (code or "").strip()
    if level == "township" and not code:
        return code
    if not DIVISION_CODE.match(code):
        raise RuleViolation("REG-01", f"行政区划代码须为6位数字，“{code}”不符合。", field)
    shape_ok = {
        "province": code.endswith("0000") and code != "000000",
        "city": code.endswith("00") and not code.endswith("0000"),
        "county": not code.endswith("00"),
        "township": True,
    }.get(level, False)
    if not shape_ok:
        raise RuleViolation("REG-01", f"行政区划代码“{code}”与机构层级不符（省级 XX0000，市级 XXYY00，县级 XXYYZZ）。", field)
    if parent_code:
        prefix = parent_code
        while prefix.endswith("00"):
            prefix = prefix[:-2]
        if not code.startswith(prefix) or code == parent_code:
            raise RuleViolation("REG-01", f"行政区划代码“{code}”不在上级政府区划 {parent_code} 范围内。", field)
    return code
