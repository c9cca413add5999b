"""The content admin: editor home, library, columns, item forms and review through real views.

Every page is Chinese; an editor of one site never sees another site's drafts through any of
them (CON-01 tenancy), and each POST runs the same action the API and CLI use.
"""

import json
from types import SimpleNamespace

import pytest
from django.urls import reverse

from govsites.audit.models import AuditLogEntry
from govsites.content.columns import ColumnType
from govsites.content.models import InterpretationLink, Item, ItemKind, Placement, RepostDuty, SiteRole
from tests.content.library_helpers import column, draft, member, site_workflow, two_step_workflow
from tests.content.test_review import decide


def editor_state(*paragraphs: str) -> str:
    """What Draftail posts for plain paragraphs."""
    blocks = [
        {"key": f"b{n}", "type": "unstyled", "text": text, "depth": 0, "inlineStyleRanges": [], "entityRanges": []}
        for n, text in enumerate(paragraphs)
    ]
    return json.dumps({"blocks": blocks, "entityMap": {}})


POLICY = {
    "title": "澜川省人民政府关于促进民营经济发展的若干意见",
    "body": editor_state("为促进民营经济发展，现提出如下意见。"),
    "issuing_body": "澜川省人民政府",
    "document_number": "澜政发〔2026〕3号",
    "written_on": "2026-02-20",
    "subject": "02.01",
    "validity": "valid",
    "org_code": "000014349",
}


@pytest.fixture
def desk(estate, clock, profile):
    profile("shanxi")
    a, b = estate.province_portal, estate.city_portal
    workflow = two_step_workflow()
    site_workflow(a, workflow)
    site_workflow(b, workflow)
    return SimpleNamespace(
        a=a, b=b,
        policies_a=column(a, ColumnType.POLICIES),
        interpretations_a=column(a, ColumnType.INTERPRETATIONS),
        news_b=column(b, ColumnType.NEWS),
        editor_a=member("editor_a", a, SiteRole.EDITOR),
        reviewer_a=member("reviewer_a", a, SiteRole.REVIEWER),
        secrecy_a=member("secrecy_a", a, SiteRole.CONFIDENTIALITY_REVIEWER),
        admin_a=member("admin_a", a, SiteRole.SITE_ADMIN),
        editor_b=member("editor_b", b, SiteRole.EDITOR),
        supervisor=estate.province_office,
    )


def text_of(response) -> str:
    """The page's text; a chooser modal answers JSON with its HTML inside."""
    if response["Content-Type"].startswith("application/json"):
        data = response.json()
        return data.get("html", "") + json.dumps(data.get("result", {}), ensure_ascii=False)
    return response.content.decode()


def login(client, user):
    client.force_login(user)
    return client


def test_editor_home_lists_drafts_reviews_queue_and_rejections(client, desk):
    mine = draft(desk.a, desk.policies_a, desk.editor_a, title="我的草稿标题")
    login(client, desk.editor_a)
    page = client.get(reverse("content:home"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "我的草稿标题" in text and "待我审核" in text and "待转载" in text and "退回修改" in text
    assert mine.title in text


def test_create_policy_through_the_form_allocates_index_and_audits(client, desk):
    login(client, desk.editor_a)
    url = reverse("content:create", args=[desk.policies_a.pk, ItemKind.POLICY])
    assert client.get(url).status_code == 200
    response = client.post(url, POLICY)
    assert response.status_code == 302
    item = Item.objects.get(title=POLICY["title"])
    assert item.index_number.startswith("000014349/2026-")
    assert AuditLogEntry.objects.filter(action="content.item.create", object_id=str(item.pk)).exists()
    detail = client.get(reverse("content:item", args=[item.pk]))
    assert detail.status_code == 200 and "澜政发〔2026〕3号" in detail.content.decode()


@pytest.mark.rule("CON-10")
def test_form_errors_are_chinese_and_nothing_is_saved(client, desk):
    login(client, desk.editor_a)
    url = reverse("content:create", args=[desk.policies_a.pk, ItemKind.POLICY])
    before = Item.objects.count()
    response = client.post(url, {**POLICY, "document_number": "澜政发2026-3", "body": "<script>alert(1)</script>"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "发文字号" in text and "保存失败" in text and "正文内容无法识别" in text
    assert "Traceback" not in text
    assert Item.objects.count() == before


def test_editor_text_is_stored_as_escaped_rich_text(client, desk):
    login(client, desk.editor_a)
    url = reverse("content:create", args=[desk.policies_a.pk, ItemKind.ARTICLE])
    response = client.post(url, {"title": "新闻", "body": editor_state('正文<script>alert(1)</script>')})
    assert response.status_code == 302
    body = Item.objects.get(title="新闻").body
    assert "<script>" not in body and "&lt;script&gt;" in body and "正文" in body


def test_other_sites_drafts_are_invisible_everywhere(client, desk):
    secret = draft(desk.b, desk.news_b, desk.editor_b, title="市里的未发布草稿")
    public = draft(desk.b, desk.news_b, desk.editor_b, title="市里已发布的新闻")
    Item.objects.filter(pk=public.pk).update(live=True)
    login(client, desk.editor_a)
    for url in (reverse("content:item", args=[secret.pk]), reverse("content:edit", args=[secret.pk])):
        assert client.get(url).status_code == 404
    assert client.post(reverse("content:operation", args=[secret.pk, "submit"])).status_code == 404
    listings = [
        reverse("content:library"),
        reverse("content:library") + f"?site={desk.b.pk}&q=草稿",
        reverse("content:library") + "?status=draft",
        reverse("content:column", args=[desk.news_b.pk]),
        reverse("content:home"),
        reverse("item_chooser:choose"),
        reverse("item_chooser:choose_results") + "?q=市里",
    ]
    for url in listings:
        page = client.get(url)
        assert page.status_code == 200, url
        assert "市里的未发布草稿" not in text_of(page), url
    assert "市里已发布的新闻" in text_of(client.get(reverse("item_chooser:choose_results") + "?q=市里"))
    assert "市里已发布的新闻" in client.get(reverse("content:library") + f"?site={desk.b.pk}").content.decode()
    assert client.get(reverse("item_chooser:chosen", args=[secret.pk])).status_code == 404
    # creating into the other site's column is refused
    response = client.post(reverse("content:create", args=[desk.news_b.pk, ItemKind.ARTICLE]), {"title": "越权"})
    assert response.status_code == 403 and not Item.objects.filter(title="越权").exists()


def test_supervisor_reads_the_whole_library(client, desk):
    secret = draft(desk.b, desk.news_b, desk.editor_b, title="市里的未发布草稿")
    login(client, desk.supervisor)
    assert client.get(reverse("content:item", args=[secret.pk])).status_code == 200
    assert "市里的未发布草稿" in client.get(reverse("content:library") + "?status=draft").content.decode()


@pytest.mark.rule("CON-09")
def test_review_through_the_detail_page(client, desk):
    item = draft(desk.a, desk.policies_a, desk.editor_a, title="全省通知", kind=ItemKind.ARTICLE)
    login(client, desk.editor_a)
    client.post(reverse("content:operation", args=[item.pk, "submit"]))
    login(client, desk.reviewer_a)
    assert "全省通知" in client.get(reverse("content:home")).content.decode()
    # reject without a comment: refused with a Chinese message, nothing decided
    client.post(reverse("content:operation", args=[item.pk, "reject"]), {"comment": ""})
    item.refresh_from_db()
    assert item.current_workflow_task_state.status == "in_progress"
    client.post(reverse("content:operation", args=[item.pk, "approve"]), {"comment": "同意"})
    login(client, desk.secrecy_a)
    client.post(reverse("content:operation", args=[item.pk, "reject"]), {"comment": "第二段涉及内部信息，请删除"})
    login(client, desk.editor_a)
    home = client.get(reverse("content:home")).content.decode()
    assert "第二段涉及内部信息" in home
    item.refresh_from_db()
    assert not item.live


def test_repost_from_the_queue_shows_the_source(client, desk, estate):
    item = draft(desk.a, desk.policies_a, desk.editor_a, title="重要政策", kind=ItemKind.ARTICLE,
                 is_important_policy=True)
    desk.a.workflow = None
    from wagtail.models import Workflow

    Workflow.objects.get(name="内容审核+保密审查").start(item, desk.editor_a)
    item.refresh_from_db()
    decide(item, desk.reviewer_a)
    decide(item, desk.secrecy_a)
    assert RepostDuty.objects.filter(item=item, site=desk.b).exists()
    login(client, desk.editor_b)
    home = client.get(reverse("content:home")).content.decode()
    assert "重要政策" in home and "剩余" in home
    form = client.get(reverse("content:repost", args=[item.pk]) + f"?site={desk.b.pk}")
    assert form.status_code == 200
    response = client.post(reverse("content:repost", args=[item.pk]), {"site": desk.b.pk, "column": desk.news_b.pk})
    assert response.status_code == 302
    placement = Placement.objects.get(item=item, site=desk.b)
    assert placement.is_repost
    detail = client.get(reverse("content:item", args=[item.pk])).content.decode()
    assert desk.a.name in detail and placement.source_url in detail


def test_interpretation_links_to_a_chosen_policy(client, desk):
    policy = draft(desk.a, desk.policies_a, desk.editor_a, title="被解读的政策", kind=ItemKind.POLICY)
    login(client, desk.editor_a)
    url = reverse("content:create", args=[desk.interpretations_a.pk, ItemKind.INTERPRETATION])
    assert "选择政策文件" in client.get(url).content.decode()
    response = client.post(url, {"title": "一图读懂", "interpretation_form": "graphic", "policies": policy.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    interpretation = Item.objects.get(title="一图读懂")
    assert InterpretationLink.objects.filter(policy=policy, interpretation=interpretation).exists()
    chooser = client.get(reverse("item_chooser:choose") + "?kind=policy")
    assert chooser.status_code == 200 and "被解读的政策" in text_of(chooser)
    assert "一图读懂" not in text_of(chooser)


@pytest.mark.rule("CON-03")
def test_supervisor_sees_late_and_missing_reposts_per_site(client, desk, clock, estate):
    import datetime as dt

    from govsites import clock as govclock

    item = draft(desk.a, desk.policies_a, desk.editor_a, title="须转载的重要政策", kind=ItemKind.ARTICLE,
                 is_important_policy=True)
    from wagtail.models import Workflow

    Workflow.objects.get(name="内容审核+保密审查").start(item, desk.editor_a)
    item.refresh_from_db()
    decide(item, desk.reviewer_a)
    decide(item, desk.secrecy_a)
    clock.set(govclock.now() + dt.timedelta(hours=13))  # past Shanxi's 12 hours
    login(client, estate.city_office)
    page = client.get(reverse("content:repost_report")).content.decode()
    assert desk.b.name in page and "未转载：须转载的重要政策" in page
    login(client, desk.editor_a)
    assert client.get(reverse("content:repost_report")).status_code == 403


def test_dashboard_shows_the_content_summary_to_a_reviewer_with_work(client, desk):
    item = draft(desk.a, desk.policies_a, desk.editor_a, title="待审的通知", kind=ItemKind.ARTICLE)
    login(client, desk.editor_a)
    client.post(reverse("content:operation", args=[item.pk, "submit"]))
    login(client, desk.reviewer_a)
    page = client.get(reverse("wagtailadmin_home"))
    assert page.status_code == 200
    assert "content-summary-title" in page.content.decode()
    login(client, desk.editor_a)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
