from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govsites import clock


class CensusKind(models.TextChoices):
    MONTHLY = "monthly", _("月度普查")
    ADHOC = "adhoc", _("专项检查")
    RECHECK = "recheck", _("复查")


class CensusStatus(models.TextChoices):
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("未完成")


class Census(models.Model):
    """One run of the checks over the registry (or a given list of sites)."""

    kind = models.CharField(_("类型"), max_length=16, choices=CensusKind.choices, default=CensusKind.ADHOC)
    status = models.CharField(_("状态"), max_length=16, choices=CensusStatus.choices, default=CensusStatus.RUNNING)
    started_at = models.DateTimeField(_("开始时间"), default=clock.now)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("发起人"))
    profile = models.CharField(_("政策配置"), max_length=32, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    #: counts and timings of the run (sites, pages, links, seconds)
    stats = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("检查批次")
        verbose_name_plural = _("检查批次")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {clock.local(self.started_at):%Y-%m-%d %H:%M}"


class SiteResultStatus(models.TextChoices):
    CHECKED = "checked", _("已检查")
    UNREACHABLE = "unreachable", _("无法访问")
    ERROR = "error", _("检查出错")


class SiteResult(models.Model):
    """A site's result in one census: what was crawled, the verdict and the score with its
    evidence (SUP-03)."""

    census = models.ForeignKey(Census, on_delete=models.CASCADE, related_name="results")
    #: null for a host checked from a list that is not (yet) in the registry
    site = models.ForeignKey("registry.Site", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    host = models.CharField(_("域名"), max_length=253)
    home_url = models.CharField(_("首页地址"), max_length=500)
    status = models.CharField(_("检查状态"), max_length=16, choices=SiteResultStatus.choices,
                              default=SiteResultStatus.CHECKED)
    error = models.CharField(_("出错原因"), max_length=500, blank=True)
    pages = models.PositiveIntegerField(_("检查页面数"), default=0)
    links = models.PositiveIntegerField(_("检查链接数"), default=0)
    observations = models.PositiveIntegerField(_("发现问题数"), default=0)
    passed = models.BooleanField(_("合格"), null=True)
    #: the single-veto items that failed the site: [{"check", "label", "count", "evidence"}]
    vetoes = models.JSONField(default=list, blank=True)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    #: the deductions and bonuses with their evidence: [{"item", "points", "count", "evidence"}]
    deductions = models.JSONField(default=list, blank=True)
    elapsed = models.FloatField(_("耗时（秒）"), default=0.0)
    checked_at = models.DateTimeField(_("检查时间"), default=clock.now)

    class Meta:
        verbose_name = _("网站检查结果")
        verbose_name_plural = _("网站检查结果")
        ordering = ["host"]
        constraints = [models.UniqueConstraint(fields=["census", "host"], name="unique_census_host")]
        indexes = [models.Index(fields=["site", "checked_at"], name="monitoring_result_site")]

    def __str__(self) -> str:
        return f"{self.host} @ {self.census_id}"
