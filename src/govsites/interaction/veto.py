"""The national "poor interaction" veto, seen before an inspector sees it (INT-02, national.md §2).

A site fails the national check outright when, within the year before the check, a valid enquiry
(consultation, complaint, suggestion, leader mailbox — not interviews or surveys) sat unanswered
for more than three months. Per site, over the valid enquiries received within the past
``interaction.veto_window_months`` (12) calendar months:

- **veto**: still open and ``now > received_at + 3 months``, or answered with
  ``replied_at > received_at + 3 months`` (``interaction.veto_unanswered_months``);
- **at risk**: still open and crossing that line within the next 30 days.

"Months" are calendar months on Shanghai wall-clock time, the day of the month clamped to the
target month's length: received 2025-11-30 10:00 → the line is 2026-02-28 10:00; answering at
10:00 on that day is in time, a second later is not. Working days play no part in this rule.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Q

from govsites import clock
from govsites.policy import profiles

from .models import Message
from .models.channels import ENQUIRY_KINDS
from .models.messages import OPEN_STATUSES

RISK_DAYS = 30
#: the database pre-filter counts every month as 28 days (a calendar month is never shorter), so
#: it keeps a superset; the exact month arithmetic of :func:`classify` decides
_SHORTEST_MONTH_DAYS = 28

VETO = "veto"
AT_RISK = "at_risk"


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """``moment`` moved by whole calendar months in Shanghai time, clamping the day of the month."""
    local = clock.local(moment)
    index = local.year * 12 + (local.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    day = min(local.day, month_calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


def unanswered_months() -> int:
    return int(profiles.active().get("interaction.veto_unanswered_months"))


def window_months() -> int:
    return int(profiles.active().get("interaction.veto_window_months"))


def window_start(now: dt.datetime) -> dt.datetime:
    """The oldest receipt time still inside the window (inclusive)."""
    return add_months(now, -window_months())


def classify(received_at: dt.datetime, replied_at: dt.datetime | None, is_open: bool, now: dt.datetime,
             months: int | None = None, risk_days: int = RISK_DAYS) -> str | None:
    """VETO, AT_RISK or None for one valid enquiry received inside the window."""
    line = add_months(received_at, unanswered_months() if months is None else months)
    if is_open:
        if now > line:
            return VETO
        return AT_RISK if line <= now + dt.timedelta(days=risk_days) else None
    if replied_at is not None and replied_at > line:
        return VETO
    return None


@dataclass
class Case:
    message: Message
    verdict: str
    line: dt.datetime
    #: set by the view: whether the reader may open the message
    viewable: bool = False

    @property
    def is_open(self) -> bool:
        return self.message.is_open


@dataclass
class SiteVeto:
    site: object
    vetoes: list[Case] = field(default_factory=list)
    at_risk: list[Case] = field(default_factory=list)

    @property
    def vetoed(self) -> bool:
        return bool(self.vetoes)


def candidates(sites, now: dt.datetime):
    """Valid enquiries of ``sites`` in the window that may be (or become) a veto: a generous
    database pre-filter; :func:`classify` decides."""
    months = unanswered_months()
    shortest = dt.timedelta(days=_SHORTEST_MONTH_DAYS * months)
    may_cross_soon = now + dt.timedelta(days=RISK_DAYS) - shortest
    return (
        Message.objects.valid()
        .filter(site__in=sites, kind__in=ENQUIRY_KINDS, received_at__gte=window_start(now))
        .filter(Q(status__in=OPEN_STATUSES, received_at__lte=may_cross_soon)
                | Q(replied_at__gt=F("received_at") + shortest))
        .select_related("site__institution", "department", "channel")
        .order_by("received_at", "pk")
    )


def report(sites, now: dt.datetime | None = None) -> list[SiteVeto]:
    """Every site of ``sites`` (a queryset or list) with its veto and at-risk cases; one query for
    the messages. Vetoed sites first, then those at risk, then the rest in the given order."""
    now = now or clock.now()
    sites = list(sites)
    months = unanswered_months()
    by_site: dict[int, SiteVeto] = {site.pk: SiteVeto(site) for site in sites}
    found = defaultdict(list)
    for message in candidates([s.pk for s in sites], now):
        verdict = classify(message.received_at, message.replied_at, message.is_open, now, months)
        if verdict is not None:
            found[message.site_id].append(Case(message, verdict, add_months(message.received_at, months)))
    for site_id, cases in found.items():
        entry = by_site[site_id]
        entry.vetoes = [c for c in cases if c.verdict == VETO]
        entry.at_risk = [c for c in cases if c.verdict == AT_RISK]
    order = {site.pk: index for index, site in enumerate(sites)}
    return sorted(by_site.values(), key=lambda e: (not e.vetoed, not e.at_risk, order[e.site.pk]))
