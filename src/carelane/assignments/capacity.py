"""Pushing to capacity as it appears: a call distributor offers waiting contacts not only
when they arrive but also when an agent can take one, so when an agent becomes available,
or a slot of theirs is freed (a conversation of theirs resolved, closed, transferred
away or taken over from them), the most urgent waiting conversations they may take are
dispatched to them at once (`assignments.dispatch`, restricted to them).

It runs after the change that made the room has committed, in a transaction of its own:
a dispatch that fails leaves the change made and the conversations queued, where a pull
or a later push takes them; the failure is logged, never the change's.
"""

import logging
from collections.abc import Collection
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from carelane.assignments.dispatch import Dispatch, do_dispatch_waiting

logger = logging.getLogger(__name__)


def do_push_waiting_to_agents(
    *,
    session: Session,
    workspace_id: int,
    agent_ids: Collection[int],
    now: datetime,
    sparing: Collection[int] = (),
) -> Dispatch:
    """Dispatch the waiting queue to `agent_ids` only, up to their free slots, most urgent
    first, never one of `sparing` (what they just gave away); nothing to an agent who is
    not available. Call it once the change that made room has committed: a database
    failure here is logged and answered as nothing dispatched."""
    if not agent_ids:
        return Dispatch([])
    try:
        return do_dispatch_waiting(
            session=session,
            workspace_id=workspace_id,
            now=now,
            agents=agent_ids,
            sparing=sparing,
        )
    except SQLAlchemyError:
        logger.exception(
            "dispatching the waiting queue to agents %s of workspace %s failed; it stays queued",
            sorted(agent_ids),
            workspace_id,
        )
        return Dispatch([])
