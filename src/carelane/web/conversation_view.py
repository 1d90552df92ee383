"""What the conversation page shows: the thread, the author and customer cards with their
history on every channel, the triage with its explanation and corrections, the open
hand-off reminder, and the choices its actions offer (lanes, teams, agents)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from carelane.conversations.handoff import get_hand_off_reminder
from carelane.conversations.lane_scope import LanesSeen
from carelane.conversations.schemas import (
    ConversationDetail,
    ConversationOut,
    HandOffReminder,
)
from carelane.conversations.service import get_conversation
from carelane.customers.schemas import CustomerDetail
from carelane.customers.service import get_author, get_customer
from carelane.domain.channels import Direction
from carelane.domain.triage import Intent, Sentiment
from carelane.posts.corrections import get_post_triage
from carelane.posts.schemas import TriageDetail
from carelane.posts.service import get_post
from carelane.posts.triage_schemas import TriageCorrectionOut
from carelane.replies.reads import get_conversation_replies
from carelane.replies.schemas import ReplyOut
from carelane.store.models import Conversation
from carelane.workspaces.schemas import LanesSummary, RoutingOut
from carelane.workspaces.service import get_triage_configuration
from carelane.workspaces.teams import get_routing

HISTORY_SHOWN = 8
_REACH = ((100_000, "high-profile"), (10_000, "influencer"), (1_000, "local voice"))


def influence_label(followers: int | None, *, verified: bool) -> str:
    """How far an author's voice carries, in a word or two. Pure."""
    if followers is None:
        label = "reach unknown"
    else:
        label = next((name for floor, name in _REACH if followers >= floor), "everyday customer")
    return f"{label}, verified" if verified else label


@dataclass(frozen=True, slots=True)
class ConversationView:
    conversation: ConversationDetail
    influence: str
    customer: CustomerDetail | None
    history: list[ConversationOut]
    """The customer's (or author's) other conversations, on every channel, latest first."""
    triage_post_id: int | None
    triage: TriageDetail | None
    corrections: list[TriageCorrectionOut]
    reminder: HandOffReminder | None
    lanes: LanesSummary
    routing: RoutingOut
    intents: list[str]
    sentiments: list[str]
    replies: list[ReplyOut]
    tier: int
    response_due_at: datetime | None
    response_warning_at: datetime | None
    resolution_due_at: datetime | None

    @property
    def category_names(self) -> list[str]:
        """Every category of the workspace's lanes, for correcting one."""
        return sorted({name for lane in self.lanes.lanes for name in lane.categories})

    @property
    def mention_handles(self) -> list[str]:
        """How notes mention each agent of the roster: `@first.last`."""
        return sorted(".".join(agent.name.lower().split()) for agent in self.routing.agents)

    def agent_name(self, agent_id: int | None) -> str | None:
        if agent_id is None:
            return None
        return next((a.name for a in self.routing.agents if a.id == agent_id), f"agent {agent_id}")


def get_conversation_view(
    *,
    session: Session,
    workspace: str,
    workspace_id: int,
    conversation_id: int,
    lanes_seen: LanesSeen = None,
) -> ConversationView:
    """Everything the conversation page shows, the customer's history in `lanes_seen`
    (None: every lane); NotFoundError when the conversation is not one of the
    workspace's."""
    conversation = get_conversation(
        session=session, workspace=workspace, conversation_id=conversation_id
    )
    customer = (
        get_customer(
            session=session,
            workspace=workspace,
            customer_id=conversation.customer.id,
            lanes_seen=lanes_seen,
        )
        if conversation.customer is not None
        else None
    )
    others = (
        customer.conversations
        if customer is not None
        else get_author(
            session=session,
            workspace=workspace,
            author_id=conversation.author.id,
            lanes_seen=lanes_seen,
        ).conversations
    )
    history = [c for c in others if c.id != conversation_id][:HISTORY_SHOWN]
    latest_inbound = next(
        (
            entry
            for entry in reversed(conversation.timeline)
            if entry.direction is Direction.INBOUND and entry.triage is not None
        ),
        None,
    )
    triage = None
    corrections: list[TriageCorrectionOut] = []
    triage_post_id = latest_inbound.post_id if latest_inbound is not None else None
    if triage_post_id is not None:
        triage = get_post(
            session=session, workspace=workspace, post_id=triage_post_id
        ).triage_detail
        corrections = get_post_triage(
            session=session, workspace=workspace, post_id=triage_post_id
        ).corrections
    profile = conversation.author_profile
    clocks = session.get(Conversation, conversation_id)
    assert clocks is not None  # read just above
    return ConversationView(
        conversation=conversation,
        influence=influence_label(profile.followers, verified=profile.verified),
        customer=customer,
        history=history,
        triage_post_id=triage_post_id,
        triage=triage,
        corrections=corrections,
        reminder=get_hand_off_reminder(
            session=session, workspace_id=workspace_id, conversation_id=conversation_id
        ),
        lanes=get_triage_configuration(session=session, slug=workspace).lanes,
        routing=get_routing(session=session, slug=workspace),
        intents=[i.value for i in Intent],
        sentiments=[s.value for s in Sentiment],
        replies=get_conversation_replies(
            session=session, workspace_id=workspace_id, conversation_id=conversation_id
        ).items,
        tier=clocks.tier,
        response_due_at=clocks.next_response_due_at or clocks.first_response_due_at,
        response_warning_at=clocks.next_response_warning_at or clocks.first_response_warning_at,
        resolution_due_at=clocks.resolution_due_at,
    )
