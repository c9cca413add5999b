"""Forms of the column pages. Questions and guests are typed as plain text (one line each, see
the help texts) — no script needed, which the admin's CSP forbids inline anyway; the parsers
turn them into what the actions take, and the actions check the rules."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import department_field, departments_of, textarea
from ..models import InterviewQuestion
from ..models.surveys import QuestionKind

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
QUESTION_TAGS = {"单选": QuestionKind.SINGLE, "多选": QuestionKind.MULTIPLE, "文字": QuestionKind.TEXT}
TAG_OF_KIND = {kind: tag for tag, kind in QUESTION_TAGS.items()}
OPTIONAL = "（选答）"
_TAG = re.compile(r"^[\[【](单选|多选|文字)[\]】]\s*(.*)$")
_OPTIONAL = re.compile(r"\s*[（(]选答[)）]\s*$")
_BULLET = re.compile(r"^(?:[-·•*]|\d+[.、)）])\s*")
_GUEST = re.compile(r"^(.+?)\s*[｜|，,]\s*(.+)$")

QUESTIONS_HELP = _(
    "每题以 [单选]、[多选] 或 [文字] 开头写在一行，选答题在末尾加“（选答）”；选项写在题目下方，每行一个。例如：\n"
    "[单选] 您对本方案的总体评价？\n满意\n基本满意\n不满意\n[文字] 其他意见和建议（选答）"
)
GUESTS_HELP = _("每行一位嘉宾：姓名｜职务，例如“李明｜市水利局局长”。")


def datetime_field(label):
    return forms.DateTimeField(
        label=label, input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        error_messages={"required": _("请填写时间。"), "invalid": _("时间格式不正确，例如 2026-03-02 09:00。")},
    )


def parse_questions(text: str) -> list[dict]:
    """``[单选] 问题`` lines, each followed by its options one per line (see QUESTIONS_HELP)."""
    questions: list[dict] = []
    for n, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        tag = _TAG.match(line)
        if tag:
            body = tag.group(2)
            required = not _OPTIONAL.search(body)
            questions.append({"text": _OPTIONAL.sub("", body), "kind": QUESTION_TAGS[tag.group(1)], "choices": [],
                              "required": required})
        elif not questions:
            raise forms.ValidationError(_("第%(line)d行：请先用 [单选]、[多选] 或 [文字] 标明题型。") % {"line": n})
        else:
            questions[-1]["choices"].append(_BULLET.sub("", line))
    return questions


def format_questions(questions: list[dict]) -> str:
    lines = []
    for q in questions:
        lines.append(f"[{TAG_OF_KIND[q['kind']]}] {q['text']}{'' if q['required'] else OPTIONAL}")
        lines.extend(q["choices"])
    return "\n".join(lines)


def parse_guests(text: str) -> list[dict]:
    guests = []
    for n, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _GUEST.match(line)
        if not match:
            raise forms.ValidationError(_("第%(line)d行：请按“姓名｜职务”填写。") % {"line": n})
        guests.append({"name": match.group(1).strip(), "position": match.group(2).strip()})
    return guests


def format_guests(guests) -> str:
    return "\n".join(f"{g.name}｜{g.position}" for g in guests)


class SiteDepartmentsMixin:
    """Limit the department choice to the site's own government area."""

    def limit_departments(self, site, required=False) -> None:
        field = self.fields["department"]
        field.queryset = departments_of(site)
        field.required = required


class ChannelForm(forms.Form):
    title = forms.CharField(label=_("栏目名称"), max_length=50)
    purpose = forms.CharField(label=_("开设宗旨"), widget=textarea(4, 1000), max_length=1000)
    usage = forms.CharField(label=_("使用方式"), widget=textarea(6, 2000), max_length=2000,
                            help_text=_("写明由谁受理和答复、多少个工作日内答复、公开哪些内容，以及个人信息不予公开。"))
    enabled = forms.BooleanField(label=_("开放"), required=False, help_text=_("关闭后网站上不再显示该栏目的提交入口。"))


class SurveyForm(SiteDepartmentsMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100)
    description = forms.CharField(label=_("征集说明"), widget=textarea(5, 5000), max_length=5000)
    department = department_field(_("征集部门"), required=False, help_text=_("不选则由本网站负责。"))
    opens_at = datetime_field(_("开始时间"))
    closes_at = datetime_field(_("截止时间"))
    questions = forms.CharField(label=_("问题"), widget=textarea(12, 20000), max_length=20000, help_text=QUESTIONS_HELP)

    def __init__(self, *args, site, locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_departments(site)
        if locked:  # an open survey keeps its questions and opening time
            for name in ("questions", "opens_at"):
                self.fields[name].disabled = True
                self.fields[name].required = False

    def clean_questions(self):
        if self.fields["questions"].disabled:
            return None
        return parse_questions(self.cleaned_data["questions"])


class ResultsForm(forms.Form):
    results_summary = forms.CharField(label=_("结果说明"), widget=textarea(6, 10000), max_length=10000)
    adoption_feedback = forms.CharField(label=_("意见采纳情况"), widget=textarea(6, 10000), max_length=10000,
                                        help_text=_("说明采纳了哪些意见、未采纳的理由。"))


class InterviewForm(forms.Form):
    title = forms.CharField(label=_("访谈主题"), max_length=100)
    summary = forms.CharField(label=_("访谈简介"), widget=textarea(5, 5000), max_length=5000)
    starts_at = datetime_field(_("开始时间"))
    ends_at = datetime_field(_("结束时间"))
    guests = forms.CharField(label=_("访谈嘉宾"), widget=textarea(4, 2000), max_length=2000, help_text=GUESTS_HELP)

    def clean_guests(self):
        return parse_guests(self.cleaned_data["guests"])


class TranscriptForm(forms.Form):
    transcript = forms.CharField(label=_("访谈实录"), widget=textarea(20, 200000), max_length=200000)


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("采用")), ("reject", _("不采用"))], widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    guest = forms.ModelChoiceField(label=_("回答嘉宾"), queryset=None, empty_label=_("请选择嘉宾"))
    answer = forms.CharField(label=_("嘉宾回答"), widget=textarea(4, 5000), max_length=5000)

    def __init__(self, *args, question: InterviewQuestion, **kwargs):
        super().__init__(*args, prefix=f"q{question.pk}", **kwargs)
        self.fields["guest"].queryset = question.interview.guests.all()
        self.fields["guest"].label_from_instance = lambda guest: f"{guest.name}（{guest.position}）"


class EntryForm(SiteDepartmentsMixin, forms.Form):
    question = forms.CharField(label=_("问题"), max_length=200, help_text=_("用概括、通用的说法写出问题，不含个人信息。"))
    answer = forms.CharField(label=_("解答"), widget=textarea(10, 10000), max_length=10000)
    department = department_field(_("答复部门"), required=False)
    keywords = forms.CharField(label=_("关键词"), max_length=200, required=False,
                               help_text=_("多个关键词用顿号、逗号或空格分开，最多10个。"))
    source_messages = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_departments(site)

    def clean_source_messages(self) -> list[int]:
        text = self.cleaned_data["source_messages"] or ""
        parts = [p for p in text.split(",") if p.strip()]
        if len(parts) > 500 or not all(p.strip().isascii() and p.strip().isdigit() for p in parts):
            raise forms.ValidationError(_("来源留言无效。"))
        return [int(p) for p in parts]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("撤下理由"), widget=textarea(2, 500), max_length=500)
