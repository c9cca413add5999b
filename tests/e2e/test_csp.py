"""The admin under its Content-Security-Policy, in a real browser: the main pages load without a
single CSP violation (no inline script, no inline style, nothing from elsewhere) and still work —
the rich-text editor takes typing, choosers open, the date pickers initialise."""

import re

import pytest
from playwright.sync_api import expect

from govsites.content.columns import ColumnType
from govsites.content.models import Item, SiteRole
from govsites.media.models import SiteImage
from tests.content.library_helpers import column, draft, member
from tests.e2e.estate import lifecycle_estate
from tests.media import helpers as media

pytestmark = pytest.mark.e2e

#: listens before any page script runs; survives nothing, so it is read after every page
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def desk(migration_rows):
    estate = lifecycle_estate()
    site = estate.stats_site
    editor = media.admin_user(member("csp_editor", site, SiteRole.EDITOR, SiteRole.SITE_ADMIN))
    col = column(site, ColumnType.POLICIES)  # its form has date fields too
    item = draft(site, col, editor, title="关于做好春季防汛工作的通知")
    media.image(site, user=editor)
    return {"estate": estate, "site": site, "column": col, "item": item, "editor": editor}


@pytest.fixture
def csp_watch(page):
    """Every CSP violation the browser reports, from the DOM event and from the console."""
    found = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda msg: found.append(f"console: {msg.text}")
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text else None)

    def check(where):
        try:
            found.extend(f"{where}: {v}" for v in page.evaluate("window.__cspViolations || []"))
        except Exception:  # noqa: S110 - a page mid-navigation has no window to read; the console still reports
            pass
        assert not found, "\n".join(found)

    return check


def visit(page, check, url, *, heading=None):
    response = page.goto(url)
    assert response.status == 200, url
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    if heading:
        expect(page.locator("h1").first).to_contain_text(heading)
    check(url)


def test_registry_and_publishing_pages_load_without_csp_violations(page, log_in, desk, csp_watch):
    log_in("province_office")
    csp_watch("/admin/")
    expect(page.locator("#registry-summary-section")).to_be_visible()
    site = desk["site"]
    for url, heading in [
        ("/admin/registry/sites/", "网站列表"),
        (f"/admin/registry/sites/{site.pk}/", site.name),
        ("/admin/registry/inbox/", None),
        ("/admin/registry/applications/", None),
        ("/admin/registry/institutions/", None),
        ("/admin/registry/estate/", None),
        ("/admin/publishing/", None),
        (f"/admin/publishing/site/{site.pk}/", None),
    ]:
        visit(page, csp_watch, url, heading=heading)
    # the filter drawer (a Wagtail Stimulus component) still works
    page.goto("/admin/registry/sites/")
    page.get_by_role("button", name="显示过滤器").click()
    page.locator("button[aria-controls='drilldown-id_status']").click()
    page.locator("#drilldown-id_status label", has_text="临时下线").click()
    expect(page.locator("#listing-results tbody tr")).to_have_count(1)
    csp_watch("registry filters")


def test_the_editors_pages_and_rich_text_work_under_the_policy(page, log_in, desk, csp_watch):
    log_in("csp_editor")
    csp_watch("/admin/")
    item = desk["item"]
    for url in ["/admin/content/", "/admin/content/library/", "/admin/content/new/", "/admin/images/",
                "/admin/documents/", "/admin/pages/", f"/admin/content/items/{item.pk}/"]:
        visit(page, csp_watch, url)

    # the item's edit form: Draftail takes typing, the image chooser opens in its modal
    visit(page, csp_watch, f"/admin/content/items/{item.pk}/edit/")
    body = page.locator(".Draftail-Editor [contenteditable=true]").first
    body.click()
    page.keyboard.press("End")
    page.keyboard.type("特此通知。")
    expect(body).to_contain_text("特此通知。")
    page.keyboard.press("Control+b")
    page.keyboard.type("加粗")
    csp_watch("rich text typing")
    # the image chooser, from Draftail's "/" command menu, opens in its modal
    page.keyboard.press("Enter")
    page.keyboard.type("/")
    page.locator(".w-combobox__option", has_text="图片").click()
    modal = page.locator(".modal-content")
    expect(modal.locator("a", has_text="春季防汛演练现场").first).to_be_visible()
    csp_watch("image chooser")
    modal.locator("button.close, [data-dismiss=modal]").first.click()
    expect(modal).to_be_hidden()

    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages")).to_contain_text("已保存")
    csp_watch("save draft")
    latest = Item.objects.get(pk=item.pk).get_latest_revision_as_object()
    assert "特此通知。" in latest.body and re.search(r"<b>加粗</b>|<strong>加粗</strong>", latest.body)
    assert SiteImage.objects.count() == 1


def test_wagtail_widgets_set_up_without_inline_scripts(page, log_in, desk, csp_watch, django_user_model):
    """Wagtail's date pickers and inline panels, set up by govsites/csp-init.js from data."""
    from wagtail.models import Task, Workflow, WorkflowTask

    workflow = Workflow.objects.create(name="安全测试流程", active=True)
    WorkflowTask.objects.create(workflow=workflow, task=Task.objects.create(name="初审"), sort_order=0)
    django_user_model.objects.create_superuser("csp_admin", password="x")
    log_in("csp_admin")

    visit(page, csp_watch, "/admin/reports/site-history/")
    page.get_by_role("button", name=re.compile("过滤|Filter")).first.click()
    page.locator("button[aria-controls='drilldown-id_timestamp']").click()
    date = page.locator("input[name=timestamp_from]")
    date.click()
    expect(page.locator(".xdsoft_datetimepicker").filter(has=page.locator(".xdsoft_calendar")).first).to_be_visible()
    csp_watch("date picker")

    visit(page, csp_watch, f"/admin/workflows/edit/{workflow.pk}/")
    # the inline panel adds a task form, whose task chooser (set up from data) opens its modal
    choosers = page.locator(".task-chooser")
    before = choosers.count()
    page.locator("button[id$='-ADD']").first.click()
    expect(choosers).to_have_count(before + 1)
    choosers.last.locator("button:visible").first.click()
    expect(page.locator(".modal-content")).to_be_visible()
    csp_watch("inline panel")


def test_api_docs_and_wagtail_admin_pages_as_system_administrator(page, log_in, desk, csp_watch, django_user_model):
    django_user_model.objects.create_superuser("csp_admin", password="x")
    log_in("csp_admin")
    for url in ["/admin/pages/", "/admin/users/", "/admin/groups/", "/admin/workflows/list/",
                "/admin/reports/site-history/", "/api/v1/docs"]:
        visit(page, csp_watch, url)
    expect(page.locator("#swagger-ui")).to_contain_text("/api/v1/", timeout=15_000)
    csp_watch("swagger ui")
