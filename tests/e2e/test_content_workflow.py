"""An important policy and its interpretation, from the editor's form to a subordinate site's
repost, in a real browser: write both (the interpretation linked through the chooser modal),
content review and confidentiality review by their named people, both published and linked to
each other, then the city portal reposts from its queue and the source is shown."""

import re

import pytest
from playwright.sync_api import expect

from govsites.content.columns import ColumnType
from govsites.content.models import InterpretationLink, Item, Placement, RepostDuty, SiteRole
from tests.content.library_helpers import column, member, site_workflow, two_step_workflow
from tests.factories import build_estate

pytestmark = pytest.mark.e2e

POLICY_TITLE = "澜川省人民政府关于进一步优化营商环境的若干措施"
INTERPRETATION_TITLE = "《关于进一步优化营商环境的若干措施》政策解读"


@pytest.fixture
def newsroom(migration_rows, settings):
    settings.GOVSITES_POLICY_PROFILE = "shanxi"  # a major policy is blocked without its interpretation
    estate = build_estate()
    portal, city = estate.province_portal, estate.city_portal
    workflow = two_step_workflow()
    for site in (portal, city):
        site_workflow(site, workflow)
    member("sheng_bianji", portal, SiteRole.EDITOR)
    member("sheng_shenhe", portal, SiteRole.REVIEWER)
    member("sheng_baomi", portal, SiteRole.CONFIDENTIALITY_REVIEWER)
    member("shi_bianji", city, SiteRole.EDITOR)
    return {
        "portal": portal, "city": city,
        "policies": column(portal, ColumnType.POLICIES),
        "interpretations": column(portal, ColumnType.INTERPRETATIONS),
        "city_policies": column(city, ColumnType.POLICIES),
    }


def write_body(page, text):
    editor = page.locator(".Draftail-Editor [contenteditable=true]").first
    editor.click()
    page.keyboard.type(text)


def open_new_form(page, column_title, kind_label):
    page.goto("/admin/content/new/")
    row = page.locator("tr").filter(has=page.locator("td.title a", has_text=re.compile(f"^{column_title}$")))
    row.locator("td.gs-actions").get_by_role("link", name=kind_label, exact=True).click()
    expect(page.locator("#header-title")).to_contain_text(f"新建{kind_label}")


def log_out(page):
    page.context.clear_cookies()


def review(page, log_in, username, title, *, comment):
    log_in(username)
    page.goto("/admin/content/")
    page.locator("#reviews").get_by_role("link", name=title).click()
    page.locator("#review-form textarea").fill(comment)
    page.locator("#review-form").get_by_role("button", name="通过").click()
    expect(page.locator(".messages")).to_contain_text("已审核通过")
    log_out(page)


def test_policy_and_interpretation_through_both_reviews_and_a_repost(page, log_in, newsroom, screenshot):
    # The portal's editor writes the policy: disclosure metadata, important and major.
    log_in("sheng_bianji")
    open_new_form(page, "政策文件", "政策文件")
    page.fill("#id_title", POLICY_TITLE)
    write_body(page, "各市人民政府，省政府各部门：为进一步优化营商环境，现提出如下措施。")
    page.fill("#id_issuing_body", "澜川省人民政府")
    page.fill("#id_document_number", "澜政发〔2026〕8号")
    page.fill("#id_written_on", "2026-02-26")
    page.select_option("#id_subject", "02.01")
    page.fill("#id_org_code", "000014349")
    page.check("#id_is_important_policy")
    page.check("#id_is_major_policy")
    screenshot("content-policy-form", full_page=True)
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages")).to_contain_text("已保存草稿")
    expect(page.locator("#status")).to_contain_text("000014349/2026-00001")  # index number allocated
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".messages")).to_contain_text("已提交审核")

    # ...and its interpretation, linked to the policy through the chooser modal.
    open_new_form(page, "政策解读", "政策解读")
    page.fill("#id_title", INTERPRETATION_TITLE)
    write_body(page, "一、出台背景。二、主要内容。三、适用对象。")
    page.select_option("#id_interpretation_form", "text")
    page.get_by_role("button", name="选择政策文件").click()
    modal = page.locator(".modal-content")
    expect(modal).to_contain_text(POLICY_TITLE)
    modal.get_by_role("link", name=POLICY_TITLE).click()
    expect(modal).to_be_hidden()
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#policies")).to_contain_text(POLICY_TITLE)
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".messages")).to_contain_text("已提交审核")
    log_out(page)

    # Content review, then confidentiality review, each by the site's named person. The
    # interpretation goes first: Shanxi blocks a major policy without a published interpretation.
    review(page, log_in, "sheng_shenhe", INTERPRETATION_TITLE, comment="解读准确")
    review(page, log_in, "sheng_baomi", INTERPRETATION_TITLE, comment="不涉密")
    review(page, log_in, "sheng_shenhe", POLICY_TITLE, comment="同意发布")
    log_in("sheng_baomi")
    page.goto("/admin/content/")
    page.locator("#reviews").get_by_role("link", name=POLICY_TITLE).click()
    page.locator("#review-form textarea").fill("不涉密，同意发布")
    screenshot("content-review", full_page=True)
    page.locator("#review-form").get_by_role("button", name="通过").click()
    expect(page.locator(".messages")).to_contain_text("已审核通过")
    expect(page.locator("#status")).to_contain_text("已发布")
    expect(page.locator("#interpretations")).to_contain_text(INTERPRETATION_TITLE)
    log_out(page)

    policy = Item.objects.get(title=POLICY_TITLE)
    interpretation = Item.objects.get(title=INTERPRETATION_TITLE)
    assert policy.live and interpretation.live
    assert InterpretationLink.objects.filter(policy=policy, interpretation=interpretation).exists()

    # The city portal must repost the important policy: it is in its queue with a countdown.
    assert RepostDuty.objects.filter(item=policy, site=newsroom["city"], fulfilled_at__isnull=True).exists()
    log_in("shi_bianji")
    page.goto("/admin/content/")
    queued = page.locator("#queue tr", has_text=POLICY_TITLE)
    expect(queued).to_contain_text("剩余")
    screenshot("content-home")
    queued.get_by_role("link", name="转载").click()
    page.select_option("#id_column", str(newsroom["city_policies"].pk))
    page.get_by_role("button", name="转载").click()
    expect(page.locator(".messages")).to_contain_text("已转载到")
    row = page.locator("tr", has_text=POLICY_TITLE)
    expect(row).to_contain_text(f"转载自{newsroom['portal'].name}")
    page.get_by_role("link", name=POLICY_TITLE).click()
    placements = page.locator("#placements")
    expect(placements).to_contain_text(f"来源：{newsroom['portal'].name}")
    placement = Placement.objects.get(item=policy, site=newsroom["city"])
    assert placement.is_repost and placement.source_name == newsroom["portal"].name
    expect(placements.get_by_role("link", name=newsroom["portal"].name)).to_have_attribute("href", placement.source_url)
    assert page.locator("#queue").count() == 0 or POLICY_TITLE not in page.locator("#queue").inner_text()
