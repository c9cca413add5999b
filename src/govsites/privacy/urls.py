"""URLs of the personal-data admin, under ``/admin/privacy/`` (namespace ``privacy``)."""

from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.RecordListView.as_view(), name="records"),
    path("export/", views.ExportView.as_view(), name="export"),
    path("<int:pk>/", views.RecordView.as_view(), name="record"),
    path("<int:pk>/unmask/", views.UnmaskView.as_view(), name="unmask"),
    path("<int:pk>/erase/", views.EraseView.as_view(), name="erase"),
]
