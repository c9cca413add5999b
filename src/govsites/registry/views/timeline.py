"""A site's timeline: its audit entries made readable (labels, people, before → after)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from govsites import clock
from govsites.audit.models import AuditLogEntry

from ..checklists import ITEMS, label_for
from ..log_actions import ACTION_LABELS
from ..models import ApplicationKind, Institution, Site, SiteStatus, StepKind

FIELD_LABELS = {f.name: str(f.verbose_name) for f in Site._meta.fields} | {"structure_note": str(_("栏目结构变更说明"))}
CHANNELS = {"web": _("管理界面"), "api": _("接口"), "cli": _("命令行"), "system": _("系统任务"), "import": _("批量导入")}
EMPTY = "—"
#: fields whose values are primary keys of another row, and the model to name them with
REFERENCES = {"institution": Institution, "migrated_to": Site}


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class TimelineEntry:
    timestamp: object
    label: str
    user: str
    channel: str
    ip_address: str
    reason: str
    detail: str
    changes: list[Change] = field(default_factory=list)


def site_timeline(site: Site, limit: int = 200) -> list[TimelineEntry]:
    """The newest ``limit`` audit entries about ``site``, newest first."""
    entries = list(
        AuditLogEntry.objects.filter(site_ref=site.pk).select_related("user").order_by("-timestamp", "-id")[:limit]
    )
    names = _referenced_names(entries)
    return [
        TimelineEntry(
            timestamp=clock.local(entry.timestamp),
            label=ACTION_LABELS.get(entry.action, entry.action),
            user=_who(entry),
            channel=str(CHANNELS.get(entry.via, entry.via or EMPTY)),
            ip_address=entry.ip_address or EMPTY,
            reason=entry.reason,
            detail=_detail(entry),
            changes=[
                Change(FIELD_LABELS.get(name, name), _show(name, c.get("before"), names), _show(name, c.get("after"), names))
                for name, c in (entry.changes or {}).items()
                if isinstance(c, dict)
            ],
        )
        for entry in entries
    ]


def _who(entry: AuditLogEntry) -> str:
    if entry.user_id and entry.user:
        return str(entry.user)
    return str(CHANNELS["system"]) if entry.via == "system" else EMPTY


def _referenced_names(entries) -> dict[str, dict]:
    """Names of institutions and sites the entries' changes point to, two queries at most."""
    wanted: dict[str, set] = {name: set() for name in REFERENCES}
    for entry in entries:
        for name in REFERENCES:
            change = (entry.changes or {}).get(name)
            if isinstance(change, dict):
                wanted[name].update(v for v in (change.get("before"), change.get("after")) if isinstance(v, int))
    return {
        name: dict(REFERENCES[name].objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
        for name, ids in wanted.items()
    }


def _show(name: str, value, names: dict[str, dict]) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if name == "status" and value in SiteStatus.values:
        return str(SiteStatus(value).label)
    if name in names:
        return names[name].get(value, f"#{value}")
    return str(value)


def _detail(entry: AuditLogEntry) -> str:
    """A short note from the entry's data (which checklist item, which step, which notice)."""
    data = entry.data or {}
    if entry.action == "registry.checklist.complete" and data.get("key") in ITEMS.get(data.get("checklist"), {}):
        reference = data.get("reference")
        label = label_for(data["checklist"], data["key"])
        return f"{label}（{reference}）" if reference else label
    if entry.action.startswith("registry.step.") and data.get("kind") in StepKind.values:
        return str(StepKind(data["kind"]).label)
    if entry.action == "registry.application.submit" and data.get("kind") in ApplicationKind.values:
        return str(ApplicationKind(data["kind"]).label)
    if data.get("title"):
        return str(data["title"])
    if entry.action == "registry.archive" and data.get("pages"):
        return str(_("归档页面 %(n)d 个") % {"n": len(data["pages"])})
    return ""
