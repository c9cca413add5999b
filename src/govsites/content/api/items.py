"""The library: list (keyset pages), detail, versions, and creating, editing and reverting items."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import F, IntegerField, Q
from django.db.models.functions import Cast, Coalesce
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.conf import settings as ninja_settings
from ninja.pagination import paginate

from govsites.registry import permissions as registry_permissions
from govsites.registry.api.common import (
    WRITE_ERRORS,
    Pagination,
    existing_or_400,
    not_found,
    run,
    user_of,
    visible_or_404,
)
from govsites.registry.api.schemas import IsoDate, QueryId, responses, text
from govsites.registry.models import Site

from ..actions import CreateItem, EditItem, RevertItem
from ..listing import LibraryQuery, with_status
from ..models import ColumnPage, ItemKind
from ..permissions import memberships
from .common import decode_cursor, encode_cursor, visible_item, visible_items
from .present import annotated, item_detail, revision_row, rows_for, scheduled_revisions, sees_drafts
from .schemas import ItemCreateIn, ItemDetailOut, ItemEditIn, ItemPage, RevertIn, RevisionOut, StatusKey

router = Router(tags=["信息资源库"])

#: Statuses only the owning site's people may filter on.
UNPUBLISHED_STATUSES = {"draft", "in_review", "needs_changes", "scheduled"}
#: The order of every library page: the stated publication time, else the last change; newest first.
SORT_KEY = Coalesce("published_on", "updated_at")


class ItemFilters(Schema):
    site: QueryId | None = Field(None, description="所属网站")
    kind: ItemKind | None = Field(None, description="信息类型")
    subject: text(60) | None = Field(None, description="主题分类代码（含其下级分类），如 02 或 02.01")
    status: StatusKey | None = Field(None, description="状态")
    date_from: IsoDate | None = Field(None, description="发布时间起（含）")
    date_to: IsoDate | None = Field(None, description="发布时间止（含）")
    q: text(100) | None = Field(None, description="按标题、发文字号检索，或索引号精确查找")
    column: QueryId | None = Field(None, description="栏目：只列出该栏目中使用的信息")
    cursor: text(200) | None = Field(None, description="上一页返回的 next_cursor")
    limit: int = Field(ninja_settings.PAGINATION_PER_PAGE, ge=1, le=ninja_settings.PAGINATION_MAX_LIMIT,
                       description="每页条数")


def detail(request, item_id: int) -> dict:
    """The item as the caller may see it now (actions hand back partial or stale copies)."""
    visible = visible_items(request)
    queryset = annotated(visible).select_related("owning_site", "created_by", "locked_by")
    return item_detail(visible_or_404(queryset, item_id, not_found(_("信息"))), user_of(request), visible)


def filtered(request, filters: ItemFilters):
    query = LibraryQuery(
        site=filters.site, kind=filters.kind or "", subject=(filters.subject or "").strip(), status="",
        q=(filters.q or "").strip(), date_from=filters.date_from, date_to=filters.date_to, column=filters.column,
    )
    items = query.apply(visible_items(request))
    user = user_of(request)
    if filters.status in UNPUBLISHED_STATUSES and not registry_permissions.reads_everything(user):
        # Where an item stands in its review is its own site's business (CON-01 opens only what is live).
        items = items.filter(owning_site_id__in=list(memberships(user)))
    if filters.status is not None:
        items = with_status(items, filters.status)
        if filters.status == "draft":
            # An approved item waiting for its go-live is "scheduled", not a draft.
            scheduled = scheduled_revisions().annotate(item_id=Cast("object_id", IntegerField()))
            items = items.exclude(pk__in=scheduled.values("item_id"))
    return items


@router.get(
    "/items", response=responses(200, ItemPage), summary="信息资源库列表",
    description="当前用户可见的信息：本人所在网站的全部信息和全库已发布信息（CON-01）。按发布时间"
    "（未填写时按最后修改时间）从新到旧排列，用游标翻页：下一页请求带上本页的 next_cursor。",
)
def list_items(request, filters: Query[ItemFilters]):
    items = filtered(request, filters)
    items = annotated(items.annotate(sort_key=SORT_KEY)).select_related("owning_site")
    if filters.cursor:
        key, pk = decode_cursor(filters.cursor)
        items = items.filter(Q(sort_key__lt=key) | Q(sort_key=key, pk__lt=pk))
    rows = list(items.order_by(F("sort_key").desc(), F("pk").desc())[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {
        "items": rows_for(rows, user_of(request)),
        "next_cursor": encode_cursor(rows[-1].sort_key, rows[-1].pk) if more else None,
    }


@router.get(
    "/items/{item_id}", response=responses(200, ItemDetailOut), summary="信息详情",
    description="本网站成员看到最新版本、审核流程、锁定情况和发布前检查问题；其他人只看到已发布版本。"
    "包括在各网站的使用（其他网站的使用标明来源名称和链接，CON-04）和政策文件与解读的双向关联。",
)
def get_item(request, item_id: int):
    return detail(request, item_id)


@router.get(
    "/items/{item_id}/revisions", response=responses(200, list[RevisionOut]), summary="信息的历史版本",
    description="最新的在前；仅信息所属网站的成员可查看。",
)
@paginate(Pagination)
def list_revisions(request, item_id: int):
    item = visible_item(request, item_id)
    if not sees_drafts(user_of(request), item):
        raise Http404(not_found(_("信息")))
    return [revision_row(r, item) for r in item.revisions.select_related("user").order_by("-created_at", "-pk")]


@router.post(
    "/items", response=responses(201, ItemDetailOut, WRITE_ERRORS), summary="新建信息",
    description="在本人担任编辑的网站的栏目中新建信息（草稿）。政策文件须填写完整的公开属性（CON-10），"
    "索引号留空则自动生成；政策解读须关联政策文件（CON-07）；地图须填写审图号（CON-06）；"
    "回应关切须选择回应类型（CON-08）。",
)
def create_item(request, payload: ItemCreateIn):
    site = existing_or_400(Site.objects.all(), payload.site, "site", not_found(_("网站")))
    column = existing_or_400(ColumnPage.objects.all(), payload.column, "column", not_found(_("栏目")))
    data = payload.model_dump(exclude_unset=True, exclude={"site", "column"})
    data.setdefault("kind", payload.kind)
    item = run(request, CreateItem, site, column, data)
    return Status(201, detail(request, item.pk))


@router.patch(
    "/items/{item_id}", response=responses(200, ItemDetailOut, WRITE_ERRORS), summary="修改信息",
    description="只修改提交的字段，保存为新版本；已发布信息的修改须重新审核后才发布。"
    "expected_revision_id 须为修改所基于的版本：其间他人已保存新版本时返回 409，修改不保存。",
)
def edit_item(request, item_id: int, payload: ItemEditIn):
    item = visible_item(request, item_id)
    data = payload.model_dump(exclude_unset=True, exclude={"expected_revision_id"})
    if not data:
        raise ValidationError(_("请至少提交一个要修改的字段。"))
    run(request, EditItem, item, data, payload.expected_revision_id)
    return detail(request, item.pk)


@router.post(
    "/items/{item_id}/revert", response=responses(200, ItemDetailOut, WRITE_ERRORS), summary="恢复历史版本",
    description="以所选历史版本的内容保存一个新版本（与修改相同的检查）。",
)
def revert_item(request, item_id: int, payload: RevertIn):
    item = visible_item(request, item_id)
    run(request, RevertItem, item, payload.revision_id, payload.expected_revision_id)
    return detail(request, item.pk)
