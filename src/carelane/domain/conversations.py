"""Conversation lifecycle and the kinds of entry on a conversation's timeline."""

from enum import StrEnum


class ConversationStatus(StrEnum):
    """Where a conversation stands, as a contact centre tracks a ticket."""

    NEW = "new"  # nobody has answered yet
    OPEN = "open"  # the brand owes the customer an answer
    PENDING = "pending"  # the brand answered and waits on the customer
    RESOLVED = "resolved"  # done; a reply in the same thread reopens it
    CLOSED = "closed"  # archived; a later post starts a new conversation


ACTIVE_STATUSES = frozenset(
    {ConversationStatus.NEW, ConversationStatus.OPEN, ConversationStatus.PENDING}
)
"""Statuses in which a customer's new post on the channel joins the conversation."""


class MessageKind(StrEnum):
    """One entry on a conversation's timeline."""

    INBOUND_POST = "inbound_post"  # the customer wrote
    OUTBOUND_REPLY = "outbound_reply"  # the brand answered on the network
    NOTE = "note"  # an agent's internal note, never shown to the customer
    SYSTEM = "system"  # something carelane did: opened, reopened, status changed


def status_after_post(current: ConversationStatus, *, inbound: bool) -> ConversationStatus:
    """The status a conversation moves to when a post joins it.

    A customer writing makes the brand owe an answer again (pending or resolved -> open);
    the brand answering leaves the conversation waiting on the customer (-> pending).
    """
    if inbound:
        if current in (ConversationStatus.PENDING, ConversationStatus.RESOLVED):
            return ConversationStatus.OPEN
        return current
    if current in (ConversationStatus.NEW, ConversationStatus.OPEN):
        return ConversationStatus.PENDING
    return current
