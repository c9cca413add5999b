"""Items, placements, duties and columns as the API shows them (plain dicts for the schemas).

Who sees what: members of the owning site (and estate supervisors) see the latest version with
its workflow, lock and pre-publish problems; everybody else sees the published version only.
A list costs a constant number of queries (status and schedule come as annotations).
"""

from __future__ import annotations

from django.db.models import CharField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast
from wagtail.models import Revision, WorkflowState

from govsites import clock
from govsites.registry import permissions as registry_permissions

from .. import prepublish
from ..actions.items import lock_message
from ..listing import STATUSES, item_content_type, with_workflow_status
from ..models import ColumnPage, InterpretationLink, Item, Placement, RepostDuty
from ..permissions import memberships
from ..reposting import source_of


def _name(user) -> str | None:
    return str(user) if user is not None else None


def site_ref(site) -> dict:
    return {"id": site.pk, "name": site.name, "domain": site.domain, "status": site.status}


def column_ref(column: ColumnPage) -> dict:
    return {"id": column.pk, "title": column.title, "column_type": column.column_type,
            "column_type_label": column.get_column_type_display()}


def column_out(column: ColumnPage, home_depth: int, parents: dict[str, int]) -> dict:
    """``parents`` maps the tree paths of the site's columns to their ids (a top-level column's
    parent is the home page, which is not a column)."""
    return {
        **column_ref(column),
        "parent_id": parents.get(column.path[: -column.steplen]),
        "level": column.depth - home_depth,
        "slug": column.slug,
        "special_topic": column.special_topic_id is not None,
    }


def item_ref(item: Item) -> dict:
    return {"id": item.pk, "title": item.title, "kind": item.kind, "live": item.live,
            "owning_site": site_ref(item.owning_site)}


# -- status ------------------------------------------------------------------------------------

def scheduled_revisions() -> QuerySet[Revision]:
    return Revision.objects.filter(base_content_type=item_content_type(), approved_go_live_at__isnull=False)


def annotated(items: QuerySet[Item]) -> QuerySet[Item]:
    """``workflow_status`` (latest workflow) and ``scheduled_at`` (approved go-live) per row."""
    scheduled = scheduled_revisions().filter(object_id=Cast(OuterRef("pk"), CharField())).order_by()
    return with_workflow_status(items).annotate(scheduled_at=Subquery(scheduled.values("approved_go_live_at")[:1]))


def status_of(item: Item) -> str:
    """The most pressing state: archived, in review, sent back, waiting for its go-live, live, draft."""
    if item.archived_on is not None:
        return "archived"
    workflow = item.workflow_status
    if workflow == WorkflowState.STATUS_IN_PROGRESS:
        return "in_review"
    if workflow == WorkflowState.STATUS_NEEDS_CHANGES:
        return "needs_changes"
    if item.live:
        return "live"
    return "scheduled" if item.scheduled_at is not None else "draft"


def item_row(item: Item, member: bool) -> dict:
    """One list row (``item`` comes from :func:`annotated` with ``owning_site`` joined). People
    outside the owning site (``member`` false) see a published item as published: nothing of a
    revision in review or waiting for its go-live."""
    status = status_of(item) if member else ("archived" if item.archived_on is not None else "live")
    return {
        "id": item.pk,
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "title": item.title,
        "owning_site": site_ref(item.owning_site),
        "status": status,
        "status_label": str(STATUSES[status]),
        "live": item.live,
        "has_unpublished_changes": item.has_unpublished_changes and member,
        "published_on": item.published_on,
        "updated_at": item.updated_at,
        "scheduled_at": item.scheduled_at if member else None,
        "index_number": item.index_number,
        "document_number": item.document_number,
        "subject": item.subject,
        "archived_on": item.archived_on,
    }


def rows_for(items, user) -> list[dict]:
    sites, everything = set(memberships(user)), registry_permissions.reads_everything(user)
    return [item_row(item, everything or item.owning_site_id in sites) for item in items]


# -- detail ------------------------------------------------------------------------------------

CONTENT_FIELDS = (
    "title", "summary", "body", "source_name", "author", "published_on", "is_important_policy", "is_major_policy",
    "interpretation_form", "response_kind", "is_standard_map", "map_approval_number", "index_number",
    "issuing_body", "document_number", "written_on", "subject", "validity", "validity_changed_on", "superseded_by",
    "go_live_at", "expire_at",
)


def sees_drafts(user, item: Item) -> bool:
    """Members of the owning site (any role) and estate supervisors see unpublished versions;
    everybody else sees only what is live."""
    return item.owning_site_id in memberships(user) or registry_permissions.reads_everything(user)


def placements(item: Item) -> list[dict]:
    rows = list(item.placements.select_related("site", "column").order_by("placed_at", "pk"))
    source = None
    out = []
    for placement in rows:
        placement.item = item  # source_of reads the item; it is this one
        shows = placement.shows_source
        if shows and source is None:
            source = source_of(placement)
        out.append({
            "id": placement.pk,
            "site": site_ref(placement.site),
            "column": column_ref(placement.column),
            "is_repost": placement.is_repost,
            "shows_source": shows,
            "source_name": source.name if shows else None,
            "source_url": source.url if shows else None,
            "placed_at": placement.placed_at,
        })
    return out


def _linked(items: QuerySet[Item]) -> list[dict]:
    return [item_ref(i) for i in items.select_related("owning_site").order_by("-live", "-published_on", "-pk")]


def workflow_of(item: Item, user) -> dict | None:
    state = item.current_workflow_state
    if state is None:
        return None
    task_state = state.current_task_state
    task = None
    if task_state is not None:
        specific = task_state.task.specific
        may = state.status == WorkflowState.STATUS_IN_PROGRESS and any(
            name == "approve" for name, _label, _form in specific.get_actions(item, user)
        )
        task = {
            "task_state_id": task_state.pk,
            "name": specific.name,
            "status": task_state.status,
            "started_at": task_state.started_at,
            "comment": task_state.comment or "",
            "you_may_decide": may,
        }
    return {
        "name": state.workflow.name,
        "status": state.status,
        "status_label": str(STATUSES["in_review" if state.status == WorkflowState.STATUS_IN_PROGRESS
                                     else "needs_changes"]),
        "requested_by": _name(state.requested_by),
        "requested_at": state.created_at,
        "current_task": task,
    }


def lock_of(item: Item, user) -> dict:
    lock = item.get_lock()
    return {
        "locked": item.locked,
        "locked_by": _name(item.locked_by) if item.locked else None,
        "locked_at": item.locked_at if item.locked else None,
        "blocks_you": bool(lock is not None and lock.for_user(user)),
        "message": lock_message(lock) if lock is not None else None,
    }


def problems_of(item: Item) -> list[dict]:
    return [
        {"rule": p.rule, "message": p.message, "blocking": p.blocking, "field": p.field,
         "positions": list(p.positions)}
        for p in prepublish.report(item)
    ]


def item_detail(item: Item, user, visible: QuerySet[Item]) -> dict:
    """The whole item for ``user`` (``item`` from :func:`annotated`, ``visible`` what they may see)."""
    member = sees_drafts(user, item)
    shown = item.get_latest_revision_as_object() if member else item
    links_policy = InterpretationLink.objects.filter(policy=item).values("interpretation_id")
    links_interpretation = InterpretationLink.objects.filter(interpretation=item).values("policy_id")
    return {
        **item_row(item, member),
        **{name: getattr(shown, name) for name in CONTENT_FIELDS},
        "version": "latest" if member else "live",
        "interpretation_form": shown.interpretation_form or "",
        "response_kind": shown.response_kind or "",
        "validity": shown.validity or "",
        "created_at": item.created_at,
        "created_by": _name(item.created_by),
        "latest_revision_id": item.latest_revision_id if member else item.live_revision_id,
        "live_revision_id": item.live_revision_id,
        "first_published_at": item.first_published_at,
        "last_published_at": item.last_published_at,
        "archive_banner": item.archive_banner,
        "placements": placements(item),
        "interpretations": _linked(visible.filter(pk__in=links_policy)),
        "policies": _linked(visible.filter(pk__in=links_interpretation)),
        "workflow": workflow_of(item, user) if member else None,
        "lock": lock_of(item, user) if member else None,
        "problems": problems_of(item) if member else None,
    }


def revision_row(revision: Revision, item: Item) -> dict:
    return {
        "id": revision.pk,
        "created_at": revision.created_at,
        "user": _name(revision.user),
        "is_latest": revision.pk == item.latest_revision_id,
        "is_live": revision.pk == item.live_revision_id,
        "approved_go_live_at": revision.approved_go_live_at,
    }


# -- reposting ---------------------------------------------------------------------------------

def duty_row(duty: RepostDuty) -> dict:
    """An open duty (annotated with ``remaining`` by :func:`reposting.to_repost`)."""
    remaining = getattr(duty, "remaining", None)
    hours = remaining.total_seconds() / 3600 if remaining is not None else (
        (duty.due_at - clock.now()).total_seconds() / 3600
    )
    source = source_of(Placement(item=duty.item, site=duty.site))
    return {
        "id": duty.pk,
        "item": item_ref(duty.item),
        "site": site_ref(duty.site),
        "created_at": duty.created_at,
        "due_at": duty.due_at,
        "hours_left": round(hours, 2),
        "late": hours < 0,
        "source_name": source.name,
        "source_url": source.url,
    }


def repost_result(placement: Placement) -> dict:
    item = placement.item
    row = placements(item)
    mine = next(p for p in row if p["id"] == placement.pk)
    duty = RepostDuty.objects.filter(placement=placement).first()
    return {**mine, "item": item_ref(item), "duty_id": duty.pk if duty else None,
            "late": bool(duty and duty.late)}
