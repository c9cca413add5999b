"""Each hosted site gets its page tree with the standard columns (CON-02); special topics become
columns (REG-04); the Wagtail site record follows the registry domain."""

import pytest
from wagtail.models import Site as WagtailSite

from govsites.content.columns import STANDARD_COLUMNS, ColumnType
from govsites.content.models import ColumnPage, SiteHomePage
from govsites.content.sites import ensure_all, ensure_site_tree
from govsites.registry.actions import ApplyForSpecialTopic, ApplyToOpenSite, FileChange
from tests.conftest import actor
from tests.registry.helpers import approve_all


@pytest.mark.rule("CON-02")
def test_every_hosted_site_gets_the_standard_columns(estate):
    assert ensure_all() >= 5
    home = SiteHomePage.objects.get(registry_site=estate.stats_site)
    columns = ColumnPage.objects.child_of(home)
    assert list(columns.values_list("column_type", flat=True)) == [c[0] for c in STANDARD_COLUMNS]
    policies = columns.get(column_type=ColumnType.POLICIES)
    assert (policies.title, policies.slug) == ("政策文件", "zcwj") and policies.description
    assert WagtailSite.objects.get(root_page=home).hostname == "tjj.qinglan.gov.cn"
    # idempotent
    ensure_all()
    assert ColumnPage.objects.child_of(home).count() == len(STANDARD_COLUMNS)


@pytest.mark.rule("CON-02")
def test_an_approved_opening_gets_its_tree_and_external_sites_none(estate, clock,
                                                                  django_capture_on_commit_callbacks):
    from tests.factories import site

    external = site(estate.education, "jyt.lanchuan.gov.cn", hosted=False)
    assert ensure_site_tree(external) is None
    data = {"name": "青岚市水利局网站", "domain": "slj.qinglan.gov.cn", "sponsor_name": "青岚市水利局",
            "responsible_person": "赵敏"}
    application = ApplyToOpenSite(actor(estate.water_manager), estate.water, site_data=data, reason="开设").execute()
    assert not SiteHomePage.objects.filter(registry_site=application.site).exists()  # not before approval
    with django_capture_on_commit_callbacks(execute=True):
        approve_all(application)
    home = SiteHomePage.objects.get(registry_site=application.site)
    assert ColumnPage.objects.child_of(home).count() == len(STANDARD_COLUMNS)


@pytest.mark.rule("REG-04")
def test_special_topic_becomes_a_column_of_its_host_site(estate, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = ApplyForSpecialTopic(actor(estate.stats_manager), estate.stats, title="经济普查专题",
                                           institutions=[estate.stats], host_site=estate.stats_site).execute()
        approve_all(application)
    column = ColumnPage.objects.get(special_topic__application=application)
    home = SiteHomePage.objects.get(registry_site=estate.stats_site)
    parent = column.get_parent().specific
    assert parent.column_type == ColumnType.SPECIAL_TOPICS and parent.get_parent().pk == home.pk
    assert column.title == "经济普查专题" and column.column_type == ColumnType.SPECIAL_TOPIC


def test_hostname_follows_a_domain_change(estate, clock, django_capture_on_commit_callbacks):
    ensure_site_tree(estate.stats_site)
    with django_capture_on_commit_callbacks(execute=True):
        approve_all(FileChange(actor(estate.stats_manager), estate.stats_site,
                               changes={"domain": "stats.qinglan.gov.cn"}, reason="域名调整").execute())
    home = SiteHomePage.objects.get(registry_site=estate.stats_site)
    assert WagtailSite.objects.get(root_page=home).hostname == "stats.qinglan.gov.cn"
