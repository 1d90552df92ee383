"""Reading a workspace's channels with their post and conversation counts."""

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from carelane.channels.schemas import ChannelOut
from carelane.conversations.lane_scope import LanesSeen, lane_among
from carelane.domain.channels import ChannelKind, Network
from carelane.domain.conversations import ConversationStatus
from carelane.store.models import Channel, Conversation, Post, PostTriage
from carelane.workspaces.service import get_workspace_id


def get_channel_counts(
    *, session: Session, workspace_id: int, lanes: LanesSeen = None
) -> list[ChannelOut]:
    """Every channel of workspace `workspace_id` by network and account, with its number
    of posts (and of those triage found actionable) and of conversations in each status;
    with `lanes`, counting only what lies in those lanes."""
    channels = session.scalars(
        select(Channel)
        .where(Channel.workspace_id == workspace_id)
        .order_by(Channel.network, Channel.account)
    ).all()
    actionable = func.coalesce(func.sum(case((PostTriage.actionable.is_(True), 1), else_=0)), 0)
    post_query = (
        select(Post.channel_id, func.count(), actionable)
        .outerjoin(PostTriage, PostTriage.post_id == Post.id)
        .where(Post.workspace_id == workspace_id)
        .group_by(Post.channel_id)
    )
    conversation_query = (
        select(Conversation.channel_id, Conversation.status, func.count())
        .where(Conversation.workspace_id == workspace_id)
        .group_by(Conversation.channel_id, Conversation.status)
    )
    if lanes is not None:
        post_query = post_query.join(Conversation, Conversation.id == Post.conversation_id).where(
            lane_among(Conversation.lane, lanes)
        )
        conversation_query = conversation_query.where(lane_among(Conversation.lane, lanes))
    post_counts = session.execute(post_query).all()
    posts = {channel_id: (count, acting) for channel_id, count, acting in post_counts}
    conversations: dict[int, dict[str, int]] = {
        channel.id: {status.value: 0 for status in ConversationStatus} for channel in channels
    }
    rows = session.execute(conversation_query).all()
    for channel_id, status, count in rows:
        conversations[channel_id][status] = count
    return [
        ChannelOut(
            id=channel.id,
            network=Network(channel.network),
            account=channel.account,
            kind=ChannelKind(channel.kind),
            created_at=channel.created_at,
            posts=posts.get(channel.id, (0, 0))[0],
            actionable_posts=posts.get(channel.id, (0, 0))[1],
            conversations=conversations[channel.id],
        )
        for channel in channels
    ]


def get_channels(*, session: Session, workspace: str, lanes: LanesSeen = None) -> list[ChannelOut]:
    """The channels of workspace `workspace` (a slug) with their counts (within `lanes`,
    when given); NotFoundError if the workspace is unknown."""
    workspace_id = get_workspace_id(session=session, slug=workspace)
    return get_channel_counts(session=session, workspace_id=workspace_id, lanes=lanes)
