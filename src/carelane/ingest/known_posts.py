"""Which posts of a batch are stored already: read before any work is spent on them.

A replayed or re-sent post is the common duplicate; finding it before triage saves the
batch the triage of posts it will not store. This is a read, not the guarantee: the
persist stage still catches a post a concurrent ingester stored meanwhile.
"""

from collections.abc import Iterable
from typing import cast

from sqlalchemy import Table, select, tuple_
from sqlalchemy.orm import Session

from carelane.store.models import Channel, Post, Workspace
from carelane.store.value_lists import is_one_of

PostKey = tuple[str, str, str, str]  # workspace slug, network, channel account, external id

_workspace = cast(Table, Workspace.__table__)
_channel = cast(Table, Channel.__table__)
_post = cast(Table, Post.__table__)


def stored_post_ids(session: Session, keys: Iterable[PostKey]) -> dict[PostKey, int]:
    """The ids of the posts among `keys` that are stored."""
    by_channel: dict[tuple[str, str, str], set[str]] = {}
    for slug, network, account, external_id in keys:
        by_channel.setdefault((slug, network, account), set()).add(external_id)
    if not by_channel:
        return {}
    channel_columns = (_workspace.c.slug, _channel.c.network, _channel.c.account)
    channels = session.execute(
        select(*channel_columns, _channel.c.id)
        .join(_workspace, _workspace.c.id == _channel.c.workspace_id)
        .where(tuple_(*channel_columns).in_(sorted(by_channel)))
    ).all()
    found: dict[PostKey, int] = {}
    for slug, network, account, channel_id in channels:
        rows = session.execute(
            select(_post.c.external_id, _post.c.id).where(
                _post.c.channel_id == channel_id,
                is_one_of(session, _post.c.external_id, by_channel[(slug, network, account)]),
            )
        ).all()
        found.update({(slug, network, account, external_id): i for external_id, i in rows})
    return found
