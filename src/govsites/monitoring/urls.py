"""URLs of the supervision admin, under ``/admin/monitoring/`` (namespace ``monitoring``)."""

from django.urls import path

from .views.censuses import CensusListView, CensusView, StartCensusView
from .views.dashboard import DashboardView
from .views.findings import CloseFindingView, FindingListView, FindingView
from .views.sites import SiteView
from .views.violations import SiteViolationsView, ViolationListView

app_name = "monitoring"

urlpatterns = [
    path("", DashboardView.as_view(), name="dashboard"),
    path("sites/<int:pk>/", SiteView.as_view(), name="site"),
    path("sites/<int:pk>/violations/", SiteViolationsView.as_view(), name="site_violations"),
    path("findings/", FindingListView.as_view(), name="findings"),
    path("findings/<int:pk>/", FindingView.as_view(), name="finding"),
    path("findings/<int:pk>/close/", CloseFindingView.as_view(), name="finding_close"),
    path("censuses/", CensusListView.as_view(), name="censuses"),
    path("censuses/start/", StartCensusView.as_view(), name="census_start"),
    path("censuses/<int:pk>/", CensusView.as_view(), name="census"),
    path("violations/", ViolationListView.as_view(), name="violations"),
]
