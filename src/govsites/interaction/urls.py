"""URLs of the interaction back office, under ``/admin/interaction/`` (namespace ``interaction``)."""

from django.urls import path

from .views.inbox import InboxView
from .views.message import MessageView, StepView
from .views.statistics import StatisticsView
from .views.veto import VetoView

app_name = "interaction"

urlpatterns = [
    path("messages/", InboxView.as_view(), name="inbox"),
    path("messages/<int:pk>/", MessageView.as_view(), name="message"),
    path("messages/<int:pk>/<slug:step>/", StepView.as_view(), name="step"),
    path("statistics/", StatisticsView.as_view(), name="statistics"),
    path("veto/", VetoView.as_view(), name="veto"),
]
