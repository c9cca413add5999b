"""What happens when an application is finally approved or turned down."""

from __future__ import annotations

from govsites import clock
from govsites.audit.log import diff, snapshot

from .. import announcements
from ..checklists import AUTOMATIC_CLOSURE_ITEMS, CLOSURE_ITEMS
from ..models import (
    AnnouncementKind,
    Application,
    ApplicationKind,
    Checklist,
    ChecklistItem,
    Institution,
    OutageCause,
    Site,
    SiteStatus,
    SpecialTopic,
)
from ..reporting import reporter
from ..signals import site_changed
from ..validation import clean_site_fields


def on_approved(action, application: Application) -> None:
    handler = {
        ApplicationKind.OPEN: _open,
        ApplicationKind.TEMPORARY_OFFLINE: _temporary_offline,
        ApplicationKind.OUTAGE: _outage,
        ApplicationKind.PERMANENT_OFFLINE: _permanent_offline,
        ApplicationKind.CHANGE: _change,
        ApplicationKind.SPECIAL_TOPIC: _special_topic,
    }[application.kind]
    handler(action, application)


def on_rejected(action, application: Application) -> None:
    if application.kind == ApplicationKind.OPEN and application.site.status == SiteStatus.PROPOSED:
        action.set_site_status(application.site, SiteStatus.REFUSED, reason="开设申请未获批准")


def _open(action, application: Application) -> None:
    from govsites.policy.profiles import active

    site = application.site
    action.set_site_status(site, SiteStatus.APPROVED, reason="开设申请已批准，进入上线前程序")
    ChecklistItem.objects.bulk_create(
        ChecklistItem(site=site, checklist=Checklist.LAUNCH, key=key)
        for key in active().get("registry.launch_checklist")
    )


def _temporary_offline(action, application: Application) -> None:
    site = application.site
    period = f"{application.start_date:%Y年%m月%d日}至{application.end_date:%Y年%m月%d日}"
    title = f"关于{site.name}临时下线的公告"
    body = f"经批准，{site.name}（{site.domain}）将于{period}临时下线。理由：{application.reason}"
    hosts = {site.pk: site, **{h.pk: h for h in [announcements.government_portal(site)]}}
    for host in hosts.values():
        announcements.create(action, kind=AnnouncementKind.TEMPORARY_OFFLINE, site=site, host_site=host,
                             title=title, body=body, application=application)
    if application.start_date <= clock.today():
        action.set_site_status(site, SiteStatus.TEMPORARILY_OFFLINE, reason=f"临时下线 {period}",
                               offline_until=application.end_date)


def _outage(action, application: Application) -> None:
    site = application.site
    cause = OutageCause(application.outage_cause).label
    reporter().report("outage", site, {
        "site_code": site.site_code, "cause": application.outage_cause,
        "start": application.start_date.isoformat(), "end": application.end_date.isoformat(),
        "counted_toward_yearly_limit": False, "reason": application.reason,
    })
    action.audit(site, "registry.national_report", reason=f"断网报备：{cause}", data={"kind": "outage"})
    if application.end_date >= clock.today() and site.status == SiteStatus.ONLINE:
        action.set_site_status(site, SiteStatus.OUTAGE, reason=cause, offline_until=application.end_date)


def _permanent_offline(action, application: Application) -> None:
    site = application.site
    action.set_site_status(site, SiteStatus.CLOSING, reason="永久下线已批准，开始关停迁移程序",
                           migrated_to=application.migration_target)
    ChecklistItem.objects.bulk_create(
        ChecklistItem(site=site, checklist=Checklist.CLOSURE, key=key, automatic=key in AUTOMATIC_CLOSURE_ITEMS)
        for key in CLOSURE_ITEMS
    )


def _change(action, application: Application) -> None:
    site = Site.objects.select_for_update().get(pk=application.site_id)
    after = {k: v for k, v in application.changes.get("after", {}).items() if k != "structure_note"}
    # Re-validate at approval time: the estate may have changed since the filing.
    cleaned = clean_site_fields(after, site.institution, site.site_type, site=site, partial=True)
    before = snapshot(site, Site.RECORD_FIELDS)
    old_domain = site.domain
    for key in after:
        setattr(site, key, cleaned[key])
    site.updated_at = clock.now()
    site.save()
    changes = diff(before, snapshot(site, Site.RECORD_FIELDS))
    if "structure_note" in application.changes.get("after", {}):
        changes["structure_note"] = {"before": None, "after": application.changes["after"]["structure_note"]}
    action.audit(site, "registry.site.change", reason=application.reason, changes=changes)
    action.emit(site_changed, sender=Site, site=site, changes=changes)
    if "domain" in after and cleaned["domain"] != old_domain:
        announcements.create(
            action, kind=AnnouncementKind.DOMAIN_CHANGE, site=site, host_site=site, application=application,
            title=f"关于{site.name}域名变更的公告",
            body=f"{site.name}域名已由 {old_domain} 变更为 {cleaned['domain']}，请访问新域名。",
        )
    reporter().report("change", site, {"changes": changes})


def _special_topic(action, application: Application) -> None:
    lead_id = application.materials.get("lead_institution")
    topic = SpecialTopic.objects.create(
        title=application.topic_title,
        host_site=application.topic_host_site,
        lead_institution=Institution.objects.get(pk=lead_id) if lead_id else application.institution,
        application=application,
    )
    topic.institutions.set(application.topic_institutions.all())
    action.audit(topic, "registry.special_topic.create", site=application.topic_host_site,
                 data={"title": topic.title})
