"""What the public pages and the JSON API both do: the gate every submission passes (honeypot,
challenge, rate limits), the calls to the interaction actions, and the case lookup.

Everything refused is a :class:`Refused` with the HTTP status, a Chinese sentence and, where a
field is at fault, ``errors`` by field name; the pages render it as HTML, the API as JSON.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from govsites.audit.context import Actor
from govsites.interaction import ratelimit
from govsites.interaction.actions import Submission, SubmitMessage
from govsites.interaction.actions.messages import DuplicateSubmission, ReplayedSubmission
from govsites.interaction.models import Channel, EventKind, Message, MessageStatus
from govsites.interaction.models.messages import PUBLIC_EVENTS
from govsites.interaction.ratelimit import Limit, RateLimited
from govsites.privacy import crypto, masking

from . import captcha, clients, conf

GENERIC_REFUSAL = "提交未成功，请检查后重新提交。"
CASE_NOT_FOUND = "未找到该受理编号，或查询码不正确。请核对后重新输入。"
#: the form fields of a message, as posted by the pages and the API
MESSAGE_FIELDS = ("title", "body", "name", "phone", "email", "address", "page_url")
#: the hidden trap field: people never see it, form-filling robots do
HONEYPOT = "website"


class Refused(Exception):
    def __init__(self, status: int, detail: str, errors: Mapping[str, str] | None = None, *,
                 retry_after: int | None = None, receipt: str = "", expired: bool = False):
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, dict(errors or {})
        self.retry_after, self.receipt, self.expired = retry_after, receipt, expired


def too_many(exc: RateLimited) -> Refused:
    return Refused(429, exc.message, retry_after=exc.retry_after)


def field_errors(exc: ValidationError) -> tuple[str, dict[str, str]]:
    """``(detail, {field: first message})`` of a domain validation error."""
    if hasattr(exc, "error_dict"):
        errors = {name: next(iter(ValidationError(msgs).messages), "") for name, msgs in exc.error_dict.items()}
        general = errors.pop("__all__", "") or errors.pop("reason", "")
        detail = general or "".join(dict.fromkeys(errors.values()))
        return detail, errors
    return "".join(exc.messages), {}


@dataclass
class Gate:
    """What passing the gate yields: the spent-once form token and the client's hash."""

    token: str
    client_hash: str
    identities: list[Limit] = field(default_factory=list)

    @property
    def limits(self) -> list[Limit]:
        return [Limit(f"a:{self.client_hash[:40]}", ratelimit.profile_limit("rate_per_address")), *self.identities]


def identity_limits(phone: str = "", email: str = "") -> list[Limit]:
    """Per-identity counters, keyed by the blind index of the phone number and the e-mail."""
    limit = ratelimit.profile_limit("rate_per_identity")
    out = []
    for prefix, kind, value in (("p", masking.PHONE, phone), ("e", masking.EMAIL, email)):
        digest = crypto.blind_index(kind, value) if (value or "").strip() else ""
        if digest:
            out.append(Limit(f"{prefix}:{digest[:40]}", limit))
    return out


def challenge_passed(request, token: str, answer: str) -> tuple[str, str]:
    """``(nonce, client_hash)``; wrong answers are counted per address (429 after too many)."""
    client = clients.client_hash(request)
    try:
        return captcha.verify(token, answer), client
    except captcha.ChallengeError as exc:
        if not exc.expired:
            try:
                ratelimit.hit(Limit(f"c:{client[:40]}", int(conf.get("CHALLENGE_FAILURES_PER_ADDRESS"))),
                              message="验证码错误次数过多，请稍后再试。")
            except RateLimited as limited:
                raise too_many(limited) from None
        raise Refused(422, exc.message, {"answer": exc.message}, expired=exc.expired) from None


def trap(data: Mapping) -> None:
    """A filled honeypot: refused quietly, with nothing that tells a robot why."""
    if str(data.get(HONEYPOT) or "").strip():
        raise Refused(400, GENERIC_REFUSAL)


def gate(request, data: Mapping, *, phone: str = "", email: str = "", count: bool = True) -> Gate:
    """Honeypot, challenge, then one count per address and identity (429 over the profile's limits).
    With ``count=False`` the limits are only named (``Gate.limits``): the message intake counts
    them in its own transaction."""
    trap(data)
    nonce, client = challenge_passed(request, str(data.get("token") or ""), str(data.get("answer") or ""))
    identities = identity_limits(phone, email)
    passed = Gate(token=nonce, client_hash=client, identities=identities)
    if count:
        try:
            ratelimit.hit(*passed.limits)
        except RateLimited as exc:
            raise too_many(exc) from None
    return passed


# -- messages ---------------------------------------------------------------------------------

#: seconds a worker keeps an open channel: disabling a column in the admin reaches the public
#: service within this time (the admin runs in other processes; its saves clear this worker's
#: copy only when both share a process, as in the tests)
CHANNEL_CACHE_SECONDS = 30
_open_channels: dict[int, tuple[float, Channel]] = {}


def forget_channels(**_kwargs) -> None:
    _open_channels.clear()


def message_channel(value) -> Channel:
    """An open message channel by id, or 404. Open channels are kept for a few seconds: every
    submission names one, and it rarely changes."""
    try:
        pk = int(str(value or "").strip())
    except ValueError:
        pk = 0
    now = time.monotonic()
    kept = _open_channels.get(pk)
    if kept is not None and kept[0] > now:
        return kept[1]
    channel = Channel.objects.filter(pk=pk, enabled=True).first() if 0 < pk < 2**63 else None
    if channel is None or not channel.takes_messages:
        raise Refused(404, "该留言栏目不存在或暂不接受留言。")
    if len(_open_channels) > 10_000:
        _open_channels.clear()
    _open_channels[pk] = (now + CHANNEL_CACHE_SECONDS, channel)
    return channel


def submission(channel: Channel, data: Mapping, *, token: str = "", client_hash: str = "",
               limits=()) -> Submission:
    values = {name: str(data.get(name) or "") for name in MESSAGE_FIELDS}
    private = data.get("wants_private", data.get("private"))
    return Submission(channel=channel, **values, wants_private=private in (True, "1", "on", "true"),
                      token=token, client_hash=client_hash, limits=tuple(limits))


def check_message(channel: Channel, data: Mapping) -> None:
    """Validate without storing anything (the confirmation step, and before counting a request)."""
    try:
        SubmitMessage(Actor(user=None, via="public"), submission(channel, data)).validate()
    except ValidationError as exc:
        detail, errors = field_errors(exc)
        raise Refused(422, detail, errors) from None


def submit_message(request, channel: Channel, data: Mapping) -> tuple[Message, str]:
    """Store a confirmed message (durably, before this returns); ``(message, query code)``."""
    trap(data)
    check_message(channel, data)
    passed = gate(request, data, phone=str(data.get("phone") or ""), email=str(data.get("email") or ""),
                  count=False)
    try:
        return SubmitMessage(Actor.from_request(request, via="public"), submission(
            channel, data, token=passed.token, client_hash=passed.client_hash, limits=passed.limits)).execute()
    except RateLimited as exc:
        raise too_many(exc) from None
    except ReplayedSubmission as exc:
        raise Refused(409, exc.messages[0], receipt=exc.receipt) from None
    except DuplicateSubmission as exc:
        raise Refused(409, exc.messages[0], receipt=exc.case_number) from None
    except ValidationError as exc:
        detail, errors = field_errors(exc)
        raise Refused(422, detail, errors) from None


# -- surveys and interviews ------------------------------------------------------------------

def answer_survey(request, survey, answers: dict, data: Mapping):
    from govsites.interaction.actions.surveys import AnswerSurvey

    phone, email = str(data.get("phone") or ""), str(data.get("email") or "")
    passed = gate(request, data, phone=phone, email=email)
    try:
        return AnswerSurvey(Actor.from_request(request, via="public"), survey, answers, token=passed.token,
                            client_hash=passed.client_hash, name=str(data.get("name") or ""), phone=phone,
                            email=email).execute()
    except ReplayedSubmission as exc:
        raise Refused(409, exc.messages[0], receipt=exc.receipt) from None
    except ValidationError as exc:
        detail, errors = field_errors(exc)
        raise Refused(422, detail, errors) from None


def ask_question(request, interview, data: Mapping):
    from govsites.interaction.actions.interviews import AskQuestion

    passed = gate(request, data)
    try:
        return AskQuestion(Actor.from_request(request, via="public"), interview, str(data.get("body") or ""),
                           nickname=str(data.get("nickname") or ""), token=passed.token,
                           client_hash=passed.client_hash).execute()
    except ReplayedSubmission as exc:
        raise Refused(409, exc.messages[0], receipt=exc.receipt) from None
    except ValidationError as exc:
        detail, errors = field_errors(exc)
        raise Refused(422, detail, errors) from None


# -- case lookup ------------------------------------------------------------------------------

def lookup_case(request, case_number: str, code: str) -> Message:
    """The message with this case number and query code. An unknown case and a wrong code get
    the same answer (no enumeration); failures are counted per address (429 after too many)."""
    limit = Limit(f"l:{clients.client_hash(request)[:40]}", int(conf.get("LOOKUP_FAILURES_PER_ADDRESS")))
    message_text = "查询失败次数过多，请稍后再试。"
    try:
        ratelimit.check(limit, message_text)
        case_number, code = str(case_number or "").strip()[:40], str(code or "").strip()[:40]
        message = (Message.objects.select_related("channel", "reply_department").by_case_number(case_number)
                   if case_number and code else None)
        if message is not None and message.query_code_matches(code):
            return message
        ratelimit.hit(limit, message=message_text)
    except RateLimited as exc:
        raise too_many(exc) from None
    raise Refused(404, CASE_NOT_FOUND, {"code": CASE_NOT_FOUND})


def case_summary(message: Message) -> dict:
    """What the citizen sees of their case: never personal data, never internal notes."""
    events = message.events.filter(kind__in=PUBLIC_EVENTS)
    answered = message.status == MessageStatus.ANSWERED
    return {
        "case_number": message.case_number,
        "kind": message.get_kind_display(),
        "channel": message.channel.title,
        "title": message.title,
        "body": message.body,
        "page_url": message.page_url,
        "received_at": message.received_at,
        "status": message.status,
        "status_label": message.get_status_display(),
        "invalid_reason": message.invalid_reason if message.status == MessageStatus.INVALID else "",
        "timeline": [
            {"kind": event.kind, "label": event.get_kind_display(), "at": event.at,
             "note": event.note if event.kind == EventKind.INVALID else ""}
            for event in events
        ],
        "reply": {
            "accepted_at": message.accepted_at,
            "replied_at": message.replied_at,
            "department": message.reply_department.name if message.reply_department else "",
            "body": message.reply_body,
        } if answered else None,
    }
