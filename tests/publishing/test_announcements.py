"""Registry notices (REG-10/12/16) appear on their host site while they are due and are
withdrawn when their time is up, each change re-rendering only the notice and the home page."""

import datetime as dt

from govsites.content.columns import ColumnType
from govsites.publishing import paths
from govsites.publishing.announcements import queue_due
from govsites.publishing.loading import SiteData
from govsites.publishing.pipeline import publish_site
from govsites.publishing.planning import Planner
from govsites.registry.models import Announcement, AnnouncementKind
from govsites.registry.signals import announcement_created
from tests.publishing.conftest import fill


def test_a_notice_is_published_on_its_host_and_withdrawn_when_its_time_is_up(estate, front, clock):
    host, site = estate.city_portal, estate.stats_site
    fill(host, ColumnType.NEWS, 3)
    publish_site(host, full=True)
    start = clock.set(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    notice = Announcement.objects.create(
        kind=AnnouncementKind.TEMPORARY_OFFLINE, site=site, host_site=host, title="关于青岚市统计局网站临时下线的公告",
        body="因系统升级，青岚市统计局网站将于3月5日至3月6日临时下线。\n恢复时间另行通知。<script>x</script>",
        publish_from=start, publish_until=start + dt.timedelta(days=5),
    )
    announcement_created.send(sender=Announcement, announcement=notice)
    result = publish_site(host)

    root = front.path / paths.site_key(host)
    page = paths.announcement_page(notice.pk)
    assert set(result.release.changes["written"]) == {page, "index.html"}
    html = (root / page).read_text()
    assert "因系统升级" in html and "恢复时间另行通知" in html and "<script>x" not in html
    assert notice.title in (root / "index.html").read_text()
    preview = Planner(SiteData.load(host)).for_path(page)  # the admin preview finds provider pages
    assert preview is not None and preview.render() == (root / page).read_bytes()

    clock.set(start + dt.timedelta(days=6))
    assert queue_due(start + dt.timedelta(days=5, hours=-1)) == 1
    result = publish_site(host)
    assert result.release.changes["removed"] == [page]
    assert not (root / page).exists()
    assert notice.title not in (root / "index.html").read_text()
