"""Request and response shapes of the content API.

Inputs refuse unknown fields, cap every string at the model's column width, take dates only as
``YYYY-MM-DD`` and moments as ISO 8601 (without a zone: Beijing time). Everything past the
shape — the disclosure metadata (CON-10), the kind rules, the rich-text cleaning of ``body`` —
is the actions' to check, so the admin and the API refuse exactly the same things.
"""

import datetime as dt
import re
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BeforeValidator, Field, StrictBool
from pydantic_core import PydanticCustomError

from govsites import clock
from govsites.registry.api.schemas import Id, Input, IsoDate, LocalDateTime, SiteRef, text
from govsites.registry.api.schemas import column as width_of

from ..listing import STATUSES
from ..models import Item, ItemKind, Validity
from ..models.library import InterpretationForm, ResponseKind
from ..richtext import BODY_MAX_CHARS

# -- field types ------------------------------------------------------------------------------

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MOMENT_MESSAGE = "须为 YYYY-MM-DD 或 ISO 8601 格式的时间（如 2026-03-02T09:00:00+08:00）"


def _moment(value: Any) -> Any:
    """An aware datetime from ``YYYY-MM-DD`` (midnight, Beijing time) or an ISO 8601 moment."""
    if value is None:
        return None
    if isinstance(value, str) and len(value) <= 40:
        try:
            if ISO_DATE.match(value):
                day = dt.date.fromisoformat(value)
                return clock.at(day.year, day.month, day.day, 0)
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("govsites_moment", _("不是有效的时间，") + _(MOMENT_MESSAGE)) from None
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=clock.SHANGHAI)
    raise PydanticCustomError("govsites_moment", _(MOMENT_MESSAGE))


Moment = Annotated[dt.datetime, BeforeValidator(_moment)]
StatusKey = Literal[tuple(STATUSES)]
Body = text(BODY_MAX_CHARS)


# -- inputs -----------------------------------------------------------------------------------


class ItemFields(Input):
    """The fields people set on an item (``EditItem`` takes only those actually sent)."""

    summary: width_of(Item, "summary") = Field("", description="摘要")
    body: Body = Field("", description="正文（Wagtail 富文本 HTML；脚本、事件属性和不支持的标签会被清除）")
    source_name: width_of(Item, "source_name") = Field("", description="信息来源")
    author: width_of(Item, "author") = Field("", description="作者")
    published_on: Moment | None = Field(None, description="发布时间（显示用）")
    is_important_policy: StrictBool = Field(False, description="重要政策信息：门户发布后下级网站须在时限内转载（CON-03）")
    is_major_policy: StrictBool = Field(False, description="重大政策文件：须同步发布政策解读（CON-07）")
    interpretation_form: InterpretationForm | Literal[""] = Field("", description="政策解读的解读形式（CON-07）")
    response_kind: ResponseKind | Literal[""] = Field("", description="回应关切的回应类型（CON-08）")
    is_standard_map: StrictBool = Field(False, description="标准地图（CON-06）")
    map_approval_number: width_of(Item, "map_approval_number") = Field("", description="审图号（CON-06）")
    index_number: width_of(Item, "index_number") = Field("", description="索引号；政策文件留空则自动生成（CON-10）")
    issuing_body: width_of(Item, "issuing_body") = Field("", description="发文机关")
    org_code: text(40) = Field("", description="发文机关代码（统一社会信用代码或组织机构代码），用于生成索引号")
    unit_code: text(40) = Field("", description="内设机构代码（索引号规则含该段时）")
    document_number: width_of(Item, "document_number") = Field(
        "", description="发文字号，如“青统发〔2026〕3号”（年份用六角括号〔〕，序号不编虚位）"
    )
    written_on: IsoDate | None = Field(None, description="成文日期")
    subject: width_of(Item, "subject") = Field("", description="主题分类代码，如 02.01")
    validity: Validity | Literal[""] = Field("", description="有效性（政策文件，默认有效）")
    validity_changed_on: IsoDate | None = Field(None, description="失效、修改或废止日期")
    superseded_by_title: text(200) = Field("", description="修改或废止本文件的文件名称")
    superseded_by_number: width_of(Item, "document_number") = Field("", description="修改或废止本文件的文件字号")
    go_live_at: Moment | None = Field(None, description="定时发布时间（审核通过后到点发布）")
    expire_at: Moment | None = Field(None, description="定时下线时间")
    policies: list[Id] = Field(default_factory=list, max_length=50, description="政策解读所解读的政策文件编号（CON-07）")


class ItemCreateIn(ItemFields):
    site: Id = Field(description="信息所属网站（须为本人担任编辑的网站）")
    column: Id = Field(description="放入的栏目（须为该网站的栏目）")
    kind: ItemKind = Field(ItemKind.ARTICLE, description="信息类型，创建后不能更改")
    title: width_of(Item, "title") = Field(description="标题")


class ItemEditIn(ItemFields):
    expected_revision_id: Id = Field(
        description="修改所基于的版本（详情中的 latest_revision_id）；其间他人已保存新版本则返回 409"
    )
    title: width_of(Item, "title") = Field("", description="标题")


class RevertIn(Input):
    revision_id: Id = Field(description="要恢复的历史版本")
    expected_revision_id: Id = Field(description="当前最新版本（详情中的 latest_revision_id）")


class DecisionIn(Input):
    task_state_id: Id = Field(description="所审核的步骤（详情中 workflow.current_task.task_state_id）；他人已处理则返回 409")
    comment: text(2000) = Field("", description="审核意见；退回修改须填写")


class UnpublishIn(Input):
    reason: text(500) = Field("", description="撤下原因（必填）")


class RepostIn(Input):
    duty: Id | None = Field(None, description="转载任务编号（转载时限内的重要政策信息，CON-03）")
    item: Id | None = Field(None, description="或：要使用的其他网站已发布信息的编号（CON-01）")
    site: Id | None = Field(None, description="转载到的网站；按转载任务转载时可省略")
    column: Id = Field(description="转载到的栏目（须为该网站的栏目）")


# -- outputs ----------------------------------------------------------------------------------


class ColumnRef(Schema):
    id: int
    title: str
    column_type: str
    column_type_label: str


class ColumnOut(ColumnRef):
    parent_id: int | None = Field(description="上级栏目；一级栏目为 null")
    level: int = Field(description="栏目层级，一级栏目为 1")
    slug: str
    special_topic: bool = Field(description="是否为专栏专题（REG-04）")


class ItemRef(Schema):
    id: int
    title: str
    kind: ItemKind
    live: bool
    owning_site: SiteRef


class ItemOut(Schema):
    id: int
    kind: ItemKind
    kind_label: str
    title: str
    owning_site: SiteRef
    status: StatusKey = Field(description="draft 草稿、in_review 审核中、needs_changes 已退回、scheduled 定时发布、"
                                       "live 已发布、archived 已归档")
    status_label: str
    live: bool
    has_unpublished_changes: bool
    published_on: LocalDateTime | None
    updated_at: LocalDateTime
    scheduled_at: LocalDateTime | None = Field(description="已审核通过、等待定时发布的时间")
    index_number: str
    document_number: str
    subject: str
    archived_on: dt.date | None


class PlacementOut(Schema):
    id: int
    site: SiteRef
    column: ColumnRef
    is_repost: bool = Field(description="按转载任务转载（CON-03）")
    shows_source: bool = Field(description="其他网站使用本信息，须标明来源（CON-04）")
    source_name: str | None = Field(description="来源网站名称（其他网站的使用）")
    source_url: str | None = Field(description="来源链接（其他网站的使用）")
    placed_at: LocalDateTime


class TaskOut(Schema):
    task_state_id: int
    name: str
    status: str
    started_at: LocalDateTime
    comment: str
    you_may_decide: bool = Field(description="当前用户可以审核此步骤")


class WorkflowOut(Schema):
    name: str
    status: Literal["in_progress", "needs_changes"]
    status_label: str
    requested_by: str | None
    requested_at: LocalDateTime
    current_task: TaskOut | None = Field(description="当前步骤；已退回时为退回的步骤（含退回意见）")


class LockOut(Schema):
    locked: bool = Field(description="有人锁定编辑")
    locked_by: str | None
    locked_at: LocalDateTime | None
    blocks_you: bool = Field(description="当前用户因锁定（编辑锁、审核中或定时发布）不能修改")
    message: str | None


class ProblemOut(Schema):
    rule: str
    message: str
    blocking: bool = Field(description="true 阻止发布；false 须审核人确认")
    field: str | None
    positions: list[int] = Field(description="问题在正文可见文字中的位置（第几个字）")


class ItemDetailOut(ItemOut):
    version: Literal["latest", "live"] = Field(
        description="latest：最新版本（含未发布的修改，本网站成员可见）；live：已发布的版本"
    )
    summary: str
    body: str
    source_name: str
    author: str
    is_important_policy: bool
    is_major_policy: bool
    interpretation_form: str
    response_kind: str
    is_standard_map: bool
    map_approval_number: str
    issuing_body: str
    written_on: dt.date | None
    validity: str
    validity_changed_on: dt.date | None
    superseded_by: str
    go_live_at: LocalDateTime | None
    expire_at: LocalDateTime | None
    created_at: LocalDateTime
    created_by: str | None
    latest_revision_id: int | None = Field(description="最新版本；修改时作为 expected_revision_id 提交")
    live_revision_id: int | None
    first_published_at: LocalDateTime | None
    last_published_at: LocalDateTime | None
    archive_banner: str | None = Field(description="归档信息显示的“已归档”标识和归档日期（REG-15）")
    placements: list[PlacementOut] = Field(description="信息在各网站栏目中的使用")
    interpretations: list[ItemRef] = Field(description="政策文件的解读（CON-07）")
    policies: list[ItemRef] = Field(description="政策解读所解读的政策文件（CON-07）")
    workflow: WorkflowOut | None = Field(description="进行中或已退回的审核流程（本网站成员可见）")
    lock: LockOut | None = Field(description="锁定情况（本网站成员可见）")
    problems: list[ProblemOut] | None = Field(
        description="发布前检查发现的问题（CON-05/06/07/10、REG-15），本网站成员可见；其他人为 null"
    )


class RevisionOut(Schema):
    id: int
    created_at: LocalDateTime
    user: str | None
    is_latest: bool
    is_live: bool
    approved_go_live_at: LocalDateTime | None = Field(description="审核通过后定时发布的时间")


class ItemPage(Schema):
    items: list[ItemOut]
    next_cursor: str | None = Field(description="下一页的游标；没有更多时为 null")


class DutyOut(Schema):
    id: int
    item: ItemRef
    site: SiteRef
    created_at: LocalDateTime
    due_at: LocalDateTime = Field(description="转载时限")
    hours_left: float = Field(description="距时限的小时数，超时为负数")
    late: bool = Field(description="已超过转载时限")
    source_name: str
    source_url: str


class RepostOut(PlacementOut):
    item: ItemRef
    duty_id: int | None = Field(description="完成的转载任务；非转载任务的使用为 null")
    late: bool = Field(description="完成时已超过转载时限")


class ColumnArchiveOut(Schema):
    column: ColumnOut
    archived: list[ItemOut] = Field(description="本次归档的信息")
