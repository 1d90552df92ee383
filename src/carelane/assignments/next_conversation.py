"""Pull: "next conversation" gives an agent the most urgent waiting conversation they may
take (`routing.pull`), read from the head of the queue.

The agent's row is locked and their load counted after the lock (see
`assignments.service`); a conversation is taken with `SKIP LOCKED` on PostgreSQL, so
agents pulling at once take different ones instead of queueing behind each other, and a
pull never waits for a conversation's lock.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from carelane.assignments.agent_reads import LOCK_PULLING_AGENT, agent_load
from carelane.assignments.conversation_reads import QUEUE_HEADS
from carelane.assignments.holding import claim_first_waiting, record_hold
from carelane.assignments.roster_store import RosterFrame
from carelane.assignments.schemas import AssignmentOut
from carelane.domain.errors import NotFoundError
from carelane.routing.agents import AgentSnapshot, AgentState
from carelane.routing.pull import WaitingQueue, next_conversation, offered_in_order
from carelane.routing.push import PushOutcome
from carelane.routing.queues import DEFAULT_BREACH_WINDOW
from carelane.routing.roster import Roster
from carelane.store.database import unit_of_work

PULL_PAGE = 20
"""Waiting conversations a pull reads at a time, in queue order."""
PULL_PAGES = 50
"""Pages a pull reads at most before it says nothing fits (1,000 conversations)."""


def do_next_conversation(
    *, session: Session, workspace_id: int, agent_id: int, now: datetime
) -> AssignmentOut:
    """Give agent `agent_id` the most urgent waiting conversation they may take
    (`routing.pull`) and log `conversation.assigned`; or say why there is none.

    The head of the queue is read a page at a time in queue order (those at risk, then
    the others), only of the lanes, the networks with a free slot and the tiers the agent
    may take. Conversations another pull holds locked at this moment are passed over (on
    PostgreSQL), so concurrent pulls take different ones. NotFoundError for an agent
    outside the workspace.
    """
    with unit_of_work(session):
        connection = session.connection()
        row = connection.execute(
            LOCK_PULLING_AGENT, {"agent_id": agent_id, "workspace_id": workspace_id}
        ).one_or_none()
        if row is None:
            RosterFrame.of(session, workspace_id)  # NotFoundError for an unknown workspace
            raise NotFoundError(f"no agent {agent_id} in this workspace")
        frame = RosterFrame.at(session, workspace_id, row.roster_version, row.lanes_yaml)
        snapshot = frame.snapshot(row, agent_load(connection, agent_id))
        roster = frame.roster([snapshot])
        networks = [n.value for n in snapshot.profile.capacity if snapshot.has_room_on(n)]
        lanes = frame.agent_lanes(snapshot)
        if snapshot.state in (AgentState.AWAY, AgentState.OFFLINE) or not networks or not lanes:
            return _nothing(snapshot, roster, now)
        asked = {
            "workspace_id": workspace_id,
            "at_risk_until": now + DEFAULT_BREACH_WINDOW,
            "tier": snapshot.profile.tier,
            "networks": networks,
            "lanes": sorted(lanes),
            "page": PULL_PAGE,
        }
        default_lane_too = frame.default_lane in lanes
        taken: set[int] = set()
        seen: list[int] = []
        pages_left = PULL_PAGES
        for at_risk in (True, False):
            head = QUEUE_HEADS[(at_risk, default_lane_too)]
            while pages_left:
                rows = connection.execute(head, {**asked, "seen": seen}).all()
                pages_left -= 1
                seen += [row.id for row in rows]
                queue = WaitingQueue([frame.to_route(r) for r in rows], roster=roster, now=now)
                offered = offered_in_order(snapshot, queue, exclude=taken)
                ids = [position.conversation.id for position in offered]
                claimed = claim_first_waiting(connection, ids, snapshot.id, now) if ids else None
                if claimed is not None:
                    # The ones before it, other pulls took meanwhile.
                    decision = next_conversation(
                        snapshot, queue, exclude=taken | set(ids[: ids.index(claimed)])
                    )
                    return record_hold(
                        session,
                        frame=frame,
                        conversation=offered[ids.index(claimed)].conversation,
                        snapshot=snapshot,
                        outcome="pulled",
                        explanation=decision.explanation,
                        now=now,
                        by_agent_id=snapshot.id,
                        extra={"by_overflow": decision.by_overflow},
                        claimed=True,
                    )
                taken.update(ids)  # other pulls took every one
                if len(rows) < PULL_PAGE:
                    break
        return _nothing(snapshot, roster, now)


def _nothing(snapshot: AgentSnapshot, roster: Roster, now: datetime) -> AssignmentOut:
    decision = next_conversation(snapshot, WaitingQueue([], roster=roster, now=now))
    return AssignmentOut(
        conversation_id=None,
        agent_id=snapshot.id,
        agent_name=snapshot.name,
        assigned=False,
        outcome=PushOutcome.NOBODY.value,
        explanation=decision.explanation.replace("(0 waiting in all)", "").strip(),
    )
