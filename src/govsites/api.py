"""The JSON API (django-ninja) at ``/api/v1/``: one NinjaAPI, one router per domain app.

Every operation needs a Wagtail API token of a user who may use the platform at all (the same
gate as logging in to the admin). Every failure is answered with one JSON shape::

    {"detail": "<中文说明>", "rule": "REG-12" | null, "errors": {"field": ["..."]}}
"""

from __future__ import annotations

import logging
import re

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError
from wagtail.api.v3.auth import BearerTokenAuth

from govsites.content.api import router as content_router
from govsites.registry.api import router as registry_router
from govsites.registry.errors import ConflictError, NotAllowed, messages_of, rule_of

logger = logging.getLogger(__name__)


class PlatformTokenAuth(BearerTokenAuth):
    """A Wagtail bearer token whose user may use the platform (``wagtailadmin.access_admin``).

    The admin refuses people without that permission at login; the API refuses their tokens
    with 403 so both doors are the same width.
    """

    def authenticate(self, request, token: str):
        api_token = super().authenticate(request, token)
        if api_token is not None and not api_token.user.has_perm("wagtailadmin.access_admin"):
            raise NotAllowed(_("该令牌所属账号没有使用本平台的权限。"))
        return api_token


api = NinjaAPI(
    title="govsites API",
    version="1",
    description="政府网站集约化平台接口。所有操作与管理界面执行相同的规则和权限。"
    "调用时在请求头中携带 “Authorization: Bearer <API 令牌>”。",
    urls_namespace="api-v1",
    auth=PlatformTokenAuth(),
)
api.add_router("/registry/", registry_router)
api.add_router("/content/", content_router)


def error_response(request, status: int, detail: str, *, rule: str | None = None, errors=None):
    return api.create_response(
        request, {"detail": str(detail), "rule": rule, "errors": errors or {}}, status=status
    )


@api.exception_handler(ValidationError)
def rule_or_validation_error(request, exc: ValidationError):
    """A refused rule or invalid input from the domain layer: 400 with every message."""
    messages = messages_of(exc)
    general = messages.pop("__all__", [])
    detail = "".join(dict.fromkeys([*general, *(m for msgs in messages.values() for m in msgs)]))
    return error_response(request, 400, detail or _("提交的内容有误。"), rule=rule_of(exc), errors=messages)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc: PermissionDenied):
    detail = exc.message if isinstance(exc, NotAllowed) else _("您没有执行此操作的权限。")
    return error_response(request, 403, detail)


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    return error_response(request, 404, str(exc) if exc.args else _("未找到请求的对象。"))


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc: RequestDataTooBig):
    return error_response(request, 413, _("请求内容过大，超过了平台允许的上限。正文较长的请拆分，文件请作为附件上传。"))


@api.exception_handler(ConflictError)
def conflict(request, exc: ConflictError):
    return error_response(request, 409, exc.message)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc: AuthenticationError):
    response = error_response(
        request, 401, _("未提供有效的访问令牌。请在请求头中携带 “Authorization: Bearer <API 令牌>”。")
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


HTTP_ERROR_DETAILS = {
    400: gettext_lazy("请求体不是有效的 JSON，无法解析。"),
    403: gettext_lazy("您没有执行此操作的权限。"),
    404: gettext_lazy("未找到请求的对象。"),
    405: gettext_lazy("不支持该请求方法。"),
    429: gettext_lazy("请求过于频繁，请稍后再试。"),
}


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """Ninja's own errors (unparseable body, throttling) in Chinese."""
    detail = str(HTTP_ERROR_DETAILS.get(exc.status_code, _("请求无法处理。")))
    return error_response(request, exc.status_code, detail)


# Chinese for the pydantic error types our schemas can produce; ``{…}`` come from the error's ctx.
SCHEMA_MESSAGES = {
    "missing": gettext_lazy("为必填项"),
    "extra_forbidden": gettext_lazy("不是可接受的字段"),
    "string_type": gettext_lazy("须为字符串"),
    "string_too_long": gettext_lazy("不能超过{max_length}个字符"),
    "string_too_short": gettext_lazy("不能少于{min_length}个字符"),
    "string_pattern_mismatch": gettext_lazy("格式不正确"),
    "int_type": gettext_lazy("须为整数"),
    "int_parsing": gettext_lazy("须为整数"),
    "int_from_float": gettext_lazy("须为整数"),
    "bool_type": gettext_lazy("须为 true 或 false"),
    "bool_parsing": gettext_lazy("须为 true 或 false"),
    "greater_than_equal": gettext_lazy("不能小于{ge}"),
    "less_than_equal": gettext_lazy("不能大于{le}"),
    "enum": gettext_lazy("须为以下值之一：{expected}"),
    "literal_error": gettext_lazy("须为以下值之一：{expected}"),
    "list_type": gettext_lazy("须为数组"),
    "too_long": gettext_lazy("最多包含{max_length}项"),
    "dict_type": gettext_lazy("须为 JSON 对象"),
    "model_type": gettext_lazy("须为 JSON 对象"),
    "model_attributes_type": gettext_lazy("须为 JSON 对象"),
    "date_type": gettext_lazy("须为 YYYY-MM-DD 格式的日期"),
    "date_parsing": gettext_lazy("须为 YYYY-MM-DD 格式的日期"),
    "date_from_datetime_parsing": gettext_lazy("须为 YYYY-MM-DD 格式的日期"),
    "date_from_datetime_inexact": gettext_lazy("须为 YYYY-MM-DD 格式的日期"),
}


def schema_message(error: dict) -> tuple[str, str]:
    """``(field path, Chinese sentence)`` for one pydantic error as reported by ninja."""
    source, *path = error["loc"]
    if source == "body" and path:
        path = path[1:]  # the name of the view's body parameter
    field = ".".join(str(part) for part in path)
    if error["type"].startswith("govsites_"):
        text = error["msg"]
    else:
        template = str(SCHEMA_MESSAGES.get(error["type"], _("格式不正确")))
        ctx = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
        if "expected" in ctx:
            ctx["expected"] = "、".join(re.findall(r"'([^']*)'", ctx["expected"])) or ctx["expected"]
        try:
            text = template.format(**ctx)
        except (KeyError, IndexError):
            text = _("格式不正确")
    subject = f"“{field}”" if field else (_("请求体") if source == "body" else _("参数"))
    return field or "__all__", f"{subject}{text}。"


@api.exception_handler(SchemaError)
def schema_error(request, exc: SchemaError):
    """Wrong types, missing or unknown fields, bad dates: 400, naming each field."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        field, message = schema_message(error)
        errors.setdefault(field, []).append(message)
    detail = _("请求内容有误：") + "".join(m for msgs in errors.values() for m in msgs)
    errors.pop("__all__", None)
    return error_response(request, 400, detail, errors=errors)


@api.exception_handler(Exception)
def unexpected(request, exc: Exception):
    """Never a stack trace to the caller; the log keeps it."""
    logger.exception("Unhandled API error on %s %s", request.method, request.path)
    return error_response(request, 500, _("服务器内部错误，请稍后重试或联系平台管理员。"))
