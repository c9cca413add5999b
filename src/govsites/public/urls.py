"""The public service's whole URL set (``ROOT_URLCONF`` of ``govsites.settings.public``): no
admin, no staff API, no documents — only what citizens use."""

from django.urls import path

from . import views
from .api import api

urlpatterns = [
    path("messages/new", views.message_new, name="public-message-new"),
    path("messages/", views.message_submit, name="public-message-submit"),
    path("cases/lookup", views.case_lookup, name="public-case-lookup"),
    path("challenge/<str:token>.png", views.challenge_image, name="public-challenge-image"),
    path("surveys/<int:survey_id>/", views.survey, name="public-survey"),
    path("interviews/<int:interview_id>/questions", views.interview_question, name="public-interview-question"),
    path("assets/public.css", views.stylesheet, name="public-stylesheet"),
    path("api/v1/", api.urls),
]

handler400 = "govsites.public.views.bad_request"
handler404 = "govsites.public.views.not_found"
handler500 = "govsites.public.views.server_error"
