"""Internal notes on a conversation's timeline, never shown to the customer, with
@mentions of the workspace's agents: each mentioned agent gets an `agent.mentioned`
event (their notifications read it); an @mention that names nobody, or more than one
agent, refuses the note and says so."""

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from carelane.conversations.lane_scope import LanesSeen, lane_among
from carelane.domain.conversations import MessageKind
from carelane.domain.errors import FieldError, InvalidInputError, NotFoundError
from carelane.domain.events import EventType
from carelane.replies.conversation_facts import acting_agent, conversation_facts
from carelane.replies.mentions import MentionableAgent, find_mentions
from carelane.replies.schemas import MentionList, MentionNotice, MentionOut, NoteOut
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.models import Agent, Conversation, Event, Message, UserAccount

MAX_NOTE_CHARS = 5000
EXCERPT_CHARS = 140


def do_add_note(
    *,
    session: Session,
    workspace_id: int,
    conversation_id: int,
    text: str,
    now: datetime,
    agent_id: int | None = None,
    own_agent_ids: Collection[int] = frozenset(),
    may_act_for_others: bool = False,
    user_id: int | None = None,
) -> NoteOut:
    """Add an internal note to the conversation, by `agent_id` (by default the user's
    own agent here, if they have one), mentioning agents by `@handle`.

    NotFoundError for a conversation or agent of another workspace; InvalidInputError
    for an empty or over-long note or an @mention that names no agent (or several)."""
    if not text.strip():
        raise InvalidInputError([FieldError("text", "write something: the note is empty")])
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidInputError(
            [FieldError("text", f"at most {MAX_NOTE_CHARS:,} characters, not {len(text):,}")]
        )
    with unit_of_work(session):
        facts = conversation_facts(
            session, workspace_id=workspace_id, conversation_id=conversation_id
        )
        author = acting_agent(
            session,
            workspace_id=workspace_id,
            requested=agent_id,
            own_agent_ids=own_agent_ids,
            may_act_for_others=may_act_for_others,
            required=False,
        )
        agents = session.scalars(
            select(Agent).where(Agent.workspace_id == workspace_id, Agent.on_roster.is_(True))
        ).all()
        mentions = find_mentions(text, [MentionableAgent(a.id, a.name, a.email) for a in agents])
        names = {agent.id: agent.name for agent in agents}
        problems = [
            FieldError(
                "text",
                f"@{m.handle} at character {m.start + 1} names "
                + (
                    "no agent of this workspace"
                    if not m.agent_ids
                    else "several agents: "
                    + ", ".join(names[i] for i in m.agent_ids)
                    + "; write their full @first.last"
                ),
            )
            for m in mentions
            if m.agent_id is None
        ]
        if problems:
            raise InvalidInputError(problems)
        author_name = author.name if author is not None else _user_name(session, user_id)
        message = Message(
            workspace_id=workspace_id,
            conversation_id=facts.id,
            kind=MessageKind.NOTE.value,
            agent_id=author.id if author is not None else None,
            body=text,
            created_at=now,
        )
        session.add(message)
        session.flush()
        mentioned = list(dict.fromkeys(m.agent_id for m in mentions if m.agent_id is not None))
        excerpt = text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"
        by_agent_id = author.id if author is not None else None
        events = [
            EventRow(
                workspace_id,
                EventType.NOTE_ADDED,
                now,
                conversation_id=facts.id,
                agent_id=by_agent_id,
                data={
                    "message_id": message.id,
                    "by_user_id": user_id,
                    "by_name": author_name,
                    "mentioned_agent_ids": mentioned,
                },
            )
        ]
        events.extend(
            EventRow(
                workspace_id,
                EventType.AGENT_MENTIONED,
                now,
                conversation_id=facts.id,
                agent_id=mentioned_id,
                data={
                    "message_id": message.id,
                    "by_agent_id": by_agent_id,
                    "by_user_id": user_id,
                    "by_name": author_name,
                    "excerpt": excerpt,
                },
            )
            for mentioned_id in mentioned
        )
        append_events(session, events, now=now)
        return NoteOut(
            message_id=message.id,
            conversation_id=facts.id,
            agent_id=by_agent_id,
            author_name=author_name,
            text=text,
            created_at=now,
            mentions=[
                MentionOut(
                    handle=m.handle,
                    agent_id=m.agent_id,
                    agent_name=names[m.agent_id],
                    start=m.start,
                    end=m.end,
                )
                for m in mentions
                if m.agent_id is not None
            ],
        )


def _user_name(session: Session, user_id: int | None) -> str:
    if user_id is None:
        return "carelane"
    name = session.scalar(select(UserAccount.display_name).where(UserAccount.id == user_id))
    return name or f"user {user_id}"


def get_mentions(
    *,
    session: Session,
    workspace_id: int,
    agent_id: int,
    limit: int = 50,
    lanes_seen: LanesSeen = None,
) -> MentionList:
    """The notes that mention the agent, newest first, in conversations of `lanes_seen`
    (None: every lane). NotFoundError for an agent of another workspace."""
    if not session.scalar(
        select(Agent.id).where(Agent.id == agent_id, Agent.workspace_id == workspace_id)
    ):
        raise NotFoundError(f"no agent {agent_id} in this workspace")
    query = select(Event.conversation_id, Event.occurred_at, Event.data).where(
        Event.workspace_id == workspace_id,
        Event.type == EventType.AGENT_MENTIONED.value,
        Event.agent_id == agent_id,
    )
    if lanes_seen is not None:
        query = query.where(
            exists().where(
                Conversation.id == Event.conversation_id,
                lane_among(Conversation.lane, lanes_seen),
            )
        )
    rows = session.execute(query.order_by(Event.occurred_at.desc(), Event.id.desc()).limit(limit))
    return MentionList(
        items=[
            MentionNotice(
                message_id=data["message_id"],
                conversation_id=conversation_id,
                by_name=data.get("by_name") or "",
                excerpt=data.get("excerpt") or "",
                mentioned_at=occurred_at,
            )
            for conversation_id, occurred_at, data in rows
            if conversation_id is not None and data
        ]
    )
