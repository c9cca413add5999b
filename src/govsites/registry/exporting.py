"""Export of the registry in the import format, so a file exported here imports into an empty platform.

Only what the user may see is exported, and only sites that exist (the statuses an import may
record); proposals still under approval live with their applications, not in the estate list.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from govsites import clock
from govsites.audit.context import Actor
from govsites.audit.exports import audited_export

from . import permissions
from .actions import RegisterSite
from .sheets import INSTITUTIONS, SITES, workbook_bytes
from .validation import estate_root


def export_registry(actor: Actor) -> bytes:
    """The visible institutions and sites as an .xlsx; the export itself is audited."""
    user = actor.user
    institutions = list(permissions.visible_institutions(user).select_related("parent").order_by("path"))
    sites = list(
        permissions.visible_sites(user)
        .filter(status__in=RegisterSite.ALLOWED)
        .select_related("institution")
        .order_by("institution__path", "pk")
    )
    content = workbook_bytes({
        INSTITUTIONS: (INSTITUTIONS.export_row(i) for i in institutions),
        SITES: (SITES.export_row(s) for s in sites),
    })
    subject = estate_root() or actor.authenticated_user
    if subject is not None:
        audited_export(actor, subject, "registry.export", reason=_("导出登记数据"), fmt="xlsx",
                       rows=len(institutions) + len(sites),
                       data={"institutions": len(institutions), "sites": len(sites)})
    return content


def template_bytes() -> bytes:
    """A blank file to fill in: the headers, one example row per sheet and the instructions."""
    return workbook_bytes({sheet: [sheet.example_row()] for sheet in (INSTITUTIONS, SITES)}, notes=True)


def export_filename(prefix: str = "政府网站登记数据") -> str:
    return f"{prefix}-{clock.local(clock.now()):%Y%m%d-%H%M}.xlsx"
