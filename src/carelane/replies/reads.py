"""Reading replies, always within one workspace: a conversation's replies with their
states, one reply, and replies as queues list them."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from carelane.domain.channels import Network, Visibility
from carelane.domain.errors import NotFoundError
from carelane.replies.length_limits import count_reply, length_limit
from carelane.replies.outbox import OutboxState
from carelane.replies.schemas import LengthOut, OutboxOut, ReplyList, ReplyOut
from carelane.replies.states import Decision, ReplyState, ReviewState
from carelane.store.models import Agent, Conversation, OutboxEntry, Reply, UserAccount

_decider = aliased(UserAccount)


def reply_rows() -> Select[Reply, str, OutboxEntry, str | None]:
    """Replies with their agent, outbox entry and deciding supervisor's name."""
    return (
        select(Reply, Agent.name, OutboxEntry, _decider.display_name)
        .join(Agent, Agent.id == Reply.agent_id)
        .outerjoin(OutboxEntry, OutboxEntry.reply_id == Reply.id)
        .outerjoin(_decider, _decider.id == Reply.decided_by_user_id)
    )


def length_out(text: str, network: str, visibility: str) -> LengthOut | None:
    """`text`'s length against the limit of its kind of reply on `network`."""
    limit = length_limit(Network(network), Visibility(visibility))
    if limit is None:
        return None
    count = count_reply(text, limit)
    return LengthOut(
        count=count.length,
        limit=limit.limit,
        unit=limit.unit,
        remaining=count.remaining,
        over=count.over,
        label=limit.label,
    )


def _outbox_out(entry: OutboxEntry | None) -> OutboxOut | None:
    if entry is None:
        return None
    return OutboxOut(
        entry_id=entry.id,
        outbox=entry.outbox,
        state=OutboxState(entry.state),
        external_id=entry.external_id,
        recipient_handle=entry.recipient_handle,
        in_reply_to_external_id=entry.in_reply_to_external_id,
        created_at=entry.created_at,
    )


def reply_out(row: Sequence[Any]) -> ReplyOut:
    """A row of `reply_rows` on the wire."""
    reply, agent_name, entry, decider = row
    return ReplyOut(
        id=reply.id,
        conversation_id=reply.conversation_id,
        agent_id=reply.agent_id,
        agent_name=agent_name,
        visibility=Visibility(reply.visibility),
        network=reply.network,
        text=reply.body,
        state=ReplyState(reply.state),
        length=length_out(reply.body, reply.network, reply.visibility),
        canned_response_id=reply.canned_response_id,
        in_reply_to_post_id=reply.in_reply_to_post_id,
        created_at=reply.created_at,
        updated_at=reply.updated_at,
        submitted_at=reply.submitted_at,
        sent_at=reply.sent_at,
        certification_level=reply.certification_level,
        approval_reasons=list(reply.approval_reasons or []),
        decision=Decision(reply.decision) if reply.decision else None,
        decided_by=decider,
        decided_at=reply.decided_at,
        decision_comment=reply.decision_comment,
        submitted_text=reply.submitted_body,
        review_state=ReviewState(reply.review_state) if reply.review_state else None,
        review_reason=reply.review_reason,
        message_id=reply.message_id,
        outbox=_outbox_out(entry),
        failure_reason=reply.failure_reason,
    )


def get_reply(*, session: Session, workspace_id: int, reply_id: int) -> ReplyOut:
    """One reply of the workspace; NotFoundError for another workspace's."""
    row = session.execute(
        reply_rows().where(Reply.id == reply_id, Reply.workspace_id == workspace_id)
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"no reply {reply_id} in this workspace")
    return reply_out(row)


def get_conversation_replies(
    *,
    session: Session,
    workspace_id: int,
    conversation_id: int,
    states: Sequence[ReplyState] | None = None,
) -> ReplyList:
    """The conversation's replies, oldest first, with their states (only `states` when
    given). NotFoundError for a conversation of another workspace."""
    if not session.scalar(
        select(Conversation.id).where(
            Conversation.id == conversation_id, Conversation.workspace_id == workspace_id
        )
    ):
        raise NotFoundError(f"no conversation {conversation_id} in this workspace")
    query = reply_rows().where(
        Reply.conversation_id == conversation_id, Reply.workspace_id == workspace_id
    )
    if states:
        query = query.where(Reply.state.in_([state.value for state in states]))
    rows = session.execute(query.order_by(Reply.created_at, Reply.id)).all()
    return ReplyList(items=[reply_out(row) for row in rows])
