"""The estate's one resource library (CON-01): every item is stored once and *placed* in columns.

An item is a Wagtail snippet with drafts, revisions, locking, scheduled publishing and
workflows (CON-09). It belongs to an owning site; a :class:`Placement` shows it in any column
of any site, and a placement on another site always shows the source (CON-04). Policy
disclosure metadata (CON-10) lives on the item itself so library filters need no join.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin, WorkflowMixin
from wagtail.search import index

from govsites import clock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "image", "hr"]


class ItemKind(models.TextChoices):
    ARTICLE = "article", _("文章")
    POLICY = "policy", _("政策文件")
    INTERPRETATION = "interpretation", _("政策解读")
    RESPONSE = "response", _("回应关切")
    ANNOUNCEMENT = "announcement", _("公告")
    MAP = "map", _("地图")


class InterpretationForm(models.TextChoices):
    TEXT = "text", _("文字解读")
    GRAPHIC = "graphic", _("图解")
    VIDEO = "video", _("视频解读")


class ResponseKind(models.TextChoices):
    EMERGENCY = "emergency", _("突发事件回应")
    HOT_TOPIC = "hot_topic", _("热点回应")
    RUMOUR = "rumour", _("辟谣")


class Validity(models.TextChoices):
    VALID = "valid", _("有效")
    AMENDED = "amended", _("已修改")
    REPEALED = "repealed", _("已废止")
    EXPIRED = "expired", _("已失效")


class Item(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, index.Indexed, models.Model):
    kind = models.CharField(_("信息类型"), max_length=20, choices=ItemKind.choices, default=ItemKind.ARTICLE)
    title = models.CharField(_("标题"), max_length=200)
    owning_site = models.ForeignKey(
        "registry.Site", on_delete=models.PROTECT, related_name="library_items", verbose_name=_("来源网站")
    )
    summary = models.TextField(_("摘要"), blank=True, max_length=1000)
    body = RichTextField(_("正文"), blank=True, features=RICH_TEXT_FEATURES)
    source_name = models.CharField(_("信息来源"), max_length=100, blank=True)
    author = models.CharField(_("作者"), max_length=50, blank=True)
    published_on = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    # CON-03: published on a superior site / the own portal, subordinate sites must repost it.
    is_important_policy = models.BooleanField(_("重要政策信息（下级网站须转载）"), default=False)
    # CON-07: a major policy is published together with its interpretation.
    is_major_policy = models.BooleanField(_("重大政策文件（须同步发布解读）"), default=False)
    interpretation_form = models.CharField(_("解读形式"), max_length=10, choices=InterpretationForm.choices, blank=True)
    response_kind = models.CharField(_("回应类型"), max_length=12, choices=ResponseKind.choices, blank=True)
    # CON-06: maps are standard maps or carry an approval number (审图号).
    is_standard_map = models.BooleanField(_("标准地图"), default=False)
    map_approval_number = models.CharField(_("审图号"), max_length=50, blank=True)
    # CON-10: disclosure metadata (policy documents).
    index_number = models.CharField(_("索引号"), max_length=60, blank=True, db_index=True)
    issuing_body = models.CharField(_("发文机关"), max_length=100, blank=True)
    document_number = models.CharField(_("发文字号"), max_length=60, blank=True)
    written_on = models.DateField(_("成文日期"), null=True, blank=True)
    subject = models.CharField(_("主题分类"), max_length=60, blank=True)
    validity = models.CharField(_("有效性"), max_length=10, choices=Validity.choices, blank=True)
    validity_changed_on = models.DateField(_("有效性变更日期"), null=True, blank=True)
    superseded_by = models.CharField(_("替代文件"), max_length=200, blank=True)
    # REG-15: archived items stay reachable, read-only, marked 已归档 with the date.
    archived_on = models.DateField(_("归档日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(default=clock.now)

    search_fields = [
        index.SearchField("title"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("kind"),
        index.FilterField("owning_site_id"),
        index.FilterField("live"),
        index.FilterField("subject"),
    ]

    class Meta:
        verbose_name = _("信息")
        verbose_name_plural = _("信息资源库")
        indexes = [
            models.Index(fields=["owning_site", "live", "-published_on"], name="item_site_live_pub"),
            models.Index(fields=["kind", "live", "-published_on"], name="item_kind_live_pub"),
        ]
        permissions = [("publish_item", "Can publish library items")]
        constraints = [
            # CON-10: an index number identifies one document of its site.
            models.UniqueConstraint(
                fields=["owning_site", "index_number"],
                condition=~models.Q(index_number=""),
                name="unique_item_index_number_per_site",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def archive_banner(self) -> str | None:
        """REG-15: the notice an archived item shows wherever it is placed."""
        if self.archived_on is None:
            return None
        return f"已归档\u3000归档时间：{self.archived_on:%Y-%m-%d}"

    def disclosure_values(self) -> dict:
        """The CON-10 metadata block in the shape ``content.disclosure.metadata`` validates; one
        mapping for the save-time check and the publish-time check."""
        published = clock.local(self.published_on).date() if self.published_on else clock.today()
        return {
            "title": self.title,
            "index_number": self.index_number,
            "issuing_body": self.issuing_body,
            "document_number": self.document_number,
            "date_written": self.written_on,
            "date_published": published,
            "subject": self.subject,
            "validity": self.validity or Validity.VALID,
            "validity_date": self.validity_changed_on,
            "superseded_by_title": self.superseded_by,
        }

    def get_workflow(self):
        """The owning site's (or the item's column's) configured workflow, else the model default."""
        from .membership import SiteWorkflow
        from .review import primary_column_id

        column_id = primary_column_id(self) if self.pk else getattr(self, "_workflow_column_id", None)
        rows = {
            (w.column_id or None): w.workflow
            for w in SiteWorkflow.objects.filter(site_id=self.owning_site_id).select_related("workflow")
            if w.workflow.active
        }
        return rows.get(column_id) or rows.get(None) or self.get_default_workflow()

    def publish(self, revision, user=None, **kwargs):
        """Refuse a revision with a blocking pre-publish problem (CON-05/06/07/09/10, REG-15).

        Every publish path — the end of a workflow, scheduled go-live, ``revision.publish()`` —
        arrives here, so the check runs before Wagtail writes anything; the raised
        ``RuleViolation`` rolls back the surrounding approval as well.
        """
        from govsites.content.prepublish import ensure_publishable

        ensure_publishable(revision)
        result = super().publish(revision, user=user, **kwargs)
        # Wagtail publishes a copy built from the revision, so read the row back rather than
        # trusting this instance (``revision.publish()`` calls this on the stored object).
        row = Item.objects.filter(pk=self.pk).values("live", "published_on", "first_published_at").first()
        if row and row["live"] and row["published_on"] is None:
            # The publication date shown with the item (CON-10 发布日期): the first publication,
            # unless the editor gave one; a later re-publish keeps it.
            self.published_on = row["first_published_at"] or clock.now()
            Item.objects.filter(pk=self.pk).update(published_on=self.published_on)
        return result


class Placement(models.Model):
    """An item shown in a column. On a site other than the item's own it is a use with the source
    shown (CON-01/04); ``is_repost`` marks a required repost (CON-03)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="placements")
    column = models.ForeignKey("content.ColumnPage", on_delete=models.CASCADE, related_name="placements")
    site = models.ForeignKey("registry.Site", on_delete=models.CASCADE, related_name="placements")
    is_repost = models.BooleanField(_("转载"), default=False)
    placed_at = models.DateTimeField(default=clock.now)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("信息使用")
        verbose_name_plural = _("信息使用")
        constraints = [models.UniqueConstraint(fields=["item", "column"], name="unique_item_in_column")]
        indexes = [
            models.Index(fields=["column", "-placed_at"], name="placement_column_recent"),
            # the column listing's keyset pages (newest placement id first)
            models.Index(fields=["column", "-id"], name="placement_column_keyset"),
        ]

    def __str__(self) -> str:
        return f"{self.item} @ {self.column}"

    @property
    def shows_source(self) -> bool:
        return self.site_id != self.item.owning_site_id

    @property
    def source_name(self) -> str:
        """CON-04: the original site's name, computed (there is no field to edit it away)."""
        from ..reposting import source_of

        return source_of(self).name

    @property
    def source_url(self) -> str:
        from ..reposting import source_of

        return source_of(self).url


class InterpretationLink(models.Model):
    """A policy and one of its interpretations (CON-07); pages link both ways from this one row."""

    policy = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="interpretation_links")
    interpretation = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="policy_links")

    class Meta:
        verbose_name = _("政策解读关联")
        verbose_name_plural = _("政策解读关联")
        constraints = [models.UniqueConstraint(fields=["policy", "interpretation"], name="unique_interpretation_link")]

    def __str__(self) -> str:
        return f"{self.policy} ⇄ {self.interpretation}"


class RepostDuty(models.Model):
    """A subordinate site must repost an important policy by ``due_at`` (CON-03)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="repost_duties")
    site = models.ForeignKey("registry.Site", on_delete=models.CASCADE, related_name="repost_duties")
    created_at = models.DateTimeField(default=clock.now)
    due_at = models.DateTimeField(_("转载时限"))
    fulfilled_at = models.DateTimeField(_("转载时间"), null=True, blank=True)
    placement = models.OneToOneField(Placement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("转载任务")
        verbose_name_plural = _("转载任务")
        constraints = [models.UniqueConstraint(fields=["item", "site"], name="unique_repost_duty")]
        indexes = [models.Index(fields=["site", "fulfilled_at", "due_at"], name="repost_duty_open")]

    def __str__(self) -> str:
        return f"{self.site} 转载 {self.item}"

    @property
    def late(self) -> bool:
        end = self.fulfilled_at or clock.now()
        return end > self.due_at
