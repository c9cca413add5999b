"""URLs of the publishing admin, under ``/admin/publishing/`` (namespace ``publishing``).

The preview serves a whole site below one prefix (``site/<id>/preview/``), so the relative links
of its pages (``../assets/…``, ``zwdt/``) resolve to further previews.
"""

from django.urls import path

from . import views

app_name = "publishing"

urlpatterns = [
    path("", views.SiteListView.as_view(), name="sites"),
    path("site/<int:pk>/", views.SiteDetailView.as_view(), name="site"),
    path("site/<int:pk>/rebuild/", views.RebuildView.as_view(), name="rebuild"),
    path("site/<int:pk>/release/<int:number>/", views.ReleaseView.as_view(), name="release"),
    path("site/<int:pk>/preview/", views.preview, name="preview_home"),
    path("site/<int:pk>/preview/<path:path>", views.preview, name="preview"),
]
