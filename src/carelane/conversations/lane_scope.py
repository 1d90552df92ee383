"""Which swim lanes a reader sees of a workspace, and whether a row lies in them.

Agents, supervisors and admins work every lane (`LanesSeen` None); the Marketing/PR team
works the lanes the workspace's lanes file marks `audience: marketing` and sees nothing of
the others. A conversation lies in the lane stored on it; a post and a reply in their
conversation's; an author in the lanes of their conversations and a customer in those of
their linked authors. A row outside the reader's lanes is answered as one that does not
exist (NotFoundError), so that its existence does not leak.
"""

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from carelane.domain.errors import NotFoundError
from carelane.store.models import Conversation, Identity, Post, Reply, Workspace
from carelane.workspaces.triage_settings import workspace_lane_config

LanesSeen = frozenset[str] | None
"""The names of the lanes a reader sees, or None for every lane."""


def get_marketing_lanes(*, session: Session, workspace_id: int) -> frozenset[str]:
    """The lanes the workspace's lanes file (or the shipped example lanes, while it has
    none) marks `audience: marketing`; empty for an unknown workspace."""
    workspace = session.execute(
        select(Workspace.id, Workspace.lanes_yaml).where(Workspace.id == workspace_id)
    ).first()
    if workspace is None:
        return frozenset()
    return workspace_lane_config(workspace.lanes_yaml).marketing_lanes


def lane_among(
    lane: InstrumentedAttribute[str | None], lanes: frozenset[str]
) -> ColumnElement[bool]:
    """SQL: `lane` is one of `lanes`, in any case (false for none, and for no lane)."""
    return func.lower(lane).in_(sorted({name.lower() for name in lanes}))


def lane_of_conversation(*, session: Session, conversation_id: int) -> str | None:
    """The lane stored on a conversation (None when it has none or does not exist)."""
    return session.scalar(select(Conversation.lane).where(Conversation.id == conversation_id))


def check_in_lanes(
    *,
    session: Session,
    workspace_id: int,
    lanes: LanesSeen,
    conversation_id: int | None = None,
    post_id: int | None = None,
    reply_id: int | None = None,
    author_id: int | None = None,
    customer_id: int | None = None,
) -> None:
    """NotFoundError naming the first given row that does not lie in `lanes` of the
    workspace; nothing when `lanes` is None (every lane) or every given row lies in them."""
    if lanes is None:
        return
    checks = (
        ("conversation", conversation_id, Conversation.id == conversation_id),
        (
            "post",
            post_id,
            exists().where(Post.id == post_id, Post.conversation_id == Conversation.id),
        ),
        (
            "reply",
            reply_id,
            exists().where(Reply.id == reply_id, Reply.conversation_id == Conversation.id),
        ),
        ("author", author_id, Conversation.author_id == author_id),
        (
            "customer",
            customer_id,
            exists().where(
                Identity.customer_id == customer_id,
                Identity.author_id == Conversation.author_id,
            ),
        ),
    )
    for kind, row_id, condition in checks:
        if row_id is None:
            continue
        found = session.scalar(
            select(
                exists().where(
                    Conversation.workspace_id == workspace_id,
                    lane_among(Conversation.lane, lanes),
                    condition,
                )
            )
        )
        if not found:
            raise NotFoundError(f"no {kind} {row_id} in this workspace")
