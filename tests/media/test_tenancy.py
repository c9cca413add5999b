"""One collection per site, and Wagtail's stock image/document views scoped by it: an editor of
one site never sees, chooses, changes or downloads another site's images and documents."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Collection, GroupCollectionPermission

from govsites.content.models import SiteMembership, SiteRole
from govsites.content.sites import ensure_site_tree
from govsites.media.groups import ESTATE_READERS_GROUP, group_name, sync_all
from govsites.media.models import SiteCollection, SiteDocument, SiteImage
from govsites.media.site_collections import ensure_site_collection
from govsites.registry.signals import site_changed
from tests.content.library_helpers import member
from tests.media.helpers import admin_user, document, image


@pytest.fixture
def two_sites(estate):
    a, b = estate.stats_site, estate.city_portal
    editor_a = admin_user(member("editor_a", a, SiteRole.EDITOR))
    editor_b = admin_user(member("editor_b", b, SiteRole.EDITOR))
    return a, b, editor_a, editor_b


@pytest.fixture
def library(two_sites):
    a, b, editor_a, editor_b = two_sites
    return {
        "img_a": image(a, title="统计局图片甲", user=editor_a),
        "img_b": image(b, title="市政府图片乙", user=editor_b),
        "doc_a": document(a, title="统计公报甲", user=editor_a),
        "doc_b": document(b, title="市政府内部文件乙", user=editor_b),
    }


def logged_in(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    """The page, or the HTML inside a chooser's JSON answer."""
    if response.get("Content-Type", "").startswith("application/json"):
        return response.json().get("html", "")
    return response.content.decode()


def denied(response) -> bool:
    """Wagtail answers a refused admin view with a redirect to the dashboard (403 for XHR)."""
    return response.status_code in (302, 403, 404)


# -- collections ------------------------------------------------------------------------------------


def test_each_hosted_site_gets_one_collection_with_its_tree(estate):
    home = ensure_site_tree(estate.stats_site)
    link = SiteCollection.objects.get(site=estate.stats_site)
    assert home is not None and link.collection.name == estate.stats_site.name
    assert link.collection.get_parent() == Collection.get_first_root_node()
    # idempotent
    assert ensure_site_collection(estate.stats_site) == link.collection
    ensure_site_tree(estate.stats_site)
    assert SiteCollection.objects.filter(site=estate.stats_site).count() == 1
    assert Collection.objects.filter(name=estate.stats_site.name).count() == 1


def test_external_sites_get_no_collection(estate):
    from tests.factories import site

    external = site(estate.education, "jyt.lanchuan.gov.cn", hosted=False)
    assert ensure_site_collection(external) is None
    assert not SiteCollection.objects.filter(site=external).exists()


def test_the_collection_follows_a_site_rename(estate):
    collection = ensure_site_collection(estate.stats_site)
    estate.stats_site.name = "青岚市统计局（新）网站"
    estate.stats_site.save()
    site_changed.send(sender=type(estate.stats_site), site=estate.stats_site, changes={"name": {}}, actor=None)
    collection.refresh_from_db()
    assert collection.name == "青岚市统计局（新）网站"


# -- groups follow memberships ------------------------------------------------------------------------


def group_members(site, tier):
    group = Group.objects.filter(name=group_name(site.pk, tier)).first()
    return set(group.user_set.values_list("username", flat=True)) if group else set()


def test_memberships_put_people_in_their_sites_media_groups(two_sites, django_assert_max_num_queries):
    a, b, editor_a, editor_b = two_sites
    assert group_members(a, "edit") == {"editor_a"}
    collection_a = SiteCollection.objects.get(site=a).collection
    codenames = set(
        GroupCollectionPermission.objects.filter(group__name=group_name(a.pk, "edit"))
        .values_list("collection_id", "permission__codename")
    )
    assert codenames == {(collection_a.pk, c) for c in (
        "add_image", "change_image", "choose_image", "add_document", "change_document", "choose_document")}

    reviewer = member("reviewer_a", a, SiteRole.REVIEWER)
    assert group_members(a, "choose") == {"reviewer_a"}
    assert not GroupCollectionPermission.objects.filter(
        group__name=group_name(a.pk, "choose"), permission__codename__startswith="add_").exists()

    # cheap: a membership change costs a handful of queries, whatever the estate size
    with django_assert_max_num_queries(12):
        SiteMembership.objects.create(user=reviewer, site=a, role=SiteRole.EDITOR)
    assert "reviewer_a" in group_members(a, "edit")

    SiteMembership.objects.filter(user=reviewer, site=a, role=SiteRole.EDITOR).delete()
    assert group_members(a, "edit") == {"editor_a"} and group_members(a, "choose") == {"reviewer_a"}
    SiteMembership.objects.filter(user=reviewer).delete()
    assert group_members(a, "choose") == set()
    assert group_members(b, "edit") == {"editor_b"}


def test_sync_all_is_idempotent_and_repairs(two_sites, estate):
    a, b, editor_a, editor_b = two_sites
    first = sync_all()
    assert first["added"] == 0 and first["removed"] == 0  # the receivers already did it
    # someone edits the groups by hand: the repair puts them back
    Group.objects.get(name=group_name(a.pk, "edit")).user_set.add(editor_b)
    Group.objects.get(name=group_name(b.pk, "edit")).user_set.remove(editor_b)
    GroupCollectionPermission.objects.filter(group__name=group_name(a.pk, "edit")).delete()
    repaired = sync_all()
    assert repaired["added"] == 1 and repaired["removed"] == 1
    assert group_members(a, "edit") == {"editor_a"} and group_members(b, "edit") == {"editor_b"}
    assert GroupCollectionPermission.objects.filter(group__name=group_name(a.pk, "edit")).count() == 6
    assert sync_all() == {"collections": 0, "added": 0, "removed": 0}


def test_estate_supervisors_read_every_collection(estate):
    readers = Group.objects.get(name=ESTATE_READERS_GROUP)
    assert set(readers.user_set.values_list("username", flat=True)) == {"province_office"}
    root = Collection.get_first_root_node()
    assert set(readers.collection_permissions.values_list("collection_id", "permission__codename")) == {
        (root.pk, "choose_image"), (root.pk, "choose_document")}


# -- Wagtail's stock views ---------------------------------------------------------------------------


def test_image_listing_shows_only_the_own_sites_images(client, library, two_sites):
    a, b, editor_a, editor_b = two_sites
    page = logged_in(client, editor_a).get(reverse("wagtailimages:index")).content.decode()
    assert "统计局图片甲" in page and "市政府图片乙" not in page
    assert b.name not in page  # not even the other site's collection in the filter
    # (Chinese search needs the search issue's segmentation: look for whole titles)
    assert "统计局图片甲" in text(client.get(reverse("wagtailimages:index_results"), {"q": "统计局图片甲"}))
    found = text(client.get(reverse("wagtailimages:index_results"), {"q": "市政府图片乙"}))
    assert reverse("wagtailimages:edit", args=[library["img_b"].pk]) not in found


@pytest.mark.rule("CON-01")
def test_choosers_offer_the_own_sites_images_and_documents_to_all_its_people(client, library, two_sites):
    a, b, editor_a, editor_b = two_sites
    reviewer_a = admin_user(member("reviewer_a", a, SiteRole.REVIEWER))
    for user in (editor_a, reviewer_a):
        client.force_login(user)
        images = text(client.get(reverse("wagtailimages_chooser:choose")))
        assert "统计局图片甲" in images and "市政府图片乙" not in images
        documents = text(client.get(reverse("wagtaildocs_chooser:choose")))
        assert "统计公报甲" in documents and "市政府内部文件乙" not in documents
        results = text(client.get(reverse("wagtailimages_chooser:choose_results"), {"q": "市政府图片乙"}))
        assert reverse("wagtailimages_chooser:chosen", args=[library["img_b"].pk]) not in results
    # choosing the other site's object by id is refused
    chosen = client.get(reverse("wagtailimages_chooser:chosen", args=[library["img_b"].pk]))
    assert denied(chosen) and "市政府图片乙" not in text(chosen)
    chosen = client.get(reverse("wagtaildocs_chooser:chosen", args=[library["doc_b"].pk]))
    assert denied(chosen) and "市政府内部文件乙" not in text(chosen)


@pytest.mark.rule("CON-01")
def test_the_estate_supervisor_reads_every_sites_images_and_documents(client, library, estate):
    logged_in(client, admin_user(estate.province_office))
    images = text(client.get(reverse("wagtailimages_chooser:choose")))
    assert "统计局图片甲" in images and "市政府图片乙" in images
    documents = text(client.get(reverse("wagtaildocs_chooser:choose")))
    assert "统计公报甲" in documents and "市政府内部文件乙" in documents
    served = client.get(reverse("wagtaildocs_serve", args=[library["doc_b"].pk, library["doc_b"].filename]))
    assert served.status_code == 200
    # reading is not editing
    assert denied(client.get(reverse("wagtailimages:edit", args=[library["img_b"].pk])))


def test_another_sites_image_cannot_be_opened_changed_or_deleted(client, library, two_sites):
    a, b, editor_a, editor_b = two_sites
    img_b = library["img_b"]
    logged_in(client, editor_a)
    for url in (
        reverse("wagtailimages:edit", args=[img_b.pk]),
        reverse("wagtailimages:delete", args=[img_b.pk]),
        reverse("wagtailimages:image_usage", args=[img_b.pk]),
        reverse("wagtailimages:url_generator", args=[img_b.pk]),
        reverse("wagtailimages:preview", args=[img_b.pk, "original"]),
    ):
        response = client.get(url)
        assert denied(response), url
        assert "市政府图片乙" not in text(response)
    client.post(reverse("wagtailimages:edit", args=[img_b.pk]), {"title": "改掉", "description": "改掉"})
    client.post(reverse("wagtailimages:delete", args=[img_b.pk]))
    client.post(reverse("wagtailimages:edit_multiple", args=[img_b.pk]), {f"image-{img_b.pk}-title": "改掉"},
                headers={"x-requested-with": "XMLHttpRequest"})
    client.post(reverse("wagtailimages:delete_multiple", args=[img_b.pk]), headers={"x-requested-with": "XMLHttpRequest"})
    img_b.refresh_from_db()
    assert img_b.title == "市政府图片乙"
    # the owner's own image is editable
    assert client.get(reverse("wagtailimages:edit", args=[library["img_a"].pk])).status_code == 200


def test_another_sites_documents_stay_out_of_the_document_views(client, library, two_sites):
    a, b, editor_a, editor_b = two_sites
    doc_b = library["doc_b"]
    logged_in(client, editor_a)
    listing = client.get(reverse("wagtaildocs:index")).content.decode()
    assert "统计公报甲" in listing and "市政府内部文件乙" not in listing
    for url in (
        reverse("wagtaildocs:edit", args=[doc_b.pk]),
        reverse("wagtaildocs:delete", args=[doc_b.pk]),
        reverse("wagtaildocs:document_usage", args=[doc_b.pk]),
    ):
        response = client.get(url)
        assert denied(response), url
        assert "市政府内部文件乙" not in text(response)
    client.post(reverse("wagtaildocs:edit", args=[doc_b.pk]), {"title": "改掉"})
    client.post(reverse("wagtaildocs:delete", args=[doc_b.pk]))
    assert SiteDocument.objects.get(pk=doc_b.pk).title == "市政府内部文件乙"


def test_bulk_actions_skip_another_sites_objects(client, library, two_sites):
    a, b, editor_a, editor_b = two_sites
    logged_in(client, editor_a)
    url = reverse("wagtail_bulk_action", args=("media", "siteimage", "delete"))
    client.post(f"{url}?id={library['img_a'].pk}&id={library['img_b'].pk}")
    assert set(SiteImage.objects.values_list("title", flat=True)) == {"市政府图片乙"}


def test_internal_documents_download_only_for_their_site(client, library, two_sites, estate):
    a, b, editor_a, editor_b = two_sites
    doc_b = library["doc_b"]
    url = reverse("wagtaildocs_serve", args=[doc_b.pk, doc_b.filename])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert logged_in(client, editor_a).get(url).status_code == 404
    assert logged_in(client, estate.outsider).get(url).status_code == 404
    response = logged_in(client, editor_b).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    reviewer_b = member("reviewer_b", b, SiteRole.CONFIDENTIALITY_REVIEWER)
    assert logged_in(client, reviewer_b).get(url).status_code == 200
    # a public document downloads for everyone
    doc_b.is_public = True
    doc_b.save()
    client.logout()
    assert client.get(url).status_code == 200


def test_people_without_membership_get_no_media_views(client, library, estate):
    logged_in(client, admin_user(estate.outsider))
    assert denied(client.get(reverse("wagtailimages:index")))
    assert denied(client.get(reverse("wagtaildocs:index")))
    chooser = text(client.get(reverse("wagtailimages_chooser:choose")))
    assert "统计局图片甲" not in chooser and "市政府图片乙" not in chooser


def test_upload_form_offers_only_the_own_sites_collection(client, two_sites):
    a, b, editor_a, editor_b = two_sites
    page = logged_in(client, editor_a).get(reverse("wagtailimages:add")).content.decode()
    assert b.name not in page


def test_media_sync_backfills_collections_for_existing_sites(estate):
    from io import StringIO

    from django.core.management import call_command

    assert not SiteCollection.objects.exists()  # the factory's sites were made without trees
    out = StringIO()
    call_command("media_sync", stdout=out)
    hosted = {estate.province_portal, estate.dev_reform_site, estate.city_portal, estate.stats_site,
              estate.county_portal}
    assert set(s.site for s in SiteCollection.objects.select_related("site")) == hosted
    assert "新建网站媒体库 5 个" in out.getvalue()
    call_command("media_sync", stdout=out)
    assert SiteCollection.objects.count() == 5
