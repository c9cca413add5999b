"""The demo's library: review workflows for every site and a morning's work on the province
portal, played through the real content actions by the demo accounts themselves.

After it, each demo login has something to do: the reviewers have items waiting, the editor has
a draft and an item sent back, and the capital's editor has the province's important policy in
the repost queue with its countdown running.
"""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Workflow, WorkflowTask

from govsites.audit.context import Actor
from govsites.content import actions
from govsites.content.columns import ColumnType
from govsites.content.disclosure import org_codes
from govsites.content.models import (
    ColumnPage,
    ConfidentialityReviewTask,
    ContentReviewTask,
    Item,
    ItemKind,
    SiteHomePage,
    SiteWorkflow,
)
from govsites.registry.models import Site

from .accounts import portal_of
from .estate import DemoError, demo_root

WORKFLOW_NAME = "内容审核+保密审查"
# A fictional organisation code of the province's general office (valid check character).
ORG_CODE = "99000001" + org_codes.org_code_check_char("99000001")


def estate_workflow() -> Workflow:
    """The two-step review every demo site uses (CON-09)."""
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
        content = ContentReviewTask.objects.create(name="内容审核")
        secrecy = ConfidentialityReviewTask.objects.create(name="保密审查")
        WorkflowTask.objects.create(workflow=workflow, task=content, sort_order=0)
        WorkflowTask.objects.create(workflow=workflow, task=secrecy, sort_order=1)
    return workflow


def assign_workflows(workflow: Workflow) -> int:
    configured = set(SiteWorkflow.objects.filter(column__isnull=True).values_list("site_id", flat=True))
    missing = [
        SiteWorkflow(site_id=site_id, workflow=workflow)
        for site_id in SiteHomePage.objects.values_list("registry_site_id", flat=True)
        if site_id not in configured
    ]
    SiteWorkflow.objects.bulk_create(missing)
    return len(missing)


def _people():
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="demo-")}
    needed = ("demo-editor", "demo-reviewer", "demo-secrecy")
    if any(name not in users for name in needed):
        raise DemoError("请先运行 demo_accounts 创建演示账号。")
    return {name: Actor.cli(users[name]) for name in needed}


def _column(site: Site, column_type: str) -> ColumnPage:
    home = SiteHomePage.objects.get(registry_site=site)
    return ColumnPage.objects.child_of(home).get(column_type=column_type)


def _approve(item: Item, *people: Actor) -> Item:
    for person in people:
        item = actions.DecideReview(person, item, True, "同意").execute()
    return item


def play() -> dict:
    """Run once: returns what was made (nothing if the portal already has demo items)."""
    root = demo_root()
    if root is None:
        raise DemoError("尚未生成演示网站群，请先运行 demo_estate。")
    workflow = estate_workflow()
    assigned = assign_workflows(workflow)
    portal = portal_of("province", root)
    if Item.objects.filter(owning_site=portal).exists():
        return {"workflows": assigned, "items": 0}
    people = _people()
    editor, reviewer, secrecy = people["demo-editor"], people["demo-reviewer"], people["demo-secrecy"]
    policies, interpretations = _column(portal, ColumnType.POLICIES), _column(portal, ColumnType.INTERPRETATIONS)
    news, notices = _column(portal, ColumnType.NEWS), _column(portal, ColumnType.NOTICES)
    abbreviation = root.abbreviation or "澜"
    with transaction.atomic():
        policy = actions.CreateItem(editor, portal, policies, {
            "kind": ItemKind.POLICY, "title": f"{root.name}关于进一步优化营商环境的若干措施",
            "body": "<p>各市人民政府，省政府各部门：</p><p>为进一步优化营商环境，激发市场主体活力，现提出如下措施。</p>",
            "issuing_body": root.name, "document_number": f"{abbreviation}政发〔2026〕8号",
            "written_on": "2026-02-26", "subject": "02.01", "org_code": ORG_CODE,
            "is_important_policy": True, "is_major_policy": True,
        }).execute()
        interpretation = actions.CreateItem(editor, portal, interpretations, {
            "kind": ItemKind.INTERPRETATION, "title": "《关于进一步优化营商环境的若干措施》政策解读",
            "body": "<h2>一、出台背景</h2><p>……</p><h2>二、主要内容</h2><p>……</p>",
            "interpretation_form": "text", "policies": [policy.pk],
        }).execute()
        article = actions.CreateItem(editor, portal, news, {
            "title": "省政府召开全省政务公开工作推进会", "body": "<p>会议总结了去年政务公开工作，部署了今年重点任务。</p>",
        }).execute()
        waiting = actions.CreateItem(editor, portal, notices, {
            "title": "关于开展2026年度政府网站年度报表填报工作的通知", "body": "<p>请各单位按时填报。</p>",
        }).execute()
        sent_back = actions.CreateItem(editor, portal, news, {
            "title": "全省数字政府建设现场会在青岚召开", "body": "<p>现场会参观了一体化政务服务平台。</p>",
        }).execute()
        actions.CreateItem(editor, portal, notices, {
            "title": "关于征集政府网站优秀栏目案例的通知（草稿）", "body": "<p>待补充。</p>",
        }).execute()
        for item in (interpretation, policy, article, waiting, sent_back):
            actions.SubmitItem(editor, item).execute()
        _approve(interpretation, reviewer, secrecy)
        _approve(policy, reviewer, secrecy)
        _approve(article, reviewer, secrecy)
        actions.DecideReview(reviewer, sent_back, False, "请补充会议时间和参会单位。").execute()
    return {"workflows": assigned, "items": 6}
