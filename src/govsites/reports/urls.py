"""Admin URLs of the reports, under ``/admin/reports/`` (namespace ``reports``)."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportListView.as_view(), name="list"),
    path("generate/", views.GenerateView.as_view(), name="generate"),
    path("<int:pk>/", views.ReportView.as_view(), name="report"),
    path("<int:pk>/download.<str:fmt>", views.DownloadView.as_view(), name="download"),
    path("<int:pk>/publish/", views.PublishView.as_view(), name="publish"),
    path("<int:pk>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path("facts/<int:scope>/<int:year>/", views.AnnualFactsView.as_view(), name="facts"),
]
