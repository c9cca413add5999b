"""Publishing now and cancelling a schedule: only a revision that passed both reviews goes live
(CON-09), whoever asks and whenever; a refused publish leaves nothing changed."""

import datetime as dt

import pytest
from wagtail.locks import ScheduledForPublishLock
from wagtail.models import Revision

from govsites.audit.models import AuditLogEntry
from govsites.content.actions import (
    ArchiveItem,
    CancelScheduledPublish,
    ConflictError,
    CreateItem,
    DecideReview,
    EditItem,
    NotAllowed,
    PublishItem,
    RuleViolation,
    SubmitItem,
    UnpublishItem,
)
from govsites.content.columns import ColumnType
from govsites.content.models import Item, SiteRole
from tests.conftest import actor
from tests.content.library_helpers import column, member, site_workflow, two_step_workflow

NOTICE = {"title": "关于做好春季防汛工作的通知", "body": "<p>各县（区）人民政府：现就做好防汛工作通知如下。</p>"}
# Wagtail schedules against the real clock, so the go-live is far beyond any test run.
LATER = dt.datetime(2030, 1, 6, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def desk(estate, clock):
    a, b = estate.stats_site, estate.city_portal
    site_workflow(a, two_step_workflow())
    return {
        "a": a,
        "news_a": column(a, ColumnType.NEWS),
        "editor": member("stats_editor", a, SiteRole.EDITOR),
        "reviewer": member("stats_reviewer", a, SiteRole.REVIEWER),
        "secrecy": member("stats_secrecy", a, SiteRole.CONFIDENTIALITY_REVIEWER),
        "admin": member("stats_admin", a, SiteRole.SITE_ADMIN),
        "admin_b": member("portal_admin", b, SiteRole.SITE_ADMIN),
        "reviewer_b": member("portal_reviewer", b, SiteRole.REVIEWER),
    }


def create(d, **data):
    return CreateItem(actor(d["editor"]), d["a"], d["news_a"], {**NOTICE, **data}).execute()


def approved(d, item):
    """Submitted and approved by both named reviewers (the second approval publishes or schedules)."""
    SubmitItem(actor(d["editor"]), item).execute()
    DecideReview(actor(d["reviewer"]), item, True).execute()
    return DecideReview(actor(d["secrecy"]), item, True).execute()


def scheduled(d):
    item = approved(d, create(d, go_live_at=LATER))
    item.refresh_from_db()
    assert not item.live and item.scheduled_revision is not None
    assert item.scheduled_revision.approved_go_live_at == LATER
    return item


def publish(user, item):
    return PublishItem(actor(user), Item.objects.get(pk=item.pk)).execute()


def state(item):
    """What a refused action must leave as it was."""
    item = Item.objects.get(pk=item.pk)
    revisions = list(Revision.objects.filter(object_id=str(item.pk)).order_by("pk").values_list(
        "pk", "approved_go_live_at", "content"))
    return (item.live, item.live_revision_id, item.latest_revision_id, item.title, item.go_live_at, revisions,
            AuditLogEntry.objects.filter(object_id=str(item.pk)).count())


@pytest.mark.rule("CON-09")
def test_publish_now_after_an_approval_scheduled_for_later(desk):
    d = desk
    item = scheduled(d)
    assert isinstance(item.get_lock(), ScheduledForPublishLock)
    revision = item.scheduled_revision
    published = publish(d["admin"], item)
    assert published.live and published.live_revision_id == revision.pk
    assert published.go_live_at is None and not published.has_unpublished_changes
    assert not Revision.objects.filter(object_id=str(item.pk)).exclude(approved_go_live_at=None).exists()
    entry = AuditLogEntry.objects.get(action="content.item.publish")
    assert (entry.user, entry.site_ref, entry.data["revision"]) == (d["admin"], d["a"].pk, revision.pk)
    with pytest.raises(ConflictError, match="已经发布"):
        publish(d["reviewer"], published)


@pytest.mark.rule("CON-09")
def test_a_draft_that_never_passed_review_is_not_published(desk):
    d = desk
    item = create(d)
    before = state(item)
    with pytest.raises(RuleViolation) as excinfo:
        publish(d["admin"], item)
    assert excinfo.value.rule == "CON-09" and "内容审核和保密审查" in str(excinfo.value)
    assert state(item) == before


@pytest.mark.rule("CON-09")
def test_an_edit_after_approval_is_not_published_without_a_new_review(desk):
    d = desk
    item = approved(d, create(d))
    assert item.live
    EditItem(actor(d["editor"]), item, {"title": "关于做好春季防汛工作的补充通知"}, item.latest_revision_id).execute()
    before = state(item)
    with pytest.raises(RuleViolation) as excinfo:
        publish(d["admin"], item)
    assert excinfo.value.rule == "CON-09"
    assert state(item) == before
    live = Item.objects.get(pk=item.pk)
    assert live.live and live.title == NOTICE["title"] and live.has_unpublished_changes


@pytest.mark.rule("CON-09")
def test_an_item_in_review_is_not_published_before_its_last_step(desk):
    d = desk
    item = create(d)
    SubmitItem(actor(d["editor"]), item).execute()
    DecideReview(actor(d["reviewer"]), item, True).execute()
    before = state(item)
    with pytest.raises(RuleViolation) as excinfo:
        publish(d["admin"], item)
    assert excinfo.value.rule == "CON-09"
    assert state(item) == before


def test_cancel_a_schedule_then_publish_it_later(desk):
    d = desk
    item = scheduled(d)
    cancelled = CancelScheduledPublish(actor(d["editor"]), item).execute()
    assert not cancelled.live
    assert not Revision.objects.filter(object_id=str(item.pk)).exclude(approved_go_live_at=None).exists()
    entry = AuditLogEntry.objects.get(action="content.item.unschedule")
    assert entry.user == d["editor"] and entry.data["go_live_at"] == LATER.isoformat()
    cancelled = Item.objects.get(pk=item.pk)
    assert cancelled.get_lock() is None  # the schedule no longer holds the item
    with pytest.raises(ConflictError, match="没有定时发布安排"):
        CancelScheduledPublish(actor(d["editor"]), cancelled).execute()
    # the revision is still the approved one: publishing it now needs no new review
    assert publish(d["reviewer"], cancelled).live


def test_unpublished_items_are_put_back_with_the_approved_revision(desk):
    d = desk
    item = approved(d, create(d))
    UnpublishItem(actor(d["admin"]), item, "内容需核实").execute()
    assert not Item.objects.get(pk=item.pk).live
    assert publish(d["admin"], item).live


@pytest.mark.rule("REG-15")
def test_an_archived_item_is_not_published(desk):
    d = desk
    item = scheduled(d)
    ArchiveItem(actor(d["admin"]), item).execute()
    with pytest.raises(RuleViolation) as excinfo:
        publish(d["admin"], item)
    assert excinfo.value.rule == "REG-15"
    assert not Item.objects.get(pk=item.pk).live


def test_who_may_publish_and_unschedule(desk):
    d = desk
    item = scheduled(d)
    before = state(item)
    # editors cannot publish; people of another site can do neither
    for user in (d["editor"], d["admin_b"], d["reviewer_b"]):
        with pytest.raises(NotAllowed):
            publish(user, item)
    for user in (d["admin_b"], d["reviewer_b"]):
        with pytest.raises(NotAllowed):
            CancelScheduledPublish(actor(user), item).execute()
    assert state(item) == before
    # the site's reviewers and its administrator may
    assert publish(d["secrecy"], item).live
