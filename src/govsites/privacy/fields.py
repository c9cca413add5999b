"""Model fields for personal data: encrypted at rest, masked when read, searchable by blind index.

    class Message(models.Model):
        phone = EncryptedCharField("联系电话", kind="phone", max_length=20, blank=True)
        phone_index = BlindIndexField(source="phone")

The attribute a model instance holds is a :class:`~.masking.SealedValue`: it renders as its mask
everywhere (templates, ``str()``, JSON, logs, form initials); ``.reveal()`` gives the plain value.
The database column holds ``pii1$<key id>$<ciphertext>`` (or "" for no value). Encrypted columns
cannot be filtered on (a random nonce makes equal values differ): search by the blind index
(:func:`~.crypto.blind_index`) instead.
"""

from __future__ import annotations

from django import forms
from django.core import validators
from django.core.exceptions import FieldError, ValidationError
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from . import crypto, masking

_EMAIL = validators.EmailValidator(message="请输入正确的电子邮箱地址。")


def validate(kind: str, plain: str) -> None:
    """Raise a Chinese :class:`ValidationError` if ``plain`` is not a valid value of ``kind``."""
    value = masking.normalise(kind, plain)
    if not value:
        return
    if kind == masking.PHONE:
        error = masking.phone_error(value)
    elif kind == masking.ID_NUMBER:
        error = masking.id_number_error(value)
    elif kind == masking.EMAIL:
        try:
            _EMAIL(value)
            error = None
        except ValidationError:
            error = "请输入正确的电子邮箱地址。"
    else:
        error = None
    if error:
        raise ValidationError(error, code=f"invalid_{kind}")


class _SealingDescriptor(DeferredAttribute):
    """Wraps whatever is assigned to the attribute into a :class:`SealedValue` (deferred
    loading works as for any field)."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = self.field.seal(value)


class EncryptedField(models.TextField):
    """Base of the encrypted fields. ``kind`` (name, phone, id_number, address, email) decides
    normalisation, validation, masking and the blind index."""

    personal_data = True
    descriptor_class = _SealingDescriptor

    def __init__(self, *args, kind: str, **kwargs):
        if kind not in masking.KINDS:
            raise ValueError(f"unknown personal data kind {kind!r}; use one of {masking.KINDS}")
        self.kind = kind
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)
        if self.max_length:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        return name, path, args, kwargs

    # -- reading and writing ----------------------------------------------------------------

    def seal(self, value):
        if value is None or isinstance(value, masking.SealedValue):
            return value
        value = str(value)
        return masking.SealedValue(self.kind, value) if value else ""

    def mask(self, value) -> str:
        """The masked form of ``value`` (helper for audit snapshots and listings)."""
        return masking.mask(self.kind, value)

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return masking.SealedValue(self.kind, crypto.decrypt(self.kind, value))

    def to_python(self, value):
        if value is None:
            return value
        return masking.normalise(self.kind, masking.reveal(value))

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        plain = masking.normalise(self.kind, masking.reveal(value))
        return crypto.encrypt(self.kind, plain) if plain else ""

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        validate(self.kind, masking.reveal(value))

    def value_to_string(self, obj):
        """Serialisation (dumpdata) writes the mask, never the plain value."""
        return self.mask(self.value_from_object(obj))

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"加密字段“{self.name}”不能直接查询（同一值每次加密结果不同），请使用其盲索引字段查找。"
        )

    def get_transform(self, name):
        raise FieldError(f"加密字段“{self.name}”不能直接查询，请使用其盲索引字段查找。")

    def formfield(self, **kwargs):
        defaults = {"form_class": forms.CharField, "widget": forms.TextInput, "max_length": self.max_length}
        defaults.update(kwargs)
        return super().formfield(**defaults)


class EncryptedCharField(EncryptedField):
    """A short encrypted value; ``max_length`` limits the plain value (the column is text)."""

    def __init__(self, *args, max_length: int = 255, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)


class EncryptedTextField(EncryptedField):
    def formfield(self, **kwargs):
        return super().formfield(**{"widget": forms.Textarea, **kwargs})


class BlindIndexField(models.CharField):
    """HMAC of the normalised value of the encrypted field ``source``, kept up to date on save.

    Not indexed by itself: the model declares a plain ``models.Index`` on it (``db_index`` on a
    text column makes PostgreSQL keep a second, LIKE-pattern index that equality lookups never use)."""

    personal_data = True

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 64), ("blank", True), ("default", ""), ("editable", False)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        return name, path, args, kwargs

    def source_field(self, model) -> EncryptedField:
        return model._meta.get_field(self.source)

    def pre_save(self, model_instance, add):
        source = self.source_field(type(model_instance))
        digest = crypto.blind_index(source.kind, getattr(model_instance, source.attname))
        setattr(model_instance, self.attname, digest)
        return digest

    def mask(self, value) -> str:
        return "********" if value else ""


def encrypted_fields(model) -> list[EncryptedField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]


def index_fields(model) -> dict[str, BlindIndexField]:
    """source field name → its blind index field."""
    return {f.source: f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)}
