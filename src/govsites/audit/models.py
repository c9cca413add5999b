"""The audit trail: one entry per state change, with who, when, from where, what and why.

It is a Wagtail log entry model (so Wagtail's own reports and timelines can read it) extended
with the request origin, the reason given and a before/after diff. The security issue makes it
append-only and hash-chained.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models.audit_log import BaseLogEntry, ModelLogEntryManager


class AuditLogEntry(BaseLogEntry):
    object_id = models.CharField(max_length=255, db_index=True)
    ip_address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=500, blank=True)
    via = models.CharField(_("渠道"), max_length=16, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    # The registry site an entry belongs to, for a site's timeline (no FK: audit knows no domain).
    site_ref = models.BigIntegerField(null=True, blank=True, db_index=True)

    objects = ModelLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.action} {self.label}"
