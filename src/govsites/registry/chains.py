"""Approval chains: which offices decide an application, in which order (REG-08 and friends).

The shape of each chain is data in the policy profile (``registry.chains``); this module turns
it into concrete steps for one institution.
"""

from __future__ import annotations

from govsites.policy.profiles import active as active_profile

from .models import Institution, StepKind


def build_chain(kind: str, institution: Institution) -> list[tuple[str, Institution]]:
    """``[(step kind, deciding institution), ...]`` for an application of ``kind``."""
    spec = active_profile().get(f"registry.chains.{kind}")
    supervisors = institution.supervising_governments()
    root = supervisors[-1] if supervisors else institution
    steps: list[tuple[str, Institution]] = []
    for part in spec:
        if part == "institution_head":
            steps.append((StepKind.INSTITUTION_HEAD, institution))
        elif part == "each_supervisor":
            steps += [(StepKind.OFFICE, g) for g in supervisors if g.pk != root.pk]
        elif part == "top_office":
            steps.append((StepKind.OFFICE, root))
        elif part == "direct_supervisor":
            steps.append((StepKind.OFFICE, supervisors[0] if supervisors else institution))
        else:
            raise ValueError(f"Unknown chain step {part!r} in policy profile")
    deduped: list[tuple[str, Institution]] = []
    for step in steps:
        if not deduped or deduped[-1][0] != step[0] or deduped[-1][1].pk != step[1].pk:
            deduped.append(step)
    return deduped
