"""What replying reads of a conversation: its channel, its author, its lane and
categories, the customer's posts; and who is replying. Always within one workspace."""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from carelane.accounts.errors import ForbiddenError
from carelane.conversations.status import ConversationArchivedError
from carelane.domain.channels import Direction, Network
from carelane.domain.conversations import ConversationStatus
from carelane.domain.errors import FieldError, InvalidInputError, NotFoundError
from carelane.store.models import Agent, Author, Channel, Conversation, Post

CUSTOMER_POSTS_READ = 20
"""The customer's latest posts the approval rules read."""


@dataclass(frozen=True, slots=True)
class ConversationFacts:
    id: int
    workspace_id: int
    status: ConversationStatus
    channel_id: int
    channel_account: str
    network: Network
    author_id: int
    author_handle: str
    author_display_name: str | None
    author_followers: int | None
    customer_id: int | None
    lane: str | None
    categories: tuple[str, ...]


def conversation_facts(
    session: Session, *, workspace_id: int, conversation_id: int, lock: bool = False
) -> ConversationFacts:
    """The conversation's facts; with `lock`, its row locked until the transaction ends
    (on PostgreSQL; SQLite's write transaction holds the database). NotFoundError when it
    is not one of the workspace's."""
    query: Any = (
        select(Conversation, Channel, Author)
        .join(Channel, Channel.id == Conversation.channel_id)
        .join(Author, Author.id == Conversation.author_id)
        .where(Conversation.id == conversation_id, Conversation.workspace_id == workspace_id)
    )
    if lock:
        query = query.with_for_update(of=Conversation)
    row = session.execute(query).one_or_none()
    if row is None:
        raise NotFoundError(f"no conversation {conversation_id} in this workspace")
    conversation, channel, author = row
    return ConversationFacts(
        id=conversation.id,
        workspace_id=workspace_id,
        status=ConversationStatus(conversation.status),
        channel_id=channel.id,
        channel_account=channel.account,
        network=Network(channel.network),
        author_id=author.id,
        author_handle=author.handle,
        author_display_name=author.display_name,
        author_followers=author.followers,
        customer_id=conversation.customer_id,
        lane=conversation.lane,
        categories=tuple(conversation.categories or ()),
    )


def check_open_for_replies(facts: ConversationFacts) -> None:
    """ConversationArchivedError (409) for a closed conversation: nothing more is sent
    in it (a resolved one may still get a closing reply)."""
    if facts.status is ConversationStatus.CLOSED:
        raise ConversationArchivedError(
            f"conversation {facts.id} is closed (archived): nothing more is sent in it"
        )


def latest_customer_post(session: Session, conversation_id: int) -> Post | None:
    """The customer's latest post in the conversation, the one a reply answers."""
    return session.scalars(
        select(Post)
        .where(
            Post.conversation_id == conversation_id,
            Post.direction == Direction.INBOUND.value,
        )
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(1)
    ).first()


def customer_texts(session: Session, conversation_id: int) -> list[str]:
    """The texts of the customer's latest posts in the conversation, newest first."""
    return list(
        session.scalars(
            select(Post.text)
            .where(
                Post.conversation_id == conversation_id,
                Post.direction == Direction.INBOUND.value,
            )
            .order_by(Post.created_at.desc(), Post.id.desc())
            .limit(CUSTOMER_POSTS_READ)
        )
    )


def acting_agent(
    session: Session,
    *,
    workspace_id: int,
    requested: int | None,
    own_agent_ids: Collection[int],
    may_act_for_others: bool,
    required: bool = True,
) -> Agent | None:
    """The agent a user acts as in the workspace: `requested` if given (their own, or
    anyone's when they may act for others), else their own agent there. Without either,
    InvalidInputError naming `agent_id` when `required`, else None.

    NotFoundError for a requested agent of another workspace; ForbiddenError for someone
    else's agent when the user may not act for others."""
    if requested is not None:
        agent = session.scalar(
            select(Agent).where(Agent.id == requested, Agent.workspace_id == workspace_id)
        )
        if agent is None:
            raise NotFoundError(f"no agent {requested} in this workspace")
        if requested not in own_agent_ids and not may_act_for_others:
            raise ForbiddenError("you may act only as your own agent")
        return agent
    own = (
        session.scalar(
            select(Agent).where(Agent.workspace_id == workspace_id, Agent.id.in_(own_agent_ids))
        )
        if own_agent_ids
        else None
    )
    if own is None and required:
        raise InvalidInputError(
            [
                FieldError(
                    "agent_id",
                    "you are no agent of this workspace: name the agent you act as",
                )
            ]
        )
    return own
