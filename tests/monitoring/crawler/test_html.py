"""Link, text and meta extraction and URL normalisation (govsites.monitoring.html)."""

import pytest

from govsites.monitoring import html
from govsites.monitoring.types import Fetch, Link, Page

BASE = "http://www.example.gov.cn/col/list.html"

PAGE = """<!doctype html>
<html lang="zh-CN"><head>
<title>  某某市人民政府
  门户网站 </title>
<meta name="SiteName" content="某某市人民政府">
<meta name="sitename" content="second one is ignored">
<meta name="PubDate" content=" 2026-07-19 10:30 ">
<meta http-equiv="refresh" content="300; URL='/col/list.html?auto=1'">
<link rel="stylesheet" href="/css/main.css"><link rel="icon" href="/favicon.ico">
<script src="https://cdn.example.com/a.js"></script>
<script>var secret = "不应出现在正文";</script>
<style>.x { color: red }</style>
</head><body>
<div class="nav"><a href="../index.html">首页</a> <a href="/col/news/">新闻<b>动态</b></a></div>
<ul>
<li><a href="art1.html#top">关于开展 2026 年度
   政府网站普查的通知</a><span class="date">2026-07-19</span></li>
<li><a href="/files/plan.PDF">规划计划</a> <a href="download.jsp?file=notice.docx">附件</a></li>
<li><a href="https://other.gov.cn:443/page?b=2&amp;a=1">外部链接</a></li>
<li><a href="javascript:void(0)">脚本</a><a href="mailto:x@example.gov.cn">邮件</a>
<a href="tel:12345">电话</a><a href="data:text/html,hi">数据</a><a href="#top">顶部</a><a href="">空</a></li>
</ul>
<img src="/images/logo.png" alt="徽标"><img src="//img.example.gov.cn/b.gif">
<iframe src="/embed/map.html"></iframe>
<form action="/search"><input name="q"></form>
<object data="/media/intro.swf"></object>
<noscript>请启用脚本</noscript>
<p>习近<b>平</b>总书记</p>
</body></html>"""


def doc():
    return html.parse(PAGE, BASE)


def test_links_are_absolute_normalised_and_typed():
    links = doc().links()
    by_url = {link.url: link for link in links}
    assert by_url["http://www.example.gov.cn/index.html"] == Link(
        url="http://www.example.gov.cn/index.html", kind="a", text="首页"
    )
    assert by_url["http://www.example.gov.cn/col/news/"].text == "新闻动态"
    article = by_url["http://www.example.gov.cn/col/art1.html"]
    assert article.text == "关于开展 2026 年度 政府网站普查的通知"
    assert by_url["http://www.example.gov.cn/files/plan.PDF"].attachment
    assert by_url["http://www.example.gov.cn/col/download.jsp?file=notice.docx"].attachment
    assert not article.attachment
    assert "https://other.gov.cn/page?b=2&a=1" in by_url  # default port dropped, query order kept
    kinds = {link.url: link.kind for link in links}
    assert kinds["http://www.example.gov.cn/css/main.css"] == "css"
    assert kinds["https://cdn.example.com/a.js"] == "script"
    assert kinds["http://www.example.gov.cn/images/logo.png"] == "img"
    assert by_url["http://www.example.gov.cn/images/logo.png"].text == "徽标"
    assert kinds["http://img.example.gov.cn/b.gif"] == "img"
    assert kinds["http://www.example.gov.cn/embed/map.html"] == "iframe"
    assert kinds["http://www.example.gov.cn/search"] == "form"
    assert kinds["http://www.example.gov.cn/media/intro.swf"] == "embed"
    assert kinds["http://www.example.gov.cn/col/list.html?auto=1"] == "meta_refresh"
    assert "http://www.example.gov.cn/favicon.ico" not in kinds  # only stylesheets of <link>
    assert not any(u.startswith(("javascript", "mailto", "tel", "data")) for u in kinds)
    assert BASE not in kinds  # "#top" and "" point at the page itself


def test_base_href_changes_resolution():
    page = html.parse(
        '<html><head><base href="http://static.example.gov.cn/root/"></head>'
        '<body><a href="a.html">a</a></body></html>',
        BASE,
    )
    assert [link.url for link in page.links()] == ["http://static.example.gov.cn/root/a.html"]


def test_visible_text_leaves_out_scripts_and_styles_and_keeps_words_whole():
    text = doc().text()
    assert "关于开展 2026 年度 政府网站普查的通知" in text
    assert "习近平总书记" in text  # inline markup does not split words
    assert "不应出现在正文" not in text and "color: red" not in text
    assert "请启用脚本" not in text
    assert "首页 新闻动态" in text.splitlines()


def test_title_lang_and_meta_tags():
    page = doc()
    assert page.title == "某某市人民政府 门户网站"
    assert page.lang == "zh-CN"
    assert page.meta("sitename") == "某某市人民政府"  # case-insensitive, first one wins
    assert page.meta("PUBDATE") == "2026-07-19 10:30"
    assert page.meta("ColumnName") is None
    bare = html.parse("<p>没有头部</p>")
    assert (bare.title, bare.lang, bare.metas()) == ("", "", {})


def test_document_is_parsed_once_per_page_and_release_keeps_extractions():
    page = Page(fetch=Fetch(url=BASE, final_url=BASE, status=200, text=PAGE))
    first = html.document(page)
    assert html.document(page) is first
    tree = first.tree
    assert first.tree is tree
    links = first.links()
    first.release()
    assert first.links() is links
    assert first.tree is not tree  # parsed again on demand
    assert html.document(Page(fetch=Fetch(url=BASE, status=404))) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://WWW.Example.GOV.CN:80/a/./b/../c.html#frag", "http://www.example.gov.cn/a/c.html"),
        ("https://example.gov.cn:443", "https://example.gov.cn/"),
        ("https://example.gov.cn:8443/x?b=1&a=2", "https://example.gov.cn:8443/x?b=1&a=2"),
        ("http://example.gov.cn./..", "http://example.gov.cn/"),
        ("http://[::1]:8080/p", "http://[::1]:8080/p"),
        ("ftp://example.gov.cn/a", None),
        ("http://", None),
        ("http://example.gov.cn:99999/", None),
    ],
)
def test_normalize_url(url, expected):
    assert html.normalize_url(url) == expected


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("../up.html", "http://www.example.gov.cn/up.html"),
        ("//cdn.example.com/x.js", "http://cdn.example.com/x.js"),
        ("  /a\n/b.html ", "http://www.example.gov.cn/a/b.html"),
        ("?page=2", "http://www.example.gov.cn/col/list.html?page=2"),
        ("JavaScript:alert(1)", None),
        ("weixin://dl/chat", None),
        ("#", None),
        ("a:b/c.html", None),
        ("/x:y.html", "http://www.example.gov.cn/x:y.html"),
    ],
)
def test_absolute(href, expected):
    assert html.absolute(href, BASE) == expected


def test_attachment_and_extension():
    assert html.extension("http://a.gov.cn/x/report.XLSX?v=1") == "xlsx"
    assert html.extension("http://a.gov.cn/x/") == ""
    assert html.extension("http://a.gov.cn/.hidden") == ""
    assert html.is_attachment("http://a.gov.cn/f/a.ofd")
    assert html.is_attachment("http://a.gov.cn/f/get?name=%E9%80%9A%E7%9F%A5.wps")
    assert not html.is_attachment("http://a.gov.cn/f/index.html?print=pdf")
    assert not html.is_attachment("http://a.gov.cn/f/image.png")


def test_malformed_html_still_yields_links_and_text():
    broken = "<html><body><a href='/a.html'<<<>>>< div><a href=\"/b.html\">乙<p>未闭合<table><td>单元</a></tr></html></body>"
    page = html.parse(broken, BASE)
    urls = [link.url for link in page.links()]
    assert "http://www.example.gov.cn/b.html" in urls
    assert "未闭合" in page.text() and "单元" in page.text()
    assert html.parse("", BASE).links() == [] and html.parse("", BASE).text() == ""


HOME = "http://www.example.gov.cn/"


@pytest.mark.parametrize(
    "markup, expected",
    [
        ('<script>window.location.href = "/portal/index.html";</script>', HOME + "portal/index.html"),
        ("<script>top.location.replace('https://www.example.gov.cn/p/')</script>", "https://www.example.gov.cn/p/"),
        ("<script>location = '/a.html'</script>", HOME + "a.html"),
        # a stub choosing by user agent: a desktop browser goes to the other target
        ("<script>if (isPhone) { location.href = '/m/index.html' } else { location.href = '/pc/' }</script>",
         HOME + "pc/"),
        ("<script>if (isPhone) { location.href = 'http://m.example.gov.cn/' }</script>", "http://m.example.gov.cn/"),
        ('<meta http-equiv="Refresh" content="0; URL=/col/index.html">', HOME + "col/index.html"),
        ('<meta http-equiv="refresh" content="3;url=\'/col/\'">' + "<p>" + "正文" * 200 + "</p>", HOME + "col/"),
        # not redirects: a slow auto-reload, computed or foreign targets, a page with content
        ('<meta http-equiv="refresh" content="300; url=/col/">', None),
        ('<meta http-equiv="refresh" content="0">', None),
        ('<script>location.href = base + "/x.html"</script>', None),
        ('<script>frame.location = "/x.html"; var location2 = "/y.html"</script>', None),
        ('<script src="/go.js"></script>', None),
        ("<p>" + "政务公开" * 40 + "</p><script>location.href = '/x.html'</script>", None),
        ("".join(f'<a href="/{n}.html">栏目{n}</a>' for n in range(5)) + "<script>location.href='/x.html'</script>", None),
        ("<script>location.href = '/'</script>", None),  # itself
    ],
)
def test_client_redirect_of_stub_pages(markup, expected):
    assert html.Document(f"<html><head></head><body>{markup}</body></html>", HOME).client_redirect() == expected
