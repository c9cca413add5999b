"""Pre-publish checks: what stops a library item from going live, and what a reviewer must see.

:meth:`Item.publish <govsites.content.models.library.Item.publish>` is the one path every publish
takes (end of a workflow, scheduled go-live, a direct ``revision.publish()``), so it calls
:func:`ensure_publishable` and nothing goes live past a blocking problem:

- REG-15 an archived item is read-only and is not published again;
- CON-09 the revision passed content review *and* confidentiality review;
- CON-05 no banned words (block) — advertising and the like are flagged for the reviewer;
- CON-06 a map is a standard map or carries its approval number (审图号);
- CON-07 a major policy has a live interpretation (block or flag, per policy profile);
- CON-10 a policy document carries complete, well-formed disclosure metadata.

:func:`report` gives the same findings (without the review check) for the review screens, so the
reviewer sees the flagged ones before approving. Links between policies and interpretations
count only where the counterpart is live: :func:`interpretations_of` / :func:`policies_of`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Max, Min, QuerySet
from wagtail.models import TaskState, WorkflowState

from govsites import clock
from govsites.policy import profiles
from govsites.registry.errors import RuleViolation

from .disclosure.dates import chinese_date
from .disclosure.metadata import validate_metadata
from .models import ConfidentialityReviewTask, ContentReviewTask, Item, ItemKind
from .screening import ScreeningResult, screen, screen_html, summary

SCREENED_FIELDS = (("title", "标题", screen), ("summary", "摘要", screen), ("body", "正文", screen_html))
REVIEW_TASKS = ((ContentReviewTask, "内容审核"), (ConfidentialityReviewTask, "保密审查"))
# Disclosure keys (disclosure.metadata.LABELS) → the Item field an editor corrects.
DISCLOSURE_FIELDS = {
    "date_written": "written_on",
    "date_published": "published_on",
    "validity_date": "validity_changed_on",
    "superseded_by_title": "superseded_by",
}


@dataclass(frozen=True)
class Problem:
    """One reason against publishing; ``message`` is Chinese and starts with ``【rule】``.

    ``blocking`` problems stop the publish; the others need the reviewer's acknowledgement.
    ``positions`` are 1-based characters of the visible text ("第N字") for screening findings.
    """

    rule: str
    message: str
    blocking: bool
    field: str | None = None
    positions: tuple[int, ...] = ()


def _problem(rule: str, detail: str, blocking: bool, field: str | None = None, positions=()) -> Problem:
    return Problem(rule, f"【{rule}】{detail}", blocking, field, tuple(positions))


def interpretations_of(policy: Item) -> QuerySet[Item]:
    """The live interpretations linked to ``policy`` (a page shows only these)."""
    return Item.objects.filter(live=True, policy_links__policy_id=policy.pk).order_by("-published_on", "-pk")


def policies_of(interpretation: Item) -> QuerySet[Item]:
    """The live policies ``interpretation`` is linked to."""
    return Item.objects.filter(live=True, interpretation_links__interpretation_id=interpretation.pk).order_by(
        "-published_on", "-pk"
    )


def problems(item: Item, revision=None) -> list[Problem]:
    """Everything against publishing ``item`` — pass ``revision.as_object()`` to check what would
    go live. ``revision`` is the one being published (default: the item's latest revision)."""
    return [*_archived(item), *_review(item, revision or item.latest_revision), *_content(item)]


def report(item: Item) -> list[Problem]:
    """Findings on the item's latest draft for the review screens: everything but the review
    itself (which is naturally unfinished while the reviewer looks)."""
    draft = item.get_latest_revision_as_object()
    return [*_archived(draft), *_content(draft)]


def ensure_publishable(revision) -> list[Problem]:
    """Raise one :class:`RuleViolation` listing every blocking problem of ``revision``; returns
    the non-blocking ones (already visible to the reviewer through :func:`report`)."""
    found = problems(revision.as_object(), revision)
    blocking = [p for p in found if p.blocking]
    if blocking:
        first = blocking[0]
        text = "；".join(p.message for p in blocking)
        raise RuleViolation(first.rule, text.removeprefix(f"【{first.rule}】"))
    return found


def _content(item: Item) -> list[Problem]:
    return [*_screening(item), *_map(item), *_interpretation(item), *_disclosure(item)]


def _archived(item: Item) -> list[Problem]:
    # The stored row counts too: a revision saved before archiving does not carry the date.
    stored = Item.objects.filter(pk=item.pk).values_list("archived_on", flat=True).first() if item.pk else None
    archived_on = item.archived_on or stored
    if not archived_on:
        return []
    return [_problem("REG-15", f"该信息已于{chinese_date(archived_on)}归档，归档信息只读，不能再发布。", True, "archived_on")]


def _review(item: Item, revision) -> list[Problem]:
    """CON-09: the item's latest workflow is approved with both review tasks, and ``revision``
    is what they reviewed — saved between the first reviewed revision and the final approval
    (edits a reviewer makes during review are covered; edits after approval are not)."""
    state = WorkflowState.objects.for_instance(item).order_by("-created_at", "-id").first() if item.pk else None
    if state is None or state.status != WorkflowState.STATUS_APPROVED or revision is None:
        return [_problem("CON-09", "信息须经内容审核和保密审查通过后方可发布，当前版本尚未完成审核流程。", True)]
    approved = TaskState.objects.filter(workflow_state=state, status=TaskState.STATUS_APPROVED)
    missing = [label for task, label in REVIEW_TASKS if not task.objects.filter(task_states__in=approved).exists()]
    if missing:
        return [_problem("CON-09", f"当前版本未经{'、'.join(missing)}，不能发布，请按审核流程提交。", True)]
    window = approved.aggregate(first=Min("revision__created_at"), approved_at=Max("finished_at"))
    if not (window["first"] or revision.created_at) <= revision.created_at <= window["approved_at"]:
        return [_problem("CON-09", "待发布的版本不是审核通过的版本（审核通过后又有修改），请重新提交审核。", True)]
    return []


def _screening(item: Item) -> list[Problem]:
    """CON-05 on title, summary and body: one problem per field and verdict, with positions."""
    found = []
    for field, label, run in SCREENED_FIELDS:
        result = run(getattr(item, field))
        for findings, blocking in ((result.blocking, True), (result.flagged, False)):
            if findings:
                text = f"{label}：{summary(ScreeningResult(findings))}"
                found.append(_problem("CON-05", text, blocking, field, (f.position for f in findings)))
    return found


def _map(item: Item) -> list[Problem]:
    if item.kind != ItemKind.MAP or item.is_standard_map or item.map_approval_number.strip():
        return []
    detail = "地图须填写审图号；使用标准地图的请勾选“标准地图”。"
    return [_problem("CON-06", detail, True, "map_approval_number")]


def _interpretation(item: Item) -> list[Problem]:
    if not item.is_major_policy or interpretations_of(item).exists():
        return []
    if profiles.active().get("content.major_policy_without_interpretation") == "block":
        return [_problem("CON-07", "重大政策文件须与政策解读同步发布，请先关联已发布的解读。", True)]
    return [_problem("CON-07", "重大政策文件尚未关联已发布的政策解读，请审核人确认。", False)]


def _disclosure(item: Item) -> list[Problem]:
    """CON-10: a policy document shows the full disclosure block (index number included: it is
    allocated when the item is saved, so a policy reaching publication has one)."""
    if item.kind != ItemKind.POLICY:
        return []
    data = item.disclosure_values()
    try:
        validate_metadata(data, pattern=profiles.active().get("content.index_pattern"), today=clock.today())
    except ValidationError as error:
        fields = error.error_dict.items() if hasattr(error, "error_dict") else [(None, error.error_list)]
        return [
            _problem("CON-10", message.removeprefix("【CON-10】"), True, DISCLOSURE_FIELDS.get(key, key))
            for key, errors in fields
            for each in errors
            for message in each.messages
        ]
    return []
