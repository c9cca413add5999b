"""Security records of the estate (SEC-05, SEC-06, SEC-07, SEC-09), each tied to registry sites.

Vulnerability notices and periodic scans, emergency plans and drills, incidents, counterfeit-site
cases and the hosting facts of each site. They are plain records with explicit states and dates
because the supervision reports count them later; every change goes through
:mod:`govsites.security.actions` (permission, transaction, audit entry, timeline entry).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govsites import clock
from govsites.policy import profiles

from .storage import private_storage


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def policy(key: str):
    return profiles.active().get(f"security.{key}")


# -- timeline ------------------------------------------------------------------------------------


class TimelineEntry(models.Model):
    """One line of a record's timeline: a state change or a note of what happened / was done.

    ``occurred_at`` is when it happened (an incident's steps may be written down afterwards),
    ``recorded_at`` when it was entered. The audit trail keeps the who-changed-what record too;
    the timeline is the readable story the detail pages and the reports show.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    occurred_at = models.DateTimeField(_("发生时间"), default=clock.now)
    recorded_at = models.DateTimeField(_("记录时间"), default=clock.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("记录人"),
    )
    state = models.CharField(_("状态"), max_length=24, blank=True)
    state_label = models.CharField(_("状态名称"), max_length=40, blank=True)
    text = models.TextField(_("内容"))

    class Meta:
        verbose_name = _("处置记录")
        verbose_name_plural = _("处置记录")
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.text[:40]}"


# -- SEC-05: scans and vulnerability notices -----------------------------------------------------


class ScanScope(models.TextChoices):
    APPLICATION = "application", _("应用程序")
    OS = "os", _("操作系统")
    DATABASE = "database", _("数据库")


class PeriodicScan(models.Model):
    """A periodic scan of the sites' applications, operating systems or databases (SX 17, CQ 29)."""

    sites = models.ManyToManyField("registry.Site", related_name="security_scans", verbose_name=_("扫描网站"))
    performed_on = models.DateField(_("扫描日期"))
    scope = models.CharField(_("扫描对象"), max_length=16, choices=ScanScope.choices)
    tool = models.CharField(_("扫描工具"), max_length=100)
    findings_count = models.PositiveIntegerField(_("发现问题数"), default=0)
    summary = models.TextField(_("扫描结论"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("记录人")
    )
    created_at = models.DateTimeField(_("记录时间"), default=clock.now)

    class Meta:
        verbose_name = _("安全扫描")
        verbose_name_plural = _("安全扫描")
        ordering = ["-performed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.performed_on} {self.get_scope_display()} {self.tool}"


class Severity(models.TextChoices):
    HIGH = "high", _("高危")
    MEDIUM = "medium", _("中危")
    LOW = "low", _("低危")


class VulnerabilitySource(models.TextChoices):
    SCAN = "scan", _("定期扫描发现")
    CYBERSPACE_OFFICE = "cyberspace_office", _("网信部门通报")
    PUBLIC_SECURITY = "public_security", _("公安机关通报")
    CNVD = "cnvd", _("国家信息安全漏洞共享平台（CNVD）通报")
    SUPERVISOR = "supervisor", _("主管单位通报")
    SELF_FOUND = "self_found", _("自行发现")


class VulnerabilityState(models.TextChoices):
    RECEIVED = "received", _("已接收")
    FIXING = "fixing", _("整改中")
    FIXED = "fixed", _("已修复待验证")
    CLOSED = "closed", _("已验证关闭")
    RISK_ACCEPTED = "risk_accepted", _("已接受风险")


OPEN_VULNERABILITY_STATES = (VulnerabilityState.RECEIVED, VulnerabilityState.FIXING, VulnerabilityState.FIXED)
UNFIXED_STATES = (VulnerabilityState.RECEIVED, VulnerabilityState.FIXING)


class VulnerabilityQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_VULNERABILITY_STATES)

    def overdue(self, today: dt.date | None = None):
        """Not fixed and past the deadline (a fixed notice awaiting verification is not late)."""
        return self.filter(state__in=UNFIXED_STATES, deadline__lt=today or clock.today())


def fix_deadline(severity: str, notified_on: dt.date) -> dt.date:
    """SEC-05: the fix deadline, ``security.vulnerability_fix_days`` of the profile by severity."""
    return notified_on + dt.timedelta(days=int(policy("vulnerability_fix_days")[severity]))


class VulnerabilityNotice(models.Model):
    """A vulnerability found by a scan or notified by an authority, tracked to verified closure."""

    sites = models.ManyToManyField("registry.Site", related_name="vulnerability_notices", verbose_name=_("涉及网站"))
    source = models.CharField(_("来源"), max_length=24, choices=VulnerabilitySource.choices)
    scan = models.ForeignKey(
        PeriodicScan, on_delete=models.SET_NULL, null=True, blank=True, related_name="notices",
        verbose_name=_("所属扫描"),
    )
    reference = models.CharField(_("通报编号"), max_length=100, blank=True)
    title = models.CharField(_("漏洞名称"), max_length=200)
    description = models.TextField(_("漏洞描述"), blank=True)
    severity = models.CharField(_("危险等级"), max_length=8, choices=Severity.choices)
    notified_on = models.DateField(_("发现/通报日期"))
    deadline = models.DateField(_("整改期限"))
    state = models.CharField(
        _("状态"), max_length=16, choices=VulnerabilityState.choices, default=VulnerabilityState.RECEIVED
    )
    fix_description = models.TextField(_("修复情况"), blank=True)
    fixed_at = models.DateTimeField(_("修复时间"), null=True, blank=True)
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("修复登记人"),
    )
    verified_at = models.DateTimeField(_("验证时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("验证人"),
    )
    risk_reason = models.TextField(_("接受风险的理由"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), default=clock.now)
    updated_at = models.DateTimeField(_("更新时间"), default=clock.now)
    timeline = GenericRelation(TimelineEntry)

    objects = VulnerabilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("漏洞通报")
        verbose_name_plural = _("漏洞通报")
        ordering = ["-notified_on", "-id"]
        indexes = [models.Index(fields=["state", "deadline"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_VULNERABILITY_STATES

    @property
    def is_overdue(self) -> bool:
        return self.state in UNFIXED_STATES and clock.today() > self.deadline

    @property
    def fixed_late(self) -> bool:
        return self.fixed_at is not None and clock.local(self.fixed_at).date() > self.deadline


# -- SEC-06: emergency plans, drills, incidents --------------------------------------------------


def plan_upload_to(instance, filename: str) -> str:
    return f"security/plans/{clock.today():%Y}/{filename}"


class EmergencyPlan(models.Model):
    """An institution's (or one of its sites') emergency plan, one row per version.

    It counts as filed only when filed both with the supervising office and with the cyberspace
    office (SX 18: "向本地、本部门政府网站主管单位和省委网信办备案"; CQ 30).
    """

    institution = models.ForeignKey(
        "registry.Institution", on_delete=models.PROTECT, related_name="emergency_plans", verbose_name=_("主办单位")
    )
    site = models.ForeignKey(
        "registry.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="emergency_plans",
        verbose_name=_("网站"), help_text=_("不选则为本单位所有网站的预案。"),
    )
    title = models.CharField(_("预案名称"), max_length=200)
    version = models.CharField(_("版本"), max_length=32)
    document = models.FileField(_("预案文件"), upload_to=plan_upload_to, storage=private_storage, max_length=255)
    adopted_on = models.DateField(_("印发日期"))
    filed_with_supervisor_on = models.DateField(_("向主管单位备案日期"), null=True, blank=True)
    supervisor_reference = models.CharField(_("主管单位备案编号"), max_length=100, blank=True)
    filed_with_cyberspace_on = models.DateField(_("向网信部门备案日期"), null=True, blank=True)
    cyberspace_reference = models.CharField(_("网信部门备案编号"), max_length=100, blank=True)
    reviewed_on = models.DateField(_("最近评审日期"), null=True, blank=True)
    is_current = models.BooleanField(_("现行版本"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), default=clock.now)
    timeline = GenericRelation(TimelineEntry)

    class Meta:
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")
        ordering = ["institution__path", "-adopted_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "site", "version"], name="security_plan_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.version}）"

    @property
    def is_filed(self) -> bool:
        return self.filed_with_supervisor_on is not None and self.filed_with_cyberspace_on is not None


def drill_interval_months() -> int:
    """CQ 30 "定期开展演练": months between drills from the profile (0 = no expectation)."""
    return int(policy("drill_interval_months"))


class Drill(models.Model):
    """An emergency drill held by an institution (for all its sites or one)."""

    institution = models.ForeignKey(
        "registry.Institution", on_delete=models.PROTECT, related_name="emergency_drills", verbose_name=_("主办单位")
    )
    site = models.ForeignKey(
        "registry.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="emergency_drills",
        verbose_name=_("网站"),
    )
    plan = models.ForeignKey(
        EmergencyPlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="drills",
        verbose_name=_("依据预案"),
    )
    held_on = models.DateField(_("演练日期"))
    scenario = models.CharField(_("演练场景"), max_length=200)
    participants = models.TextField(_("参加人员"))
    findings = models.TextField(_("发现问题与改进措施"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), default=clock.now)

    class Meta:
        verbose_name = _("应急演练")
        verbose_name_plural = _("应急演练")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.scenario}"


class IncidentKind(models.TextChoices):
    TAMPERING = "tampering", _("网页篡改")
    DARK_LINK = "dark_link", _("暗链")
    TROJAN = "trojan", _("挂马/木马")
    DDOS = "ddos", _("拒绝服务攻击")
    DATA_LEAK = "data_leak", _("数据泄露")
    OUTAGE = "outage", _("服务中断")
    OTHER = "other", _("其他")


class IncidentGrade(models.TextChoices):
    """The four grades of the national cyber-security incident plan (国家网络安全事件应急预案)."""

    CRITICAL = "critical", _("特别重大")
    MAJOR = "major", _("重大")
    SERIOUS = "serious", _("较大")
    GENERAL = "general", _("一般")


class IncidentState(models.TextChoices):
    OPEN = "open", _("处置中")
    CONTAINED = "contained", _("已控制")
    RESOLVED = "resolved", _("已恢复")
    CLOSED = "closed", _("已报告结案")


OPEN_INCIDENT_STATES = (IncidentState.OPEN, IncidentState.CONTAINED, IncidentState.RESOLVED)


class IncidentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_INCIDENT_STATES)


class Incident(models.Model):
    """A security incident of a site, handled and reported (SX 18, CQ 30; leaks: SX 20 / SEC-08)."""

    site = models.ForeignKey(
        "registry.Site", on_delete=models.PROTECT, related_name="security_incidents", verbose_name=_("网站")
    )
    kind = models.CharField(_("事件类型"), max_length=16, choices=IncidentKind.choices)
    grade = models.CharField(_("事件级别"), max_length=16, choices=IncidentGrade.choices, default=IncidentGrade.GENERAL)
    title = models.CharField(_("事件名称"), max_length=200)
    description = models.TextField(_("事件描述"), blank=True)
    detected_at = models.DateTimeField(_("发现时间"))
    state = models.CharField(_("状态"), max_length=16, choices=IncidentState.choices, default=IncidentState.OPEN)
    contained_at = models.DateTimeField(_("控制时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    reported_to_supervisor_on = models.DateField(_("向主管单位报告日期"), null=True, blank=True)
    reported_to_cyberspace_on = models.DateField(_("向网信部门报告日期"), null=True, blank=True)
    reported_to_public_security_on = models.DateField(_("向公安机关报告日期"), null=True, blank=True)
    # SEC-08: a leak of personal information is remedied and reported to 网信 and 公安.
    personal_data = models.BooleanField(_("涉及个人信息"), default=False)
    remedied_on = models.DateField(_("补救完成日期"), null=True, blank=True)
    integrity_incidents = models.ManyToManyField(
        "publishing.IntegrityIncident", blank=True, related_name="security_incidents",
        verbose_name=_("防篡改监测记录"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), default=clock.now)
    timeline = GenericRelation(TimelineEntry)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("安全事件")
        verbose_name_plural = _("安全事件")
        ordering = ["-detected_at", "-id"]
        indexes = [models.Index(fields=["state", "site"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_INCIDENT_STATES

    @property
    def is_personal_data_leak(self) -> bool:
        return self.kind == IncidentKind.DATA_LEAK and self.personal_data

    def missing_reports(self) -> list[str]:
        """What must still be done before the incident may be closed (Chinese, for the error)."""
        missing = []
        if self.reported_to_supervisor_on is None:
            missing.append(str(_("向主管单位报告")))
        if self.reported_to_cyberspace_on is None:
            missing.append(str(_("向网信部门报告")))
        if self.is_personal_data_leak:
            if self.reported_to_public_security_on is None:
                missing.append(str(_("向公安机关报告")))
            if self.remedied_on is None:
                missing.append(str(_("登记补救措施完成日期")))
        return missing


# -- SEC-07: counterfeit sites -------------------------------------------------------------------


class FoundVia(models.TextChoices):
    MONITORING = "monitoring", _("监测发现")
    PUBLIC_REPORT = "public_report", _("网民举报")
    NOTIFIED = "notified", _("上级或有关部门通报")


class CounterfeitState(models.TextChoices):
    OPEN = "open", _("待移交")
    HANDED_OVER = "handed_over", _("已移交网信部门")
    CLOSED = "closed", _("已结案")


class CounterfeitOutcome(models.TextChoices):
    TAKEN_DOWN = "taken_down", _("已关停")
    NOT_COUNTERFEIT = "not_counterfeit", _("经核实非假冒网站")
    OTHER = "other", _("其他")


OPEN_COUNTERFEIT_STATES = (CounterfeitState.OPEN, CounterfeitState.HANDED_OVER)


class CounterfeitQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_COUNTERFEIT_STATES)


def evidence_upload_to(instance, filename: str) -> str:
    return f"security/counterfeit/{clock.today():%Y}/{filename}"


class CounterfeitCase(models.Model):
    """A look-alike site imitating an estate site, handed to the cyberspace office (SX 19, CQ 32)."""

    domain = models.CharField(_("假冒网站域名"), max_length=253)
    name = models.CharField(_("假冒网站名称"), max_length=200, blank=True)
    imitated_site = models.ForeignKey(
        "registry.Site", on_delete=models.PROTECT, related_name="counterfeit_cases", verbose_name=_("被假冒网站")
    )
    found_via = models.CharField(_("发现途径"), max_length=16, choices=FoundVia.choices)
    found_on = models.DateField(_("发现日期"))
    evidence_url = models.CharField(_("证据网址"), max_length=500, blank=True)
    evidence_notes = models.TextField(_("证据说明"), blank=True)
    screenshot = models.FileField(
        _("页面截图"), upload_to=evidence_upload_to, storage=private_storage, max_length=255, blank=True
    )
    state = models.CharField(_("状态"), max_length=16, choices=CounterfeitState.choices, default=CounterfeitState.OPEN)
    handed_over_on = models.DateField(_("移交网信部门日期"), null=True, blank=True)
    handover_reference = models.CharField(_("移交文号"), max_length=100, blank=True)
    office_filed_on = models.DateField(_("报政府办公厅备案日期"), null=True, blank=True)
    outcome = models.CharField(_("处理结果"), max_length=16, choices=CounterfeitOutcome.choices, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), default=clock.now)
    timeline = GenericRelation(TimelineEntry)

    objects = CounterfeitQuerySet.as_manager()

    class Meta:
        verbose_name = _("假冒网站案件")
        verbose_name_plural = _("假冒网站案件")
        ordering = ["-found_on", "-id"]
        constraints = [
            # SEC-07: one open case per look-alike domain (a site that reappears after closure is a new case).
            models.UniqueConstraint(
                fields=["domain"], condition=Q(state__in=["open", "handed_over"]),
                name="security_one_open_case_per_domain",
            ),
        ]

    def __str__(self) -> str:
        return self.domain

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_COUNTERFEIT_STATES


# -- SEC-09: hosting facts -----------------------------------------------------------------------


class GradedProtectionLevel(models.IntegerChoices):
    LEVEL_1 = 1, _("第一级")
    LEVEL_2 = 2, _("第二级")
    LEVEL_3 = 3, _("第三级")
    LEVEL_4 = 4, _("第四级")


#: product fields: (name field, reviewed flag field, label)
PRODUCTS = (
    ("os_product", "os_reviewed", _("操作系统")),
    ("database_product", "database_reviewed", _("数据库")),
    ("middleware_product", "middleware_reviewed", _("中间件")),
    ("cms_product", "cms_reviewed", _("网站内容管理系统")),
)


class HostingFacts(models.Model):
    """Where and on what one site runs (SX 15): servers in mainland China on reviewed products."""

    site = models.OneToOneField(
        "registry.Site", on_delete=models.CASCADE, related_name="hosting_facts", verbose_name=_("网站")
    )
    in_mainland = models.BooleanField(_("服务器位于境内"))
    server_region = models.CharField(_("服务器所在省市"), max_length=100, blank=True)
    provider = models.CharField(_("托管服务商"), max_length=100)
    data_centre = models.CharField(_("机房/数据中心"), max_length=100, blank=True)
    ip_addresses = models.TextField(_("服务器IP地址"), blank=True, help_text=_("每行一个。"))
    os_product = models.CharField(_("操作系统"), max_length=100)
    os_reviewed = models.BooleanField(_("操作系统已通过安全审查"), default=False)
    database_product = models.CharField(_("数据库"), max_length=100, blank=True)
    database_reviewed = models.BooleanField(_("数据库已通过安全审查"), default=False)
    middleware_product = models.CharField(_("中间件"), max_length=100, blank=True)
    middleware_reviewed = models.BooleanField(_("中间件已通过安全审查"), default=False)
    cms_product = models.CharField(_("网站内容管理系统"), max_length=100)
    cms_reviewed = models.BooleanField(_("内容管理系统已通过安全审查"), default=False)
    graded_level = models.PositiveSmallIntegerField(
        _("等级保护级别"), choices=GradedProtectionLevel.choices, null=True, blank=True
    )
    graded_record_number = models.CharField(_("等保备案编号"), max_length=100, blank=True)
    graded_assessed_on = models.DateField(_("最近等级测评日期"), null=True, blank=True)
    security_tested_on = models.DateField(_("最近安全检测日期"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("登记人")
    )
    updated_at = models.DateTimeField(_("更新时间"), default=clock.now)

    RECORD_FIELDS = (
        "in_mainland", "server_region", "provider", "data_centre", "ip_addresses",
        "os_product", "os_reviewed", "database_product", "database_reviewed",
        "middleware_product", "middleware_reviewed", "cms_product", "cms_reviewed",
        "graded_level", "graded_record_number", "graded_assessed_on", "security_tested_on", "notes",
    )

    class Meta:
        verbose_name = _("网站托管信息")
        verbose_name_plural = _("网站托管信息")
        ordering = ["site__institution__path"]

    def __str__(self) -> str:
        return f"{self.site} · {self.provider}"

    def ip_list(self) -> list[str]:
        return [line.strip() for line in self.ip_addresses.splitlines() if line.strip()]

    def unreviewed_products(self) -> list[str]:
        """Products in use (named) that are not on a reviewed list."""
        return [
            f"{label}（{getattr(self, name)}）"
            for name, reviewed, label in PRODUCTS
            if getattr(self, name) and not getattr(self, reviewed)
        ]

    def flags(self) -> list[str]:
        """What the supervision report must point out about this site's hosting (Chinese)."""
        from .overview import hosting_flags

        return hosting_flags(self)
