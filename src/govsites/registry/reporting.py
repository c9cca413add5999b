"""Reporting up to the national system (全国政府网站信息报送系统).

That system is outside the machine, so it sits behind :class:`NationalReporter`. The local
implementation keeps every report in :class:`~govsites.registry.models.NationalReport`, which
is also what a real adapter does before sending (so nothing reported is ever lost).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from .models import NationalReport, Site


class NationalReporter:
    def report(self, kind: str, site: Site, payload: dict) -> NationalReport:
        raise NotImplementedError


class LocalNationalReporter(NationalReporter):
    def report(self, kind: str, site: Site, payload: dict) -> NationalReport:
        return NationalReport.objects.create(kind=kind, site=site, payload=payload)


def reporter() -> NationalReporter:
    return import_string(settings.GOVSITES_NATIONAL_REPORTER)()
