"""What the reports app stores: each report generated (its numbers frozen as a document) and when
it was published, the facts of the annual report only the supervisor knows, and the reminders
sent before due dates (SUP-01, SUP-02)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govsites import clock


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", _("月度普查报告")
    QUARTERLY = "quarterly", _("季度检查通报")
    ANNUAL = "annual", _("政府网站监管年度报表")


class Report(models.Model):
    """One report of a supervising government (``scope``) for one period.

    ``data`` is the report as built when it was last generated: a JSON document of figures,
    tables and charts (``builders``) that the HTML, the XLSX and the published page are rendered
    from, so a report does not change when findings are fixed later. Publishing freezes a copy
    in ``published_data``: regenerating a published report changes the portal only when it is
    published again.
    """

    kind = models.CharField(_("报表类型"), max_length=16, choices=ReportKind.choices)
    #: ``2026-11`` (monthly), ``2026-Q4`` (quarterly), ``2026`` (annual)
    period = models.CharField(_("报告期"), max_length=10)
    scope = models.ForeignKey("registry.Institution", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("监管单位"))
    title = models.CharField(_("标题"), max_length=200)
    data = models.JSONField(default=dict)
    due_on = models.DateField(_("报送期限"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("生成次数"), default=1)
    generated_at = models.DateTimeField(_("生成时间"), default=clock.now)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("生成人"))
    published_data = models.JSONField(null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("发布人"))
    published_site = models.ForeignKey("registry.Site", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+", verbose_name=_("发布网站"))
    #: the last withdrawal from the portal (cleared when published again; every one is in the audit trail)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("撤回人"))
    withdrawal_reason = models.CharField(_("撤回原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("监管报表")
        verbose_name_plural = _("监管报表")
        ordering = ["-period", "kind", "-pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "period", "scope"], name="reports_unique_period")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def changed_since_published(self) -> bool:
        return self.is_published and self.published_data != self.data


class AnnualReportFacts(models.Model):
    """The fields of the annual supervision report (政府网站监管年度报表) the platform cannot know,
    filled in by the supervising office: accountability, training, the explanations of each part
    and the signatures of the form."""

    scope = models.ForeignKey("registry.Institution", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("监管单位"))
    year = models.PositiveSmallIntegerField(_("年度"))
    accountable_persons = models.PositiveIntegerField(_("问责人次"), null=True, blank=True)
    training_sessions = models.PositiveIntegerField(_("组织培训次数"), null=True, blank=True)
    trained_persons = models.PositiveIntegerField(_("培训人次"), null=True, blank=True)
    inspection_notes = models.TextField(_("抽查情况说明"), blank=True)
    security_notes = models.TextField(_("安全检查情况说明"), blank=True)
    consolidation_notes = models.TextField(_("网站开设整合情况说明"), blank=True)
    error_report_notes = models.TextField(_("“我为政府网站找错”留言办理情况说明"), blank=True)
    counterfeit_notes = models.TextField(_("假冒政府网站处置情况说明"), blank=True)
    training_notes = models.TextField(_("培训情况说明"), blank=True)
    unit_head = models.CharField(_("单位负责人"), max_length=50, blank=True)
    reviewer = models.CharField(_("审核人"), max_length=50, blank=True)
    filled_by = models.CharField(_("填报人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    filled_on = models.DateField(_("填报日期"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), default=clock.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("更新人"))

    #: the fields a supervisor fills in, in form order
    FILLED_FIELDS = (
        "accountable_persons", "training_sessions", "trained_persons", "inspection_notes", "security_notes",
        "consolidation_notes", "error_report_notes", "counterfeit_notes", "training_notes", "unit_head",
        "reviewer", "filled_by", "phone", "filled_on",
    )

    class Meta:
        verbose_name = _("监管年度报表填报事项")
        verbose_name_plural = _("监管年度报表填报事项")
        constraints = [models.UniqueConstraint(fields=["scope", "year"], name="reports_unique_annual_facts")]

    def __str__(self) -> str:
        return f"{self.scope} {self.year}"


class ReportReminder(models.Model):
    """A reminder sent to the supervisors before (or once after) a report's due date; one per
    report, period and stage, so the scheduled job never mails twice."""

    kind = models.CharField(max_length=16, choices=ReportKind.choices)
    period = models.CharField(max_length=10)
    scope = models.ForeignKey("registry.Institution", on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    #: days before the due date this reminder stands for; -1 for the notice after it passed
    stage = models.SmallIntegerField()
    sent_at = models.DateTimeField(default=clock.now)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("报表提醒")
        verbose_name_plural = _("报表提醒")
        constraints = [models.UniqueConstraint(fields=["kind", "period", "scope", "stage"],
                                               name="reports_unique_reminder")]

    def __str__(self) -> str:
        return f"{self.kind} {self.period} {self.stage}"
