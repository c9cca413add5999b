"""The knowledge base (INT-04): answered questions curated into entries the public can search."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govsites import clock


class KnowledgeEntry(models.Model):
    site = models.ForeignKey("registry.Site", on_delete=models.CASCADE, related_name="knowledge_entries",
                             verbose_name=_("网站"))
    department = models.ForeignKey("registry.Institution", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("答复部门"))
    question = models.CharField(_("问题"), max_length=200)
    answer = models.TextField(_("解答"), max_length=10000)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    source_messages = models.ManyToManyField("interaction.Message", blank=True, related_name="knowledge_entries",
                                             verbose_name=_("来源留言"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    updated_at = models.DateTimeField(default=clock.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("知识库条目")
        verbose_name_plural = _("知识库条目")
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.question
