"""The life of a message, step by step (INT-02/03/05/06).

received ──ReviewMessage──► invalid (reason kept)
    │
    └──────────────────────► accepted ──AssignMessage / TransferMessage / ForwardToSite──► accepted
                                 │
                                 └──DraftReply(submit)──► reply_pending ──DecideReply──► answered
                                                              ▲     (rejected) │             │
                                                              └────────────────┘   published, withheld
                                                                                   (with reason) or passed
                                                                                   up for ReviewAbove (SX)
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction

from govsites import clock
from govsites.actions import Action, NotAllowed
from govsites.policy import profiles
from govsites.privacy.models import PersonalRecord, Source
from govsites.registry.models import Institution, Site

from .. import deadlines, intake, permissions, ratelimit
from ..models import (
    Channel,
    EventKind,
    Message,
    MessageKind,
    MessageStatus,
    Reply,
    ReplyStatus,
    UsedToken,
)
from ..ratelimit import Limit
from .base import InteractionError, MessageAction, required_text

QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def clean_text(value: str | None) -> str:
    """Public text as stored: NFC, no control or direction-override characters, trimmed lines."""
    text = unicodedata.normalize("NFC", value or "")
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def fingerprint(title: str, body: str) -> str:
    """The same words in the same order, whatever the spacing, punctuation or case."""
    normal = _NOT_WORD.sub("", f"{title}{body}".casefold())
    return hashlib.sha256(normal.encode()).hexdigest()


class DuplicateSubmission(InteractionError):
    def __init__(self, message: str, case_number: str = ""):
        super().__init__(message)
        self.case_number = case_number


class ReplayedSubmission(InteractionError):
    def __init__(self, receipt: str):
        super().__init__(f"该表单已经提交过，请勿重复提交。受理编号：{receipt}" if receipt else "该表单已经提交过，请勿重复提交。")
        self.receipt = receipt


@dataclass
class Submission:
    channel: Channel
    title: str
    body: str
    name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    page_url: str = ""
    wants_private: bool = False
    #: the form's one-time token (verified by the public service); a replay is refused
    token: str = ""
    #: keyed hash of the client address (never the address itself)
    client_hash: str = ""
    #: the rate limits the submission counts against (the public service's per-address and
    #: per-identity limits), counted by the intake in the same transaction
    limits: tuple[Limit, ...] = ()


def spend_token(token: str, receipt: str = "") -> UsedToken:
    """Record a form token as used, or raise :class:`ReplayedSubmission` naming the first receipt."""
    if not token or len(token) > 64:
        raise InteractionError("表单已失效，请刷新页面后重新填写。")
    try:
        with transaction.atomic():
            return UsedToken.objects.create(token=token, receipt=receipt)
    except IntegrityError:
        first = UsedToken.objects.filter(token=token).values_list("receipt", flat=True).first()
        raise ReplayedSubmission(first or "") from None


def refuse_replay(token: str) -> None:
    """A form seen before is named as a replay (with its first receipt) before anything else —
    also before duplicate detection, which would give a less precise answer."""
    first = UsedToken.objects.filter(token=token).values_list("receipt", flat=True).first() if token else None
    if first is not None:
        raise ReplayedSubmission(first)


class SubmitMessage(Action):
    """A citizen's message or error report, stored durably before the receipt is shown.

    Anyone may submit (the public service has checked its rate limits and challenge). The
    submission is not written to the audit chain: it is not a staff action, and the message row
    with its timeline is the record; the chain's lock would serialise the public service.
    Returns ``(message, query_code)``.
    """

    def __init__(self, actor, submission: Submission):
        super().__init__(actor)
        self.submission = submission

    def check_permission(self) -> bool:
        return True

    def validate(self) -> dict:
        s = self.submission
        errors: dict[str, str] = {}
        channel = s.channel
        if channel is None or not channel.enabled or not channel.takes_messages:
            raise InteractionError("该栏目暂不接受留言。")
        title, body = clean_text(s.title), clean_text(s.body)
        if len(title) < 2:
            errors["title"] = "请填写标题（至少2个字）。"
        elif len(title) > 100:
            errors["title"] = f"标题不能超过100个字（现有{len(title)}个）。"
        if len(body) < 5:
            errors["body"] = "请填写内容（至少5个字）。"
        elif len(body) > 5000:
            errors["body"] = f"内容不能超过5000个字（现有{len(body)}个）。"
        page_url = (s.page_url or "").strip()
        if channel.kind == MessageKind.ERROR_REPORT:
            parts = urlsplit(page_url)
            if not page_url or parts.scheme not in ("http", "https") or not parts.netloc or len(page_url) > 500:
                errors["page_url"] = "请填写出错页面的完整网址（以 http:// 或 https:// 开头，不超过500个字符）。"
        else:
            page_url = ""
        name = clean_text(s.name)
        if not name:
            errors["name"] = "请填写姓名。"
        if not (s.phone or "").strip() and not (s.email or "").strip():
            errors["phone"] = "请填写联系电话或电子邮箱，以便答复。"
        if errors:
            raise InteractionError(errors)
        return {"title": title, "body": body, "page_url": page_url, "name": name}

    def execute(self):
        """The intake commits the rate counts even when it refuses (a flood is counted whatever it
        sends), so refusals are raised here, after its transaction, not inside one."""
        if not self.check_permission():
            raise NotAllowed(self.denied_message)
        message, code = self.build()
        outcome = intake.store(intake.Intake(
            message=message, record=message.submitter, token=self.submission.token,
            limits=tuple(self.submission.limits),
            duplicate_since=message.received_at - timedelta(days=int(profiles.active().get("interaction.duplicate_days"))),
        ))
        if outcome.over_limit:
            raise ratelimit.RateLimited(ratelimit.retry_after())
        if outcome.replay_receipt is not None:
            raise ReplayedSubmission(outcome.replay_receipt)
        if outcome.duplicate_case:
            raise DuplicateSubmission(f"您已提交过相同内容的留言（受理编号 {outcome.duplicate_case}），请勿重复提交。",
                                      outcome.duplicate_case)
        if outcome.duplicate_case is not None:
            raise DuplicateSubmission("相同内容的留言已经提交过，请勿重复提交。")
        return message, code

    def build(self) -> tuple[Message, str]:
        """The validated, unsaved message with its personal record, deadlines and query code."""
        s = self.submission
        fields = self.validate()
        if not s.token or len(s.token) > 64:
            raise InteractionError("表单已失效，请刷新页面后重新填写。")
        record = PersonalRecord(
            source=Source.ERROR_REPORT if s.channel.kind == MessageKind.ERROR_REPORT else Source.MESSAGE,
            site_id=s.channel.site_id, name=fields["name"], phone=(s.phone or "").strip(),
            email=(s.email or "").strip(), address=clean_text(s.address),
        )
        record.full_clean(exclude=["site"])
        now = clock.now()
        message = Message(
            kind=s.channel.kind, channel=s.channel, site_id=s.channel.site_id, handling_site_id=s.channel.site_id,
            title=fields["title"], body=fields["body"], page_url=fields["page_url"], submitter=record,
            wants_private=bool(s.wants_private), received_at=now, received_on=clock.local(now).date(),
            client_hash=s.client_hash[:64], fingerprint=fingerprint(fields["title"], fields["body"]),
        )
        code = "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(8))
        message.query_code_hash = Message.hash_query_code(code)
        deadlines.assign(message)
        return message, code


# -- triage -----------------------------------------------------------------------------------------

class TriageAction(MessageAction):
    denied_message = "只有本网站的留言办理人可以进行此操作。"

    def check_permission(self) -> bool:
        return permissions.may_triage(self.user, self.message)

    def require(self, *statuses: str, what: str) -> None:
        if self.message.status not in statuses:
            raise InteractionError(f"【INT-02】该留言当前状态为“{self.message.get_status_display()}”，不能{what}。")

    def route_to(self, department: Institution | None, kind: str, note: str = "") -> None:
        if department is None:
            return
        check_routable(self.message, department)
        previous = self.message.department
        if previous is not None and previous.pk == department.pk:
            raise InteractionError("该留言已由该部门承办。")
        self.message.department = department
        self.message.save()
        self.event(kind, note=note, from_institution=previous, to_institution=department)


def check_routable(message: Message, department: Institution) -> None:
    """Messages go to the handling site's own government and its departments; a lower government
    is reached by forwarding the message to its site (INT-06), never by routing around it."""
    government = message.handling_site.institution.government
    if government is None or department.government != government:
        raise InteractionError("【INT-02】只能交办给本级政府及其部门；下级政府的事项请转办至其网站。")


class ReviewMessage(TriageAction):
    """Validity review: invalid messages keep their reason; valid ones are accepted and, if a
    department is given, routed to it. An error report with a forwarding step (CQ 21) is
    accepted by passing it to the site's sponsor."""

    def __init__(self, actor, message, *, valid: bool, reason: str = "", department: Institution | None = None):
        super().__init__(actor, message)
        self.valid, self.reason, self.department = valid, reason, department

    def perform(self) -> Message:
        self.require(MessageStatus.RECEIVED, what="审核")
        message, now = self.message, clock.now()
        if not self.valid:
            message.invalid_reason = required_text(self.reason, "无效原因")
            message.status = MessageStatus.INVALID
            message.save()
            self.event(EventKind.INVALID, note=message.invalid_reason)
            return message
        message.status = MessageStatus.ACCEPTED
        message.accepted_at = now
        message.save()
        self.event(EventKind.ACCEPTED, note=(self.reason or "").strip()[:500])
        department = self.department
        if message.kind == MessageKind.ERROR_REPORT and deadlines.forward_working_days(message.kind):
            department = department or message.site.institution
            message.forwarded_at = now
            self.route_to(department, EventKind.FORWARDED_TO_SPONSOR, "转网站主办单位办理")
        else:
            self.route_to(department, EventKind.ASSIGNED)
        return message


class AssignMessage(TriageAction):
    """Route an accepted message to a department (first assignment or re-routing by triage)."""

    def __init__(self, actor, message, department: Institution, note: str = ""):
        super().__init__(actor, message)
        self.department, self.note = department, note

    def perform(self) -> Message:
        self.require(MessageStatus.ACCEPTED, what="交办")
        kind = EventKind.TRANSFERRED if self.message.department_id else EventKind.ASSIGNED
        self.route_to(self.department, kind, (self.note or "").strip())
        return self.message


class TransferMessage(MessageAction):
    """A department hands a message it cannot answer to another department, with the reason.
    The deadline keeps running from receipt."""

    denied_message = "只有承办部门或本网站的留言办理人可以转办。"

    def __init__(self, actor, message, department: Institution, reason: str):
        super().__init__(actor, message)
        self.department, self.reason = department, reason

    def check_permission(self) -> bool:
        return permissions.may_handle(self.user, self.message)

    def perform(self) -> Message:
        if self.message.status != MessageStatus.ACCEPTED:
            raise InteractionError(f"该留言当前状态为“{self.message.get_status_display()}”，不能转办。")
        reason = required_text(self.reason, "转办理由")
        TriageAction.route_to(self, self.department, EventKind.TRANSFERRED, reason)
        return self.message


class ForwardToSite(TriageAction):
    """INT-06: a superior site passes a message down to a subordinate site, whose handlers then
    treat it as their own (their inbox, their departments, the same deadline)."""

    def __init__(self, actor, message, site: Site, note: str = ""):
        super().__init__(actor, message)
        self.site, self.note = site, note

    def perform(self) -> Message:
        self.require(MessageStatus.RECEIVED, MessageStatus.ACCEPTED, what="转办下级网站")
        message = self.message
        upper = message.handling_site
        below = self.site.institution.path
        if self.site.pk == upper.pk or not below.startswith(upper.institution.path):
            raise InteractionError("【INT-06】只能转办给本网站所属机构的下级单位网站。")
        if message.status == MessageStatus.RECEIVED:
            message.status = MessageStatus.ACCEPTED
            message.accepted_at = clock.now()
        message.forwarded_from = upper
        message.handling_site = self.site
        previous, message.department = message.department, None
        message.save()
        self.event(EventKind.FORWARDED_DOWN, note=(self.note or f"{upper.name}转办").strip(),
                   from_institution=previous or upper.institution, to_institution=self.site.institution,
                   audit_data={"to_site": self.site.name})
        return message


class MarkPolicySuggestion(TriageAction):
    """INT-03: a valuable policy suggestion is forwarded to the business department; its handling
    is published like any reply."""

    def __init__(self, actor, message, department: Institution, note: str = ""):
        super().__init__(actor, message)
        self.department, self.note = department, note

    def perform(self) -> Message:
        if self.message.kind != MessageKind.SUGGESTION:
            raise InteractionError("【INT-03】只有建议类留言可以作为政策建议转送业务部门。")
        self.require(MessageStatus.ACCEPTED, what="转送业务部门")
        check_routable(self.message, self.department)
        self.message.policy_suggestion = True
        previous = self.message.department
        self.message.department = self.department
        self.message.save()
        self.event(EventKind.POLICY_FORWARDED, note=(self.note or "").strip(), from_institution=previous,
                   to_institution=self.department)
        return self.message


# -- replies ----------------------------------------------------------------------------------------

class DraftReply(MessageAction):
    """Save the department's draft reply; with ``submit`` it goes to the department's approver."""

    denied_message = "只有承办部门的留言办理人可以起草答复。"

    def __init__(self, actor, message, body: str, *, submit: bool = False):
        super().__init__(actor, message)
        self.body, self.submit = body, submit

    def check_permission(self) -> bool:
        return permissions.may_handle(self.user, self.message)

    def perform(self) -> Reply:
        message = self.message
        if message.status != MessageStatus.ACCEPTED:
            raise InteractionError(f"该留言当前状态为“{message.get_status_display()}”，不能起草答复。")
        if message.department_id is None:
            raise InteractionError("请先将留言交办给承办部门。")
        body = clean_text(self.body)
        if len(body) < 5:
            raise InteractionError({"body": "请填写答复内容（至少5个字）。"})
        if len(body) > 10000:
            raise InteractionError({"body": f"答复内容不能超过10000个字（现有{len(body)}个）。"})
        reply = message.replies.filter(status=ReplyStatus.DRAFT).first() or Reply(
            message=message, department=message.department, drafted_by=self.user)
        reply.body, reply.drafted_by, reply.drafted_at = body, self.user, clock.now()
        reply.department = message.department
        if self.submit:
            reply.status = ReplyStatus.PENDING
            message.status = MessageStatus.REPLY_PENDING
            message.save()
        reply.save()
        if self.submit:
            self.event(EventKind.REPLY_SUBMITTED, to_institution=message.department)
        else:
            self.audit(message, "interaction.message.reply_drafted", data={"case": message.case_number},
                       site_id=message.handling_site_id)
        return reply


class DecideReply(MessageAction):
    """The department's approver approves (the citizen is answered; the result is published
    unless withheld or awaiting review above) or returns the draft with a note."""

    denied_message = "只有承办部门的答复审核人可以审核答复。"

    def __init__(self, actor, reply: Reply, *, approve: bool, note: str = ""):
        super().__init__(actor, reply.message)
        self.reply, self.approve, self.note = reply, approve, note

    def check_permission(self) -> bool:
        return permissions.may_approve(self.user, self.message)

    def perform(self) -> Message:
        reply, message, now = self.reply, self.message, clock.now()
        if reply.status != ReplyStatus.PENDING or message.status != MessageStatus.REPLY_PENDING:
            raise InteractionError("该答复不在待审核状态。")
        if reply.drafted_by_id == getattr(self.user, "pk", None):
            raise InteractionError("答复须由起草人以外的审核人审核。")
        note = (self.note or "").strip()[:500] if self.approve else required_text(self.note, "退回意见")
        reply.decided_by, reply.decided_at, reply.decision_note = self.user, now, note
        if not self.approve:
            reply.status = ReplyStatus.REJECTED
            reply.save()
            message.status = MessageStatus.ACCEPTED
            message.save()
            self.event(EventKind.REPLY_REJECTED, note=reply.decision_note)
            return message
        reply.status = ReplyStatus.APPROVED
        reply.save()
        message.status = MessageStatus.ANSWERED
        message.replied_at = now
        message.reply_department = reply.department
        message.reply_body = reply.body
        message.save()
        self.event(EventKind.REPLY_APPROVED, note=reply.decision_note)
        if deadlines.review_before_publication(message.kind):
            message.passed_up_at = now
            message.save()
            self.event(EventKind.PASSED_UP, note="提交上级审核后发布")
        else:
            publish_unless_private(self)
        return message


def publish_unless_private(action: MessageAction) -> None:
    """Publish the result — unless the citizen asked not to, which is then the recorded reason."""
    message = action.message
    if message.wants_private:
        message.withheld_reason = "留言人要求不公开"
        message.save()
        action.event(EventKind.WITHHELD, note=message.withheld_reason)
    else:
        publish(action)


def publish(action: MessageAction) -> None:
    message = action.message
    message.published_at = clock.now()
    message.withheld_reason = ""
    message.save()
    action.event(EventKind.PUBLISHED)
    action.publication_changed()


class ReviewAbove(MessageAction):
    """SX 25(3): the provincial office reviews an answered error report, then it is published."""

    denied_message = "只有上级网站主管单位可以审核网站找错答复。"

    def check_permission(self) -> bool:
        return permissions.may_review_above(self.user, self.message)

    def perform(self) -> Message:
        message = self.message
        if message.status != MessageStatus.ANSWERED or message.passed_up_at is None or message.reviewed_at:
            raise InteractionError("该答复不在待上级审核状态。")
        message.reviewed_at = clock.now()
        message.save()
        self.event(EventKind.REVIEWED)
        publish_unless_private(self)
        return message


class WithholdPublication(TriageAction):
    """INT-02: keep (or take) a result off the site — only for a special case, with its reason."""

    def __init__(self, actor, message, reason: str):
        super().__init__(actor, message)
        self.reason = reason

    def perform(self) -> Message:
        self.require(MessageStatus.ANSWERED, what="设为不公开")
        message = self.message
        was_public = message.published_at is not None
        message.withheld_reason = required_text(self.reason, "不公开理由")
        message.published_at = None
        message.save()
        self.event(EventKind.WITHHELD, note=message.withheld_reason)
        if was_public:
            self.publication_changed()
        return message


class PublishMessage(TriageAction):
    """Publish an answered message that was withheld (e.g. once the reason no longer holds)."""

    def perform(self) -> Message:
        self.require(MessageStatus.ANSWERED, what="公开")
        message = self.message
        if message.published_at is not None:
            raise InteractionError("该留言已经公开。")
        if message.passed_up_at is not None and message.reviewed_at is None:
            raise InteractionError("【INT-05】该找错答复须经上级审核后才能发布。")
        publish(self)
        return message
