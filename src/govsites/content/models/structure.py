"""Site structure as Wagtail pages: one tree per hosted registry site, columns under its home.

Items will live in the estate-wide library (snippets) and be *placed* in columns; see
``docs/content-design.md``. Pages here are only the structure and URL space of each site.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from ..columns import ColumnType


class SiteHomePage(Page):
    """The home of one hosted site; bound to its registry record."""

    registry_site = models.OneToOneField(
        "registry.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="home_page",
        verbose_name=_("登记网站"),
    )

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["content.ColumnPage"]
    content_panels = [*Page.content_panels]

    class Meta:
        verbose_name = _("网站首页")
        verbose_name_plural = _("网站首页")


class ColumnPage(Page):
    """A column (栏目) of a site; its type, description and keywords go into the page metadata."""

    column_type = models.CharField(_("栏目类型"), max_length=32, choices=ColumnType.choices, default=ColumnType.FREE)
    description = models.TextField(_("栏目描述"), blank=True)
    keywords = models.CharField(_("栏目关键词"), max_length=200, blank=True)
    special_topic = models.OneToOneField(
        "registry.SpecialTopic", on_delete=models.PROTECT, null=True, blank=True, related_name="column",
        verbose_name=_("专栏专题登记"),
    )

    parent_page_types = ["content.SiteHomePage", "content.ColumnPage"]
    subpage_types = ["content.ColumnPage"]
    content_panels = [
        *Page.content_panels,
        FieldPanel("column_type"),
        FieldPanel("description"),
        FieldPanel("keywords"),
    ]

    class Meta:
        verbose_name = _("栏目")
        verbose_name_plural = _("栏目")
