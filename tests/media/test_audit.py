"""Uploads, changes, moves and deletions of images and documents in the audit trail, whatever
admin path made them; the owning site follows the collection; published items' attachments
become public."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry
from wagtail.signals import published

from govsites.audit.models import AuditLogEntry
from govsites.content.columns import ColumnType
from govsites.content.models import Item, SiteRole
from govsites.media.models import SiteDocument, SiteImage
from govsites.media.receivers import linked_document_ids
from govsites.media.site_collections import ensure_site_collection
from tests.content.library_helpers import column, draft, member
from tests.media import helpers as h

XHR = {"x-requested-with": "XMLHttpRequest"}


@pytest.fixture
def editor(estate, client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    user = h.admin_user(member("editor_a", estate.stats_site, SiteRole.EDITOR))
    client.force_login(user)
    return user


def trail(action):
    return list(AuditLogEntry.objects.filter(action=action).order_by("id"))


def test_an_upload_edit_and_delete_are_in_the_trail_with_who_and_where(client, editor, estate):
    client.post(reverse("wagtailimages:add"), {
        "title": "办公楼", "description": "统计局办公楼外景", "file": h.upload("building.png", h.png()),
    }, headers={"user-agent": "Firefox/140"}, REMOTE_ADDR="10.1.2.3")
    image = SiteImage.objects.get()
    [upload] = trail("media.image.upload")
    assert (upload.user_id, upload.ip_address, upload.user_agent, upload.via) == (editor.pk, "10.1.2.3", "Firefox/140", "web")
    assert upload.site_ref == estate.stats_site.pk and upload.object_id == str(image.pk)
    assert upload.data["sha1"] == image.file_hash and upload.changes["description"]["after"] == "统计局办公楼外景"

    client.post(reverse("wagtailimages:edit", args=[image.pk]), {
        "title": "统计局办公楼", "description": "统计局办公楼外景",
    })
    [change] = trail("media.image.change")
    assert change.changes == {"title": {"before": "办公楼", "after": "统计局办公楼"}}
    assert change.site_ref == estate.stats_site.pk and change.user_id == editor.pk

    client.post(reverse("wagtailimages:delete", args=[image.pk]))
    assert not SiteImage.objects.exists()
    [deletion] = trail("media.image.delete")
    assert deletion.object_id == str(image.pk) and deletion.changes["title"]["before"] == "统计局办公楼"
    # Wagtail's own log of the same views lands in the one chained trail too (SEC-03)
    assert AuditLogEntry.objects.filter(action="wagtail.create", object_id=str(image.pk)).exists()
    assert not ModelLogEntry.objects.exists()


def test_the_multiple_uploader_and_bulk_delete_are_audited_too(client, editor, estate):
    added = client.post(reverse("wagtaildocs:add_multiple"), {"files[]": h.upload("公报.pdf", h.PDF)},
                        headers=XHR).json()
    document = SiteDocument.objects.get(pk=added["doc_id"])
    assert [e.object_id for e in trail("media.document.upload")] == [str(document.pk)]
    client.post(reverse("wagtaildocs:delete_multiple", args=[document.pk]), headers=XHR)
    assert [e.object_id for e in trail("media.document.delete")] == [str(document.pk)]

    image = h.image(estate.stats_site, user=editor)
    url = reverse("wagtail_bulk_action", args=("media", "siteimage", "delete"))
    client.post(f"{url}?id={image.pk}")
    assert not SiteImage.objects.exists()
    assert [e.object_id for e in trail("media.image.delete")] == [str(image.pk)]


def test_metadata_refreshes_are_not_changes(estate):
    document = h.document(estate.stats_site)
    document.file_hash = ""
    document.get_file_hash()  # Wagtail saves the hash with update_fields
    assert trail("media.document.change") == []


def test_the_owning_site_follows_the_collection(client, estate, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    a, b = estate.stats_site, estate.city_portal
    both = h.admin_user(member("both", a, SiteRole.EDITOR))
    member("both", b, SiteRole.EDITOR)
    client.force_login(both)
    image = h.image(a, user=both)
    collection_b = ensure_site_collection(b)
    # moved in the edit form
    client.post(reverse("wagtailimages:edit", args=[image.pk]), {
        "title": image.title, "description": image.description, "collection": collection_b.pk,
    })
    image.refresh_from_db()
    assert image.site == b
    [change] = trail("media.image.change")
    assert change.changes["site_id"] == {"before": a.pk, "after": b.pk} and change.site_ref == b.pk

    # moved with the bulk action (a queryset update in Wagtail)
    url = reverse("wagtail_bulk_action", args=("media", "siteimage", "add_to_collection"))
    client.post(f"{url}?id={image.pk}", {"collection": ensure_site_collection(a).pk})
    image.refresh_from_db()
    assert (image.collection_id, image.site) == (ensure_site_collection(a).pk, a)
    assert trail("media.image.change")[-1].changes["site_id"] == {"before": b.pk, "after": a.pk}


def test_the_bulk_move_to_a_collection_of_no_site_is_refused(client, estate, django_user_model, settings, tmp_path):
    from wagtail.models import Collection

    settings.MEDIA_ROOT = str(tmp_path)
    admin = django_user_model.objects.create_superuser("sysadmin", password="x")
    client.force_login(admin)
    image = h.image(estate.stats_site)
    url = reverse("wagtail_bulk_action", args=("media", "siteimage", "add_to_collection"))
    client.post(f"{url}?id={image.pk}", {"collection": Collection.get_first_root_node().pk})
    image.refresh_from_db()
    assert image.site == estate.stats_site and image.collection == ensure_site_collection(estate.stats_site)


def test_publishing_an_item_makes_its_own_sites_attachments_public(estate, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    a, b = estate.stats_site, estate.city_portal
    editor = member("editor_a", a, SiteRole.EDITOR)
    own = h.document(a, title="附件一")
    other = h.document(b, title="别站附件")
    unlinked = h.document(a, title="未引用")
    body = (f'<p>见<a linktype="document" id="{own.pk}">附件一</a>，'
            f'<a id="{other.pk}" linktype="document">别站</a>。</p>')
    assert linked_document_ids(body) == {own.pk, other.pk}
    item = draft(a, column(a, ColumnType.NEWS), editor, body=body)
    published.send(sender=Item, instance=item, revision=None)
    assert SiteDocument.objects.get(pk=own.pk).is_public
    assert not SiteDocument.objects.get(pk=other.pk).is_public  # another site's: never by a hand-made link
    assert not SiteDocument.objects.get(pk=unlinked.pk).is_public
    [change] = trail("media.document.change")
    assert change.changes == {"is_public": {"before": False, "after": True}}
