"""The registry: every institution and site of the estate and every application about them.

Rows change only through the actions in :mod:`govsites.registry.actions`, which check the rules,
write the audit trail and emit signals; views, the API, the importer and the CLI all call them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govsites import clock


class Level(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇级")


# Governments at these levels must have a portal (REG-02) and may never close it (REG-11).
PORTAL_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY)


class InstitutionKind(models.TextChoices):
    GOVERNMENT = "government", _("人民政府")
    DEPARTMENT = "department", _("政府部门")
    SUBORDINATE_UNIT = "subordinate_unit", _("部门直属单位")


class InstitutionQuerySet(models.QuerySet):
    def governments(self):
        return self.filter(kind=InstitutionKind.GOVERNMENT)

    def within(self, institution: Institution):
        """``institution`` and everything below it in the hierarchy."""
        return self.filter(path__startswith=institution.path)


class Institution(models.Model):
    """A government (with its division code) or a department / unit under one.

    ``parent`` is the superior government for a government, the own government for a
    department, and the parent department for a subordinate unit. ``path`` materialises the
    chain (``/000000001/000000007/``) so "everything in this area" is one indexed prefix query.
    """

    name = models.CharField(_("机构全称"), max_length=100, unique=True)
    short_name = models.CharField(_("规范简称"), max_length=50, blank=True)
    kind = models.CharField(_("机构类别"), max_length=20, choices=InstitutionKind.choices)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    division_code = models.CharField(_("行政区划代码"), max_length=6, blank=True, db_index=True)
    abbreviation = models.CharField(
        _("省级简称"), max_length=2, blank=True, help_text=_("省级政府填写，如“晋”“渝”，用于校验备案号。")
    )
    pinyin = models.CharField(
        _("拼音或英文标识"), max_length=63, blank=True, help_text=_("用于生成和校验英文域名，如 taiyuan、fgw。")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级")
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    head_name = models.CharField(_("主要负责人"), max_length=50, blank=True)
    office_name = models.CharField(
        _("办公厅（室）名称"), max_length=100, blank=True, help_text=_("政府填写：门户网站的主办单位。")
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Zero-padded ids so ordering by path is hierarchy order (/…01/…13/ after /…01/…02/).
        path = f"{self.parent.path if self.parent_id else '/'}{self.pk:09d}/"
        if path != self.path:
            old = self.path
            self.path = path
            type(self).objects.filter(pk=self.pk).update(path=path)
            if old:
                for child in type(self).objects.filter(path__startswith=old).exclude(pk=self.pk):
                    child.path = path + child.path[len(old) :]
                    type(self).objects.filter(pk=child.pk).update(path=child.path)

    @property
    def is_government(self) -> bool:
        return self.kind == InstitutionKind.GOVERNMENT

    @property
    def government(self) -> Institution | None:
        """The government this institution belongs to (itself for a government)."""
        node = self
        while node is not None and not node.is_government:
            node = node.parent
        return node

    def ancestors(self) -> list[Institution]:
        """From the parent up to the root, nearest first."""
        ids = [int(p) for p in self.path.strip("/").split("/") if p][:-1]
        found = {i.pk: i for i in Institution.objects.filter(pk__in=ids)}
        return [found[i] for i in reversed(ids) if i in found]

    def supervising_governments(self) -> list[Institution]:
        """Governments whose offices supervise this institution's site, nearest first.

        A department is supervised by its own government's office and those above it; a
        government by the governments above it. (SX 4: city/county offices for their area,
        the provincial office at the top.)
        """
        chain = [a for a in self.ancestors() if a.is_government]
        return chain

    @property
    def root(self) -> Institution:
        ids = [int(p) for p in self.path.strip("/").split("/") if p]
        return Institution.objects.get(pk=ids[0]) if ids and ids[0] != self.pk else self


class SiteType(models.TextChoices):
    PORTAL = "portal", _("政府门户网站")
    DEPARTMENT = "department", _("部门网站")


class SiteStatus(models.TextChoices):
    PROPOSED = "proposed", _("开设申请中")
    APPROVED = "approved", _("已批准待上线")
    ONLINE = "online", _("运行中")
    TEMPORARILY_OFFLINE = "temporarily_offline", _("临时下线")
    OUTAGE = "outage", _("不可抗力断网")
    CLOSING = "closing", _("关停迁移中")
    CLOSED = "closed", _("已关停")
    REFUSED = "refused", _("未获批准")


# Statuses in which a site exists (counts toward "one site per institution", holds its domain).
LIVE_STATUSES = [
    SiteStatus.PROPOSED,
    SiteStatus.APPROVED,
    SiteStatus.ONLINE,
    SiteStatus.TEMPORARILY_OFFLINE,
    SiteStatus.OUTAGE,
    SiteStatus.CLOSING,
]
_LIVE = Q(status__in=LIVE_STATUSES)


class SiteQuerySet(models.QuerySet):
    def live(self):
        return self.filter(_LIVE)

    def within(self, institution: Institution):
        return self.filter(institution__path__startswith=institution.path)

    def needing_integration(self):
        """REG-03: existing sites of institutions that may not have one (flag for integration)."""
        from .rules import institutions_not_allowed_sites

        return self.live().filter(institutions_not_allowed_sites())


class Site(models.Model):
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="sites", verbose_name=_("开办机构")
    )
    site_type = models.CharField(_("网站类型"), max_length=16, choices=SiteType.choices)
    name = models.CharField(_("网站全称"), max_length=100)
    short_name = models.CharField(_("网站简称"), max_length=50, blank=True)
    domain = models.CharField(_("英文域名"), max_length=253, blank=True)
    chinese_domain = models.CharField(_("中文域名"), max_length=100, blank=True)
    site_code = models.CharField(_("网站标识码"), max_length=10, blank=True)
    icp_number = models.CharField(_("ICP备案号"), max_length=40, blank=True)
    public_security_number = models.CharField(_("公安机关备案号"), max_length=40, blank=True)
    site_mark_number = models.CharField(_("党政机关网站标识证书号"), max_length=40, blank=True)
    sponsor_name = models.CharField(_("主办单位"), max_length=100)
    operator_name = models.CharField(_("承办单位"), max_length=100, blank=True)
    responsible_person = models.CharField(_("网站负责人"), max_length=50)
    responsible_phone = models.CharField(_("负责人电话"), max_length=32, blank=True)
    responsible_email = models.EmailField(_("负责人邮箱"), blank=True)
    contact_phone = models.CharField(_("对外联系电话"), max_length=32, blank=True)
    contact_email = models.EmailField(_("对外联系邮箱"), blank=True)
    contact_address = models.CharField(_("联系地址"), max_length=200, blank=True)
    hosted = models.BooleanField(_("部署在本平台"), default=True)
    hosting_notes = models.CharField(_("托管情况"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=24, choices=SiteStatus.choices, default=SiteStatus.PROPOSED)
    status_changed_at = models.DateTimeField(_("状态变更时间"), default=clock.now)
    launched_at = models.DateTimeField(_("上线时间"), null=True, blank=True)
    offline_until = models.DateField(_("预计恢复日期"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关停时间"), null=True, blank=True)
    migrated_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="migrated_from",
        verbose_name=_("内容迁往"),
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(default=clock.now)

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("政府网站")
        verbose_name_plural = _("政府网站")
        ordering = ["institution__path"]
        constraints = [
            # REG-02: one institution, at most one site (among sites that exist).
            models.UniqueConstraint(fields=["institution"], condition=_LIVE, name="one_live_site_per_institution"),
            models.UniqueConstraint(fields=["domain"], condition=_LIVE & ~Q(domain=""), name="unique_live_domain"),
            models.UniqueConstraint(
                fields=["chinese_domain"], condition=_LIVE & ~Q(chinese_domain=""), name="unique_live_chinese_domain"
            ),
            models.UniqueConstraint(fields=["site_code"], condition=~Q(site_code=""), name="unique_site_code"),
        ]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["site_type"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def is_portal(self) -> bool:
        return self.site_type == SiteType.PORTAL

    # Fields a change filing may change (REG-16) and the audit trail snapshots.
    CHANGEABLE_FIELDS = (
        "name", "short_name", "domain", "chinese_domain", "sponsor_name", "operator_name",
        "responsible_person", "responsible_phone", "responsible_email",
        "contact_phone", "contact_email", "contact_address", "hosting_notes",
    )
    RECORD_FIELDS = (
        *CHANGEABLE_FIELDS, "site_type", "institution", "site_code", "icp_number", "public_security_number",
        "site_mark_number", "hosted", "status", "offline_until", "migrated_to",
    )


class ApplicationKind(models.TextChoices):
    OPEN = "open", _("开设网站")
    TEMPORARY_OFFLINE = "temporary_offline", _("临时下线")
    OUTAGE = "outage", _("不可抗力断网报备")
    PERMANENT_OFFLINE = "permanent_offline", _("永久下线（关停迁移）")
    CHANGE = "change", _("变更备案")
    SPECIAL_TOPIC = "special_topic", _("开设专栏专题")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("审批中")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")


class OutageCause(models.TextChoices):
    FORCE_MAJEURE = "force_majeure", _("不可抗力（断电、断网等）")
    SECURITY_ORDER = "security_order", _("因安全要求被责令紧急下线")


class Application(models.Model):
    """A request about a site, decided step by step up the approval chain."""

    kind = models.CharField(_("申请类型"), max_length=24, choices=ApplicationKind.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="applications", verbose_name=_("申请单位")
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="applications", verbose_name=_("网站")
    )
    reason = models.TextField(_("申请理由"), blank=True)
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    outage_cause = models.CharField(_("断网原因"), max_length=20, choices=OutageCause.choices, blank=True)
    safeguards = models.TextField(_("保障措施"), blank=True)
    migration_target = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="incoming_migrations",
        verbose_name=_("迁移目标网站"),
    )
    materials = models.JSONField(_("申请材料"), default=dict, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    topic_title = models.CharField(_("专栏专题名称"), max_length=100, blank=True)
    topic_institutions = models.ManyToManyField(
        Institution, blank=True, related_name="topic_applications", verbose_name=_("涉及部门")
    )
    topic_host_site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="topic_applications",
        verbose_name=_("开设专栏的网站"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("申请人")
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=clock.now)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("申请")
        verbose_name_plural = _("申请")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        target = self.site.name if self.site_id else self.topic_title or self.institution.name
        return f"{self.get_kind_display()}：{target}"

    @property
    def current_step(self) -> ApprovalStep | None:
        return self.steps.filter(status=StepStatus.PENDING).first()


class StepKind(models.TextChoices):
    INSTITUTION_HEAD = "institution_head", _("单位主要负责人同意")
    OFFICE = "office", _("政府办公厅（室）审核")


class StepStatus(models.TextChoices):
    WAITING = "waiting", _("待前序环节")
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("同意")
    REJECTED = "rejected", _("驳回")
    CANCELLED = "cancelled", _("已取消")


class ApprovalStep(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("环节"), max_length=20, choices=StepKind.choices)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="approval_steps", verbose_name=_("审批单位")
    )
    is_final = models.BooleanField(_("终审"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=StepStatus.choices, default=StepStatus.WAITING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("审批人"),
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    comment = models.TextField(_("审批意见"), blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("审批环节")
        verbose_name_plural = _("审批环节")
        ordering = ["application", "position"]
        constraints = [models.UniqueConstraint(fields=["application", "position"], name="unique_step_position")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.institution}）"


class Checklist(models.TextChoices):
    LAUNCH = "launch", _("上线前程序")
    CLOSURE = "closure", _("关停程序")


class ChecklistItem(models.Model):
    """One item of a site's launch (REG-09) or closure (REG-14) checklist."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="checklist_items")
    checklist = models.CharField(max_length=10, choices=Checklist.choices)
    key = models.CharField(max_length=40)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reference = models.CharField(_("证明或编号"), max_length=200, blank=True)
    automatic = models.BooleanField(default=False, help_text=_("由平台在相应操作完成时自动勾选。"))

    class Meta:
        verbose_name = _("程序事项")
        verbose_name_plural = _("程序事项")
        constraints = [models.UniqueConstraint(fields=["site", "checklist", "key"], name="unique_checklist_item")]
        ordering = ["site", "checklist", "pk"]

    def __str__(self) -> str:
        return f"{self.site} · {self.label}"

    @property
    def done(self) -> bool:
        return self.done_at is not None

    @property
    def label(self) -> str:
        from .checklists import label_for

        return label_for(self.checklist, self.key)


class AnnouncementKind(models.TextChoices):
    LAUNCH = "launch", _("开通公告")
    TEMPORARY_OFFLINE = "temporary_offline", _("临时下线公告")
    MIGRATION_NOTICE = "migration_notice", _("迁移公告")
    MIGRATION_DONE = "migration_done", _("整合迁移完成公告")
    DOMAIN_CHANGE = "domain_change", _("域名变更公告")


class Announcement(models.Model):
    """A notice the registry requires to be published on a given site (REG-10/12/14/16).

    The content issue turns these into library items and the publisher renders them; the
    registry decides *what* must be said, *where* and for *how long*.
    """

    kind = models.CharField(_("公告类型"), max_length=20, choices=AnnouncementKind.choices)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="announcements", verbose_name=_("所涉网站"))
    host_site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="hosted_announcements", verbose_name=_("发布网站")
    )
    application = models.ForeignKey(Application, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    publish_from = models.DateTimeField(_("发布时间"))
    publish_until = models.DateTimeField(_("保留至"), null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        verbose_name = _("公告")
        verbose_name_plural = _("公告")
        ordering = ["-publish_from", "-pk"]

    def __str__(self) -> str:
        return self.title


class ArchiveRecord(models.Model):
    """An old page kept reachable, marked 已归档 with its date (REG-15)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="archive_records")
    url = models.CharField(_("原网址"), max_length=500)
    title = models.CharField(_("页面标题"), max_length=200)
    archived_on = models.DateField(_("归档日期"))
    reason = models.CharField(_("归档原因"), max_length=100)
    new_location = models.CharField(_("现访问地址"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("归档记录")
        verbose_name_plural = _("归档记录")
        constraints = [models.UniqueConstraint(fields=["site", "url"], name="unique_archived_url")]

    def __str__(self) -> str:
        return f"{self.title}（已归档 {self.archived_on:%Y-%m-%d}）"

    @property
    def banner(self) -> str:
        return f"已归档　归档时间：{self.archived_on:%Y-%m-%d}"


class SpecialTopic(models.Model):
    """A special-topic column opened instead of a campaign site (REG-04)."""

    title = models.CharField(_("专栏专题名称"), max_length=100)
    host_site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="special_topics")
    lead_institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    institutions = models.ManyToManyField(Institution, related_name="special_topics")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="special_topic")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("专栏专题")
        verbose_name_plural = _("专栏专题")

    def __str__(self) -> str:
        return f"{self.title}（{self.host_site}）"


class NationalReport(models.Model):
    """What was reported up to the national reporting system (全国政府网站信息报送系统).

    The local reporter keeps them here; a real adapter also sends them and stores the reply.
    """

    kind = models.CharField(max_length=30)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="national_reports")
    payload = models.JSONField(default=dict)
    reported_at = models.DateTimeField(default=clock.now)
    reference = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("上报记录")
        verbose_name_plural = _("上报记录")
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        return f"{self.kind} · {self.site}"
