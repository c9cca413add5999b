"""What every registry endpoint shares: the actor, visible look-ups, running one action.

Views stay thin: parse (ninja) → look the object up among what the caller may see → build the
actor → run one action → serialise. Rules live in the actions, never here.
"""

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination

from govsites.audit.context import Actor

# Largest primary key the databases store (signed 64 bit); larger ids cannot exist.
MAX_ID = 2**63 - 1
# Far beyond any list of the estate, far below what makes the database's OFFSET overflow.
MAX_OFFSET = 10**9

#: Error responses documented per operation (the bodies come from the API's handlers).
READ_ERRORS = (400, 401, 403, 404)
WRITE_ERRORS = (400, 401, 403, 404, 409)


class Pagination(LimitOffsetPagination):
    """``limit`` (at most NINJA_PAGINATION_MAX_LIMIT) and ``offset``, both bounded: ninja leaves
    the offset open, and an enormous one fails in the database instead of giving an empty page."""

    class Input(Schema):
        limit: int = Field(ninja_settings.PAGINATION_PER_PAGE, ge=1, le=ninja_settings.PAGINATION_MAX_LIMIT,
                           description="每页条数")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过的条数")


def actor_for(request) -> Actor:
    """The token's user, from the request's address, marked as coming through the API."""
    return Actor.from_request(request, via="api", user=request.auth.user)


def user_of(request):
    return request.auth.user


def visible_or_404(queryset: QuerySet, pk: int, message: str) -> Model:
    """The object if the caller may see it; otherwise 404 whether or not it exists."""
    obj = queryset.filter(pk=pk).first() if 0 < pk <= MAX_ID else None
    if obj is None:
        raise Http404(message)
    return obj


def existing_or_400(queryset: QuerySet, pk: int | None, field: str, message: str) -> Model | None:
    """An object the request refers to (not acts on); an unknown id is a field error."""
    if pk is None:
        return None
    obj = queryset.filter(pk=pk).first() if 0 < pk <= MAX_ID else None
    if obj is None:
        raise ValidationError({field: [message]})
    return obj


def run(request, action_class, *args, **kwargs):
    """Execute exactly one registry action as the token's user."""
    return action_class(actor_for(request), *args, **kwargs).execute()


def not_found(kind: str) -> str:
    return _("未找到该%(kind)s，或您无权查看。") % {"kind": kind}
