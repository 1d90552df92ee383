"""HTTP: assign, pull, take over and transfer conversations; agents' presence; the queue."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from carelane.accounts.roles import Permission
from carelane.assignments.next_conversation import do_next_conversation
from carelane.assignments.queue import MAX_QUEUE_PAGE, do_dispatch_queue, get_queue
from carelane.assignments.schemas import (
    AgentStateIn,
    AgentStateOut,
    AssignIn,
    AssignmentOut,
    DispatchIn,
    DispatchOut,
    QueueOut,
    TakeOverIn,
    TransferIn,
    TransferOut,
)
from carelane.assignments.service import do_assign, do_set_agent_state, do_take_over
from carelane.assignments.transfers import do_transfer
from carelane.web.auth import allowed, check_own_agent
from carelane.web.dependencies import SessionDep, WorkspaceIdDep, utc_now
from carelane.web.errors import ERROR_RESPONSES
from carelane.web.row_ids import PathId

router = APIRouter(
    tags=["assignments"],
    responses=ERROR_RESPONSES,
    dependencies=[allowed(Permission.HANDLE_CONVERSATIONS, "work conversations")],
)
_REASSIGN = allowed(Permission.REASSIGN, "assign or take over conversations")
_OWN_AGENT = Depends(check_own_agent)


@router.post(
    "/workspaces/{workspace}/conversations/{conversation_id}/assignment",
    dependencies=[_REASSIGN],
    response_model=AssignmentOut,
)
def assign_conversation(
    workspace_id: WorkspaceIdDep, conversation_id: PathId, body: AssignIn, session: SessionDep
) -> AssignmentOut:
    """Give the conversation to the agent named, or (without `agent_id`) push it to the best
    agent available now; the answer says who and why, or why nobody. 409 when another
    agent holds it (take it over instead) or the agent has no free slot."""
    return do_assign(
        session=session,
        workspace_id=workspace_id,
        conversation_id=conversation_id,
        agent_id=body.agent_id,
        now=utc_now(),
    )


@router.post(
    "/workspaces/{workspace}/agents/{agent_id}/next-conversation",
    response_model=AssignmentOut,
    dependencies=[_OWN_AGENT],
)
def pull_next_conversation(
    workspace_id: WorkspaceIdDep, agent_id: PathId, session: SessionDep
) -> AssignmentOut:
    """Give the agent the most urgent waiting conversation they may take, or say why there
    is none."""
    return do_next_conversation(
        session=session, workspace_id=workspace_id, agent_id=agent_id, now=utc_now()
    )


@router.post(
    "/workspaces/{workspace}/conversations/{conversation_id}/takeover",
    dependencies=[_REASSIGN],
    response_model=AssignmentOut,
)
def take_over_conversation(
    workspace_id: WorkspaceIdDep, conversation_id: PathId, body: TakeOverIn, session: SessionDep
) -> AssignmentOut:
    """The agent given takes the conversation from whoever holds it, saying why (audited
    as `conversation.taken_over`); 409 when nobody holds it."""
    return do_take_over(
        session=session,
        workspace_id=workspace_id,
        conversation_id=conversation_id,
        agent_id=body.agent_id,
        reason=body.reason,
        now=utc_now(),
    )


@router.post(
    "/workspaces/{workspace}/conversations/{conversation_id}/transfer",
    response_model=TransferOut,
)
def transfer_conversation(
    workspace_id: WorkspaceIdDep, conversation_id: PathId, body: TransferIn, session: SessionDep
) -> TransferOut:
    """Move the conversation to another lane, team or tier (a higher tier escalates) with a
    note; its holder is released and it waits in the target's queue."""
    return do_transfer(
        session=session,
        workspace_id=workspace_id,
        conversation_id=conversation_id,
        note=body.note,
        to_lane=body.to_lane,
        to_team=body.to_team,
        to_tier=body.to_tier,
        by_agent_id=body.by_agent_id,
        now=utc_now(),
    )


@router.put(
    "/workspaces/{workspace}/agents/{agent_id}/state",
    response_model=AgentStateOut,
    dependencies=[_OWN_AGENT],
)
def set_agent_state(
    workspace_id: WorkspaceIdDep, agent_id: PathId, body: AgentStateIn, session: SessionDep
) -> AgentStateOut:
    """Set the agent's presence: available, busy, away or offline."""
    return do_set_agent_state(
        session=session,
        workspace_id=workspace_id,
        agent_id=agent_id,
        state=body.state,
        now=utc_now(),
    )


@router.get(
    "/workspaces/{workspace}/queue",
    response_model=QueueOut,
    dependencies=[allowed(Permission.VIEW_QUEUES, "see the queue")],
)
def show_queue(
    workspace: str,
    workspace_id: WorkspaceIdDep,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=MAX_QUEUE_PAGE)] = 100,
) -> QueueOut:
    """The conversations waiting for an agent, in queue order (at risk of breaching first,
    then priority, time left, time waited), each with the line that says why."""
    return get_queue(
        session=session, workspace_id=workspace_id, workspace=workspace, now=utc_now(), limit=limit
    )


@router.post(
    "/workspaces/{workspace}/queue/dispatch",
    response_model=DispatchOut,
    dependencies=[allowed(Permission.REASSIGN, "dispatch the queue")],
)
def dispatch_queue(
    workspace: str,
    workspace_id: WorkspaceIdDep,
    session: SessionDep,
    body: DispatchIn | None = None,
) -> DispatchOut:
    """Give the most urgent waiting conversations (`limit`, 1 to 5,000; 200 without a
    body) to the best agents free now, as arrivals are pushed: the answer says how many
    were assigned, to whom, how many still wait and why."""
    return do_dispatch_queue(
        session=session,
        workspace_id=workspace_id,
        workspace=workspace,
        now=utc_now(),
        limit=body.limit if body is not None else None,
    )
