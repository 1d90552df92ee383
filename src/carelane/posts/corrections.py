"""Agents' corrections of a post's triage: stored with who, when and old -> new, applied
to the stored triage and the post's conversation, and read back to train the models.

A correction outlives the models it corrected: re-triage with new models keeps every
corrected field at its corrected value (see `apply_correction`), and `carelane train`
learns from the latest correction of each post and field: the models from intents and
sentiments (see `load_corrections`), each workspace's lanes from categories and lanes
(see `do_fold_lane_corrections`).
"""

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from carelane.domain.channels import Direction
from carelane.domain.errors import FieldError, InvalidInputError, NotFoundError
from carelane.domain.events import EventType
from carelane.domain.triage import CorrectedField, Intent, Sentiment
from carelane.posts.triage_schemas import PostTriageOut, TriageCorrectionOut
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.models import Agent, Conversation, Post, PostTriage, TriageCorrection, Workspace
from carelane.triage.lane_config import LaneConfig
from carelane.triage.lane_learning import LearnedExamples
from carelane.triage.training import Correction
from carelane.workspaces.service import get_workspace_id
from carelane.workspaces.triage_settings import workspace_lane_config

CORRECTED_REASON = "corrected by an agent"
"""The reason a corrected category carries in the stored triage."""


@dataclass(frozen=True, slots=True)
class AppliedCorrection:
    """A correction as it bears on a stored triage: which field, its value, and who."""

    field: CorrectedField
    value: str
    old_value: str | None
    agent_id: int | None
    corrected_at: datetime


def _lanes_config(session: Session, workspace_id: int) -> LaneConfig:
    """The workspace's lanes as its lanes file has them (its own or the shipped ones)."""
    found = session.execute(
        select(Workspace.id, Workspace.lanes_yaml).where(Workspace.id == workspace_id)
    ).one_or_none()
    if found is None:
        raise NotFoundError(f"no workspace {workspace_id}")
    return workspace_lane_config(found.lanes_yaml)


def _one_of(value: str, allowed: Iterable[str], what: str) -> str:
    """`value` as `allowed` spells it (names match in any case), or InvalidInputError."""
    choices = list(allowed)
    by_folded = {choice.casefold(): choice for choice in choices}
    found = by_folded.get(value.strip().casefold())
    if found is None:
        raise InvalidInputError(
            [FieldError("value", f"{value!r} is not {what}: one of {', '.join(choices)}")]
        )
    return found


def check_correction(field: str, value: str, lanes: LaneConfig) -> tuple[CorrectedField, str]:
    """The field and the value as stored; InvalidInputError naming `field` or `value`."""
    try:
        kind = CorrectedField(field)
    except ValueError:
        allowed = ", ".join(f.value for f in CorrectedField)
        raise InvalidInputError(
            [FieldError("field", f"{field!r} cannot be corrected: one of {allowed}")]
        ) from None
    if kind is CorrectedField.INTENT:
        return kind, _one_of(value, (i.value for i in Intent), "an intent")
    if kind is CorrectedField.SENTIMENT:
        return kind, _one_of(value, (s.value for s in Sentiment), "a sentiment")
    if kind is CorrectedField.LANE:
        return kind, _one_of(value, (lane.name for lane in lanes.lanes), "a lane of the workspace")
    return kind, _one_of(value, (c.name for c in lanes.categories), "a category of the workspace")


def current_value(field: CorrectedField, triage: Mapping[str, Any]) -> str | None:
    """What a stored triage (its columns and `detail`) says of `field`: the best category
    for `category` (None when it has none)."""
    if field is CorrectedField.CATEGORY:
        categories = triage["detail"].get("categories") or []
        return str(categories[0]["name"]) if categories else None
    return str(triage[field.value])


def apply_correction(
    triage: Mapping[str, Any], correction: AppliedCorrection, lanes: LaneConfig | None
) -> dict[str, Any]:
    """The stored triage's `intent`, `sentiment`, `lane` and `detail` once `correction`
    is applied: the field takes the corrected value, and `detail["corrected_by"]` says by
    whom, when and what it was. A corrected category becomes the post's only category."""
    detail = copy.deepcopy(dict(triage["detail"]))
    values = {"intent": triage["intent"], "sentiment": triage["sentiment"], "lane": triage["lane"]}
    if correction.field is CorrectedField.CATEGORY:
        lane_of = {c.name: c.lane for c in lanes.categories} if lanes else {}
        detail["categories"] = [
            {
                "name": correction.value,
                "lane": lane_of.get(correction.value, values["lane"]),
                "score": 1.0,
                "reasons": [CORRECTED_REASON],
            }
        ]
        detail["topics"] = [
            t for t in detail.get("topics") or [] if t.get("source") != "category"
        ] + [{"name": correction.value, "score": 1.0, "source": "category"}]
    else:
        values[correction.field.value] = correction.value
    corrected_by = dict(detail.get("corrected_by") or {})
    corrected_by[correction.field.value] = {
        "agent_id": correction.agent_id,
        "corrected_at": correction.corrected_at.isoformat(),
        "old_value": correction.old_value,
    }
    detail["corrected_by"] = corrected_by
    return {**values, "detail": detail}


def _triage_values(row: PostTriage) -> dict[str, Any]:
    return {
        "intent": row.intent,
        "sentiment": row.sentiment,
        "lane": row.lane,
        "detail": row.detail,
    }


def do_correct_triage(
    *,
    session: Session,
    workspace_id: int,
    post_id: int,
    field: str,
    new_value: str,
    agent_id: int | None = None,
    now: datetime,
) -> TriageCorrectionOut:
    """Correct one field of post `post_id`'s stored triage and log `triage.corrected`.

    Stores the correction (who, when, old -> new, the models corrected), applies it to
    the stored triage, and for a lane or category also to the conversation of an inbound
    post, all in one transaction. NotFoundError if the post is not in workspace
    `workspace_id` or has no triage; InvalidInputError naming `field`, `value` or
    `agent_id` when one is not allowed: intents and sentiments come from the triage
    vocabulary, lanes and categories from the workspace's lanes (names in any case).
    """
    with unit_of_work(session):
        post = session.execute(
            select(Post.id, Post.conversation_id, Post.direction).where(
                Post.id == post_id, Post.workspace_id == workspace_id
            )
        ).one_or_none()
        if post is None:
            raise NotFoundError(f"no post {post_id}")
        lanes = _lanes_config(session, workspace_id)
        kind, value = check_correction(field, new_value, lanes)
        if agent_id is not None and (
            session.scalar(
                select(Agent.id).where(Agent.id == agent_id, Agent.workspace_id == workspace_id)
            )
            is None
        ):
            raise InvalidInputError([FieldError("agent_id", f"no agent {agent_id} here")])
        stored = session.scalar(
            select(PostTriage).where(PostTriage.post_id == post_id).with_for_update()
        )
        if stored is None:
            raise NotFoundError(f"post {post_id} has no triage")
        old_value = current_value(kind, _triage_values(stored))
        applied = AppliedCorrection(kind, value, old_value, agent_id, now)
        changed = apply_correction(_triage_values(stored), applied, lanes)
        for name, column_value in changed.items():
            setattr(stored, name, column_value)
        correction = TriageCorrection(
            workspace_id=workspace_id,
            post_id=post_id,
            field=kind.value,
            old_value=old_value,
            new_value=value,
            agent_id=agent_id,
            model_version=stored.model_version,
            corrected_at=now,
        )
        session.add(correction)
        session.flush()
        if (
            post.conversation_id is not None
            and post.direction == Direction.INBOUND.value
            and kind in (CorrectedField.LANE, CorrectedField.CATEGORY)
        ):
            conversation_values: dict[str, Any] = (
                {"lane": value} if kind is CorrectedField.LANE else {"categories": [value]}
            )
            session.execute(
                update(Conversation)
                .where(
                    Conversation.id == post.conversation_id,
                    Conversation.workspace_id == workspace_id,
                )
                .values(**conversation_values, updated_at=now)
            )
        append_events(
            session,
            [
                EventRow(
                    workspace_id,
                    EventType.TRIAGE_CORRECTED,
                    now,
                    conversation_id=post.conversation_id,
                    post_id=post_id,
                    agent_id=agent_id,
                    data={
                        "correction_id": correction.id,
                        "field": kind.value,
                        "old_value": old_value,
                        "new_value": value,
                        "model_version": correction.model_version,
                    },
                )
            ],
            now=now,
        )
    return TriageCorrectionOut.model_validate(correction)


def get_post_triage(*, session: Session, workspace: str, post_id: int) -> PostTriageOut:
    """Post `post_id`'s stored triage in workspace `workspace` (a slug), with its
    corrections oldest first; NotFoundError for an unknown workspace, a post of another
    workspace, or a post without triage."""
    workspace_id = get_workspace_id(session=session, slug=workspace)
    stored = session.scalar(
        select(PostTriage)
        .join(Post, Post.id == PostTriage.post_id)
        .where(Post.id == post_id, Post.workspace_id == workspace_id)
    )
    if stored is None:
        exists = session.scalar(
            select(Post.id).where(Post.id == post_id, Post.workspace_id == workspace_id)
        )
        raise NotFoundError(f"post {post_id} has no triage" if exists else f"no post {post_id}")
    corrections = session.scalars(
        select(TriageCorrection)
        .where(TriageCorrection.post_id == post_id, TriageCorrection.workspace_id == workspace_id)
        .order_by(TriageCorrection.corrected_at, TriageCorrection.id)
    )
    return PostTriageOut(
        post_id=stored.post_id,
        model_version=stored.model_version,
        triaged_at=stored.triaged_at,
        actionable=stored.actionable,
        intent=stored.intent,
        sentiment=stored.sentiment,
        lane=stored.lane,
        priority=stored.priority,
        detail=stored.detail,
        corrections=[TriageCorrectionOut.model_validate(c) for c in corrections],
    )


def latest_corrections(
    session: Session, post_ids: Iterable[int]
) -> dict[int, list[AppliedCorrection]]:
    """For each of `post_ids` with corrections, the latest correction of each field, in
    the order they were made."""
    ids = sorted(set(post_ids))
    if not ids:
        return {}
    rows = session.scalars(
        select(TriageCorrection)
        .where(TriageCorrection.post_id.in_(ids))
        .order_by(TriageCorrection.corrected_at, TriageCorrection.id)
    )
    latest: dict[int, dict[str, TriageCorrection]] = {}
    for row in rows:
        fields = latest.setdefault(row.post_id, {})
        fields.pop(row.field, None)  # re-inserted last: the order corrections were made
        fields[row.field] = row
    return {
        post_id: [
            AppliedCorrection(
                CorrectedField(c.field), c.new_value, c.old_value, c.agent_id, c.corrected_at
            )
            for c in fields.values()
        ]
        for post_id, fields in latest.items()
    }


def load_corrections(session: Session) -> list[Correction]:
    """Every post's latest correction of each field, with the post's text, for training:
    intent and sentiment corrections as examples of those tasks, lane and category ones
    as `lane` and `category` corrections (training counts them; the lanes learn from
    them, see `do_fold_lane_corrections`). Ordered by post and field, so the same
    corrections train the same models byte for byte."""
    rows = session.execute(
        select(
            TriageCorrection.post_id, TriageCorrection.field, TriageCorrection.new_value, Post.text
        )
        .join(
            Post,
            (Post.id == TriageCorrection.post_id)
            & (Post.workspace_id == TriageCorrection.workspace_id),
        )
        .order_by(TriageCorrection.corrected_at, TriageCorrection.id)
    )
    latest: dict[tuple[int, str], Correction] = {}
    for post_id, field, new_value, text in rows:
        latest[(post_id, field)] = Correction(text=text, task=field, label=new_value)
    return [latest[key] for key in sorted(latest)]


@dataclass(frozen=True, slots=True)
class FoldedLaneCorrections:
    """What `do_fold_lane_corrections` did: the workspaces whose lanes learn from agents,
    and the posts they learn from."""

    workspaces: int
    posts: int


def learned_lane_examples(session: Session) -> dict[int, LearnedExamples]:
    """Each workspace's lane and category corrections as the posts its lanes learn from:
    for each post the latest correction of each of the two fields, the post's text under
    the category or lane it names; in the order they were made."""
    rows = session.execute(
        select(
            TriageCorrection.workspace_id,
            TriageCorrection.post_id,
            TriageCorrection.field,
            TriageCorrection.new_value,
            Post.text,
        )
        .join(
            Post,
            (Post.id == TriageCorrection.post_id)
            & (Post.workspace_id == TriageCorrection.workspace_id),
        )
        .where(
            TriageCorrection.field.in_([CorrectedField.CATEGORY.value, CorrectedField.LANE.value])
        )
        .order_by(TriageCorrection.corrected_at, TriageCorrection.id)
    )
    latest: dict[tuple[int, int, str], tuple[str, str]] = {}
    for workspace_id, post_id, field, new_value, text in rows:
        key = (workspace_id, post_id, field)
        latest.pop(key, None)  # re-inserted last: the order corrections were made
        latest[key] = (new_value, text)
    placed: dict[int, dict[str, dict[str, list[str]]]] = {}
    for (workspace_id, _, field), (name, text) in latest.items():
        by_name = placed.setdefault(workspace_id, {}).setdefault(field, {})
        by_name.setdefault(name, []).append(text)
    return {
        workspace_id: LearnedExamples.of(
            fields.get(CorrectedField.CATEGORY.value, {}), fields.get(CorrectedField.LANE.value, {})
        )
        for workspace_id, fields in placed.items()
    }


def do_fold_lane_corrections(*, session: Session, now: datetime) -> FoldedLaneCorrections:
    """Give every workspace's lanes the posts its agents placed in a category or moved to a
    lane (`learned_lane_examples`), in place of those folded before; each workspace whose
    learned posts change logs `workspace.triage_configured`. Triage compares posts with
    them from its next batch on."""
    with unit_of_work(session):
        learned = learned_lane_examples(session)
        events = []
        for workspace in session.scalars(select(Workspace).order_by(Workspace.id)):
            mine = learned.get(workspace.id)
            stored = mine.to_json() if mine else None
            if stored == workspace.learned_lane_examples:
                continue
            workspace.learned_lane_examples = stored
            events.append(
                EventRow(
                    workspace.id,
                    EventType.WORKSPACE_TRIAGE_CONFIGURED,
                    now,
                    data={"changed": ["learned lane examples"]},
                )
            )
        append_events(session, events, now=now)
    return FoldedLaneCorrections(len(learned), sum(m.count() for m in learned.values()))
