"""URLs of the content admin, under ``/admin/content/`` (namespace ``content``).

The item chooser modal is a Wagtail viewset of its own: ``item_chooser:choose`` at
``/admin/content/chooser/`` (see :mod:`.chooser`).
"""

from django.urls import path

from .home import EditorHomeView
from .items import (
    CreateItemView,
    EditItemView,
    ItemDetailView,
    ItemOperationView,
    NewItemView,
    RepostView,
)
from .library import ColumnView, LibraryView, SitesView
from .repost_report import RepostReportView
from .staff import SiteStaffView

app_name = "content"

urlpatterns = [
    path("", EditorHomeView.as_view(), name="home"),
    path("library/", LibraryView.as_view(), name="library"),
    path("sites/", SitesView.as_view(), name="sites"),
    path("reposts/", RepostReportView.as_view(), name="repost_report"),
    path("sites/<int:pk>/staff/", SiteStaffView.as_view(), name="staff"),
    path("columns/<int:pk>/", ColumnView.as_view(), name="column"),
    path("new/", NewItemView.as_view(), name="new"),
    path("new/<int:column>/<slug:kind>/", CreateItemView.as_view(), name="create"),
    path("items/<int:pk>/", ItemDetailView.as_view(), name="item"),
    path("items/<int:pk>/edit/", EditItemView.as_view(), name="edit"),
    path("items/<int:pk>/do/<slug:operation>/", ItemOperationView.as_view(), name="operation"),
    path("items/<int:pk>/repost/", RepostView.as_view(), name="repost"),
]
