"""Validation of site records shared by applications, change filings, onboarding and import.

Collects every problem at once (so a form or an import row shows all of them) and raises one
``ValidationError`` keyed by field, each message naming its rule.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from govsites.policy.profiles import active as active_profile

from . import identifiers
from .errors import RuleViolation
from .models import Institution, Site, SiteType

PHONE = re.compile(r"^[0-9+\-() ]{7,32}$")
TEXT_FIELDS = (
    "name", "short_name", "sponsor_name", "operator_name", "responsible_person", "responsible_phone",
    "responsible_email", "contact_phone", "contact_email", "contact_address", "hosting_notes", "site_mark_number",
)
REQUIRED = ("name", "sponsor_name", "responsible_person")


def estate_root(institution: Institution | None = None) -> Institution | None:
    """The top government of the estate (the provincial / municipal government)."""
    if institution is not None:
        return institution.root
    return Institution.objects.filter(parent__isnull=True).order_by("pk").first()


def division_government(institution: Institution) -> Institution | None:
    """The nearest government with a division code (a township's county, a department's own)."""
    node = institution.government
    while node is not None and not node.division_code:
        node = node.parent.government if node.parent_id else None
    return node


def portal_domain_for(institution: Institution) -> str | None:
    """The English domain of the live portal of ``institution``'s own government."""
    government = institution.government
    if government is None:
        return None
    portal = Site.objects.live().filter(institution=government, site_type=SiteType.PORTAL).exclude(domain="").first()
    return portal.domain if portal else None


class Collector:
    def __init__(self):
        self.errors: dict[str, list[ValidationError]] = {}

    def add(self, field: str, error: ValidationError | str, code: str = "invalid") -> None:
        if isinstance(error, RuleViolation):
            error = ValidationError(error.text, code=error.rule)
        elif isinstance(error, str):
            error = ValidationError(error, code=code)
        self.errors.setdefault(field, []).append(error)

    def check(self, field: str, func, *args, **kwargs):
        try:
            return func(*args, **kwargs)
        except RuleViolation as violation:
            self.add(field, violation)
        except ValidationError as error:
            for message in error.messages:
                self.add(field, message)
        return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def clean_site_fields(
    data: dict,
    institution: Institution,
    site_type: str,
    *,
    site: Site | None = None,
    partial: bool = False,
    require_domain: bool = True,
    live: bool = True,
) -> dict:
    """Validate and normalise the site fields in ``data``; returns the cleaned values.

    ``partial`` (change filings) checks only the keys present; ``site`` is the record being
    changed (excluded from uniqueness checks); ``live=False`` (recording a closed site) skips
    the domain uniqueness that only binds live sites.
    """
    errors = Collector()
    cleaned: dict = {}
    labels = {f.name: str(f.verbose_name) for f in Site._meta.get_fields() if hasattr(f, "verbose_name")}
    for name in TEXT_FIELDS:
        if name not in data and partial:
            continue
        value = str(data.get(name) or "").strip()
        max_length = Site._meta.get_field(name).max_length
        if name in REQUIRED and not value:
            errors.add(name, f"“{labels[name]}”为必填项。", "required")
        elif max_length and len(value) > max_length:
            errors.add(name, f"“{labels[name]}”不能超过{max_length}个字符。", "max_length")
        cleaned[name] = value

    name = cleaned.get("name")
    if name:
        own_names = [n for n in (institution.name, institution.short_name) if n]
        if not any(n in name for n in own_names):
            errors.add(
                "name",
                RuleViolation("REG-05", f"网站须以本机构名称命名，网站全称应包含“{institution.name}”或其规范简称。"),
            )
    for field in ("responsible_phone", "contact_phone"):
        if cleaned.get(field) and not PHONE.match(cleaned[field]):
            errors.add(field, f"“{labels[field]}”格式不正确，应为7至32位数字（可含区号分隔符“-”）。")
    for field in ("responsible_email", "contact_email"):
        if cleaned.get(field):
            errors.check(field, validate_email, cleaned[field])

    live_others = Site.objects.live().exclude(pk=site.pk if site else None)
    if not live:
        live_others = Site.objects.none()
    if "domain" in data or not partial:
        raw = str(data.get("domain") or "").strip()
        if not raw:
            if require_domain:
                errors.add("domain", RuleViolation("REG-07", "请填写英文域名。"))
            cleaned["domain"] = ""
        else:
            if site_type == SiteType.PORTAL:
                domain = errors.check("domain", identifiers.validate_portal_domain, raw)
            else:
                domain = errors.check(
                    "domain", identifiers.validate_department_domain, raw, portal_domain_for(institution)
                )
            if domain and live_others.filter(domain=domain).exists():
                errors.add("domain", RuleViolation("REG-07", f"域名 {domain} 已被其他网站使用。"))
            cleaned["domain"] = domain or raw

    if "chinese_domain" in data or not partial:
        raw = str(data.get("chinese_domain") or "").strip()
        if raw:
            suffixes = tuple(active_profile().get("registry.chinese_domain_suffixes"))
            value = errors.check("chinese_domain", identifiers.validate_chinese_domain, raw, institution, suffixes)
            if value and live_others.filter(chinese_domain=value).exists():
                errors.add("chinese_domain", RuleViolation("REG-06", f"中文域名 {value} 已被其他网站使用。"))
        cleaned["chinese_domain"] = raw

    root = estate_root(institution)
    abbreviation = root.abbreviation if root else ""
    province_code = root.division_code if root else ""
    for field, func, args in (
        ("site_code", identifiers.validate_site_code, (division_government(institution),)),
        ("icp_number", identifiers.validate_icp_number, (abbreviation,)),
        ("public_security_number", identifiers.validate_public_security_number, (abbreviation, province_code)),
    ):
        raw = str(data.get(field) or "").strip()
        if raw:
            value = errors.check(field, func, raw, *args)
            if field == "site_code" and value and Site.objects.exclude(pk=site.pk if site else None).filter(
                site_code=value
            ).exists():
                errors.add(field, RuleViolation("REG-09", f"网站标识码 {value} 已被其他网站使用。"))
            cleaned[field] = raw
        elif field in data:
            cleaned[field] = ""

    if "hosted" in data and str(data["hosted"]).strip() != "":
        cleaned["hosted"] = _boolean(data["hosted"], errors)
    errors.raise_if_any()
    return cleaned


def _boolean(value, errors: Collector) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "是", "y"}:
        return True
    if text in {"0", "false", "no", "否", "n"}:
        return False
    errors.add("hosted", "“部署在本平台”只能填写“是”或“否”。")
    return False


def validate_identifier(field: str, value: str, site: Site) -> str:
    """Validate one identifier being recorded on ``site`` (checklist references)."""
    cleaned = clean_site_fields({field: value}, site.institution, site.site_type, site=site, partial=True)
    return cleaned.get(field, value)
