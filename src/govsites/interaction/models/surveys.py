"""Surveys and solicitations (征集调查): questions, an open period, answers, published results
and the feedback on what was adopted (INT-01)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govsites import clock


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("征集中")
    CLOSED = "closed", _("已结束")
    RESULTS_PUBLISHED = "results_published", _("已公布结果")


class Survey(models.Model):
    site = models.ForeignKey("registry.Site", on_delete=models.CASCADE, related_name="surveys",
                             verbose_name=_("网站"))
    department = models.ForeignKey("registry.Institution", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("征集部门"))
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("征集说明"), max_length=5000)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    status = models.CharField(_("状态"), max_length=20, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    results_summary = models.TextField(_("结果说明"), blank=True)
    adoption_feedback = models.TextField(_("意见采纳情况"), blank=True)
    results_published_at = models.DateTimeField(_("结果公布时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("征集调查")
        verbose_name_plural = _("征集调查")
        ordering = ["-opens_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def is_open(self, at=None) -> bool:
        at = at or clock.now()
        return self.status == SurveyStatus.OPEN and self.opens_at <= at < self.closes_at


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    TEXT = "text", _("文字意见")


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("问题"), max_length=300)
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    choices = models.JSONField(_("选项"), default=list, blank=True)
    required = models.BooleanField(_("必答"), default=True)

    class Meta:
        verbose_name = _("调查问题")
        verbose_name_plural = _("调查问题")
        ordering = ["survey_id", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    #: question id (as text) → chosen option index, list of indexes, or text
    answers = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(default=clock.now)
    submitter = models.ForeignKey("privacy.PersonalRecord", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    client_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("调查答卷")
        verbose_name_plural = _("调查答卷")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.submitted_at:%Y-%m-%d %H:%M}"

