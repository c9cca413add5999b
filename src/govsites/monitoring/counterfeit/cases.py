"""From suspects to cases (SEC-07): a ``counterfeit`` verdict opens a counterfeit-site case for the
imitated site (``security.RecordCounterfeitCase``, found via monitoring) in the name of the security
officer who runs the scan; a domain with an open case is not opened twice; ``suspicious`` ones are
left for a person to judge (they are in the scan's report)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from govsites import clock
from govsites.registry.models import Site
from govsites.security.actions import RecordCounterfeitCase
from govsites.security.models import CounterfeitCase, FoundVia

from .scan import Suspect


@dataclass
class Opened:
    cases: list[CounterfeitCase] = field(default_factory=list)
    already_open: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (domain, why)


def open_cases(actor, suspects: list[Suspect], sites_by_host: dict[str, Site]) -> Opened:
    out = Opened()
    today = clock.local(clock.now()).date()
    for suspect in suspects:
        if suspect.verdict != "counterfeit":
            continue
        site = sites_by_host.get(suspect.site)
        if site is None:
            out.refused.append((suspect.domain, "未能确定被假冒的网站"))
            continue
        if CounterfeitCase.objects.open().filter(domain=suspect.domain).exists():
            out.already_open.append(suspect.domain)
            continue
        try:
            case = RecordCounterfeitCase(actor, site, domain=suspect.domain, found_via=FoundVia.MONITORING,
                                         found_on=today, name=suspect.title[:200], evidence_url=suspect.url[:500],
                                         evidence_notes=suspect.notes()).execute()
        except ValidationError as exc:
            out.refused.append((suspect.domain, "；".join(exc.messages)))
            continue
        out.cases.append(case)
    return out
