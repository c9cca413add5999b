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
    CancelScheduledPublish,
    CreateItem,
    DecideReview,
    EditItem,
    LockItem,
    PublishItem,
    RevertItem,
    SubmitItem,
    UnlockItem,
    UnpublishItem,
)
from .reposting import RepostItem

__all__ = [
    "ACTION_LABELS",
    "ArchiveColumn",
    "ArchiveItem",
    "CancelScheduledPublish",
    "ConflictError",
    "ContentAction",
    "CreateItem",
    "DecideReview",
    "EditItem",
    "LockItem",
    "NotAllowed",
    "PublishItem",
    "RepostItem",
    "RevertItem",
    "RuleViolation",
    "SubmitItem",
    "UnlockItem",
    "UnpublishItem",
]
