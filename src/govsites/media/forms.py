"""The base forms Wagtail builds its image and document forms on (``WAGTAILIMAGES_IMAGE_FORM_BASE``,
``WAGTAILDOCS_DOCUMENT_FORM_BASE``): every admin path that creates or changes one — the add and
edit views, the multiple uploader, the chooser's upload tab — validates through them.

They add: required alt text, the upload checks of :mod:`govsites.media.validators`, the
re-encoding of every new image (only its pixels are stored), Chinese messages for Wagtail's own
file errors, and a collection that belongs to a site.
"""

from __future__ import annotations

import os

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm
from wagtail.images.utils import get_allowed_image_extensions

from .models import DocumentKind
from .site_collections import site_id_for_collection
from .validators import (
    document_extensions,
    document_max_size,
    reencode_image_upload,
    validate_document_upload,
    validate_image_upload,
)


class SiteCollectionFormMixin:
    """The collection field is labelled for what it is here (the owning site's library), and must
    be one: Wagtail's root collection (offered to system administrators) belongs to no site."""

    def _setup_collection_field(self):
        if "collection" in self.fields:
            self.fields["collection"].label = _("所属网站")

    def effective_collection(self):
        if "collection" in self.fields:
            return self.cleaned_data.get("collection")
        # Wagtail hides the field when the user has one collection; it is the one saved.
        return self.collections[0] if len(self.collections) else None

    def clean(self):
        cleaned = super().clean()
        collection = self.effective_collection()
        if collection is not None:
            site_id = site_id_for_collection(collection.pk)
            if site_id is None:
                self.add_error(
                    "collection" if "collection" in self.fields else None,
                    ValidationError(_("请选择所属网站的媒体库：每个图片和文件都必须属于一个网站。"), code="no_site"),
                )
            else:
                self.instance.site_id = site_id
                self.instance._site_resolved_for = collection.pk
        return cleaned


class SafeImageField(WagtailImageField):
    """Wagtail's image field, but a file whose header names a format and whose body then fails to
    decode (a GIF header followed by a script, a truncated PNG) is an invalid image, not a server
    error: Wagtail 8.0 lets Pillow's ``UnidentifiedImageError`` escape from the pixel-size check."""

    def to_python(self, data):
        try:
            return super().to_python(data)
        except ValidationError:
            raise
        except Exception as exc:  # whatever the decoder raised: the bytes are not an image
            raise ValidationError(self.error_messages["invalid_image"], code="invalid_image") from exc


def _is_new_upload(value) -> bool:
    return isinstance(value, UploadedFile)


class SiteImageForm(SiteCollectionFormMixin, BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_collection_field()
        if "description" in self.fields:
            field = self.fields["description"]
            field.required = True
            field.error_messages["required"] = _(
                "请填写替代文本：用一句话说明图片内容（供视障用户读屏使用），未填写的图片不能保存。"
            )
        if "file" in self.fields:
            old = self.fields["file"]
            self.fields["file"] = SafeImageField(
                label=old.label, required=old.required, widget=old.widget, initial=old.initial,
            )
            self._chinese_file_errors(self.fields["file"])

    @staticmethod
    def _chinese_file_errors(field) -> None:
        formats = "、".join(e.upper() for e in get_allowed_image_extensions())
        field.error_messages.update({
            "invalid_image_extension": _(
                "不支持此图片格式，只能上传%(formats)s图片。SVG等可能含有脚本的格式不能上传。"
            ) % {"formats": formats},
            "invalid_image_known_format": _(
                "图片内容与扩展名“.%(extension)s”不符（实际是%(image_format)s格式），请使用正确的扩展名或重新导出后上传。"
            ),
            "invalid_image": _("无法识别的图片文件（文件已损坏或不是图片），请重新导出为JPG或PNG后上传。"),
            "file_too_large": _("图片过大（%(file_size)s），不能超过%(max_filesize)s。"),
            "file_too_many_pixels": _("图片像素过多（%(num_pixels)s），不能超过%(max_pixels_count)s像素。"),
            "file_too_large_unknown_size": _("图片过大，不能超过%(max_filesize)s。")
            % {"max_filesize": field.max_upload_size_text},
            "required": _("请选择要上传的图片。"),
        })
        field.help_text = _("支持%(formats)s格式，最大%(size)s。") % {
            "formats": formats, "size": field.max_upload_size_text,
        }

    def clean_file(self):
        value = self.cleaned_data.get("file")
        if _is_new_upload(value):
            validate_image_upload(value)
            reencode_image_upload(value)  # pixels only from here on (validators.reencode_image_bytes)
        return value

    def clean_description(self):
        text = (self.cleaned_data.get("description") or "").strip()
        if not text:
            raise ValidationError(self.fields["description"].error_messages["required"], code="required")
        upload = self.cleaned_data.get("file") or getattr(self.instance, "file", None)
        name = getattr(upload, "name", "") or ""
        if name and text.lower() in {os.path.basename(name).lower(), os.path.splitext(os.path.basename(name))[0].lower()}:
            raise ValidationError(_("替代文本不能是文件名，请用一句话说明图片内容。"), code="filename_as_alt")
        return text


class SiteDocumentForm(SiteCollectionFormMixin, BaseDocumentForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_collection_field()
        if "file" in self.fields:
            field = self.fields["file"]
            field.error_messages["required"] = _("请选择要上传的文件。")
            field.help_text = _("允许的文件类型：%(types)s；最大%(size)s。") % {
                "types": "、".join(document_extensions()), "size": filesizeformat(document_max_size()),
            }
            # Wagtail's own size check (WAGTAILDOCS_MAX_UPLOAD_SIZE) speaks English; ours runs in clean_file.
            field.max_upload_size = None
            field.widget.attrs["accept"] = ",".join(f".{e}" for e in document_extensions())
        if "kind" in self.fields:
            # The multiple uploader posts only the file and the title: the kind has its default.
            self.fields["kind"].required = False

    def clean_kind(self):
        return self.cleaned_data.get("kind") or DocumentKind.ATTACHMENT

    def clean_file(self):
        value = self.cleaned_data.get("file")
        if _is_new_upload(value):
            validate_document_upload(value)
        return value
