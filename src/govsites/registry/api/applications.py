"""Applications and approvals: list and detail, one submit endpoint per kind, withdraw, the
approval inbox and deciding a step."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from .. import permissions
from ..actions import (
    ApplyForPermanentOffline,
    ApplyForSpecialTopic,
    ApplyForTemporaryOffline,
    ApplyToOpenSite,
    DecideStep,
    FileChange,
    ReportOutage,
    WithdrawApplication,
)
from ..models import Application, ApplicationKind, ApplicationStatus, ApprovalStep, Institution, Site
from .common import WRITE_ERRORS, Pagination, existing_or_400, not_found, run, user_of, visible_or_404
from .schemas import (
    ApplicationDetailOut,
    ApplicationOut,
    ChangeIn,
    DecisionIn,
    InboxItemOut,
    OpenSiteIn,
    OutageIn,
    PermanentOfflineIn,
    QueryId,
    SpecialTopicIn,
    TemporaryOfflineIn,
    WithdrawIn,
    responses,
    site_data,
)

router = Router(tags=["申请与审批"])

STEPS = Prefetch("steps", queryset=ApprovalStep.objects.select_related("institution", "decided_by"))


class ApplicationFilters(Schema):
    kind: ApplicationKind | None = Field(None, description="申请类型")
    status: ApplicationStatus | None = Field(None, description="状态")
    site: QueryId | None = Field(None, description="网站编号")


def visible_applications(request):
    return (
        permissions.visible_applications(user_of(request))
        .select_related("institution", "site")
        .prefetch_related(STEPS)
    )


def application_detail(request, application_id: int) -> Application:
    queryset = visible_applications(request).select_related(
        "migration_target", "topic_host_site", "submitted_by"
    ).prefetch_related("topic_institutions")
    return visible_or_404(queryset, application_id, not_found(_("申请")))


def own_site(request, site_id: int) -> Site:
    """The site an application is about: it must be visible to the applicant."""
    return visible_or_404(
        permissions.visible_sites(user_of(request)).select_related("institution"), site_id, not_found(_("网站"))
    )


def own_institution(request, institution_id: int) -> Institution:
    return visible_or_404(permissions.visible_institutions(user_of(request)), institution_id, not_found(_("机构")))


def other_site(site_id: int | None, field: str) -> Site | None:
    """A site an application only refers to (a migration target, a column's host): any site of
    the estate may be named; whether it qualifies is the action's rule to decide."""
    return existing_or_400(Site.objects.all(), site_id, field, _("编号为 %(id)s 的网站不存在。") % {"id": site_id})


def other_institution(institution_id: int | None, field: str) -> Institution | None:
    return existing_or_400(
        Institution.objects.all(), institution_id, field, _("编号为 %(id)s 的机构不存在。") % {"id": institution_id}
    )


def other_institutions(ids: list[int], field: str) -> list[Institution]:
    found = Institution.objects.in_bulk(ids)
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise ValidationError({field: [_("编号为 %(id)s 的机构不存在。") % {"id": "、".join(missing)}]})
    return [found[pk] for pk in dict.fromkeys(ids)]


def submitted(request, action_class, *args, **kwargs) -> Status:
    """Submit through ``action_class`` and answer 201 with the new application in full."""
    application = run(request, action_class, *args, **kwargs)
    return Status(201, application_detail(request, application.pk))


SUBMIT = {"response": responses(201, ApplicationDetailOut, WRITE_ERRORS)}
DECIDE = {"response": responses(200, ApplicationDetailOut, WRITE_ERRORS)}


@router.get("/applications", response=responses(200, list[ApplicationOut]), summary="申请列表")
@paginate(Pagination)
def list_applications(request, filters: Query[ApplicationFilters]):
    qs = visible_applications(request)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.site is not None:
        qs = qs.filter(site_id=filters.site)
    return qs.order_by("-submitted_at", "-pk")


@router.post(
    "/applications/open", summary="申请开设网站", **SUBMIT,
    description="提交开设网站申请并登记拟开设的网站；须符合开设条件（REG-02、REG-03、REG-04），"
    "网站名称、域名须符合命名规则（REG-05、REG-06、REG-07），经单位负责人和各级办公厅（室）逐级审批（REG-08）。",
)
def apply_to_open(request, payload: OpenSiteIn):
    return submitted(
        request, ApplyToOpenSite, own_institution(request, payload.institution), site_data=site_data(payload),
        materials=payload.materials.model_dump(), purpose=payload.purpose, reason=payload.reason,
    )


@router.post(
    "/applications/temporary_offline", summary="申请临时下线", **SUBMIT,
    description="每个网站每年最多临时下线一次，每次不超过规定天数（REG-12）。",
)
def apply_for_temporary_offline(request, payload: TemporaryOfflineIn):
    return submitted(
        request, ApplyForTemporaryOffline, own_site(request, payload.site), start_date=payload.start_date,
        end_date=payload.end_date, reason=payload.reason,
    )


@router.post(
    "/applications/outage", summary="不可抗力断网报备", **SUBMIT,
    description="不可抗力断网或被责令紧急下线的报备，不计入临时下线次数（REG-13）。",
)
def report_outage(request, payload: OutageIn):
    return submitted(
        request, ReportOutage, own_site(request, payload.site), cause=payload.outage_cause,
        start_date=payload.start_date, end_date=payload.end_date, reason=payload.reason,
    )


@router.post(
    "/applications/permanent_offline", summary="申请永久下线（关停迁移）", **SUBMIT,
    description="政府门户网站不得关停（REG-11）；其他网站须说明理由和保障措施并指定迁移目标网站（REG-14）。",
)
def apply_for_permanent_offline(request, payload: PermanentOfflineIn):
    return submitted(
        request, ApplyForPermanentOffline, own_site(request, payload.site),
        migration_target=other_site(payload.migration_target, "migration_target"),
        safeguards=payload.safeguards, reason=payload.reason,
    )


@router.post(
    "/applications/change", summary="变更备案", **SUBMIT,
    description="主办单位、负责人、联系方式、域名、栏目结构、地址等变更向主管单位备案（REG-16）。",
)
def file_change(request, payload: ChangeIn):
    return submitted(
        request, FileChange, own_site(request, payload.site),
        changes=payload.changes.model_dump(exclude_unset=True), reason=payload.reason,
    )


@router.post(
    "/applications/special_topic", summary="申请开设专栏专题", **SUBMIT,
    description="重大活动或专项工作开设专栏专题而非网站：涉及一个部门的开在该部门网站，"
    "涉及多个部门的开在本级政府门户网站或牵头部门网站（REG-04）。",
)
def apply_for_special_topic(request, payload: SpecialTopicIn):
    return submitted(
        request, ApplyForSpecialTopic, own_institution(request, payload.institution), title=payload.topic_title,
        institutions=other_institutions(payload.topic_institutions, "topic_institutions"),
        host_site=other_site(payload.topic_host_site, "topic_host_site"),
        lead=other_institution(payload.lead_institution, "lead_institution"), reason=payload.reason,
    )


# After the per-kind paths so "/applications/open" is not taken for an id.
@router.get("/applications/{application_id}", response=responses(200, ApplicationDetailOut), summary="申请详情")
def get_application(request, application_id: int):
    return application_detail(request, application_id)


@router.post("/applications/{application_id}/withdraw", summary="撤回申请", **DECIDE)
def withdraw_application(request, application_id: int, payload: WithdrawIn):
    application = application_detail(request, application_id)
    run(request, WithdrawApplication, application, reason=payload.reason)
    return application_detail(request, application_id)


@router.get(
    "/inbox", response=responses(200, list[InboxItemOut]), summary="我的待审批事项",
    description="等待当前用户审批的环节，最早提交的在前。",
)
@paginate(Pagination)
def inbox(request):
    return permissions.inbox(user_of(request)).select_related(
        "application__site", "application__institution", "institution", "decided_by"
    ).prefetch_related(Prefetch("application__steps", queryset=ApprovalStep.objects.select_related(
        "institution", "decided_by")))


@router.post(
    "/steps/{step_id}/decision", summary="审批（同意或驳回）", **DECIDE,
    description="对待审批环节作出决定。两人同时审批同一环节时只有一个决定生效，另一人收到 409。",
)
def decide_step(request, step_id: int, payload: DecisionIn):
    steps = ApprovalStep.objects.filter(application__in=permissions.visible_applications(user_of(request)))
    step = visible_or_404(steps.select_related("application"), step_id, not_found(_("审批环节")))
    run(request, DecideStep, step, approve=payload.approve, comment=payload.comment)
    return application_detail(request, step.application_id)
