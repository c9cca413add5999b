"""What a person sees of the library: tenancy-scoped querysets, the status filter, keyset pages
and the four lists of the editor home.

Every list starts from :func:`visible_items` (the permission policy: own sites' items and every
published item; estate supervisors see all), so no view can forget the tenancy filter. Pages are
keyset pages on the primary key (newest first): constant cost at any depth of a million-row
library, where ``OFFSET`` and ``COUNT(*)`` grow with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from wagtail.models import Revision, TaskState, WorkflowState

from govsites import clock

from .models import ColumnResponsibility, Item, Placement, RepostDuty, SiteRole
from .permissions import library_permission_policy, memberships, sites_for
from .reposting import DUTY_STATUSES

PAGE_SIZE = 50
#: Item statuses as the library filter names them.
STATUSES = {
    "draft": _("草稿"),
    "in_review": _("审核中"),
    "needs_changes": _("已退回"),
    "scheduled": _("定时发布"),
    "live": _("已发布"),
    "archived": _("已归档"),
}


def item_content_type() -> ContentType:
    return ContentType.objects.get_for_model(Item)


def visible_items(user) -> QuerySet[Item]:
    return library_permission_policy.instances_user_has_permission_for(user, "view")


def _workflow_item_ids(status: str) -> QuerySet:
    return (
        WorkflowState.objects.filter(base_content_type=item_content_type(), status=status)
        .annotate(item_id=Cast("object_id", IntegerField()))
        .values("item_id")
    )


def with_status(items: QuerySet[Item], status: str) -> QuerySet[Item]:
    if status == "live":
        return items.filter(live=True, archived_on__isnull=True)
    if status == "archived":
        return items.filter(archived_on__isnull=False)
    if status == "in_review":
        return items.filter(pk__in=_workflow_item_ids(WorkflowState.STATUS_IN_PROGRESS))
    if status == "needs_changes":
        return items.filter(pk__in=_workflow_item_ids(WorkflowState.STATUS_NEEDS_CHANGES))
    if status == "scheduled":
        scheduled = Revision.objects.filter(
            base_content_type=item_content_type(), approved_go_live_at__isnull=False
        ).annotate(item_id=Cast("object_id", IntegerField())).values("item_id")
        return items.filter(pk__in=scheduled)
    if status == "draft":
        busy = WorkflowState.objects.filter(
            base_content_type=item_content_type(),
            status__in=(WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES),
        ).annotate(item_id=Cast("object_id", IntegerField())).values("item_id")
        return items.filter(live=False, archived_on__isnull=True).exclude(pk__in=busy)
    return items


def with_workflow_status(items: QuerySet[Item]) -> QuerySet[Item]:
    """Annotate ``workflow_status`` (the latest workflow's status) for a page of rows."""
    latest = WorkflowState.objects.filter(
        base_content_type=item_content_type(), object_id=Cast(OuterRef("pk"), CharField())
    ).order_by("-created_at", "-pk")
    return items.annotate(workflow_status=Subquery(latest.values("status")[:1]))


def status_of(item: Item) -> str:
    """The status key of an item (``workflow_status`` annotated, see above)."""
    if item.archived_on is not None:
        return "archived"
    workflow = getattr(item, "workflow_status", None)
    if workflow == WorkflowState.STATUS_IN_PROGRESS:
        return "in_review"
    if workflow == WorkflowState.STATUS_NEEDS_CHANGES:
        return "needs_changes"
    return "live" if item.live else "draft"


@dataclass
class LibraryQuery:
    """The library filter (CON-01: by site, type, classification, date, status) as plain values."""

    site: int | None = None
    kind: str = ""
    status: str = ""
    subject: str = ""
    q: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    column: int | None = None

    def apply(self, items: QuerySet[Item]) -> QuerySet[Item]:
        if self.site:
            items = items.filter(owning_site_id=self.site)
        if self.kind:
            items = items.filter(kind=self.kind)
        if self.subject:
            items = items.filter(Q(subject=self.subject) | Q(subject__startswith=f"{self.subject}."))
        if self.status:
            items = with_status(items, self.status)
        if self.q:
            items = items.filter(Q(title__icontains=self.q) | Q(document_number__icontains=self.q)
                                 | Q(index_number=self.q))
        if self.date_from:
            items = items.filter(published_on__gte=clock.at(self.date_from.year, self.date_from.month,
                                                            self.date_from.day, 0))
        if self.date_to:
            end = self.date_to + dt.timedelta(days=1)
            items = items.filter(published_on__lt=clock.at(end.year, end.month, end.day, 0))
        if self.column:
            items = items.filter(pk__in=Placement.objects.filter(column_id=self.column).values("item_id"))
        return items


@dataclass
class KeysetPage:
    rows: list
    next_cursor: int | None


def keyset_page(queryset: QuerySet, cursor: int | None, size: int = PAGE_SIZE, key: str = "pk") -> KeysetPage:
    """Up to ``size`` rows with ``key`` below ``cursor`` (newest first) and the next cursor."""
    if cursor:
        queryset = queryset.filter(**{f"{key}__lt": cursor})
    rows = list(queryset.order_by(f"-{key}")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(rows, getattr(rows[-1], key) if more and rows else None)


def parse_cursor(value) -> int | None:
    try:
        cursor = int(value)
    except (TypeError, ValueError):
        return None
    return cursor if 0 < cursor < 2**63 else None


# -- the editor home ---------------------------------------------------------------------------

HOME_LIMIT = 20


def my_drafts(user) -> list[Item]:
    """Items I created that are neither published nor in review."""
    items = with_status(Item.objects.filter(created_by=user), "draft").select_related("owning_site")
    return list(items.order_by("-updated_at", "-pk")[:HOME_LIMIT])


def rejected_to_me(user) -> list[tuple[Item, TaskState | None]]:
    """Items I submitted that a reviewer sent back, with the rejecting step (its comment)."""
    states = list(
        WorkflowState.objects.filter(
            base_content_type=item_content_type(), status=WorkflowState.STATUS_NEEDS_CHANGES, requested_by=user
        ).order_by("-created_at")[:HOME_LIMIT]
    )
    items = Item.objects.select_related("owning_site").in_bulk([int(s.object_id) for s in states])
    rejected = {
        ts.workflow_state_id: ts
        for ts in TaskState.objects.filter(workflow_state__in=states, status=TaskState.STATUS_REJECTED)
        .select_related("finished_by", "task")
    }
    return [(items[int(s.object_id)], rejected.get(s.pk)) for s in states if int(s.object_id) in items]


def _review_roles(user) -> dict[int, set[str]]:
    review = {SiteRole.REVIEWER, SiteRole.CONFIDENTIALITY_REVIEWER}
    return {site: roles & review for site, roles in memberships(user).items() if roles & review}


def awaiting_my_review(user) -> list[tuple[Item, TaskState]]:
    """Open review steps I may decide: my sites' reviewer roles, with a column's named people
    taking over that column (CON-09). A constant number of queries for any number of rows."""
    from .models import ConfidentialityReviewTask, ContentReviewTask

    roles = _review_roles(user)
    named_columns = list(ColumnResponsibility.objects.filter(user=user).values_list("column_id", "role"))
    named_sites = set(
        Placement.objects.filter(column_id__in=[c for c, _ in named_columns]).values_list("site_id", flat=True)
    )
    site_ids = set(roles) | named_sites
    if not site_ids:
        return []
    keys = Item.objects.filter(owning_site_id__in=site_ids).annotate(key=Cast("pk", CharField())).values("key")
    task_states = list(
        TaskState.objects.filter(
            status=TaskState.STATUS_IN_PROGRESS,
            workflow_state__status=WorkflowState.STATUS_IN_PROGRESS,
            workflow_state__base_content_type=item_content_type(),
            workflow_state__object_id__in=keys,
        )
        .select_related("workflow_state", "task")
        .order_by("started_at")[: HOME_LIMIT * 3]
    )
    if not task_states:
        return []
    item_ids = [int(ts.workflow_state.object_id) for ts in task_states]
    items = Item.objects.select_related("owning_site").in_bulk(item_ids)
    primary = {}
    for item_id, site_id, column_id in (
        Placement.objects.filter(item_id__in=item_ids).order_by("placed_at").values_list("item_id", "site_id", "column_id")
    ):
        if items.get(item_id) is not None and site_id == items[item_id].owning_site_id:
            primary.setdefault(item_id, column_id)
    responsibilities: dict[tuple[int, str], set[int]] = {}
    for column_id, role, user_id in ColumnResponsibility.objects.filter(
        column_id__in=set(primary.values())
    ).values_list("column_id", "role", "user_id"):
        responsibilities.setdefault((column_id, role), set()).add(user_id)
    role_of_task = {
        ContentType.objects.get_for_model(ContentReviewTask).pk: SiteRole.REVIEWER,
        ContentType.objects.get_for_model(ConfidentialityReviewTask).pk: SiteRole.CONFIDENTIALITY_REVIEWER,
    }
    mine = []
    for ts in task_states:
        item = items.get(int(ts.workflow_state.object_id))
        role = role_of_task.get(ts.task.content_type_id)
        if item is None or role is None:
            continue
        named = responsibilities.get((primary.get(item.pk), role))
        allowed = user.pk in named if named else role in roles.get(item.owning_site_id, set())
        if allowed:
            mine.append((item, ts))
    return mine[:HOME_LIMIT]


@dataclass
class QueuedDuty:
    duty: RepostDuty
    hours_left: float

    @property
    def late(self) -> bool:
        return self.hours_left < 0


def repost_queue(user, site_id: int | None = None) -> list[QueuedDuty]:
    """Open repost duties of the sites I may add to (CON-03), most urgent first."""
    sites = sites_for(user, "add")
    if site_id is not None:
        sites &= {site_id}
    duties = (
        RepostDuty.objects.filter(
            site_id__in=sites, fulfilled_at__isnull=True, item__live=True, site__status__in=DUTY_STATUSES
        )
        .select_related("item__owning_site", "site")
        .order_by("due_at", "pk")[:200]
    )
    now = clock.now()
    return [QueuedDuty(duty, (duty.due_at - now).total_seconds() / 3600) for duty in duties]
