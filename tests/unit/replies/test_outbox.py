"""Replies leave through the network's outbox, on both databases: the recording outbox
keeps what would be posted; an outbox that refuses leaves the reply failed, with the
reason, off the timeline and the clocks, to be sent again."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from carelane.domain.channels import Network, Visibility
from carelane.replies.outbox import (
    RECORDING_OUTBOXES,
    OutboxReceipt,
    OutboxRefusedError,
    OutgoingReply,
    RecordingOutbox,
)
from carelane.replies.service import do_create_reply, do_send_reply
from carelane.store.models import Agent, Message, OutboxEntry
from carelane.workspaces.teams import do_set_teams
from tests.conftest import at
from tests.helpers import post_data
from tests.unit.deadlines.test_alarms import TWO_AGENTS
from tests.unit.deadlines.test_store import _conversation, _ingest


class ExpiredTokenOutbox:
    """An X outbox whose account's access was revoked: the network refuses every post."""

    name = "x"

    def post(self, session: Session, reply: OutgoingReply, *, now: datetime) -> OutboxReceipt:
        raise OutboxRefusedError("X refused the post: the account's access token was revoked")


def _waiting(session: Session, now: datetime) -> tuple[int, int]:
    _ingest(session, now, post_data("1", created_at=at(0), author="cat"))
    do_set_teams(session=session, slug="acme", teams_file=TWO_AGENTS, now=now)
    agent = session.scalar(select(Agent.id).where(Agent.name == "Ana"))
    assert agent is not None
    return _conversation(session).id, agent


def test_a_refused_reply_is_failed_with_the_reason_and_sent_again_later(
    session: Session, now: datetime
) -> None:
    conversation, agent = _waiting(session, now)
    failed = do_create_reply(
        session=session,
        workspace_id=_conversation(session).workspace_id,
        conversation_id=conversation,
        agent_id=agent,
        may_act_for_others=True,
        text="Sorry Cat, we're on it!",
        visibility=Visibility.PUBLIC,
        send=True,
        now=now,
        outboxes={Network.TWITTER: ExpiredTokenOutbox()},
    )

    assert failed.state == "failed"
    assert failed.failure_reason == "X refused the post: the account's access token was revoked"
    assert failed.message_id is None
    assert session.scalars(select(Message).where(Message.kind == "outbound_reply")).all() == []
    stored = _conversation(session)
    assert stored.status == "new"
    assert stored.first_response_due_at is not None, "nothing was answered"

    sent = do_send_reply(
        session=session,
        workspace_id=stored.workspace_id,
        reply_id=failed.id,
        own_agent_ids={agent},
        now=now,
        outboxes=RECORDING_OUTBOXES,
    )
    assert (sent.state, sent.failure_reason) == ("sent", None)
    (entry,) = session.scalars(select(OutboxEntry)).all()
    assert (entry.outbox, entry.state, entry.reply_id) == ("recording", "recorded", failed.id)
    assert _conversation(session).first_response_due_at is None


def test_every_network_records_its_replies_until_its_connector_posts_them() -> None:
    assert set(RECORDING_OUTBOXES) == set(Network)
    assert all(isinstance(o, RecordingOutbox) for o in RECORDING_OUTBOXES.values())
