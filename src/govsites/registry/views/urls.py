"""URLs of the registry admin, under ``/admin/registry/`` (namespace ``registry``)."""

from django.urls import path

from ..models import ApplicationKind
from .applications import (
    ApplicationChooserView,
    ApplicationDetailView,
    ApplicationIndexView,
    ChooseInstitutionView,
    OpenSiteView,
    SpecialTopicView,
    WithdrawView,
    apply_for_site,
)
from .estate import EstateTreeView, InstitutionIndexView, MissingPortalsView
from .inbox import DecideView, InboxView
from .sites import SiteDetailView, SiteIndexView, SiteOperationView

app_name = "registry"

urlpatterns = [
    path("sites/", SiteIndexView.as_view(), name="site_index"),
    path("sites/results/", SiteIndexView.as_view(results_only=True), name="site_index_results"),
    path("sites/<int:pk>/", SiteDetailView.as_view(), name="site_detail"),
    path("sites/<int:pk>/do/<slug:operation>/", SiteOperationView.as_view(), name="site_operation"),
    path("sites/<int:pk>/apply/<slug:kind>/", apply_for_site, name="apply_site"),
    path("applications/", ApplicationIndexView.as_view(), name="application_index"),
    path("applications/results/", ApplicationIndexView.as_view(results_only=True),
         name="application_index_results"),
    path("applications/new/", ApplicationChooserView.as_view(), name="application_new"),
    path("applications/new/open/", ChooseInstitutionView.as_view(
        kind=ApplicationKind.OPEN, next_url_name="registry:apply_open_for"), name="apply_open"),
    path("applications/new/open/<int:institution>/", OpenSiteView.as_view(), name="apply_open_for"),
    path("applications/new/special-topic/", ChooseInstitutionView.as_view(
        kind=ApplicationKind.SPECIAL_TOPIC, next_url_name="registry:apply_special_topic_for"),
        name="apply_special_topic"),
    path("applications/new/special-topic/<int:institution>/", SpecialTopicView.as_view(),
         name="apply_special_topic_for"),
    path("applications/<int:pk>/", ApplicationDetailView.as_view(), name="application_detail"),
    path("applications/<int:pk>/withdraw/", WithdrawView.as_view(), name="application_withdraw"),
    path("inbox/", InboxView.as_view(), name="inbox"),
    path("inbox/<int:pk>/decide/", DecideView.as_view(), name="decide"),
    path("institutions/", InstitutionIndexView.as_view(), name="institution_index"),
    path("institutions/results/", InstitutionIndexView.as_view(results_only=True),
         name="institution_index_results"),
    path("estate/", EstateTreeView.as_view(), name="estate_tree"),
    path("estate/missing-portals/", MissingPortalsView.as_view(), name="missing_portals"),
]
