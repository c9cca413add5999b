"""The demo sites' published past: every hosted site's standard columns filled with items the
library accepts as live, made once, rendered by the publisher, and still handled by the real
actions and signals afterwards."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from wagtail.models import APIToken, Revision

from govsites import clock
from govsites.audit.context import Actor
from govsites.content import actions, prepublish, reposting
from govsites.content.columns import ColumnType
from govsites.content.disclosure import document_numbers
from govsites.content.disclosure.metadata import validate_metadata
from govsites.content.models import InterpretationLink, Item, ItemKind, Placement, RepostDuty
from govsites.content.sites import ensure_all
from govsites.demo import accounts, content_history, estate
from govsites.policy import profiles
from govsites.publishing import paths
from govsites.publishing.models import ManifestEntry, PublishRequest, ReleaseStatus
from govsites.publishing.pipeline import publish_site

COLUMNS = (
    ColumnType.NEWS, ColumnType.NOTICES, ColumnType.POLICIES, ColumnType.INTERPRETATIONS, ColumnType.RESPONSES,
    ColumnType.ANNOUNCEMENTS, ColumnType.OVERVIEW, ColumnType.FUNCTIONS, ColumnType.LEADERS,
)


@pytest.fixture(scope="module")
def seeded(demo, django_db_blocker):
    """The small estate with its trees, accounts, the morning's work and the past, once per module
    (rolled back at its end); the command's output."""
    with django_db_blocker.unblock(), override_settings(GOVSITES_POLICY_PROFILE="shanxi"), transaction.atomic():
        ensure_all()
        call_command("demo_accounts", stdout=StringIO())
        out = StringIO()
        call_command("demo_content", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def history():
    return Item.objects.filter(created_by__username=content_history.AUTHOR_USERNAME)


def users():
    from django.contrib.auth import get_user_model

    return {u.username: u for u in get_user_model().objects.filter(username__startswith="demo-")}


def province_portal():
    return accounts.portal_of("province", estate.demo_root())


def page(front, site, path) -> str:
    return (front.served_dir(paths.site_key(site)) / path).read_text(encoding="utf-8")


def test_every_hosted_site_gets_a_past_in_its_standard_columns(seeded, db):
    sites = list(content_history.hosted_sites(estate.demo_root()))
    made = re.search(r"已为 (\d+) 个网站补充近一年半的已发布信息 (\d+) 条，重要政策转载 (\d+) 条，用时 ([\d.]+) 秒", seeded)
    assert made, seeded
    assert int(made[1]) == len(sites) >= 30 and int(made[2]) == history().count() and int(made[3]) > 0
    assert float(made[4]) < 30
    now = clock.now()
    oldest = now - dt.timedelta(days=content_history.HISTORY_DAYS + 1)
    for site in sites:
        own = Placement.objects.filter(site=site, item__owning_site=site, item__created_by__username=(
            content_history.AUTHOR_USERNAME))
        counts = {t: own.filter(column__column_type=t).count() for t in COLUMNS}
        quota = content_history.PORTAL if site.is_portal else content_history.DEPARTMENT
        assert counts[ColumnType.NEWS] == quota.news, site
        assert counts[ColumnType.NOTICES] == quota.notices, site
        assert counts[ColumnType.POLICIES] == quota.policies, site
        assert counts[ColumnType.INTERPRETATIONS] == quota.majors, site
        assert counts[ColumnType.RESPONSES] == quota.responses, site
        assert counts[ColumnType.ANNOUNCEMENTS] == quota.site_notices, site
        assert counts[ColumnType.OVERVIEW] == counts[ColumnType.FUNCTIONS] == counts[ColumnType.LEADERS] == 1, site
        published = list(history().filter(owning_site=site).values_list("published_on", flat=True))
        assert all(oldest < moment < now for moment in published), site
        if site.launched_at:
            assert min(published) > site.launched_at, site
    items = history()
    assert not items.filter(live=False).exists() and not items.filter(latest_revision__isnull=True).exists()
    for pk, latest, live, object_id in items.values_list("pk", "latest_revision", "live_revision",
                                                         "live_revision__object_id"):
        assert latest == live and object_id == str(pk)
    titles = list(items.filter(owning_site__in=sites[:1]).values_list("title", flat=True))
    assert all(re.search(r"[\u4e00-\u9fff]", t) and "{" not in t for t in titles)


def test_policies_carry_valid_disclosure_metadata_and_their_interpretations(seeded, db):
    pattern = profiles.active().get("content.index_pattern")
    today = clock.today()
    policies = list(history().filter(kind=ItemKind.POLICY))
    assert policies
    for policy in policies:
        cleaned = validate_metadata(policy.disclosure_values(), pattern=pattern, today=today)
        number = document_numbers.parse(policy.document_number, current_year=today.year)
        assert number.year == policy.written_on.year and cleaned["subject"].code == policy.subject
        assert policy.written_on <= clock.local(policy.published_on).date()
        assert cleaned["index_parts"]["year"] == clock.local(policy.published_on).year
        if policy.is_major_policy:
            assert prepublish.interpretations_of(policy).filter(owning_site=policy.owning_site).exists(), policy
    numbers = [(p.owning_site_id, p.index_number) for p in policies]
    assert len(set(numbers)) == len(numbers)
    for link in InterpretationLink.objects.filter(interpretation__in=history()).select_related(
            "policy", "interpretation"):
        assert link.policy.owning_site_id == link.interpretation.owning_site_id
        assert link.interpretation.kind == ItemKind.INTERPRETATION and link.interpretation.interpretation_form
    assert not history().filter(kind=ItemKind.INTERPRETATION, policy_links__isnull=True).exists()
    assert not history().filter(kind=ItemKind.RESPONSE, response_kind="").exists()
    # Nothing a reviewer would be warned about: screening, maps, CON-07, CON-10.
    problems = {(item.pk, p.message) for item in history() for p in prepublish.report(item)}
    assert problems == set()


def test_the_province_portals_important_policies_were_reposted_on_time(seeded, db):
    portal = province_portal()
    important = list(history().filter(owning_site=portal, is_important_policy=True))
    assert len(important) == content_history.IMPORTANT_POLICIES
    for policy in important:
        owed = set(reposting.sites_that_must_repost(policy).filter(launched_at__lte=policy.published_on)
                   .values_list("pk", flat=True))
        duties = RepostDuty.objects.filter(item=policy)
        assert set(duties.values_list("site_id", flat=True)) == owed
        assert all(d.placement_id and d.fulfilled_at and not d.late for d in duties)
        reposts = Placement.objects.filter(item=policy, is_repost=True)
        assert set(reposts.values_list("site_id", flat=True)) == owed
        assert set(reposts.values_list("column__column_type", flat=True)) == {ColumnType.POLICIES}
    city_and_county_portals = {s.pk for s in content_history.hosted_sites(estate.demo_root())
                               if s.is_portal and s.pk != portal.pk}
    assert city_and_county_portals <= set(
        Placement.objects.filter(item__in=important, is_repost=True).values_list("site_id", flat=True))
    assert reposting.late_and_missing() == []


def test_running_again_adds_nothing(seeded, db):
    def counts():
        return [m.objects.count() for m in (Item, Placement, RepostDuty, InterpretationLink, Revision)]

    before = counts()
    out = StringIO()
    call_command("demo_content", stdout=out)
    assert counts() == before
    assert "补充近一年半的已发布信息 0 条" in out.getvalue() and "新建演示信息 0 条" in out.getvalue()


def test_the_admin_and_the_api_show_a_seeded_item(seeded, db):
    people = users()
    editor = people["demo-editor"]
    policy = history().filter(owning_site=province_portal(), is_major_policy=True).first()
    news = history().filter(kind=ItemKind.ARTICLE).exclude(owning_site=province_portal()).first()
    client = Client()
    client.force_login(editor)
    for pk in (policy.pk, news.pk):
        response = client.get(reverse("content:item", args=[pk]))
        assert response.status_code == 200, response.content.decode()[:500]
    text = client.get(reverse("content:item", args=[policy.pk])).content.decode()
    assert policy.document_number in text and policy.index_number in text
    assert client.get(reverse("content:edit", args=[policy.pk])).status_code == 200

    _, token = APIToken.create_token(user=editor, name="pytest")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = api.get(f"/api/v1/content/items/{policy.pk}").json()
    assert body["version"] == "latest" and body["latest_revision_id"] == body["live_revision_id"] is not None
    assert body["document_number"] == policy.document_number and body["problems"] == []
    assert [i["id"] for i in body["interpretations"]] == list(
        InterpretationLink.objects.filter(policy=policy).values_list("interpretation_id", flat=True))
    other = api.get(f"/api/v1/content/items/{news.pk}")
    assert other.status_code == 200 and other.json()["version"] == "live"
    revisions = api.get(f"/api/v1/content/items/{policy.pk}/revisions")
    assert revisions.status_code == 200
    assert [(r["is_live"], r["is_latest"]) for r in revisions.json()["items"]] == [(True, True)]


def test_a_full_publish_renders_the_past(seeded, db, front):
    portal = province_portal()
    result = publish_site(portal, full=True)
    assert result.release.status == ReleaseStatus.LIVE
    served = front.snapshot(paths.site_key(portal))
    mine = history().filter(owning_site=portal)
    pages = dict(ManifestEntry.objects.filter(site=portal, item_id__isnull=False).values_list("item_id", "path"))
    assert set(mine.values_list("pk", flat=True)) <= set(pages)
    assert all(path in served for path in pages.values())
    home = page(front, portal, "index.html")
    newest = mine.filter(kind=ItemKind.ARTICLE, placements__column__column_type=ColumnType.NEWS)
    assert newest.order_by("-published_on").first().title in home
    policy = mine.filter(is_major_policy=True).order_by("-published_on").first()
    text = page(front, portal, pages[policy.pk])
    assert policy.index_number in text and policy.document_number in text and "相关解读" in text
    interpretation = InterpretationLink.objects.filter(policy=policy).first().interpretation
    assert "解读的政策文件" in page(front, portal, pages[interpretation.pk])

    city = accounts.portal_of("city", estate.demo_root())
    publish_site(city, full=True)
    repost = Placement.objects.filter(site=city, is_repost=True).first()
    path = ManifestEntry.objects.get(site=city, item_id=repost.item_id).path
    assert "转载自" in page(front, city, path) and portal.name in page(front, city, path)


def test_the_real_actions_and_signals_work_on_seeded_items(seeded, db, front):
    people = users()
    editor, reviewer, secrecy = (Actor.cli(people[n]) for n in ("demo-editor", "demo-reviewer", "demo-secrecy"))
    portal = province_portal()
    policy = history().filter(owning_site=portal, is_important_policy=True).order_by("published_on").first()
    duties = dict(RepostDuty.objects.filter(item=policy).values_list("site_id", "fulfilled_at"))
    publish_site(portal, full=True)
    PublishRequest.objects.all().delete()

    title = f"{policy.title}（修订）"
    edited = actions.EditItem(editor, policy, {"title": title}, policy.latest_revision_id).execute()
    actions.SubmitItem(editor, edited).execute()
    for person in (reviewer, secrecy):
        edited = actions.DecideReview(person, edited, True, "同意").execute()
    edited.refresh_from_db()
    assert edited.live and edited.title == title and edited.index_number == policy.index_number
    # The publish keeps every existing duty as it was (none made twice); only a site launched after
    # the first publish gets one now, as for any re-published important policy.
    after = dict(RepostDuty.objects.filter(item=policy).values_list("site_id", "fulfilled_at"))
    assert {site: after[site] for site in duties} == duties
    new = RepostDuty.objects.filter(item=policy).exclude(site_id__in=duties).select_related("site")
    assert all(duty.site.launched_at > policy.published_on and duty.fulfilled_at is None for duty in new)
    queued = set(PublishRequest.objects.filter(item_id=policy.pk).values_list("site_id", flat=True))
    assert portal.pk in queued and len(queued) > 1  # its own site and the sites that reposted it
    assert publish_site(portal).release.status == ReleaseStatus.LIVE  # the incremental release
    assert title in page(front, portal, ManifestEntry.objects.get(site=portal, item_id=policy.pk).path)


def test_the_same_seed_and_moment_plan_the_same_past(seeded, db):
    root = estate.demo_root()
    site = accounts.portal_of("city", root)
    now = clock.at(2026, 6, 30, 10)

    def plan(seed):
        drafts = content_history.plan_site(content_history.Estate(root), site, seed, now, None)
        return [(d.column, d.item.title, d.item.published_on, d.item.body, d.item.document_number) for d in drafts]

    first = plan(content_history.DEFAULT_SEED)
    assert first == plan(content_history.DEFAULT_SEED) and first != plan(content_history.DEFAULT_SEED + 1)
    assert all(moment < now for _c, _t, moment, _b, _n in first)
