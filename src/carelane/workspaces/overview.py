"""What has been loaded into each workspace: the landing page's figures."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from carelane.channels.schemas import ChannelOut
from carelane.channels.service import get_channel_counts
from carelane.domain.conversations import ConversationStatus
from carelane.store.models import Author, Customer, Post
from carelane.workspaces.schemas import WorkspaceOut
from carelane.workspaces.service import get_workspaces


@dataclass(frozen=True, slots=True)
class WorkspaceOverview:
    """One workspace's channels and totals."""

    workspace: WorkspaceOut
    channels: list[ChannelOut]
    posts: int
    conversations: dict[str, int]
    authors: int
    customers: int
    first_post_at: datetime | None
    last_post_at: datetime | None

    @property
    def conversation_total(self) -> int:
        return sum(self.conversations.values())


def _counts_by_workspace(session: Session, column: InstrumentedAttribute[int]) -> dict[int, int]:
    rows = session.execute(select(column, func.count()).group_by(column))
    return {row[0]: row[1] for row in rows}


def get_overview(*, session: Session) -> list[WorkspaceOverview]:
    """Every workspace with its channels (and their counts), its totals of posts,
    conversations by status, authors and customers, and the time range of its posts."""
    authors = _counts_by_workspace(session, Author.workspace_id)
    customers = _counts_by_workspace(session, Customer.workspace_id)
    overview = []
    for workspace in get_workspaces(session=session):
        channels = get_channel_counts(session=session, workspace_id=workspace.id)
        first, last = session.execute(
            select(func.min(Post.created_at), func.max(Post.created_at)).where(
                Post.workspace_id == workspace.id
            )
        ).one()
        conversations = {status.value: 0 for status in ConversationStatus}
        for channel in channels:
            for status, count in channel.conversations.items():
                conversations[status] += count
        overview.append(
            WorkspaceOverview(
                workspace=workspace,
                channels=channels,
                posts=sum(channel.posts for channel in channels),
                conversations=conversations,
                authors=authors.get(workspace.id, 0),
                customers=customers.get(workspace.id, 0),
                first_post_at=first,
                last_post_at=last,
            )
        )
    return overview
