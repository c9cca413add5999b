"""无障碍 basics (GB/T 37668 level 1, the automatable part): language, title, alt text, labels.

One observation per page and kind (``url`` = the page, ``target`` = ""), with a count in
``detail`` (not one per image):

- ``a11y_lang``: the ``<html>`` element declares no language;
- ``a11y_title``: no ``<title>`` or a blank one;
- ``a11y_alt``: ``<img>`` (and ``<input type=image>``, ``<area href>``)
  without an ``alt`` attribute — ``alt=""`` marks a decorative image and is fine;
- ``a11y_label``: form controls (``input`` other than hidden/submit/
  button/reset/image, ``select``, ``textarea``) without a name for assistive technology: a
  ``<label for=id>``, a wrapping ``<label>``, ``aria-label``, ``aria-labelledby`` or ``title``.
  A ``placeholder`` is not a label unless ``monitoring.accessibility.placeholder_is_label``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from ..types import Observation, Page, SiteFacts
from ._html import Html
from ._site import SiteView, setting

_UNLABELLED_INPUT_TYPES = frozenset({"hidden", "submit", "button", "reset", "image"})


@dataclass(frozen=True)
class Thresholds:
    placeholder_is_label: bool = False


def thresholds() -> Thresholds:
    """From the profile key ``monitoring.accessibility.placeholder_is_label``."""
    return Thresholds(bool(setting("accessibility")["placeholder_is_label"]))


def check_accessibility(
    site: SiteFacts, pages: Sequence[Page], *, limits: Thresholds | None = None
) -> list[Observation]:
    limits = limits or thresholds()
    found: list[Observation] = []
    for doc in SiteView(site, pages).docs:
        html = doc.html
        if not html.lang:
            found.append(Observation("a11y_lang", doc.url, "", "页面未声明 lang 属性", {"count": 1}))
        if not html.title:
            found.append(Observation("a11y_title", doc.url, "", "页面标题为空", {"count": 1}))
        images = missing_alt(html)
        if images:
            found.append(Observation("a11y_alt", doc.url, "", f"{len(images)}张图片缺少替代文本",
                                     {"count": len(images), "examples": images[:5]}))
        controls = unlabelled_controls(html, limits)
        if controls:
            found.append(Observation("a11y_label", doc.url, "", f"{len(controls)}个表单控件缺少标签",
                                     {"count": len(controls), "examples": controls[:5]}))
    return found


def missing_alt(html: Html) -> list[str]:
    """The sources of images without an ``alt`` attribute."""
    nodes = html.tree.css('img, input[type="image" i], area[href]')
    return [_describe(n, "src") for n in nodes if "alt" not in n.attributes]


def unlabelled_controls(html: Html, limits: Thresholds) -> list[str]:
    """Form controls that assistive technology could not name."""
    labelled_ids = {(n.attributes.get("for") or "").strip() for n in html.tree.css("label[for]")}
    found = []
    for node in html.tree.css("input, select, textarea"):
        attrs = node.attributes
        if node.tag == "input" and (attrs.get("type") or "text").strip().lower() in _UNLABELLED_INPUT_TYPES:
            continue
        if _named(node, labelled_ids, limits):
            continue
        found.append(_describe(node, "name"))
    return found


def _named(node: LexborNode, labelled_ids: set[str], limits: Thresholds) -> bool:
    attrs = node.attributes
    if any((attrs.get(a) or "").strip() for a in ("aria-label", "aria-labelledby", "title")):
        return True
    if limits.placeholder_is_label and (attrs.get("placeholder") or "").strip():
        return True
    if (attrs.get("id") or "").strip() in labelled_ids - {""}:
        return True
    parent = node.parent
    while parent is not None and parent.tag not in ("body", "html", "form"):
        if parent.tag == "label":
            return True
        parent = parent.parent
    return False


def _describe(node: LexborNode, attribute: str) -> str:
    return f"<{node.tag} {attribute}={(node.attributes.get(attribute) or '')[:120]!r}>"
