"""The front templates, rendered from the sample site (no database): valid HTML5, the identity
elements and 47号 meta tags on every page, no third-party or inline code, links that resolve, feeds
and sitemaps that parse, the three-colour palette."""

import dataclasses
import datetime as dt
import hashlib
import posixpath
import re
import xml.etree.ElementTree as ET
from functools import cache
from urllib.parse import urlsplit

import html5lib
import pytest

from govsites.publishing import paths, render, samples
from govsites.publishing.context import PUB_DATE_FORMAT, FeedEntry

SITE = samples.sample_site()
PAGES = samples.sample_pages()
PAGE_IDS = [page.path for page in PAGES]


@cache
def outputs():
    return samples.sample_outputs()


@cache
def parsed(path):
    """The page's DOM; html5lib in strict mode raises on any parse error."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(outputs()[path].decode("utf-8"))


def page_of(variant):
    return samples.sample_page(variant)


def text(element):
    return "".join(element.itertext())


def metas(doc):
    return {m.get("name"): m.get("content") for m in doc.iter("meta") if m.get("name")}


def identity(doc, name):
    found = [e for e in doc.iter() if e.get("data-identity") == name]
    assert len(found) <= 1, f"{name} appears {len(found)} times"
    return found[0] if found else None


def inside(doc, tag, element):
    """Whether ``element`` is a descendant of a ``tag`` element that is a child of <body>."""
    body = doc.find("body")
    return any(element in container.iter() for container in body.findall(tag))


def resolve(page_path, ref):
    """The output path a relative link points at (folder links → their index page); None for
    external links, ``mailto:`` and in-page fragments."""
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), parts.path))
    assert not target.startswith(".."), f"{ref} leaves the site from {page_path}"
    if parts.path.endswith("/"):
        target = paths.HOME if target == "." else f"{target}/{paths.HOME}"
    return target


# -- document structure ------------------------------------------------------------------------


@pytest.mark.rule("PUB-05")
@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_every_page_is_valid_html5(page):
    html = outputs()[page.path].decode("utf-8")
    assert html.startswith("<!DOCTYPE html>\n")
    doc = parsed(page.path)  # strict: raises on any parse error
    assert doc.get("lang") == "zh-CN"
    head = doc.find("head")
    assert head.find("meta").get("charset") == "utf-8", "charset must be the first meta"
    assert any(m.get("name") == "viewport" and "width=device-width" in m.get("content") for m in head.iter("meta"))
    expected = SITE.name if page.kind == "home" else f"{page.title} - {SITE.name}"
    assert text(head.find("title")) == expected
    body = doc.find("body")
    first_link = next(body.iter("a"))
    assert first_link.get("href") == "#main" and text(first_link) == "跳到主要内容"
    assert [m.get("id") for m in body.iter("main")] == ["main"]
    assert len(body.findall("header")) == 1 and len(body.findall("footer")) == 1
    assert len([h for h in body.iter("h1")]) == 1, "exactly one h1 per page"


@pytest.mark.rule("REG-05", "REG-17", "REG-18")
@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_identity_elements_on_every_page(page):
    doc = parsed(page.path)
    site = page.site

    logo = identity(doc, "logo")  # REG-17: the estate's unified logo, named after the estate
    assert logo.tag == "img" and logo.get("alt") == site.estate_name
    assert resolve(page.path, logo.get("src")) == render.asset_path("logo.svg")
    assert inside(doc, "header", logo)

    name = identity(doc, "site-name")  # REG-05: the full name, in the header identity area
    assert text(name) == site.name and inside(doc, "header", name)
    assert resolve(page.path, name.get("href")) == paths.HOME

    footer = {key: identity(doc, key) for key in (
        "sponsor", "operator", "contact", "site-code", "icp", "public-security", "site-mark", "error-report")}
    for key, element in footer.items():  # REG-18: all in the bottom function area
        assert element is not None, f"{key} missing"
        assert inside(doc, "footer", element), f"{key} outside the footer"
    assert text(footer["sponsor"]) == f"主办单位：{site.sponsor}"
    assert text(footer["operator"]) == f"承办单位：{site.operator}"
    contact = text(footer["contact"])
    assert site.contact_phone in contact and site.contact_email in contact and site.contact_address in contact
    assert text(footer["site-code"]) == f"网站标识码：{site.site_code}"
    assert text(footer["icp"]) == site.icp_number and footer["icp"].get("href") == "https://beian.miit.gov.cn/"
    security = footer["public-security"]
    assert text(security) == site.public_security_number and security.get("href") == site.public_security_url
    assert resolve(page.path, security.find("img").get("src")) == render.asset_path("beian.svg")
    mark = footer["site-mark"]
    assert mark.get("href") == site.site_mark_url
    assert mark.find("img").get("alt") == "党政机关网站标识"
    assert resolve(page.path, mark.find("img").get("src")) == render.asset_path("site-mark.svg")
    assert text(footer["error-report"]) == "我为政府网站找错"
    assert footer["error-report"].get("href") == site.error_report_url


@pytest.mark.rule("REG-18")
def test_optional_footer_parts_are_left_out_when_not_granted():
    site = dataclasses.replace(SITE, operator="", site_mark_number="", site_mark_url="",
                               public_security_number="", public_security_url="")
    page = dataclasses.replace(page_of("article"), site=site)
    doc = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(render.render_page(page).decode())
    for key in ("operator", "site-mark", "public-security"):
        assert identity(doc, key) is None
    for key in ("sponsor", "contact", "site-code", "icp", "error-report", "logo", "site-name"):
        assert identity(doc, key) is not None


def test_a_filing_number_without_its_page_is_shown_unlinked():
    site = dataclasses.replace(SITE, public_security_url="")
    html = render.render_page(dataclasses.replace(page_of("home"), site=site)).decode()
    doc = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)
    security = identity(doc, "public-security")
    assert security.tag == "span" and text(security) == site.public_security_number


@pytest.mark.rule("PUB-05")
@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_47_meta_tags(page):
    meta = metas(parsed(page.path))
    assert meta["SiteName"] == SITE.name
    assert meta["SiteDomain"] == SITE.domain
    assert meta["SiteIDCode"] == SITE.site_code
    column_tags = {"ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType"}
    article_tags = {"ArticleTitle", "PubDate", "ContentSource"}
    if page.kind in ("column", "item"):
        column = page.column
        assert meta["ColumnName"] == column.name
        assert meta["ColumnDescription"] == column.description
        assert meta["ColumnKeywords"] == column.keywords
        assert meta["ColumnType"] == column.column_type
    else:
        assert not column_tags & meta.keys()
    if page.kind == "item":
        item = page.item
        assert meta["ArticleTitle"] == item.title
        assert meta["ContentSource"] == item.content_source
        assert dt.datetime.strptime(meta["PubDate"], PUB_DATE_FORMAT) == item.published.replace(tzinfo=None)
    else:
        assert not article_tags & meta.keys()


@pytest.mark.rule("PUB-05")
@pytest.mark.parametrize("page", [p for p in PAGES if p.kind == "item"], ids=lambda p: p.path)
def test_item_pages_show_the_publication_time(page):
    shown = render.pubdate(page.item.published)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", shown)
    meta_line = next(p for p in parsed(page.path).iter("p") if p.get("class") == "article-meta")
    assert f"发布时间：{shown}" in text(meta_line)
    assert f"来源：{page.item.content_source}" in text(meta_line)


def test_publication_times_are_shown_in_shanghai_time():
    utc = dt.datetime(2026, 3, 4, 1, 30, tzinfo=dt.UTC)
    assert render.pubdate(utc) == "2026-03-04 09:30"
    assert render.date(dt.datetime(2026, 3, 3, 16, 30, tzinfo=dt.UTC)) == "2026-03-04"
    item = dataclasses.replace(page_of("article").item, published=utc)
    html = render.render_page(dataclasses.replace(page_of("article"), item=item)).decode()
    assert '<meta name="PubDate" content="2026-03-04 09:30">' in html
    assert "发布时间：<time datetime=\"2026-03-04T09:30+08:00\">2026-03-04 09:30</time>" in html


# -- no third-party or inline code, links resolve ---------------------------------------------------


RESOURCE_ATTRS = {"script": "src", "img": "src", "source": "src", "iframe": "src", "video": "src",
                  "audio": "src", "embed": "src", "object": "data"}


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_no_inline_code_and_nothing_from_other_hosts(page):
    doc = parsed(page.path)
    allowed_anchors = {render.ICP_URL, SITE.public_security_url, SITE.site_mark_url, SITE.error_report_url,
                       f"mailto:{SITE.contact_email}"}
    if page.item and page.item.source_url:
        allowed_anchors.add(page.item.source_url)
    for element in doc.iter():
        assert element.get("style") is None, f"style attribute on <{element.tag}>"
        assert not any(name.startswith("on") for name in element.attrib), f"event handler on <{element.tag}>"
        assert element.get("target") is None, "no new windows"
        if element.tag == "script":
            assert element.get("src") and not (element.text or "").strip(), "inline script"
        if element.tag == "style":
            pytest.fail("inline <style>")
        if element.tag == "iframe":
            pytest.fail("no frames")
        attr = RESOURCE_ATTRS.get(element.tag)
        if attr and element.get(attr):
            assert resolve(page.path, element.get(attr)), f"<{element.tag} {attr}={element.get(attr)}> is external"
        if element.tag == "link":
            rel = element.get("rel")
            if rel == "canonical":
                assert element.get("href") == render.site_url(SITE, page.path)
            else:
                assert resolve(page.path, element.get("href")), f"<link rel={rel}> is external"
        if element.tag == "a" and urlsplit(element.get("href", "")).scheme:
            assert element.get("href") in allowed_anchors, f"unexpected external link {element.get('href')}"


def test_assets_hold_no_external_references():
    for path, content in render.asset_files().items():
        if path.endswith((".css", ".js")):
            source = content.decode()
            assert "http:" not in source and "https:" not in source and "//" not in source.replace("://", ""), path
            assert "@import" not in source and "@font-face" not in source
            assert "eval(" not in source and "innerHTML" not in source


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_every_relative_link_resolves(page):
    doc = parsed(page.path)
    files = outputs()
    for element in doc.iter():
        for attr in ("href", "src"):
            ref = element.get(attr)
            if ref is None:
                continue
            target = resolve(page.path, ref)
            if target is not None:
                assert target in files, f"<{element.tag} {attr}={ref}> → {target} does not exist"
            elif ref.startswith("#"):
                assert any(e.get("id") == ref[1:] for e in doc.iter()), f"no #{ref[1:]} on the page"


def test_body_links_are_relative_to_their_page():
    """Body images of a map item live under images/; the sample body links them relatively."""
    page = page_of("map")
    img = next(i for i in parsed(page.path).iter("img") if "images/" in i.get("src"))
    assert resolve(page.path, img.get("src")) == paths.image_file("qinglan-standard-map.svg")


def test_assets_are_content_hashed_and_the_stylesheet_points_at_hashed_files():
    files = render.asset_files()
    names = {posixpath.basename(p) for p in files}
    for path, content in files.items():
        assert re.fullmatch(r"assets/[a-z-]+\.[0-9a-f]{8}\.(css|js|svg)", path), path
        assert path.split(".")[-2] == hashlib.sha256(content).hexdigest()[:8]
    css = files[render.asset_path("site.css")].decode()
    refs = re.findall(r"url\(\"?([^\")]+)\"?\)", css)
    assert refs and all(ref in names for ref in refs), refs
    assert {"site.css", "site.js", "logo.svg", "site-mark.svg", "beian.svg"} <= {
        re.sub(r"\.[0-9a-f]{8}\.", ".", n) for n in names}
    assert render.asset_files() == files, "computed once, stable"


def test_site_url():
    assert render.site_url(SITE, "index.html") == "https://www.qinglan.gov.cn/"
    assert render.site_url(SITE, "zwdt/index.html") == "https://www.qinglan.gov.cn/zwdt/"
    assert render.site_url(SITE, "zwdt/list_1.html") == "https://www.qinglan.gov.cn/zwdt/list_1.html"
    assert render.site_url(dataclasses.replace(SITE, domain=""), "index.html") == ""


# -- the page types and their variants ---------------------------------------------------------------


def test_autoescaping():
    hostile = "<script>alert(1)</script>"
    page = page_of("article")
    item = dataclasses.replace(page.item, title=hostile, content_source=hostile)
    html = render.render_page(dataclasses.replace(page, title=hostile, item=item)).decode()
    assert hostile not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    feed = render.render_feed(SITE, page.column, [FeedEntry(hostile, "https://x/", item.published, "")], "")
    assert hostile.encode() not in feed


def test_missing_values_fail_loudly():
    with pytest.raises(ValueError, match="unknown page kind"):
        render.render_page(dataclasses.replace(page_of("article"), kind="news"))
    with pytest.raises(Exception):  # noqa: B017  (StrictUndefined or AttributeError: either is loud)
        render.render_page(dataclasses.replace(page_of("article"), item=None))


def test_article_and_breadcrumbs():
    page = page_of("article")
    doc = parsed(page.path)
    crumbs = [text(li) for li in doc.find(".//nav[@class='breadcrumbs']/ol").findall("li")]
    assert crumbs == ["首页", "政务动态", "正文"]
    assert [text(h) for h in doc.iter("h1")] == [page.item.title]
    assert "作者：" in outputs()[page.path].decode()


@pytest.mark.rule("CON-04")
def test_a_repost_names_and_links_its_source():
    page = page_of("repost")
    repost = next(p for p in parsed(page.path).iter("p") if p.get("class") == "repost")
    assert text(repost) == f"转载自：{page.item.source_name}"
    assert repost.find("a").get("href") == page.item.source_url
    column = parsed(page_of("column").path)
    line = next(li for li in column.iter("li") if text(li).startswith(page.item.title))
    assert f"来源：{page.item.source_name}" in text(line)


@pytest.mark.rule("REG-15")
def test_archived_item_and_column_say_so():
    for variant, notice in (("archived-item", page_of("archived-item").item.archived_notice),
                            ("archived-column", page_of("archived-column").column.archived_notice)):
        doc = parsed(page_of(variant).path)
        box = next(d for d in doc.iter("div") if "notice-archived" in (d.get("class") or ""))
        assert text(box) == notice and "已归档" in notice and "2026-01-15" in notice
    column = parsed(page_of("archived-column").path)
    assert any(text(s) == "已归档" for s in column.iter("span") if s.get("class") == "tag")


@pytest.mark.rule("CON-10", "CON-07")
def test_policy_shows_disclosure_metadata_attachments_and_interpretations():
    page = page_of("policy")
    doc = parsed(page.path)
    table = next(t for t in doc.iter("table") if t.get("class") == "disclosure")
    rows = [(row.find("th"), row.find("td")) for row in table.iter("tr")]
    assert [(th.get("scope"), text(th), text(td)) for th, td in rows] == [
        ("row", label, value) for label, value in page.item.disclosure]
    attachments = doc.find(".//section[@class='attachments']")
    assert [text(a) for a in attachments.iter("a")] == [a.title for a in page.item.attachments]
    assert "（PDF，1.2 MB）" in text(attachments)
    related = doc.find(".//section[@class='related']")
    assert text(related.find("h2")) == "相关解读"
    link = related.find(".//a")
    assert resolve(page.path, link.get("href")) == page_of("interpretation").path

    interpretation = parsed(page_of("interpretation").path)
    back = interpretation.find(".//section[@class='related']//a")
    assert resolve(page_of("interpretation").path, back.get("href")) == page.path


@pytest.mark.rule("CON-10")
def test_repealed_policy_shows_its_validity():
    doc = parsed(page_of("repealed").path)
    box = next(d for d in doc.iter("div") if "notice-validity" in (d.get("class") or ""))
    assert "已废止" in text(box)


@pytest.mark.rule("CON-06")
def test_map_shows_its_approval_number():
    page = page_of("map")
    line = next(p for p in parsed(page.path).iter("p") if p.get("class") == "map-approval")
    assert text(line) == f"审图号：{page.item.map_approval_number}"


def test_column_index_links_every_stable_page_and_stable_pages_link_their_neighbours():
    index = page_of("column")
    pager = parsed(index.path).find(".//nav[@class='pager']")
    assert text(pager.find("h2")) == "更早的信息"
    assert [resolve(index.path, a.get("href")) for a in pager.iter("a")] == [p for _, p in index.listing.pages]
    listing = parsed(index.path).find(".//ul[@class='item-list item-list-column']")
    assert len(listing.findall("li")) == len(index.listing.items)

    stable = page_of("list")  # page 1: the oldest, so only a newer neighbour
    links = {text(a): resolve(stable.path, a.get("href"))
             for a in parsed(stable.path).find(".//nav[@class='pager']").iter("a")}
    assert links == {"较新的信息": stable.listing.newer_path, "栏目首页": stable.column.path}
    newest_stable = next(p for p in PAGES if p.path == "zwdt/list_2.html")
    links = {text(a): resolve(newest_stable.path, a.get("href"))
             for a in parsed(newest_stable.path).find(".//nav[@class='pager']").iter("a")}
    assert links["较早的信息"] == "zwdt/list_1.html" and links["较新的信息"] == "zwdt/index.html"


def test_home_shows_announcements_and_key_column_blocks():
    page = page_of("home")
    doc = parsed(page.path)
    sections = doc.findall(".//main//section")
    assert text(sections[0].find("h2")) == "网站公告"
    blocks = [s for s in sections if s.get("class") == "block"]
    assert [text(b.find(".//h2")) for b in blocks] == [b.column.name for b in page.blocks]
    for block, section in zip(page.blocks, blocks, strict=True):
        more = section.find(".//a[@class='more']")
        assert text(more) == f"更多{block.column.name}"
        assert resolve(page.path, more.get("href")) == block.column.path
        assert all(text(time) for time in section.iter("time")), "every item shows its date"


def test_nav_marks_the_current_section():
    html = outputs()[page_of("policy").path].decode()
    assert '<a href="../../" class="in-section">政府信息公开</a>' in html
    assert '<a href="./" aria-current="page">政务动态</a>' in outputs()["zwdt/index.html"].decode()


@pytest.mark.parametrize("variant, heading", [("not-found", "抱歉，您访问的页面不存在"),
                                              ("server-error", "抱歉，网站暂时无法访问")])
def test_error_pages(variant, heading):
    page = page_of(variant)
    doc = parsed(page.path)
    assert text(next(doc.iter("h1"))) == heading
    home = next(a for a in doc.find("body/main").iter("a") if text(a) == "返回首页")
    assert resolve(page.path, home.get("href")) == paths.HOME
    assert not any(link.get("rel") == "canonical" for link in doc.iter("link"))


def test_error_pages_may_link_by_absolute_path_to_work_at_any_depth():
    """The front serves 404.html at the URL that was not found, where relative links miss."""
    page = dataclasses.replace(page_of("not-found"), extra={"root": "/"})
    doc = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(render.render_page(page).decode())
    refs = [e.get("href") or e.get("src") for e in doc.iter() if e.tag in ("a", "link", "img", "script")]
    internal = [r for r in refs if not urlsplit(r).scheme]
    assert internal and all(r.startswith("/") or r == "#main" for r in internal), internal
    assert "/assets/site." in outputs_of(page) and 'href="/zwdt/"' in outputs_of(page)
    assert 'href="#main"' in outputs_of(page), "the skip link stays in-page"
    prefixed = render.render_page(dataclasses.replace(page, extra={"root": "/www.qinglan.gov.cn/"})).decode()
    assert 'href="/www.qinglan.gov.cn/"' in prefixed and "../" not in prefixed
    # the relative rendering of the same folder is not disturbed by the cached absolute one
    assert 'href="assets/site.' in render.render_page(page_of("not-found")).decode()


def outputs_of(page):
    return render.render_page(page).decode()


def test_site_notice_banner():
    site = dataclasses.replace(SITE, notice="本网站将于2026年4月1日起迁移至新域名。")
    html = render.render_page(dataclasses.replace(page_of("home"), site=site)).decode()
    assert '<div class="site-notice" role="note"><p class="wrap">本网站将于2026年4月1日起迁移至新域名。</p></div>' in html


# -- feeds and sitemaps -----------------------------------------------------------------------------


RSS_DATE = re.compile(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}")


def test_feeds_are_rss_2():
    feeds = samples.sample_feeds()
    assert set(feeds) == {c.feed_path for c in samples.COLUMNS.values()}
    root = ET.fromstring(feeds["zwdt/rss.xml"])
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("title") == f"政务动态 - {SITE.name}"
    assert channel.findtext("link") == "https://www.qinglan.gov.cn/zwdt/"
    assert channel.find("{http://www.w3.org/2005/Atom}link").get("href") == "https://www.qinglan.gov.cn/zwdt/rss.xml"
    items = channel.findall("item")
    assert len(items) == 12
    assert items[0].findtext("title") == "青岚市召开2026年优化营商环境工作推进会"
    assert items[0].findtext("pubDate") == "Wed, 04 Mar 2026 09:30:00 +0800"
    assert channel.findtext("lastBuildDate") == items[0].findtext("pubDate")
    for item in items:
        assert RSS_DATE.fullmatch(item.findtext("pubDate"))
        assert item.findtext("guid") == item.findtext("link")
        assert resolve("index.html", urlsplit(item.findtext("link")).path.lstrip("/")) in outputs()


def test_sitemaps():
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    sitemaps = samples.sample_sitemaps()
    index = ET.fromstring(sitemaps[paths.SITEMAP_INDEX])
    assert index.tag == f"{ns}sitemapindex"
    locs = [s.findtext(f"{ns}loc") for s in index.findall(f"{ns}sitemap")]
    assert "https://www.qinglan.gov.cn/sitemap/202603.xml" in locs
    month = ET.fromstring(sitemaps["sitemap/202603.xml"])
    urls = {u.findtext(f"{ns}loc"): u.findtext(f"{ns}lastmod") for u in month.findall(f"{ns}url")}
    assert urls["https://www.qinglan.gov.cn/zwdt/202603/t20260304_1201.html"] == "2026-03-04T09:30:00+08:00"
    for path, content in outputs().items():
        if path.endswith(".xml"):
            ET.fromstring(content)  # every feed and sitemap is well-formed


def test_empty_sitemap_and_feed_are_well_formed():
    ET.fromstring(render.render_sitemap([]))
    ET.fromstring(render.render_sitemap_index([]))
    column = page_of("column").column
    channel = ET.fromstring(render.render_feed(dataclasses.replace(SITE, domain=""), column, [], "")).find("channel")
    assert channel.find("item") is None and channel.find("lastBuildDate") is None


# -- the palette -------------------------------------------------------------------------------------

PALETTE = ("--primary", "--accent", "--surface")
NAMED_COLOURS = {
    "red", "green", "blue", "yellow", "orange", "purple", "pink", "brown", "navy", "teal", "maroon", "olive",
    "lime", "aqua", "cyan", "fuchsia", "magenta", "gold", "indigo", "violet", "crimson", "coral", "salmon",
    "tomato", "orchid", "plum", "khaki", "beige", "tan", "turquoise", "skyblue", "steelblue", "royalblue",
    "darkblue", "darkred", "darkgreen", "lightblue", "lightgreen", "firebrick", "chocolate", "sienna",
}
NEUTRAL_WORDS = {"white", "black", "gray", "grey", "silver", "transparent", "currentcolor"}


def css_source():
    return (render.ASSETS_SOURCE_DIR / "site.css").read_text(encoding="utf-8")


def rgb(literal):
    """(r, g, b) of a hex or rgb()/rgba() literal."""
    literal = literal.lower()
    if literal.startswith("#"):
        digits = literal[1:]
        if len(digits) in (3, 4):
            digits = "".join(c * 2 for c in digits[:3])
        return tuple(int(digits[i:i + 2], 16) for i in (0, 2, 4))
    numbers = re.findall(r"[\d.]+%?", literal)[:3]
    return tuple(round(float(n[:-1]) * 2.55) if n.endswith("%") else int(float(n)) for n in numbers)


def declarations(css):
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    for block in re.findall(r"\{([^{}]*)\}", css):
        for declaration in block.split(";"):
            if ":" in declaration:
                name, value = declaration.split(":", 1)
                yield name.strip(), value.strip()


@pytest.mark.rule("PUB-05")
def test_stylesheet_uses_three_main_colours_and_neutral_greys():
    decls = list(declarations(css_source()))
    colour = re.compile(r"#[0-9a-fA-F]{3,8}\b|rgba?\([^)]*\)|hsla?\([^)]*\)")
    custom = {name: value for name, value in decls if name.startswith("--") and colour.fullmatch(value)}
    assert tuple(custom) == PALETTE, f"the palette is exactly {PALETTE}, found colour properties {list(custom)}"
    palette = {rgb(value) for value in custom.values()}
    assert len(palette) == 3
    for name, value in decls:
        if name.startswith("--"):
            continue
        value = re.sub(r"url\([^)]*\)|\"[^\"]*\"|'[^']*'", "", value)
        assert not re.search(r"hsla?\(", value), f"{name}: {value} (use hex)"
        for literal in colour.findall(value):
            r, g, b = rgb(literal)
            assert (r, g, b) in palette or r == g == b, f"{name}: {value}: {literal} is neither palette nor grey"
        for var in re.findall(r"var\((--[\w-]+)", value):
            assert var in PALETTE, f"{name}: {value}: unknown colour property"
        words = set(re.findall(r"[a-z]+", value.lower()))
        assert not words & NAMED_COLOURS, f"{name}: {value}: named colour"
    assert NEUTRAL_WORDS  # white/black/transparent are neutral and allowed


def contrast(a, b):
    def luminance(colour):
        channels = [c / 255 for c in colour]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.rule("PUB-02")
def test_palette_text_colours_meet_wcag_aa_contrast():
    custom = dict(d for d in declarations(css_source()) if d[0] in PALETTE)
    primary, accent, surface = (rgb(custom[name]) for name in PALETTE)
    white = (255, 255, 255)
    for foreground in (primary, accent, (0x4D, 0x4D, 0x4D), (0x1A, 0x1A, 0x1A), (0x33, 0x33, 0x33)):
        for background in (white, surface):
            assert contrast(foreground, background) >= 4.5, (foreground, background)
    assert contrast(white, primary) >= 4.5 and contrast(white, accent) >= 4.5  # nav, notices, captions
