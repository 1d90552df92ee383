"""Supervisors' approvals: the queue of replies waiting for one, and approving (as
written, or with their changes) or rejecting each.

An approved reply is sent at once through its network's outbox, as the agent's reply
(a supervisor's changes pass the same guards as the agent's text). A rejected one goes
back to its agent as a rejected reply with the supervisor's comment, for them to change
and send again. Nobody approves their own reply. Each decision is logged
(`reply.approved`, `reply.rejected`) with the level the reply was written at, which is
what promotions count.
"""

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from carelane.accounts.errors import ForbiddenError
from carelane.domain.channels import Visibility
from carelane.domain.errors import FieldError, InvalidInputError, WrongStateError
from carelane.domain.events import EventType
from carelane.qa.schemas import QueueItem, QueueOut
from carelane.replies.conversation_facts import check_open_for_replies
from carelane.replies.guards import check_reply_text
from carelane.replies.outbox import RECORDING_OUTBOXES, Outboxes
from carelane.replies.reads import get_reply, reply_out, reply_rows
from carelane.replies.schemas import ReplyOut
from carelane.replies.sending import dispatch
from carelane.replies.service import locked_reply
from carelane.replies.states import Decision, ReplyState
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.models import Author, Conversation, OutboxEntry, Post, Reply

MAX_COMMENT_CHARS = 2000
MAX_QUEUE_PAGE = 200


def _check_comment(comment: str | None, *, required: bool) -> str | None:
    if comment is not None:
        comment = comment.strip() or None
    if comment is None and required:
        raise InvalidInputError(
            [FieldError("comment", "say what to change: the agent reads it with the draft")]
        )
    if comment is not None and len(comment) > MAX_COMMENT_CHARS:
        raise InvalidInputError(
            [
                FieldError(
                    "comment", f"at most {MAX_COMMENT_CHARS:,} characters, not {len(comment):,}"
                )
            ]
        )
    return comment


def _check_decider(reply: Reply, own_agent_ids: Collection[int]) -> None:
    if reply.state != ReplyState.AWAITING_APPROVAL.value:
        raise WrongStateError(
            f"reply {reply.id} is {reply.state.replace('_', ' ')}: only a reply awaiting "
            "approval is approved or rejected"
        )
    if reply.agent_id in own_agent_ids:
        raise ForbiddenError("nobody approves or rejects their own reply")


def do_approve_reply(
    *,
    session: Session,
    workspace_id: int,
    reply_id: int,
    now: datetime,
    user_id: int | None,
    own_agent_ids: Collection[int] = frozenset(),
    text: str | None = None,
    comment: str | None = None,
    outboxes: Outboxes = RECORDING_OUTBOXES,
) -> ReplyOut:
    """Approve a reply awaiting approval, with `text` instead of the agent's when given
    (edited), and send it.

    NotFoundError for another workspace's reply; WrongStateError when it does not await
    approval; ForbiddenError for one's own reply; ConversationArchivedError once the
    conversation is closed; for `text`, whatever `check_reply_text` refuses."""
    comment = _check_comment(comment, required=False)
    with unit_of_work(session):
        reply, facts = locked_reply(session, workspace_id, reply_id)
        _check_decider(reply, own_agent_ids)
        check_open_for_replies(facts)
        edited = text is not None and text != reply.body
        final = text if text is not None and edited else reply.body
        check_reply_text(final, network=facts.network, visibility=Visibility(reply.visibility))
        if edited:
            reply.submitted_body = reply.body
            reply.body = final
        reply.decision = (Decision.EDITED if edited else Decision.APPROVED).value
        reply.decided_by_user_id = user_id
        reply.decided_at = now
        reply.decision_comment = comment
        append_events(
            session,
            [
                EventRow(
                    workspace_id,
                    EventType.REPLY_APPROVED,
                    now,
                    conversation_id=facts.id,
                    agent_id=reply.agent_id,
                    data={
                        "reply_id": reply.id,
                        "level": reply.certification_level,
                        "edited": edited,
                        "by_user_id": user_id,
                        "comment": comment,
                    },
                )
            ],
            now=now,
        )
        dispatch(session, reply, facts, now=now, outboxes=outboxes, review_reason=None)
    return get_reply(session=session, workspace_id=workspace_id, reply_id=reply_id)


def do_reject_reply(
    *,
    session: Session,
    workspace_id: int,
    reply_id: int,
    comment: str,
    now: datetime,
    user_id: int | None,
    own_agent_ids: Collection[int] = frozenset(),
) -> ReplyOut:
    """Send a reply awaiting approval back to its agent, rejected, with `comment`.

    NotFoundError, WrongStateError, ForbiddenError as `do_approve_reply`;
    InvalidInputError for a missing or over-long comment."""
    checked = _check_comment(comment, required=True)
    with unit_of_work(session):
        reply, facts = locked_reply(session, workspace_id, reply_id)
        _check_decider(reply, own_agent_ids)
        reply.state = ReplyState.REJECTED.value
        reply.decision = Decision.REJECTED.value
        reply.decided_by_user_id = user_id
        reply.decided_at = now
        reply.decision_comment = checked
        reply.updated_at = now
        append_events(
            session,
            [
                EventRow(
                    workspace_id,
                    EventType.REPLY_REJECTED,
                    now,
                    conversation_id=facts.id,
                    agent_id=reply.agent_id,
                    data={
                        "reply_id": reply.id,
                        "level": reply.certification_level,
                        "by_user_id": user_id,
                        "comment": checked,
                    },
                )
            ],
            now=now,
        )
    return get_reply(session=session, workspace_id=workspace_id, reply_id=reply_id)


def queue_items(
    session: Session, query: Select[Reply, str, OutboxEntry, str | None]
) -> list[QueueItem]:
    """Replies of `query` (a `reply_rows` query) with what a supervisor judges them by."""
    rows = session.execute(query).all()
    if not rows:
        return []
    replies = [row[0] for row in rows]
    conversations = {
        conversation.id: (conversation, author)
        for conversation, author in session.execute(
            select(Conversation, Author)
            .join(Author, Author.id == Conversation.author_id)
            .where(Conversation.id.in_({reply.conversation_id for reply in replies}))
        )
    }
    post_ids = {reply.in_reply_to_post_id for reply in replies if reply.in_reply_to_post_id}
    texts = dict(
        session.execute(select(Post.id, Post.text).where(Post.id.in_(post_ids))).all()
        if post_ids
        else []
    )
    items = []
    for row in rows:
        reply = row[0]
        conversation, author = conversations[reply.conversation_id]
        items.append(
            QueueItem(
                reply=reply_out(row),
                author_handle=author.handle,
                author_followers=author.followers,
                customer_text=texts.get(reply.in_reply_to_post_id or 0),
                lane=conversation.lane,
                waiting_since=reply.submitted_at,
            )
        )
    return items


def get_approval_queue(*, session: Session, workspace_id: int, limit: int = 100) -> QueueOut:
    """Replies awaiting approval in the workspace, longest waiting first."""
    if not 1 <= limit <= MAX_QUEUE_PAGE:
        raise InvalidInputError([FieldError("limit", f"from 1 to {MAX_QUEUE_PAGE}")])
    query = (
        reply_rows()
        .where(
            Reply.workspace_id == workspace_id,
            Reply.state == ReplyState.AWAITING_APPROVAL.value,
        )
        .order_by(Reply.submitted_at, Reply.id)
        .limit(limit)
    )
    return QueueOut(items=queue_items(session, query))
