"""Every state change of the interaction platform, as an action (see ``govsites.actions``)."""

from .base import InteractionError
from .channels import EditChannel, SetUpChannels
from .deadlines import EscalateMessage, RemindMessage
from .interviews import (
    AnswerQuestion,
    AskQuestion,
    CreateInterview,
    EditInterview,
    FinishInterview,
    ModerateQuestion,
    PublishTranscript,
    StartInterview,
)
from .knowledge import CreateEntry, EditEntry, PublishEntry, UnpublishEntry
from .messages import (
    AssignMessage,
    DecideReply,
    DraftReply,
    ForwardToSite,
    MarkPolicySuggestion,
    PublishMessage,
    ReviewAbove,
    ReviewMessage,
    Submission,
    SubmitMessage,
    TransferMessage,
    WithholdPublication,
)
from .surveys import AnswerSurvey, CloseSurvey, CreateSurvey, EditSurvey, OpenSurvey, PublishResults

__all__ = [
    "AnswerQuestion",
    "AnswerSurvey",
    "AskQuestion",
    "AssignMessage",
    "CloseSurvey",
    "CreateEntry",
    "CreateInterview",
    "CreateSurvey",
    "DecideReply",
    "DraftReply",
    "EditChannel",
    "EditEntry",
    "EditInterview",
    "EditSurvey",
    "EscalateMessage",
    "FinishInterview",
    "ForwardToSite",
    "InteractionError",
    "MarkPolicySuggestion",
    "ModerateQuestion",
    "OpenSurvey",
    "PublishEntry",
    "PublishMessage",
    "PublishResults",
    "PublishTranscript",
    "RemindMessage",
    "ReviewAbove",
    "ReviewMessage",
    "SetUpChannels",
    "StartInterview",
    "Submission",
    "SubmitMessage",
    "TransferMessage",
    "UnpublishEntry",
    "WithholdPublication",
]
