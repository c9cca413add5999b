"""Rich text that reaches the library is cleaned to Wagtail's stored format, whatever door it came in.

Draftail (the admin editor) only ever produces Wagtail's database HTML, but the JSON API and
imports hand us raw HTML: a ``<script>``, an ``onerror=`` or a ``javascript:`` link must never be
stored, because the publisher renders this HTML on public government sites. Sanitising is done
by nh3 (the maintained binding of the Rust ``ammonia`` sanitiser) with an allow-list that is
exactly the rich-text features items use (``models.library.RICH_TEXT_FEATURES``) in Wagtail's
stored form: ``<a linktype="document" id="…">`` and ``<embed embedtype="image" …/>``.
"""

from __future__ import annotations

import nh3
from django.core.exceptions import ValidationError

#: The largest body we store (characters of HTML): a long policy document is ~200,000.
BODY_MAX_CHARS = 1_000_000

TAGS = {"p", "br", "h2", "h3", "b", "strong", "i", "em", "ol", "ul", "li", "a", "hr", "embed"}
ATTRIBUTES = {
    "a": {"href", "linktype", "id"},
    "embed": {"embedtype", "id", "format", "alt"},
}
# Content of these is dropped with the tag (the rest keep their text when their tag goes).
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "template", "noscript", "svg", "math"}


def clean_body(html: str, field: str = "body") -> str:
    """The stored form of ``html``; raises a field error for a body beyond any real document."""
    html = html or ""
    if len(html) > BODY_MAX_CHARS:
        raise ValidationError({field: [ValidationError(
            f"正文过长（{len(html):,}个字符），不能超过{BODY_MAX_CHARS:,}个字符，请拆分或以附件形式上传。",
            code="max_length",
        )]})
    if "\x00" in html:
        html = html.replace("\x00", "")
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    ).strip()
