"""The library's images and documents: each belongs to one hosted site and lives in that site's
Wagtail collection, so Wagtail's collection permissions scope every stock view to it.

The owning ``site`` is not chosen by anyone: it follows the collection (see
:func:`govsites.media.site_collections.site_id_for_collection`), on every save and after the
bulk "add to collection" action, so the two can never disagree.
"""

from __future__ import annotations

import os
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage, AbstractRendition

#: Alt text is read aloud by screen readers: a sentence, not an essay.
ALT_TEXT_MAX_LENGTH = 150


class SiteCollection(models.Model):
    """The Wagtail collection that holds one hosted site's images and documents."""

    site = models.OneToOneField(
        "registry.Site", on_delete=models.CASCADE, related_name="media_collection", verbose_name=_("网站")
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection", on_delete=models.CASCADE, related_name="site_link", verbose_name=_("媒体库")
    )

    class Meta:
        verbose_name = _("网站媒体库")
        verbose_name_plural = _("网站媒体库")

    def __str__(self) -> str:
        return f"{self.site} · {self.collection}"


class SiteMediaMixin:
    """What images and documents share: the owning site follows the collection, and the stored
    values are remembered at load time so the audit trail can diff a change without a query."""

    #: fields (attnames) whose before/after values an audit entry of a change carries
    AUDIT_FIELDS: tuple[str, ...] = ("title", "collection_id", "site_id", "file")

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_values = instance.audit_snapshot()
        instance._site_resolved_for = instance.__dict__.get("collection_id")
        return instance

    def audit_snapshot(self) -> dict:
        out = {}
        for name in self.AUDIT_FIELDS:
            if name not in self.__dict__:  # deferred: never trigger a query for the trail
                continue
            value = getattr(self, name)
            if name == "file":
                value = value.name if value else ""
            out[name] = value
        return out

    def resolve_site(self) -> None:
        """Set ``site`` from the collection; refuse a collection no hosted site owns."""
        from .site_collections import site_id_for_collection

        if self.site_id is not None and self.collection_id == getattr(self, "_site_resolved_for", None):
            return
        site_id = site_id_for_collection(self.collection_id)
        if site_id is None:
            raise ValidationError({"collection": _("请选择所属网站的媒体库：每个图片和文件都必须属于一个网站。")})
        self.site_id = site_id
        self._site_resolved_for = self.collection_id

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"collection", "collection_id"} & set(update_fields):
            self.resolve_site()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "site"}
        super().save(*args, **kwargs)
        self._stored_values = self.audit_snapshot()


class SiteImage(SiteMediaMixin, AbstractImage):
    # Wagtail (6.3+) uses ``description`` as the image's alt text; here it is required.
    description = models.CharField(
        _("替代文本"),
        max_length=ALT_TEXT_MAX_LENGTH,
        help_text=_("用一句话说明图片内容，供视障用户读屏和图片无法显示时使用（必填）。"),
    )
    site = models.ForeignKey(
        "registry.Site", on_delete=models.PROTECT, related_name="images", verbose_name=_("所属网站"),
        editable=False,
    )

    admin_form_fields = (
        "title",
        "file",
        "description",
        "collection",
        "tags",
        "focal_point_x",
        "focal_point_y",
        "focal_point_width",
        "focal_point_height",
    )
    AUDIT_FIELDS = (*SiteMediaMixin.AUDIT_FIELDS, "description")

    class Meta(AbstractImage.Meta):
        verbose_name = _("图片")
        verbose_name_plural = _("图片")
        indexes = [models.Index(fields=["site", "-created_at"], name="siteimage_site_recent")]


class SiteImageRendition(AbstractRendition):
    image = models.ForeignKey(SiteImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("image", "filter_spec", "focal_point_key"), name="unique_siteimage_rendition"
            ),
        ]


class DocumentKind(models.TextChoices):
    ATTACHMENT = "attachment", _("附件")
    ORIGINAL = "original", _("文件原文")
    FORM = "form", _("办事表格")
    DATA = "data", _("数据资料")
    OTHER = "other", _("其他")


def document_upload_to(instance, filename: str) -> str:
    """``documents/<random>/<name>``: the random folder keeps stored files unguessable even if the
    media folder is ever exposed directly; downloads go through Wagtail's serve view."""
    name = os.path.basename(filename)
    stem, ext = os.path.splitext(name)
    stem = stem[: 200 - len(ext)]  # the column holds 255; the prefix takes 27
    return f"documents/{secrets.token_hex(8)}/{stem}{ext}"


class SiteDocument(SiteMediaMixin, AbstractDocument):
    file = models.FileField(_("文件"), upload_to=document_upload_to, max_length=255)
    kind = models.CharField(_("文件类别"), max_length=16, choices=DocumentKind.choices, default=DocumentKind.ATTACHMENT)
    description = models.TextField(_("内容说明"), max_length=500, blank=True)
    issuing_body = models.CharField(_("发文机关"), max_length=100, blank=True)
    is_public = models.BooleanField(
        _("对外公开"),
        default=False,
        help_text=_("公开后任何人都可以通过链接下载；未公开时仅本网站人员和监管人员登录后可以下载。"
                    "发布引用本文件的信息时自动公开。"),
    )
    site = models.ForeignKey(
        "registry.Site", on_delete=models.PROTECT, related_name="documents", verbose_name=_("所属网站"),
        editable=False,
    )

    admin_form_fields = ("title", "file", "kind", "description", "issuing_body", "is_public", "collection", "tags")
    AUDIT_FIELDS = (*SiteMediaMixin.AUDIT_FIELDS, "kind", "description", "issuing_body", "is_public")

    class Meta(AbstractDocument.Meta):
        verbose_name = _("文件")
        verbose_name_plural = _("文件")
        indexes = [models.Index(fields=["site", "-created_at"], name="sitedocument_site_recent")]

    def clean(self):
        """The allowed-extension check (Wagtail's own, with a Chinese message); the form checks
        the content. Skipped when no file is there yet (the form reports that once)."""
        from .validators import check_document_extension

        if self.file and self.file.name:
            try:
                check_document_extension(self.file.name)
            except ValidationError as exc:
                raise ValidationError({"file": exc.messages}) from exc

    @property
    def format_label(self) -> str:
        from .validators import FORMAT_LABELS

        return FORMAT_LABELS.get(self.file_extension.lower(), self.file_extension.upper())
