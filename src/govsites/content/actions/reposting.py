"""Reposting an important policy (CON-03) or using another site's published item (CON-01).

One action for both: the item is placed in a column of the reposting site; if that site owes a
repost of it, the duty is fulfilled and the placement is marked ``is_repost``. The source shown
with the placement (CON-04) is computed from the item (:func:`govsites.content.reposting.source_of`),
so there is nothing here an editor could leave out.
"""

from __future__ import annotations

from govsites import clock
from govsites.registry.errors import ConflictError, RuleViolation
from govsites.registry.models import Site

from ..models import ColumnPage, Item, Placement, RepostDuty, SiteHomePage
from ..permissions import sites_for
from .base import ContentAction, register_audit_actions

#: The audit action this module writes, with its label for the trail.
ACTION_LABELS = {"content.item.repost": "转载信息"}
register_audit_actions(ACTION_LABELS)


class RepostItem(ContentAction):
    denied_message = "只有本网站的编辑或站点管理员可以转载信息。"

    def __init__(self, actor, duty_or_item: RepostDuty | Item, site: Site, column: ColumnPage):
        super().__init__(actor)
        self.duty = duty_or_item if isinstance(duty_or_item, RepostDuty) else None
        self.item = self.duty.item if self.duty is not None else duty_or_item
        self.site = site
        self.column = column

    def check_permission(self) -> bool:
        return self.site.pk in sites_for(self.user, "add")

    def perform(self) -> Placement:
        # Locking the item row (only it: no join) serialises reposts of one item, so a site cannot
        # repost it twice at once.
        item = Item.objects.select_for_update().get(pk=self.item.pk)
        self.check_item(item)
        self.check_column()
        earlier = Placement.objects.filter(item=item, site=self.site).select_related("column").first()
        if earlier is not None:
            raise ConflictError(
                f"本网站已于{clock.local(earlier.placed_at):%Y-%m-%d %H:%M}在“{earlier.column.title}”栏目转载该信息。"
            )
        duty = RepostDuty.objects.select_for_update().filter(item=item, site=self.site).first()
        now = clock.now()
        placement = Placement.objects.create(
            item=item, column=self.column, site=self.site, is_repost=duty is not None, placed_at=now,
            placed_by=self.user,
        )
        if duty is not None:
            # A repost removed and made again keeps the time it was first made.
            duty.fulfilled_at = duty.fulfilled_at or now
            duty.placement = placement
            duty.save(update_fields=["fulfilled_at", "placement"])
        self.audit(item, "content.item.repost", site_id=self.site.pk, data={
            "site": self.site.pk,
            "column": self.column.pk,
            "placement": placement.pk,
            "duty": duty.pk if duty is not None else None,
            "due_at": duty.due_at.isoformat() if duty is not None else None,
            "late": duty.late if duty is not None else False,
        })
        return placement

    def check_item(self, item: Item) -> None:
        if self.duty is not None and self.duty.site_id != self.site.pk:
            raise RuleViolation("CON-03", "该转载任务不属于所选网站。")
        if item.owning_site_id == self.site.pk:
            raise RuleViolation("CON-01", "这是本网站自己的信息，无需转载，请直接在栏目中添加。")
        if not item.live:
            raise RuleViolation("CON-01", "该信息尚未发布，不能转载。")

    def check_column(self) -> None:
        home = SiteHomePage.objects.filter(registry_site=self.site).first()
        if home is None or not self.column.is_descendant_of(home):
            raise RuleViolation("CON-01", "所选栏目不属于转载信息的网站。", "column")
