"""Every table, importable from one place (Alembic and the services use this)."""

from carelane.store.models.accounts import (
    ApiToken,
    SignInAttempt,
    UserAccount,
    UserSession,
    WorkspaceMember,
)
from carelane.store.models.base import Base
from carelane.store.models.conversations import Conversation, Message
from carelane.store.models.events import Event
from carelane.store.models.people import (
    Agent,
    Author,
    Customer,
    Identity,
    Team,
    TeamLane,
    TeamMember,
)
from carelane.store.models.posts import Post
from carelane.store.models.quality import AgentCertification, QualityReview, QualitySettings
from carelane.store.models.replies import CannedResponse, OutboxEntry, Reply
from carelane.store.models.service_levels import SlaAlarm
from carelane.store.models.triage import PostTriage, TriageCorrection
from carelane.store.models.workspaces import Channel, Workspace

__all__ = [
    "Agent",
    "AgentCertification",
    "ApiToken",
    "Author",
    "Base",
    "CannedResponse",
    "Channel",
    "Conversation",
    "Customer",
    "Event",
    "Identity",
    "Message",
    "OutboxEntry",
    "Post",
    "PostTriage",
    "QualityReview",
    "QualitySettings",
    "Reply",
    "SignInAttempt",
    "SlaAlarm",
    "Team",
    "TeamLane",
    "TeamMember",
    "TriageCorrection",
    "UserAccount",
    "UserSession",
    "Workspace",
    "WorkspaceMember",
]
