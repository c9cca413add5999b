"""Messages (consultation, complaint, suggestion, leader mailbox) and error reports, with their
replies and timelines (INT-02/03/05/06).

A case number is the local date of receipt followed by the row id (``2026120500001234``): it needs
no counter row that every submission would have to lock, and a lookup is a primary-key read. The
query code given to the citizen is kept only as a keyed hash.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from govsites import clock

from .channels import ChannelKind

CASE_NUMBER = re.compile(r"^(\d{8})(\d{7,12})$")


class MessageKind(models.TextChoices):
    CONSULTATION = ChannelKind.CONSULTATION.value, _("咨询")
    COMPLAINT = ChannelKind.COMPLAINT.value, _("投诉")
    SUGGESTION = ChannelKind.SUGGESTION.value, _("建议")
    LEADER_MAILBOX = ChannelKind.LEADER_MAILBOX.value, _("领导信箱")
    ERROR_REPORT = ChannelKind.ERROR_REPORT.value, _("网站找错")


class MessageStatus(models.TextChoices):
    RECEIVED = "received", _("待审核")
    INVALID = "invalid", _("无效")
    ACCEPTED = "accepted", _("办理中")
    REPLY_PENDING = "reply_pending", _("答复待审核")
    ANSWERED = "answered", _("已答复")


OPEN_STATUSES = (MessageStatus.RECEIVED, MessageStatus.ACCEPTED, MessageStatus.REPLY_PENDING)


class MessageQuerySet(models.QuerySet):
    def valid(self):
        return self.exclude(status=MessageStatus.INVALID)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def published(self):
        return self.filter(status=MessageStatus.ANSWERED, published_at__isnull=False)

    def by_case_number(self, case_number: str):
        """The message with this case number, or ``None`` (malformed numbers included)."""
        match = CASE_NUMBER.match((case_number or "").strip())
        if not match:
            return None
        return self.filter(pk=int(match.group(2)), received_on=_parse_day(match.group(1))).first()


def _parse_day(text: str):
    import datetime as dt

    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


class Message(models.Model):
    kind = models.CharField(_("类型"), max_length=20, choices=MessageKind.choices)
    channel = models.ForeignKey("interaction.Channel", on_delete=models.PROTECT, related_name="messages",
                                verbose_name=_("栏目"))
    #: the site the citizen wrote to (and where the result is published)
    site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, related_name="messages",
                             verbose_name=_("来源网站"), db_index=False)  # (site, …) indexes below
    #: the site whose handlers have it in their inbox (a superior site may forward it down, INT-06)
    handling_site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, related_name="handled_messages",
                                      verbose_name=_("办理网站"), db_index=False)  # (handling_site, status)
    forwarded_from = models.ForeignKey("registry.Site", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("上级转办网站"))
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("内容"), max_length=5000)
    page_url = models.URLField(_("出错页面地址"), max_length=500, blank=True)
    submitter = models.ForeignKey("privacy.PersonalRecord", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("留言人"))
    wants_private = models.BooleanField(_("留言人要求不公开"), default=False)

    status = models.CharField(_("状态"), max_length=16, choices=MessageStatus.choices,
                              default=MessageStatus.RECEIVED)
    invalid_reason = models.CharField(_("无效原因"), max_length=500, blank=True)
    department = models.ForeignKey("registry.Institution", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="assigned_messages", verbose_name=_("承办部门"),
                                   db_index=False)  # (department, status)

    received_at = models.DateTimeField(_("收到时间"), default=clock.now)
    received_on = models.DateField(_("收到日期"), editable=False)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    forwarded_at = models.DateTimeField(_("转交主办单位时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    #: exclusive bounds computed from the official working-day calendar (null while the year is missing)
    due_at = models.DateTimeField(_("答复期限"), null=True, blank=True, db_index=True)
    forward_due_at = models.DateTimeField(_("转交期限"), null=True, blank=True)
    deadline_error = models.CharField(_("期限计算问题"), max_length=200, blank=True)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("督办时间"), null=True, blank=True)

    reply_department = models.ForeignKey("registry.Institution", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("答复部门"))
    reply_body = models.TextField(_("答复内容"), blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    withheld_reason = models.CharField(_("不公开理由"), max_length=500, blank=True)
    #: SX 25(3): an error report's reply is passed up and published after the provincial review
    passed_up_at = models.DateTimeField(_("逐级提交时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("上级审核时间"), null=True, blank=True)
    #: INT-03: a valuable suggestion forwarded to the business department
    policy_suggestion = models.BooleanField(_("有参考价值的政策建议"), default=False)

    query_code_hash = models.CharField(max_length=64, editable=False)
    client_hash = models.CharField(max_length=64, blank=True, editable=False)
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    duplicate_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name=_("重复留言"))

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("留言")
        verbose_name_plural = _("留言")
        ordering = ["-received_at", "-pk"]
        # every index costs each submission an insertion (benchmarks/interaction): no index a
        # composite one already covers, and plain indexes rather than ``db_index`` on text
        # columns, which on PostgreSQL adds a second, LIKE-pattern index nothing here uses
        indexes = [
            models.Index(fields=["handling_site", "status"]),
            models.Index(fields=["department", "status"]),
            models.Index(fields=["site", "published_at"]),
            models.Index(fields=["site", "received_at"]),
            models.Index(fields=["status"], name="interaction_message_status"),
            models.Index(fields=["fingerprint"], name="interaction_message_print"),
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.title}"

    def save(self, *args, **kwargs):
        self.received_on = clock.local(self.received_at).date()
        super().save(*args, **kwargs)

    @property
    def case_number(self) -> str:
        if self.pk is None:
            return ""
        return f"{self.received_on:%Y%m%d}{self.pk:07d}"

    # -- the query code ------------------------------------------------------------------------
    @staticmethod
    def hash_query_code(code: str) -> str:
        return salted_hmac("govsites.interaction.query_code", code.strip().upper(), algorithm="sha256").hexdigest()

    def query_code_matches(self, code: str) -> bool:
        return bool(code) and constant_time_compare(self.hash_query_code(code), self.query_code_hash)

    # -- deadlines -----------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def overdue(self, at=None) -> bool:
        """Open past its deadline, or answered after it."""
        if self.due_at is None or self.status == MessageStatus.INVALID:
            return False
        end = self.replied_at or at or clock.now()
        return end >= self.due_at

    @property
    def is_public(self) -> bool:
        return self.published_at is not None


class EventKind(models.TextChoices):
    RECEIVED = "received", _("收到留言")
    INVALID = "invalid", _("判定无效")
    ACCEPTED = "accepted", _("受理")
    ASSIGNED = "assigned", _("交办")
    TRANSFERRED = "transferred", _("转办")
    FORWARDED_DOWN = "forwarded_down", _("上级网站转办")
    FORWARDED_TO_SPONSOR = "forwarded_to_sponsor", _("转交网站主办单位")
    REMINDED = "reminded", _("临期提醒")
    ESCALATED = "escalated", _("超期督办")
    REPLY_SUBMITTED = "reply_submitted", _("提交答复审核")
    REPLY_APPROVED = "reply_approved", _("答复审核通过")
    REPLY_REJECTED = "reply_rejected", _("答复退回修改")
    PUBLISHED = "published", _("公开")
    WITHHELD = "withheld", _("不予公开")
    PASSED_UP = "passed_up", _("逐级提交")
    REVIEWED = "reviewed", _("上级审核通过")
    POLICY_FORWARDED = "policy_forwarded", _("政策建议转送业务部门")


#: events a citizen sees in the case lookup (the rest are internal)
PUBLIC_EVENTS = (
    EventKind.RECEIVED, EventKind.INVALID, EventKind.ACCEPTED, EventKind.TRANSFERRED, EventKind.FORWARDED_DOWN,
    EventKind.FORWARDED_TO_SPONSOR, EventKind.REPLY_APPROVED, EventKind.PUBLISHED,
)


class MessageEvent(models.Model):
    """One step in a message's timeline (what the handlers did, when and why)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("环节"), max_length=24, choices=EventKind.choices)
    at = models.DateTimeField(_("时间"), default=clock.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    from_institution = models.ForeignKey("registry.Institution", on_delete=models.SET_NULL, null=True,
                                         blank=True, related_name="+")
    to_institution = models.ForeignKey("registry.Institution", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+")
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.message_id} · {self.get_kind_display()}"


class ReplyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已退回")


class Reply(models.Model):
    """A department's drafted answer; only an approved reply reaches the citizen and the site."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="replies")
    department = models.ForeignKey("registry.Institution", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("答复部门"))
    body = models.TextField(_("答复内容"), max_length=10000)
    status = models.CharField(_("状态"), max_length=12, choices=ReplyStatus.choices, default=ReplyStatus.DRAFT)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(default=clock.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["-drafted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.message_id} · {self.get_status_display()}"
