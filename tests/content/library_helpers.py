"""Library fixtures: site trees, memberships and a two-step review workflow."""

from wagtail.models import Workflow, WorkflowTask

from govsites.accounts.models import User
from govsites.content.models import (
    ColumnPage,
    ConfidentialityReviewTask,
    ContentReviewTask,
    Item,
    Placement,
    SiteMembership,
    SiteWorkflow,
)
from govsites.content.sites import ensure_site_tree


def member(username, site, *roles) -> User:
    user = User.objects.filter(username=username).first() or User.objects.create_user(username=username, password="x")
    for role in roles:
        SiteMembership.objects.get_or_create(user=user, site=site, role=role)
    return user


def two_step_workflow(name="内容审核+保密审查") -> Workflow:
    workflow = Workflow.objects.create(name=name, active=True)
    content = ContentReviewTask.objects.create(name=f"{name}·内容审核")
    secrecy = ConfidentialityReviewTask.objects.create(name=f"{name}·保密审查")
    WorkflowTask.objects.create(workflow=workflow, task=content, sort_order=0)
    WorkflowTask.objects.create(workflow=workflow, task=secrecy, sort_order=1)
    return workflow


def column(site, column_type):
    home = ensure_site_tree(site)
    return ColumnPage.objects.child_of(home).get(column_type=column_type)


def draft(site, col, user, **fields) -> Item:
    item = Item(owning_site=site, title=fields.pop("title", "关于做好春季防汛工作的通知"), live=False,
                body=fields.pop("body", "<p>各县（区）人民政府：现就做好防汛工作通知如下。</p>"), created_by=user,
                **fields)
    item.save()
    item.save_revision(user=user)
    Placement.objects.create(item=item, column=col, site=site, placed_by=user)
    return item


def site_workflow(site, workflow, col=None):
    return SiteWorkflow.objects.create(site=site, column=col, workflow=workflow)
