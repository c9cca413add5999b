"""Columns of a site, archiving a column, and reposting (the queue of duties and the action)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from govsites.registry.api.common import (
    WRITE_ERRORS,
    existing_or_400,
    not_found,
    run,
    user_of,
    visible_or_404,
)
from govsites.registry.api.schemas import QueryId, responses
from govsites.registry.models import Site

from ..actions import ArchiveColumn, RepostItem
from ..models import ColumnPage, Item, SiteHomePage
from ..permissions import sites_for
from ..reposting import to_repost
from .common import own_duties, visible_column, visible_items, visible_site
from .present import annotated, column_out, duty_row, repost_result, rows_for
from .schemas import ColumnArchiveOut, ColumnOut, DutyOut, RepostIn, RepostOut

router = Router(tags=["栏目与转载"])


class ColumnFilters(Schema):
    site: QueryId = Field(description="网站编号")


class QueueFilters(Schema):
    site: QueryId | None = Field(None, description="只列出该网站的转载任务")


def tree_of(home: SiteHomePage, columns) -> list[dict]:
    columns = list(columns)
    parents = {c.path: c.pk for c in columns}
    return [column_out(c, home.depth, parents) for c in columns]


@router.get(
    "/columns", response=responses(200, list[ColumnOut]), summary="网站的栏目",
    description="网站的全部栏目（按栏目树顺序）。可查看本人所在网站和本人主管范围内的网站。",
)
def list_columns(request, filters: Query[ColumnFilters]):
    site = visible_site(request, filters.site)
    home = SiteHomePage.objects.filter(registry_site=site).first()
    if home is None:
        return []
    return tree_of(home, ColumnPage.objects.descendant_of(home).order_by("path"))


@router.post(
    "/columns/{column_id}/archive", response=responses(200, ColumnArchiveOut, WRITE_ERRORS), summary="栏目归档",
    description="归档栏目（含下级栏目）中本网站的全部信息：只读，继续显示并标注“已归档”和归档日期（REG-15）。"
    "其他网站的信息（转载、使用）不受影响。站点管理员可操作。",
)
def archive_column(request, column_id: int):
    column = visible_column(request, column_id)
    archived = run(request, ArchiveColumn, column)
    home = SiteHomePage.objects.ancestor_of(column).first()
    parents = {c.path: c.pk for c in ColumnPage.objects.ancestor_of(column)}
    rows = annotated(Item.objects.filter(pk__in=[i.pk for i in archived])).select_related("owning_site")
    return {
        "column": column_out(column, home.depth, parents),
        "archived": rows_for(rows.order_by("pk"), user_of(request)),
    }


@router.get(
    "/repost-queue", response=responses(200, list[DutyOut]), summary="待转载的重要政策信息",
    description="本人担任编辑或站点管理员的网站尚未完成的转载任务，时限最近的在前：转载时限、剩余小时数"
    "（超时为负数）和是否超时（CON-03）。",
)
def repost_queue(request, filters: Query[QueueFilters]):
    own = sites_for(user_of(request), "add")
    if filters.site is not None and filters.site not in own:
        raise Http404(not_found(_("网站")))
    sites = Site.objects.filter(pk__in=[filters.site] if filters.site is not None else own).order_by("pk")
    duties = []
    for site in sites:
        duties.extend(to_repost(site).select_related("site"))
    duties.sort(key=lambda d: (d.due_at, d.pk))
    return [duty_row(d) for d in duties]


@router.post(
    "/repost", response=responses(201, RepostOut, WRITE_ERRORS), summary="转载或使用信息",
    description="按转载任务（duty）转载，或使用其他网站的已发布信息（item），放入本网站的栏目。"
    "转载始终标明来源网站名称和链接，不能去除（CON-04）。",
)
def repost(request, payload: RepostIn):
    if (payload.duty is None) == (payload.item is None):
        raise ValidationError({"duty": [_("请指定转载任务（duty）或信息（item），二者选其一。")]})
    if payload.duty is not None:
        duty = visible_or_404(own_duties(request).select_related("item", "site"), payload.duty,
                              not_found(_("转载任务")))
        target, site = duty, duty.site
        if payload.site is not None:
            site = existing_or_400(Site.objects.all(), payload.site, "site", not_found(_("网站")))
    else:
        target = visible_or_404(visible_items(request), payload.item, not_found(_("信息")))
        if payload.site is None:
            raise ValidationError({"site": [_("使用其他网站的信息时须指定转载到的网站（site）。")]})
        site = existing_or_400(Site.objects.all(), payload.site, "site", not_found(_("网站")))
    column = existing_or_400(ColumnPage.objects.all(), payload.column, "column", not_found(_("栏目")))
    placement = run(request, RepostItem, target, site, column)
    return Status(201, repost_result(placement))

