"""Review and publication of one item: submit, approve, reject, publish now, cancel a schedule,
unpublish, archive, lock and unlock. Each endpoint runs exactly one action and answers the item."""

from __future__ import annotations

from ninja import Router

from govsites.registry.api.common import WRITE_ERRORS, run
from govsites.registry.api.schemas import responses

from ..actions import (
    ArchiveItem,
    CancelScheduledPublish,
    DecideReview,
    LockItem,
    PublishItem,
    SubmitItem,
    UnlockItem,
    UnpublishItem,
)
from .common import visible_item
from .items import detail
from .schemas import DecisionIn, ItemDetailOut, UnpublishIn

router = Router(tags=["审核与发布"])

ITEM = {"response": responses(200, ItemDetailOut, WRITE_ERRORS)}


@router.post(
    "/items/{item_id}/submit", summary="提交审核", **ITEM,
    description="将最新版本提交本网站（或栏目）配置的审核流程：内容审核，再保密审查（CON-09）。"
    "退回修改后再次提交时，修改后的版本重新经过全部步骤。",
)
def submit_item(request, item_id: int):
    run(request, SubmitItem, visible_item(request, item_id))
    return detail(request, item_id)


@router.post(
    "/items/{item_id}/approve", summary="审核通过", **ITEM,
    description="由当前步骤的审核人（本网站或栏目指定的内容审核人、保密审查人）作出。最后一步通过即发布"
    "（设置了定时发布时间的到点发布）；发布前检查不通过时审核决定不生效，返回 400 和规则编号。"
    "task_state_id 所指步骤已被他人处理时返回 409。",
)
def approve_item(request, item_id: int, payload: DecisionIn):
    run(request, DecideReview, visible_item(request, item_id), True, payload.comment,
        task_state_id=payload.task_state_id)
    return detail(request, item_id)


@router.post(
    "/items/{item_id}/reject", summary="退回修改", **ITEM,
    description="由当前步骤的审核人退回，须填写意见。task_state_id 所指步骤已被他人处理时返回 409。",
)
def reject_item(request, item_id: int, payload: DecisionIn):
    run(request, DecideReview, visible_item(request, item_id), False, payload.comment,
        task_state_id=payload.task_state_id)
    return detail(request, item_id)


@router.post(
    "/items/{item_id}/publish", summary="立即发布", **ITEM,
    description="立即发布已通过审核的最新版本（如取消定时、提前发布，或重新发布已撤下的信息）；"
    "未经内容审核和保密审查通过的版本不能发布（CON-09）。站点管理员和审核人可操作。",
)
def publish_item(request, item_id: int):
    run(request, PublishItem, visible_item(request, item_id))
    return detail(request, item_id)


@router.post(
    "/items/{item_id}/unschedule", summary="取消定时发布", **ITEM,
    description="取消审核通过版本的定时发布；该版本仍为审核通过，可稍后立即发布。",
)
def unschedule_item(request, item_id: int):
    run(request, CancelScheduledPublish, visible_item(request, item_id))
    return detail(request, item_id)


@router.post(
    "/items/{item_id}/unpublish", summary="撤下信息", **ITEM,
    description="从所有使用该信息的网站撤下（站点管理员，须填写原因）。",
)
def unpublish_item(request, item_id: int, payload: UnpublishIn):
    run(request, UnpublishItem, visible_item(request, item_id), payload.reason)
    return detail(request, item_id)


@router.post(
    "/items/{item_id}/archive", summary="信息归档", **ITEM,
    description="归档后只读，各处使用继续显示并标注“已归档”和归档日期（REG-15）；进行中的审核撤回，"
    "定时发布和定时下线取消。站点管理员可操作。",
)
def archive_item(request, item_id: int):
    run(request, ArchiveItem, visible_item(request, item_id))
    return detail(request, item_id)


@router.post(
    "/items/{item_id}/lock", summary="锁定编辑", **ITEM,
    description="锁定期间只有锁定人可以修改该信息。",
)
def lock_item(request, item_id: int):
    run(request, LockItem, visible_item(request, item_id))
    return detail(request, item_id)


@router.post(
    "/items/{item_id}/unlock", summary="解除锁定", **ITEM,
    description="由锁定人或站点管理员解除。",
)
def unlock_item(request, item_id: int):
    run(request, UnlockItem, visible_item(request, item_id))
    return detail(request, item_id)
