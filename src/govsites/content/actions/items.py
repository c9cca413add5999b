"""Library item actions: create, edit, revert, submit, review, unpublish, archive, lock.

Wagtail keeps the versions (revisions), runs the review (workflows and tasks) and holds the
locks; these actions add what Wagtail does not know: tenancy (people act on their own site's
items only, through :mod:`..permissions`), the kind rules (CON-06/07/08/10), index-number
allocation, "two editors saving at once" detection, archiving (REG-15), and the audit trail
under the owning site. The admin, the API and the CLI all call these classes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from wagtail.actions.create import CreateAction
from wagtail.actions.edit import EditAction
from wagtail.locks import ScheduledForPublishLock, WorkflowLock
from wagtail.models import Revision, TaskState, WorkflowState

from govsites import clock
from govsites.audit.log import diff, snapshot
from govsites.policy import profiles
from govsites.registry.errors import ConflictError, RuleViolation

from ..disclosure import index_numbers, metadata
from ..disclosure.dates import parse_date
from ..disclosure.errors import DisclosureError
from ..models import (
    ColumnPage,
    IndexCounter,
    InterpretationLink,
    Item,
    ItemKind,
    Placement,
    SiteHomePage,
    SiteRole,
    Validity,
)
from ..models.library import InterpretationForm, ResponseKind
from ..permissions import library_permission_policy, memberships, sites_for
from ..richtext import clean_body
from ..signals import item_shown_changed
from .base import ContentAction, duplicate_index_number

#: Item fields people set through create and edit; everything else is kept by the system.
EDITABLE_FIELDS = (
    "title", "summary", "body", "source_name", "author", "published_on",
    "is_important_policy", "is_major_policy", "interpretation_form", "response_kind",
    "is_standard_map", "map_approval_number",
    "index_number", "issuing_body", "document_number", "written_on", "subject",
    "validity", "validity_changed_on", "go_live_at", "expire_at",
)
#: Input that is checked or turned into rows but not stored as an item field of that name.
INPUT_KEYS = ("org_code", "unit_code", "superseded_by_title", "superseded_by_number", "policies")
#: Fields recorded in the audit trail's before/after (what an edit can change).
AUDITED_FIELDS = (*EDITABLE_FIELDS, "superseded_by")
MOMENT_FIELDS = ("published_on", "go_live_at", "expire_at")
# Item field -> key of disclosure.metadata.validate_metadata; its errors are renamed back.
METADATA_KEYS = {"written_on": "date_written", "published_on": "date_published", "validity_changed_on": "validity_date"}
_SUPERSEDED = re.compile(r"^《(?P<title>.*)》(?:（(?P<number>.*)）)?$")
TITLE_MAX = Item._meta.get_field("title").max_length
_BOOLEAN_TEXT = {"true": True, "false": False, "1": True, "0": False, "是": True, "否": False}


def _labels(choices) -> str:
    return "、".join(str(label) for label in choices.labels)


def _verbose(name: str) -> str:
    return str(Item._meta.get_field(name).verbose_name)


def _who(user) -> str:
    return str(user) if user is not None else "系统"


def index_pattern() -> str:
    return profiles.active().get("content.index_pattern")


def is_site_admin(user, site_id: int) -> bool:
    return SiteRole.SITE_ADMIN in memberships(user).get(site_id, set())


class Problems:
    """Every problem of one submission, raised together so the editor fixes them in one go."""

    def __init__(self):
        self.errors: list[ValidationError] = []

    def add(self, error: ValidationError) -> None:
        self.errors.append(error)

    def check(self, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ValidationError as error:
            self.add(error)
            return None

    def raise_if_any(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            merged: dict[str, list] = {}
            for error in self.errors:
                by_field = error.error_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.error_list}
                for name, errors in by_field.items():
                    merged.setdefault(name, []).extend(errors)
            raise ValidationError(merged)


@dataclass
class IndexRequest:
    """An index number to allocate when the item is saved (the editor left it blank)."""

    org: str | None
    unit: str | None
    year: int
    scope: str


@dataclass
class Prepared:
    """What validation found that the save still has to do."""

    index: IndexRequest | None = None
    policies: list[Item] | None = None
    links_given: bool = False


# -- reading input -----------------------------------------------------------------------------

def _moment(value, name: str):
    """An aware datetime from a datetime, a date (midnight, Shanghai) or text."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        return clock.at(value.year, value.month, value.day, 0)
    else:
        moment = parse_datetime(str(value).strip())
        if moment is None:
            try:
                day = parse_date(value, _verbose(name))
            except DisclosureError as error:
                raise ValidationError({name: [ValidationError(error.detail, code="invalid")]}) from error
            return clock.at(day.year, day.month, day.day, 0)
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=clock.SHANGHAI)


def _coerce(name: str, value):
    """``value`` as the item field ``name`` stores it; a bad value is an error on that field."""
    model_field = Item._meta.get_field(name)
    if name == "body":
        return clean_body("" if value is None else str(value))
    if isinstance(model_field, (models.CharField, models.TextField)):
        return "" if value is None else str(value).strip()
    if name in MOMENT_FIELDS:
        return _moment(value, name)
    if value in (None, ""):
        return None if model_field.null else model_field.get_default()
    if isinstance(model_field, models.BooleanField) and isinstance(value, str):
        value = _BOOLEAN_TEXT.get(value.strip().lower(), value)  # JSON and form input spell it in text
    try:
        if isinstance(model_field, models.DateField):
            return parse_date(value, _verbose(name))
        return model_field.to_python(value)
    except ValidationError as error:
        detail = getattr(error, "detail", None) or error.messages[0]
        raise ValidationError({name: [ValidationError(detail, code="invalid")]}) from error


def _apply(item: Item, data: dict, problems: Problems, *, creating: bool) -> set[str]:
    """Copy the editable fields of ``data`` onto ``item``; returns the fields whose value was bad."""
    allowed = {*EDITABLE_FIELDS, *INPUT_KEYS, *(("kind",) if creating else ())}
    unknown = sorted(set(data) - allowed)
    if "kind" in unknown and data["kind"] == item.kind:
        unknown.remove("kind")
    for name in unknown:
        message = "信息类型创建后不能更改。" if name == "kind" else f"不能通过此操作设置“{name}”。"
        problems.add(ValidationError({name: [ValidationError(message, code="invalid")]}))
    failed = set()
    for name in EDITABLE_FIELDS:
        if name not in data:
            continue
        try:
            setattr(item, name, _coerce(name, data[name]))
        except ValidationError as error:
            problems.add(error)
            failed.add(name)
            setattr(item, name, None)
    return failed


def _check_title(item: Item, problems: Problems) -> None:
    item.title = (item.title or "").strip()
    if not item.title:
        message = "请填写标题。"
    elif len(item.title) > TITLE_MAX:
        message = f"标题不能超过{TITLE_MAX}个字（现为{len(item.title)}个字）。"
    else:
        return
    problems.add(ValidationError({"title": [ValidationError(message, code="invalid")]}))


def _check_kind_rules(item: Item, problems: Problems) -> None:
    if item.kind == ItemKind.MAP and not item.is_standard_map and not item.map_approval_number:
        problems.add(RuleViolation(
            "CON-06", "地图须填写审图号；使用标准地图的，请勾选“标准地图”。", "map_approval_number"
        ))
    if item.kind == ItemKind.RESPONSE and not item.response_kind:
        problems.add(RuleViolation(
            "CON-08", f"回应关切信息须选择回应类型（{_labels(ResponseKind)}）。", "response_kind"
        ))
    if item.kind == ItemKind.INTERPRETATION and not item.interpretation_form:
        problems.add(RuleViolation(
            "CON-07", f"政策解读须选择解读形式（{_labels(InterpretationForm)}）。", "interpretation_form"
        ))


def _superseded(item: Item, data: dict) -> tuple[str, str]:
    """The superseding document as given, else as stored on the item (``《title》（number）``)."""
    if "superseded_by_title" in data or "superseded_by_number" in data:
        return (data.get("superseded_by_title") or "", data.get("superseded_by_number") or "")
    match = _SUPERSEDED.match(item.superseded_by or "")
    return (match["title"], match["number"] or "") if match else (item.superseded_by or "", "")


def _renamed(error: ValidationError, reported: set[str]) -> ValidationError | None:
    """Disclosure errors keyed by the item's field names (what forms and the API send), without
    the fields already reported (the title check, values that could not be read at all)."""
    item_field = {key: name for name, key in METADATA_KEYS.items()}
    renamed = {item_field.get(key, key): errors for key, errors in error.error_dict.items()}
    left = {name: errors for name, errors in renamed.items() if name not in reported | {"title"}}
    return ValidationError(left) if left else None


def _check_policy(item: Item, data: dict, problems: Problems, reported: set[str]) -> IndexRequest | None:
    """CON-10: the disclosure metadata block, normalised onto the item; a blank index number is
    allocated at save time from the counter of its scope."""
    title, number = _superseded(item, data)
    values = {
        **item.disclosure_values(),
        "org_code": data.get("org_code"),
        "superseded_by_title": title,
        "superseded_by_number": number,
    }
    pattern = index_pattern()
    try:
        cleaned = metadata.validate_metadata(values, pattern=pattern, today=clock.today(), auto_index=True)
    except DisclosureError:
        raise  # the profile's pattern itself is wrong: a configuration error, not the editor's
    except ValidationError as error:
        remaining = _renamed(error, reported)
        if remaining is not None:
            problems.add(remaining)
        return None
    validity = cleaned["validity"]
    if validity.state.value not in Validity.values:
        problems.add(RuleViolation(
            "CON-10", f"有效性暂只能标注为{_labels(Validity)}，不能标注为“{validity.state.label}”。", "validity"
        ))
        return None
    item.document_number = str(cleaned["document_number"] or "")
    item.written_on = cleaned["date_written"]
    item.subject = cleaned["subject"].code
    item.validity = validity.state.value
    item.validity_changed_on = validity.date
    item.superseded_by = str(validity.reference or "")
    if cleaned["index_number"]:
        item.index_number = cleaned["index_number"]
        return None
    org, unit, year = cleaned["org_code"], (data.get("unit_code") or "").strip() or None, clock.today().year
    try:
        scope = index_numbers.counter_scope(pattern, org=org, unit=unit, year=year)
    except DisclosureError as error:
        problems.add(ValidationError({"index_number": [error]}))
        return None
    return IndexRequest(org, unit, year, ";".join(f"{name}={value}" for name, value in scope))


def _check_unique_index(item: Item, problems: Problems) -> None:
    if item.index_number and (
        Item.objects.filter(owning_site_id=item.owning_site_id, index_number=item.index_number)
        .exclude(pk=item.pk)
        .exists()
    ):
        problems.add(duplicate_index_number())


def _linked_policies(user, item: Item, values, problems: Problems) -> list[Item] | None:
    """CON-07: the policies an interpretation explains; only ones the user may see."""
    if item.kind != ItemKind.INTERPRETATION:
        if values:
            problems.add(RuleViolation("CON-07", "只有政策解读可以关联政策文件。", "policies"))
        return None
    try:
        ids = list(dict.fromkeys(int(getattr(value, "pk", value)) for value in values or ()))
    except (TypeError, ValueError):
        problems.add(RuleViolation("CON-07", "关联的政策文件应为信息编号列表。", "policies"))
        return None
    found = {
        policy.pk: policy
        for policy in library_permission_policy.instances_user_has_permission_for(user, "view").filter(
            pk__in=ids, kind=ItemKind.POLICY
        )
    }
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        problems.add(RuleViolation(
            "CON-07", f"所选政策文件（编号{'、'.join(missing)}）不存在、不是政策文件或您无权查看。", "policies"
        ))
        return None
    return [found[pk] for pk in ids]


def prepare(user, item: Item, data: dict, *, creating: bool) -> Prepared:
    """Apply ``data`` to ``item`` and check everything; raises before anything is written."""
    problems = Problems()
    unreadable = _apply(item, data, problems, creating=creating)
    _check_title(item, problems)
    if item.kind not in ItemKind.values:
        problems.add(ValidationError({"kind": [ValidationError(
            f"信息类型应为{_labels(ItemKind)}之一。", code="invalid"
        )]}))
    _check_kind_rules(item, problems)
    prepared = Prepared()
    if item.kind == ItemKind.POLICY:
        prepared.index = _check_policy(item, data, problems, unreadable)
    _check_unique_index(item, problems)
    if "policies" in data:
        prepared.links_given = True
        prepared.policies = _linked_policies(user, item, data["policies"], problems)
    if item.kind == ItemKind.INTERPRETATION and (creating or prepared.links_given) and not data.get("policies"):
        problems.add(RuleViolation("CON-07", "政策解读须关联所解读的政策文件（至少一个）。", "policies"))
    if item.expire_at and item.go_live_at and item.expire_at <= item.go_live_at:
        problems.add(ValidationError({"expire_at": [ValidationError("下线时间须晚于定时发布时间。", code="invalid")]}))
    # Django's own field checks for the rest (the fields checked above are left out).
    checked = ["title", "kind", "index_number", "latest_revision", "live_revision", *unreadable]
    problems.check(item.full_clean, exclude=checked)
    problems.raise_if_any()
    return prepared


# -- writing -----------------------------------------------------------------------------------

def allocate_index(item: Item, request: IndexRequest) -> None:
    """Draw the next index number of the request's scope; the counter row stays locked until the
    transaction ends, so concurrent creations never draw the same number."""
    counter, _ = IndexCounter.objects.select_for_update().get_or_create(scope=request.scope)
    seq = counter.last_seq
    while True:
        candidate = index_numbers.next_index(index_pattern(), request.org, request.year, seq, unit=request.unit)
        seq = candidate.seq
        # A number typed in by hand may already hold this place: skip it rather than fail.
        if not Item.objects.filter(owning_site_id=item.owning_site_id, index_number=candidate.value).exists():
            break
    counter.last_seq = seq
    counter.save(update_fields=["last_seq"])
    item.index_number = candidate.value


def save_links(interpretation: Item, policies: list[Item]) -> None:
    """The interpretation explains exactly ``policies`` (one row per pair serves both pages)."""
    InterpretationLink.objects.filter(interpretation=interpretation).exclude(policy__in=policies).delete()
    existing = set(InterpretationLink.objects.filter(interpretation=interpretation).values_list("policy_id", flat=True))
    InterpretationLink.objects.bulk_create(
        InterpretationLink(policy=policy, interpretation=interpretation)
        for policy in policies
        if policy.pk not in existing
    )


def lock_message(lock) -> str:
    """Why a locked item cannot be changed now, in the words an editor understands."""
    if isinstance(lock, WorkflowLock):
        return f"该信息正在“{lock.task.name}”中，审核期间只有该步骤的审核人可以修改。"
    if isinstance(lock, ScheduledForPublishLock):
        return "该信息已安排定时发布，取消定时发布后才能修改。"
    obj = lock.object
    when = f"于{clock.local(obj.locked_at):%Y-%m-%d %H:%M}" if obj.locked_at else ""
    return f"该信息已被{_who(obj.locked_by)}{when}锁定编辑，解锁后才能修改。"


def require_unlocked(item: Item, user) -> None:
    lock = item.get_lock()
    if lock is not None and lock.for_user(user):
        raise ConflictError(lock_message(lock))


def require_not_archived(item: Item, doing: str) -> None:
    if item.archived_on is not None:
        raise RuleViolation("REG-15", f"该信息已于{item.archived_on:%Y-%m-%d}归档，归档信息只读，不能{doing}。")


def locked_row(item: Item) -> Item:
    """The item re-read under a row lock: the caller's copy may be stale."""
    return Item.objects.select_for_update().get(pk=item.pk)


class ItemAction(ContentAction):
    """An action on one existing item."""

    def __init__(self, actor, item: Item):
        super().__init__(actor)
        self.item = item

    def may(self, action: str) -> bool:
        return library_permission_policy.user_has_permission_for_instance(self.user, action, self.item)


# -- the actions -------------------------------------------------------------------------------

class CreateItem(ContentAction):
    """A new library item of ``site``, placed in ``column`` (a column of that site), as a draft."""

    def __init__(self, actor, site, column: ColumnPage, data: dict):
        super().__init__(actor)
        self.site = site
        self.column = column
        self.data = dict(data)

    def check_permission(self) -> bool:
        return self.site.pk in sites_for(self.user, "add")

    def check_column(self) -> None:
        home = SiteHomePage.objects.filter(registry_site=self.site).first()
        if home is None or not self.column.is_descendant_of(home):
            raise ValidationError({"column": [ValidationError(
                f"栏目“{self.column.title}”不属于网站“{self.site.name}”，请选择本网站的栏目。", code="invalid"
            )]})

    def perform(self) -> Item:
        self.check_column()
        now = clock.now()
        item = Item(
            owning_site=self.site, kind=self.data.get("kind") or ItemKind.ARTICLE, live=False,
            created_by=self.user, created_at=now, updated_at=now,
        )
        prepared = prepare(self.user, item, self.data, creating=True)
        if prepared.index is not None:
            allocate_index(item, prepared.index)
        create = CreateAction(item, self.user, log_action=False, clean=False)
        item = create.execute(skip_permission_checks=True)
        Placement.objects.create(item=item, column=self.column, site=self.site, placed_by=self.user, placed_at=now)
        if prepared.policies:
            save_links(item, prepared.policies)
        self.audit(item, "content.item.create", data={
            "kind": item.kind, "column": self.column.pk, "revision": create.revision.pk,
            "index_number": item.index_number, "policies": [p.pk for p in prepared.policies or ()],
        })
        return item


class EditItem(ItemAction):
    """Save changes as a new revision; the live version changes only when a revision is published.

    ``expected_revision_id`` is the revision the editor started from: if someone saved since,
    the save is refused (two editors saving at once: exactly one wins, nothing is overwritten).
    """

    audit_action = "content.item.edit"

    def __init__(self, actor, item: Item, data: dict, expected_revision_id: int | None):
        super().__init__(actor, item)
        self.data = dict(data)
        self.expected_revision_id = expected_revision_id
        self.previous_revision: Revision | None = None

    def check_permission(self) -> bool:
        if self.may("change"):
            return True
        # As in Wagtail: a reviewer may correct an item while it is at their step.
        task = self.item.current_workflow_task
        return task is not None and task.user_can_access_editor(self.item, self.user)

    def require_current(self, current: Item) -> None:
        if current.latest_revision_id == self.expected_revision_id:
            return
        latest = current.latest_revision
        by = f"{_who(latest.user)}于{clock.local(latest.created_at):%Y-%m-%d %H:%M}保存了新版本" if latest else "已变更"
        raise ConflictError(f"该信息已被他人修改（{by}），您的修改未保存，请刷新后在最新版本上重新修改。")

    def perform(self) -> Item:
        current = locked_row(self.item)
        require_not_archived(current, "修改")
        require_unlocked(current, self.user)
        self.require_current(current)
        draft = current.get_latest_revision_as_object()
        before = snapshot(draft, AUDITED_FIELDS)
        prepared = prepare(self.user, draft, self.data, creating=False)
        if prepared.index is not None:
            allocate_index(draft, prepared.index)
        draft.updated_at = clock.now()
        edit = EditAction(draft, self.user, log_action=False, clean=False, previous_revision=self.previous_revision)
        draft = edit.execute(skip_permission_checks=True)
        if prepared.links_given:
            save_links(draft, prepared.policies or [])
        self.audit(draft, self.audit_action, changes=diff(before, snapshot(draft, AUDITED_FIELDS)), data={
            "revision": edit.revision.pk,
            "previous_revision": self.previous_revision.pk if self.previous_revision else None,
        })
        self.item = draft
        return draft


def editable_data(item: Item) -> dict:
    """An item's editable content in the shape :class:`EditItem` takes (forms start from it)."""
    data = {name: getattr(item, name) for name in EDITABLE_FIELDS}
    data["superseded_by_title"], data["superseded_by_number"] = _superseded(item, {})
    return data


def revision_data(revision: Revision) -> dict:
    """The editable content of an earlier revision."""
    return editable_data(revision.as_object())


class RevertItem(EditItem):
    """Roll back: a new revision with the content of an earlier one (checked like any edit)."""

    audit_action = "content.item.revert"

    def __init__(self, actor, item: Item, revision_id: int, expected_revision_id: int | None):
        super().__init__(actor, item, {}, expected_revision_id)
        self.revision_id = revision_id

    def perform(self) -> Item:
        self.previous_revision = self.item.revisions.filter(pk=self.revision_id).first()
        if self.previous_revision is None:
            raise ValidationError({"revision": [ValidationError("所选版本不属于该信息。", code="invalid")]})
        self.data = revision_data(self.previous_revision)
        return super().perform()


class SubmitItem(ItemAction):
    """Send the latest revision into the site's (or column's) review workflow (CON-09).

    A rejected item is submitted again after its revision: the old workflow is closed and the
    revised version goes through every step again, so no approval covers content it never saw.
    """

    def check_permission(self) -> bool:
        return self.may("change")

    def perform(self) -> WorkflowState:
        current = locked_row(self.item)
        require_not_archived(current, "提交审核")
        state = current.current_workflow_state
        if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
            step = state.current_task_state.task.name if state.current_task_state else "审核"
            raise ConflictError(f"该信息已在审核中（当前步骤：{step}），无需重复提交。")
        require_unlocked(current, self.user)
        workflow = current.get_workflow()
        if workflow is None:
            raise RuleViolation("CON-09", "本网站尚未配置内容审核和保密审查流程，请联系站点管理员配置后再提交。")
        resubmitted = state is not None
        if resubmitted:
            state.cancel(user=self.user)
        new_state = workflow.start(current, self.user)
        self.audit(current, "content.item.submit", data={
            "workflow": workflow.name, "revision": current.latest_revision_id, "resubmitted": resubmitted,
        })
        self.item = current
        return new_state


class DecideReview(ItemAction):
    """A reviewer's decision on the item's current review step (CON-09).

    ``task_state_id`` is the step the reviewer was shown; if it is no longer the open step (another
    reviewer decided first) the decision is refused. The final approval publishes the item inside
    this action's transaction, so a refused publish (a pre-publish rule) leaves nothing decided.
    """

    def __init__(self, actor, item: Item, approve: bool, comment: str = "", *, task_state_id: int | None = None):
        super().__init__(actor, item)
        self.approve = approve
        self.action_name = "approve" if approve else "reject"
        self.comment = (comment or "").strip()
        self.task_state_id = task_state_id
        self.task_state: TaskState | None = None

    def open_task_state(self, item: Item) -> TaskState:
        state = item.current_workflow_state
        task_state = state.current_task_state if state is not None else None
        if (
            task_state is None
            or state.status != WorkflowState.STATUS_IN_PROGRESS
            or task_state.status != TaskState.STATUS_IN_PROGRESS
            or (self.task_state_id is not None and task_state.pk != self.task_state_id)
        ):
            raise ConflictError(self.stale_message())
        return task_state

    def stale_message(self) -> str:
        # Only a step of this item's own workflows: an id from elsewhere reveals nothing.
        decided = (
            TaskState.objects.filter(
                pk=self.task_state_id,
                workflow_state__base_content_type=self.item.get_base_content_type(),
                workflow_state__object_id=str(self.item.pk),
            )
            .select_related("finished_by", "task")
            .first()
        )
        if decided is None:
            return "该信息当前没有待审核的步骤（可能已被他人处理或已撤回），您的决定未生效，请刷新后查看。"
        by = f"已由{_who(decided.finished_by)}" if decided.finished_by_id else "已"
        return (
            f"“{decided.task.name}”步骤{by}处理为“{decided.get_status_display()}”，您的决定未生效，请刷新后查看。"
        )

    def check_permission(self) -> bool:
        # People outside the owning site learn nothing about its reviews (a live item is readable
        # by all, its review steps are not), not even that they are stale.
        if self.item.owning_site_id not in memberships(self.user) or not self.may("view"):
            return False
        self.task_state = self.open_task_state(self.item)
        task = self.task_state.task.specific
        offered = {name for name, _label, _needs_form in task.get_actions(self.item, self.user)}
        if self.action_name not in offered:
            self.denied_message = f"您不是该信息“{task.name}”步骤的审核人，不能作出此决定。"
            return False
        return True

    def perform(self) -> Item:
        if not self.approve and not self.comment:
            raise ValidationError({"comment": [ValidationError("退回修改须填写意见，说明需要如何修改。", code="required")]})
        current = locked_row(self.item)
        task_state = TaskState.objects.select_for_update().get(pk=self.task_state.pk)
        if task_state.status != TaskState.STATUS_IN_PROGRESS:
            self.task_state_id = task_state.pk
            raise ConflictError(self.stale_message())
        task_state = task_state.specific
        task = task_state.task.specific
        task.on_action(task_state, self.user, self.action_name, comment=self.comment)
        current.refresh_from_db()
        self.audit(current, f"content.item.{self.action_name}", reason=self.comment, data={
            "task": task.name, "task_state": task_state.pk, "revision": task_state.revision_id,
            "published": current.live and current.live_revision_id == task_state.revision_id,
        })
        self.item = current
        return current


class UnpublishItem(ItemAction):
    """Take a live item off every site (site administrators only, with a reason)."""

    def __init__(self, actor, item: Item, reason: str):
        super().__init__(actor, item)
        self.reason = (reason or "").strip()

    def check_permission(self) -> bool:
        return is_site_admin(self.user, self.item.owning_site_id)

    def perform(self) -> Item:
        if not self.reason:
            raise ValidationError({"reason": [ValidationError("请填写撤下原因。", code="required")]})
        current = locked_row(self.item)
        if not current.live:
            raise ConflictError("该信息尚未发布或已被撤下。")
        current.unpublish(user=self.user, log_action=False)
        self.audit(current, "content.item.unpublish", reason=self.reason)
        self.item = current
        return current


class PublishItem(ItemAction):
    """Publish the latest revision now: after an approval scheduled for later, or to put back an
    unpublished item. Only a revision that passed both reviews goes live (CON-09, checked in
    ``Item.publish``), so this never shortcuts the workflow."""

    def check_permission(self) -> bool:
        return self.may("publish")

    def perform(self) -> Item:
        current = locked_row(self.item)
        require_not_archived(current, "发布")
        revision = current.latest_revision
        if revision is None:
            raise ConflictError("该信息没有可发布的版本。")
        if current.live and current.live_revision_id == revision.pk:
            raise ConflictError("该信息的最新版本已经发布，无需重复发布。")
        revision.approved_go_live_at = None
        revision.save(update_fields=["approved_go_live_at"])
        # Publishing now means now, whatever go-live time the approved revision carried.
        current.go_live_at = None
        revision.content["go_live_at"] = None
        revision.save(update_fields=["content"])
        revision.publish(user=self.user, log_action=False, skip_permission_checks=True)
        current.refresh_from_db()
        self.audit(current, "content.item.publish", data={"revision": revision.pk})
        self.item = current
        return current


class CancelScheduledPublish(ItemAction):
    """Withdraw an approved revision's scheduled go-live (it stays approved; publish it later)."""

    def check_permission(self) -> bool:
        return self.may("publish") or self.may("change")

    def perform(self) -> Item:
        current = locked_row(self.item)
        scheduled = current.revisions.exclude(approved_go_live_at=None)
        when = scheduled.values_list("approved_go_live_at", flat=True).first()
        if when is None:
            raise ConflictError("该信息没有定时发布安排。")
        scheduled.update(approved_go_live_at=None)
        self.audit(current, "content.item.unschedule", data={"go_live_at": when.isoformat()})
        self.item = current
        return current


def archive_items(action: ContentAction, items, today: dt.date) -> list[Item]:
    """REG-15: mark items archived. They stay live wherever they are placed, but any review in
    progress is withdrawn and scheduled publishing or expiry is cleared, so nothing changes them."""
    archived = []
    for item in items:
        state = item.current_workflow_state
        if state is not None:
            state.cancel(user=action.user)
        item.revisions.update(approved_go_live_at=None)
        Item.objects.filter(pk=item.pk).update(archived_on=today, expire_at=None, updated_at=clock.now())
        item.refresh_from_db()
        action.audit(item, "content.item.archive", data={"archived_on": today.isoformat()})
        archived.append(item)
    item_shown_changed.send(sender=Item, item_ids=[item.pk for item in archived], reason="archive")
    return archived


class ArchiveItem(ItemAction):
    def check_permission(self) -> bool:
        return is_site_admin(self.user, self.item.owning_site_id)

    def perform(self) -> Item:
        current = locked_row(self.item)
        if current.archived_on is not None:
            raise ConflictError(f"该信息已于{current.archived_on:%Y-%m-%d}归档。")
        [self.item] = archive_items(self, [current], clock.today())
        return self.item


class ArchiveColumn(ContentAction):
    """REG-15: archive everything the column (and its sub-columns) shows from its own site.

    Items of other sites placed here (uses, reposts) are theirs to archive: they are left alone.
    """

    def __init__(self, actor, column: ColumnPage):
        super().__init__(actor)
        self.column = column
        home = SiteHomePage.objects.ancestor_of(column).first()
        self.site = home.registry_site if home is not None else None

    def check_permission(self) -> bool:
        return self.site is not None and is_site_admin(self.user, self.site.pk)

    def perform(self) -> list[Item]:
        columns = ColumnPage.objects.descendant_of(self.column, inclusive=True)
        items = (
            Item.objects.select_for_update()
            .filter(
                owning_site=self.site, archived_on__isnull=True,
                pk__in=Placement.objects.filter(site=self.site, column__in=columns).values("item_id"),
            )
            .order_by("pk")
        )
        today = clock.today()
        archived = archive_items(self, list(items), today)
        self.audit(self.column, "content.column.archive", site_id=self.site.pk, data={
            "archived_on": today.isoformat(), "items": [item.pk for item in archived],
        })
        return archived


class LockItem(ItemAction):
    """Wagtail's edit lock: while held, only its holder may change the item."""

    def check_permission(self) -> bool:
        return self.may("lock")

    def perform(self) -> Item:
        current = locked_row(self.item)
        require_not_archived(current, "锁定编辑")
        if current.locked and current.locked_by_id != self.user.pk:
            raise ConflictError(lock_message(current.get_lock()))
        if not current.locked:
            current.locked, current.locked_by, current.locked_at = True, self.user, clock.now()
            current.save(update_fields=["locked", "locked_by", "locked_at"])
            self.audit(current, "content.item.lock")
        self.item = current
        return current


class UnlockItem(ItemAction):
    """Release the lock: its holder, or a site administrator (e.g. when the holder is away)."""

    def check_permission(self) -> bool:
        return self.item.locked_by_id == getattr(self.user, "pk", None) or self.may("unlock")

    def perform(self) -> Item:
        current = locked_row(self.item)
        if current.locked:
            held_by = current.locked_by_id
            current.locked, current.locked_by, current.locked_at = False, None, None
            current.save(update_fields=["locked", "locked_by", "locked_at"])
            self.audit(current, "content.item.unlock", data={"locked_by": held_by})
        self.item = current
        return current


__all__ = [
    "ArchiveColumn",
    "ArchiveItem",
    "CancelScheduledPublish",
    "CreateItem",
    "DecideReview",
    "EditItem",
    "LockItem",
    "PublishItem",
    "RevertItem",
    "SubmitItem",
    "UnlockItem",
    "UnpublishItem",
]
