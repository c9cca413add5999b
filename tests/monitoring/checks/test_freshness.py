"""首页不更新 / 栏目不更新: windows per kind, exactly at the edges, undated items, decoys."""

import datetime as dt

import pytest

from govsites.monitoring.checks import freshness
from govsites.monitoring.checks._site import Window

from .sitebuild import NOW, doc, home, page, rows, site

NAV = ('<div class="nav"><a href="/xwdt/">新闻动态</a><a href="/tzgg/">通知公告</a><a href="/rsxx/">人事信息</a>'
       '<a href="/ldxx/">领导信息</a></div>')


def ago(days: int) -> str:
    return (NOW.date() - dt.timedelta(days=days)).isoformat()


def home_with(*dated: str) -> str:
    return doc(NAV + rows(*((f"本市召开第{i}次工作会议", d) for i, d in enumerate(dated))))


def column(path: str, *dated: str, head: str = "", extra: str = "", depth: int = 1):
    body = NAV + extra + rows(*((f"栏目信息标题第{i}条", d) for i, d in enumerate(dated)), href=path + "{i}.html")
    return page(path, doc(body, head=head), depth=depth)


def observations(*pages, **kwargs):
    return freshness.check_freshness(site(**kwargs), list(pages), now=NOW)


@pytest.mark.rule("SUP-03")
def test_home_page_fresh_at_exactly_14_days_and_stale_at_15():
    assert observations(home(home_with(ago(14), ago(30)))) == []
    [found] = observations(home(home_with(ago(15), ago(30))))
    assert found.check == "home_not_updated" and found.url == "https://www.test.gov.cn/" and found.target == ""
    assert found.detail["last_date"] == ago(15) and found.detail["window"] == "14d"
    assert found.detail["navigation_only"] is False


@pytest.mark.rule("SUP-03")
def test_home_items_without_a_visible_date_count_as_not_updated():
    undated = doc(NAV + '<ul class="list"><li><a href="/a/1.html">市政府召开第八次常务会议</a></li>'
                  '<li><a href="/a/2.html">全市安全生产工作会议召开</a></li></ul>')
    [found] = observations(home(undated))
    assert found.detail["last_date"] is None and found.detail["undated_items"] == 2


@pytest.mark.rule("SUP-03")
def test_navigation_only_home_page_is_judged_by_the_second_level_columns():
    nav_home = home(doc(NAV + "<p>欢迎访问</p>"))
    fresh = [nav_home, column("/xwdt/", ago(3)), column("/tzgg/", ago(200))]
    assert [o.check for o in observations(*fresh)] == ["column_not_updated"]  # only the notice column
    stale = [nav_home, column("/xwdt/", ago(40)), column("/tzgg/", ago(20))]
    found = [o for o in observations(*stale) if o.check == "home_not_updated"]
    assert len(found) == 1 and found[0].detail["navigation_only"] is True
    assert found[0].detail["last_date"] == ago(20)
    # a third-level page being fresh does not help
    deep = [nav_home, column("/xwdt/", ago(40)), column("/xwdt/sub/", ago(1), depth=2)]
    assert any(o.check == "home_not_updated" for o in observations(*deep))


@pytest.mark.rule("SUP-03")
@pytest.mark.parametrize(
    ("path", "fresh_days", "stale_days"),
    [
        ("/xwdt/", 14, 15),  # 动态: 2 weeks
        ("/tzgg/", (NOW.date() - dt.date(2026, 1, 19)).days, (NOW.date() - dt.date(2026, 1, 18)).days),  # 6 months
        ("/rsxx/", (NOW.date() - dt.date(2025, 7, 19)).days, (NOW.date() - dt.date(2025, 7, 18)).days),  # 1 year
    ],
)
def test_column_windows_per_kind_exactly_at_the_edge(path, fresh_days, stale_days):
    fresh_home = home(home_with(ago(1)))
    assert observations(fresh_home, column(path, ago(fresh_days), ago(fresh_days + 40))) == []
    [found] = observations(fresh_home, column(path, ago(stale_days), ago(stale_days + 40)))
    assert found.check == "column_not_updated"
    assert found.url == found.target == f"https://www.test.gov.cn{path}"
    assert found.detail["last_date"] == ago(stale_days) and found.detail["level"] == 1


def test_kinds_come_from_the_navigation_text():
    fresh_home = home(home_with(ago(1)))
    found = {o.detail["column"]: o.detail for o in observations(
        fresh_home, column("/xwdt/", ago(20)), column("/tzgg/", ago(200)), column("/rsxx/", ago(400)))}
    assert {name: d["kind"] for name, d in found.items()} == {"新闻动态": "news", "通知公告": "notice",
                                                             "人事信息": "personnel"}
    assert found["通知公告"]["window"] == "6m" and found["人事信息"]["window"] == "12m"


def test_kind_from_column_meta_and_from_a_registry_hint():
    meta = '<meta name="ColumnName" content="部门要闻"><meta name="ColumnType" content="要闻">'
    fresh_home = home(home_with(ago(1)))
    [found] = observations(fresh_home, column("/bmyw/", ago(16), head=meta))
    assert found.detail["kind"] == "news" and found.detail["column"] == "部门要闻"
    # an unknown kind is not judged ... unless the registry says what the column is
    assert observations(fresh_home, column("/zwgk/ldxx/", ago(100))) == []
    hint = site(extra={"column_kinds": {"https://www.test.gov.cn/zwgk/ldxx/": "news"}})
    [found] = freshness.check_freshness(hint, [fresh_home, column("/zwgk/ldxx/", ago(100))], now=NOW)
    assert found.detail["kind"] == "news"


@pytest.mark.rule("SUP-03")
def test_undated_column_is_not_updated_and_a_fresh_sidebar_does_not_rescue_a_stale_column():
    fresh_home = home(home_with(ago(1)))
    undated = page("/xwdt/", doc(NAV + '<ul class="list">' + "".join(
        f'<li><a href="/xwdt/{i}.html">部门工作动态信息第{i}条</a></li>' for i in range(6)) + "</ul>"))
    [found] = observations(fresh_home, undated)
    assert found.detail["last_date"] is None and found.detail["undated_items"] == 6

    sidebar = '<div class="right-box"><h3>最新动态</h3>' + rows(("今日要闻一", ago(0)), ("今日要闻二", ago(1))) + "</div>"
    [found] = observations(fresh_home, column("/xwdt/", ago(30), ago(31), ago(32), extra=sidebar))
    assert found.detail["last_date"] == ago(30)


def test_later_pages_articles_and_unknown_columns_are_not_judged():
    fresh_home = home(home_with(ago(1)))
    later = column("/xwdt/index_1.html", ago(60), ago(61), ago(62))
    article = page("/xwdt/1.html", doc("<h1>一篇旧文章</h1><p>" + "正文内容。" * 60 + "</p>",
                                        head='<meta name="PubDate" content="2020-01-01 09:00">'))
    unknown = column("/ldxx/", ago(900), ago(901), ago(902))  # 领导信息: no kind, not judged
    assert observations(fresh_home, later, article, unknown) == []


def test_thresholds_come_from_the_profile_and_can_be_overridden():
    limits = freshness.thresholds()
    assert limits.home_window == Window(14, "d")
    assert limits.column_windows["notice"] == Window(6, "m") and limits.column_windows["other"] is None
    assert "动态" in limits.column_kinds["news"]
    strict = freshness.Thresholds(Window(3, "d"), {"news": Window(3, "d")}, limits.column_kinds)
    fresh_home = home(home_with(ago(4)))
    found = freshness.check_freshness(site(), [fresh_home, column("/xwdt/", ago(4))], now=NOW, limits=strict)
    assert sorted(o.check for o in found) == ["column_not_updated", "home_not_updated"]


def test_bad_window_specs_are_refused():
    with pytest.raises(ValueError, match="14d"):
        Window.parse("two weeks")
    assert Window.parse("") is None and Window.parse("1y") == Window(12, "m")


@pytest.mark.rule("SUP-03")
def test_a_home_page_of_big_entry_buttons_to_columns_is_navigation_only():
    entries = doc('<div class="portal">' + "".join(
        f'<a class="entry" href="{path}"><img src="/i{n}.png" alt=""><span>{name}</span></a>'
        for n, (path, name) in enumerate((("/xwdt/", "新闻动态信息专栏"), ("/tzgg/", "通知公告信息专栏")))) + "</div>")
    found = observations(home(entries), column("/xwdt/", ago(2)), column("/tzgg/", ago(30)))
    assert found == []  # judged by the columns: news was updated 2 days ago
    [stale] = [o for o in observations(home(entries), column("/xwdt/", ago(20)), column("/tzgg/", ago(30)))
               if o.check == "home_not_updated"]
    assert stale.detail["navigation_only"] is True
    # an undated entry to an article is an undated item, not navigation
    article = page("/xwdt/1.html", doc("<h1>新闻</h1>", head='<meta name="ArticleTitle" content="新闻">'))
    to_article = doc('<div class="portal"><a class="entry" href="/xwdt/1.html"><span>本市召开重要会议</span></a>'
                     '<a class="entry" href="/tzgg/"><span>通知公告信息专栏</span></a></div>')
    [found] = [o for o in observations(home(to_article), article, column("/tzgg/", ago(3)))
               if o.check == "home_not_updated"]
    assert found.detail["navigation_only"] is False and found.detail["undated_items"] == 1


@pytest.mark.parametrize("name", ["national", "shanxi", "chongqing"])
def test_every_shipped_profile_provides_the_page_check_thresholds(profile, name):
    from govsites.monitoring.checks import (
        accessibility,
        columns,
        identity,
        interaction,
        links,
        performance,
        security_headers,
        service_guides,
    )

    profile(name)
    modules = (freshness, columns, identity, accessibility, security_headers, performance, service_guides,
               interaction, links)
    for module in modules:
        assert module.thresholds() is not None, module.__name__
    assert freshness.thresholds().column_windows["news"] == Window(14, "d")


@pytest.mark.rule("SUP-03")
def test_a_row_without_a_date_takes_the_date_its_own_page_shows():
    undated_home = home(doc(NAV + '<ul class="list"><li><a href="/xwdt/1.html">市政府召开第八次常务会议</a></li>'
                                  '<li><a href="/xwdt/2.html">全市安全生产工作会议召开</a></li></ul>'))
    by_meta = page("/xwdt/1.html", doc("<h1>常务会议</h1>", head=f'<meta name="PubDate" content="{ago(3)} 09:00">'),
                   depth=1)
    by_label = page("/xwdt/2.html", doc(f"<h1>安全生产</h1><div class='info'>发布时间：{ago(20)}</div>"), depth=1)
    assert [o for o in observations(undated_home, by_meta, by_label) if o.check == "home_not_updated"] == []
    [stale] = [o for o in observations(undated_home, by_label) if o.check == "home_not_updated"]
    assert stale.detail["last_date"] == ago(20) and stale.detail["undated_items"] == 1  # 1.html was not crawled
    # a date merely mentioned in the text is not the page's publication date
    mention = page("/xwdt/1.html", doc(f"<h1>常务会议</h1><p>会议定于{ago(1)}召开。</p>"), depth=1)
    [stale] = [o for o in observations(undated_home, mention) if o.check == "home_not_updated"]
    assert stale.detail["last_date"] is None


@pytest.mark.rule("SUP-03")
def test_new_messages_of_the_public_do_not_make_a_navigation_only_home_page_fresh():
    nav = NAV.replace("</div>", '<a href="/zwzx/">政务咨询</a></div>')
    nav_home = home(doc(nav + "<p>欢迎访问</p>"))
    messages = page("/zwzx/", doc(nav + rows(("关于供暖时间的咨询", ago(2)), ("咨询公积金提取", ago(5)))))
    stale = [nav_home, column("/xwdt/", ago(40)), messages]
    [found] = [o for o in observations(*stale) if o.check == "home_not_updated"]
    assert found.detail["last_date"] == ago(40) and found.detail["checked_pages"] == ["https://www.test.gov.cn/xwdt/"]
    assert not [o for o in observations(nav_home, column("/xwdt/", ago(3)), messages) if o.check == "home_not_updated"]
