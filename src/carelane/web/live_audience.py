"""Who sees which live events of a workspace.

Supervisors and admins (who may see the queues) see every event of the workspace. An agent
sees what concerns the conversations they hold and themselves: a conversation given to
them, taken from them, moved or released from them, everything that happens to one they
hold meanwhile (a new post, a status change, a service-level warning or breach), their
presence, and a note mentioning them. The Marketing/PR team sees what happens to the
conversations of their lanes (`audience: marketing` in the lanes file), whoever holds them,
and what concerns their own agent; nothing of the other lanes.
"""

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from carelane.accounts.roles import Permission
from carelane.accounts.schemas import SignedIn
from carelane.conversations.lane_scope import LanesSeen
from carelane.domain.conversations import ACTIVE_STATUSES
from carelane.domain.events import EventType
from carelane.store.live_events import LiveEvent
from carelane.store.models import Agent, Conversation

_GIVEN = frozenset({EventType.CONVERSATION_ASSIGNED, EventType.CONVERSATION_TAKEN_OVER})
_LET_GO = frozenset({EventType.CONVERSATION_TRANSFERRED, EventType.CONVERSATION_RELEASED})
_ENDED = frozenset({"resolved", "closed"})
_SUPERVISORS_ONLY = frozenset({EventType.SUPERVISOR_ALERTED})
_ABOUT_THE_AGENT = frozenset({EventType.AGENT_STATE_CHANGED, EventType.AGENT_MENTIONED})
"""Told to the agent they name, whoever holds the conversation."""


def workspace_agent_ids(
    session: Session, *, workspace_id: int, agent_ids: Collection[int]
) -> list[int]:
    """Those of `agent_ids` that are agents of the workspace."""
    if not agent_ids:
        return []
    return list(
        session.scalars(
            select(Agent.id).where(Agent.workspace_id == workspace_id, Agent.id.in_(agent_ids))
        )
    )


def held_conversation_ids(
    session: Session, *, workspace_id: int, agent_ids: Collection[int]
) -> set[int]:
    """The active conversations of the workspace that `agent_ids` hold."""
    if not agent_ids:
        return set()
    return set(
        session.scalars(
            select(Conversation.id).where(
                Conversation.workspace_id == workspace_id,
                Conversation.assignee_id.in_(agent_ids),
                Conversation.status.in_([s.value for s in ACTIVE_STATUSES]),
            )
        )
    )


@dataclass
class Audience:
    """One stream's reader: whether they see everything, else their agents and the
    conversations those hold (kept up to date from the events themselves)."""

    sees_all: bool
    agent_ids: frozenset[int]
    held: set[int] = field(default_factory=set)
    lanes: LanesSeen = None
    """The lanes of a reader who sees only some (the Marketing/PR team), else None."""

    @classmethod
    def of(
        cls, session: Session, *, user: SignedIn, workspace_id: int, lanes: LanesSeen = None
    ) -> "Audience":
        if user.may(Permission.VIEW_QUEUES):
            return cls(sees_all=True, agent_ids=frozenset())
        mine = frozenset(
            workspace_agent_ids(session, workspace_id=workspace_id, agent_ids=user.agent_ids)
        )
        if lanes is not None:
            return cls(sees_all=False, agent_ids=mine, lanes=lanes)
        return cls(
            sees_all=False,
            agent_ids=mine,
            held=held_conversation_ids(session, workspace_id=workspace_id, agent_ids=mine),
        )

    @property
    def needs_lanes(self) -> bool:
        """Whether `admits` must be told the lane of an event's conversation."""
        return self.lanes is not None

    def admits(self, event: LiveEvent, lane: str | None = None) -> bool:
        """Whether the reader sees `event`; follows what they hold as events pass. A
        reader of some lanes only is told `lane`, the event's conversation's lane now."""
        if self.sees_all:
            return True
        if event.type in _SUPERVISORS_ONLY:
            return False
        if self.lanes is not None:
            in_lanes = lane is not None and lane.lower() in {name.lower() for name in self.lanes}
            if event.type in _ABOUT_THE_AGENT:
                return event.agent_id in self.agent_ids and (
                    event.conversation_id is None or in_lanes
                )
            return event.conversation_id is not None and in_lanes
        if event.type in _ABOUT_THE_AGENT:
            return event.agent_id in self.agent_ids
        return self._follows_held(event)

    def _follows_held(self, event: LiveEvent) -> bool:
        """Whether `event` concerns a conversation the reader holds (or is given)."""
        conversation = event.conversation_id
        was_held = conversation is not None and conversation in self.held
        if conversation is not None and event.type in _GIVEN:
            if event.agent_id in self.agent_ids:
                self.held.add(conversation)
                return True
            self.held.discard(conversation)
            return was_held
        if conversation is not None and (
            event.type in _LET_GO
            or (
                event.type == EventType.CONVERSATION_STATUS_CHANGED
                and event.data.get("to") in _ENDED
            )
        ):
            self.held.discard(conversation)
        return was_held
