"""Agents' replies: save a draft, change it, send it (or submit it for approval).

Each call is one transaction: the conversation's row is locked first, then the reply's,
so that two agents (or an agent and a supervisor) never send one reply twice and the
ingest never overwrites what a reply did to the conversation. Whatever a guard refuses
leaves nothing written: a reply created and sent at once that is refused is not kept as
a draft either.
"""

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from carelane.accounts.errors import ForbiddenError
from carelane.domain.channels import Visibility
from carelane.domain.errors import NotFoundError, WrongStateError
from carelane.domain.events import EventType
from carelane.replies.conversation_facts import (
    ConversationFacts,
    acting_agent,
    check_open_for_replies,
    conversation_facts,
    latest_customer_post,
)
from carelane.replies.guards import check_draft_text, check_reply_text
from carelane.replies.outbox import RECORDING_OUTBOXES, Outboxes
from carelane.replies.reads import get_reply
from carelane.replies.schemas import ReplyOut
from carelane.replies.sending import submit
from carelane.replies.states import ReplyState, edit_refusal
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.models import CannedResponse, Reply

_NO_OWN_AGENTS: frozenset[int] = frozenset()


def do_create_reply(
    *,
    session: Session,
    workspace_id: int,
    conversation_id: int,
    text: str,
    visibility: Visibility,
    now: datetime,
    agent_id: int | None = None,
    own_agent_ids: Collection[int] = _NO_OWN_AGENTS,
    may_act_for_others: bool = False,
    user_id: int | None = None,
    canned_response_id: int | None = None,
    send: bool = False,
    outboxes: Outboxes = RECORDING_OUTBOXES,
) -> ReplyOut:
    """A new reply to the conversation by `agent_id` (by default the user's own agent in
    the workspace), kept as a draft or, with `send`, sent now or submitted for approval.

    NotFoundError for a conversation, agent or canned response of another workspace;
    ConversationArchivedError for a closed conversation; InvalidInputError for an empty
    or over-long draft; with `send`, whatever `check_reply_text` refuses."""
    with unit_of_work(session):
        facts = conversation_facts(
            session, workspace_id=workspace_id, conversation_id=conversation_id, lock=True
        )
        check_open_for_replies(facts)
        agent = acting_agent(
            session,
            workspace_id=workspace_id,
            requested=agent_id,
            own_agent_ids=own_agent_ids,
            may_act_for_others=may_act_for_others,
        )
        assert agent is not None  # required
        if canned_response_id is not None:
            _check_canned_response(session, workspace_id, canned_response_id)
        if send:
            check_reply_text(text, network=facts.network, visibility=visibility)
        else:
            check_draft_text(text)
        latest = latest_customer_post(session, conversation_id)
        reply = Reply(
            workspace_id=workspace_id,
            conversation_id=conversation_id,
            agent_id=agent.id,
            author_user_id=user_id,
            visibility=visibility.value,
            network=facts.network.value,
            body=text,
            state=ReplyState.DRAFT.value,
            canned_response_id=canned_response_id,
            in_reply_to_post_id=latest.id if latest is not None else None,
            created_at=now,
            updated_at=now,
        )
        session.add(reply)
        session.flush()
        if send:
            submit(session, reply, facts, user_id=user_id, now=now, outboxes=outboxes)
        else:
            _log_draft(session, reply, facts, user_id, now)
        reply_id = reply.id
    return get_reply(session=session, workspace_id=workspace_id, reply_id=reply_id)


def do_edit_reply(
    *,
    session: Session,
    workspace_id: int,
    reply_id: int,
    text: str,
    now: datetime,
    visibility: Visibility | None = None,
    own_agent_ids: Collection[int] = _NO_OWN_AGENTS,
    may_act_for_others: bool = False,
    user_id: int | None = None,
) -> ReplyOut:
    """Change the text (and visibility) of a draft, or of a rejected or failed reply,
    which becomes a draft again (a rejection's comment stays to be read).

    NotFoundError for another workspace's reply; ForbiddenError for another agent's
    reply when the user may not act for others; WrongStateError for a reply waiting for
    approval or sent; InvalidInputError for an empty or over-long text."""
    check_draft_text(text)
    with unit_of_work(session):
        reply, facts = locked_reply(session, workspace_id, reply_id)
        _check_editable(reply, own_agent_ids, may_act_for_others)
        reply.body = text
        if visibility is not None:
            reply.visibility = visibility.value
        reply.state = ReplyState.DRAFT.value
        reply.updated_at = now
        _log_draft(session, reply, facts, user_id, now)
    return get_reply(session=session, workspace_id=workspace_id, reply_id=reply_id)


def do_send_reply(
    *,
    session: Session,
    workspace_id: int,
    reply_id: int,
    now: datetime,
    own_agent_ids: Collection[int] = _NO_OWN_AGENTS,
    may_act_for_others: bool = False,
    user_id: int | None = None,
    outboxes: Outboxes = RECORDING_OUTBOXES,
) -> ReplyOut:
    """Send a draft (or a rejected or failed reply) now, or submit it for approval when
    its agent's level or the workspace's rules ask for one.

    NotFoundError, ForbiddenError, WrongStateError as `do_edit_reply`;
    ConversationArchivedError for a closed conversation; whatever `check_reply_text`
    refuses (the reply stays as it was)."""
    with unit_of_work(session):
        reply, facts = locked_reply(session, workspace_id, reply_id)
        _check_editable(reply, own_agent_ids, may_act_for_others)
        check_open_for_replies(facts)
        check_reply_text(reply.body, network=facts.network, visibility=Visibility(reply.visibility))
        submit(session, reply, facts, user_id=user_id, now=now, outboxes=outboxes)
    return get_reply(session=session, workspace_id=workspace_id, reply_id=reply_id)


def locked_reply(
    session: Session, workspace_id: int, reply_id: int
) -> tuple[Reply, ConversationFacts]:
    """The reply and its conversation, both rows locked, the conversation's first.
    NotFoundError for a reply of another workspace."""
    conversation_id = session.scalar(
        select(Reply.conversation_id).where(
            Reply.id == reply_id, Reply.workspace_id == workspace_id
        )
    )
    if conversation_id is None:
        raise NotFoundError(f"no reply {reply_id} in this workspace")
    facts = conversation_facts(
        session, workspace_id=workspace_id, conversation_id=conversation_id, lock=True
    )
    reply = session.scalar(select(Reply).where(Reply.id == reply_id).with_for_update())
    assert reply is not None  # replies are never deleted
    return reply, facts


def _check_editable(reply: Reply, own_agent_ids: Collection[int], may_act_for_others: bool) -> None:
    if reply.agent_id not in own_agent_ids and not may_act_for_others:
        raise ForbiddenError(f"reply {reply.id} is another agent's")
    refusal = edit_refusal(ReplyState(reply.state))
    if refusal is not None:
        raise WrongStateError(refusal)


def _check_canned_response(session: Session, workspace_id: int, response_id: int) -> None:
    if not session.scalar(
        select(CannedResponse.id).where(
            CannedResponse.id == response_id, CannedResponse.workspace_id == workspace_id
        )
    ):
        raise NotFoundError(f"no canned response {response_id} in this workspace")


def _log_draft(
    session: Session,
    reply: Reply,
    facts: ConversationFacts,
    user_id: int | None,
    now: datetime,
) -> None:
    append_events(
        session,
        [
            EventRow(
                facts.workspace_id,
                EventType.REPLY_DRAFTED,
                now,
                conversation_id=facts.id,
                agent_id=reply.agent_id,
                data={
                    "reply_id": reply.id,
                    "visibility": reply.visibility,
                    "canned_response_id": reply.canned_response_id,
                    "by_user_id": user_id,
                },
            )
        ],
        now=now,
    )
