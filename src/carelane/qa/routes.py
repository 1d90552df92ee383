"""HTTP: the approval queue (approve, edit and approve, reject), the review queue and
scorecards, certification levels and promotions, and the quality settings."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from carelane.accounts.roles import Permission
from carelane.qa.approvals import (
    MAX_QUEUE_PAGE,
    do_approve_reply,
    do_reject_reply,
    get_approval_queue,
)
from carelane.qa.certification import (
    do_set_certification_level,
    get_certification,
    get_certification_levels,
    get_promotions,
)
from carelane.qa.reviews import do_review_reply, get_review_queue, get_scorecards
from carelane.qa.schemas import (
    ApproveIn,
    CertificationIn,
    CertificationList,
    CertificationOut,
    PromotionList,
    QueueOut,
    RejectIn,
    ScorecardIn,
    ScorecardList,
    ScorecardOut,
)
from carelane.qa.settings import QualitySettings
from carelane.qa.settings_store import do_set_quality_settings, get_quality_settings
from carelane.replies.schemas import ReplyOut
from carelane.web.auth import SignedInDep, allowed, check_own_agent
from carelane.web.dependencies import SessionDep, WorkspaceIdDep, utc_now
from carelane.web.errors import ERROR_RESPONSES
from carelane.web.row_ids import PathId

router = APIRouter(
    tags=["approvals and quality"],
    responses=ERROR_RESPONSES,
    dependencies=[allowed(Permission.HANDLE_CONVERSATIONS, "work conversations")],
)
_APPROVE = allowed(Permission.APPROVE_REPLIES, "approve, reject or score replies")
_MANAGE = allowed(Permission.MANAGE_QUALITY, "set certification levels or quality settings")
_VIEW = allowed(Permission.VIEW_QUEUES, "see every agent's certification level")
_REPLY = "/workspaces/{workspace}/replies/{reply_id}"
Limit = Annotated[int, Query(ge=1, le=MAX_QUEUE_PAGE)]


@router.get("/workspaces/{workspace}/approvals", response_model=QueueOut, dependencies=[_APPROVE])
def list_approvals(
    workspace_id: WorkspaceIdDep, session: SessionDep, limit: Limit = 100
) -> QueueOut:
    """Replies awaiting a supervisor's approval, longest waiting first, each with why it
    waits and the customer's post it answers."""
    return get_approval_queue(session=session, workspace_id=workspace_id, limit=limit)


@router.post(f"{_REPLY}/approve", response_model=ReplyOut, dependencies=[_APPROVE])
def approve_reply(
    workspace_id: WorkspaceIdDep,
    reply_id: PathId,
    body: ApproveIn,
    session: SessionDep,
    user: SignedInDep,
) -> ReplyOut:
    """Approve a reply awaiting approval, as written or with `text` instead (edited), and
    send it. 409 when it does not await approval; 403 for one's own reply; the guards'
    422s for an edited text."""
    return do_approve_reply(
        session=session,
        workspace_id=workspace_id,
        reply_id=reply_id,
        text=body.text,
        comment=body.comment,
        user_id=user.user_id,
        own_agent_ids=user.agent_ids,
        now=utc_now(),
    )


@router.post(f"{_REPLY}/reject", response_model=ReplyOut, dependencies=[_APPROVE])
def reject_reply(
    workspace_id: WorkspaceIdDep,
    reply_id: PathId,
    body: RejectIn,
    session: SessionDep,
    user: SignedInDep,
) -> ReplyOut:
    """Send a reply awaiting approval back to its agent with a comment; they change it
    and send it again."""
    return do_reject_reply(
        session=session,
        workspace_id=workspace_id,
        reply_id=reply_id,
        comment=body.comment,
        user_id=user.user_id,
        own_agent_ids=user.agent_ids,
        now=utc_now(),
    )


@router.get("/workspaces/{workspace}/reviews", response_model=QueueOut, dependencies=[_APPROVE])
def list_reviews(
    workspace_id: WorkspaceIdDep, session: SessionDep, user: SignedInDep, limit: Limit = 100
) -> QueueOut:
    """Sent replies waiting for review that the signed-in reviewer has neither written nor
    scored, oldest sent first."""
    return get_review_queue(
        session=session,
        workspace_id=workspace_id,
        user_id=user.user_id,
        own_agent_ids=user.agent_ids,
        limit=limit,
    )


@router.get(f"{_REPLY}/scorecards", response_model=ScorecardList)
def list_scorecards(
    workspace_id: WorkspaceIdDep, reply_id: PathId, session: SessionDep
) -> ScorecardList:
    """A reply's scorecards, with the criteria it is scored on and the pass mark."""
    return get_scorecards(session=session, workspace_id=workspace_id, reply_id=reply_id)


@router.post(
    f"{_REPLY}/scorecards", response_model=ScorecardOut, status_code=201, dependencies=[_APPROVE]
)
def score_reply(
    workspace_id: WorkspaceIdDep,
    reply_id: PathId,
    body: ScorecardIn,
    session: SessionDep,
    user: SignedInDep,
) -> ScorecardOut:
    """The signed-in reviewer's scorecard of a sent reply: a score for each criterion of
    the agent's team (or the workspace's) and a comment. 409 for a second scorecard by
    the same reviewer."""
    return do_review_reply(
        session=session,
        workspace_id=workspace_id,
        reply_id=reply_id,
        scores=body.scores,
        comment=body.comment,
        user_id=user.user_id,
        own_agent_ids=user.agent_ids,
        now=utc_now(),
    )


@router.get(
    "/workspaces/{workspace}/certification",
    response_model=CertificationList,
    dependencies=[_VIEW],
)
def list_certification(workspace_id: WorkspaceIdDep, session: SessionDep) -> CertificationList:
    """Every agent on the roster with their certification level, by name."""
    return CertificationList(
        items=get_certification_levels(session=session, workspace_id=workspace_id)
    )


@router.get(
    "/workspaces/{workspace}/agents/{agent_id}/certification",
    response_model=CertificationOut,
    dependencies=[Depends(check_own_agent)],
)
def show_certification(
    workspace_id: WorkspaceIdDep, agent_id: PathId, session: SessionDep
) -> CertificationOut:
    """An agent's certification level (an agent sees their own)."""
    return get_certification(session=session, workspace_id=workspace_id, agent_id=agent_id)


@router.put(
    "/workspaces/{workspace}/agents/{agent_id}/certification",
    response_model=CertificationOut,
    dependencies=[_MANAGE],
)
def set_certification(
    workspace_id: WorkspaceIdDep,
    agent_id: PathId,
    body: CertificationIn,
    session: SessionDep,
    user: SignedInDep,
) -> CertificationOut:
    """Set an agent's certification level (trainee, probation, certified) from now on."""
    return do_set_certification_level(
        session=session,
        workspace_id=workspace_id,
        agent_id=agent_id,
        level=body.level,
        note=body.note,
        user_id=user.user_id,
        now=utc_now(),
    )


@router.get(
    "/workspaces/{workspace}/promotions", response_model=PromotionList, dependencies=[_MANAGE]
)
def list_promotions(
    workspace_id: WorkspaceIdDep,
    session: SessionDep,
    ready: Annotated[bool, Query(description="Only those ready for the next level.")] = False,
) -> PromotionList:
    """Trainees and agents on probation with their record at their level and whether the
    workspace's promotion rule suggests the next level (ready ones first)."""
    return PromotionList(
        items=get_promotions(
            session=session, workspace_id=workspace_id, now=utc_now(), ready_only=ready
        )
    )


@router.get("/workspaces/{workspace}/quality-settings", response_model=QualitySettings)
def show_quality_settings(workspace_id: WorkspaceIdDep, session: SessionDep) -> QualitySettings:
    """The approval rules, review sampling, scorecard criteria and promotion rule."""
    return get_quality_settings(session=session, workspace_id=workspace_id)


@router.put(
    "/workspaces/{workspace}/quality-settings",
    response_model=QualitySettings,
    dependencies=[_MANAGE],
)
def set_quality_settings(
    workspace_id: WorkspaceIdDep, body: QualitySettings, session: SessionDep, user: SignedInDep
) -> QualitySettings:
    """Replace the approval rules, review sampling, scorecard criteria and promotion
    rule; what is left out takes its default."""
    return do_set_quality_settings(
        session=session,
        workspace_id=workspace_id,
        settings=body,
        user_id=user.user_id,
        now=utc_now(),
    )
