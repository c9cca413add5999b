"""What the publisher knows: the queue of changes, each site's manifest and releases, the stable
list pages, and the integrity incidents of the front targets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govsites import clock


class PublishRequest(models.Model):
    """A change waiting to be published: one item of one site, or the whole site (``item_id``
    empty). Written by the receivers in the transaction of the change itself, so a change can
    never be lost between "saved" and "queued"; deleted by the release that publishes it."""

    site = models.ForeignKey("registry.Site", on_delete=models.CASCADE, related_name="publish_requests")
    item_id = models.BigIntegerField(null=True, blank=True)
    column_id = models.BigIntegerField(null=True, blank=True)  # a column the item left (placement removed)
    reason = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("待发布变更")
        verbose_name_plural = _("待发布变更")
        indexes = [models.Index(fields=["site", "id"], name="publishrequest_site")]

    def __str__(self) -> str:
        return f"{self.site_id}:{self.item_id or '*'} ({self.reason})"


class ReleaseStatus(models.TextChoices):
    PENDING = "pending", _("发布中")
    LIVE = "live", _("已发布")
    FAILED = "failed", _("失败")


class SiteRelease(models.Model):
    """One published version of a site: the targets serve release ``number`` once it is live.

    ``digest`` is a set hash of the whole manifest after this release (the sum modulo 2**256 of
    SHA-256(path, file hash) over all files): it changes with any file and is updated from the
    delta alone, so a one-item release costs the same on a site of 10 or 100,000 pages.
    """

    site = models.ForeignKey("registry.Site", on_delete=models.CASCADE, related_name="releases")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=ReleaseStatus.choices, default=ReleaseStatus.PENDING)
    reason = models.CharField(_("原因"), max_length=64)
    full = models.BooleanField(_("全量重建"), default=False)
    created_at = models.DateTimeField(default=clock.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    rendered = models.PositiveIntegerField(_("渲染文件数"), default=0)
    written = models.PositiveIntegerField(_("写入文件数"), default=0)
    removed = models.PositiveIntegerField(_("删除文件数"), default=0)
    file_count = models.PositiveIntegerField(_("文件总数"), default=0)
    digest = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=dict, blank=True)  # {"written": [...], "removed": [...]}
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("网站发布版本")
        verbose_name_plural = _("网站发布版本")
        constraints = [models.UniqueConstraint(fields=["site", "number"], name="unique_release_number")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.site_id} v{self.number} ({self.status})"


class ManifestEntry(models.Model):
    """One file of a site's current manifest. ``item_id``/``column_id`` say what the file shows,
    which is how the planner finds a changed item's existing outputs (its old address, its old
    column) without re-rendering anything else; ``sort_key`` is the item's list position."""

    site = models.ForeignKey("registry.Site", on_delete=models.CASCADE, related_name="manifest")
    path = models.CharField(max_length=400)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    item_id = models.BigIntegerField(null=True, blank=True)
    column_id = models.BigIntegerField(null=True, blank=True)
    sort_key = models.DateTimeField(null=True, blank=True)
    release = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("发布清单条目")
        verbose_name_plural = _("发布清单")
        constraints = [models.UniqueConstraint(fields=["site", "path"], name="unique_manifest_path")]
        indexes = [models.Index(fields=["site", "item_id"], name="manifest_site_item")]

    def __str__(self) -> str:
        return f"{self.site_id}:{self.path}"


class ListPageRange(models.Model):
    """A stable list page of a column: page ``number`` holds the column's items from
    (``start_at``, ``start_item_id``) up to the next page's start. Pages are numbered from the
    oldest and a full page is never re-cut, so a new item rewrites the column's index and newest
    page only, not every older page (see ``planning``)."""

    column = models.ForeignKey("content.ColumnPage", on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    start_at = models.DateTimeField()
    start_item_id = models.BigIntegerField()

    class Meta:
        verbose_name = _("栏目分页")
        verbose_name_plural = _("栏目分页")
        constraints = [models.UniqueConstraint(fields=["column", "number"], name="unique_list_page")]

    def __str__(self) -> str:
        return f"{self.column_id} p{self.number}"


class IncidentStatus(models.TextChoices):
    RESTORED = "restored", _("已自动恢复")
    RESTORE_FAILED = "restore_failed", _("恢复失败")


class IntegrityIncident(models.Model):
    """SEC-04: a front target's files differed from the manifest (tampering, an uploaded web
    shell, a deleted page) — what was found, and the automatic restore."""

    site = models.ForeignKey("registry.Site", on_delete=models.CASCADE, related_name="integrity_incidents")
    target = models.CharField(_("发布目标"), max_length=64)
    release = models.PositiveIntegerField(_("版本"), default=0)
    detected_at = models.DateTimeField(_("发现时间"), default=clock.now)
    restored_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=IncidentStatus.choices)
    modified = models.JSONField(_("被篡改文件"), default=list)
    added = models.JSONField(_("多出文件"), default=list)
    removed = models.JSONField(_("缺失文件"), default=list)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("防篡改事件")
        verbose_name_plural = _("防篡改事件")
        ordering = ["-detected_at"]

    def __str__(self) -> str:
        return f"{self.site_id}@{self.target} {self.detected_at:%Y-%m-%d %H:%M}"

    @property
    def file_count(self) -> int:
        return len(self.modified) + len(self.added) + len(self.removed)
