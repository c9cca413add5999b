from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govsites import clock


class ViolationKind(models.TextChoices):
    """SUP-07 (CQ 36, SX 25(2)): what is recorded against a site and feeds the assessment."""

    OPENED_WITHOUT_APPROVAL = "opened_without_approval", _("未经审批擅自开设网站")
    CLOSED_WITHOUT_APPROVAL = "closed_without_approval", _("未经审批擅自关停网站")
    MISSED_FILING = "missed_filing", _("未按要求备案或报送")
    LATE_PUBLISHING = "late_publishing", _("信息发布不及时或不准确")
    LEAK = "leak", _("泄露国家秘密或个人信息")
    SECURITY_INCIDENT = "security_incident", _("发生安全事件")
    FEES = "fees", _("违规收费")
    UNFIXED = "unfixed", _("问题逾期未整改")
    ZOMBIE = "zombie", _("长期不更新（僵尸网站）")
    OTHER = "other", _("其他")


class Violation(models.Model):
    site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, related_name="violations",
                             verbose_name=_("网站"))
    kind = models.CharField(_("违规类型"), max_length=32, choices=ViolationKind.choices)
    occurred_on = models.DateField(_("发生日期"))
    description = models.TextField(_("情况说明"))
    finding = models.ForeignKey("monitoring.Finding", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="violations", verbose_name=_("相关监测问题"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("记录人"))
    recorded_at = models.DateTimeField(_("记录时间"), default=clock.now)

    class Meta:
        verbose_name = _("违规记录")
        verbose_name_plural = _("违规记录")
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.site} {self.get_kind_display()} {self.occurred_on}"
