"""What every content endpoint shares: what the caller may see, and the keyset cursor.

Views stay thin, as in the registry API (:mod:`govsites.registry.api.common`, whose general
helpers are imported, not copied): parse (ninja) → look the object up among what the caller may
see (a 404 whether or not it exists otherwise) → run exactly one action → serialise. The rules
live in :mod:`govsites.content.actions`; tenancy lives in :mod:`govsites.content.permissions`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from govsites.registry import permissions as registry_permissions
from govsites.registry.api.common import MAX_ID, not_found, user_of, visible_or_404
from govsites.registry.models import Site

from ..models import ColumnPage, Item, RepostDuty, SiteHomePage
from ..permissions import library_permission_policy, memberships, sites_for


def visible_items(request) -> QuerySet[Item]:
    """The caller's own sites' items and every published one (estate supervisors: all)."""
    return library_permission_policy.instances_user_has_permission_for(user_of(request), "view")


def visible_item(request, item_id: int) -> Item:
    return visible_or_404(visible_items(request).select_related("owning_site"), item_id, not_found(_("信息")))


def content_sites(user) -> QuerySet[Site]:
    """Sites whose structure the caller may read: the sites they work on, and the sites of their
    registry area (supervisors)."""
    return Site.objects.filter(Q(pk__in=list(memberships(user))) | Q(pk__in=registry_permissions.visible_sites(user)))


def visible_site(request, site_id: int) -> Site:
    return visible_or_404(content_sites(user_of(request)).select_related("institution"), site_id, not_found(_("网站")))


def visible_columns(request) -> QuerySet[ColumnPage]:
    """Columns of the sites the caller may read (see :func:`content_sites`)."""
    homes = SiteHomePage.objects.filter(registry_site__in=content_sites(user_of(request)))
    paths = list(homes.values_list("path", flat=True))
    if not paths:
        return ColumnPage.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return ColumnPage.objects.filter(condition)


def visible_column(request, column_id: int) -> ColumnPage:
    return visible_or_404(visible_columns(request), column_id, not_found(_("栏目")))


def own_duties(request) -> QuerySet[RepostDuty]:
    """Repost duties of the sites where the caller may add content (editors, site admins)."""
    return RepostDuty.objects.filter(site_id__in=sites_for(user_of(request), "add"))


# -- the keyset cursor -------------------------------------------------------------------------

def cursor_error() -> ValidationError:
    return ValidationError({"cursor": [_("“cursor”无效，请使用上一页返回的 next_cursor。")]})


def encode_cursor(key: dt.datetime, pk: int) -> str:
    """An opaque token for the row the next page starts after."""
    raw = json.dumps([key.astimezone(dt.UTC).isoformat(), pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        key, pk = json.loads(raw)
        moment = dt.datetime.fromisoformat(key)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise cursor_error() from None
    if moment.tzinfo is None or type(pk) is not int or not 0 < pk <= MAX_ID:
        raise cursor_error()
    return moment, pk
