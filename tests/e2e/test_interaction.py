"""A citizen's message from a published site page to its published answer, in a real browser
(issue #6, INT-02): the static column page posts to the public service, the citizen answers the
accessible challenge question and gets a case number and query code; the city portal's triage
handler accepts and routes it, the water bureau's handler drafts and submits the reply and its
approver approves it, each in the admin; the publisher puts the result on the static site with
受理日期, 答复日期, 答复部门 and 答复内容 and without the citizen's name or phone; the public
service's case lookup shows the same answer.

Three real HTTP servers on one test database: the admin (pytest-django's live server), the public
service and the front (tests/e2e/interaction_servers.py).
"""

import os
import re

import pytest
from playwright.sync_api import expect

from govsites import clock
from govsites.content.sites import ensure_site_tree
from govsites.interaction import outputs
from govsites.interaction.models import ChannelKind, Message, MessageStatus
from govsites.public import captcha
from govsites.publishing import paths
from govsites.publishing.models import PublishRequest
from govsites.publishing.pipeline import publish_pending, publish_site
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.interaction_servers import answer_question, chinese_number, front_server, public_service
from tests.interaction.estate import interaction_estate

pytestmark = pytest.mark.e2e

TITLE = "关于溪口河段整治工程开工时间的咨询"
BODY = "溪口河段堤岸年久失修，雨季常有险情。请问整治工程何时开工？施工期间沿河道路是否封闭？"
NAME = "欧阳明远"
PHONE = "13912345678"
REPLY = "您好：溪口河段整治工程计划于明年3月开工，施工期间沿河道路分段封闭，具体安排将提前在本网站公布。"


def save(page, name, full_page=True):
    """docs/screenshots/interaction-<name>.png when ``GOVSITES_SCREENSHOTS=1``."""
    if os.environ.get("GOVSITES_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"interaction-{name}.png"), full_page=full_page)


@pytest.fixture
def platform(migration_rows, front, settings):
    """The city portal's interaction platform, published with its forms posting to a running
    public service, and the front serving it."""
    e = interaction_estate()
    ensure_site_tree(e.city_portal)
    with public_service() as public_url:
        settings.GOVSITES_PUBLIC_URL = public_url
        settings.GOVSITES_PUBLISHING = {**settings.GOVSITES_PUBLISHING, "PUBLIC_SERVICE_ORIGIN": public_url}
        publish_site(e.city_portal, full=True)
        with front_server(front.path, public_url) as front_url:
            e.public_url = public_url
            e.site_url = f"{front_url}/{paths.site_key(e.city_portal)}/"
            yield e


@pytest.fixture
def citizen(browser):
    """A browser of its own for the citizen: none of the staff's cookies (cookies ignore ports)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def log_out(page):
    page.context.clear_cookies()


def open_case(page, log_in, username, case_number):
    """Sign in and open the message from the inbox, as the staff member would."""
    log_in(username)
    page.goto("/admin/interaction/messages/")
    page.get_by_role("link", name=case_number, exact=True).click()
    expect(page.locator("#facts-section")).to_contain_text(case_number)


def write_message(citizen, e):
    """From the published home page to the receipt; returns (case number, query code)."""
    citizen.goto(e.site_url)
    citizen.get_by_role("navigation", name="网站栏目").get_by_role("link", name="互动交流").click()
    expect(citizen.locator("h1")).to_have_text("互动交流")
    citizen.locator("#channel-consultation").locator("xpath=..").get_by_role("link", name="我要写信").click()
    expect(citizen.locator("h1")).to_have_text(str(e.channels[ChannelKind.CONSULTATION].title))
    assert citizen.url == e.site_url + outputs.channel_page(ChannelKind.CONSULTATION)

    form = citizen.locator("form.form")
    form.get_by_label("标题").fill(TITLE)
    form.get_by_label("内容").fill(BODY)
    form.get_by_label("姓名").fill(NAME)
    form.get_by_label("联系电话").fill(PHONE)
    save(citizen, "static-form")
    form.get_by_role("button", name="下一步：确认提交").click()  # across origins, allowed by the front's CSP

    # The public service shows it back with the challenge; nothing is stored yet.
    citizen.wait_for_url(f"{e.public_url}/messages/new?channel=*")
    expect(citizen.locator(".notice")).to_contain_text("请核对以下内容")
    expect(citizen.locator("#f-title")).to_have_value(TITLE)
    expect(citizen.locator("#f-phone")).to_have_value(PHONE)
    assert not Message.objects.filter(title=TITLE).exists()
    question = citizen.locator("#challenge-question strong").inner_text()
    citizen.get_by_label("请输入图片中的字符，或填写文字问题的答案（必填）").fill(answer_question(question))
    save(citizen, "confirm")
    citizen.get_by_role("button", name="确认提交").click()

    expect(citizen.locator("h1")).to_have_text("提交成功")
    case_number = citizen.locator("#case-number").inner_text().strip()
    code = citizen.locator("#query-code").inner_text().strip()
    save(citizen, "receipt")
    assert case_number and code
    return case_number, code


@pytest.mark.rule("INT-02")
def test_a_message_from_the_static_site_is_answered_published_and_looked_up(page, log_in, citizen, platform):
    e = platform
    case_number, code = write_message(citizen, e)
    message = Message.objects.by_case_number(case_number)
    assert message is not None and message.title == TITLE and message.status == MessageStatus.RECEIVED
    assert message.query_code_matches(code)
    assert NAME not in str(message.submitter) and PHONE not in str(message.submitter)  # stored encrypted, shown masked

    # The city portal's triage handler accepts it and routes it to the water bureau.
    open_case(page, log_in, "city_triage", case_number)
    expect(page.locator("#submitter-section")).not_to_contain_text(PHONE)
    review = page.locator("#step-review")
    review.get_by_label("承办部门").select_option(label=e.water.name)
    review.get_by_role("button", name="受理").click()
    expect(page.locator(".messages")).to_contain_text("已完成审核")
    expect(page.locator("#facts-section")).to_contain_text(e.water.name)
    log_out(page)

    # The water bureau's handler drafts the reply and submits it for approval.
    open_case(page, log_in, "water_handler", case_number)
    reply = page.locator("#step-reply")
    reply.get_by_label("答复内容").fill(REPLY)
    save(page, "reply")
    reply.get_by_role("button", name="提交审核").click()
    expect(page.locator(".messages")).to_contain_text("答复已保存")
    log_out(page)

    # Its approver approves: the message is answered and its result public.
    open_case(page, log_in, "water_approver", case_number)
    expect(page.locator("#replies-section")).to_contain_text(REPLY)
    page.locator("#step-decide").get_by_role("button", name="通过").click()
    expect(page.locator(".messages")).to_contain_text("已审核答复")
    expect(page.locator("#facts-section")).to_contain_text(re.compile(r"已于.+公开"))
    save(page, "approved")
    log_out(page)

    message.refresh_from_db()
    assert message.status == MessageStatus.ANSWERED and message.published_at is not None
    accepted = clock.local(message.accepted_at).date().isoformat()
    replied = clock.local(message.replied_at).date().isoformat()

    # The publisher runs the queued change; the citizen reloads the column page they wrote from.
    assert PublishRequest.objects.filter(site=e.city_portal).exists()
    assert [r.release is not None for r in publish_pending()] == [True]
    assert not PublishRequest.objects.filter(site=e.city_portal).exists()
    citizen.goto(e.site_url + outputs.channel_page(ChannelKind.CONSULTATION))
    citizen.reload()  # the fronts let browsers keep a page for a minute (max-age=60): reload revalidates
    citizen.locator("#recent-title").locator("xpath=..").get_by_role("link", name=TITLE).click()
    assert citizen.url == e.site_url + outputs.message_page(message)
    result = citizen.locator("table.result-fields")
    for label, value in (("受理日期", accepted), ("答复日期", replied), ("答复部门", e.water.name)):
        expect(result.locator("tr", has=citizen.locator(f"th:text-is('{label}')")).locator("td")).to_have_text(value)
    expect(result.locator("tr", has=citizen.locator("th:text-is('答复内容')")).locator("td")).to_have_text(REPLY)
    expect(citizen.locator("article")).to_contain_text(case_number)
    expect(citizen.locator("article")).to_contain_text("请问整治工程何时开工")
    html = citizen.content()
    assert NAME not in html and PHONE not in html and code not in html
    save(citizen, "result")

    # The case lookup of the public service, linked from the column page, shows the same answer.
    citizen.go_back()
    citizen.get_by_role("navigation", name="互动交流导航").get_by_role("link", name="查询办理结果").click()
    citizen.wait_for_url(f"{e.public_url}/cases/lookup")
    citizen.get_by_label("受理编号（必填）").fill(case_number)
    citizen.get_by_label("查询码（必填）").fill(code)
    citizen.get_by_role("button", name="查询").click()
    expect(citizen.locator("h1")).to_have_text("办理结果")
    expect(citizen.locator("#case-status")).to_have_text(message.get_status_display())
    answer = citizen.locator("section.reply")
    for label, value in (("受理日期", accepted), ("答复日期", replied), ("答复部门", e.water.name)):
        expect(answer.locator(f"dt:text-is('{label}') + dd")).to_have_text(value)
    expect(answer.locator("#reply-body")).to_have_text(REPLY)
    html = citizen.content()
    assert NAME not in html and PHONE not in html
    save(citizen, "lookup")


def test_the_challenge_question_is_answered_as_a_person_reads_it():
    """The test's reading of the accessible question matches the service on many challenges."""
    assert [chinese_number(t) for t in ("七", "十", "十三", "二十", "四十五")] == [7, 10, 13, 20, 45]
    for _ in range(300):
        challenge = captcha.issue()
        assert answer_question(challenge.question) == captcha.solve_for_benchmark(challenge.token), challenge.question
