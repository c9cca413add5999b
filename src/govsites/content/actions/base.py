"""The content app's action base: every item state change goes through a subclass of this."""

from __future__ import annotations

from django.db import IntegrityError
from wagtail.log_actions import registry as log_registry

from govsites.actions import Action
from govsites.registry.errors import ConflictError, RuleViolation

#: Labels of the audit actions the item actions write (for Wagtail's log action registry).
ACTION_LABELS = {
    "content.item.create": "新建信息",
    "content.item.edit": "修改信息",
    "content.item.revert": "恢复历史版本",
    "content.item.submit": "提交审核",
    "content.item.approve": "审核通过",
    "content.item.reject": "退回修改",
    "content.item.publish": "发布信息",
    "content.item.unschedule": "取消定时发布",
    "content.item.unpublish": "撤下信息",
    "content.item.archive": "信息归档",
    "content.column.archive": "栏目归档",
    "content.item.lock": "锁定编辑",
    "content.item.unlock": "解除锁定",
}


def register_audit_actions(labels: dict[str, str]) -> None:
    """Make audit action names known to Wagtail's log registry (the audit trail refuses unknown
    ones). Done when the actions module is imported, so the trail works before any admin hook
    runs; registering a name twice is harmless."""
    for action, label in labels.items():
        if action not in log_registry.formatters:
            log_registry.register_action(action, label, label)


register_audit_actions(ACTION_LABELS)


def duplicate_index_number() -> RuleViolation:
    return RuleViolation("CON-10", "索引号在本网站内已被使用，请更换索引号或留空由系统自动生成。", "index_number")


# What the user reads when a content constraint fires, found by the PostgreSQL constraint name
# or the SQLite "table.column" text (factories: an exception instance must not be raised twice).
_CONSTRAINT_ERRORS = (
    (("unique_item_index_number_per_site", "content_item.index_number"), duplicate_index_number),
    (("unique_item_in_column", "content_placement.item_id"), lambda: ConflictError("该信息已在此栏目中，无需重复添加。")),
    (("unique_interpretation_link", "content_interpretationlink.policy_id"),
     lambda: ConflictError("该政策文件与解读已经关联。")),
    (("unique_repost_duty", "content_repostduty.item_id"), lambda: ConflictError("该网站已有此信息的转载任务。")),
    (("content_indexcounter",), lambda: ConflictError("索引号分配冲突，请重试。")),
)


class ContentAction(Action):
    """An action on library content: audited under the owning site, constraint errors in Chinese."""

    def owning_site_id(self, instance) -> int | None:
        """The registry site an audit entry belongs to; items name it, other objects via their item."""
        if getattr(instance, "owning_site_id", None) is not None:
            return instance.owning_site_id
        item = getattr(instance, "item", None)
        if item is not None:
            return item.owning_site_id
        return getattr(instance, "site_id", None)

    def audit(self, instance, action: str, *, reason: str = "", changes=None, data=None, site_id=None):
        if site_id is None:
            site_id = self.owning_site_id(instance)
        return super().audit(instance, action, reason=reason, changes=changes, data=data, site_id=site_id)

    def integrity_error(self, exc: IntegrityError) -> Exception:
        text = str(exc)
        for markers, error in _CONSTRAINT_ERRORS:
            if any(marker in text for marker in markers):
                return error()
        return ConflictError("保存失败：数据与已有记录冲突或已被他人修改，请刷新后重试。")
