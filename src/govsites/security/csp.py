"""Wagtail's chooser widgets without inline ``<script>`` (the admin CSP has ``script-src 'self'``).

Wagtail 8's ``BaseChooser.render`` (page, image, document, snippet and task choosers) appends
``<script>new PageChooser("id", {...});</script>`` to the widget's HTML; the browser refuses it and
the chooser button stays dead. :func:`install` replaces that one method: the same call is written
as data — ``<template data-gs-init="new:PageChooser" data-gs-args='["id", {...}]'>`` — and
``static/govsites/csp-init.js`` (loaded on every admin page) makes it, on page load and whenever
Wagtail inserts HTML later. A chooser subclass with its own ``render_js_init`` that we do not know
keeps Wagtail's inline script, so it shows up as a CSP violation in tests/e2e/test_csp.py instead
of silently losing its set-up.

Installed from :mod:`govsites.security.headers`, which every process serving the admin imports
when it builds its middleware chain (before the first request is rendered).
"""

from __future__ import annotations

import json
import re

from django.utils.html import format_html

_CONSTRUCTOR = re.compile(r"^[A-Za-z]*Chooser$")
_installed = False


def init_call(widget, id_, name, value_data) -> tuple[str, list] | None:
    """``(call, args)`` for csp-init.js, or ``None`` when the widget's set-up is not one we know."""
    from wagtail.admin.widgets.chooser import BaseChooser
    from wagtail.admin.widgets.workflows import AdminTaskChooser

    own = type(widget).render_js_init
    if own is BaseChooser.render_js_init and _CONSTRUCTOR.match(widget.js_constructor or ""):
        return f"new:{widget.js_constructor}", [id_, widget.get_js_init_options(id_, name, value_data)]
    if own is AdminTaskChooser.render_js_init:
        return "createTaskChooser", [id_]
    return None


def install() -> None:
    global _installed
    if _installed:
        return
    from wagtail.admin.widgets.chooser import BaseChooser

    original = BaseChooser.render

    def render(self, name, value, attrs=None, renderer=None):
        try:
            id_ = attrs["id"]
        except (KeyError, TypeError):
            return original(self, name, value, attrs, renderer)  # Wagtail raises its own error
        value_data = self.get_value_data(value)
        call = init_call(self, id_, name, value_data)
        if call is None:
            return original(self, name, value, attrs, renderer)
        return format_html(
            '{}<template data-gs-init="{}" data-gs-args="{}"></template>',
            self.render_html(name, value_data, attrs), call[0], json.dumps(call[1]),
        )

    render.__doc__ = "BaseChooser.render without an inline script (govsites.security.csp)."
    BaseChooser.render = render
    _installed = True
