"""The facts of a conversation's timeline that start, pause and stop service-level clocks.

A timeline is these facts in the order they happened. Each instant is when the fact
happened as carelane records it (aware; a fact later than the `now` it is read at is a
mistake). Internal notes and anything else that does not change what the brand owes are
left out.
"""

from dataclasses import dataclass
from datetime import datetime

from carelane.domain.conversations import ConversationStatus


@dataclass(frozen=True, slots=True)
class CustomerMessage:
    """The customer wrote in the conversation (a post, comment, reply or direct message)."""

    at: datetime


@dataclass(frozen=True, slots=True)
class AgentReply:
    """The brand answered the customer on the network, in public or in private."""

    at: datetime


@dataclass(frozen=True, slots=True)
class StatusChange:
    """Someone set the conversation's status: pending (waiting on the customer), open,
    resolved, closed; open again after resolved or closed is a reopening."""

    at: datetime
    status: ConversationStatus


TimelineFact = CustomerMessage | AgentReply | StatusChange
