"""Browser tests: headless Chromium (Playwright) against pytest-django's live server."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by fixtures
# there are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (scripts/system-deps.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, migration_rows):
    """A fresh browser page on the live server."""
    context = browser.new_context(
        locale="en-US", viewport={"width": 1440, "height": 1000}, base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    """``screenshot("registry-list")`` saves the page to docs/screenshots/registry-list.png when
    ``GOVSITES_SCREENSHOTS=1`` (refreshing the docs is a deliberate act, not a test side effect)."""

    def take(name, full_page=False):
        if os.environ.get("GOVSITES_SCREENSHOTS") != "1":
            return
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    return take


@pytest.fixture
def log_in(page):
    """``log_in("province_office")`` signs in through Wagtail's login form (factory password "x").

    The browser asks for English (``en-US``): the platform must still answer in Chinese."""

    def sign_in(username, password="x"):
        page.goto("/admin/login/")
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        assert "登录" in page.content()
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url("**/admin/")

    return sign_in
