"""The kinds of event in the append-only log every report and audit reads."""

from enum import StrEnum


class EventType(StrEnum):
    """What happened, named in the past tense."""

    WORKSPACE_CREATED = "workspace.created"
    WORKSPACE_TRIAGE_CONFIGURED = "workspace.triage_configured"
    CHANNEL_CREATED = "channel.created"
    POST_RECEIVED = "post.received"
    CONVERSATION_OPENED = "conversation.opened"
    CONVERSATION_STATUS_CHANGED = "conversation.status_changed"
    MESSAGE_ADDED = "message.added"
    IDENTITY_LINKED = "identity.linked"
    CUSTOMER_CREATED = "customer.created"
    TRIAGE_CORRECTED = "triage.corrected"
