import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govsites import clock

from ..checks.catalogue import CHECKS


def finding_key(host: str, check: str, url: str, target: str) -> str:
    """The identity of a finding across censuses: same site, check, page and target."""
    return hashlib.sha256("\x1f".join((host.lower(), check, url, target)).encode()).hexdigest()


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    FIXED = "fixed", _("已整改")
    CLOSED = "closed", _("已关闭")


class Finding(models.Model):
    """A problem the monitor found on a site, followed to closure: assigned to the site's sponsor
    with a deadline, re-checked by every later census, fixed when no longer seen, escalated
    when late (SUP-03, SUP-07, SEC-04)."""

    key = models.CharField(max_length=64, editable=False)
    site = models.ForeignKey("registry.Site", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="findings", verbose_name=_("网站"))
    host = models.CharField(_("域名"), max_length=253)
    #: a key of ``checks.catalogue.CHECKS`` (no ``choices``: the catalogue grows without migrations)
    check_type = models.CharField(_("检查项"), max_length=40)
    severity = models.CharField(_("严重程度"), max_length=12)  # one of catalogue.SEVERITIES
    url = models.TextField(_("所在页面"))
    target = models.TextField(_("问题对象"), blank=True)
    evidence = models.TextField(_("证据"), blank=True)
    detail = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    #: the sponsor that must fix it (the site's institution)
    assigned_to = models.ForeignKey("registry.Institution", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("整改单位"))
    first_seen = models.DateTimeField(_("首次发现"), default=clock.now)
    last_seen = models.DateTimeField(_("最近发现"), default=clock.now)
    times_seen = models.PositiveIntegerField(_("发现次数"), default=1)
    first_census = models.ForeignKey("monitoring.Census", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    last_census = models.ForeignKey("monitoring.Census", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    due_at = models.DateTimeField(_("整改期限"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("督办时间"), null=True, blank=True)
    fixed_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    closed_reason = models.CharField(_("关闭理由"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("监测问题")
        verbose_name_plural = _("监测问题")
        ordering = ["-last_seen", "-pk"]
        constraints = [models.UniqueConstraint(fields=["key"], name="unique_finding_key")]
        indexes = [
            models.Index(fields=["site", "status"], name="monitoring_finding_site"),
            models.Index(fields=["status", "due_at"], name="monitoring_finding_due"),
            models.Index(fields=["check_type", "status"], name="monitoring_finding_check"),
        ]

    def __str__(self) -> str:
        return f"{self.host} {self.label} {self.target or self.url}"

    @property
    def label(self) -> str:
        return CHECKS[self.check_type].label if self.check_type in CHECKS else self.check_type

    @property
    def overdue(self) -> bool:
        return self.status == FindingStatus.OPEN and self.due_at is not None and self.due_at <= clock.now()


class FindingEventKind(models.TextChoices):
    OPENED = "opened", _("发现")
    REOPENED = "reopened", _("再次出现")
    FIXED = "fixed", _("复查已整改")
    ESCALATED = "escalated", _("逾期督办")
    CLOSED = "closed", _("人工关闭")
    ASSIGNED = "assigned", _("交办整改")


class FindingEvent(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=FindingEventKind.choices)
    at = models.DateTimeField(default=clock.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    census = models.ForeignKey("monitoring.Census", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
