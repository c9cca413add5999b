"""Footer identity elements, registry values and 47号 meta tags."""

import pytest

from govsites.monitoring.checks import identity
from govsites.monitoring.checks._html import parse

from .sitebuild import NOW, doc, home, page, rows, site

BADGE = '<a href="https://bszs.conac.cn/sitename?method=show&id=1"><img src="https://dcs.conac.cn/image/red.png"></a>'
JIUCUO = '<script id="_jiucuo_" sitecode="1401000001" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script>'


def footer(*, sponsor="主办单位：测试市人民政府办公室", contact="联系电话：0351-4042000", code="网站标识码：1401000001",
           icp="晋ICP备12345678号-1", police="晋公网安备 14010502000123号", extra=BADGE + JIUCUO):
    return (f'<div class="footer"><p>{sponsor} 承办单位：测试市大数据中心</p><p>{contact}</p>'
            f'<p>{code} <a href="https://beian.miit.gov.cn/">{icp}</a> <a href="http://www.beian.gov.cn/">{police}</a></p>'
            f"{extra}</div>")


SITE_META = ('<meta name="SiteName" content="测试市人民政府"><meta name="SiteDomain" content="www.test.gov.cn">'
             '<meta name="SiteIDCode" content="1401000001">')
COLUMN_META = ('<meta name="ColumnName" content="通知公告"><meta name="ColumnDescription" content="通知公告">'
               '<meta name="ColumnKeywords" content="通知,公告"><meta name="ColumnType" content="通知公告">')
ARTICLE_META = ('<meta name="ArticleTitle" content="关于开展检查的通知"><meta name="PubDate" content="2026-07-18 09:30">'
                '<meta name="ContentSource" content="市政府办公室">')
REGISTERED = {"identifier_code": "1401000001", "icp_number": "晋ICP备12345678号", "police_filing": "14010502000123",
              "has_site_mark": True, "is_portal": True}


def good_pages(foot=None, inner_foot=None):
    foot = foot if foot is not None else footer()
    inner_foot = inner_foot if inner_foot is not None else foot
    return [
        home(doc(rows(("本市召开工作会议", "2026-07-18")) + foot, head=SITE_META)),
        page("/tzgg/", doc(rows(("关于开展检查的通知", "2026-07-18")) + inner_foot, head=SITE_META + COLUMN_META)),
        page("/tzgg/1.html", doc("<h1>关于开展检查的通知</h1><p>正文。</p>" + inner_foot,
                                 head=SITE_META + ARTICLE_META)),
    ]


def check(pages, **registered):
    return identity.check_identity(site(**{**REGISTERED, **registered}), pages, now=NOW)


def test_a_conforming_site_has_no_observations():
    assert check(good_pages()) == []


@pytest.mark.rule("SUP-03")
def test_a_footer_element_missing_on_some_pages_is_reported_once_for_the_site():
    without_icp = footer(icp="")
    [found] = check(good_pages(inner_foot=without_icp))
    assert (found.check, found.target, found.url) == ("footer_missing", "ICP备案号", "https://www.test.gov.cn/")
    assert found.detail["pages"] == 2 and found.detail["pages_checked"] == 3 and found.detail["element"] == "icp"
    assert found.detail["examples"] == ["https://www.test.gov.cn/tzgg/", "https://www.test.gov.cn/tzgg/1.html"]


@pytest.mark.rule("SUP-03")
def test_each_missing_element_is_reported():
    bare = footer(sponsor="", contact="", code="", icp="", police="", extra="")
    found = {o.target: o for o in check(good_pages(foot=bare))}
    assert set(found) == {"主办单位", "联系方式", "网站标识码", "ICP备案号", "公安机关备案号", "党政机关网站标识",
                          "我为政府网站找错"}
    assert all(o.url == "https://www.test.gov.cn/" for o in found.values())
    assert found["我为政府网站找错"].detail["pages_checked"] == 1  # the home page's entry is what counts
    assert found["联系方式"].detail["pages"] == 3


def test_badge_and_error_report_are_required_only_when_they_apply():
    bare_extra = footer(extra="")
    found = check(good_pages(foot=bare_extra), has_site_mark=False, is_portal=False)
    assert found == []


def test_elements_in_other_wordings_are_recognised():
    alternative = footer(sponsor="测试市人民政府办公室 主办", contact='<a href="/lxwm/">联系我们</a>',
                         code="政府网站标识码 1401000001", police="晋公网安备14010502000123号",
                         extra='<img src="/images/dzjg.png" alt="党政机关"><a href="/jiucuo/">我为政府网站找错</a>')
    assert check(good_pages(foot=alternative)) == []


def test_a_sponsor_mentioned_in_an_article_is_not_a_footer_sponsor():
    html = parse(doc("<p>本次活动由市政府主办的文化节组成。</p>"))
    assert identity.sponsor_of(html) == ""
    assert identity.sponsor_of(parse(doc("<p>主办单位：</p><p>测试市人民政府办公室</p>"))) == "测试市人民政府办公室"


@pytest.mark.rule("SUP-03")
def test_values_that_differ_from_the_registry():
    wrong = footer(sponsor="主办单位：某某县人民政府", code="网站标识码：1401000002", icp="晋ICP备87654321号",
                   police="晋公网安备 14010502000999号")
    pages = good_pages(foot=wrong)
    pages[0] = home(doc(wrong, head=SITE_META.replace("1401000001", "1401000009")))
    found = {o.target: o for o in check(pages) if o.check == "identity_mismatch"}
    assert set(found) == {"网站标识码", "SiteIDCode", "ICP备案号", "公安机关备案号", "主办单位"}
    assert found["网站标识码"].detail["found"] == ["1401000002"]
    assert found["网站标识码"].detail["expected"] == "1401000001" and found["网站标识码"].detail["reason"] == "differs"
    assert found["SiteIDCode"].url == "https://www.test.gov.cn/" and found["SiteIDCode"].detail["pages"] == 1
    assert found["主办单位"].evidence == "主办单位：某某县人民政府"


@pytest.mark.rule("SUP-03")
def test_a_filing_number_cut_short_by_a_broken_page_is_neither_missing_nor_different():
    """Tag soup that ends inside the footer shows a number cut off: the element is there, and a
    prefix of the registered number is not another number."""
    cut = footer(icp="晋ICP备1234", police="晋公网安备 14010502<p>截断<!-- 未结束的注释", extra="")
    pages = good_pages()
    pages.append(page("/tzgg/2.html", doc("<h1>通知</h1><p>正文。</p>" + cut, head=SITE_META + ARTICLE_META)))
    assert [o for o in check(pages) if o.target in ("ICP备案号", "公安机关备案号")] == []
    # written without 号, the national 14 digits are a whole number, and a different one is reported
    other = footer(police="晋公网安备 14010502000999")
    assert [o.target for o in check(good_pages(foot=other)) if o.check == "identity_mismatch"] == ["公安机关备案号"]
    assert identity.police_filing_of(parse(doc("<p>晋公网安备 14010502000123</p>"))) == "晋公网安备14010502000123"


def test_icp_site_suffix_and_spacing_do_not_make_a_mismatch():
    assert identity._icp_equal("晋ICP备12345678号-1", "晋ICP备12345678号")
    assert identity._icp_equal("晋ICP备 12345678号", "晋icp备12345678号")
    assert not identity._icp_equal("晋ICP备12345678号-2", "晋ICP备12345678号-1")
    assert not identity._icp_equal("京ICP备12345678号", "晋ICP备12345678号")


@pytest.mark.rule("SUP-03")
def test_identifier_codes_not_of_the_national_form_are_flagged_even_without_a_registered_code():
    found = check(good_pages(foot=footer(code="网站标识码：12345")), identifier_code="")
    [mismatch] = [o for o in found if o.check == "identity_mismatch"]
    assert mismatch.target == "网站标识码" and mismatch.detail["reason"] == "format"
    ministry = check(good_pages(foot=footer(code="网站标识码：bm29000002")), identifier_code="")
    assert [o for o in ministry if o.check == "identity_mismatch"] == []


def test_meta_tags_missing_per_page_kind_and_malformed():
    pages = good_pages()
    pages[1] = page("/tzgg/", doc(rows(("关于开展检查的通知", "2026-07-18")) + footer(), head=SITE_META))
    pages[2] = page("/tzgg/1.html", doc("<h1>通知</h1>" + footer(),
                                        head=SITE_META + ARTICLE_META.replace("2026-07-18 09:30", "2026/07/18")))
    pages.append(page("/about.html", doc("<p>关于我们</p>" + footer(),
                                         head=SITE_META.replace('"1401000001"', '"14-01"'))))
    found = {o.target: o for o in check(pages) if o.check == "meta_missing"}
    assert set(found) == {"ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType", "PubDate", "SiteIDCode"}
    assert found["ColumnName"].detail["examples"] == ["https://www.test.gov.cn/tzgg/"]
    assert found["ColumnName"].detail["missing"] == 1 and found["ColumnName"].detail["pages_checked"] == 1
    assert found["PubDate"].detail == {"missing": 0, "invalid": 1, "pages": 1, "pages_checked": 1,
                                       "examples": ["https://www.test.gov.cn/tzgg/1.html"]}
    assert found["SiteIDCode"].detail["invalid"] == 1 and found["SiteIDCode"].detail["examples"][0].endswith("/about.html")
    assert {o.url for o in found.values()} == {"https://www.test.gov.cn/"}


def test_a_site_without_any_47_tags_gets_one_observation_per_tag():
    pages = [home(doc(footer())), page("/x.html", doc("<p>页面</p>" + footer()))]
    found = [o for o in check(pages) if o.check == "meta_missing"]
    assert sorted(o.target for o in found) == ["SiteDomain", "SiteIDCode", "SiteName"]
    assert all(o.detail["missing"] == 2 for o in found)


def test_thresholds_come_from_the_profile():
    limits = identity.thresholds()
    assert limits.footer_required == ("sponsor", "contact", "identifier_code", "icp", "police_filing")
    assert limits.identifier_pattern.fullmatch("bm29000002") and not limits.identifier_pattern.fullmatch("310000000044")
    assert "PubDate" in limits.meta_article
