"""What the monitor stores: censuses and their per-site results, findings with their timelines,
availability probes and violations (SUP-01/03/07, SEC-04)."""

from .census import Census, CensusKind, CensusStatus, SiteResult, SiteResultStatus
from .findings import Finding, FindingEvent, FindingEventKind, FindingStatus, finding_key
from .probes import Probe
from .violations import Violation, ViolationKind

__all__ = [
    "Census", "CensusKind", "CensusStatus", "Finding", "FindingEvent", "FindingEventKind", "FindingStatus",
    "Probe", "SiteResult", "SiteResultStatus", "Violation", "ViolationKind", "finding_key",
]
