"""Site lifecycle after approval: checklists, go-live, resume, migration, archive, closure."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from govsites import clock

from .. import announcements, permissions
from ..checklists import AUTOMATIC_CLOSURE_ITEMS, field_for, label_for
from ..errors import ConflictError, RuleViolation
from ..models import (
    AnnouncementKind,
    Application,
    ApplicationKind,
    ApplicationStatus,
    ArchiveRecord,
    Checklist,
    ChecklistItem,
    Site,
    SiteStatus,
)
from ..reporting import reporter
from ..validation import validate_identifier
from .base import Action


class SiteAction(Action):
    """An action on one site by someone who may file for its institution."""

    def __init__(self, actor, site: Site):
        super().__init__(actor)
        self.site = site

    def check_permission(self) -> bool:
        return permissions.may_file_for(self.user, self.site.institution)

    def lock(self) -> Site:
        """Re-read the site under a row lock so concurrent actions serialise."""
        self.site = Site.objects.select_for_update().select_related("institution").get(pk=self.site.pk)
        return self.site

    def tick(self, checklist: str, key: str, reference: str = "") -> None:
        if len(reference) > 200:
            raise ValidationError({"reference": ["证明或编号不能超过200个字符。"]})
        item = ChecklistItem.objects.get(site=self.site, checklist=checklist, key=key)
        item.done_at, item.done_by, item.reference = clock.now(), self.user, reference
        item.save()
        self.audit(item, "registry.checklist.complete", site=self.site,
                   data={"checklist": checklist, "key": key, "reference": reference})


class CompleteChecklistItem(SiteAction):
    """Tick one launch or closure item; items that carry an identifier record it on the site."""

    def __init__(self, actor, site: Site, *, checklist: str, key: str, reference: str = ""):
        super().__init__(actor, site)
        self.checklist, self.key, self.reference = checklist, key, (reference or "").strip()

    def perform(self) -> ChecklistItem:
        site = self.lock()
        expected = SiteStatus.APPROVED if self.checklist == Checklist.LAUNCH else SiteStatus.CLOSING
        if site.status != expected:
            raise ValidationError(f"网站当前状态为“{site.get_status_display()}”，不能办理该事项。")
        item = ChecklistItem.objects.filter(site=site, checklist=self.checklist, key=self.key).first()
        if item is None:
            raise ValidationError("该网站没有此程序事项。")
        if item.done:
            raise ConflictError(f"“{item.label}”已于{clock.local(item.done_at):%Y-%m-%d %H:%M}完成。")
        if self.checklist == Checklist.CLOSURE and self.key in AUTOMATIC_CLOSURE_ITEMS:
            raise ValidationError(f"“{item.label}”由平台在相应操作完成时自动办理。")
        field = field_for(self.checklist, self.key)
        if field:
            if not self.reference:
                raise ValidationError({"reference": [f"请填写“{label_for(self.checklist, self.key)}”取得的编号。"]})
            value = validate_identifier(field, self.reference, site)
            before = getattr(site, field)
            setattr(site, field, value)
            site.updated_at = clock.now()
            site.save()
            self.audit(site, "registry.site.identifier", changes={field: {"before": before, "after": value}})
        self.tick(self.checklist, self.key, self.reference)
        return ChecklistItem.objects.get(pk=item.pk)


class LaunchSite(SiteAction):
    """REG-09/10: go live only when every checklist item is done; publish the launch notice."""

    def perform(self) -> Site:
        site = self.lock()
        if site.status != SiteStatus.APPROVED:
            raise ValidationError(f"网站当前状态为“{site.get_status_display()}”，只有已批准的网站可以上线。")
        missing = [i.label for i in site.checklist_items.filter(checklist=Checklist.LAUNCH, done_at__isnull=True)]
        if missing:
            raise RuleViolation("REG-09", f"上线前程序尚未完成：{'、'.join(missing)}。网站不得上线运行。")
        labels = {"domain": "英文域名", "site_code": "网站标识码", "icp_number": "ICP备案号",
                  "public_security_number": "公安机关备案号", "site_mark_number": "党政机关网站标识"}
        empty = [label for field, label in labels.items() if not getattr(site, field)]
        if empty:
            raise RuleViolation("REG-09", f"网站信息不完整：{'、'.join(empty)}未登记，不得上线。")
        host = announcements.launch_host(site)
        self.set_site_status(site, SiteStatus.ONLINE, reason="完成上线前程序，正式上线", launched_at=clock.now())
        announcements.create(
            self, kind=AnnouncementKind.LAUNCH, site=site, host_site=host,
            title=f"关于{site.name}正式开通的公告",
            body=f"{site.name}（{site.domain}）已于{clock.today():%Y年%m月%d日}正式开通运行。网站标识码：{site.site_code}。",
        )
        reporter().report("launch", site, {"site_code": site.site_code, "domain": site.domain})
        return site


class ResumeSite(SiteAction):
    """Back online after a temporary offline or an outage."""

    def perform(self) -> Site:
        site = self.lock()
        if site.status not in (SiteStatus.TEMPORARILY_OFFLINE, SiteStatus.OUTAGE):
            raise ValidationError(f"网站当前状态为“{site.get_status_display()}”，无需恢复上线。")
        self.set_site_status(site, SiteStatus.ONLINE, reason="恢复上线", offline_until=None)
        return site


class PublishMigrationNotice(SiteAction):
    """REG-14 step 1: the migration notice hangs on the homepage before anything moves."""

    def __init__(self, actor, site: Site, *, body: str = ""):
        super().__init__(actor, site)
        self.body = (body or "").strip()

    def perform(self):
        site = self.lock()
        require_closing(site)
        if ChecklistItem.objects.filter(site=site, key="migration_notice", done_at__isnull=False).exists():
            raise ConflictError("迁移公告已经发布。")
        target = site.migrated_to
        body = self.body or f"{site.name}即将整合迁移，原有内容将迁移至{target.name}（{target.domain}）。"
        announcement = announcements.create(
            self, kind=AnnouncementKind.MIGRATION_NOTICE, site=site, host_site=site,
            title=f"关于{site.name}整合迁移的公告", body=body, application=closing_application(site),
        )
        self.tick(Checklist.CLOSURE, "migration_notice", f"公告 {announcement.pk}")
        return announcement


class ArchivePages(SiteAction):
    """REG-15: keep valuable old pages reachable, marked 已归档 with the archive date."""

    def __init__(self, actor, site: Site, *, pages: list[dict], reason: str, new_base: str = ""):
        super().__init__(actor, site)
        self.pages, self.reason, self.new_base = pages, (reason or "").strip(), new_base

    def perform(self) -> list[ArchiveRecord]:
        site = self.lock()
        if not site.is_live:
            raise ValidationError(f"网站当前状态为“{site.get_status_display()}”，不能归档页面。")
        if not self.reason:
            raise ValidationError({"reason": ["请填写归档原因（如整合迁移、改版）。"]})
        return archive(self, site, self.pages, self.reason, self.new_base)


def archive(action, site: Site, pages: list[dict], reason: str, new_base: str) -> list[ArchiveRecord]:
    if len(reason) > 100:
        raise ValidationError({"reason": ["归档原因不能超过100个字符。"]})
    records = []
    for page in pages:
        url = str(page.get("url") or "").strip()
        title = str(page.get("title") or "").strip()
        path = url.split("://", 1)[-1].split("/", 1)[-1]
        new_location = f"{new_base.rstrip('/')}/archive/{path}" if new_base else ""
        if not url or not title or len(url) > 500 or len(title) > 200 or len(new_location) > 500:
            raise ValidationError({"pages": [f"归档页面须有网址（≤500字符，迁移后地址同样≤500字符）和标题（≤200字符）：{url[:80]}"]})
        record, _ = ArchiveRecord.objects.update_or_create(
            site=site, url=url,
            defaults={"title": title, "archived_on": clock.today(), "reason": reason, "new_location": new_location},
        )
        records.append(record)
    action.audit(site, "registry.archive", reason=reason, data={"pages": [r.url for r in records]})
    return records


class CompleteMigration(SiteAction):
    """REG-14 steps 2–3: content moved (old pages archived), destination announced ≥ 30 days."""

    def __init__(self, actor, site: Site, *, pages: list[dict] | None = None, note: str = ""):
        super().__init__(actor, site)
        self.pages, self.note = pages or [], (note or "").strip()

    def perform(self):
        site = self.lock()
        require_closing(site)
        items = {i.key: i for i in site.checklist_items.filter(checklist=Checklist.CLOSURE)}
        if not items["migration_notice"].done:
            raise RuleViolation("REG-14", "迁移前须先在网站首页显著位置悬挂迁移公告。")
        if items["content_migrated"].done:
            raise ConflictError("内容迁移已完成登记。")
        target = site.migrated_to
        archive(self, site, self.pages, "整合迁移", f"https://{target.domain}")
        self.tick(Checklist.CLOSURE, "content_migrated", self.note or f"迁移至 {target.domain}")
        host = announcements.government_portal(site) if site.institution.government else target
        announcement = announcements.create(
            self, kind=AnnouncementKind.MIGRATION_DONE, site=site, host_site=host,
            title=f"关于{site.name}完成整合迁移的公告",
            body=f"{site.name}（{site.domain}）已完成整合迁移，原有内容已迁移至{target.name}（{target.domain}）。"
            + (f"{self.note}" if self.note else ""),
            application=closing_application(site),
        )
        self.tick(Checklist.CLOSURE, "migration_announcement", f"公告 {announcement.pk}")
        return announcement


class CloseSite(SiteAction):
    """REG-14 last step: everything cancelled and migrated → status reported up → closed."""

    def perform(self) -> Site:
        site = self.lock()
        require_closing(site)
        missing = [
            i.label for i in site.checklist_items.filter(checklist=Checklist.CLOSURE, done_at__isnull=True)
            if i.key != "status_reported"
        ]
        if missing:
            raise RuleViolation("REG-14", f"关停程序尚未完成：{'、'.join(missing)}。")
        report = reporter().report("closure", site, {
            "site_code": site.site_code, "domain": site.domain,
            "migrated_to": site.migrated_to.domain if site.migrated_to else "",
        })
        self.tick(Checklist.CLOSURE, "status_reported", f"上报 {report.pk}")
        self.set_site_status(site, SiteStatus.CLOSED, reason="关停程序完成", closed_at=clock.now())
        return site


class ApplyDueTransitions(Action):
    """The scheduler's daily job: start approved temporary offlines, bring sites back when due."""

    def check_permission(self) -> bool:
        return self.actor.via == "system"

    def perform(self) -> list[Site]:
        today = clock.today()
        changed = []
        due = Application.objects.filter(
            kind=ApplicationKind.TEMPORARY_OFFLINE, status=ApplicationStatus.APPROVED,
            start_date__lte=today, end_date__gte=today, site__status=SiteStatus.ONLINE,
        ).select_related("site")
        for application in due:
            self.set_site_status(application.site, SiteStatus.TEMPORARILY_OFFLINE, reason="临时下线开始",
                                 offline_until=application.end_date)
            changed.append(application.site)
        for site in Site.objects.filter(
            status__in=[SiteStatus.TEMPORARILY_OFFLINE, SiteStatus.OUTAGE], offline_until__lt=today
        ):
            self.set_site_status(site, SiteStatus.ONLINE, reason="下线期限届满，自动恢复", offline_until=None)
            changed.append(site)
        return changed


def require_closing(site: Site) -> None:
    if site.status != SiteStatus.CLOSING:
        raise ValidationError(f"网站当前状态为“{site.get_status_display()}”，只有关停迁移中的网站可以办理。")


def closing_application(site: Site) -> Application | None:
    return site.applications.filter(
        kind=ApplicationKind.PERMANENT_OFFLINE, status=ApplicationStatus.APPROVED
    ).order_by("-decided_at").first()
