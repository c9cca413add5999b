"""Sites: list and detail, the timeline, recording an existing site, and the lifecycle after
approval (launch checklist and go-live, resume, migration, archive, closure)."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from govsites.audit.models import AuditLogEntry

from .. import permissions
from ..actions import (
    ArchivePages,
    CloseSite,
    CompleteChecklistItem,
    CompleteMigration,
    LaunchSite,
    PublishMigrationNotice,
    RegisterSite,
    ResumeSite,
)
from ..models import Level, Site, SiteStatus, SiteType
from .common import WRITE_ERRORS, Pagination, not_found, run, user_of, visible_or_404
from .schemas import (
    AnnouncementOut,
    ArchiveIn,
    ArchiveRecordOut,
    ChecklistItemIn,
    ChecklistItemOut,
    MigrationIn,
    MigrationNoticeIn,
    QueryId,
    RegisterSiteIn,
    SiteDetailOut,
    SiteOut,
    TimelineEntryOut,
    responses,
    site_data,
    text,
)

router = Router(tags=["网站"])


class SiteFilters(Schema):
    level: Level | None = Field(None, description="开办机构的层级")
    region: QueryId | None = Field(None, description="机构编号：只列出该机构及其所有下级机构的网站")
    site_type: SiteType | None = Field(None, description="网站类型")
    status: SiteStatus | None = Field(None, description="状态")
    hosted: bool | None = Field(None, description="是否部署在本平台")
    needs_integration: bool | None = Field(None, description="是否为按 REG-03 需整合的网站")
    q: text(100) | None = Field(None, description="按网站名称、域名或网站标识码检索")


def visible_site(request, site_id: int) -> Site:
    queryset = permissions.visible_sites(user_of(request)).select_related("institution", "migrated_to")
    return visible_or_404(queryset, site_id, not_found(_("网站")))


def detail(site: Site) -> Site:
    """The site as it is now (actions may hand back a stale or partial copy)."""
    return Site.objects.select_related("institution", "migrated_to").get(pk=site.pk)


@router.get("/sites", response=responses(200, list[SiteOut]), summary="网站列表")
@paginate(Pagination)
def list_sites(request, filters: Query[SiteFilters]):
    qs = permissions.visible_sites(user_of(request)).select_related("institution")
    if filters.region is not None:
        region = permissions.visible_institutions(user_of(request)).filter(pk=filters.region).first()
        if region is None:
            raise ValidationError({"region": [not_found(_("机构"))]})
        qs = qs.within(region)
    for field, lookup in (("level", "institution__level"), ("site_type", "site_type"), ("status", "status"),
                          ("hosted", "hosted")):
        value = getattr(filters, field)
        if value is not None:
            qs = qs.filter(**{lookup: value})
    if filters.needs_integration is not None:
        flagged = Site.objects.needing_integration().values("pk")
        qs = qs.filter(pk__in=flagged) if filters.needs_integration else qs.exclude(pk__in=flagged)
    if filters.q:
        term = filters.q.strip()
        qs = qs.filter(Q(name__icontains=term) | Q(short_name__icontains=term) | Q(domain__icontains=term)
                       | Q(chinese_domain__icontains=term) | Q(site_code__icontains=term))
    return qs.order_by("institution__path", "pk")


@router.get("/sites/{site_id}", response=responses(200, SiteDetailOut), summary="网站详情")
def get_site(request, site_id: int):
    return visible_site(request, site_id)


@router.get(
    "/sites/{site_id}/timeline",
    response=responses(200, list[TimelineEntryOut]),
    summary="网站全部历史记录",
    description="该网站的审计记录，最新的在前：时间、操作、操作人、来源地址、原因和变更内容。",
)
@paginate(Pagination)
def site_timeline(request, site_id: int):
    site = visible_site(request, site_id)
    return AuditLogEntry.objects.filter(site_ref=site.pk).select_related("user").order_by("-timestamp", "-id")


@router.post(
    "/sites",
    response=responses(201, SiteDetailOut, WRITE_ERRORS),
    summary="登记已有网站",
    description="批量建档时登记已经存在的网站（本平台托管或外部）。不符合开设条件的网站照常登记并标记为需整合（REG-03）。",
)
def register_site(request, payload: RegisterSiteIn):
    institution = visible_or_404(
        permissions.visible_institutions(user_of(request)), payload.institution, not_found(_("机构"))
    )
    site = run(request, RegisterSite, institution, data=site_data(payload), status=payload.status)
    return Status(201, detail(site))


@router.post(
    "/sites/{site_id}/checklist",
    response=responses(200, ChecklistItemOut, WRITE_ERRORS),
    summary="办结程序事项",
    description="上线前程序（REG-09）或关停程序（REG-14）的一项；取得编号的事项须在 reference 中填写编号。",
)
def complete_checklist_item(request, site_id: int, payload: ChecklistItemIn):
    return run(request, CompleteChecklistItem, visible_site(request, site_id), checklist=payload.checklist,
               key=payload.key, reference=payload.reference)


@router.post(
    "/sites/{site_id}/launch",
    response=responses(200, SiteDetailOut, WRITE_ERRORS),
    summary="网站正式上线",
    description="上线前程序全部办结后上线，并发布开通公告（REG-09、REG-10）。",
)
def launch_site(request, site_id: int):
    return detail(run(request, LaunchSite, visible_site(request, site_id)))


@router.post(
    "/sites/{site_id}/resume",
    response=responses(200, SiteDetailOut, WRITE_ERRORS),
    summary="恢复上线",
    description="临时下线或断网结束后恢复运行。",
)
def resume_site(request, site_id: int):
    return detail(run(request, ResumeSite, visible_site(request, site_id)))


@router.post(
    "/sites/{site_id}/migration-notice",
    response=responses(201, AnnouncementOut, WRITE_ERRORS),
    summary="发布迁移公告",
    description="关停迁移前在网站首页悬挂迁移公告（REG-14）。",
)
def publish_migration_notice(request, site_id: int, payload: MigrationNoticeIn):
    return Status(201, run(request, PublishMigrationNotice, visible_site(request, site_id), body=payload.body))


@router.post(
    "/sites/{site_id}/migration",
    response=responses(201, AnnouncementOut, WRITE_ERRORS),
    summary="完成内容迁移",
    description="登记内容已迁移并归档原页面，发布内容去向公告（保留不少于30天，REG-14、REG-15）。",
)
def complete_migration(request, site_id: int, payload: MigrationIn):
    pages = [page.model_dump() for page in payload.pages]
    return Status(201, run(request, CompleteMigration, visible_site(request, site_id), pages=pages,
                           note=payload.note))


@router.post(
    "/sites/{site_id}/close",
    response=responses(200, SiteDetailOut, WRITE_ERRORS),
    summary="关停网站",
    description="关停程序办结后关停网站并向全国政府网站信息报送系统报告（REG-14）。",
)
def close_site(request, site_id: int):
    return detail(run(request, CloseSite, visible_site(request, site_id)))


@router.post(
    "/sites/{site_id}/archive",
    response=responses(200, list[ArchiveRecordOut], WRITE_ERRORS),
    summary="归档页面",
    description="改版或迁移时归档有价值的原页面，归档页面标注“已归档”和归档日期（REG-15）。",
)
def archive_pages(request, site_id: int, payload: ArchiveIn):
    pages = [page.model_dump() for page in payload.pages]
    return run(request, ArchivePages, visible_site(request, site_id), pages=pages, reason=payload.reason,
               new_base=payload.new_base)
