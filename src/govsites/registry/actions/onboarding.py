"""Recording what already exists: institutions and existing sites (bulk onboarding, REG-01)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from govsites import clock
from govsites.audit.log import diff, snapshot

from .. import identifiers, permissions
from ..errors import RuleViolation
from ..models import LIVE_STATUSES, Institution, InstitutionKind, Level, Site, SiteStatus
from ..rules import check_no_live_site, site_type_for
from ..validation import Collector, clean_site_fields
from .base import Action

INSTITUTION_FIELDS = ("name", "short_name", "kind", "level", "division_code", "abbreviation", "pinyin",
                      "parent", "head_name", "office_name")


class CreateInstitution(Action):
    denied_message = "只有上级政府的主管单位管理员或系统管理员可以新增机构。"

    def __init__(self, actor, *, data: dict, parent: Institution | None):
        super().__init__(actor)
        self.data, self.parent = dict(data), parent

    def check_permission(self) -> bool:
        if self.parent is None:
            return bool(getattr(self.user, "is_superuser", False))
        return permissions.may_register_sites(self.user, self.parent)

    def perform(self) -> Institution:
        data = clean_institution(self.data, self.parent)
        institution = Institution.objects.create(parent=self.parent, **data)
        self.audit(institution, "registry.institution.create",
                   changes=diff({}, snapshot(institution, INSTITUTION_FIELDS)))
        return institution


def clean_institution(data: dict, parent: Institution | None) -> dict:
    errors = Collector()
    out = {k: str(data.get(k) or "").strip() for k in INSTITUTION_FIELDS if k != "parent"}
    limits = {f: Institution._meta.get_field(f).max_length for f in out}
    for field, value in out.items():
        if limits[field] and len(value) > limits[field]:
            errors.add(field, f"“{Institution._meta.get_field(field).verbose_name}”不能超过{limits[field]}个字符。")
    if not out["name"]:
        errors.add("name", "“机构全称”为必填项。")
    elif Institution.objects.filter(name=out["name"]).exists():
        errors.add("name", f"机构“{out['name']}”已存在。")
    if out["kind"] not in InstitutionKind.values:
        errors.add("kind", "“机构类别”须为：人民政府、政府部门、部门直属单位之一。")
    if out["level"] not in Level.values:
        errors.add("level", "“层级”须为：省级、市级、县级、乡镇级之一。")
    if out["pinyin"] and not re.match(rf"^{identifiers.LABEL}$", out["pinyin"]):
        errors.add("pinyin", "“拼音或英文标识”只能包含小写字母、数字和连字符。")
    if errors.errors:
        errors.raise_if_any()
    kind, level = out["kind"], out["level"]
    if kind == InstitutionKind.GOVERNMENT:
        if parent is not None and not parent.is_government:
            errors.add("parent", "政府的上级须为上级政府。")
        elif parent is not None and identifiers.LEVEL_ORDER[level] <= identifiers.LEVEL_ORDER[parent.level]:
            errors.add("level", f"下级政府的层级须低于上级政府（{parent.get_level_display()}）。")
        elif parent is None and level != Level.PROVINCE:
            errors.add("level", "没有上级的政府须为省级（本平台所辖区域的最高一级）。")
        errors.check("division_code", identifiers.validate_division_code, out["division_code"], level,
                     parent.division_code if parent else None)
        if parent is None and not out["abbreviation"]:
            errors.add("abbreviation", "省级政府须填写简称（如“晋”“渝”），用于校验备案号。")
    else:
        if parent is None:
            errors.add("parent", "部门须隶属于一个政府（或上级部门）。")
        elif kind == InstitutionKind.DEPARTMENT and not parent.is_government:
            errors.add("parent", "政府部门的上级须为本级政府。")
        elif kind == InstitutionKind.SUBORDINATE_UNIT and parent.kind == InstitutionKind.GOVERNMENT:
            errors.add("parent", "部门直属单位的上级须为政府部门。")
        elif level != parent.level:
            errors.add("level", f"部门的层级须与所属政府相同（{parent.get_level_display()}）。")
        out["division_code"] = ""
    errors.raise_if_any()
    return out


class RegisterSite(Action):
    """Record an existing site (hosted here or external) with its identifiers and status.

    Existing sites of institutions that may not have one are recorded too — they are flagged
    for integration (REG-03) rather than refused, since they exist.
    """

    ALLOWED = [SiteStatus.ONLINE, SiteStatus.TEMPORARILY_OFFLINE, SiteStatus.OUTAGE, SiteStatus.CLOSING,
               SiteStatus.CLOSED]

    def __init__(self, actor, institution: Institution, *, data: dict, status: str = SiteStatus.ONLINE):
        super().__init__(actor)
        self.institution, self.data, self.status = institution, dict(data), status

    denied_message = "只有所属地区的主管单位管理员或系统管理员可以登记已有网站。"

    def check_permission(self) -> bool:
        return permissions.may_register_sites(self.user, self.institution)

    def perform(self) -> Site:
        if self.status not in self.ALLOWED:
            labels = "、".join(str(SiteStatus(s).label) for s in self.ALLOWED)
            raise ValidationError({"status": [f"登记已有网站时，状态须为：{labels}。"]})
        if self.status in LIVE_STATUSES:
            check_no_live_site(self.institution)
        site_type = site_type_for(self.institution)
        cleaned = clean_site_fields(self.data, self.institution, site_type, require_domain=True,
                                    live=self.status in LIVE_STATUSES)
        if self.status == SiteStatus.ONLINE:
            missing = [label for field, label in (("site_code", "网站标识码"),) if not cleaned.get(field)]
            if missing:
                raise RuleViolation("REG-09", f"运行中的网站须登记{'、'.join(missing)}。", "site_code")
        now = clock.now()
        site = Site.objects.create(
            institution=self.institution, site_type=site_type, status=self.status, status_changed_at=now,
            launched_at=now if self.status != SiteStatus.CLOSED else None,
            closed_at=now if self.status == SiteStatus.CLOSED else None,
            **{k: v for k, v in cleaned.items() if k in {f.name for f in Site._meta.fields}},
        )
        self.audit(site, "registry.site.register", reason="登记已有网站",
                   changes=diff({}, snapshot(site, Site.RECORD_FIELDS)))
        return site
