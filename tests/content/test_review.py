"""Every item passes content review then confidentiality review by the named people of its own
site (or column) before it goes live (CON-09) — on Wagtail's workflow machinery."""

import pytest
from wagtail.models import TaskState, WorkflowState

from govsites.content.columns import ColumnType
from govsites.content.models import ColumnResponsibility, Item, SiteRole
from govsites.content.models.review import ContentReviewTask
from tests.content.library_helpers import column, draft, member, site_workflow, two_step_workflow


@pytest.fixture
def newsroom(estate):
    site = estate.stats_site
    return {
        "site": site,
        "column": column(site, ColumnType.NEWS),
        "editor": member("stats_editor", site, SiteRole.EDITOR),
        "reviewer": member("stats_reviewer", site, SiteRole.REVIEWER),
        "secrecy": member("stats_secrecy", site, SiteRole.CONFIDENTIALITY_REVIEWER),
        "other_reviewer": member("water_reviewer", estate.city_portal, SiteRole.REVIEWER,
                                 SiteRole.CONFIDENTIALITY_REVIEWER),
        "workflow": site_workflow(site, two_step_workflow()).workflow,
    }


def decide(item, user, action="approve"):
    state = item.current_workflow_state
    task_state = state.current_task_state
    task = task_state.task.specific
    assert action in [a[0] for a in task.get_actions(item, user)], f"{user} may not {action}"
    task.on_action(task_state, user, action, comment="")
    item.refresh_from_db()


@pytest.mark.rule("CON-09")
def test_item_goes_live_only_after_both_named_reviews(newsroom):
    n = newsroom
    item = draft(n["site"], n["column"], n["editor"])
    assert item.get_workflow() == n["workflow"]
    n["workflow"].start(item, n["editor"])
    item.refresh_from_db()
    assert not item.live
    # reviewers of another site see nothing and can do nothing
    content_task = item.current_workflow_state.current_task_state.task.specific
    assert content_task.get_actions(item, n["other_reviewer"]) == []
    assert not content_task.get_task_states_user_can_moderate(n["other_reviewer"]).exists()
    assert content_task.get_task_states_user_can_moderate(n["reviewer"]).count() == 1
    # the confidentiality reviewer cannot do the content review
    assert content_task.get_actions(item, n["secrecy"]) == []
    decide(item, n["reviewer"])
    assert not item.live
    secrecy_task = item.current_workflow_state.current_task_state.task.specific
    assert secrecy_task.get_actions(item, n["reviewer"]) == []
    decide(item, n["secrecy"])
    assert item.live and item.current_workflow_state is None
    states = WorkflowState.objects.for_instance(item).get()
    assert states.status == WorkflowState.STATUS_APPROVED
    assert TaskState.objects.filter(workflow_state=states, status=TaskState.STATUS_APPROVED).count() == 2


@pytest.mark.rule("CON-09")
def test_rejection_sends_the_item_back_with_the_reviewers_decision(newsroom):
    n = newsroom
    item = draft(n["site"], n["column"], n["editor"])
    n["workflow"].start(item, n["editor"])
    decide(item, n["reviewer"], "reject")
    assert not item.live
    assert item.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES


@pytest.mark.rule("CON-09")
def test_a_column_can_name_its_own_reviewer(newsroom, estate):
    n = newsroom
    policies = column(n["site"], ColumnType.POLICIES)
    legal = member("stats_legal", n["site"], SiteRole.EDITOR)
    ColumnResponsibility.objects.create(column=policies, user=legal, role=SiteRole.REVIEWER)
    item = draft(n["site"], policies, n["editor"], kind="policy")
    n["workflow"].start(item, n["editor"])
    task = item.current_workflow_state.current_task_state.task.specific
    assert isinstance(task, ContentReviewTask)
    assert task.get_actions(item, n["reviewer"]) == []  # the column's named reviewer replaces the site's
    assert task.get_actions(item, legal)


def test_items_of_a_site_without_configured_workflow_use_the_model_default(estate):
    site = estate.city_portal
    item = draft(site, column(site, ColumnType.NEWS), member("portal_editor", site, SiteRole.EDITOR))
    assert Item.get_default_workflow() is None and item.get_workflow() is None
