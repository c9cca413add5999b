"""URLs of the column pages, under ``/admin/interaction/columns/`` (namespace ``interaction_extra``)."""

from django.urls import path

from . import channels, interviews, knowledge, surveys

app_name = "interaction_extra"

urlpatterns = [
    path("", channels.ChannelSitesView.as_view(), name="channel_sites"),
    path("sites/<int:site>/", channels.SiteChannelsView.as_view(), name="site_channels"),
    path("sites/<int:site>/setup/", channels.SetUpChannelsView.as_view(), name="setup_channels"),
    path("channels/<int:pk>/", channels.ChannelEditView.as_view(), name="channel"),

    path("surveys/", surveys.SurveyListView.as_view(), name="surveys"),
    path("surveys/new/", surveys.SurveyCreateView.as_view(), name="survey_new"),
    path("surveys/<int:pk>/", surveys.SurveyView.as_view(), name="survey"),
    path("surveys/<int:pk>/edit/", surveys.SurveyEditView.as_view(), name="survey_edit"),
    path("surveys/<int:pk>/results/", surveys.ResultsView.as_view(), name="survey_results"),
    path("surveys/<int:pk>/open/", surveys.SurveyStepView.as_view(), {"step": "open"}, name="survey_open"),
    path("surveys/<int:pk>/close/", surveys.SurveyStepView.as_view(), {"step": "close"}, name="survey_close"),

    path("interviews/", interviews.InterviewListView.as_view(), name="interviews"),
    path("interviews/new/", interviews.InterviewCreateView.as_view(), name="interview_new"),
    path("interviews/<int:pk>/", interviews.InterviewView.as_view(), name="interview"),
    path("interviews/<int:pk>/edit/", interviews.InterviewEditView.as_view(), name="interview_edit"),
    path("interviews/<int:pk>/transcript/", interviews.TranscriptView.as_view(), name="interview_transcript"),
    path("interviews/<int:pk>/start/", interviews.InterviewStepView.as_view(), {"step": "start"},
         name="interview_start"),
    path("interviews/<int:pk>/finish/", interviews.InterviewStepView.as_view(), {"step": "finish"},
         name="interview_finish"),
    path("interviews/<int:pk>/questions/<int:question>/moderate/", interviews.ModerateView.as_view(),
         name="question_moderate"),
    path("interviews/<int:pk>/questions/<int:question>/answer/", interviews.AnswerView.as_view(),
         name="question_answer"),

    path("knowledge/", knowledge.EntryListView.as_view(), name="entries"),
    path("knowledge/candidates/", knowledge.CandidatesView.as_view(), name="candidates"),
    path("knowledge/new/", knowledge.EntryCreateView.as_view(), name="entry_new"),
    path("knowledge/<int:pk>/", knowledge.EntryView.as_view(), name="entry"),
    path("knowledge/<int:pk>/publish/", knowledge.EntryPublishView.as_view(), name="entry_publish"),
    path("knowledge/<int:pk>/unpublish/", knowledge.EntryUnpublishView.as_view(), name="entry_unpublish"),
]
