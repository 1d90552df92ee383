"""Taking a conversation offline: hand-off to phone or email.

An agent hands a conversation to a phone or email team (or calls or writes the customer
themselves) with a destination: the customer's number or address. carelane writes a
context summary from the thread and its triage for whoever takes it, keeps it on the
timeline as a system entry and logs `conversation.handed_off` with it. Until a public or
private reply goes out on the original channel after the hand-off, the conversation
carries a reminder to close the loop there (`get_hand_off_reminder`).
"""

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from carelane.conversations.schemas import HandOffOut, HandOffReminder
from carelane.conversations.status import ConversationArchivedError
from carelane.domain.channels import Direction
from carelane.domain.conversations import ConversationStatus, MessageKind
from carelane.domain.errors import FieldError, InvalidInputError, NotFoundError
from carelane.domain.events import EventType
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.models import (
    Agent,
    Author,
    Channel,
    Conversation,
    Customer,
    Event,
    Identity,
    Message,
    Post,
    PostTriage,
)

MAX_NOTE_CHARS = 2000
MAX_DESTINATION_CHARS = 320
QUOTED_POSTS = 3
QUOTED_CHARS = 280
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_PHONE = re.compile(r"\+?[0-9(][0-9 ().\-]*")


class HandOffChannel(StrEnum):
    """Where a conversation is taken offline to."""

    PHONE = "phone"
    EMAIL = "email"


def check_destination(channel: HandOffChannel, destination: str) -> str | None:
    """Why `destination` is no phone number or email address for `channel`, or None. Pure."""
    if not destination:
        return "must not be empty"
    if len(destination) > MAX_DESTINATION_CHARS:
        return f"at most {MAX_DESTINATION_CHARS} characters, not {len(destination)}"
    if channel is HandOffChannel.EMAIL and not _EMAIL.fullmatch(destination):
        return "an email address such as name@example.com"
    if channel is HandOffChannel.PHONE:
        digits = sum(c.isdigit() for c in destination)
        if not _PHONE.fullmatch(destination) or not 6 <= digits <= 15:
            return "a phone number of 6 to 15 digits, such as +44 20 7946 0958"
    return None


@dataclass(frozen=True, slots=True)
class HandOffFacts:
    """What the summary is written from."""

    network: str
    channel: str
    status: str
    lane: str | None
    priority: int | None
    tier: int
    opened_at: datetime
    message_count: int
    handle: str
    display_name: str | None
    followers: int | None
    verified: bool
    customer: str | None
    latest_posts: list[str]
    triage: dict[str, Any] | None
    notes: list[str]


def hand_off_summary(
    facts: HandOffFacts, *, channel: HandOffChannel, destination: str, note: str | None
) -> str:
    """The context summary for whoever takes the conversation offline. Pure."""
    who = f"@{facts.handle}" + (f" ({facts.display_name})" if facts.display_name else "")
    reach = []
    if facts.followers is not None:
        reach.append(f"{facts.followers:,} followers")
    if facts.verified:
        reach.append("verified")
    lines = [
        f"Taken offline to {channel.value}: {destination}.",
        f"Customer: {who} on {facts.network} ({facts.channel})"
        + (f", {', '.join(reach)}" if reach else "")
        + (f"; known as {facts.customer}" if facts.customer else "")
        + ".",
        f"Conversation: {facts.status}, lane {facts.lane or 'none'}, priority "
        f"{facts.priority if facts.priority is not None else 'none'}, tier {facts.tier}, "
        f"{facts.message_count} messages since {facts.opened_at:%Y-%m-%d %H:%M} UTC.",
    ]
    triage = facts.triage
    if triage:
        said = [f"intent {triage.get('intent')}", f"sentiment {triage.get('sentiment')}"]
        categories = [c.get("name") for c in triage.get("categories") or [] if c.get("name")]
        if categories:
            said.append("categories " + ", ".join(categories))
        lines.append("Triage: " + "; ".join(said) + ".")
        if triage.get("priority_why"):
            lines.append(f"Why this priority: {triage['priority_why']}.")
        personal = triage.get("personal_data") or {}
        if personal.get("take_offline"):
            kinds = sorted({span.get("kind") for span in personal.get("spans") or []})
            lines.append(
                "The customer exposed personal data in public ("
                + (", ".join(k for k in kinds if k) or "see the thread")
                + "): never repeat it on the network."
            )
    if facts.latest_posts:
        lines.append("What the customer said, latest last:")
        lines.extend(f"- {text}" for text in facts.latest_posts)
    if facts.notes:
        lines.append("Notes on the conversation:")
        lines.extend(f"- {text}" for text in facts.notes)
    if note:
        lines.append(f"Agent's note: {note}")
    lines.append(f"Close the loop on {facts.network} once it is settled offline.")
    return "\n".join(lines)


def _quoted(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTED_CHARS else text[: QUOTED_CHARS - 1] + "…"


def _facts(session: Session, conversation: Conversation) -> HandOffFacts:
    channel = session.get(Channel, conversation.channel_id)
    author = session.get(Author, conversation.author_id)
    assert channel is not None  # foreign key
    assert author is not None  # foreign key
    customer = session.scalar(
        select(Customer.name)
        .join(Identity, Identity.customer_id == Customer.id)
        .where(Identity.author_id == author.id)
    )
    inbound = session.execute(
        select(Post.text, PostTriage)
        .outerjoin(PostTriage, PostTriage.post_id == Post.id)
        .where(
            Post.conversation_id == conversation.id,
            Post.direction == Direction.INBOUND.value,
        )
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(QUOTED_POSTS)
    ).all()
    latest_triage = next((triage for _text, triage in inbound if triage is not None), None)
    notes = session.scalars(
        select(Message.body)
        .where(
            Message.conversation_id == conversation.id,
            Message.kind == MessageKind.NOTE.value,
            Message.body.is_not(None),
        )
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(QUOTED_POSTS)
    ).all()
    return HandOffFacts(
        network=channel.network,
        channel=channel.account,
        status=conversation.status,
        lane=conversation.lane,
        priority=conversation.priority,
        tier=conversation.tier,
        opened_at=conversation.opened_at,
        message_count=conversation.message_count,
        handle=author.handle,
        display_name=author.display_name,
        followers=author.followers,
        verified=author.verified,
        customer=customer,
        latest_posts=[_quoted(text) for text, _triage in reversed(inbound)],
        triage=(
            {
                **(latest_triage.detail or {}),
                "intent": latest_triage.intent,
                "sentiment": latest_triage.sentiment,
            }
            if latest_triage is not None
            else None
        ),
        notes=[_quoted(body) for body in reversed(notes) if body],
    )


def do_hand_off(
    *,
    session: Session,
    workspace_id: int,
    conversation_id: int,
    channel: HandOffChannel,
    destination: str,
    now: datetime,
    by_agent_id: int | None = None,
    note: str | None = None,
) -> HandOffOut:
    """Hand conversation `conversation_id` off to `channel` at `destination` with a context
    summary: a system entry on its timeline and `conversation.handed_off`, in one
    transaction. Its status and holder stay as they are: the loop is closed later, on the
    original channel.

    InvalidInputError names a bad destination or an over-long note; NotFoundError for a
    conversation or agent outside the workspace; ConversationArchivedError for a closed one.
    """
    destination = destination.strip()
    note = note.strip() if note and note.strip() else None
    problems = []
    refusal = check_destination(channel, destination)
    if refusal is not None:
        problems.append(FieldError("destination", refusal))
    if note is not None and len(note) > MAX_NOTE_CHARS:
        problems.append(FieldError("note", f"at most {MAX_NOTE_CHARS} characters"))
    if problems:
        raise InvalidInputError(problems)
    with unit_of_work(session):
        conversation = session.scalars(
            select(Conversation)
            .where(Conversation.id == conversation_id, Conversation.workspace_id == workspace_id)
            .with_for_update()
        ).one_or_none()
        if conversation is None:
            raise NotFoundError(f"no conversation {conversation_id} in this workspace")
        if by_agent_id is not None and not session.scalar(
            select(Agent.id).where(Agent.id == by_agent_id, Agent.workspace_id == workspace_id)
        ):
            raise NotFoundError(f"no agent {by_agent_id} in this workspace")
        if conversation.status == ConversationStatus.CLOSED.value:
            raise ConversationArchivedError(
                f"conversation {conversation_id} is closed (archived): nothing to hand off"
            )
        summary = hand_off_summary(
            _facts(session, conversation), channel=channel, destination=destination, note=note
        )
        message = Message(
            workspace_id=workspace_id,
            conversation_id=conversation_id,
            kind=MessageKind.SYSTEM.value,
            agent_id=by_agent_id,
            body=summary,
            created_at=now,
        )
        session.add(message)
        conversation.updated_at = now
        session.flush()
        append_events(
            session,
            [
                EventRow(
                    workspace_id,
                    EventType.CONVERSATION_HANDED_OFF,
                    now,
                    conversation_id=conversation_id,
                    agent_id=by_agent_id,
                    data={
                        "channel": channel.value,
                        "destination": destination,
                        "message_id": message.id,
                        "note": note,
                    },
                )
            ],
            now=now,
        )
        return HandOffOut(
            conversation_id=conversation_id,
            channel=channel.value,
            destination=destination,
            summary=summary,
            message_id=message.id,
            handed_off_at=now,
            by_agent_id=by_agent_id,
        )


def get_hand_off_reminder(
    *, session: Session, workspace_id: int, conversation_id: int
) -> HandOffReminder | None:
    """The reminder to close the loop on the original channel: the latest hand-off of the
    conversation when no reply (public or private) has gone out there since; else None."""
    handed_off = session.execute(
        select(Event.occurred_at, Event.data)
        .where(
            Event.workspace_id == workspace_id,
            Event.conversation_id == conversation_id,
            Event.type == EventType.CONVERSATION_HANDED_OFF.value,
        )
        .order_by(Event.occurred_at.desc(), Event.id.desc())
        .limit(1)
    ).first()
    if handed_off is None:
        return None
    at, data = handed_off
    replied = session.scalar(
        select(
            exists().where(
                Message.conversation_id == conversation_id,
                Message.kind == MessageKind.OUTBOUND_REPLY.value,
                Message.created_at >= at,
            )
        )
    )
    if replied:
        return None
    network = session.scalar(
        select(Channel.network)
        .join(Conversation, Conversation.channel_id == Channel.id)
        .where(Conversation.id == conversation_id)
    )
    data = data or {}
    return HandOffReminder(
        channel=str(data.get("channel", "")),
        destination=str(data.get("destination", "")),
        handed_off_at=at,
        message=(
            f"Handed off to {data.get('channel')} ({data.get('destination')}): close the loop "
            f"on {network} with a public or private reply once it is settled."
        ),
    )
