"""互动回应差: messages unanswered for more than 3 months within the past year, and portals without a channel."""

import datetime as dt

import pytest

from govsites.monitoring.checks import interaction
from govsites.monitoring.types import Fetch

from .sitebuild import NOW, doc, home, page, site

TODAY = NOW.date()  # 2026-07-19
NAV = '<div class="nav"><a href="/hdjl/zxzx/">政务咨询</a><a href="/hdjl/zxft/">在线访谈</a></div>'


def message_table(*messages, link=True):
    """Rows of (id, title, asked, status, replied) as an enquiry list table."""
    cell = '<a href="/hdjl/zxzx/{i}.html">{title}</a>' if link else "{title}"
    body = "".join(
        f"<tr><td>{cell.format(i=i, title=title)}</td><td>{asked}</td><td>{status}</td><td>{replied}</td></tr>"
        for i, title, asked, status, replied in messages
    )
    return f"<table class='list'><tr><th>标题</th><th>留言时间</th><th>状态</th><th>回复时间</th></tr>{body}</table>"


def enquiry_page(*messages, path="/hdjl/zxzx/", link=True):
    return page(path, doc(NAV + "<h2>政务咨询</h2>" + message_table(*messages, link=link), title="政务咨询"))


def check(*pages, statuses=None, **facts):
    return interaction.check_interaction(site(**facts), [home(doc(NAV)), *pages], now=NOW, statuses=statuses)


def targets(found):
    return {o.target.rsplit("/", 1)[-1]: o.detail["reason"] for o in found if o.check == "enquiry_unanswered"}


@pytest.mark.rule("SUP-03")
def test_unanswered_for_more_than_three_months_exactly_at_the_edge():
    found = check(enquiry_page(
        (1, "关于公积金提取的咨询", "2026-04-18", "未回复", ""),  # 3 months and a day: too long
        (2, "关于社保转移的咨询", "2026-04-19", "未回复", ""),  # exactly 3 months: not yet
        (3, "关于落户政策的咨询", "2025-07-19", "办理中", ""),  # a year ago today: inside the window
        (4, "关于学区划分的咨询", "2025-07-18", "未回复", ""),  # before the window
    ))
    assert targets(found) == {"1.html": "unanswered", "3.html": "unanswered"}
    first = next(o for o in found if o.target.endswith("/1.html"))
    assert first.url == "https://www.test.gov.cn/hdjl/zxzx/" and first.target == "https://www.test.gov.cn/hdjl/zxzx/1.html"
    assert first.detail["asked"] == "2026-04-18" and first.detail["column"] == "政务咨询"


@pytest.mark.rule("SUP-03")
def test_answered_in_time_is_fine_and_a_late_reply_counts():
    found = check(enquiry_page(
        (5, "关于办理居住证的咨询", "2026-01-05", "已回复", "2026-01-10"),
        (6, "关于道路维修的咨询", "2026-01-05", "已回复", "2026-04-06"),  # deadline was 5 April
        (7, "关于路灯的咨询", "2026-01-05", "已回复", "2026-04-05"),
    ))
    assert targets(found) == {"6.html": "late_reply"}
    lenient = interaction.Thresholds(("咨询",), ("访谈",), count_late_replies=False)
    assert interaction.check_interaction(site(), [enquiry_page((6, "关于道路维修的咨询", "2026-01-05", "已回复",
                                                                "2026-04-06"))], now=NOW, limits=lenient) == []


def test_a_message_whose_status_cannot_be_told_is_not_judged_and_rows_without_links_use_the_title():
    found = check(enquiry_page((8, "关于停车收费的咨询", "2026-01-05", "", "")))
    assert found == []
    no_links = check(enquiry_page((9, "关于停车收费的咨询", "2026-01-05", "待回复", ""), link=False))
    assert [o.target for o in no_links] == ["关于停车收费的咨询"]
    assert interaction.read_message("关于停车收费的咨询 2026-01-05 待回复", TODAY).answered is False


@pytest.mark.rule("SUP-03")
def test_the_message_page_itself_decides_when_it_was_crawled():
    listing = enquiry_page((10, "关于供暖的咨询", "", "", ""), (11, "关于供水的咨询", "", "", ""))
    open_ = page("/hdjl/zxzx/10.html", doc("<h1>关于供暖的咨询</h1><p>留言时间：2026-02-01 10:00</p><p>状态：办理中</p>"))
    answered = page("/hdjl/zxzx/11.html", doc("<h1>关于供水的咨询</h1><p>留言时间：2026-02-01</p>"
                                              "<p>答复时间：2026-02-10</p><p>答复内容：您好，已安排维修。</p>"))
    assert targets(check(listing, open_, answered)) == {"10.html": "unanswered"}
    view = interaction.SiteView(site(), [home(doc(NAV)), listing, open_, answered])
    columns = interaction.enquiry_columns(view, TODAY, interaction.thresholds())
    assert [c.url for c in columns] == ["https://www.test.gov.cn/hdjl/zxzx/"]  # not the messages' pages


def test_reading_labelled_dates_statuses_and_reply_texts():
    read = interaction.read_message
    assert read("提问时间：2026-03-01 回复时间：2026-03-05", TODAY) == interaction.Message(
        dt.date(2026, 3, 1), dt.date(2026, 3, 5), True)
    assert read("回复时间：2026-03-05 留言时间：2026-03-01", TODAY).asked == dt.date(2026, 3, 1)
    assert read("2026-03-01 未办结", TODAY).answered is False
    assert read("2026-03-01 回复：已转交相关部门办理", TODAY).answered is True
    assert read("2026-03-01", TODAY).answered is None
    # a status word inside a sentence is not a status; a labelled status decides
    assert read("留言时间 2026-03-01 请问能否办理中医药相关业务？", TODAY).answered is None
    assert read("留言内容 请问能否办理中医药业务 办理状态 已回复", TODAY).answered is True
    assert read("办理状态：办理中 回复内容：", TODAY).answered is False


def test_excluded_channels_are_not_enquiry_columns():
    interview = enquiry_page((12, "关于就业的提问", "2026-01-05", "未回复", ""), path="/hdjl/zxft/")
    interview.fetch.text = interview.fetch.text.replace("<h2>政务咨询</h2>", "<h2>在线访谈</h2>").replace(
        "<title>政务咨询</title>", "<title>在线访谈</title>")
    petition = page("/hdjl/wsxf/", doc("<h2>网上信访</h2>" + message_table(
        (13, "信访事项", "2026-01-05", "未回复", "")), title="网上信访"))
    assert check(interview, petition) == []


@pytest.mark.rule("SUP-03")
def test_a_portal_without_a_working_enquiry_channel():
    bare_home = home(doc('<div class="nav"><a href="/hdjl/zxft/">在线访谈</a><a href="/hdjl/wsxf/">网上信访</a></div>'))
    [found] = interaction.check_interaction(site(is_portal=True), [bare_home], now=NOW)
    assert (found.check, found.url, found.target) == ("no_enquiry_channel", "https://www.test.gov.cn/", "")
    assert interaction.check_interaction(site(is_portal=False), [bare_home], now=NOW) == []

    linked = home(doc(NAV))
    assert interaction.check_interaction(site(is_portal=True), [linked], now=NOW) == []
    dead = {"https://www.test.gov.cn/hdjl/zxzx/": Fetch(url="https://www.test.gov.cn/hdjl/zxzx/", status=404)}
    [found] = interaction.check_interaction(site(is_portal=True), [linked], now=NOW, statuses=dead)
    assert found.check == "no_enquiry_channel"


def test_thresholds_come_from_the_profile():
    limits = interaction.thresholds()
    assert (limits.unanswered_months, limits.window_months, limits.count_late_replies) == (3, 12, True)
    assert "咨询" in limits.keywords and "信访" in limits.excluded
