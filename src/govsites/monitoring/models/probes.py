from django.db import models
from django.utils.translation import gettext_lazy as _

from govsites import clock


class Probe(models.Model):
    """One availability probe of a site's home page (≥ 20 a day; the veto is ≥ 5 % failed over a
    week, a probe failing when the page does not open within 15 s)."""

    site = models.ForeignKey("registry.Site", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=clock.now)
    ok = models.BooleanField()
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    elapsed = models.FloatField(default=0.0)
    error = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("可用性探测")
        verbose_name_plural = _("可用性探测")
        indexes = [models.Index(fields=["site", "at"], name="monitoring_probe_site_at")]

    def __str__(self) -> str:
        return f"{self.site_id} {self.at:%Y-%m-%d %H:%M} {'ok' if self.ok else self.error or self.status}"
