"""Every state change of the registry, one class each (see :mod:`.base`)."""

from .applications import (
    ApplyForPermanentOffline,
    ApplyForSpecialTopic,
    ApplyForTemporaryOffline,
    ApplyToOpenSite,
    DecideStep,
    FileChange,
    ReportOutage,
    WithdrawApplication,
)
from .base import Action
from .lifecycle import (
    ApplyDueTransitions,
    ArchivePages,
    CloseSite,
    CompleteChecklistItem,
    CompleteMigration,
    LaunchSite,
    PublishMigrationNotice,
    ResumeSite,
)
from .onboarding import CreateInstitution, RegisterSite

__all__ = [
    "Action",
    "ApplyDueTransitions",
    "ApplyForPermanentOffline",
    "ApplyForSpecialTopic",
    "ApplyForTemporaryOffline",
    "ApplyToOpenSite",
    "ArchivePages",
    "CloseSite",
    "CompleteChecklistItem",
    "CompleteMigration",
    "CreateInstitution",
    "DecideStep",
    "FileChange",
    "LaunchSite",
    "PublishMigrationNotice",
    "RegisterSite",
    "ReportOutage",
    "ResumeSite",
    "WithdrawApplication",
]
