"""What has been loaded into each workspace: the landing page's figures."""

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from carelane.channels.schemas import ChannelOut
from carelane.channels.service import get_channel_counts
from carelane.conversations.lane_scope import LanesSeen, lane_among
from carelane.domain.conversations import ConversationStatus
from carelane.store.models import Author, Conversation, Customer, Identity, Post, PostTriage
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
    actionable: int = 0
    top_intents: list[tuple[str, int]] = field(default_factory=list)
    top_lanes: list[tuple[str, int]] = field(default_factory=list)

    @property
    def conversation_total(self) -> int:
        return sum(self.conversations.values())


def _counts_by_workspace(session: Session, column: InstrumentedAttribute[int]) -> dict[int, int]:
    rows = session.execute(select(column, func.count()).group_by(column))
    return {row[0]: row[1] for row in rows}


TOP = 3
"""How many intents and lanes the overview names per workspace."""


def _top_by_workspace(
    session: Session, column: InstrumentedAttribute[str]
) -> dict[int, list[tuple[str, int]]]:
    """Per workspace, the values of a triage column most of its posts have, with counts."""
    rows = session.execute(
        select(PostTriage.workspace_id, column, func.count()).group_by(
            PostTriage.workspace_id, column
        )
    )
    counts: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for workspace_id, value, count in rows:
        counts[workspace_id].append((value, count))
    return {workspace_id: _commonest(values) for workspace_id, values in counts.items()}


def _commonest(counts: Iterable[tuple[str | None, int]]) -> list[tuple[str, int]]:
    """The `TOP` values with the highest counts (ties by value), leaving out no value."""
    found = [(value, count) for value, count in counts if value is not None]
    return sorted(found, key=lambda v: (-v[1], v[0]))[:TOP]


def _in_lanes_figures(session: Session, workspace_id: int, lanes: frozenset[str]) -> dict[str, Any]:
    """A workspace's authors, customers, post time range, actionable posts and commonest
    intents and lanes, counting only conversations in `lanes` and their posts."""
    in_lanes = (Conversation.workspace_id == workspace_id, lane_among(Conversation.lane, lanes))
    posts = (
        select(Post.id, Post.created_at)
        .join(Conversation, Conversation.id == Post.conversation_id)
        .where(*in_lanes)
        .subquery()
    )
    first, last = session.execute(
        select(func.min(posts.c.created_at), func.max(posts.c.created_at))
    ).one()
    triage = select(PostTriage).join(posts, posts.c.id == PostTriage.post_id).subquery()

    def top(column: Any) -> list[tuple[str, int]]:
        rows = session.execute(select(column, func.count()).group_by(column)).all()
        return _commonest((row[0], row[1]) for row in rows)

    return {
        "authors": session.scalar(
            select(func.count(func.distinct(Conversation.author_id))).where(*in_lanes)
        )
        or 0,
        "customers": session.scalar(
            select(func.count(func.distinct(Identity.customer_id))).where(
                Identity.author_id.in_(select(Conversation.author_id).where(*in_lanes))
            )
        )
        or 0,
        "first_post_at": first,
        "last_post_at": last,
        "actionable": session.scalar(
            select(func.count()).select_from(triage).where(triage.c.actionable.is_(True))
        )
        or 0,
        "top_intents": top(triage.c.intent),
        "top_lanes": top(triage.c.lane),
    }


def get_overview(
    *,
    session: Session,
    only: Collection[int] | None = None,
    lanes_of: Callable[[int], LanesSeen] | None = None,
) -> list[WorkspaceOverview]:
    """Every workspace (or those of ids `only`) with its channels (and their counts), its
    totals of posts, conversations by status, authors and customers, the time range of its
    posts, and its posts' triage: how many are actionable, and the commonest intents and
    lanes. `lanes_of` gives the lanes the reader sees of a workspace (None: every lane);
    the figures of a workspace seen in some lanes only count what lies in them."""
    authors = _counts_by_workspace(session, Author.workspace_id)
    customers = _counts_by_workspace(session, Customer.workspace_id)
    actionable = {
        row[0]: row[1]
        for row in session.execute(
            select(PostTriage.workspace_id, func.count())
            .where(PostTriage.actionable.is_(True))
            .group_by(PostTriage.workspace_id)
        )
    }
    intents = _top_by_workspace(session, PostTriage.intent)
    lanes_by_workspace = _top_by_workspace(session, PostTriage.lane)
    overview = []
    for workspace in get_workspaces(session=session, only=only):
        lanes = lanes_of(workspace.id) if lanes_of is not None else None
        channels = get_channel_counts(session=session, workspace_id=workspace.id, lanes=lanes)
        if lanes is not None:
            figures = _in_lanes_figures(session, workspace.id, lanes)
        else:
            first, last = session.execute(
                select(func.min(Post.created_at), func.max(Post.created_at)).where(
                    Post.workspace_id == workspace.id
                )
            ).one()
            figures = {
                "authors": authors.get(workspace.id, 0),
                "customers": customers.get(workspace.id, 0),
                "first_post_at": first,
                "last_post_at": last,
                "actionable": actionable.get(workspace.id, 0),
                "top_intents": intents.get(workspace.id, []),
                "top_lanes": lanes_by_workspace.get(workspace.id, []),
            }
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
                **figures,
            )
        )
    return overview
