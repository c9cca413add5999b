"""The public pages: server-rendered Chinese forms that work without JavaScript.

Messages go in two steps (the FixMyStreet pattern): the form — on the static site or here —
posts to ``/messages/new``, which checks it and shows it back with the challenge; the confirmed
form posts to ``/messages/``, which stores it and shows the receipt. Nothing is stored before
the confirmation. No CSRF cookie can exist for a form posted from the static site's host: the
signed one-time challenge token is the form's protection against forgery and replay.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govsites.interaction.models import ChannelKind
from govsites.interaction.models.surveys import QuestionKind

from . import captcha, service
from .responses import error_response, refusal
from .service import Refused

ASSETS = Path(__file__).resolve().parent / "assets"


def _form_context(channel, values, *, errors=None, detail="", confirming=False) -> dict:
    challenge = captcha.issue()
    return {
        "channel": channel, "values": values, "errors": errors or {}, "detail": detail,
        "challenge": challenge, "confirming": confirming,
        "is_error_report": channel.kind == ChannelKind.ERROR_REPORT,
        "honeypot": service.HONEYPOT,
    }


def _form(request, channel, values, *, status=200, **context):
    return render(request, "public/message_form.html", _form_context(channel, values, **context), status=status)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def message_new(request):
    """GET: the empty form of a channel. POST (from a static page): checked and shown back with
    the challenge, for the citizen to confirm — nothing stored."""
    data = request.POST if request.method == "POST" else request.GET
    try:
        channel = service.message_channel(data.get("channel") or request.GET.get("channel"))
    except Refused as refused:
        return refusal(request, refused)
    if request.method == "GET":  # an error report link may carry the address of the page it concerns
        return _form(request, channel, {"page_url": request.GET.get("page_url", "")[:500]})
    try:
        service.trap(data)
        service.check_message(channel, data)
    except Refused as refused:
        if refused.status == 422:
            return _form(request, channel, data, status=400, errors=refused.errors, detail=refused.detail)
        return refusal(request, refused)
    return _form(request, channel, data, confirming=True)


@csrf_exempt
@never_cache
@require_POST
def message_submit(request):
    """The confirmed form: stored, then the receipt with the case number and the query code."""
    data = request.POST
    try:
        channel = service.message_channel(data.get("channel"))
    except Refused as refused:
        return refusal(request, refused)
    try:
        message, code = service.submit_message(request, channel, data)
    except Refused as refused:
        if refused.status == 422:
            return _form(request, channel, data, status=400, errors=refused.errors, detail=refused.detail,
                         confirming=True)
        return refusal(request, refused)
    return render(request, "public/receipt.html", {"message": message, "code": code, "channel": channel})


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def case_lookup(request):
    """Case number + query code → status, public timeline and the reply."""
    if request.method == "GET":
        return render(request, "public/lookup.html", {"values": {}})
    data = request.POST
    try:
        message = service.lookup_case(request, data.get("case_number"), data.get("code"))
    except Refused as refused:
        if refused.status == 404:
            return render(request, "public/lookup.html", {
                "values": {"case_number": data.get("case_number", "")[:40]}, "detail": refused.detail,
            }, status=404)
        return refusal(request, refused)
    return render(request, "public/case.html", {"case": service.case_summary(message)})


@require_GET
def challenge_image(request, token: str):
    try:
        png = captcha.render_png(token)
    except captcha.ChallengeError as exc:
        raise Http404(exc.message) from None
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=600"
    return response


@lru_cache(maxsize=1)
def _stylesheet() -> bytes:
    return (ASSETS / "public.css").read_bytes()


@require_GET
def stylesheet(request):
    response = HttpResponse(_stylesheet(), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


# -- surveys and interviews ------------------------------------------------------------------

def _survey(survey_id: int):
    from govsites.interaction.models import Survey

    survey = Survey.objects.filter(pk=survey_id).prefetch_related("questions").first()
    if survey is None or not survey.is_open():
        raise Refused(404, "该征集调查不存在或不在征集期内。")
    return survey


def survey_answers(survey, data) -> dict:
    """The posted answers by question id, from the ``q<id>`` fields (several values for multiple
    choice); ``AnswerSurvey`` checks them against the questions."""
    answers: dict[str, object] = {}
    for question in survey.questions.all():
        values = [v for v in data.getlist(f"q{question.pk}") if v.strip()]
        if values:
            answers[str(question.pk)] = values if question.kind == QuestionKind.MULTIPLE else values[0]
    return answers


def survey_fields(survey, data) -> list[dict]:
    """The questions as the template draws them, with what was posted (shown again on an error)."""
    getlist = data.getlist if hasattr(data, "getlist") else (lambda _name: [])
    out = []
    for question in survey.questions.all():
        name = f"q{question.pk}"
        posted = [str(v) for v in getlist(name)]
        out.append({
            "question": question, "name": name, "value": (data.get(name) or "") if posted else "",
            "options": [{"index": i, "label": label, "checked": str(i) in posted}
                        for i, label in enumerate(question.choices or [])],
        })
    return out


def _survey_form(request, survey, data, *, status=200, errors=None, detail=""):
    return render(request, "public/survey_form.html", {
        "survey": survey, "fields": survey_fields(survey, data), "values": data, "errors": errors or {},
        "detail": detail, "challenge": captcha.issue(), "honeypot": service.HONEYPOT,
    }, status=status)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def survey(request, survey_id: int):
    """GET: the questionnaire. POST: the answers, stored through ``AnswerSurvey``."""
    try:
        found = _survey(survey_id)
    except Refused as refused:
        return refusal(request, refused)
    if request.method == "GET":
        return _survey_form(request, found, {})
    if not request.POST.get("token"):  # posted from the static page: confirm with the challenge
        return confirm(request, lambda: _survey_form(request, found, request.POST))
    try:
        service.answer_survey(request, found, survey_answers(found, request.POST), request.POST)
    except Refused as refused:
        if refused.status == 422:
            return _survey_form(request, found, request.POST, status=400, errors=refused.errors,
                                detail=refused.detail)
        return refusal(request, refused)
    return render(request, "public/done.html", {"title": found.title, "what": "您的意见已提交，感谢参与！"})


def confirm(request, show):
    """A form posted from a static page has no challenge yet: shown back with one (nothing stored)."""
    try:
        service.trap(request.POST)
    except Refused as refused:
        return refusal(request, refused)
    return show()


def _interview(interview_id: int):
    from govsites.interaction.models import Interview

    interview = Interview.objects.filter(pk=interview_id).first()
    if interview is None or not interview.takes_questions():
        raise Refused(404, "该访谈不存在或已停止征集提问。")
    return interview


def _question_form(request, interview, data, *, status=200, errors=None, detail=""):
    return render(request, "public/question_form.html", {
        "interview": interview, "values": data, "errors": errors or {}, "detail": detail,
        "challenge": captcha.issue(), "honeypot": service.HONEYPOT,
    }, status=status)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def interview_question(request, interview_id: int):
    """GET: the question form of an announced or live interview. POST: stored via ``AskQuestion``."""
    try:
        found = _interview(interview_id)
    except Refused as refused:
        return refusal(request, refused)
    if request.method == "GET":
        return _question_form(request, found, {})
    if not request.POST.get("token"):  # posted from the static page: confirm with the challenge
        return confirm(request, lambda: _question_form(request, found, request.POST))
    try:
        service.ask_question(request, found, request.POST)
    except Refused as refused:
        if refused.status == 422:
            return _question_form(request, found, request.POST, status=400, errors=refused.errors,
                                  detail=refused.detail)
        return refusal(request, refused)
    return render(request, "public/done.html", {"title": found.title,
                                                "what": "您的提问已提交，经审核后将在访谈中呈现。"})


# -- error pages --------------------------------------------------------------------------------

def not_found(request, exception=None):
    """Our own Http404 carries a Chinese sentence; the resolver's carries a dict (not shown)."""
    args = getattr(exception, "args", ())
    detail = args[0] if args and isinstance(args[0], str) and args[0] else "您访问的页面不存在。"
    return error_response(request, 404, detail)


def bad_request(request, exception=None):
    return error_response(request, 400, "请求有误，请检查后重新提交。")


def server_error(request):
    return error_response(request, 500, "服务暂时不可用，请稍后再试。您的提交如未显示受理编号，请重新提交。")
