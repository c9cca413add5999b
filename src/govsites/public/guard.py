"""The first check of every request to the public service: size, format and encoding.

- a body over :data:`~govsites.public.conf.MAX_BODY_BYTES` is refused with 413 before it is read;
- a POST must be a form (``application/x-www-form-urlencoded``) on the pages and JSON under
  ``/api/``: anything else is 415 (no file uploads here);
- invalid UTF-8 in the body or the query string is 400 "提交内容编码无效". Django itself would
  quietly turn such bytes into U+FFFD and store mangled text.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent

from . import conf
from .responses import error_response, is_api

TOO_BIG = "提交内容过大（上限64KB），请精简后重新提交。"
BAD_ENCODING = "提交内容编码无效，请使用 UTF-8 编码重新提交。"
TOO_MANY_FIELDS = "提交的字段过多。"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def _form_ok(raw: bytes) -> bool | None:
    """True for valid UTF-8 form data; None when there are too many fields."""
    try:
        parse_qsl(raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict",
                  max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)
    except UnicodeDecodeError:
        return False
    except ValueError:
        return None
    return True


def _query_string_bytes(request) -> bytes:
    text = request.META.get("QUERY_STRING", "") or ""
    try:
        return text.encode("iso-8859-1")  # WSGI hands the raw bytes over as latin-1 text
    except UnicodeEncodeError:
        return text.encode("utf-8")


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = self.inspect(request)
        return refused if refused is not None else self.get_response(request)

    def inspect(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response(request, 400, "请求头 Content-Length 无效。")
        if length > conf.MAX_BODY_BYTES:
            return error_response(request, 413, TOO_BIG)
        query_ok = _form_ok(_query_string_bytes(request))
        if query_ok is False:
            return error_response(request, 400, BAD_ENCODING)
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        expected = JSON if is_api(request) else FORM
        if request.content_type != expected:
            what = "JSON（Content-Type: application/json）" if expected == JSON else "普通表单"
            return error_response(request, 415, f"提交格式不正确，请以{what}提交。")
        raw = request.body
        if expected == JSON:
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return error_response(request, 400, BAD_ENCODING)
            return None
        checked = _form_ok(raw)
        if checked is None:
            return error_response(request, 400, TOO_MANY_FIELDS)
        return None if checked else error_response(request, 400, BAD_ENCODING)

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig):
            return error_response(request, 413, TOO_BIG)
        if isinstance(exception, TooManyFieldsSent):
            return error_response(request, 400, TOO_MANY_FIELDS)
        return None
