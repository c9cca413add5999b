"""A supervisor's day in the registry admin, in a real browser: list, filter, site page, inbox."""

import pytest
from playwright.sync_api import expect

from govsites.registry.models import ApplicationStatus, SiteStatus, StepStatus
from tests.e2e.estate import lifecycle_estate

pytestmark = pytest.mark.e2e


@pytest.fixture
def estate(migration_rows):
    return lifecycle_estate()


def test_supervisor_works_through_the_registry(page, log_in, estate, screenshot):
    log_in("province_office")
    expect(page.locator("#registry-summary-section")).to_contain_text("我的待审批（1）")

    # 网站列表: every lifecycle state, in Chinese, with coloured tags.
    page.get_by_role("button", name="网站注册管理").click()
    page.get_by_role("link", name="网站列表").click()
    expect(page.locator("h1")).to_contain_text("网站列表")
    rows = page.locator("#listing-results tbody tr")
    expect(rows).to_have_count(11)
    for status in SiteStatus:
        expect(page.locator(f"#listing-results .gs-status--{status.value}").first).to_have_text(str(status.label))
    screenshot("registry-list")

    # Filter by status through Wagtail's filter drawer (results swap in place).
    page.get_by_role("button", name="显示过滤器").click()
    page.locator("button[aria-controls='drilldown-id_status']").click()
    page.locator("#drilldown-id_status label", has_text="临时下线").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("青岚市统计局网站")
    expect(page).to_have_url(f"{page.url.split('?')[0]}?status=temporarily_offline")

    # 网站详情 with its timeline.
    page.keyboard.press("Escape")
    page.get_by_role("link", name="青岚市统计局网站").click()
    expect(page.locator("#timeline-section")).to_contain_text("网站状态变更")
    expect(page.locator("#timeline-section")).to_contain_text("审批同意")
    expect(page.locator("#timeline-section .gs-changes").first).to_contain_text("临时下线")
    expect(page.get_by_role("button", name="恢复上线")).to_be_visible()
    screenshot("site-page")

    # 我的审批: approve the water bureau's application.
    page.goto("/admin/registry/inbox/")
    decision = page.locator("tr", has_text="开设网站：青岚市水利局网站")
    expect(decision).to_have_count(1)
    decision.locator("textarea").fill("同意开设")
    screenshot("inbox")
    decision.get_by_role("button", name="同意").click()
    expect(page.locator(".messages")).to_contain_text("已同意：开设网站：青岚市水利局网站")
    expect(page.locator("main")).to_contain_text("暂无待您审批的事项。")

    estate.water_open.refresh_from_db()
    assert estate.water_open.status == ApplicationStatus.APPROVED
    assert estate.water_open.steps.get(position=2).status == StepStatus.APPROVED
    assert estate.water_open.site.status == SiteStatus.APPROVED
