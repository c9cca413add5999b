"""URLs of the 安全管理 admin, under ``/admin/security/`` (namespace ``security``)."""

from django.urls import path

from . import views

app_name = "security"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("notices/", views.NoticeListView.as_view(), name="notices"),
    path("notices/new/", views.NoticeCreateView.as_view(), name="notice_new"),
    path("notices/<int:pk>/", views.NoticeDetailView.as_view(), name="notice"),
    path("notices/<int:pk>/do/<slug:op>/", views.NoticeDetailView.as_view(http_method_names=["post"]),
         name="notice_do"),
    path("scans/", views.ScanListView.as_view(), name="scans"),
    path("scans/new/", views.ScanCreateView.as_view(), name="scan_new"),
    path("plans/", views.PlanListView.as_view(), name="plans"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan_new"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan"),
    path("plans/<int:pk>/document/", views.PlanDocumentView.as_view(http_method_names=["get"]),
         name="plan_document"),
    path("plans/<int:pk>/do/<slug:op>/", views.PlanDetailView.as_view(http_method_names=["post"]), name="plan_do"),
    path("drills/new/", views.DrillCreateView.as_view(), name="drill_new"),
    path("incidents/", views.IncidentListView.as_view(), name="incidents"),
    path("incidents/new/", views.IncidentCreateView.as_view(), name="incident_new"),
    path("incidents/<int:pk>/", views.IncidentDetailView.as_view(), name="incident"),
    path("incidents/<int:pk>/do/<slug:op>/", views.IncidentDetailView.as_view(http_method_names=["post"]),
         name="incident_do"),
    path("counterfeit/", views.CounterfeitListView.as_view(), name="counterfeits"),
    path("counterfeit/new/", views.CounterfeitCreateView.as_view(), name="counterfeit_new"),
    path("counterfeit/<int:pk>/", views.CounterfeitDetailView.as_view(), name="counterfeit"),
    path("counterfeit/<int:pk>/screenshot/", views.ScreenshotView.as_view(http_method_names=["get"]),
         name="counterfeit_screenshot"),
    path("counterfeit/<int:pk>/do/<slug:op>/", views.CounterfeitDetailView.as_view(http_method_names=["post"]),
         name="counterfeit_do"),
    path("hosting/", views.HostingListView.as_view(), name="hostings"),
    path("hosting/<int:pk>/", views.HostingEditView.as_view(), name="hosting"),
]
