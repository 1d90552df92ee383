"""Submitting a reply and sending it, inside the caller's transaction.

`submit` decides, by the agent's certification level and the workspace's rules, whether
the reply waits for a supervisor's approval or goes out now; `dispatch` sends it: the
network's outbox takes it, it becomes an outbound entry on the conversation's timeline,
the conversation moves as a reply of the brand moves it (new or open becomes pending)
and its service-level clocks are recomputed from the timeline in the same transaction,
so that the first sent reply, public or private, meets the first-response deadline, as
an outbound post the ingest stores does.
"""

from datetime import datetime

from sqlalchemy import case, update
from sqlalchemy.orm import Session

from carelane.deadlines.store import refresh_deadlines
from carelane.deadlines.timelines import POST_REASON
from carelane.domain.channels import Visibility
from carelane.domain.conversations import ACTIVE_STATUSES, MessageKind, status_after_post
from carelane.domain.events import EventType
from carelane.qa.certification import certification_level
from carelane.qa.rules import ReplyCheck, ReplyToCheck, check_reply
from carelane.qa.settings_store import get_quality_settings
from carelane.replies.conversation_facts import (
    ConversationFacts,
    customer_texts,
    latest_customer_post,
)
from carelane.replies.outbox import Outboxes, OutboxRefusedError, OutgoingReply, outbox_for
from carelane.replies.states import ReplyState, ReviewState
from carelane.store.events import EventRow, append_events
from carelane.store.models import Conversation, Message, Post, Reply


def submit(
    session: Session,
    reply: Reply,
    facts: ConversationFacts,
    *,
    user_id: int | None,
    now: datetime,
    outboxes: Outboxes,
) -> ReplyCheck:
    """Hold `reply` for approval or send it, as its agent's level and the workspace's
    rules say; what they said."""
    level = certification_level(session, reply.agent_id)
    settings = get_quality_settings(session=session, workspace_id=facts.workspace_id)
    check = check_reply(
        ReplyToCheck(
            reply_id=reply.id,
            level=level,
            reply_text=reply.body,
            customer_texts=customer_texts(session, facts.id),
            author_followers=facts.author_followers,
            lane=facts.lane,
            categories=facts.categories,
        ),
        settings.approval,
        review_share=settings.certified_review_share,
    )
    reply.certification_level = level.value
    reply.submitted_at = now
    reply.updated_at = now
    reply.approval_reasons = list(check.approval_reasons) or None
    reply.decision = None
    reply.decided_by_user_id = None
    reply.decided_at = None
    reply.failure_reason = None
    if check.needs_approval:
        reply.state = ReplyState.AWAITING_APPROVAL.value
        append_events(
            session,
            [
                EventRow(
                    facts.workspace_id,
                    EventType.REPLY_AWAITING_APPROVAL,
                    now,
                    conversation_id=facts.id,
                    agent_id=reply.agent_id,
                    data={
                        "reply_id": reply.id,
                        "level": level.value,
                        "reasons": list(check.approval_reasons),
                        "by_user_id": user_id,
                    },
                )
            ],
            now=now,
        )
        return check
    dispatch(session, reply, facts, now=now, outboxes=outboxes, review_reason=check.review_reason)
    return check


def dispatch(
    session: Session,
    reply: Reply,
    facts: ConversationFacts,
    *,
    now: datetime,
    outboxes: Outboxes,
    review_reason: str | None,
) -> None:
    """Send `reply` through its network's outbox and put it on the timeline; `failed`
    (with the outbox's reason) when the outbox refuses it."""
    if reply.in_reply_to_post_id is None:
        latest = latest_customer_post(session, facts.id)
        reply.in_reply_to_post_id = latest.id if latest is not None else None
    parent = (
        session.get(Post, reply.in_reply_to_post_id)
        if reply.in_reply_to_post_id is not None
        else None
    )
    outgoing = OutgoingReply(
        workspace_id=facts.workspace_id,
        reply_id=reply.id,
        channel_id=facts.channel_id,
        channel_account=facts.channel_account,
        network=facts.network,
        visibility=Visibility(reply.visibility),
        recipient_handle=facts.author_handle,
        in_reply_to_external_id=parent.external_id if parent is not None else None,
        text=reply.body,
    )
    outbox = outbox_for(outboxes, facts.network)
    try:
        with session.begin_nested():
            receipt = outbox.post(session, outgoing, now=now)
    except OutboxRefusedError as refusal:
        reply.state = ReplyState.FAILED.value
        reply.failure_reason = str(refusal) or "the outbox refused the reply"
        reply.updated_at = now
        _log(session, reply, facts, EventType.REPLY_FAILED, now, reason=reply.failure_reason)
        return
    message = Message(
        workspace_id=facts.workspace_id,
        conversation_id=facts.id,
        kind=MessageKind.OUTBOUND_REPLY.value,
        agent_id=reply.agent_id,
        body=reply.body,
        created_at=now,
    )
    session.add(message)
    session.flush()
    reply.state = ReplyState.SENT.value
    reply.sent_at = now
    reply.updated_at = now
    reply.message_id = message.id
    reply.failure_reason = None
    reply.review_state = ReviewState.PENDING.value if review_reason else None
    reply.review_reason = review_reason
    _move_conversation(session, facts, reply, now)
    _log(
        session,
        reply,
        facts,
        EventType.REPLY_SENT,
        now,
        message_id=message.id,
        outbox=receipt.outbox,
        outbox_entry_id=receipt.entry_id,
        outbox_state=receipt.state.value,
        visibility=reply.visibility,
        network=facts.network.value,
    )
    if review_reason:
        _log(session, reply, facts, EventType.REPLY_REVIEW_QUEUED, now, reason=review_reason)
    session.flush()
    refresh_deadlines(session, [facts.id], now=now)


def _move_conversation(
    session: Session, facts: ConversationFacts, reply: Reply, now: datetime
) -> None:
    """What the brand's reply does to the conversation: pending when it was new or open,
    one more message, its latest activity now."""
    current = facts.status
    status = status_after_post(current, inbound=False) if current in ACTIVE_STATUSES else current
    session.execute(
        update(Conversation)
        .where(Conversation.id == facts.id)
        .values(
            status=status.value,
            last_message_at=case(
                (Conversation.last_message_at > now, Conversation.last_message_at), else_=now
            ),
            message_count=Conversation.message_count + 1,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if status is not current:
        append_events(
            session,
            [
                EventRow(
                    facts.workspace_id,
                    EventType.CONVERSATION_STATUS_CHANGED,
                    now,
                    conversation_id=facts.id,
                    agent_id=reply.agent_id,
                    # A message made the change: the clocks read it from the message.
                    data={
                        "from": current.value,
                        "to": status.value,
                        "reason": POST_REASON,
                        "reply_id": reply.id,
                    },
                )
            ],
            now=now,
        )


def _log(
    session: Session,
    reply: Reply,
    facts: ConversationFacts,
    kind: EventType,
    now: datetime,
    **data: object,
) -> None:
    append_events(
        session,
        [
            EventRow(
                facts.workspace_id,
                kind,
                now,
                conversation_id=facts.id,
                agent_id=reply.agent_id,
                data={"reply_id": reply.id, "level": reply.certification_level, **data},
            )
        ],
        now=now,
    )
