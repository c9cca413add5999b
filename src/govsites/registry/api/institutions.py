"""Institutions: the list, one institution with domain suggestions, recording a new one."""

from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from .. import permissions, rules
from ..actions import CreateInstitution
from ..models import InstitutionKind, Level
from .common import WRITE_ERRORS, Pagination, not_found, run, user_of, visible_or_404
from .schemas import InstitutionDetailOut, InstitutionIn, InstitutionOut, QueryId, responses, text

router = Router(tags=["机构"])


class InstitutionFilters(Schema):
    kind: InstitutionKind | None = Field(None, description="机构类别")
    level: Level | None = Field(None, description="层级")
    parent: QueryId | None = Field(None, description="只列出该机构的直接下级")
    q: text(100) | None = Field(None, description="按全称、简称或行政区划代码检索")


def visible_institutions(request):
    return permissions.visible_institutions(user_of(request))


@router.get("/institutions", response=responses(200, list[InstitutionOut]), summary="机构列表")
@paginate(Pagination)
def list_institutions(request, filters: Query[InstitutionFilters]):
    qs = visible_institutions(request)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent)
    if filters.q:
        qs = qs.filter(
            Q(name__icontains=filters.q) | Q(short_name__icontains=filters.q) | Q(division_code__startswith=filters.q)
        )
    return qs.order_by("path")


@router.get(
    "/institutions/{institution_id}",
    response=responses(200, InstitutionDetailOut),
    summary="机构详情（含推荐域名）",
)
def get_institution(request, institution_id: int):
    return visible_or_404(visible_institutions(request), institution_id, not_found(_("机构")))


@router.post("/institutions", response=responses(201, InstitutionDetailOut, WRITE_ERRORS), summary="新增机构")
def create_institution(request, payload: InstitutionIn):
    parent = None
    if payload.parent is not None:
        parent = visible_or_404(visible_institutions(request), payload.parent, not_found(_("上级机构")))
    data = payload.model_dump(mode="json", exclude={"parent"})
    return Status(201, run(request, CreateInstitution, data=data, parent=parent))


@router.get(
    "/governments-missing-portal",
    response=responses(200, list[InstitutionOut]),
    summary="尚未开设门户网站的政府",
    description="省、市、县级政府各须有一个政府门户网站（REG-02）；列出您可见范围内尚无门户网站的政府。",
)
@paginate(Pagination)
def governments_missing_portal(request):
    return rules.governments_missing_portal().filter(pk__in=visible_institutions(request).values("pk"))

