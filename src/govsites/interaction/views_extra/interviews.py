"""在线访谈: announcements, the moderation queue of citizens' questions, guests' answers and the
published transcript."""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages

from govsites import clock
from govsites.registry.views.base import ACTION_ERRORS, add_form_errors

from ..actions import (
    AnswerQuestion,
    CreateInterview,
    EditInterview,
    FinishInterview,
    ModerateQuestion,
    PublishTranscript,
    StartInterview,
)
from ..models import Interview, InterviewQuestion, InterviewStatus, QuestionStatus
from .base import ActionFormView, PageView, StepView, paginate, sites_for, visible
from .forms import AnswerForm, InterviewForm, ModerateForm, TranscriptForm, format_guests

HOME = {"url": reverse_lazy("interaction_extra:interviews"), "label": _("在线访谈")}
STATUS_CODES = {
    InterviewStatus.SCHEDULED: "none",
    InterviewStatus.LIVE: "online",
    InterviewStatus.FINISHED: "temporarily_offline",
    InterviewStatus.PUBLISHED: "approved",
}


def visible_interviews(user):
    return visible(Interview.objects.select_related("site"), user, departments=False)


class InterviewMixin:
    def prepare(self):
        self.interview = visible_interviews(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if self.interview is None:
            raise Http404(_("未找到该访谈。"))

    def get_parent_crumbs(self):
        return [HOME, {"url": self.detail_url(), "label": self.interview.title}]

    def detail_url(self, *_args) -> str:
        return reverse("interaction_extra:interview", args=[self.interview.pk])


class InterviewListView(PageView):
    template_name = "interaction/admin_extra/interviews.html"
    page_title = _("在线访谈")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = paginate(self.request, visible_interviews(self.request.user))
        context.update(page=page, rows=[(i, STATUS_CODES[i.status]) for i in page], page_query="",
                       sites=sites_for(self.request.user, departments=False))
        return context


class InterviewCreateView(ActionFormView):
    form_class = InterviewForm
    page_title = _("发布访谈预告")
    crumbs = (HOME,)
    submit_label = _("发布预告")
    success_message = _("访谈预告已发布，网民可以开始提问。")
    intro = _("预告发布后即在网站显示，网民可在访谈结束前提问；提问经审核采用后才会显示。")

    def prepare(self):
        self.site = self.chosen_site(sites_for(self.request.user, departments=False))

    def initial(self):
        start = clock.local(clock.now()).replace(minute=0, second=0, microsecond=0) + timedelta(days=7)
        return {"starts_at": start, "ends_at": start + timedelta(hours=1)}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "subtitle": self.site.name}

    def run(self, data):
        return CreateInterview(self.actor, self.site, **data).execute()

    def success_url(self, interview):
        return reverse("interaction_extra:interview", args=[interview.pk])


class InterviewView(InterviewMixin, PageView):
    """The interview, its guests and the question queues with a form for each question."""

    template_name = "interaction/admin_extra/interview.html"

    def get_page_title(self):
        return self.interview.title

    def get_parent_crumbs(self):
        return [HOME]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        interview = self.interview
        bound = kwargs.get("answer_form")
        questions = list(interview.questions.select_related("answered_by"))
        answerable = interview.status in (InterviewStatus.LIVE, InterviewStatus.FINISHED)
        queue = {status: [] for status in QuestionStatus.values}
        for question in questions:
            form = None
            if answerable and question.status in (QuestionStatus.APPROVED, QuestionStatus.ANSWERED):
                form = bound if bound is not None and bound.prefix == f"q{question.pk}" else AnswerForm(
                    question=question, initial={"guest": question.answered_by_id, "answer": question.answer})
            queue[question.status].append({"question": question, "form": form})
        context.update(
            interview=interview, status_code=STATUS_CODES[interview.status], guests=interview.guests.all(),
            pending=queue[QuestionStatus.PENDING], approved=queue[QuestionStatus.APPROVED],
            answered=queue[QuestionStatus.ANSWERED], rejected=queue[QuestionStatus.REJECTED],
            moderating=interview.status != InterviewStatus.PUBLISHED,
            may_edit=interview.status != InterviewStatus.PUBLISHED,
            may_start=interview.status == InterviewStatus.SCHEDULED,
            may_finish=interview.status == InterviewStatus.LIVE,
            may_transcribe=interview.status in (InterviewStatus.FINISHED, InterviewStatus.PUBLISHED),
            takes_questions=interview.takes_questions(clock.now()),
        )
        return context


class InterviewEditView(InterviewMixin, ActionFormView):
    form_class = InterviewForm
    page_title = _("修改访谈")
    success_message = _("访谈已保存，网站页面将随之更新。")

    def initial(self):
        i = self.interview
        return {"title": i.title, "summary": i.summary, "starts_at": i.starts_at, "ends_at": i.ends_at,
                "guests": format_guests(i.guests.all())}

    def run(self, data):
        return EditInterview(self.actor, self.interview, **data).execute()

    success_url = InterviewMixin.detail_url


class InterviewStepView(InterviewMixin, StepView):
    STEPS = {
        "start": (StartInterview, _("访谈已开始。")),
        "finish": (FinishInterview, _("访谈已结束，不再接受提问。请整理并发布访谈实录。")),
    }

    def run(self):
        action, self.success_message = self.STEPS[self.kwargs["step"]]
        action(self.actor, self.interview).execute()

    back = InterviewMixin.detail_url


class QuestionMixin(InterviewMixin):
    def prepare(self):
        super().prepare()
        self.question = InterviewQuestion.objects.filter(interview=self.interview, pk=self.kwargs["question"]).first()
        if self.question is None:
            raise Http404(_("未找到该提问。"))
        self.question.interview = self.interview


class ModerateView(QuestionMixin, StepView):
    def run(self):
        form = ModerateForm(self.request.POST)
        approve = form.is_valid() and form.cleaned_data["decision"] == "approve"
        self.success_message = _("已采用该提问，网站页面将随之更新。") if approve else _("已不采用该提问。")
        ModerateQuestion(self.actor, self.question, approve=approve).execute()

    back = InterviewMixin.detail_url


class AnswerView(QuestionMixin, InterviewView):
    """POST: a guest's answer; a refusal shows the page again with the answer as typed."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = AnswerForm(request.POST, question=self.question)
        if form.is_valid():
            try:
                AnswerQuestion(self.actor, self.question, form.cleaned_data["guest"],
                               form.cleaned_data["answer"]).execute()
            except ACTION_ERRORS as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("嘉宾回答已保存，网站页面将随之更新。"))
                return redirect(f"{self.detail_url()}#question-{self.question.pk}")
        return self.render_to_response(self.get_context_data(answer_form=form), status=400)


class TranscriptView(InterviewMixin, ActionFormView):
    form_class = TranscriptForm
    page_title = _("发布访谈实录")
    submit_label = _("发布实录")
    success_message = _("访谈实录已发布，网站页面将随之更新。")

    def initial(self):
        return {"transcript": self.interview.transcript or self.draft()}

    def draft(self) -> str:
        """A first draft from the answered questions, for the staff to complete."""
        lines = []
        for q in self.interview.questions.filter(status=QuestionStatus.ANSWERED).select_related("answered_by"):
            lines.append(f"网友{('“' + q.nickname + '”') if q.nickname else ''}：{q.body}")
            lines.append(f"{q.answered_by.name if q.answered_by else '嘉宾'}：{q.answer}")
        return "\n".join(lines)

    def run(self, data):
        return PublishTranscript(self.actor, self.interview, data["transcript"]).execute()

    success_url = InterviewMixin.detail_url
