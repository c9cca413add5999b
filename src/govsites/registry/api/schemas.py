"""Request and response shapes of the registry API.

Inputs refuse unknown fields, cap every string (at the model's column width where there is
one) and take dates only as ``YYYY-MM-DD``; outputs carry each code with its Chinese label.
"""

import datetime as dt
import re
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, PlainSerializer
from pydantic_core import PydanticCustomError
from wagtail.log_actions import registry as log_actions

from govsites import clock

from .. import identifiers, rules
from ..actions.applications import MATERIAL_LABELS
from ..models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    ArchiveRecord,
    Checklist,
    ChecklistItem,
    Institution,
    InstitutionKind,
    Level,
    OutageCause,
    Site,
    SiteStatus,
    SiteType,
)
from ..validation import portal_domain_for
from .common import MAX_ID, READ_ERRORS

# -- field types ------------------------------------------------------------------------------

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL; refuse it here instead of failing at the database.
    if "\x00" in value:
        raise PydanticCustomError("govsites_nul", _("不能包含空字符（\\u0000）"))
    return value


def _iso_date(value: Any) -> Any:
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
        raise PydanticCustomError("govsites_date", _("不是有效的日期"))
    raise PydanticCustomError("govsites_date", _("须为 YYYY-MM-DD 格式的日期"))


def text(max_length: int):
    return Annotated[str, Field(max_length=max_length), AfterValidator(_no_nul)]


def column(model, field: str):
    """A string capped at the width of ``model.field``."""
    return text(model._meta.get_field(field).max_length)


Id = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]
QueryId = Annotated[int, Field(ge=1, le=MAX_ID)]
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
LongText = text(2000)
LocalDateTime = Annotated[dt.datetime, PlainSerializer(lambda v: clock.local(v).isoformat(), return_type=str)]


class Input(Schema):
    model_config = ConfigDict(extra="forbid")


class ErrorOut(Schema):
    detail: str = Field(description="中文说明")
    rule: str | None = Field(None, description="拒绝请求的规则编号，如 REG-12")
    errors: dict[str, list[str]] = Field(default_factory=dict, description="按字段列出的问题")


# -- outputs ----------------------------------------------------------------------------------


def _name(user) -> str | None:
    return str(user) if user is not None else None


class Ref(Schema):
    id: int
    name: str


class InstitutionRef(Ref):
    level: Level
    level_label: str

    @staticmethod
    def resolve_level_label(obj):
        return obj.get_level_display()


class SiteRef(Ref):
    domain: str
    status: SiteStatus


class InstitutionOut(Schema):
    id: int
    name: str
    short_name: str
    kind: InstitutionKind
    kind_label: str
    level: Level
    level_label: str
    division_code: str
    abbreviation: str
    pinyin: str
    parent_id: int | None
    head_name: str
    office_name: str

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_level_label(obj):
        return obj.get_level_display()


class InstitutionDetailOut(InstitutionOut):
    parent: Ref | None
    government: Ref | None
    site: SiteRef | None = Field(description="该机构现有的网站（含申请中、关停迁移中）")
    domain_suggestions: list[str] = Field(description="按命名规则推荐的英文域名（REG-07）")

    @staticmethod
    def resolve_site(obj):
        return Site.objects.live().filter(institution=obj).first()

    @staticmethod
    def resolve_domain_suggestions(obj):
        return identifiers.suggest_domains(obj, portal_domain_for(obj))


class SiteOut(Schema):
    id: int
    name: str
    short_name: str
    site_type: SiteType
    site_type_label: str
    status: SiteStatus
    status_label: str
    institution: InstitutionRef
    domain: str
    chinese_domain: str
    site_code: str
    hosted: bool
    needs_integration: bool = Field(description="按 REG-03 该机构不应开设网站，需整合")
    launched_at: LocalDateTime | None
    updated_at: LocalDateTime

    @staticmethod
    def resolve_site_type_label(obj):
        return obj.get_site_type_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_needs_integration(obj):
        return obj.is_live and bool(rules.integration_reason(obj))


class ChecklistItemOut(Schema):
    id: int
    checklist: Checklist
    checklist_label: str
    key: str
    label: str
    done: bool
    done_at: LocalDateTime | None
    done_by: str | None
    reference: str
    automatic: bool

    @staticmethod
    def resolve_checklist_label(obj):
        return obj.get_checklist_display()

    @staticmethod
    def resolve_done_by(obj):
        return _name(obj.done_by)


class AnnouncementOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    body: str
    site: SiteRef
    host_site: SiteRef
    publish_from: LocalDateTime
    publish_until: LocalDateTime | None

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()


class ArchiveRecordOut(Schema):
    id: int
    url: str
    title: str
    archived_on: dt.date
    reason: str
    new_location: str
    banner: str


class SiteDetailOut(SiteOut):
    sponsor_name: str
    operator_name: str
    responsible_person: str
    responsible_phone: str
    responsible_email: str
    contact_phone: str
    contact_email: str
    contact_address: str
    hosting_notes: str
    icp_number: str
    public_security_number: str
    site_mark_number: str
    status_changed_at: LocalDateTime
    offline_until: dt.date | None
    closed_at: LocalDateTime | None
    created_at: LocalDateTime
    migrated_to: SiteRef | None
    integration_reason: str = Field(description="需整合的原因（REG-03），无则为空")
    checklist: list[ChecklistItemOut]
    announcements: list[AnnouncementOut]
    archive_records: list[ArchiveRecordOut]

    @staticmethod
    def resolve_integration_reason(obj):
        return rules.integration_reason(obj) if obj.is_live else ""

    @staticmethod
    def resolve_checklist(obj):
        return obj.checklist_items.select_related("done_by")

    @staticmethod
    def resolve_announcements(obj):
        return obj.announcements.select_related("site", "host_site")

    @staticmethod
    def resolve_archive_records(obj):
        return obj.archive_records.order_by("-archived_on", "url")


class TimelineEntryOut(Schema):
    id: int
    timestamp: LocalDateTime
    action: str
    action_label: str
    object_label: str
    user: str | None = Field(description="操作人；系统自动操作为 null")
    ip_address: str | None
    via: str
    reason: str
    changes: dict[str, Any]
    data: dict[str, Any]

    @staticmethod
    def resolve_action_label(obj):
        return str(log_actions.get_action_label(obj.action))

    @staticmethod
    def resolve_object_label(obj):
        return obj.label

    @staticmethod
    def resolve_user(obj):
        return _name(obj.user) if obj.user_id else None


class StepOut(Schema):
    id: int
    position: int
    kind: str
    kind_label: str
    institution: Ref
    is_final: bool
    status: str
    status_label: str
    decided_by: str | None
    decided_at: LocalDateTime | None
    comment: str

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_decided_by(obj):
        return _name(obj.decided_by)


class ApplicationOut(Schema):
    id: int
    kind: ApplicationKind
    kind_label: str
    status: ApplicationStatus
    status_label: str
    institution: InstitutionRef
    site: SiteRef | None
    submitted_at: LocalDateTime
    decided_at: LocalDateTime | None
    current_step: StepOut | None = Field(description="当前待审批环节")

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_current_step(obj):
        # From the prefetched steps, so a list costs no query per row.
        return next((s for s in obj.steps.all() if s.status == "pending"), None)


class ApplicationDetailOut(ApplicationOut):
    reason: str
    start_date: dt.date | None
    end_date: dt.date | None
    outage_cause: str
    outage_cause_label: str
    safeguards: str
    migration_target: SiteRef | None
    materials: dict[str, Any]
    changes: dict[str, Any]
    topic_title: str
    topic_institutions: list[Ref]
    topic_host_site: SiteRef | None
    submitted_by: str | None
    steps: list[StepOut]

    @staticmethod
    def resolve_outage_cause_label(obj):
        return obj.get_outage_cause_display() if obj.outage_cause else ""

    @staticmethod
    def resolve_submitted_by(obj):
        return _name(obj.submitted_by)


class InboxItemOut(StepOut):
    application: ApplicationOut


# -- inputs -----------------------------------------------------------------------------------


class SiteTextFields(Input):
    """The site fields an applicant may give and a change filing may change (REG-16)."""

    name: column(Site, "name") = ""
    short_name: column(Site, "short_name") = ""
    domain: column(Site, "domain") = ""
    chinese_domain: column(Site, "chinese_domain") = ""
    sponsor_name: column(Site, "sponsor_name") = ""
    operator_name: column(Site, "operator_name") = ""
    responsible_person: column(Site, "responsible_person") = ""
    responsible_phone: column(Site, "responsible_phone") = ""
    responsible_email: column(Site, "responsible_email") = ""
    contact_phone: column(Site, "contact_phone") = ""
    contact_email: column(Site, "contact_email") = ""
    contact_address: column(Site, "contact_address") = ""
    hosting_notes: column(Site, "hosting_notes") = ""


SITE_FIELD_NAMES = {*SiteTextFields.model_fields, "hosted", "site_code", "icp_number", "public_security_number",
                    "site_mark_number"}


def site_data(payload: Input) -> dict:
    """Only the site fields the client actually sent (defaults are the domain's business)."""
    return payload.model_dump(exclude_unset=True, include=SITE_FIELD_NAMES & set(type(payload).model_fields))


class MaterialsIn(Input):
    """REG-08 materials (required by some profiles)."""

    responsibilities: LongText = Field("", description=MATERIAL_LABELS["responsibilities"])
    review_mechanism: LongText = Field("", description=MATERIAL_LABELS["review_mechanism"])
    security_measures: LongText = Field("", description=MATERIAL_LABELS["security_measures"])
    emergency_plan: LongText = Field("", description=MATERIAL_LABELS["emergency_plan"])


class OpenSiteIn(SiteTextFields):
    institution: Id = Field(description="申请开设网站的机构")
    hosted: bool = True
    purpose: Literal["institution", "event"] = Field(
        "institution", description="institution：本机构网站；event：为活动或专项工作开设（REG-04 不允许）"
    )
    materials: MaterialsIn = Field(default_factory=MaterialsIn)
    reason: LongText = ""


class TemporaryOfflineIn(Input):
    site: Id
    start_date: IsoDate
    end_date: IsoDate
    reason: LongText = ""


class OutageIn(Input):
    site: Id
    outage_cause: OutageCause
    start_date: IsoDate
    end_date: IsoDate
    reason: LongText = ""


class PermanentOfflineIn(Input):
    site: Id
    migration_target: Id | None = Field(None, description="原有内容整合迁移的目标网站")
    safeguards: LongText = ""
    reason: LongText = ""


class ChangesIn(SiteTextFields):
    structure_note: LongText = Field("", description="栏目结构等其他变更说明")


class ChangeIn(Input):
    site: Id
    changes: ChangesIn = Field(description="只填写要变更的字段")
    reason: LongText = ""


class SpecialTopicIn(Input):
    institution: Id = Field(description="申请单位")
    topic_title: column(Application, "topic_title") = ""
    topic_institutions: list[Id] = Field(default_factory=list, max_length=100, description="涉及的部门")
    topic_host_site: Id = Field(description="开设专栏专题的网站")
    lead_institution: Id | None = Field(None, description="牵头部门（涉及多个部门时）")
    reason: LongText = ""


class DecisionIn(Input):
    approve: bool = Field(strict=True, description="true 同意，false 驳回（驳回须填写意见）")
    comment: LongText = ""


class WithdrawIn(Input):
    reason: LongText = ""


class ChecklistItemIn(Input):
    checklist: Checklist
    key: text(40)
    reference: column(ChecklistItem, "reference") = Field("", description="取得的编号或证明")


class MigrationNoticeIn(Input):
    body: text(5000) = Field("", description="公告正文；留空则按迁移目标自动生成")


class PageIn(Input):
    url: column(ArchiveRecord, "url")
    title: column(ArchiveRecord, "title")


Pages = Annotated[list[PageIn], Field(max_length=5000)]


class MigrationIn(Input):
    pages: Pages = Field(default_factory=list, description="需归档的原网站页面")
    note: text(200) = ""


class ArchiveIn(Input):
    pages: Pages = Field(min_length=1)
    reason: column(ArchiveRecord, "reason")
    new_base: text(200) = Field("", pattern=r"^(https?://\S+)?$", description="归档页面的新访问地址前缀")


class InstitutionIn(Input):
    name: column(Institution, "name")
    short_name: column(Institution, "short_name") = ""
    kind: InstitutionKind
    level: Level
    division_code: column(Institution, "division_code") = ""
    abbreviation: column(Institution, "abbreviation") = ""
    pinyin: column(Institution, "pinyin") = ""
    parent: Id | None = Field(None, description="上级机构；省级政府为 null（仅系统管理员）")
    head_name: column(Institution, "head_name") = ""
    office_name: column(Institution, "office_name") = ""


class RegisterSiteIn(SiteTextFields):
    institution: Id
    status: SiteStatus = SiteStatus.ONLINE
    hosted: bool = True
    site_code: column(Site, "site_code") = ""
    icp_number: column(Site, "icp_number") = ""
    public_security_number: column(Site, "public_security_number") = ""
    site_mark_number: column(Site, "site_mark_number") = ""


def responses(ok: int, schema, errors=READ_ERRORS) -> dict:
    """The success schema plus the documented error codes (all with :class:`ErrorOut`)."""
    return {ok: schema, **{code: ErrorOut for code in errors}}
