"""A year of the official calendar and its exceptions.

Only exceptions are stored: an ordinary Monday to Friday is a working day and a Saturday or Sunday
a rest day unless a :class:`CalendarDay` says otherwise. A year that has no :class:`CalendarYear`
row is *unknown*, not "no holidays": the arithmetic refuses to guess (``calendar.MissingCalendarYear``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    LIBRARY = "library", _("日历库（chinese_calendar）")
    NOTICE = "notice", _("国务院通知（管理员载入）")


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


class CalendarYear(models.Model):
    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    notice = models.CharField(_("通知文号"), max_length=100, blank=True,
                              help_text=_("如：国办发明电〔2025〕7号"))
    loaded_at = models.DateTimeField(_("载入时间"))
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("载入人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-year"]
        verbose_name = _("工作日历年份")
        verbose_name_plural = _("工作日历年份")
        constraints = [
            models.CheckConstraint(condition=models.Q(source__in=Source.values), name="workdays_year_source_valid"),
        ]

    def __str__(self):
        return f"{self.year}年工作日历"


class CalendarDay(models.Model):
    year = models.ForeignKey(CalendarYear, verbose_name=_("年份"), on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=50, help_text=_("如：春节"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("放假或调休日")
        verbose_name_plural = _("放假或调休日")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=DayKind.values), name="workdays_day_kind_valid"),
        ]

    def __str__(self):
        return f"{self.date.isoformat()} {self.get_kind_display()}（{self.name}）"
