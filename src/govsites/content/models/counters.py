"""Sequence counters for index numbers (索引号, CON-10).

One row per numbering scope (the index pattern's org/unit/year values, see
``disclosure.index_numbers.counter_scope``). The row is locked in the transaction that saves the
document, so two editors creating documents at once never draw the same number.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexCounter(models.Model):
    scope = models.CharField(_("编号范围"), max_length=120, unique=True)
    last_seq = models.PositiveIntegerField(_("已用顺序号"), default=0)

    class Meta:
        verbose_name = _("索引号计数器")
        verbose_name_plural = _("索引号计数器")

    def __str__(self) -> str:
        return f"{self.scope}: {self.last_seq}"
