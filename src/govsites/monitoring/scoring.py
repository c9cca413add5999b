"""A site's verdict in a census, per the national indicators (SUP-03, ``national.md`` §2.2–2.3).

First the single-veto items: any one fails the site (不合格) and scoring stops. Then the 100-point
deduction part: each rule deducts ``points`` per observation up to its ``cap`` (deductions within
one indicator never exceed its points); below ``pass_score`` the site fails. An item already
penalised under another rule is not penalised twice (a column counted as empty is not also
counted as stale). The bonus part is not computed: it needs facts no crawler sees.

The rules are data in the policy profile (``monitoring.scoring``): the veto thresholds are the
indicators' own; the point values of the deduction part were never published in full, so they
are settings, marked as such in the profile.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from govsites.policy import profiles

from .checks.catalogue import CHECKS
from .types import Observation


@dataclass
class Verdict:
    passed: bool
    vetoes: list[dict] = field(default_factory=list)
    score: Decimal | None = None
    deductions: list[dict] = field(default_factory=list)


def _evidence(observations: list[Observation], limit: int = 5) -> list[str]:
    return [f"{o.url} {o.target}".strip() + (f"：{o.evidence}" if o.evidence else "") for o in observations[:limit]]


def _matches(observation: Observation, rule: dict) -> bool:
    """``where``: detail values among those listed; ``at_least``: numeric detail values reached."""
    detail = observation.detail
    return (all(detail.get(key) in values for key, values in rule.get("where", {}).items())
            and all((detail.get(key) or 0) >= least for key, least in rule.get("at_least", {}).items()))


def judge(observations: list[Observation], rules: dict | None = None) -> Verdict:
    rules = rules if rules is not None else profiles.active().get("monitoring.scoring")
    by_check: dict[str, list[Observation]] = {}
    for obs in observations:
        by_check.setdefault(obs.check, []).append(obs)

    vetoes = []
    for rule in rules["veto"]:
        found = [o for o in by_check.get(rule["check"], []) if _matches(o, rule)]
        if len(found) >= int(rule.get("min_count", 1)):
            vetoes.append({"check": rule["check"], "label": rule.get("label") or CHECKS[rule["check"]].label,
                           "count": len(found), "evidence": _evidence(found)})
    if vetoes:
        return Verdict(passed=False, vetoes=vetoes)

    penalised: Counter = Counter()
    deductions, total = [], Decimal(0)
    for rule in rules["deduction"]:
        found = []
        for obs in by_check.get(rule["check"], []):
            if obs.target and obs.target in penalised and rule.get("once_per_target", True):
                continue
            found.append(obs)
        if not found:
            continue
        points = min(Decimal(str(rule["points"])) * len(found), Decimal(str(rule["cap"])))
        total += points
        penalised.update(o.target for o in found if o.target)
        deductions.append({"check": rule["check"], "label": CHECKS[rule["check"]].label, "count": len(found),
                           "points": float(points), "evidence": _evidence(found)})
    score = max(Decimal(100) - total, Decimal(0)).quantize(Decimal("0.01"))
    return Verdict(passed=score >= Decimal(str(rules["pass_score"])), score=score, deductions=deductions)
