"""An editor of one site never sees, chooses or changes another site's drafts; published library
items are readable by all (CON-01). The same policy answers Wagtail's own permission questions."""

import pytest
from wagtail.permissions import policy_registry

from govsites.content.columns import ColumnType
from govsites.content.models import Item, SiteRole
from govsites.content.permissions import library_permission_policy
from tests.content.library_helpers import column, draft, member


@pytest.fixture
def two_sites(estate):
    a, b = estate.stats_site, estate.city_portal
    editor_a = member("editor_a", a, SiteRole.EDITOR)
    editor_b = member("editor_b", b, SiteRole.EDITOR)
    draft_b = draft(b, column(b, ColumnType.NEWS), editor_b, title="市政府常务会议（草稿）")
    published_b = draft(b, column(b, ColumnType.NEWS), editor_b, title="市政府常务会议召开")
    published_b.live = True
    published_b.save()
    return a, b, editor_a, editor_b, draft_b, published_b


@pytest.mark.rule("CON-01")
def test_editor_sees_own_drafts_and_all_published_items_only(two_sites, django_assert_max_num_queries):
    a, b, editor_a, editor_b, draft_b, published_b = two_sites
    own = draft(a, column(a, ColumnType.NEWS), editor_a, title="统计局动态")
    with django_assert_max_num_queries(3):
        visible = set(library_permission_policy.instances_user_has_permission_for(editor_a, "view"))
    assert visible == {own, published_b}
    assert draft_b not in visible
    assert not library_permission_policy.user_has_permission_for_instance(editor_a, "view", draft_b)
    assert library_permission_policy.user_has_permission_for_instance(editor_a, "view", published_b)
    # nobody edits another site's items, published or not
    for item in (draft_b, published_b):
        assert not library_permission_policy.user_has_permission_for_instance(editor_a, "change", item)
    assert library_permission_policy.user_has_permission_for_instance(editor_b, "change", draft_b)
    assert set(library_permission_policy.instances_user_has_permission_for(editor_a, "change")) == {own}


def test_wagtail_uses_the_library_policy_for_items():
    assert policy_registry.get_by_type(Item) is library_permission_policy


def test_editors_may_not_publish_reviewers_may(two_sites):
    a, b, editor_a, editor_b, draft_b, published_b = two_sites
    reviewer_b = member("reviewer_b", b, SiteRole.REVIEWER)
    assert not library_permission_policy.user_has_permission(editor_b, "publish")
    assert library_permission_policy.user_has_permission_for_instance(reviewer_b, "publish", draft_b)
    assert set(library_permission_policy.users_with_permission_for_instance("publish", draft_b)) == {reviewer_b}


def test_people_without_membership_see_nothing(two_sites, estate):
    assert not library_permission_policy.instances_user_has_permission_for(estate.outsider, "view").exists()
    # the estate supervisor reads the whole library
    assert library_permission_policy.instances_user_has_permission_for(estate.province_office, "view").count() == 2
