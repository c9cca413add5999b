"""设置 → 工作日历: the loaded years, a year's days, and the form that loads a new year.

The page only collects the table and shows the outcome; checking and writing are
:class:`~.actions.LoadCalendarYear`'s, so the admin, the CLI and tests go through the same code.
System administrators (superusers) only.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.admin import messages

from govsites.actions import NotAllowed
from govsites.audit.context import Actor

from . import status
from .actions import LoadCalendarYear
from .arrangement import MAX_BYTES, CalendarError, decode, parse, render, weekday_label
from .models import CalendarYear, DayKind, Source

app_name = "workdays"


def may_manage(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


class LoadForm(forms.Form):
    file = forms.FileField(label="放假安排表格文件", required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".txt,.csv,text/plain"}),
                           help_text=f"UTF-8 编码的文本文件（.txt 或 .csv），不超过 {MAX_BYTES // 1024} KB。")
    text = forms.CharField(label="或直接粘贴表格", required=False, max_length=MAX_BYTES,
                           widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}))
    replace = forms.BooleanField(label="替换已载入的同一年份", required=False,
                                 help_text="只在国务院发布了新的或更正的安排时勾选；原有数据将被整体替换（记入审计日志）。")

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), (data.get("text") or "").strip()
        if self.errors:
            return data
        if bool(upload) == bool(text):
            raise ValidationError("请上传一个文件或粘贴表格内容（二选一）。")
        if upload:
            if upload.size > MAX_BYTES:
                raise ValidationError(f"文件过大：放假安排表格不应超过 {MAX_BYTES // 1024} KB。")
            try:
                text = decode(upload.read())
            except CalendarError as exc:
                raise ValidationError(exc.problems[0].text) from None
        data["content"] = text
        return data


def _denied(request) -> TemplateResponse:
    return TemplateResponse(request, "workdays/denied.html", {"page_title": "无权访问"}, status=403)


def _years():
    return CalendarYear.objects.select_related("loaded_by").annotate(
        holidays=Count("days", filter=Q(days__kind=DayKind.HOLIDAY)),
        workdays=Count("days", filter=Q(days__kind=DayKind.WORKDAY)),
    ).order_by("-year")


@require_http_methods(["GET", "POST"])
def index(request):
    if not may_manage(request.user):
        return _denied(request)
    problems = []
    form = LoadForm(request.POST, request.FILES) if request.method == "POST" else LoadForm()
    if form.is_bound and form.is_valid():
        try:
            arrangement = parse(form.cleaned_data["content"])
            row = LoadCalendarYear(Actor.from_request(request), arrangement,
                                   replace=form.cleaned_data["replace"]).execute()
        except CalendarError as exc:
            problems = exc.problems
            messages.error(request, f"载入失败：共 {len(problems)} 处问题，未载入任何数据。请更正后重新提交整个表格。")
        except NotAllowed as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已载入{row.year}年工作日历（{row.notice}）：放假 {arrangement.count('holiday')} 天，"
                                      f"调休上班 {arrangement.count('workday')} 天。请核对下表。")
            for warning in arrangement.warnings:
                messages.warning(request, f"提示：{warning}")
            return redirect("workdays:year", year=row.year)
    return TemplateResponse(request, "workdays/index.html", {
        "page_title": "工作日历",
        "years": _years(),
        "missing": [status.missing_message(year) for year in status.missing_years()],
        "form": form,
        "problems": problems,
        "max_kb": MAX_BYTES // 1024,
    })


def _year_or_404(year: int) -> CalendarYear:
    row = CalendarYear.objects.select_related("loaded_by").filter(year=year).first()
    if row is None:
        raise Http404
    return row


def _file_text(row: CalendarYear) -> str:
    title = (f"{row.year}年放假安排（{row.notice}）" if row.source == Source.NOTICE
             else f"{row.year}年放假安排（来自日历库 chinese_calendar；重新载入前请按通知填写文号）")
    return render(row.year, row.notice, row.days.values_list("date", "kind", "name"), title=title)


@require_GET
def year_detail(request, year: int):
    if not may_manage(request.user):
        return _denied(request)
    row = _year_or_404(year)
    days = [{"day": d, "weekday": weekday_label(d.date)} for d in row.days.all()]
    return TemplateResponse(request, "workdays/year.html", {
        "page_title": f"{row.year}年工作日历", "row": row, "days": days, "file_text": _file_text(row),
    })


@require_GET
def year_download(request, year: int):
    if not may_manage(request.user):
        return _denied(request)
    row = _year_or_404(year)
    response = HttpResponse(_file_text(row), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"工作日历-{row.year}.txt")
    return response


urlpatterns = [
    path("", index, name="index"),
    path("<int:year>/", year_detail, name="year"),
    path("<int:year>/download/", year_download, name="download"),
]
