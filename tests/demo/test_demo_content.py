"""The demo library: every demo login finds work waiting, made through the real actions."""

from io import StringIO

import pytest
from django.core.management import call_command

from govsites.content import listing
from govsites.content.models import InterpretationLink, Item, RepostDuty, SiteWorkflow
from govsites.content.sites import ensure_all
from govsites.demo import accounts, estate


@pytest.fixture
def played(demo, db, settings):
    settings.GOVSITES_POLICY_PROFILE = "shanxi"
    ensure_all()
    call_command("demo_accounts", stdout=StringIO())
    out = StringIO()
    call_command("demo_content", stdout=out)
    return out.getvalue()


def test_every_demo_login_has_work_waiting(played):
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="demo-")}
    root = estate.demo_root()
    portal = accounts.portal_of("province", root)
    policy = Item.objects.get(owning_site=portal, kind="policy", created_by=users["demo-editor"])
    assert policy.live and policy.index_number
    assert InterpretationLink.objects.filter(policy=policy, interpretation__live=True).exists()
    assert listing.my_drafts(users["demo-editor"])
    assert [item.title for item, _ in listing.rejected_to_me(users["demo-editor"])] == ["全省数字政府建设现场会在青岚召开"]
    assert [item.title for item, _ in listing.awaiting_my_review(users["demo-reviewer"])] == [
        "关于开展2026年度政府网站年度报表填报工作的通知"]
    city_queue = listing.repost_queue(users["demo-city-editor"])
    assert [q.duty.item for q in city_queue] == [policy] and not city_queue[0].late
    assert RepostDuty.objects.filter(item=policy).count() > 1
    # every hosted site with a tree can submit for review
    assert SiteWorkflow.objects.count() >= Item.objects.values("owning_site").distinct().count()


def test_running_again_changes_nothing(played):
    items = Item.objects.count()
    out = StringIO()
    call_command("demo_content", stdout=out)
    assert Item.objects.count() == items and "新建演示信息 0 条" in out.getvalue()
