"""Online interviews (在线访谈): schedule, guests, moderated live questions, published transcript."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govsites import clock


class InterviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("预告")
    LIVE = "live", _("进行中")
    FINISHED = "finished", _("已结束")
    PUBLISHED = "published", _("已发布实录")


class Interview(models.Model):
    site = models.ForeignKey("registry.Site", on_delete=models.CASCADE, related_name="interviews",
                             verbose_name=_("网站"))
    title = models.CharField(_("访谈主题"), max_length=100)
    summary = models.TextField(_("访谈简介"), max_length=5000)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    status = models.CharField(_("状态"), max_length=12, choices=InterviewStatus.choices,
                              default=InterviewStatus.SCHEDULED)
    transcript = models.TextField(_("访谈实录"), blank=True)
    published_at = models.DateTimeField(_("实录发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("在线访谈")
        verbose_name_plural = _("在线访谈")
        ordering = ["-starts_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def takes_questions(self, at=None) -> bool:
        """Questions are collected from the announcement until the interview ends."""
        at = at or clock.now()
        return self.status in (InterviewStatus.SCHEDULED, InterviewStatus.LIVE) and at < self.ends_at


class InterviewGuest(models.Model):
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField(_("嘉宾姓名"), max_length=50)
    position = models.CharField(_("职务"), max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("访谈嘉宾")
        verbose_name_plural = _("访谈嘉宾")
        ordering = ["interview_id", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.position}）"


class QuestionStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已采用")
    REJECTED = "rejected", _("未采用")
    ANSWERED = "answered", _("已回答")


class InterviewQuestion(models.Model):
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="questions")
    body = models.TextField(_("网民提问"), max_length=1000)
    nickname = models.CharField(_("网名"), max_length=30, blank=True)
    asked_at = models.DateTimeField(default=clock.now)
    status = models.CharField(_("状态"), max_length=10, choices=QuestionStatus.choices,
                              default=QuestionStatus.PENDING)
    answer = models.TextField(_("嘉宾回答"), blank=True)
    answered_by = models.ForeignKey(InterviewGuest, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    submitter = models.ForeignKey("privacy.PersonalRecord", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    client_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("访谈提问")
        verbose_name_plural = _("访谈提问")
        ordering = ["asked_at", "pk"]

    def __str__(self) -> str:
        return f"{self.interview_id} · {self.body[:20]}"

