"""Item bodies for the front: Wagtail's stored rich text with its references resolved to files
that are published with the site.

Wagtail's own ``expand_db_html`` links documents to the admin's serve view and images to
renditions under MEDIA_URL — neither exists on a static front host. Here a document link
becomes ``files/<id>/<name>``, an image ``images/<rendition file>``, a page link the column's
published address; the referenced files become outputs of the page.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from django.utils.html import escape
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.rich_text.rewriters import EmbedRewriter, LinkRewriter, MultiRuleRewriter

from . import paths
from .context import Attachment

IMAGE_SPEC = "max-960x960"
IMAGE_CLASSES = {"left": "rich-image rich-image--left", "right": "rich-image rich-image--right"}


def _size_label(size: int | None) -> str:
    if not size:
        return ""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(size // 1024, 1)} KB"


@dataclass
class ExpandedBody:
    html: str
    attachments: tuple[Attachment, ...] = ()
    files: dict[str, object] = field(default_factory=dict)  # output path -> FieldFile to publish


class BodyExpander:
    def __init__(self, column_paths: dict[int, str], other_column_urls=None):
        self.column_paths = column_paths  # this site's column id -> index output path
        self.other_column_urls = other_column_urls or (lambda page_id: "")
        self._documents: dict[int, object] = {}
        self._images: dict[int, object] = {}

    def expand(self, body: str, page_path: str) -> ExpandedBody:
        if not body or ("linktype=" not in body and "<embed" not in body):
            return ExpandedBody(body or "")
        result = ExpandedBody("")
        attachments: list[Attachment] = []

        def document_link(attrs):
            document = self.document(attrs.get("id"))
            if document is None:
                return "<a>"
            name = os.path.basename(document.file.name)
            output = paths.document_file(document.pk, name)
            result.files[output] = document.file
            extension = name.rsplit(".", 1)[-1].upper() if "." in name else ""
            attachment = Attachment(document.title, output, _size_label(document.file_size), extension)
            if attachment not in attachments:
                attachments.append(attachment)
            return f'<a href="{escape(paths.relative(page_path, output))}">'

        def page_link(attrs):
            try:
                page_id = int(attrs.get("id", ""))
            except ValueError:
                return "<a>"
            here = self.column_paths.get(page_id)
            if here is not None:
                return f'<a href="{escape(paths.relative(page_path, here))}">'
            url = self.other_column_urls(page_id)
            return f'<a href="{escape(url)}">' if url else "<a>"

        def image_embed(attrs):
            image = self.image(attrs.get("id"))
            if image is None:
                return ""
            rendition = image.get_rendition(IMAGE_SPEC)
            if not rendition.file.storage.exists(rendition.file.name):
                # a cached rendition whose file is gone (media moved or cleaned): make it again
                rendition.delete()
                image.refresh_from_db()
                rendition = image.get_rendition(IMAGE_SPEC)
            output = paths.image_file(os.path.basename(rendition.file.name))
            result.files[output] = rendition.file
            css = IMAGE_CLASSES.get(attrs.get("format", ""), "rich-image")
            alt = attrs.get("alt") or getattr(image, "description", "") or image.title
            return (f'<img class="{css}" src="{escape(paths.relative(page_path, output))}" alt="{escape(alt)}" '
                    f'width="{rendition.width}" height="{rendition.height}">')

        rewrite = MultiRuleRewriter([
            LinkRewriter(rules={"document": document_link, "page": page_link}),
            EmbedRewriter(rules={"image": image_embed}),
        ])
        result.html = rewrite(body)
        result.attachments = tuple(attachments)
        return result

    def document(self, raw_id):
        return self._lookup(self._documents, get_document_model(), raw_id)

    def image(self, raw_id):
        return self._lookup(self._images, get_image_model(), raw_id)

    @staticmethod
    def _lookup(cache: dict, model, raw_id):
        """One query per referenced id per run; a malformed or dangling reference is None."""
        try:
            pk = int(raw_id)
        except (TypeError, ValueError):
            return None
        if pk not in cache:
            cache[pk] = model.objects.filter(pk=pk).first()
        return cache[pk]
