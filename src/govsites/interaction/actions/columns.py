"""What the column actions (channels, surveys, interviews, knowledge base) share: the permission
of a site's column staff, field checks that collect every Chinese error at once, the audit
entry and the re-rendering of the site's interaction pages."""

from __future__ import annotations

import datetime as dt

from govsites.actions import Action
from govsites.registry.models import Institution, Site

from .. import permissions
from .base import InteractionError, site_output_changed
from .messages import clean_text


def utc(moment: dt.datetime | None) -> dt.datetime | None:
    """One representation per instant, so an unchanged time never shows up as a change."""
    if moment is None or not isinstance(moment, dt.datetime) or moment.tzinfo is None:
        return None
    return moment.astimezone(dt.UTC)


class Checks:
    """Validated values and the errors found on the way, raised together (field → message)."""

    def __init__(self):
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def text(self, field: str, value, label: str, *, minimum: int = 2, limit: int = 500,
             line: bool = False, required: bool = True) -> str:
        """Public-safe text (see ``clean_text``); ``line`` folds it to one line."""
        text = clean_text(value if isinstance(value, str) else "")
        if line:
            text = " ".join(text.split())
        if not text and not required:
            return ""
        if len(text) < minimum:
            self.add(field, f"请填写{label}（至少{minimum}个字）。" if minimum > 1 else f"请填写{label}。")
        elif len(text) > limit:
            self.add(field, f"{label}不能超过{limit}个字（现有{len(text)}个）。")
        return text

    def period(self, start, end, *, start_field: str, end_field: str, labels=("开始时间", "结束时间")) -> None:
        if start is None:
            self.add(start_field, f"请填写{labels[0]}。")
        if end is None:
            self.add(end_field, f"请填写{labels[1]}。")
        if start is not None and end is not None and end <= start:
            self.add(end_field, f"{labels[1]}须晚于{labels[0]}。")

    def department(self, site: Site, department: Institution | None, field: str = "department") -> None:
        """A department of the site's own government area (or none)."""
        if department is None:
            return
        government = site.institution.government or site.institution
        if not department.path.startswith(government.path):
            self.add(field, f"所选部门不属于{government.name}。")

    def done(self) -> None:
        if self.errors:
            raise InteractionError(self.errors)


class ColumnAction(Action):
    """A staff step on one of a site's columns: the site's column staff (or, for an item that
    belongs to a department, that department's handlers) may take it."""

    denied_message = "只有本网站互动栏目的管理人员或相关部门的办理人员可以进行此操作。"

    def __init__(self, actor, site: Site, department_id: int | None = None):
        super().__init__(actor)
        self.site, self.department_id = site, department_id

    def check_permission(self) -> bool:
        return permissions.may_run_column(self.user, self.site, self.department_id)

    def record(self, instance, what: str, *, reason: str = "", data=None, changes=None) -> None:
        self.audit(instance, f"interaction.{what}", reason=reason, data=data, changes=changes, site_id=self.site.pk)

    def shown(self, sender) -> None:
        """The change is visible on the site: re-render its interaction pages."""
        site_output_changed(self, self.site.pk, sender=sender)


class PublicAction(Action):
    """A citizen's contribution through the public service (which has checked its rate limits
    and challenge): anyone may; like ``SubmitMessage`` it writes no audit-chain entry, the row
    itself is the record and the chain's lock would serialise the public service."""

    def check_permission(self) -> bool:
        return True



#: Chinese labels of the column actions in the audit trail
LOG_ACTIONS = {
    "interaction.channels.setup": "互动栏目：设置标准栏目",
    "interaction.channel.edit": "互动栏目：修改栏目",
    "interaction.survey.create": "征集调查：新建",
    "interaction.survey.edit": "征集调查：修改",
    "interaction.survey.open": "征集调查：发布",
    "interaction.survey.close": "征集调查：结束征集",
    "interaction.survey.results": "征集调查：公布结果",
    "interaction.survey.results_edit": "征集调查：修改结果",
    "interaction.interview.create": "在线访谈：发布预告",
    "interaction.interview.edit": "在线访谈：修改",
    "interaction.interview.start": "在线访谈：开始",
    "interaction.interview.finish": "在线访谈：结束",
    "interaction.interview.transcript": "在线访谈：发布实录",
    "interaction.interview.transcript_edit": "在线访谈：修改实录",
    "interaction.interview.question.approve": "在线访谈：采用提问",
    "interaction.interview.question.reject": "在线访谈：不采用提问",
    "interaction.interview.question.answer": "在线访谈：录入嘉宾回答",
    "interaction.knowledge.create": "知识库：新建条目",
    "interaction.knowledge.edit": "知识库：修改条目",
    "interaction.knowledge.publish": "知识库：发布条目",
    "interaction.knowledge.unpublish": "知识库：撤下条目",
}
