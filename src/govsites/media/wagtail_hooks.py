"""Media's seams into Wagtail: who may download an internal document, and the bulk "add to
collection" action (a queryset update Wagtail does without saving each object)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.permissions import policy_registry

from govsites.audit.context import Actor

from . import audit
from .models import SiteDocument, SiteImage
from .site_collections import site_id_for_collection


def may_download(user, document) -> bool:
    """Internal documents: people who may choose or change it — the owning site's members,
    estate supervisors, system administrators (Wagtail's collection permissions decide)."""
    if document.is_public:
        return True
    if user is None or not user.is_authenticated:
        return False
    policy = policy_registry.get_by_type(type(document))
    return policy.user_has_any_permission_for_instance(user, ["choose", "change"], document)


@hooks.register("before_serve_document")
def internal_documents_for_their_site(document, request):
    if not isinstance(document, SiteDocument) or may_download(request.user, document):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    # Not 403: another site's people must not even learn that the document exists.
    raise Http404(_("文件不存在。"))


def _is_media_bulk_action(action) -> bool:
    return any(model in (SiteImage, SiteDocument) for model in getattr(action, "models", ()))


@hooks.register("before_bulk_action")
def refuse_collection_without_site(request, action_type, objects, action_class_instance):
    if action_type != "add_to_collection" or not _is_media_bulk_action(action_class_instance):
        return None
    collection = action_class_instance.cleaned_form.cleaned_data.get("collection")
    if collection is not None and site_id_for_collection(collection.pk) is None:
        messages.error(request, _("请选择所属网站的媒体库：每个图片和文件都必须属于一个网站。"))
        return redirect(action_class_instance.next_url)
    return None


@hooks.register("after_bulk_action")
def site_follows_collection(request, action_type, objects, action_class_instance):
    """The owning site follows the new collection, and the move is audited (same transaction)."""
    if action_type != "add_to_collection" or not _is_media_bulk_action(action_class_instance):
        return None
    collection = action_class_instance.cleaned_form.cleaned_data.get("collection")
    site_id = site_id_for_collection(collection.pk) if collection is not None else None
    if site_id is None or not objects:
        return None
    model = type(objects[0])
    model.objects.filter(pk__in=[o.pk for o in objects]).update(site_id=site_id)
    audit.moved(objects, Actor.from_request(request))
    return None
