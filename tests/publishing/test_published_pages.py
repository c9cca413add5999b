"""The pages the pipeline publishes from real registry and library data: every HTML file is
valid HTML5, carries the site's registered identity (REG-05, REG-17, REG-18) and the 47号 meta
tags (PUB-05), and every internal link of the published site resolves to a published file."""

import datetime as dt
import posixpath
from urllib.parse import unquote, urlsplit

import html5lib
import pytest

from govsites.content.actions import ArchiveItem
from govsites.content.columns import ColumnType
from govsites.content.models import InterpretationLink, Placement, SiteRole
from govsites.publishing import paths
from govsites.publishing.pipeline import publish_site
from govsites.registry.models import Site
from tests.conftest import actor
from tests.content.library_helpers import column, member
from tests.publishing.conftest import fill, live_item

IDENTITY = {
    "site_code": "1401000123",
    "icp_number": "澜ICP备20260001号-1",
    "public_security_number": "澜公网安备99010002000123号",
    "site_mark_number": "bm99000123",
    "sponsor_name": "青岚市统计局",
    "operator_name": "青岚市大数据中心",
    "contact_phone": "0351-1234567",
    "contact_email": "tjj@qinglan.gov.cn",
}


def parse(data: bytes):
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(data)


@pytest.fixture
def published(estate, front, clock):
    site = estate.stats_site
    Site.objects.filter(pk=site.pk).update(**IDENTITY)
    site.refresh_from_db()
    fill(site, ColumnType.NEWS, 25)
    policy = live_item(site, column(site, ColumnType.POLICIES), "青岚市统计数据质量管理办法",
                       dt.datetime(2026, 2, 1, 8, tzinfo=dt.UTC), kind="policy", index_number="011240000/2026-00001",
                       issuing_body="青岚市统计局", document_number="青统发〔2026〕1号", written_on=dt.date(2026, 1, 28),
                       subject="03.03")
    reading = live_item(site, column(site, ColumnType.INTERPRETATIONS), "《青岚市统计数据质量管理办法》解读",
                        dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC), kind="interpretation", interpretation_form="text")
    InterpretationLink.objects.create(policy=policy, interpretation=reading)
    old = live_item(site, column(site, ColumnType.NOTICES), "2019年统计年报布置会通知",
                    dt.datetime(2019, 3, 1, 8, tzinfo=dt.UTC))
    ArchiveItem(actor(member("stats_admin", site, SiteRole.SITE_ADMIN)), old).execute()
    other = estate.city_portal
    use = live_item(other, column(other, ColumnType.NEWS), "青岚市召开全市经济工作会议",
                    dt.datetime(2026, 2, 3, 8, tzinfo=dt.UTC))
    Placement.objects.create(item=use, column=column(site, ColumnType.NEWS), site=site)
    publish_site(other, full=True)
    publish_site(site, full=True)
    root = front.path / paths.site_key(site)
    files = {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    return site, files


def html_pages(files):
    return {path: data for path, data in files.items() if path.endswith(".html")}


def meta(doc) -> dict[str, str]:
    return {m.get("name"): m.get("content") for m in doc.iter("meta") if m.get("name")}


def identity_text(doc, name) -> str:
    found = [e for e in doc.iter() if e.get("data-identity") == name]
    return " ".join("".join(e.itertext()) for e in found)


@pytest.mark.rule("PUB-05")
def test_every_published_page_is_valid_html5_with_the_site_meta_tags(published):
    site, files = published
    pages = html_pages(files)
    assert len(pages) > 40
    for path, data in pages.items():
        doc = parse(data)
        tags = meta(doc)
        assert tags["SiteName"] == site.name, path
        assert tags["SiteDomain"] == site.domain, path
        assert tags["SiteIDCode"] == IDENTITY["site_code"], path
        if "/20" in path and "/t20" in path:  # an item page
            assert {"ColumnName", "ColumnType", "ArticleTitle", "PubDate", "ContentSource"} <= set(tags), path
            dt.datetime.strptime(tags["PubDate"], "%Y-%m-%d %H:%M")
            assert "发布时间" in "".join(doc.find(".//main").itertext()), path
        elif path.endswith(("index.html", ".html")) and path.count("/") == 1:  # column pages
            assert {"ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType"} <= set(tags), path


@pytest.mark.rule("REG-05", "REG-17", "REG-18")
def test_every_published_page_shows_the_registered_identity(published):
    site, files = published
    for path, data in html_pages(files).items():
        doc = parse(data)
        header = doc.find(".//header")
        assert header is not None and site.name in "".join(header.itertext()), path  # REG-05
        logo = [e for e in header.iter("img") if e.get("data-identity") == "logo"]
        assert logo and logo[0].get("alt"), path  # REG-17: the estate's unified logo
        footer = doc.find(".//footer")
        assert footer is not None, path
        assert IDENTITY["sponsor_name"] in identity_text(doc, "sponsor"), path
        assert IDENTITY["site_code"] in identity_text(doc, "site-code"), path
        assert IDENTITY["icp_number"] in identity_text(doc, "icp"), path
        assert IDENTITY["public_security_number"] in identity_text(doc, "public-security"), path
        assert IDENTITY["contact_phone"] in identity_text(doc, "contact"), path
        mark = [e for e in footer.iter("a") if e.get("data-identity") == "site-mark"]
        assert mark and IDENTITY["site_mark_number"] in mark[0].get("href"), path
        report = [e for e in footer.iter("a") if e.get("data-identity") == "error-report"]
        assert report and "我为政府网站找错" in "".join(report[0].itertext()), path
        security = [e for e in footer.iter("a") if e.get("data-identity") == "public-security"]
        assert security and "99010002000123" in security[0].get("href"), path  # linked


def test_every_internal_link_of_the_published_site_resolves(published):
    _site, files = published
    for path, data in html_pages(files).items():
        doc = parse(data)
        for element in doc.iter():
            ref = element.get("href") if element.tag in ("a", "link") else element.get("src")
            if not ref or element.tag not in ("a", "link", "img", "script"):
                continue
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc or ref.startswith("#"):
                continue
            if parts.path.startswith("/"):  # error pages link from the site root (served anywhere)
                target = posixpath.normpath(unquote(parts.path).lstrip("/") or ".")
            else:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(parts.path)))
            if ref.endswith("/") or target in (".", ""):
                target = posixpath.join(target, "index.html") if target not in (".", "") else "index.html"
            assert target in files, f"{path} links to {ref} → {target}"


def test_policy_interpretation_archive_and_use_are_published_as_such(published):
    site, files = published
    pages = {p: d.decode() for p, d in html_pages(files).items()}
    policy = next(d for d in pages.values() if "<title>青岚市统计数据质量管理办法 - " in d)
    assert "青统发〔2026〕1号" in policy and "《青岚市统计数据质量管理办法》解读" in policy
    assert "国民经济管理、国有资产监管\\统计" in policy  # the subject's name, not its stored code
    archived = next(d for d in pages.values() if "<title>2019年统计年报布置会通知" in d)
    assert "已归档" in archived
    use = next(d for d in pages.values() if "<title>青岚市召开全市经济工作会议" in d)
    assert "青岚市人民政府门户网站" in use or "青岚市人民政府" in use
    assert "https://www.qinglan.gov.cn/zwdt/202602/t20260203_" in use  # the original's address (CON-04)
