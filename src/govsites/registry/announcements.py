"""Which notices the registry requires, where they appear and for how long (REG-10/12/14/16)."""

from __future__ import annotations

import datetime as dt

from govsites import clock
from govsites.policy.profiles import active as active_profile

from .errors import RuleViolation
from .models import PORTAL_LEVELS, Announcement, AnnouncementKind, Institution, Site, SiteType
from .signals import announcement_created


def portal_of(government: Institution | None) -> Site | None:
    if government is None:
        return None
    return Site.objects.live().filter(institution=government, site_type=SiteType.PORTAL).first()


def launch_host(site: Site) -> Site:
    """REG-10: a new portal's notice goes on its superior's portal, a department site's on its
    own government's portal. The estate root's portal announces itself."""
    institution = site.institution
    if site.site_type == SiteType.PORTAL:
        superior = institution.supervising_governments()
        if not superior:
            return site
        host = portal_of(superior[0])
        where = f"上级政府（{superior[0].name}）门户网站"
    else:
        host = portal_of(institution.government)
        where = f"本级政府（{institution.government}）门户网站"
    if host is None:
        raise RuleViolation("REG-10", f"{where}尚未登记，无法发布开通公告。")
    return host


def government_portal(site: Site) -> Site:
    """The portal of the site's own government: the site itself for a province, city or county
    portal; the county's portal for a legacy township site being integrated (REG-03)."""
    institution = site.institution
    if site.site_type == SiteType.PORTAL:
        if institution.level in PORTAL_LEVELS:
            return site
        supervisors = institution.supervising_governments()
        government = supervisors[0] if supervisors else None
    else:
        government = institution.government
    host = portal_of(government)
    if host is None:
        raise RuleViolation("REG-12", f"本级政府（{government}）门户网站尚未登记，无法发布公告。")
    return host


def migration_announcement_until(start: dt.datetime) -> dt.datetime:
    return start + dt.timedelta(days=active_profile().get("registry.migration_announcement_min_days"))


def create(action, *, kind: str, site: Site, host_site: Site, title: str, body: str,
           application=None, publish_until: dt.datetime | None = None) -> Announcement:
    now = clock.now()
    if kind == AnnouncementKind.MIGRATION_DONE:
        minimum = migration_announcement_until(now)
        if publish_until is None or publish_until < minimum:
            publish_until = minimum
    announcement = Announcement.objects.create(
        kind=kind, site=site, host_site=host_site, title=title, body=body, application=application,
        publish_from=now, publish_until=publish_until,
    )
    action.audit(announcement, "registry.announcement.create", site=site,
                 data={"kind": kind, "host_site": host_site.pk, "title": title})
    action.emit(announcement_created, sender=Announcement, announcement=announcement)
    return announcement


def check_retention(announcement: Announcement, new_until: dt.datetime) -> None:
    """REG-14: a migration announcement stays up at least the profile's number of days."""
    if announcement.kind == AnnouncementKind.MIGRATION_DONE:
        minimum = migration_announcement_until(announcement.publish_from)
        if new_until < minimum:
            days = active_profile().get("registry.migration_announcement_min_days")
            raise RuleViolation("REG-14", f"整合迁移完成公告至少保留{days}天，最早于{clock.local(minimum):%Y-%m-%d}撤下。")
