"""Publication dates as real list pages show them, and the date that belongs to each list row."""

import datetime as dt

import pytest

from govsites.monitoring.checks import dates
from govsites.monitoring.checks._html import parse

from .sitebuild import HOME, doc, rows

TODAY = dt.date(2026, 7, 19)
D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-07-19", D(2026, 7, 19)),
        ("2026-7-9", D(2026, 7, 9)),
        ("2026/7/19", D(2026, 7, 19)),
        ("2026/07/19", D(2026, 7, 19)),
        ("2026.07.19", D(2026, 7, 19)),
        ("2026年7月19日", D(2026, 7, 19)),
        ("2026 年 07 月 19 日", D(2026, 7, 19)),
        ("2026年7月19号", D(2026, 7, 19)),
        ("发布时间：2026-07-19 07:16", D(2026, 7, 19)),
        ("2026-07-19 07:16:33", D(2026, 7, 19)),
        ("2026-07-19T07:16:00+08:00", D(2026, 7, 19)),
        ("2026年7月19日 07时16分", D(2026, 7, 19)),
        ("２０２６－０７－１９", D(2026, 7, 19)),
        ("２０２６年７月１９日", D(2026, 7, 19)),
        ("［2026-07-18］", D(2026, 7, 18)),
        ("(2026-07-18)", D(2026, 7, 18)),
        ("【2025.12.31】", D(2025, 12, 31)),
        ("19-07-2026", D(2026, 7, 19)),
        ("19/07/2026", D(2026, 7, 19)),
        ("07-08-2026", None),  # read day-first: 7 August 2026, after today
        ("05-07-2026", D(2026, 7, 5)),  # day-first reading
        ("07-19-2026", D(2026, 7, 19)),  # only the US reading exists
        ("2024-02-29", D(2024, 2, 29)),  # leap day
        ("来源：本站 2026-07-01 浏览次数：35", D(2026, 7, 1)),
    ],
)
def test_full_dates_in_the_forms_list_pages_use(text, expected):
    assert dates.parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30",  # no such day
        "2025-02-29",  # not a leap year
        "2026-13-01",  # no such month
        "2026-00-10",
        "2026年7月32日",
        "2026-07-20",  # after today: not a publication date
        "2027年1月1日",
        "1979-05-01",  # before any government website
        "26-07-19",  # two-digit year: not read
        "t20260719_123.html",  # URL-embedded digits are not a visible date
        "版本 3.5",
        "第1-2期",
        "电话 0351-4042000",
        "07-19",  # short dates need a list row
        "",
    ],
)
def test_impossible_future_or_non_dates_are_rejected(text):
    assert dates.parse_date(text, today=TODAY) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07-19", D(2026, 7, 19)),
        ("[07-19]", D(2026, 7, 19)),
        ("(07-05)", D(2026, 7, 5)),
        ("07/19", D(2026, 7, 19)),
        ("7-9", D(2026, 7, 9)),
        ("07.19", D(2026, 7, 19)),
        ("7月19日", D(2026, 7, 19)),
        ("12-28", D(2025, 12, 28)),  # would be in the future this year: last year's
        ("07-20", D(2025, 7, 20)),  # tomorrow's month-day: last year's
        ("02-29", None),  # 2026 is no leap year, and the rollback does not invent one
        ("13-01", None),
        ("7.5", None),  # a dotted short date needs two digits each: 7.5 is a number
        ("第1-2期", None),
        ("50%", None),
    ],
)
def test_short_dates_in_a_row_take_the_current_year_and_never_lie_in_the_future(text, expected):
    assert dates.parse_date(text, today=TODAY, short=True) == expected


def test_a_short_date_with_a_year_from_the_context_is_not_rolled_back():
    assert dates.parse_date("12-28", today=TODAY, year=2024, short=True) == D(2024, 12, 28)
    assert dates.parse_date("08-01", today=TODAY, year=2026, short=True) is None  # future in that year


def test_times_are_kept_and_full_dates_mask_their_own_month_day_part():
    found = dates.find_dates("更新于 2026-07-18 08:05，原文 07-01", today=TODAY, short=True)
    assert [(f.value, f.form) for f in found] == [(D(2026, 7, 18), "ymd"), (D(2026, 7, 1), "md")]
    assert found[0].time == dt.time(8, 5) and found[1].time is None


def test_pubdate_meta_must_be_exactly_the_47_format():
    assert dates.parse_pubdate("2026-07-19 07:16") == dt.datetime(2026, 7, 19, 7, 16, tzinfo=dates.SHANGHAI)
    assert dates.parse_pubdate(" 2026-07-19 07:16 ") is not None
    for bad in ("2026-07-19", "2026/07/19 07:16", "2026-7-19 07:16", "2026-07-19 07:16:00", "2026-02-30 10:00",
                "2026-07-19 25:00", "", "明天"):
        assert dates.parse_pubdate(bad) is None, bad


def test_local_today_counts_in_shanghai():
    late_utc = dt.datetime(2026, 7, 18, 17, 30, tzinfo=dt.UTC)  # 01:30 on the 19th in Shanghai
    assert dates.local_today(late_utc) == TODAY


def _items(body: str, today=TODAY):
    return dates.list_items(parse(doc(body)), HOME, today)


def test_each_row_gets_its_own_date_in_ul_table_and_dl_layouts():
    ul = _items(rows(("市政府召开常务会议", "2026-07-18"), ("全市防汛工作部署会召开", "[07-10]")))
    assert [(i.title, i.date) for i in ul] == [("市政府召开常务会议", D(2026, 7, 18)), ("全市防汛工作部署会召开", D(2026, 7, 10))]
    assert ul[0].url == "https://www.test.gov.cn/a/0.html"

    table = _items(
        "<table><tr><td><a href='/t/1.html'>关于开展安全生产检查的通知</a></td><td>2026年6月30日</td></tr>"
        "<tr><td><a href='/t/2.html'>关于公布第一批名单的公告</a></td><td>2026/5/4</td></tr></table>"
    )
    assert [i.date for i in table] == [D(2026, 6, 30), D(2026, 5, 4)]

    dl = _items("<dl><dt><a href='/d/1.html'>人事任免通知</a></dt><dd>2025-09-01</dd>"
                "<dt><a href='/d/2.html'>干部任前公示</a></dt><dd>2025-08-01</dd></dl>")
    assert [(i.title, i.date) for i in dl] == [("人事任免通知", D(2025, 9, 1)), ("干部任前公示", D(2025, 8, 1))]


def test_a_date_inside_the_title_is_not_the_rows_date_but_a_trailing_one_in_the_link_is():
    items = _items(
        "<ul><li><a href='/1.html'>关于2026年7月18日停电的通知</a></li>"
        "<li><a href='/2.html'><span>市长接待日安排</span> <span>2026-07-15</span></a></li></ul>"
    )
    assert items[0].date is None  # undated: the date in the title is when the outage is
    assert items[1].date == D(2026, 7, 15)


def test_the_year_of_short_dates_comes_from_the_heading_above_the_list():
    body = "<div><h3>2025年</h3>" + rows(("年度工作总结", "12-30"), ("上半年工作情况", "07-02")) + "</div>"
    assert [i.date for i in _items(body)] == [D(2025, 12, 30), D(2025, 7, 2)]
    # no heading: this year's 07-02, last year's 12-30
    assert [i.date for i in _items(rows(("年度工作总结", "12-30"), ("上半年工作情况", "07-02")))] == [
        D(2025, 12, 30), D(2026, 7, 2)]


def test_undated_rows_menus_and_nested_rows():
    body = (
        "<div class='nav'><ul><li><a href='/gk/'>政务公开</a><ul><li><a href='/gk/tz/'>通知公告</a></li></ul></li></ul></div>"
        "<ul class='list'><li><a href='/n/1.html'>区政府召开第八次常务会议</a></li></ul>"
    )
    items = _items(body)
    by_title = {i.title: i for i in items}
    assert "政务公开" not in by_title  # has an inner row: not a leaf
    assert "通知公告" not in by_title  # a menu entry without a date is of no use to any check
    dated_menu = _items("<div class='nav'><ul><li><a href='/x/'>最新通知</a> 2026-07-01</li></ul></div>")
    assert [(i.chrome, i.date) for i in dated_menu] == [(True, D(2026, 7, 1))]
    news = by_title["区政府召开第八次常务会议"]
    assert news.date is None and news.chrome is False
    assert dates.latest(items) is None


def test_rows_in_full_width_digits_and_impossible_dates():
    items = _items(rows(("关于调整办公时间的通知", "２０２６－０７－１６"), ("错误日期的信息", "2026-02-30"),
                        ("未来日期的信息", "2026-12-01")))
    assert [i.date for i in items] == [D(2026, 7, 16), None, None]
    assert dates.latest(items) == D(2026, 7, 16)


def test_card_layouts_of_sibling_divs_or_anchors_are_lists_too():
    cards = ("<div class='cards'>"
             "<div class='card'><a href='/c/1.html'><img src='/1.jpg' alt=''></a><h3><a href='/c/1.html'>全市重点项目集中开工</a></h3>"
             "<p class='date'>2026/7/17</p></div>"
             "<div class='card'><a href='/c/2.html'><h3>市领导调研防汛工作</h3><span>２０２６年７月１２日</span></a></div>"
             "<div class='card'><h3><a href='/c/3.html'>没有日期的卡片信息</a></h3></div></div>")
    items = _items(cards)
    assert [(i.url.rsplit("/", 1)[-1], i.date) for i in items] == [
        ("1.html", D(2026, 7, 17)), ("2.html", D(2026, 7, 12)), ("3.html", None)]
    anchors = ("<div class='news'><a class='item' href='/n/1.html'><h4>区政府常务会议召开</h4><em>07-18</em></a>"
               "<a class='item' href='/n/2.html'><h4>区长接待日</h4><em>07-11</em></a></div>")
    assert [i.date for i in _items(anchors)] == [D(2026, 7, 18), D(2026, 7, 11)]


def test_links_in_running_text_and_blocks_of_many_links_are_not_rows():
    text = ("<div class='article'><p>详见<a href='/a.html'>关于印发实施方案的通知</a>和<a href='/b.html'>解读材料全文</a>"
            "（2026-07-01）。</p></div>"
            "<div class='col'><a href='/x/1.html'>信息一标题内容</a><a href='/x/2.html'>信息二标题内容</a>"
            "<a href='/x/3.html'>信息三标题内容</a></div><div class='col'><a href='/y/1.html'>信息四</a>"
            "<a href='/y/2.html'>信息五</a><a href='/y/3.html'>信息六</a></div>")
    assert _items(text) == []


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        # TRS-style list with the date in a span after the link
        ('<ul class="list_con"><li><a href="./202607/t20260718_1.html" target="_blank" title="关于做好防汛工作的通知">'
         '关于做好防汛工作的通知</a><span>2026-07-18</span></li></ul>', [D(2026, 7, 18)]),
        # old table layout: nested layout tables, date in a font tag
        ('<table width="100%"><tr><td><table><tr><td class="bt">·<a href="/art/2026/7/3/art_1.html">市政府第20次常务会议'
         '</a></td><td align="right"><font color="#999999">(2026-07-03)</font></td></tr></table></td></tr></table>',
         [D(2026, 7, 3)]),
        # date first, then title
        ('<ul><li><span class="time">[07-16]</span><a href="/n/1.html">区委理论学习中心组召开学习会</a></li></ul>',
         [D(2026, 7, 16)]),
        # Chinese date and weekday
        ('<ul><li><a href="/n/2.html">全县安全生产大检查启动</a><em>2026年07月15日 星期三</em></li></ul>',
         [D(2026, 7, 15)]),
        # date with time and a view counter
        ('<ul><li><a href="/n/3.html">政府信息公开工作年度报告</a><i>2026-01-20 16:32 浏览：1203</i></li></ul>',
         [D(2026, 1, 20)]),
        # slashes without leading zeros
        ('<ul><li><a href="/n/4.html">关于公开征求意见的公告</a><span>2026/6/9</span></li></ul>', [D(2026, 6, 9)]),
        # dotted
        ('<div class="news"><ul><li><a href="/n/5.html">全市经济运行情况通报</a><b>2026.05.31</b></li></ul></div>',
         [D(2026, 5, 31)]),
        # full-width digits from a Word copy-paste
        ('<ul><li><a href="/n/6.html">关于调整办公地点的通知</a>２０２６－０４－０１</li></ul>', [D(2026, 4, 1)]),
        # definition list, date in dd
        ('<dl><dt><a href="/n/7.html">人事任免决定</a></dt><dd>2025-11-11</dd></dl>', [D(2025, 11, 11)]),
        # no date at all
        ('<ul><li><a href="/n/8.html">机构设置及主要职责说明</a></li></ul>', [None]),
        # impossible and future dates count as no date
        ('<ul><li><a href="/n/9.html">系统测试信息一</a><span>2026-06-31</span></li>'
         '<li><a href="/n/10.html">预发布信息二</a><span>2026-09-01</span></li></ul>', [None, None]),
        # day-first date from an English-locale template
        ('<ul><li><a href="/n/11.html">Notice on visa services</a><span>19/06/2026</span></li></ul>', [D(2026, 6, 19)]),
    ],
)
def test_real_world_looking_list_markup(snippet, expected):
    assert [i.date for i in _items(snippet)] == expected


def test_a_layout_row_around_a_table_or_a_long_text_is_not_a_list_row():
    layout = ("<table class='main'><tr><td><div class='crumb'><a href='/zwzx/'>政务咨询</a></div><h1>关于供暖的咨询</h1>"
              "<table class='message'><tr><th>留言时间</th><td>2026-02-01 10:00</td></tr>"
              "<tr><th>办理状态</th><td>办理中</td></tr></table></td></tr></table>")
    assert [i.url for i in _items(layout)] == []
    article = ("<table><tr><td><a href='/yw/'>要闻动态</a><h1>标题</h1><div>发布时间：2026-07-01</div><p>"
               + "正文内容。" * 120 + "</p></td></tr></table>")
    assert _items(article) == []


def test_year_headings_inside_the_list_give_the_year_of_the_rows_below_them():
    """Lists spanning the turn of a year head each year's rows inside the list itself; the rows
    below ``2025年`` are last year's even where this year's reading would lie in the past."""
    ul = ("<ul class='list'><li class='year'><h3>2026年</h3></li><li><a href='/n/1.html'>全市重点项目开工</a>"
          "<span>07-06</span></li><li class='year'><h3>2025年</h3></li><li><a href='/n/2.html'>年度工作会议召开</a>"
          "<span>07-06</span></li></ul>")
    assert [i.date for i in _items(ul)] == [D(2026, 7, 6), D(2025, 7, 6)]
    table = ("<table class='list'><tr><td colspan='2'><h3>2025年</h3></td></tr>"
             "<tr><td><a href='/t/1.html'>关于开展安全检查的通知</a></td><td>03-02</td></tr></table>")
    assert [i.date for i in _items(table)] == [D(2025, 3, 2)]
    cards = ("<div class='card-grid'><h3 class='year'>2025年</h3><article class='card'><h3>"
             "<a href='/c/1.html'>市领导调研防汛工作</a></h3><p><time>06-30</time></p></article>"
             "<article class='card'><h3><a href='/c/2.html'>全市经济运行情况通报</a></h3><p><time>05-31</time></p>"
             "</article></div>")
    assert [i.date for i in _items(cards)] == [D(2025, 6, 30), D(2025, 5, 31)]
    groups = ("<div class='list'><h3>2024年</h3><dl><dt><a href='/d/1.html'>人事任免通知</a></dt><dd>09-01</dd></dl>"
              "<h3>2025年</h3><dl><dt><a href='/d/2.html'>干部任前公示</a></dt><dd>08-01</dd></dl></div>")
    assert [i.date for i in _items(groups)] == [D(2024, 9, 1), D(2025, 8, 1)]
    # a year heading that is a link (an archive tab) names no rows' year
    tabs = ("<ul class='list'><li><a href='/2025/'>2025年</a></li><li><a href='/n/3.html'>全县安全生产大检查启动</a>"
            "<span>07-06</span></li></ul>")
    assert [i.date for i in _items(tabs) if i.url.endswith("3.html")] == [D(2026, 7, 6)]


def test_a_card_grid_holding_a_single_card_is_a_list_of_one():
    one = ("<div class='card-grid'><article class='card'><h3><a href='/c/1.html'>澜川省扎实推进国有资产监管</a></h3>"
           "<p class='meta'><time>２０２６－０７－０１</time></p></article></div>")
    assert [(i.url.rsplit("/", 1)[-1], i.date) for i in _items(one)] == [("1.html", D(2026, 7, 1))]
    headed = "<div class='card-grid'><h3>2026年</h3>" + one.removeprefix("<div class='card-grid'>")
    assert [i.date for i in _items(headed)] == [D(2026, 7, 1)]
    # a block that is one of several in its container, or shows only a short link, is not a card
    lone_box = ("<div class='main'><div class='intro'><a href='/x.html'>详情</a></div><p>本栏目介绍。</p></div>"
                "<div class='side'><div class='box'><a href='/y.html'>关于我们的更多介绍信息</a></div><ul></ul></div>")
    assert _items(lone_box) == []
