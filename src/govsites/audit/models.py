"""The audit trail: one entry per state change, with who, when, from where, what and why.

It is a Wagtail log entry model (so Wagtail's own reports and timelines can read it) extended
with the request origin, the reason given and a before/after diff, and made append-only and
hash-chained (SEC-03, see :mod:`.chain`): every insert, whoever makes it (``record()``, Wagtail's
``log()``, the mirror of page log entries), goes through :meth:`AuditLogEntry.save`, which takes
the next ``seq`` under a lock on the one-row :class:`AuditChainHead` and signs the row inside the
writing transaction. Updates and deletes are refused here and by database triggers
(:mod:`.triggers`); only pruning (:mod:`.retention`) deletes, with a :class:`PrunePermit`.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, router, transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models.audit_log import BaseLogEntry, LogEntryQuerySet, ModelLogEntryManager

from govsites import clock

from . import chain, context


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit entry."""

    def __init__(self, message: str = "审计日志只能追加，不能修改或删除。"):
        super().__init__(message)
        self.message = message


class AuditLogQuerySet(LogEntryQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError

    def delete(self):
        raise AppendOnlyError

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError

    def bulk_create(self, objs, *args, **kwargs):
        """One by one through ``save()``: every entry must be chained and signed."""
        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            for obj in objs:
                obj.save(using=self.db)
        return objs

    def _prune(self) -> int:
        """Delete for :mod:`.retention` only (the database refuses it without a permit)."""
        return self._raw_delete(self.db)


class AuditLogEntryManager(ModelLogEntryManager.from_queryset(AuditLogQuerySet)):
    def get_queryset(self):  # Wagtail's manager hard-codes its own queryset class
        return AuditLogQuerySet(self.model, using=self._db)


class AuditLogEntry(BaseLogEntry):
    # DO_NOTHING without a constraint (as Wagtail does for ``user``): SET_NULL would UPDATE audit
    # rows when a content type is removed, which the trail refuses.
    content_type = models.ForeignKey(
        ContentType, models.DO_NOTHING, db_constraint=False, verbose_name=_("对象类型"), blank=True, null=True,
        related_name="+",
    )
    object_id = models.CharField(max_length=255, db_index=True)
    ip_address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=500, blank=True)
    via = models.CharField(_("渠道"), max_length=16, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    # The registry site an entry belongs to, for a site's timeline (no FK: audit knows no domain).
    site_ref = models.BigIntegerField(null=True, blank=True, db_index=True)
    # The chain (SEC-03): position, link to the previous entry, keyed hash and the key's id.
    seq = models.BigIntegerField(_("序号"), unique=True, editable=False)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64, blank=True, editable=False)
    entry_hash = models.CharField(_("本条哈希"), max_length=64, blank=True, editable=False)
    key_id = models.CharField(_("密钥编号"), max_length=32, blank=True, editable=False)

    objects = AuditLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.action} {self.label}"

    def save(self, *args, **kwargs):
        if not self._state.adding or self.pk is not None:
            raise AppendOnlyError
        # Only the check that matters (a registered action); Wagtail's full_clean() would spend a
        # query per foreign key on every entry.
        self.clean()
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        self._fill_origin()
        self._normalise()
        with transaction.atomic(using=using, savepoint=False):
            head = AuditChainHead.locked(using)
            self.seq = head.seq + 1
            self.prev_hash = head.entry_hash
            self.key_id, secret = chain.current_key()
            self.entry_hash = chain.compute_hash(chain.row_of(self), secret)
            # BaseLogEntry.save() would run full_clean(): skip it (see above).
            models.Model.save(self, *args, **kwargs)
            AuditChainHead.objects.using(using).filter(pk=head.pk).update(seq=self.seq, entry_hash=self.entry_hash)
        context.entry_written()

    def delete(self, *args, **kwargs):
        raise AppendOnlyError

    def _fill_origin(self) -> None:
        """Entries Wagtail writes itself (``log()``) carry no origin: take the request's."""
        if self.via:
            return
        origin = context.current_origin()
        if origin is None:
            self.via = "system"
            return
        self.via = origin.via
        self.ip_address = self.ip_address or origin.ip_address
        self.user_agent = self.user_agent or origin.user_agent

    def _normalise(self) -> None:
        """Store exactly what is hashed (JSON as the column gives it back, one address form)."""
        self.data = chain.normalise_json(self.data or {})
        self.changes = chain.normalise_json(self.changes or {})
        self.ip_address = chain.normalise_ip(self.ip_address)
        self.label = str(self.label or "")
        self.reason = str(self.reason or "")
        self.user_agent = str(self.user_agent or "")[:500]
        self.via = str(self.via or "")[:16]
        self.object_id = str(self.object_id or "")[:255]
        self.action = str(self.action or "")[:255]
        if self.timestamp is None:
            self.timestamp = clock.now()

    def verifies(self) -> bool | None:
        """Does this entry's own HMAC hold? (None: signed with a key this deployment lacks.)"""
        return chain.verify_hash(chain.row_of(self), self.entry_hash)


class AuditChainHead(models.Model):
    """The chain's last position and hash: one row, locked by every writer of the trail."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("审计链头")

    def __str__(self) -> str:
        return f"#{self.seq} {self.entry_hash[:12]}"

    @classmethod
    def locked(cls, using: str) -> AuditChainHead:
        """The head row, locked until the transaction ends (SQLite: IMMEDIATE transactions
        already serialise writers; PostgreSQL: SELECT … FOR UPDATE)."""
        manager = cls.objects.using(using)
        head = manager.select_for_update().filter(pk=1).first()
        if head is not None:
            return head
        # First entry ever (or after a test flush): start after whatever the table holds.
        last = AuditLogEntry.objects.using(using).order_by("-seq").values_list("seq", "entry_hash").first()
        seq, entry_hash = last if last else (0, "")
        try:
            with transaction.atomic(using=using):
                manager.create(pk=1, seq=seq, entry_hash=entry_hash)
        except IntegrityError:  # created concurrently
            pass
        return manager.select_for_update().get(pk=1)


class PrunePermit(models.Model):
    """Present only inside a pruning transaction: the DELETE trigger lets rows up to
    ``up_to_seq`` go while one exists, and refuses every other delete."""

    up_to_seq = models.BigIntegerField()

    class Meta:
        verbose_name = _("审计日志清理许可")

    def __str__(self) -> str:
        return f"≤ {self.up_to_seq}"
