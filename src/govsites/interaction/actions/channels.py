"""Setting up and editing a site's interaction columns (INT-01)."""

from __future__ import annotations

from govsites.audit.log import diff, snapshot
from govsites.registry.models import Site

from .. import permissions
from ..channels import platform_for, standard_texts
from ..models import Channel
from .base import InteractionError
from .columns import Checks, ColumnAction

EDITABLE = ("title", "purpose", "usage", "enabled")


class SetUpChannels(ColumnAction):
    """Create the standard columns a site lacks, with their default purpose and use; columns that
    exist are left as their staff edited them, so running it again changes nothing.

    Run by the platform itself when a site goes online (``receivers``), by the demo and by the
    site's column staff or managers. Returns the channels created."""

    denied_message = "只有本网站的互动栏目管理人员或网站管理员可以设置互动栏目。"

    def __init__(self, actor, site: Site):
        super().__init__(actor, site)

    def check_permission(self) -> bool:
        if self.user is None:  # the platform's own jobs and management commands, never the public
            return self.actor.via in ("system", "cli") and self.actor.user is None
        return permissions.may_edit_channels(self.user, self.site)

    def perform(self) -> list[Channel]:
        site = self.site
        existing = set(Channel.objects.filter(site=site).values_list("kind", flat=True))
        platform = platform_for(site)
        texts = [t for t in standard_texts(site, platform) if t.kind not in existing]
        if not texts:
            return []
        created = Channel.objects.bulk_create([
            Channel(site=site, platform=platform, kind=t.kind, title=t.title, purpose=t.purpose, usage=t.usage,
                    order=t.order)
            for t in texts
        ])
        self.record(site, "channels.setup", data={"kinds": [t.kind for t in texts], "platform": platform.name})
        self.shown(Channel)
        return created


class EditChannel(ColumnAction):
    """Change a column's title, purpose, use or whether it is open; the site shows it at once."""

    denied_message = "只有本网站的互动栏目管理人员或网站管理员可以修改栏目。"

    def __init__(self, actor, channel: Channel, *, title: str, purpose: str, usage: str, enabled: bool):
        super().__init__(actor, channel.site)
        self.channel = channel
        self.values = {"title": title, "purpose": purpose, "usage": usage, "enabled": enabled}

    def check_permission(self) -> bool:
        return permissions.may_edit_channels(self.user, self.site)

    def perform(self) -> Channel:
        channel, v = self.channel, self.values
        checks = Checks()
        title = checks.text("title", v["title"], "栏目名称", limit=50, line=True)
        purpose = checks.text("purpose", v["purpose"], "开设宗旨", minimum=10, limit=1000)
        usage = checks.text("usage", v["usage"], "使用方式", minimum=10, limit=2000)
        checks.done()
        before = snapshot(channel, EDITABLE)
        channel.title, channel.purpose, channel.usage, channel.enabled = title, purpose, usage, bool(v["enabled"])
        changes = diff(before, snapshot(channel, EDITABLE))
        if not changes:
            raise InteractionError("栏目内容没有变化。")
        channel.save()
        self.record(channel, "channel.edit", changes=changes, data={"kind": channel.kind})
        self.shown(Channel)
        return channel
