"""Content models: site structure (pages), the estate library (snippets), memberships."""

from .counters import IndexCounter
from .library import InterpretationLink, Item, ItemKind, Placement, RepostDuty, ResponseKind, Validity
from .membership import ColumnResponsibility, SiteMembership, SiteRole, SiteWorkflow
from .review import ConfidentialityReviewTask, ContentReviewTask
from .structure import ColumnPage, SiteHomePage

__all__ = [
    "ColumnPage",
    "ColumnResponsibility",
    "ConfidentialityReviewTask",
    "ContentReviewTask",
    "IndexCounter",
    "InterpretationLink",
    "Item",
    "ItemKind",
    "Placement",
    "RepostDuty",
    "ResponseKind",
    "SiteHomePage",
    "SiteMembership",
    "SiteRole",
    "SiteWorkflow",
    "Validity",
]
