"""Roles and what each may do: pure, the one place that answers "may this role …?"."""

from enum import StrEnum


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    MARKETING = "marketing"
    ADMIN = "admin"


class Permission(StrEnum):
    READ_WORKSPACE = "read_workspace"
    """See the workspace, its channels and its configuration."""
    HANDLE_CONVERSATIONS = "handle_conversations"
    """Read and work the workspace's conversations of every lane, posts, customers; correct
    triage; pull the next conversation and set one's own presence."""
    READ_MARKETING_LANE = "read_marketing_lane"
    """Read and work the conversations of the lanes the workspace's lanes file marks
    `audience: marketing`: their posts, replies and notes, their customers' history in
    those lanes, their live events. Without HANDLE_CONVERSATIONS (the Marketing/PR team)
    nothing of the other lanes is seen: a conversation there is a 404."""
    VIEW_QUEUES = "view_queues"
    """See the queue and every agent's load."""
    REASSIGN = "reassign"
    """Assign, take over and transfer others' conversations; set others' presence."""
    APPROVE_REPLIES = "approve_replies"
    """Approve, edit or reject replies that wait for approval; review and score sent
    replies."""
    EDIT_CANNED_RESPONSES = "edit_canned_responses"
    """Write, change and delete the workspace's canned responses (everyone who works
    conversations reads them)."""
    MANAGE_QUALITY = "manage_quality"
    """Set agents' certification levels and the workspace's approval rules, review
    sampling, scorecard criteria and promotion rule."""
    INGEST_POSTS = "ingest_posts"
    """Send posts in over `POST /api/v1/posts` (machine clients)."""
    CONFIGURE_WORKSPACES = "configure_workspaces"
    """Create workspaces; set lanes, triage settings, teams and service levels."""
    MANAGE_USERS = "manage_users"


_AGENT = frozenset(
    {Permission.READ_WORKSPACE, Permission.HANDLE_CONVERSATIONS, Permission.READ_MARKETING_LANE}
)
_SUPERVISOR = _AGENT | {
    Permission.VIEW_QUEUES,
    Permission.REASSIGN,
    Permission.APPROVE_REPLIES,
    Permission.EDIT_CANNED_RESPONSES,
    Permission.MANAGE_QUALITY,
    Permission.INGEST_POSTS,
}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.AGENT: _AGENT,
    Role.SUPERVISOR: _SUPERVISOR,
    Role.MARKETING: frozenset({Permission.READ_WORKSPACE, Permission.READ_MARKETING_LANE}),
    Role.ADMIN: frozenset(Permission),
}


def may(role: Role, permission: Permission) -> bool:
    """Whether `role` may do `permission`."""
    return permission in ROLE_PERMISSIONS[role]


def parse_role(text: str) -> Role:
    """The role named `text` (any case); ValueError naming the roles otherwise."""
    try:
        return Role(text.strip().lower())
    except ValueError:
        names = ", ".join(role.value for role in Role)
        raise ValueError(f"unknown role {text!r}: use one of {names}") from None
