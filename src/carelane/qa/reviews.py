"""Reviews after sending: the queue of sent replies waiting for one, and scorecards.

A scorecard scores a sent reply on each criterion of its agent's team (or of the
workspace, when the team has none of its own), 1 to the criterion's top score, with a
comment; it passes when every score reaches the workspace's pass mark. Several
reviewers may score one reply, each once; a reply queued for review leaves the queue
once it has the workspace's number of scorecards. Nobody scores their own reply.
"""

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from carelane.accounts.errors import ForbiddenError
from carelane.domain.errors import (
    ConflictError,
    FieldError,
    InvalidInputError,
    NotFoundError,
    WrongStateError,
)
from carelane.domain.events import EventType
from carelane.qa.approvals import MAX_COMMENT_CHARS, MAX_QUEUE_PAGE, queue_items
from carelane.qa.schemas import QueueOut, ScorecardList, ScorecardOut
from carelane.qa.settings import Criterion, QualitySettings
from carelane.qa.settings_store import get_quality_settings
from carelane.replies.reads import reply_rows
from carelane.replies.states import ReplyState, ReviewState
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.models import QualityReview, Reply, Team, TeamMember, UserAccount


def criteria_of_agent(
    session: Session, settings: QualitySettings, agent_id: int
) -> list[Criterion]:
    """The criteria the agent's replies are scored on: their first team's own (teams by
    name), else the workspace's."""
    teams = list(
        session.scalars(
            select(Team.name)
            .join(TeamMember, TeamMember.team_id == Team.id)
            .where(TeamMember.agent_id == agent_id)
            .order_by(Team.name)
        )
    )
    return settings.criteria_for(teams)


def score_problems(scores: dict[str, int], criteria: list[Criterion]) -> list[FieldError]:
    """What is wrong with `scores` for `criteria`: each missing, unknown or out of range."""
    problems = []
    known = {criterion.name: criterion for criterion in criteria}
    for criterion in criteria:
        score = scores.get(criterion.name)
        if score is None:
            problems.append(FieldError(f"scores.{criterion.name}", "score this criterion"))
        elif not 1 <= score <= criterion.max_score:
            problems.append(
                FieldError(
                    f"scores.{criterion.name}",
                    f"from 1 to {criterion.max_score}, not {score}",
                )
            )
    names = ", ".join(known)
    problems.extend(
        FieldError(f"scores.{name}", f"no such criterion here; the criteria are {names}")
        for name in scores
        if name not in known
    )
    return problems


def _scorecard_out(review: QualityReview, reviewer_name: str) -> ScorecardOut:
    return ScorecardOut(
        id=review.id,
        reply_id=review.reply_id,
        agent_id=review.agent_id,
        reviewer_user_id=review.reviewer_user_id,
        reviewer_name=reviewer_name,
        scores=dict(review.scores),
        mean_score=review.mean_score,
        passed=review.passed,
        comment=review.comment,
        created_at=review.created_at,
    )


def do_review_reply(
    *,
    session: Session,
    workspace_id: int,
    reply_id: int,
    scores: dict[str, int],
    user_id: int,
    now: datetime,
    own_agent_ids: Collection[int] = frozenset(),
    comment: str | None = None,
) -> ScorecardOut:
    """The user's scorecard of a sent reply.

    NotFoundError for another workspace's reply; WrongStateError for a reply not sent;
    ForbiddenError for one's own; ConflictError for a second scorecard by one reviewer;
    InvalidInputError naming each score that is missing, unknown or out of range."""
    comment = (comment or "").strip() or None
    if comment is not None and len(comment) > MAX_COMMENT_CHARS:
        raise InvalidInputError(
            [FieldError("comment", f"at most {MAX_COMMENT_CHARS:,} characters, not {len(comment)}")]
        )
    with unit_of_work(session):
        reply = session.scalar(
            select(Reply)
            .where(Reply.id == reply_id, Reply.workspace_id == workspace_id)
            .with_for_update()
        )
        if reply is None:
            raise NotFoundError(f"no reply {reply_id} in this workspace")
        if reply.state != ReplyState.SENT.value:
            raise WrongStateError(
                f"reply {reply_id} is {reply.state.replace('_', ' ')}: only sent replies are "
                "scored (one awaiting approval is approved or rejected)"
            )
        if reply.agent_id in own_agent_ids:
            raise ForbiddenError("nobody scores their own reply")
        if session.scalar(
            select(QualityReview.id).where(
                QualityReview.reply_id == reply_id, QualityReview.reviewer_user_id == user_id
            )
        ):
            raise ConflictError(f"you have scored reply {reply_id} already")
        settings = get_quality_settings(session=session, workspace_id=workspace_id)
        criteria = criteria_of_agent(session, settings, reply.agent_id)
        problems = score_problems(scores, criteria)
        if problems:
            raise InvalidInputError(problems)
        ordered = {criterion.name: scores[criterion.name] for criterion in criteria}
        passed = all(score >= settings.pass_mark for score in ordered.values())
        review = QualityReview(
            workspace_id=workspace_id,
            reply_id=reply_id,
            agent_id=reply.agent_id,
            reviewer_user_id=user_id,
            scores=ordered,
            mean_score=round(sum(ordered.values()) / len(ordered), 3),
            passed=passed,
            comment=comment,
            created_at=now,
        )
        session.add(review)
        session.flush()
        count = session.scalar(select(func.count()).where(QualityReview.reply_id == reply_id))
        if reply.review_state == ReviewState.PENDING.value and (count or 0) >= (
            settings.reviewers_per_reply
        ):
            reply.review_state = ReviewState.REVIEWED.value
        append_events(
            session,
            [
                EventRow(
                    workspace_id,
                    EventType.REPLY_REVIEWED,
                    now,
                    conversation_id=reply.conversation_id,
                    agent_id=reply.agent_id,
                    data={
                        "reply_id": reply_id,
                        "level": reply.certification_level,
                        "by_user_id": user_id,
                        "scores": ordered,
                        "passed": passed,
                        "mean_score": review.mean_score,
                    },
                )
            ],
            now=now,
        )
        reviewer = session.scalar(select(UserAccount.display_name).where(UserAccount.id == user_id))
        return _scorecard_out(review, reviewer or f"user {user_id}")


def get_scorecards(*, session: Session, workspace_id: int, reply_id: int) -> ScorecardList:
    """A reply's scorecards, oldest first, with the criteria it is scored on."""
    agent_id = session.scalar(
        select(Reply.agent_id).where(Reply.id == reply_id, Reply.workspace_id == workspace_id)
    )
    if agent_id is None:
        raise NotFoundError(f"no reply {reply_id} in this workspace")
    settings = get_quality_settings(session=session, workspace_id=workspace_id)
    rows = session.execute(
        select(QualityReview, UserAccount.display_name)
        .join(UserAccount, UserAccount.id == QualityReview.reviewer_user_id)
        .where(QualityReview.reply_id == reply_id)
        .order_by(QualityReview.created_at, QualityReview.id)
    )
    return ScorecardList(
        criteria=criteria_of_agent(session, settings, agent_id),
        pass_mark=settings.pass_mark,
        items=[_scorecard_out(review, name) for review, name in rows],
    )


def get_review_queue(
    *,
    session: Session,
    workspace_id: int,
    user_id: int,
    own_agent_ids: Collection[int] = frozenset(),
    limit: int = 100,
) -> QueueOut:
    """Sent replies waiting for review that the user has neither written nor scored,
    oldest sent first."""
    if not 1 <= limit <= MAX_QUEUE_PAGE:
        raise InvalidInputError([FieldError("limit", f"from 1 to {MAX_QUEUE_PAGE}")])
    scored = exists().where(
        QualityReview.reply_id == Reply.id, QualityReview.reviewer_user_id == user_id
    )
    query = (
        reply_rows()
        .where(
            Reply.workspace_id == workspace_id,
            Reply.review_state == ReviewState.PENDING.value,
            Reply.agent_id.not_in(list(own_agent_ids)),
            ~scored,
        )
        .order_by(Reply.sent_at, Reply.id)
        .limit(limit)
    )
    return QueueOut(items=queue_items(session, query))
