"""Accessibility basics: one observation per page and kind, decorative images and labelled controls are fine."""

from govsites.monitoring.checks import accessibility

from .sitebuild import doc, home, page, site


def check(*pages, limits=None):
    return accessibility.check_accessibility(site(), list(pages), limits=limits)


def test_an_accessible_page_has_no_observations():
    html = doc(
        '<img src="/logo.png" alt="测试市人民政府"><img src="/line.png" alt="">'
        '<form><label for="q">搜索</label><input id="q" name="q">'
        '<label>姓名 <input name="name"></label><input name="phone" aria-label="电话">'
        '<span id="t">内容</span><textarea name="body" aria-labelledby="t"></textarea>'
        '<select name="kind" title="类别"><option>咨询</option></select>'
        '<input type="hidden" name="token"><input type="submit" value="提交"><input type="image" src="/go.png" alt="提交">'
        "</form>"
    )
    assert check(home(html)) == []


def test_each_kind_once_per_page_with_a_count():
    html = doc('<img src="/a.png"><img src="/b.png"><img src="/c.png" alt="">'
               '<input name="q" placeholder="请输入关键词"><select name="s"></select><input type="image" src="/go.png">',
               lang="", title=" ")
    found = {o.check: o for o in check(page("/x.html", html))}
    assert set(found) == {"a11y_lang", "a11y_title", "a11y_alt", "a11y_label"}
    assert found["a11y_alt"].detail["count"] == 3 and found["a11y_label"].detail["count"] == 2
    assert {o.target for o in found.values()} == {""}
    assert found["a11y_alt"].detail["examples"][0] == "<img src='/a.png'>"
    assert all(o.url == "https://www.test.gov.cn/x.html" for o in found.values())


def test_a_label_for_another_control_does_not_name_this_one_and_placeholders_are_a_setting():
    html = doc('<label for="other">搜索</label><input id="q" name="q" placeholder="搜索">')
    assert [o.check for o in check(home(html))] == ["a11y_label"]
    lenient = accessibility.Thresholds(placeholder_is_label=True)
    assert check(home(html), limits=lenient) == []
    assert accessibility.thresholds() == accessibility.Thresholds(False)


def test_error_pages_and_non_html_are_not_judged():
    broken = page("/missing.html", doc("<img src='/x.png'>", lang=""), status=404)
    assert check(broken) == []
