"""空白栏目: empty lists and placeholders are found; static pages and real lists are not."""

import pytest

from govsites.monitoring.checks import columns

from .sitebuild import NOW, doc, home, page, rows, site

NAV = ('<div class="nav"><a href="/tzgg/">通知公告</a><a href="/zcwj/">政策文件</a><a href="/jgzn/">机构职能</a>'
       '<a href="/xwdt/">新闻动态</a></div>')
HOME = home(doc(NAV + rows(("本市召开工作会议", "2026-07-18"))))


def check(*pages, limits=None):
    return columns.check_empty_columns(site(), [HOME, *pages], now=NOW, limits=limits)


@pytest.mark.rule("SUP-03")
def test_an_empty_list_with_column_meta_is_an_empty_column():
    empty = page("/zcwj/", doc(NAV + '<h2>政策文件</h2><ul class="list"></ul>',
                               head='<meta name="ColumnName" content="政策文件">'))
    [found] = check(empty)
    assert found.check == "column_empty" and found.url == found.target == "https://www.test.gov.cn/zcwj/"
    assert found.detail == {"column": "政策文件", "reason": "no_items", "placeholder": "", "level": 1}


@pytest.mark.rule("SUP-03")
def test_a_placeholder_and_an_empty_page_behind_the_navigation_are_empty_columns():
    placeholder = page("/tzgg/", doc(NAV + '<div class="main"><h2>通知公告</h2><p>暂无信息</p></div>'))
    bare = page("/xwdt/", doc(NAV + '<div class="main"><div class="position">当前位置：首页 &gt; 新闻动态</div>'
                                    '<table class="list"></table></div>'))
    found = {o.target: o.detail for o in check(placeholder, bare)}
    assert found == {
        "https://www.test.gov.cn/tzgg/": {"column": "通知公告", "reason": "placeholder", "placeholder": "暂无信息",
                                          "level": 1},
        "https://www.test.gov.cn/xwdt/": {"column": "新闻动态", "reason": "no_items", "placeholder": "", "level": 1},
    }


def test_static_pages_real_lists_articles_and_pages_off_the_navigation_are_not_empty():
    static = page("/jgzn/", doc(NAV + "<h2>机构职能</h2><p>负责全市政府网站的统筹规划、建设管理和监督考核，"
                                      "组织开展政府网站普查和季度抽查工作。</p>"))
    listing = page("/tzgg/", doc(NAV + rows(("关于开展防汛检查的通知", "2026-07-01"))))
    undated = page("/zcwj/", doc(NAV + '<ul class="list"><li><a href="/zcwj/1.html">关于印发实施方案的通知</a></li></ul>'))
    article = page("/tzgg/1.html", doc("<h1>通知</h1>", head='<meta name="ArticleTitle" content="通知">'))
    search = page("/search.html", doc(NAV + "<form><input name=q></form>"))  # not linked from the navigation
    later = page("/xwdt/index_1.html", doc(NAV + "<p>暂无信息</p>"))
    dated_menu = page("/xwdt/", doc(NAV + '<div class="sub-nav">' + rows(("部门工作动态一则", "2026-07-10")) + "</div>"))
    assert check(static, listing, undated, article, search, later, dated_menu) == []


def test_thresholds_come_from_the_profile_and_can_be_overridden():
    limits = columns.thresholds()
    assert "暂无信息" in limits.placeholders and limits.max_content_chars == 30
    short_static = page("/jgzn/", doc(NAV + "<p>负责全市政府网站的统筹规划。</p>"))
    assert [o.target for o in check(short_static)] == ["https://www.test.gov.cn/jgzn/"]
    assert check(short_static, limits=columns.Thresholds(("暂无信息",), 5)) == []


@pytest.mark.rule("SUP-03")
def test_a_column_listing_a_single_card_is_not_empty():
    """A card grid with one card (a column that has published one item) lists something."""
    card = page("/tzgg/", doc(NAV + '<h2 class="column-title">通知公告</h2><div class="card-grid"><article class="card">'
                                    '<h3><a href="/tzgg/1.html">关于开展防汛检查的通知</a></h3>'
                                    '<p class="meta"><time>2026-07-01</time></p></article></div>',
                              head='<meta name="ColumnName" content="通知公告">'))
    assert check(card) == []
    emptied = page("/tzgg/", doc(NAV + '<h2 class="column-title">通知公告</h2><div class="card-grid"></div>',
                                 head='<meta name="ColumnName" content="通知公告">'))
    assert [o.target for o in check(emptied)] == ["https://www.test.gov.cn/tzgg/"]
