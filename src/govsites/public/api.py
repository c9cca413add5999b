"""The public JSON API at ``/api/v1/`` of the public service (django-ninja, no authentication).

The same gate as the pages: every write carries a challenge ``token`` (``GET /challenge``) and its
``answer``, is counted against the address and identity limits, and goes through the interaction
actions. Every failure is ``{"detail": "<中文说明>", "errors": {"<field>": "<中文说明>"}}`` with
400 (malformed), 404, 409 (already submitted; ``case_number`` names the first receipt), 413, 415,
422 (a field is wrong), 429 (with ``Retry-After``) — never a stack trace.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated

from django.http import Http404
from django.urls import reverse
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as SchemaError
from pydantic import ConfigDict

from govsites.api import schema_message
from govsites.interaction.models import Channel, Interview, Survey
from govsites.registry.api.schemas import text
from govsites.registry.models import Site

from . import captcha, conf, service
from .responses import error_response, refusal
from .service import Refused

logger = logging.getLogger(__name__)

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]

api = NinjaAPI(
    title="政务互动服务 API",
    version="1",
    description="公众留言、网站找错、征集调查和在线访谈提问的提交，以及办理结果查询。"
    "每次提交须先取得验证码（GET /challenge），并在请求中带上 token 和 answer（图片字符或文字问题的答案）。",
    urls_namespace="public-api",
    docs_url=None,
)


class ErrorOut(Schema):
    detail: str
    errors: dict[str, str] = {}


ERRORS = {status: ErrorOut for status in (400, 404, 409, 413, 415, 422, 429)}


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class ChannelOut(Schema):
    id: int
    site: int
    kind: str
    kind_label: str
    title: str
    purpose: str = Field(description="开设宗旨")
    usage: str = Field(description="使用方式")
    takes_messages: bool
    form_url: str = Field(description="留言表单页面（仅留言类栏目）")


class ChallengeOut(Schema):
    token: str = Field(description="一次性表单令牌，提交时作为 token 带上")
    image_url: str = Field(description="图形验证码图片地址")
    question: str = Field(description="无障碍替代：文字问题，答案为阿拉伯数字")
    expires_in: int = Field(description="有效秒数")


class Gated(Strict):
    token: text(200) = Field(description="GET /challenge 取得的令牌")
    answer: text(20) = Field(description="图片中的字符，或文字问题的答案")
    website: text(200) = Field("", description="留空（防机器人字段）")


class MessageIn(Gated):
    channel: Id
    title: text(200)
    body: text(10000)
    name: text(50)
    phone: text(20) = ""
    email: text(254) = ""
    address: text(200) = ""
    page_url: text(1000) = Field("", description="网站找错：出错页面的完整网址")
    wants_private: bool = Field(False, description="不公开")


class ReceiptOut(Schema):
    case_number: str
    query_code: str = Field(description="查询码，只返回这一次")
    received_at: dt.datetime
    detail: str


class EventOut(Schema):
    kind: str
    label: str
    at: dt.datetime
    note: str


class ReplyOut(Schema):
    accepted_at: dt.datetime | None
    replied_at: dt.datetime | None
    department: str
    body: str


class CaseOut(Schema):
    case_number: str
    kind: str
    channel: str
    title: str
    body: str
    page_url: str
    received_at: dt.datetime
    status: str
    status_label: str
    invalid_reason: str
    timeline: list[EventOut]
    reply: ReplyOut | None


AnswerValue = int | list[int] | text(2000)


class SurveyResponseIn(Gated):
    answers: dict[text(20), AnswerValue] = Field(description="问题编号 → 选项序号（从0起）、序号数组或文字意见")
    name: text(50) = ""
    phone: text(20) = ""
    email: text(254) = ""


class CreatedOut(Schema):
    id: int
    detail: str


class QuestionIn(Gated):
    body: text(2000)
    nickname: text(30) = ""


def _form_url(request, channel: Channel) -> str:
    if not channel.takes_messages:
        return ""
    return request.build_absolute_uri(f"{reverse('public-message-new')}?channel={channel.pk}")


@api.get("/channels", response={200: list[ChannelOut], **ERRORS}, summary="网站的互动栏目")
def channels(request, site: Query[Id]):
    """An open site's interaction columns, each with its purpose and how to use it (INT-01)."""
    if not Site.objects.filter(pk=site).exists():
        raise Http404("网站不存在。")
    return [
        ChannelOut(id=c.pk, site=c.site_id, kind=c.kind, kind_label=c.get_kind_display(), title=c.title,
                   purpose=c.purpose, usage=c.usage, takes_messages=c.takes_messages,
                   form_url=_form_url(request, c))
        for c in Channel.objects.filter(site_id=site, enabled=True)
    ]


@api.get("/challenge", response={200: ChallengeOut}, summary="取得验证码")
def challenge(request):
    issued = captcha.issue()
    return ChallengeOut(token=issued.token, question=issued.question,
                        image_url=request.build_absolute_uri(reverse("public-challenge-image", args=[issued.token])),
                        expires_in=int(conf.get("CHALLENGE_MAX_AGE")))


@api.post("/messages", response={201: ReceiptOut, **ERRORS}, summary="提交留言或网站找错")
def submit_message(request, payload: MessageIn):
    channel = service.message_channel(payload.channel)
    message, code = service.submit_message(request, channel, payload.model_dump())
    receipt = ReceiptOut(case_number=message.case_number, query_code=code, received_at=message.received_at,
                         detail="提交成功。请妥善保存受理编号和查询码，凭此查询办理结果。")
    return Status(201, receipt)


@api.get("/cases/{case_number}", response={200: CaseOut, **ERRORS}, summary="查询办理结果")
def case(request, case_number: str, code: Query[text(40)]):
    """Unknown case numbers and wrong query codes get the same 404 (no enumeration)."""
    return service.case_summary(service.lookup_case(request, case_number, code))


@api.post("/surveys/{survey_id}/responses", response={201: CreatedOut, **ERRORS}, summary="提交征集调查意见")
def answer_survey(request, survey_id: Id, payload: SurveyResponseIn):
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None or not survey.is_open():
        raise Refused(404, "该征集调查不存在或不在征集期内。")
    response = service.answer_survey(request, survey, payload.answers, payload.model_dump())
    return Status(201, CreatedOut(id=response.pk, detail="您的意见已提交，感谢参与！"))


@api.post("/interviews/{interview_id}/questions", response={201: CreatedOut, **ERRORS}, summary="在线访谈提问")
def ask_question(request, interview_id: Id, payload: QuestionIn):
    interview = Interview.objects.filter(pk=interview_id).first()
    if interview is None or not interview.takes_questions():
        raise Refused(404, "该访谈不存在或已停止征集提问。")
    question = service.ask_question(request, interview, payload.model_dump())
    return Status(201, CreatedOut(id=question.pk, detail="您的提问已提交，经审核后将在访谈中呈现。"))


# -- errors -------------------------------------------------------------------------------------

@api.exception_handler(Refused)
def refused(request, exc: Refused):
    return refusal(request, exc)


@api.exception_handler(SchemaError)
def schema_error(request, exc: SchemaError):
    errors: dict[str, str] = {}
    for error in exc.errors:
        name, message = schema_message(error)
        errors.setdefault(name, message)
    detail = "请求内容有误：" + "".join(errors.values())
    errors.pop("__all__", None)
    return error_response(request, 422, detail, errors)


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    detail = exc.args[0] if exc.args and isinstance(exc.args[0], str) else "未找到请求的对象。"
    return error_response(request, 404, detail)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if exc.status_code == 400:
        return error_response(request, 400, "请求体不是有效的 JSON，无法解析。")
    return error_response(request, exc.status_code, "请求无法处理。")


@api.exception_handler(Exception)
def unexpected(request, exc: Exception):
    """Never a stack trace to the caller; the log keeps it."""
    logger.exception("Unhandled public API error on %s %s", request.method, request.path)
    return error_response(request, 500, "服务暂时不可用，请稍后再试。")
