"""The two review steps every item passes (CON-09): content review, then confidentiality review.

They are Wagtail workflow tasks, so revisions, comments, locking and the moderation UI are
Wagtail's; only *who* may decide is ours: the named people of the item's own site (or of its
column, where the column names its own), never a global group and never the superuser.
"""

from __future__ import annotations

from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from wagtail.models import Task, TaskState

from .membership import ColumnResponsibility, SiteMembership, SiteRole


class SiteRoleReviewTask(Task):
    """Approved by the holders of ``role`` on the reviewed item's owning site."""

    role: str = ""

    class Meta:
        abstract = True

    def reviewer_ids(self, obj) -> set[int]:
        column_id = primary_column_id(obj)
        if column_id is not None:
            named = set(
                ColumnResponsibility.objects.filter(column_id=column_id, role=self.role).values_list("user_id", flat=True)
            )
            if named:
                return named
        return set(
            SiteMembership.objects.filter(site_id=obj.owning_site_id, role=self.role).values_list("user_id", flat=True)
        )

    def is_reviewer(self, obj, user) -> bool:
        return bool(user and user.is_authenticated and user.pk in self.reviewer_ids(obj))

    def user_can_access_editor(self, obj, user):
        return self.is_reviewer(obj, user)

    def locked_for_user(self, obj, user):
        return not self.is_reviewer(obj, user)

    def user_can_lock(self, obj, user):
        return self.is_reviewer(obj, user)

    def user_can_unlock(self, obj, user):
        return False

    def get_actions(self, obj, user):
        if self.is_reviewer(obj, user):
            return [("reject", _("退回修改"), True), ("approve", _("通过"), False), ("approve", _("通过并留言"), True)]
        return []

    def get_task_states_user_can_moderate(self, user, **kwargs):
        from .library import Item

        sites = SiteMembership.objects.filter(user=user, role=self.role).values("site_id")
        items = Item.objects.filter(owning_site_id__in=sites).annotate(key=Cast("pk", CharField())).values("key")
        return self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS, workflow_state__object_id__in=items)


class ContentReviewTask(SiteRoleReviewTask):
    role = SiteRole.REVIEWER

    class Meta:
        verbose_name = _("内容审核")
        verbose_name_plural = _("内容审核")

    @classmethod
    def get_description(cls):
        return _("由信息所属网站（或栏目）的内容审核人审核")


class ConfidentialityReviewTask(SiteRoleReviewTask):
    role = SiteRole.CONFIDENTIALITY_REVIEWER

    class Meta:
        verbose_name = _("保密审查")
        verbose_name_plural = _("保密审查")

    @classmethod
    def get_description(cls):
        return _("由信息所属网站（或栏目）的保密审查人审查")


def primary_column_id(obj) -> int | None:
    """The column of the item on its own site (where its column-level responsibilities apply)."""
    explicit = getattr(obj, "_workflow_column_id", None)
    if explicit is not None:
        return explicit
    from .library import Placement

    return (
        Placement.objects.filter(item_id=obj.pk, site_id=obj.owning_site_id)
        .order_by("placed_at")
        .values_list("column_id", flat=True)
        .first()
    )
