"""The data subject: one citizen's contact details as given with a message, an error report or a
survey answer. The interaction apps point at a :class:`PersonalRecord` instead of keeping names
and phone numbers of their own, so encryption, masking, requests and erasure live in one place.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from govsites import clock

from . import crypto, masking
from .fields import BlindIndexField, EncryptedCharField, EncryptedTextField

#: the personal fields of a record, in display order
PERSONAL_FIELDS = ("name", "phone", "id_number", "address", "email")
#: the fields a data subject is found by (each has a blind index ``<field>_index``)
LOOKUP_FIELDS = ("phone", "id_number", "email")


class Source(models.TextChoices):
    MESSAGE = "message", _("留言")
    ERROR_REPORT = "error_report", _("网站找错")
    SURVEY = "survey", _("调查征集")
    INTERVIEW = "interview", _("在线访谈")
    OTHER = "other", _("其他")


class PersonalRecordQuerySet(models.QuerySet):
    def matching(self, *, phone: str = "", id_number: str = "", email: str = ""):
        """Records whose phone, ID number or e-mail equals one given (exact, by blind index)."""
        condition = models.Q()
        given = False
        for field, value in (("phone", phone), ("id_number", id_number), ("email", email)):
            digest = crypto.blind_index(_KIND[field], value) if value else ""
            if digest:
                condition |= models.Q(**{f"{field}_index": digest})
                given = True
        return self.filter(condition) if given else self.none()

    def with_digests(self, digests: dict[str, str]):
        """Records matching already computed blind-index digests ({"phone": hex, …})."""
        condition = models.Q()
        for field, digest in digests.items():
            if field in LOOKUP_FIELDS and digest:
                condition |= models.Q(**{f"{field}_index": digest})
        return self.filter(condition) if condition else self.none()


_KIND = {
    "name": masking.NAME, "phone": masking.PHONE, "id_number": masking.ID_NUMBER,
    "address": masking.ADDRESS, "email": masking.EMAIL,
}


class PersonalRecord(models.Model):
    name = EncryptedCharField(_("姓名"), kind=masking.NAME, max_length=50)
    phone = EncryptedCharField(_("联系电话"), kind=masking.PHONE, max_length=20)
    phone_index = BlindIndexField(source="phone")
    id_number = EncryptedCharField(_("身份证号码"), kind=masking.ID_NUMBER, max_length=18)
    id_number_index = BlindIndexField(source="id_number")
    address = EncryptedTextField(_("地址"), kind=masking.ADDRESS, max_length=200)
    email = EncryptedCharField(_("电子邮箱"), kind=masking.EMAIL, max_length=254)
    email_index = BlindIndexField(source="email")

    source = models.CharField(_("来源"), max_length=32, choices=Source.choices, default=Source.OTHER)
    site = models.ForeignKey(
        "registry.Site", verbose_name=_("来源网站"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="personal_records",
    )
    created_at = models.DateTimeField(_("采集时间"), default=clock.now, db_index=True)
    erased_at = models.DateTimeField(_("删除时间"), null=True, blank=True)

    objects = PersonalRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("个人信息记录")
        verbose_name_plural = _("个人信息记录")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["phone_index"], name="privacy_pers_phone_index"),
            models.Index(fields=["id_number_index"], name="privacy_pers_id_number_index"),
            models.Index(fields=["email_index"], name="privacy_pers_email_index"),
        ]

    def __str__(self) -> str:
        """Masked (this is what the audit trail's label and every default rendering show)."""
        if self.erased_at:
            return f"个人信息记录 #{self.pk}（已删除）"
        shown = " ".join(v for v in (str(self.name or ""), str(self.phone or "")) if v)
        return f"个人信息记录 #{self.pk}（{shown}）" if shown else f"个人信息记录 #{self.pk}"

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def masked(self) -> dict[str, str]:
        """Field name → masked value, for listings."""
        return {name: masking.mask(_KIND[name], getattr(self, name)) for name in PERSONAL_FIELDS}

    def present_fields(self) -> list[str]:
        return [name for name in PERSONAL_FIELDS if getattr(self, name)]

    def field_label(self, name: str) -> str:
        return str(self._meta.get_field(name).verbose_name)
