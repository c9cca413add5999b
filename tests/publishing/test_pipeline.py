"""The publishing pipeline end to end on real data: a full rebuild, then each kind of change
re-renders exactly what it affects, atomically, on a real local front folder."""

import datetime as dt

import pytest

from govsites.content.actions import CreateItem, DecideReview, RepostItem, SubmitItem, UnpublishItem
from govsites.content.columns import ColumnType
from govsites.content.models import InterpretationLink, Item, SiteRole
from govsites.publishing import paths, store
from govsites.publishing.models import ListPageRange, ManifestEntry, PublishRequest, ReleaseStatus
from govsites.publishing.pipeline import publish_pending, publish_site
from govsites.publishing.planning import PAGE_SIZE
from tests.conftest import actor
from tests.content.library_helpers import column, member, site_workflow, two_step_workflow
from tests.publishing.conftest import clear_queue, fill, live_item


def manifest(site) -> dict[str, str]:
    return dict(ManifestEntry.objects.filter(site=site).values_list("path", "sha256"))


def item_path(site, item) -> str:
    entry = ManifestEntry.objects.get(site=site, item_id=item.pk)
    return entry.path


@pytest.fixture
def desk(estate, clock):
    site = estate.stats_site
    site_workflow(site, two_step_workflow())
    return {
        "site": site,
        "news": column(site, ColumnType.NEWS),
        "editor": member("stats_editor", site, SiteRole.EDITOR),
        "reviewer": member("stats_reviewer", site, SiteRole.REVIEWER),
        "secrecy": member("stats_secrecy", site, SiteRole.CONFIDENTIALITY_REVIEWER),
        "admin": member("stats_admin", site, SiteRole.SITE_ADMIN),
    }


def publish_new(d, title="关于开展2026年统计执法检查的通知", col=None, **data) -> Item:
    """Write, submit and pass both reviews: the real path to the front."""
    item = CreateItem(actor(d["editor"]), d["site"], col or d["news"],
                      {"title": title, "body": "<p>现将有关事项通知如下。</p>", **data}).execute()
    SubmitItem(actor(d["editor"]), item).execute()
    DecideReview(actor(d["reviewer"]), item, True).execute()
    DecideReview(actor(d["secrecy"]), item, True).execute()
    item.refresh_from_db()
    assert item.live
    return item


def test_full_rebuild_publishes_every_output_and_the_manifest_matches_the_front(estate, front, clock):
    site = estate.stats_site
    items = fill(site, ColumnType.NEWS, 45)
    result = publish_site(site, full=True)

    served = front.snapshot(paths.site_key(site))
    assert served == manifest(site)
    assert result.release.status == ReleaseStatus.LIVE and result.release.number == 1
    assert result.release.digest == store.digest_of(served)
    assert result.release.file_count == len(served)
    for path in ("index.html", "zwdt/index.html", "zwdt/list_1.html", "zwdt/list_2.html", "zwdt/list_3.html",
                 "zwdt/rss.xml", "sitemap.xml", "sitemap/202501.xml", "404.html", "50x.html"):
        assert path in served, path
    assert "zwdt/list_4.html" not in served  # 45 items: pages of 20, 20, 5
    for item in items:
        assert item_path(site, item) in served
    assert any(p.startswith("assets/") and p.endswith(".css") for p in served)
    # every column of the site has its index, even an empty one
    assert "tzgg/index.html" in served
    assert not PublishRequest.objects.filter(site=site).exists()


@pytest.mark.parametrize("existing", [45, 245])
def test_a_new_item_rewrites_a_bounded_set_of_files_whatever_the_site_size(desk, front, existing):
    site = desk["site"]
    fill(site, ColumnType.NEWS, existing)
    publish_site(site, full=True)
    before = manifest(site)

    item = publish_new(desk)
    assert PublishRequest.objects.filter(site=site, item_id=item.pk).exists()
    result = publish_site(site)

    written = set(result.release.changes["written"])
    pages = ListPageRange.objects.filter(column=desk["news"]).count()
    newest = f"zwdt/list_{pages}.html"
    expected = {item_path(site, item), "zwdt/index.html", newest, "zwdt/rss.xml", "index.html", "sitemap.xml",
                f"sitemap/{item.published_on:%Y%m}.xml"}
    assert item_path(site, item) in written
    assert written <= expected | {f"zwdt/list_{pages - 1}.html"}  # a page opened links from its predecessor
    assert "zwdt/list_1.html" not in written  # older pages keep their bytes
    assert result.release.removed == 0
    assert len(written) <= 8
    after = front.snapshot(paths.site_key(site))
    assert after == manifest(site)
    assert {p for p in after if after[p] != before.get(p)} == written


def test_unpublishing_removes_the_page_and_its_list_entry(desk, front):
    site = desk["site"]
    items = fill(site, ColumnType.NEWS, 30)
    publish_site(site, full=True)
    victim = items[5]  # on the oldest stable page
    path = item_path(site, victim)
    clear_queue()

    UnpublishItem(actor(desk["admin"]), victim, "信息有误，撤下更正").execute()
    result = publish_site(site)

    served = front.snapshot(paths.site_key(site))
    assert path not in served and path in result.release.changes["removed"]
    assert "zwdt/list_1.html" in result.release.changes["written"]
    assert "zwdt/list_2.html" not in result.release.changes["written"]
    page = (front.path / paths.site_key(site) / "zwdt/list_1.html").read_text()
    assert victim.title not in page and items[6].title in page
    assert not ManifestEntry.objects.filter(site=site, item_id=victim.pk).exists()


def test_a_repost_is_published_on_the_reposting_site_with_its_source(estate, desk, front):
    portal = estate.city_portal
    original = publish_new(desk, "青岚市2025年国民经济和社会发展统计公报")
    publish_pending()
    editor = member("portal_editor", portal, SiteRole.EDITOR)
    clear_queue()

    RepostItem(actor(editor), original, portal, column(portal, ColumnType.NEWS)).execute()
    results = {r.site_id: r for r in publish_pending()}

    assert portal.pk in results and results[portal.pk].release is not None
    path = item_path(portal, original)
    html = (front.path / paths.site_key(portal) / path).read_text()
    assert desk["site"].name in html  # 转载自 the original site (CON-04)
    assert f"https://{desk['site'].domain}/{item_path(desk['site'], original)}" in html
    # the original site re-rendered nothing that changed
    own = results.get(desk["site"].pk)
    assert own is None or own.release is None


def test_publishing_an_interpretation_re_renders_its_policy(desk, front):
    site = desk["site"]
    policy = live_item(site, column(site, ColumnType.POLICIES), "青岚市统计工作管理办法",
                       dt.datetime(2026, 2, 1, 8, tzinfo=dt.UTC), kind="policy")
    publish_site(site, full=True)
    interpretation = live_item(site, column(site, ColumnType.INTERPRETATIONS), "《青岚市统计工作管理办法》解读",
                               dt.datetime(2026, 2, 2, 8, tzinfo=dt.UTC), kind="interpretation")
    InterpretationLink.objects.create(policy=policy, interpretation=interpretation)
    result = publish_site(site)

    assert item_path(site, policy) in result.release.changes["written"]
    policy_html = (front.path / paths.site_key(site) / item_path(site, policy)).read_text()
    assert interpretation.title in policy_html


def test_moving_an_item_to_another_date_removes_the_old_address(desk, front):
    site = desk["site"]
    [item] = fill(site, ColumnType.NEWS, 1)
    publish_site(site, full=True)
    old = item_path(site, item)
    Item.objects.filter(pk=item.pk).update(published_on=dt.datetime(2025, 6, 1, 8, tzinfo=dt.UTC))
    PublishRequest.objects.create(site=site, item_id=item.pk, reason="edit")
    result = publish_site(site)

    new = item_path(site, item)
    assert new != old and "202506" in new
    assert old in result.release.changes["removed"] and new in result.release.changes["written"]
    assert old not in front.snapshot(paths.site_key(site))


def test_nothing_changed_means_no_release(desk, front):
    site = desk["site"]
    fill(site, ColumnType.NEWS, 3)
    publish_site(site, full=True)
    first = ManifestEntry.objects.filter(site=site).count()
    result = publish_site(site, full=True)
    assert result.release is None and result.written == 0
    assert ManifestEntry.objects.filter(site=site).count() == first


def test_a_stable_page_fills_then_the_next_one_opens(desk, front):
    site = desk["site"]
    fill(site, ColumnType.NEWS, PAGE_SIZE)
    publish_site(site, full=True)
    assert ListPageRange.objects.filter(column=desk["news"]).count() == 1
    item = publish_new(desk)
    result = publish_site(site)
    assert ListPageRange.objects.filter(column=desk["news"]).count() == 2
    written = set(result.release.changes["written"])
    assert {"zwdt/list_2.html", "zwdt/list_1.html"} <= written  # list_1 now links to list_2
    assert item.title in (front.path / paths.site_key(site) / "zwdt/list_2.html").read_text()


def test_dynamic_lists_of_other_apps_are_re_rendered_alone_when_they_change(desk, front):
    """The seam the interaction issue uses (message replies, survey results): a provider's pages
    are part of every full build and re-rendered, with nothing else but home, when queued."""
    from wagtail import hooks

    from govsites.publishing.planning import Output
    from govsites.publishing.receivers import queue_outputs

    site = desk["site"]
    fill(site, ColumnType.NEWS, 3)
    state = {"replies": ["第1条答复"]}

    def provider(planner, plan):
        plan.add(Output("hdjl/replies.html", render=lambda: "\n".join(state["replies"]).encode()))

    with hooks.register_temporarily("register_publishing_outputs", lambda: ("replies", provider)):
        publish_site(site, full=True)
        assert (front.path / paths.site_key(site) / "hdjl/replies.html").read_text() == "第1条答复"
        state["replies"].append("第2条答复")
        queue_outputs(site.pk, "replies")
        result = publish_site(site)

    assert not result.release.full
    assert set(result.release.changes["written"]) == {"hdjl/replies.html"}
    assert (front.path / paths.site_key(site) / "hdjl/replies.html").read_text() == "第1条答复\n第2条答复"


def test_every_published_output_is_reproduced_by_for_path_without_writing(desk, front):
    """The preview (and the request-per-URL baseline) renders the same bytes as the publisher,
    and never cuts list pages itself."""
    from govsites.publishing.loading import SiteData
    from govsites.publishing.planning import Planner

    site = desk["site"]
    fill(site, ColumnType.NEWS, 25)
    fill(site, ColumnType.NOTICES, 3, prefix="公告")
    publish_site(site, full=True)
    root = front.path / paths.site_key(site)
    checked = 0
    for path in manifest(site):
        if path.startswith(("files/", "images/")):
            continue
        output = Planner(SiteData.load(site)).for_path(path)
        assert output is not None, path
        assert output.render() == (root / path).read_bytes(), path
        checked += 1
    assert checked > 40

    live_item(site, column(site, ColumnType.RESPONSES), "关于网民反映问题的回应", dt.datetime(2026, 1, 5, 8, tzinfo=dt.UTC))
    ranges = ListPageRange.objects.count()
    assert Planner(SiteData.load(site)).for_path("hygz/list_1.html") is not None
    assert ListPageRange.objects.count() == ranges


def test_body_documents_images_and_column_links_are_published_with_the_item(desk, front, settings, tmp_path):
    """Rich text references become files of the site: the attachment under files/, the image's
    rendition under images/, a column link the column's address — all relative, all present."""
    from tests.media.helpers import document, image

    settings.MEDIA_ROOT = str(tmp_path / "media")
    site = desk["site"]
    doc = document(site, title="统计执法检查表", name="check.pdf")
    picture = image(site, alt="统计人员入户调查")
    notices = column(site, ColumnType.NOTICES)
    body = (f'<p>详见<a linktype="document" id="{doc.pk}">检查表</a>和<a linktype="page" id="{notices.pk}">通知公告</a>。</p>'
            f'<embed alt="统计人员入户调查" embedtype="image" format="fullwidth" id="{picture.pk}"/>'
            '<p><a linktype="document" id="999999">已删除的附件</a></p>')
    item = live_item(site, desk["news"], "统计执法检查工作启动", dt.datetime(2026, 2, 1, 8, tzinfo=dt.UTC), body=body)
    publish_site(site, full=True)

    root = front.path / paths.site_key(site)
    page_path = item_path(site, item)
    html = (root / page_path).read_text()
    assert f'href="../../files/{doc.pk}/check.pdf"' in html
    assert (root / f"files/{doc.pk}/check.pdf").read_bytes() == doc.file.open("rb").read()
    assert 'href="../../tzgg/"' in html
    image_ref = html.split('class="rich-image" src="', 1)[1].split('"', 1)[0]
    assert image_ref.startswith("../../images/") and (root / page_path).parent.joinpath(image_ref).resolve().is_file()
    assert 'alt="统计人员入户调查"' in html
    assert "统计执法检查表" in html  # listed as an attachment
    assert "999999" not in html and "linktype" not in html and "<embed" not in html


def test_a_new_column_rebuilds_the_site_navigation(desk, front):
    from govsites.content.actions.staffing import AddColumn

    site = desk["site"]
    fill(site, ColumnType.NEWS, 2)
    publish_site(site, full=True)
    added = AddColumn(actor(desk["admin"]), site, None, "统计公报专栏").execute()
    result = publish_site(site)
    assert result.release.full
    assert f"{added.slug}/index.html" in result.release.changes["written"]
    assert "统计公报专栏" in (front.path / paths.site_key(site) / "index.html").read_text()


@pytest.mark.rule("REG-15")
def test_archiving_a_column_marks_its_pages_in_the_next_release(desk, front):
    from govsites.content.actions import ArchiveColumn

    site = desk["site"]
    items = fill(site, ColumnType.NEWS, 3)
    publish_site(site, full=True)
    clear_queue()
    ArchiveColumn(actor(desk["admin"]), desk["news"]).execute()
    result = publish_site(site)

    assert not result.release.full
    root = front.path / paths.site_key(site)
    assert "本栏目已于" in (root / "zwdt/index.html").read_text()
    assert "已归档" in (root / item_path(site, items[0])).read_text()
