"""Content state changes, one class per change; the admin, the API and the CLI all use them.

``action.execute()`` checks permission (:class:`NotAllowed`), then changes, audits and commits
together; rule breaches raise :class:`RuleViolation`, lost races :class:`ConflictError`.
"""

from govsites.actions import NotAllowed
from govsites.registry.errors import ConflictError, RuleViolation

from .base import ACTION_LABELS, ContentAction
from .items import (
    ArchiveColumn,
    ArchiveItem,
    CreateItem,
    DecideReview,
    EditItem,
    LockItem,
    RevertItem,
    SubmitItem,
    UnlockItem,
    UnpublishItem,
)

__all__ = [
    "ACTION_LABELS",
    "ArchiveColumn",
    "ArchiveItem",
    "ConflictError",
    "ContentAction",
    "CreateItem",
    "DecideReview",
    "EditItem",
    "LockItem",
    "NotAllowed",
    "RevertItem",
    "RuleViolation",
    "SubmitItem",
    "UnlockItem",
    "UnpublishItem",
]
