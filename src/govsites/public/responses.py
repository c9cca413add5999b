"""One way to answer a refusal: JSON ``{"detail", "errors"}`` under ``/api/``, a Chinese page
elsewhere; with ``Retry-After`` when the client should wait."""

from __future__ import annotations

from collections.abc import Mapping

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

API_PREFIX = "/api/"

TITLES = {
    400: "请求有误", 404: "未找到", 405: "请求方式不正确", 409: "已经提交过", 413: "提交内容过大",
    415: "提交格式不正确", 422: "填写有误", 429: "操作过于频繁", 500: "服务暂时不可用",
}


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def error_response(request, status: int, detail: str, errors: Mapping[str, str] | None = None, *,
                   retry_after: int | None = None, receipt: str = "") -> HttpResponse:
    if is_api(request):
        body = {"detail": str(detail), "errors": {k: str(v) for k, v in (errors or {}).items()}}
        if receipt:
            body["case_number"] = receipt
        response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    else:
        response = render(request, "public/error.html", {
            "title": TITLES.get(status, "请求无法处理"), "detail": detail, "errors": errors or {},
            "receipt": receipt,
        }, status=status)
    if retry_after:
        response["Retry-After"] = str(int(retry_after))
    return response


def refusal(request, refused) -> HttpResponse:
    """A :class:`~govsites.public.service.Refused` as a response."""
    return error_response(request, refused.status, refused.detail, refused.errors,
                          retry_after=refused.retry_after, receipt=refused.receipt)
