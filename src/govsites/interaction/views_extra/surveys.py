"""征集调查: the surveys of the user's sites and departments, their questions, answer counts and
results."""

from __future__ import annotations

from django.db.models import Count
from django.http import Http404
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from govsites import clock

from ..actions import CloseSurvey, CreateSurvey, EditSurvey, OpenSurvey, PublishResults
from ..actions.surveys import current_questions
from ..models import Survey, SurveyStatus
from ..surveys import results
from .base import ActionFormView, PageView, StepView, paginate, sites_for, visible
from .forms import ResultsForm, SurveyForm, format_questions

HOME = {"url": reverse_lazy("interaction_extra:surveys"), "label": _("征集调查")}
STATUS_CODES = {
    SurveyStatus.DRAFT: "none",
    SurveyStatus.OPEN: "online",
    SurveyStatus.CLOSED: "temporarily_offline",
    SurveyStatus.RESULTS_PUBLISHED: "approved",
}


def visible_surveys(user):
    return visible(Survey.objects.select_related("site", "department"), user, departments=True)


class SurveyMixin:
    """Pages about one survey the user may see (404 otherwise)."""

    def prepare(self):
        self.survey = visible_surveys(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if self.survey is None:
            raise Http404(_("未找到该征集调查。"))

    def get_parent_crumbs(self):
        return [HOME, {"url": reverse("interaction_extra:survey", args=[self.survey.pk]), "label": self.survey.title}]

    def detail_url(self, *_args) -> str:
        return reverse("interaction_extra:survey", args=[self.survey.pk])


class SurveyListView(PageView):
    template_name = "interaction/admin_extra/surveys.html"
    page_title = _("征集调查")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        surveys = visible_surveys(self.request.user).annotate(answers=Count("responses")).order_by("-opens_at", "-pk")
        status = self.request.GET.get("status") or ""
        if status in SurveyStatus.values:
            surveys = surveys.filter(status=status)
        page = paginate(self.request, surveys)
        context.update(page=page, rows=[(s, STATUS_CODES[s.status]) for s in page], statuses=SurveyStatus.choices,
                       status=status, sites=sites_for(self.request.user, departments=True),
                       page_query=f"status={status}&" if status else "")
        return context


class SurveyCreateView(ActionFormView):
    form_class = SurveyForm
    page_title = _("新建征集调查")
    crumbs = (HOME,)
    submit_label = _("保存草稿")
    success_message = _("征集调查草稿已保存，核对无误后请发布。")

    def prepare(self):
        self.site = self.chosen_site(sites_for(self.request.user, departments=True))

    def form_kwargs(self):
        return {"site": self.site, "initial": {"opens_at": clock.now()}}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "subtitle": self.site.name}

    def run(self, data):
        return CreateSurvey(self.actor, self.site, **data).execute()

    def success_url(self, survey):
        return reverse("interaction_extra:survey", args=[survey.pk])


class SurveyView(SurveyMixin, PageView):
    template_name = "interaction/admin_extra/survey.html"

    def get_page_title(self):
        return self.survey.title

    def get_parent_crumbs(self):
        return [HOME]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        survey, now = self.survey, clock.now()
        ended = survey.status == SurveyStatus.OPEN and now >= survey.closes_at
        context.update(
            survey=survey, status_code=STATUS_CODES[survey.status], counted=results(survey),
            may_edit=survey.status in (SurveyStatus.DRAFT, SurveyStatus.OPEN),
            may_open=survey.status == SurveyStatus.DRAFT, may_close=survey.status == SurveyStatus.OPEN,
            may_publish=survey.status in (SurveyStatus.CLOSED, SurveyStatus.RESULTS_PUBLISHED) or ended,
            taking_answers=survey.is_open(now), ended=ended,
        )
        return context


class SurveyEditView(SurveyMixin, ActionFormView):
    form_class = SurveyForm
    page_title = _("修改征集调查")
    success_message = _("征集调查已保存。")

    def form_kwargs(self):
        return {"site": self.survey.site, "locked": self.survey.status == SurveyStatus.OPEN,
                "initial": self.initial()}

    def initial(self):
        s = self.survey
        return {"title": s.title, "description": s.description, "department": s.department_id,
                "opens_at": s.opens_at, "closes_at": s.closes_at,
                "questions": format_questions(current_questions(s))}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.survey.status == SurveyStatus.OPEN:
            context["intro"] = _("征集已开始：问题、选项和开始时间不能再修改（已有答卷按原问题作答）。")
        return context

    def run(self, data):
        if data.get("questions") is None:
            data = {**data, "opens_at": self.survey.opens_at}
        return EditSurvey(self.actor, self.survey, **data).execute()

    success_url = SurveyMixin.detail_url


class SurveyStepView(SurveyMixin, StepView):
    STEPS = {
        "open": (OpenSurvey, _("征集调查已发布，网站页面将随之更新。")),
        "close": (CloseSurvey, _("征集已结束，不再接收答卷。")),
    }

    def run(self):
        action, self.success_message = self.STEPS[self.kwargs["step"]]
        action(self.actor, self.survey).execute()

    back = SurveyMixin.detail_url


class ResultsView(SurveyMixin, ActionFormView):
    form_class = ResultsForm
    page_title = _("公布征集结果")
    submit_label = _("公布结果")
    success_message = _("征集结果已公布，网站页面将随之更新。")
    intro = _("网站公布结果说明、意见采纳情况和各选项的统计数；文字意见不逐条公开。")

    def initial(self):
        return {"results_summary": self.survey.results_summary, "adoption_feedback": self.survey.adoption_feedback}

    def run(self, data):
        return PublishResults(self.actor, self.survey, **data).execute()

    success_url = SurveyMixin.detail_url
