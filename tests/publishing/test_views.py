"""The 网站发布 admin through real requests: who sees which site, the full rebuild (audited,
CSRF-protected, refused for outsiders), and the preview, which must answer byte for byte what
the publisher wrote to the front and nothing outside the site."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from govsites.audit.models import AuditLogEntry
from govsites.content.columns import ColumnType
from govsites.content.models import SiteRole
from govsites.publishing import paths
from govsites.publishing.loading import SiteData
from govsites.publishing.models import (
    IncidentStatus,
    IntegrityIncident,
    PublishRequest,
    ReleaseStatus,
    SiteRelease,
)
from govsites.publishing.pipeline import publish_site
from govsites.publishing.planning import Planner
from tests.content.library_helpers import column, member
from tests.media import helpers as media
from tests.publishing.conftest import clear_queue, fill, live_item


@pytest.fixture
def desk(estate, clock, front):
    """The city statistics site and the county portal, each with a tree; people around them."""
    stats, county = estate.stats_site, estate.county_portal
    column(stats, ColumnType.NEWS)
    column(county, ColumnType.NEWS)
    column(estate.province_portal, ColumnType.NEWS)
    clear_queue()
    return SimpleNamespace(
        stats=stats, county=county, front=front,
        admin=member("stats_admin", stats, SiteRole.SITE_ADMIN),
        editor=member("stats_editor", stats, SiteRole.EDITOR),
        reviewer=member("stats_reviewer", stats, SiteRole.REVIEWER),
        county_admin=member("county_admin", county, SiteRole.SITE_ADMIN),
        city_office=estate.city_office,  # supervises the city: stats and county
        county_office=estate.county_office,  # supervises the county only
        province_office=estate.province_office,  # estate supervisor: reads (and publishes) everything
        stats_manager=estate.stats_manager,  # registry 网站管理员 of the statistics bureau
    )


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def site_url(site, name="site") -> str:
    return reverse(f"publishing:{name}", args=[site.pk])


def preview_url(site, path: str) -> str:
    return reverse("publishing:preview_home", args=[site.pk]) + path


def rebuilds(site):
    return PublishRequest.objects.filter(site=site, item_id=None)


# -- menu and visibility ------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "shown"), [
    ("admin", True), ("city_office", True), ("stats_manager", True), ("province_office", True),
    ("editor", False), ("reviewer", False),
])
def test_the_menu_shows_for_whoever_may_see_a_sites_publishing(desk, who, shown):
    response = login(getattr(desk, who)).get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    sidebar = text(response)
    assert ('"/admin/publishing/"' in sidebar) is shown
    assert ("\\u7f51\\u7ad9\\u53d1\\u5e03" in sidebar) is shown  # 网站发布


def test_editors_are_refused_the_publishing_pages(desk):
    client = login(desk.editor)
    for url in (reverse("publishing:sites"), site_url(desk.stats)):
        response = client.get(url)
        assert response.status_code == 403 and "您没有访问此页面的权限" in text(response)


@pytest.mark.parametrize(("who", "visible", "hidden"), [
    ("admin", ["stats"], ["county", "province_portal"]),
    ("county_admin", ["county"], ["stats", "province_portal"]),
    ("county_office", ["county"], ["stats", "province_portal"]),
    ("city_office", ["stats", "county"], ["province_portal"]),
    ("stats_manager", ["stats"], ["county", "province_portal"]),
    ("province_office", ["stats", "county", "province_portal"], []),
])
def test_the_site_list_shows_only_visible_sites(desk, estate, who, visible, hidden):
    sites = {"stats": desk.stats, "county": desk.county, "province_portal": estate.province_portal}
    page = text(login(getattr(desk, who)).get(reverse("publishing:sites")))
    for name in visible:
        assert sites[name].name in page, name
    for name in hidden:
        assert sites[name].name not in page, name
    assert estate.dev_reform_site.name not in page  # no content tree: nothing to publish


def test_the_site_list_shows_the_last_release_queue_failures_incidents_and_front_link(desk, settings):
    settings.GOVSITES_FRONT_PREVIEW_URL = "http://127.0.0.1:8001/"
    fill(desk.stats, ColumnType.NEWS, 3)
    release = publish_site(desk.stats, full=True).release
    SiteRelease.objects.create(site=desk.stats, number=release.number + 1, reason="publish",
                               status=ReleaseStatus.FAILED, error="目标主机不可达")
    PublishRequest.objects.create(site=desk.stats, item_id=1, reason="publish")
    IntegrityIncident.objects.create(site=desk.stats, target="local", release=release.number,
                                     status=IncidentStatus.RESTORE_FAILED, added=["shell.php"])
    page = text(login(desk.city_office).get(reverse("publishing:sites")))
    assert f"第{release.number}版" in page and str(release.file_count) in page
    assert "其中1起恢复失败" in page
    assert 'href="http://127.0.0.1:8001/tjj.qinglan.gov.cn/"' in page
    assert "尚未发布" in page  # the county portal

    settings.GOVSITES_FRONT_PREVIEW_URL = ""
    assert "127.0.0.1:8001" not in text(login(desk.city_office).get(reverse("publishing:sites")))


def test_the_site_list_is_searchable_and_paginated(desk, estate):
    client = login(desk.province_office)
    page = text(client.get(reverse("publishing:sites") + "?q=统计"))
    assert desk.stats.name in page and desk.county.name not in page
    assert client.get(reverse("publishing:sites") + "?page=99").status_code == 200  # last page, not an error


def test_detail_of_a_site_the_user_may_not_see_is_a_404(desk):
    client = login(desk.admin)
    assert client.get(site_url(desk.county)).status_code == 404
    assert client.get(reverse("publishing:site", args=[999999])).status_code == 404
    assert client.get(reverse("publishing:release", args=[desk.county.pk, 1])).status_code == 404
    assert login(desk.county_office).get(site_url(desk.stats)).status_code == 404
    assert client.get(site_url(desk.stats)).status_code == 200


def test_detail_lists_releases_their_changes_and_integrity_incidents(desk):
    items = fill(desk.stats, ColumnType.NEWS, 3)
    publish_site(desk.stats, full=True)
    SiteRelease.objects.create(site=desk.stats, number=2, reason="publish,place", status=ReleaseStatus.FAILED,
                               error="目标主机不可达")
    IntegrityIncident.objects.create(site=desk.stats, target="front1", release=1, status=IncidentStatus.RESTORED,
                                     modified=["index.html"], added=["shell.php"])
    client = login(desk.admin)
    page = text(client.get(site_url(desk.stats)))
    assert "第1版" in page and "第2版" in page and "已发布" in page and "失败" in page
    assert "目标主机不可达" in page and "信息发布、信息上栏" in page and "全量重建" in page
    assert "front1" in page and "shell.php" in page and "已自动恢复" in page
    assert page.index(f"/site/{desk.stats.pk}/release/2/") < page.index(f"/site/{desk.stats.pk}/release/1/")

    release = text(client.get(reverse("publishing:release", args=[desk.stats.pk, 1])))
    assert "zwdt/index.html" in release and "index.html" in release
    item_path = SiteData.load(desk.stats).item_path(items[0].pk)
    assert f'href="{preview_url(desk.stats, item_path)}"' in release
    assert client.get(reverse("publishing:release", args=[desk.stats.pk, 9])).status_code == 404


def test_estate_readers_read_but_may_not_rebuild(desk):
    root = get_user_model().objects.create_superuser("root", password="x")
    client = login(root)
    page = text(client.get(site_url(desk.stats)))
    assert desk.stats.name in page and 'action="/admin/publishing/site/' not in page
    response = client.post(site_url(desk.stats, "rebuild"), {"reason": "试试"})
    assert response.status_code == 403 and "只有本网站的站点管理员" in text(response)
    assert not rebuilds(desk.stats).exists()


# -- full rebuild -------------------------------------------------------------------------------


def test_a_site_admin_queues_a_full_rebuild_and_it_is_audited(desk):
    client = login(desk.admin)
    assert "全量重建" in text(client.get(site_url(desk.stats)))
    response = client.post(site_url(desk.stats, "rebuild"), {"reason": "更新了页面模板"}, follow=True)
    assert response.redirect_chain[-1][0] == site_url(desk.stats)
    assert "已加入发布队列" in text(response)
    request = rebuilds(desk.stats).get()
    assert request.reason == "rebuild"
    entry = AuditLogEntry.objects.get(action="publishing.site.rebuild", object_id=str(desk.stats.pk))
    assert entry.user == desk.admin and entry.reason == "更新了页面模板" and entry.site_ref == desk.stats.pk


def test_a_supervisor_may_rebuild_a_site_of_their_area(desk):
    response = login(desk.city_office).post(site_url(desk.county, "rebuild"), {"reason": ""})
    assert response.status_code == 302 and rebuilds(desk.county).count() == 1


@pytest.mark.parametrize("who", ["county_admin", "county_office", "editor"])
def test_outsiders_cannot_rebuild_and_nothing_is_queued(desk, who):
    response = login(getattr(desk, who)).post(site_url(desk.stats, "rebuild"), {"reason": "越权"})
    assert response.status_code in (403, 404)
    assert not PublishRequest.objects.exists()
    assert not AuditLogEntry.objects.filter(action="publishing.site.rebuild").exists()


def test_rebuild_needs_a_post_with_a_csrf_token(desk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk.admin)
    assert client.post(site_url(desk.stats, "rebuild"), {"reason": "无令牌"}).status_code == 403
    assert not rebuilds(desk.stats).exists()
    assert client.get(site_url(desk.stats, "rebuild")).status_code == 405
    page = text(client.get(site_url(desk.stats)))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(site_url(desk.stats, "rebuild"), {"reason": "有令牌", "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and rebuilds(desk.stats).count() == 1


def test_an_overlong_reason_is_a_chinese_form_error_and_nothing_is_queued(desk):
    response = login(desk.admin).post(site_url(desk.stats, "rebuild"), {"reason": "原" * 501})
    assert response.status_code == 400
    page = text(response)
    assert "重建原因不能超过500个字（现有501个）" in page and "请根据提示修改后重新提交" in page
    assert not rebuilds(desk.stats).exists()


# -- preview ------------------------------------------------------------------------------------


@pytest.fixture
def published(desk):
    """The statistics site with 45 news items, fully published to the local front."""
    items = fill(desk.stats, ColumnType.NEWS, 45)
    publish_site(desk.stats, full=True)
    return SimpleNamespace(items=items, root=desk.front.path / paths.site_key(desk.stats))


def test_preview_answers_exactly_the_published_bytes(desk, published):
    client = login(desk.admin)
    data = SiteData.load(desk.stats)
    item = data.item_path(published.items[7].pk)
    css = next(p.name for p in (published.root / "assets").iterdir() if p.suffix == ".css")
    cases = {
        "": ("index.html", "text/html; charset=utf-8"),
        "index.html": ("index.html", "text/html; charset=utf-8"),
        "zwdt/": ("zwdt/index.html", "text/html; charset=utf-8"),
        "zwdt/list_1.html": ("zwdt/list_1.html", "text/html; charset=utf-8"),
        "zwdt/list_2.html": ("zwdt/list_2.html", "text/html; charset=utf-8"),
        item: (item, "text/html; charset=utf-8"),
        "zwdt/rss.xml": ("zwdt/rss.xml", "application/xml"),
        "404.html": ("404.html", "text/html; charset=utf-8"),
        f"assets/{css}": (f"assets/{css}", "text/css"),
    }
    for asked, (file, kind) in cases.items():
        response = client.get(preview_url(desk.stats, asked))
        assert response.status_code == 200, asked
        assert response.content == (published.root / file).read_bytes(), asked
        assert response["Content-Type"].startswith(kind), asked
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert "script-src 'self'" in response["Content-Security-Policy"]


def test_preview_shows_published_images_and_documents_from_the_build_store(desk, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    image = media.image(desk.stats)
    pdf = media.document(desk.stats, title="附件一")
    sheet = media.document(desk.stats, title="附件二", data=media.xlsx(), name="data.xlsx")
    body = (f'<p>见<a linktype="document" id="{pdf.pk}">附件一</a>和<a linktype="document" id="{sheet.pk}">附件二</a>。'
            f'</p><embed embedtype="image" id="{image.pk}" format="left" alt="现场"/>')
    live_item(desk.stats, column(desk.stats, ColumnType.NEWS), "带附件的信息", dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
              body=body)
    publish_site(desk.stats, full=True)
    root = desk.front.path / paths.site_key(desk.stats)
    files = {str(p.relative_to(root)): p for p in root.rglob("*") if p.is_file()}
    client = login(desk.admin)
    expected = {".png": ("image/png", "inline"), ".pdf": ("application/pdf", "inline"),
                ".xlsx": ("application/octet-stream", "attachment")}
    shown = [path for path in files if path.startswith(("images/", "files/"))]
    assert len(shown) == 3
    for path in shown:
        response = client.get(preview_url(desk.stats, path))
        assert response.status_code == 200, path
        assert b"".join(response.streaming_content) == files[path].read_bytes()
        kind, disposition = expected[path[path.rindex("."):]]
        assert response["Content-Type"] == kind and response["Content-Disposition"].startswith(disposition)
        assert response["X-Frame-Options"] == "DENY"
    assert client.get(preview_url(desk.stats, "images/never-published.png")).status_code == 404
    assert login(desk.county_admin).get(preview_url(desk.stats, shown[0])).status_code == 404


def test_preview_is_lean_permission_then_for_path(desk, published):
    """The benchmark's request-per-URL baseline: a constant few queries besides ``for_path``."""
    path = SiteData.load(desk.stats).item_path(published.items[3].pk)
    with CaptureQueriesContext(connection) as bare:
        Planner(SiteData.load(desk.stats)).for_path(path).render()
    client = login(desk.admin)
    client.get(preview_url(desk.stats, path))  # warm the session
    with CaptureQueriesContext(connection) as served:
        assert client.get(preview_url(desk.stats, path)).status_code == 200
    # session, user, Wagtail's admin access (user and group permissions, user profile), site, site roles
    assert len(served) - len(bare) <= 7, [q["sql"] for q in served.captured_queries]


def test_preview_of_a_missing_path_or_another_sites_page_is_a_404(desk, published):
    client = login(desk.admin)
    for path in ("missing.html", "zwdt/list_9.html", "zwdt/202501/t20250101_999999.html", "nope/", "zwdt/x.css"):
        assert client.get(preview_url(desk.stats, path)).status_code == 404, path
    for other in (desk.county, SimpleNamespace(pk=999999)):
        assert client.get(preview_url(other, "")).status_code == 404
        assert client.get(preview_url(other, "index.html")).status_code == 404
    assert login(desk.editor).get(preview_url(desk.stats, "")).status_code == 404
    assert login(desk.county_office).get(preview_url(desk.stats, "")).status_code == 404
    assert login(desk.city_office).get(preview_url(desk.stats, "")).status_code == 200


@pytest.mark.parametrize("path", [
    "../index.html", "zwdt/../index.html", "%2e%2e/index.html", "zwdt/%2e%2e/%2e%2e/index.html",
    "..%2findex.html", "zwdt/..%2F..%2F..%2Fsettings.py", "./index.html", "zwdt//index.html", "/etc/passwd",
    "..%5cindex.html", "index.html%00", "zwdt/%0aindex.html",
])
def test_path_traversal_in_the_preview_is_a_404(desk, published, path):
    assert login(desk.admin).get(preview_url(desk.stats, path)).status_code == 404
