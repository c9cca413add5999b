"""The published front in a real browser: the sample site's static files, served by a plain file
server (no application code, like the fronts), checked with axe-core at phone and desktop widths,
for horizontal overflow, keyboard use and the care mode (关怀模式)."""

import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from govsites.publishing import samples

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
AXE = Path(__file__).resolve().parent / "node" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}
# variant of samples.sample_pages() → screenshot name
PAGES = {"home": "home", "column": "column", "article": "article", "policy": "policy",
         "archived-item": "archived", "archived-column": "archived-column"}
CARE_KEY = "govsites-care-mode"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def front_url(tmp_path_factory):
    """The sample site written to a folder and served at ``http://127.0.0.1:<port>/<site key>/``,
    under a path prefix like the built-in front server's, which relative links must survive."""
    root = tmp_path_factory.mktemp("front")
    folder = samples.write_sample_site(root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{folder.name}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def open_page(browser, front_url):
    """``open_page("article", "phone")`` opens a sample page in a fresh browser context."""
    contexts = []

    def open_(variant, viewport="desktop", javascript=True):
        context = browser.new_context(
            viewport=VIEWPORTS[viewport], locale="zh-CN", device_scale_factor=1,
            is_mobile=viewport == "phone", has_touch=viewport == "phone", java_script_enabled=javascript,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.goto(front_url + url_of(variant))
        page.js_errors = errors
        return page

    yield open_
    for context in contexts:
        context.close()


def url_of(variant):
    path = samples.sample_page(variant).path
    return path[: -len("index.html")] if path.endswith("index.html") else path


def save_screenshot(page, name, full_page=False):
    """docs/screenshots/front-<name>.png when ``GOVSITES_SCREENSHOTS=1`` (see tests/e2e/conftest.py)."""
    if os.environ.get("GOVSITES_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"front-{name}.png"), full_page=full_page)


def axe_violations(page):
    """axe-core's WCAG 2.1 A/AA violations; a missing axe-core fails the test (never skips it)."""
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing ({AXE}): run scripts/node-deps.sh")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary)})))""",
        AXE_TAGS,
    )


def serious(violations):
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def overflow(page):
    """How many CSS pixels the page is wider than the viewport (0: no horizontal scrolling)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def body_font(page):
    return page.evaluate("""() => {
        const style = getComputedStyle(document.body);
        return [parseFloat(style.fontSize), parseFloat(style.lineHeight)];
    }""")


@pytest.mark.rule("PUB-02")
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("variant", PAGES)
def test_pages_pass_axe(open_page, variant, viewport):
    page = open_page(variant, viewport)
    assert page.locator("#care-toggle").is_visible()
    save_screenshot(page, f"{PAGES[variant]}-{viewport}", full_page=variant == "home" and viewport == "desktop")
    violations = axe_violations(page)
    assert not serious(violations), "axe-core (WCAG 2.1 A/AA):\n" + "\n".join(
        f"[{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations)
    assert not page.js_errors


@pytest.mark.rule("PUB-02")
def test_care_mode_passes_axe(open_page):
    page = open_page("policy", "phone")
    page.locator("#care-toggle").click()
    assert "care" in page.locator("html").get_attribute("class")
    save_screenshot(page, "care-phone")
    violations = axe_violations(page)
    assert not serious(violations), violations


@pytest.mark.rule("PUB-04")
@pytest.mark.parametrize("variant", [*PAGES, "map", "not-found"])
def test_no_horizontal_scrolling_at_any_width(open_page, variant):
    page = open_page(variant, "phone")
    for width in (360, 414, 768, 1280, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        assert overflow(page) <= 0, f"{variant} scrolls sideways at {width}px"
    page.locator("#care-toggle").click()  # the care mode's larger type must still fit a phone
    for width in (360, 768):
        page.set_viewport_size({"width": width, "height": 900})
        assert overflow(page) <= 0, f"{variant} scrolls sideways at {width}px in care mode"


@pytest.mark.rule("PUB-04")
@pytest.mark.parametrize("variant", ["home", "column", "policy"])
def test_touch_targets_on_phones(open_page, variant):
    page = open_page(variant, "phone")
    small = page.evaluate("""() => [...document.querySelectorAll(
            '.site-nav a, .item-list a, .pager a, .breadcrumbs a, .more, .footer-links a, .footer-line a, '
            + '.attachments a, .site-mark a, #care-toggle')]
        .map(e => [e.textContent.trim(), e.getBoundingClientRect().height])
        .filter(([, h]) => h < 44)""")
    assert not small, f"touch targets under 44px: {small}"


@pytest.mark.rule("PUB-02")
def test_keyboard_skip_link_and_care_mode(open_page, front_url):
    page = open_page("article")
    focused = "() => { const e = document.activeElement; return [e.tagName, e.id, e.textContent.trim()]; }"

    page.keyboard.press("Tab")
    assert page.evaluate(focused)[2] == "跳到主要内容"
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0 and box["height"] > 0, "the focused skip link is visible"
    page.keyboard.press("Enter")
    assert page.evaluate(focused)[:2] == ["MAIN", "main"]
    page.keyboard.press("Tab")  # the next stop is the first link of the content, not the header
    assert page.evaluate("() => document.activeElement.closest('main') !== null")

    # The care toggle is among the first stops (skip link, site name, toggle).
    page.goto(front_url + url_of("article"))  # not reload(): the URL now ends in #main
    for _ in range(3):
        page.keyboard.press("Tab")
        if page.evaluate(focused)[1] == "care-toggle":
            break
    assert page.evaluate(focused)[1:] == ["care-toggle", "关怀模式"]
    size, line = body_font(page)
    page.keyboard.press("Enter")
    care_size, care_line = body_font(page)
    assert care_size >= 20 and care_size / size >= 1.25, (size, care_size)
    assert care_line / care_size >= 1.5
    assert page.locator("#care-toggle").inner_text() == "标准模式"
    assert "cursor" in page.evaluate("() => getComputedStyle(document.body).cursor")  # the extra-large cursor

    page.goto(front_url + url_of("article"))  # persisted, and on every page of the site
    assert page.evaluate("() => document.documentElement.classList.contains('care')")
    assert body_font(page)[0] == care_size
    assert page.locator("#care-toggle").inner_text() == "标准模式"
    page.goto(front_url)
    assert body_font(page)[0] == care_size

    page.locator("#care-toggle").focus()
    page.keyboard.press("Space")  # back to the standard mode, also remembered
    page.reload()
    assert body_font(page)[0] == size
    assert page.evaluate(f"() => localStorage.getItem('{CARE_KEY}')") is None
    assert not page.js_errors


@pytest.mark.rule("PUB-02")
def test_without_javascript_the_pages_work_and_show_no_dead_button(open_page):
    page = open_page("article", "phone", javascript=False)
    assert page.locator("#care-toggle").is_hidden()
    assert page.locator("main h1").is_visible()
    assert overflow(page) <= 0
    page.locator(".site-nav a", has_text="政府信息公开").click()
    assert page.locator("main h1").inner_text() == "政府信息公开"


@pytest.mark.rule("REG-18")
def test_site_mark_at_the_bottom_centre(open_page):
    page = open_page("home")
    mark = page.locator("[data-identity=site-mark] img")
    box = mark.bounding_box()
    assert abs(box["x"] + box["width"] / 2 - VIEWPORTS["desktop"]["width"] / 2) <= 2
    assert page.evaluate("""() => {
        const mark = document.querySelector('[data-identity=site-mark]');
        const top = mark.getBoundingClientRect().top;
        return [...document.querySelectorAll('footer *')]
            .filter(e => !e.contains(mark) && !mark.contains(e))
            .every(e => e.getBoundingClientRect().bottom <= top + 1);
    }"""), "the mark is the last thing in the footer"
    assert mark.evaluate("img => img.complete && img.naturalWidth > 0")


def test_assets_load(open_page):
    page = open_page("policy")
    assert page.evaluate("""() => [...document.images].every(img => img.complete && img.naturalWidth > 0)""")
    assert page.evaluate("() => getComputedStyle(document.querySelector('.site-nav')).backgroundColor") == "rgb(29, 79, 145)"
    assert page.evaluate("() => getComputedStyle(document.body).fontFamily").startswith('"PingFang SC"')


@pytest.mark.rule("PUB-02")
def test_system_preferences_for_contrast_and_motion_are_honoured(open_page):
    page = open_page("column", "phone")
    muted = "() => getComputedStyle(document.querySelector('.item-list time')).color"
    assert page.evaluate(muted) == "rgb(77, 77, 77)"
    page.emulate_media(contrast="more", reduced_motion="reduce")
    assert page.evaluate(muted) == "rgb(0, 0, 0)"
    assert page.evaluate("() => getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    assert page.evaluate("() => getComputedStyle(document.querySelector('.item-list a')).transitionDuration") == "0s"
    assert not serious(axe_violations(page))
