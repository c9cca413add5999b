"""Every change to and every plain-text read of personal data, as audited actions.

The audit entries name the record (by its masked label), the fields concerned and the reason —
never a plain value: the trail is read by auditors, who have no need to know.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from govsites import clock
from govsites.actions import Action

from . import crypto, masking, permissions
from .models import _KIND, LOOKUP_FIELDS, PERSONAL_FIELDS, PersonalRecord

REASON_MAX = 500
_DIGEST = re.compile(r"^[0-9a-f]{64}$")

LOG_ACTIONS = {
    "privacy.record.collect": "采集个人信息",
    "privacy.unmask": "查看完整个人信息",
    "privacy.export": "导出个人信息",
    "privacy.erase": "删除个人信息",
}


def clean_reason(reason: str | None, what: str = "查看完整信息") -> str:
    reason = " ".join((reason or "").split())
    if len(reason) < 2:
        raise ValidationError({"reason": f"{what}须填写理由（例如“回复留言需电话联系”“当事人申请查阅”）。"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"理由不能超过{REASON_MAX}个字（现有{len(reason)}个）。"})
    return reason


class CollectPersonalData(Action):
    """Store a citizen's details as given with a message, error report or survey answer. Anyone
    may submit (the public forms of the interaction platform); values are validated first."""

    def __init__(self, actor, *, source: str, site=None, **values):
        super().__init__(actor)
        unknown = set(values) - set(PERSONAL_FIELDS)
        if unknown:
            raise TypeError(f"unknown personal fields: {sorted(unknown)}")
        self.source, self.site, self.values = source, site, values

    def check_permission(self) -> bool:
        return True

    def perform(self) -> PersonalRecord:
        record = PersonalRecord(source=self.source, site=self.site, **self.values)
        record.full_clean(exclude=["site"])
        record.save()
        self.audit(record, "privacy.record.collect", data={"fields": record.present_fields(), "source": self.source},
                   site_id=record.site_id)
        return record


class UnmaskPersonalData(Action):
    """Return the plain values of ``fields`` of one record, for a stated reason. Allowed to the
    security officer and to the message handlers of the record's site; always audited."""

    denied_message = "您无权查看该记录的完整个人信息。"

    def __init__(self, actor, record: PersonalRecord, *, reason: str, fields=None):
        super().__init__(actor)
        self.record = record
        self.reason = reason
        self.fields = list(fields) if fields else list(PERSONAL_FIELDS)

    def check_permission(self) -> bool:
        return permissions.may_unmask(self.user, self.record)

    def perform(self) -> dict[str, str]:
        reason = clean_reason(self.reason)
        unknown = [f for f in self.fields if f not in PERSONAL_FIELDS]
        if unknown:
            raise ValidationError({"fields": "请选择要查看的个人信息项。"})
        record = self.record
        if record.is_erased:
            raise ValidationError("该记录的个人信息已删除，无法查看。")
        plain = {name: masking.reveal(getattr(record, name)) for name in self.fields}
        self.audit(record, "privacy.unmask", reason=reason,
                   data={"fields": self.fields, "record": record.pk}, site_id=record.site_id)
        return plain


class ExportPersonalData(Action):
    """A data subject's access request: every record linked to their phone number, ID number or
    e-mail (exact, by blind index), as a JSON-ready dict with plain values. Audited per record."""

    denied_message = "只有安全管理员可以办理个人信息查阅、导出请求。"

    def __init__(self, actor, *, reason: str, phone: str = "", id_number: str = "", email: str = "",
                 digests: dict[str, str] | None = None):
        super().__init__(actor)
        self.reason = reason
        self.query = {"phone": phone, "id_number": id_number, "email": email}
        self.digests = digests or {}

    def check_permission(self) -> bool:
        return permissions.handles_requests(self.user)

    def subject_digests(self) -> dict[str, str]:
        digests = {f: d for f, d in self.digests.items() if f in LOOKUP_FIELDS and _DIGEST.match(d or "")}
        for field, value in self.query.items():
            if value:
                validate_lookup(field, value)
                digests[field] = crypto.blind_index(_KIND[field], value)
        if not digests:
            raise ValidationError({"query": "请输入当事人的手机号码、身份证号码或电子邮箱。"})
        return digests

    def perform(self) -> dict:
        reason = clean_reason(self.reason, "导出个人信息")
        digests = self.subject_digests()
        records = list(PersonalRecord.objects.with_digests(digests).select_related("site").order_by("created_at", "pk"))
        exported_at = clock.now()
        for record in records:
            self.audit(record, "privacy.export", reason=reason,
                       data={"fields": record.present_fields(), "matched_by": sorted(digests), "count": len(records)},
                       site_id=record.site_id)
        if not records and self.user is not None:
            # Nothing held is an answer too; the request itself is still on the trail.
            self.audit(self.user, "privacy.export", reason=reason, data={"matched_by": sorted(digests), "count": 0})
        return {
            "exported_at": exported_at.isoformat(),
            "count": len(records),
            "records": [export_row(record) for record in records],
        }


def export_row(record: PersonalRecord) -> dict:
    row = {
        "id": record.pk,
        "source": record.source,
        "source_label": str(record.get_source_display()),
        "site": record.site.name if record.site_id else None,
        "site_domain": record.site.domain if record.site_id else None,
        "created_at": record.created_at.isoformat(),
    }
    for name in PERSONAL_FIELDS:
        row[name] = masking.reveal(getattr(record, name))
    return row


class ErasePersonalData(Action):
    """Erase one record's personal data (a data subject's request, or the end of its purpose):
    the encrypted values and blind indexes are emptied, the row stays for the statistics."""

    denied_message = "只有安全管理员可以删除个人信息。"

    def __init__(self, actor, record: PersonalRecord, *, reason: str):
        super().__init__(actor)
        self.record = record
        self.reason = reason

    def check_permission(self) -> bool:
        return permissions.handles_requests(self.user)

    def perform(self) -> PersonalRecord:
        reason = clean_reason(self.reason, "删除个人信息")
        # Lock and re-read: a concurrent erase must not be recorded twice.
        record = PersonalRecord.objects.select_for_update().get(pk=self.record.pk)
        if record.is_erased:
            raise ValidationError(f"该记录的个人信息已于{record.erased_at:%Y-%m-%d %H:%M}删除。")
        fields = record.present_fields()
        blank = {name: "" for name in PERSONAL_FIELDS}
        blank.update({f"{name}_index": "" for name in LOOKUP_FIELDS})
        now = clock.now()
        PersonalRecord.objects.filter(pk=record.pk).update(erased_at=now, **blank)
        record.refresh_from_db()
        self.record.refresh_from_db()
        self.audit(record, "privacy.erase", reason=reason, data={"fields": fields}, site_id=record.site_id)
        return record


def validate_lookup(field: str, value: str) -> None:
    """A search term must be a valid phone number / ID number / e-mail (a typo finds nothing and
    would be mistaken for "no data held")."""
    from .fields import validate

    try:
        validate(_KIND[field], value)
    except ValidationError as error:
        raise ValidationError({"query": error.messages}) from None


def guess_lookup(term: str) -> tuple[str, str]:
    """Which lookup field a typed search term is: e-mail, ID number or phone."""
    term = (term or "").strip()
    if "@" in term:
        return "email", term
    normal = masking.normalise(masking.ID_NUMBER, term)
    if len(normal) == 18 or (len(normal) > 11 and normal.endswith("X")):
        return "id_number", term
    return "phone", term

