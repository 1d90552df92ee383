"""How replies leave: each network's outbox, behind one interface.

`do_send_reply` hands an `OutgoingReply` to the outbox of the conversation's network in
the transaction that marks the reply sent. A connector that posts to a network will
implement `ChannelOutbox`; until then every network has the `RecordingOutbox`, which
records what would be posted (an `outbox_entry` row in state `recorded`) and posts
nothing. An outbox that cannot take a reply raises `OutboxRefusedError`; the reply is then
`failed`, with the reason, and may be sent again.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from sqlalchemy.orm import Session

from carelane.domain.channels import Network, Visibility
from carelane.store.models import OutboxEntry


class OutboxState(StrEnum):
    RECORDED = "recorded"  # what would be posted, kept; nothing was posted
    DELIVERED = "delivered"  # the network took it
    FAILED = "failed"  # the network refused it


@dataclass(frozen=True, slots=True)
class OutgoingReply:
    """A reply as it goes to the network: where, to whom, under which post, and what."""

    workspace_id: int
    reply_id: int
    channel_id: int
    channel_account: str
    network: Network
    visibility: Visibility
    recipient_handle: str
    in_reply_to_external_id: str | None
    text: str


@dataclass(frozen=True, slots=True)
class OutboxReceipt:
    """What the outbox did with a reply: its entry, state, and the network's id of the
    post once there is one."""

    outbox: str
    entry_id: int
    state: OutboxState
    external_id: str | None = None


class OutboxRefusedError(Exception):
    """The outbox could not take the reply; the message says why, for the agent."""


class ChannelOutbox(Protocol):
    """Where a network's replies go. `post` runs in the sending transaction: it must
    record what it did in the session (and never commit), or raise OutboxRefusedError."""

    name: str

    def post(self, session: Session, reply: OutgoingReply, *, now: datetime) -> OutboxReceipt:
        """Take `reply` for its network, or raise OutboxRefusedError."""
        ...


class RecordingOutbox:
    """Records what would be posted and posts nothing: the outbox of every network until
    its connector posts for real."""

    name = "recording"

    def post(self, session: Session, reply: OutgoingReply, *, now: datetime) -> OutboxReceipt:
        entry = OutboxEntry(
            workspace_id=reply.workspace_id,
            reply_id=reply.reply_id,
            channel_id=reply.channel_id,
            outbox=self.name,
            network=reply.network.value,
            visibility=reply.visibility.value,
            recipient_handle=reply.recipient_handle,
            in_reply_to_external_id=reply.in_reply_to_external_id,
            body=reply.text,
            state=OutboxState.RECORDED.value,
            created_at=now,
        )
        session.add(entry)
        session.flush()
        return OutboxReceipt(self.name, entry.id, OutboxState.RECORDED)


Outboxes = Mapping[Network, ChannelOutbox]
"""The outbox of each network."""

_RECORDING = RecordingOutbox()
RECORDING_OUTBOXES: Outboxes = dict.fromkeys(Network, _RECORDING)
"""Every network's replies recorded, none posted."""


def outbox_for(outboxes: Outboxes, network: Network) -> ChannelOutbox:
    """The outbox of `network`: the one given, else the recording one."""
    return outboxes.get(network, _RECORDING)
