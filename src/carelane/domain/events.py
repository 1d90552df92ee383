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
    WORKSPACE_ROUTING_CONFIGURED = "workspace.routing_configured"
    WORKSPACE_SERVICE_LEVELS_CONFIGURED = "workspace.service_levels_configured"
    AGENT_STATE_CHANGED = "agent.state_changed"
    CONVERSATION_ASSIGNED = "conversation.assigned"
    CONVERSATION_TAKEN_OVER = "conversation.taken_over"
    CONVERSATION_TRANSFERRED = "conversation.transferred"
    CONVERSATION_RELEASED = "conversation.released"
    CONVERSATION_PRIORITY_RAISED = "conversation.priority_raised"
    LANE_NOTIFIED = "lane.notified"
    SLA_WARNING = "sla.warning"
    SLA_BREACHED = "sla.breached"
    SUPERVISOR_ALERTED = "supervisor.alerted"
