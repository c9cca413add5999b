"""Site staffing (CON-09 named people): who may appoint, and that appointments are checked and
audited. A new site's first administrator comes from the registry's roles — no bootstrap account."""

import pytest
from django.urls import reverse

from govsites.actions import NotAllowed
from govsites.audit.models import AuditLogEntry
from govsites.content.actions.staffing import (
    AddColumn,
    GrantSiteRole,
    RevokeSiteRole,
    SetColumnResponsible,
    SetSiteWorkflow,
)
from govsites.content.columns import ColumnType
from govsites.content.models import ColumnPage, ColumnResponsibility, SiteMembership, SiteRole, SiteWorkflow
from govsites.registry.errors import ConflictError, RuleViolation
from tests.content.library_helpers import column, member, two_step_workflow


@pytest.fixture
def stats(estate):
    column(estate.stats_site, ColumnType.NEWS)  # the site's tree
    return estate.stats_site


def test_registry_site_manager_appoints_the_first_site_admin(stats, estate, as_user):
    newcomer = member("newcomer", estate.city_portal)  # an account without roles on this site
    membership = GrantSiteRole(as_user(estate.stats_manager), stats, "newcomer", SiteRole.SITE_ADMIN).execute()
    assert membership.user == newcomer
    entry = AuditLogEntry.objects.get(action="content.member.grant")
    assert entry.data == {"user": "newcomer", "role": "site_admin"}
    assert newcomer.has_perm("wagtailadmin.access_admin")


def test_outsiders_and_editors_may_not_appoint(stats, estate, as_user):
    editor = member("stats_editor", stats, SiteRole.EDITOR)
    member("someone", estate.city_portal)
    for user in (estate.outsider, editor, estate.water_manager):
        with pytest.raises(NotAllowed):
            GrantSiteRole(as_user(user), stats, "someone", SiteRole.EDITOR).execute()
    assert not SiteMembership.objects.filter(user__username="someone", site=stats).exists()


def test_bad_input_is_refused_in_chinese(stats, estate, as_user):
    admin = member("stats_admin", stats, SiteRole.SITE_ADMIN)
    with pytest.raises(Exception) as excinfo:
        GrantSiteRole(as_user(admin), stats, "nobody", SiteRole.EDITOR).execute()
    assert "没有这个用户名" in str(excinfo.value)
    with pytest.raises(Exception) as excinfo:
        GrantSiteRole(as_user(admin), stats, "stats_admin", "god").execute()
    assert "角色应为" in str(excinfo.value)
    with pytest.raises(ConflictError):
        GrantSiteRole(as_user(admin), stats, "stats_admin", SiteRole.SITE_ADMIN).execute()
    # the last site admin cannot remove themself
    with pytest.raises(ConflictError):
        RevokeSiteRole(as_user(admin), SiteMembership.objects.get(user=admin)).execute()


@pytest.mark.rule("CON-09")
def test_column_responsible_must_hold_the_role_and_workflow_must_have_both_reviews(stats, estate, as_user):
    admin = member("stats_admin", stats, SiteRole.SITE_ADMIN)
    reviewer = member("stats_reviewer", stats, SiteRole.REVIEWER)
    news = column(stats, ColumnType.NEWS)
    with pytest.raises(RuleViolation):
        SetColumnResponsible(as_user(admin), stats, news, "stats_reviewer", SiteRole.CONFIDENTIALITY_REVIEWER).execute()
    SetColumnResponsible(as_user(admin), stats, news, "stats_reviewer", SiteRole.REVIEWER).execute()
    assert ColumnResponsibility.objects.filter(column=news, user=reviewer).exists()
    other_column = column(estate.city_portal, ColumnType.NEWS)
    with pytest.raises(RuleViolation):
        SetColumnResponsible(as_user(admin), stats, other_column, "stats_reviewer", SiteRole.REVIEWER).execute()

    from wagtail.models import Workflow, WorkflowTask

    from govsites.content.models import ContentReviewTask

    one_step = Workflow.objects.create(name="只有内容审核", active=True)
    WorkflowTask.objects.create(workflow=one_step, task=ContentReviewTask.objects.create(name="内容审核"), sort_order=0)
    with pytest.raises(RuleViolation) as excinfo:
        SetSiteWorkflow(as_user(admin), stats, one_step).execute()
    assert excinfo.value.rule == "CON-09"
    SetSiteWorkflow(as_user(admin), stats, two_step_workflow()).execute()
    assert SiteWorkflow.objects.filter(site=stats, column=None).count() == 1


def test_free_columns(stats, estate, as_user):
    admin = member("stats_admin", stats, SiteRole.SITE_ADMIN)
    col = AddColumn(as_user(admin), stats, None, "统计公报", "历年统计公报", "统计,公报").execute()
    assert col.column_type == ColumnType.FREE and col.live
    child = AddColumn(as_user(admin), stats, col, "2026年").execute()
    assert child.get_parent().pk == col.pk
    with pytest.raises(ConflictError):
        AddColumn(as_user(admin), stats, None, "统计公报").execute()
    assert ColumnPage.objects.filter(title="统计公报").count() == 1


def test_staff_page(client, stats, estate):
    admin = member("stats_admin", stats, SiteRole.SITE_ADMIN)
    member("stats_writer", estate.city_portal)
    client.force_login(admin)
    url = reverse("content:staff", args=[stats.pk])
    assert "网站成员" in client.get(url).content.decode()
    client.post(url, {"operation": "grant", "username": "stats_writer", "role": SiteRole.EDITOR})
    assert SiteMembership.objects.filter(user__username="stats_writer", site=stats, role=SiteRole.EDITOR).exists()
    response = client.post(url, {"operation": "grant", "username": "ghost", "role": SiteRole.EDITOR}, follow=True)
    assert "没有这个用户名" in response.content.decode()
    client.force_login(member("stats_writer", stats))
    assert client.get(url).status_code == 403
