"""Interaction data, one module per kind of exchange."""

from .abuse import RateCounter, UsedToken
from .channels import Channel, ChannelKind, HandlerAssignment, HandlerRole
from .interviews import Interview, InterviewGuest, InterviewQuestion, InterviewStatus, QuestionStatus
from .knowledge import KnowledgeEntry
from .messages import EventKind, Message, MessageEvent, MessageKind, MessageStatus, Reply, ReplyStatus
from .surveys import Survey, SurveyQuestion, SurveyResponse, SurveyStatus

__all__ = [
    "Channel", "ChannelKind", "EventKind", "HandlerAssignment", "HandlerRole", "Interview", "InterviewGuest",
    "InterviewQuestion", "InterviewStatus", "KnowledgeEntry", "Message", "MessageEvent", "MessageKind",
    "MessageStatus", "QuestionStatus", "RateCounter", "Reply", "ReplyStatus", "Survey", "SurveyQuestion",
    "SurveyResponse", "SurveyStatus", "UsedToken",
]
