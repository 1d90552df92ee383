"""Canned responses of a workspace: write, change, delete, search, fill in for a
conversation, and suggest for its latest customer post. Always within one workspace.

A response's text is checked when it is saved: every `{variable}` must be one carelane
can fill in (`responses.variables`), else UnknownVariableError names it. Deleting keeps
the row for the replies that began as it, and frees its title.
"""

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from carelane.domain.errors import (
    ConflictError,
    FieldError,
    InvalidInputError,
    NotFoundError,
    UnknownVariableError,
)
from carelane.domain.events import EventType
from carelane.replies.conversation_facts import (
    acting_agent,
    conversation_facts,
    latest_customer_post,
)
from carelane.responses.context import variable_values
from carelane.responses.matching import PostToAnswer, ResponseToMatch, best_responses
from carelane.responses.schemas import (
    CannedResponseIn,
    CannedResponseList,
    CannedResponseOut,
    RenderedOut,
    SuggestionList,
    SuggestionOut,
)
from carelane.responses.search import search
from carelane.responses.variables import (
    VARIABLES,
    placeholders,
    render,
    template_problems,
    unknown_variables,
)
from carelane.store.database import unit_of_work
from carelane.store.events import EventRow, append_events
from carelane.store.models import CannedResponse, PostTriage

MAX_LIST = 500


def response_out(response: CannedResponse) -> CannedResponseOut:
    return CannedResponseOut(
        id=response.id,
        title=response.title,
        text=response.body,
        lanes=list(response.lanes),
        categories=list(response.categories),
        intents=list(response.intents),
        networks=list(response.networks),
        variables=list(dict.fromkeys(p.name for p in placeholders(response.body))),
        created_at=response.created_at,
        updated_at=response.updated_at,
    )


def check_response_text(text: str) -> None:
    """UnknownVariableError naming each unknown variable of `text`; InvalidInputError
    for a stray brace."""
    problems = template_problems(text, "text")
    if not problems:
        return
    unknown = unknown_variables(text)
    if unknown:
        names = ", ".join(f"{{{name}}}" for name in unknown)
        raise UnknownVariableError(
            f"unknown variable {names}: carelane cannot fill it in",
            problems,
            extra={"unknown_variables": unknown, "known_variables": sorted(VARIABLES)},
        )
    raise InvalidInputError(problems)


def _live(workspace_id: int) -> ColumnElement[bool]:
    return and_(CannedResponse.workspace_id == workspace_id, CannedResponse.deleted_at.is_(None))


def _check_title_free(
    session: Session, workspace_id: int, title: str, but: int | None = None
) -> None:
    query = select(CannedResponse.id).where(
        _live(workspace_id), func.lower(CannedResponse.title) == title.lower()
    )
    if but is not None:
        query = query.where(CannedResponse.id != but)
    if session.scalar(query) is not None:
        raise ConflictError(f"a canned response titled {title!r} exists already")


def _locked(session: Session, workspace_id: int, response_id: int) -> CannedResponse:
    response = session.scalar(
        select(CannedResponse)
        .where(_live(workspace_id), CannedResponse.id == response_id)
        .with_for_update()
    )
    if response is None:
        raise NotFoundError(f"no canned response {response_id} in this workspace")
    return response


def _log(
    session: Session,
    kind: EventType,
    response: CannedResponse,
    user_id: int | None,
    now: datetime,
) -> None:
    append_events(
        session,
        [
            EventRow(
                response.workspace_id,
                kind,
                now,
                data={
                    "canned_response_id": response.id,
                    "title": response.title,
                    "by_user_id": user_id,
                },
            )
        ],
        now=now,
    )


def _apply(response: CannedResponse, fields: CannedResponseIn) -> None:
    response.title = fields.title
    response.body = fields.text
    response.lanes = list(dict.fromkeys(fields.lanes))
    response.categories = list(dict.fromkeys(fields.categories))
    response.intents = list(dict.fromkeys(intent.value for intent in fields.intents))
    response.networks = list(dict.fromkeys(network.value for network in fields.networks))


def do_create_canned_response(
    *,
    session: Session,
    workspace_id: int,
    fields: CannedResponseIn,
    now: datetime,
    user_id: int | None = None,
) -> CannedResponseOut:
    """A new canned response. UnknownVariableError / InvalidInputError for its text;
    ConflictError for a title the workspace uses already (any case)."""
    check_response_text(fields.text)
    with unit_of_work(session):
        _check_title_free(session, workspace_id, fields.title)
        return response_out(_create(session, workspace_id, fields, user_id, now))


def _create(
    session: Session,
    workspace_id: int,
    fields: CannedResponseIn,
    user_id: int | None,
    now: datetime,
) -> CannedResponse:
    """Insert one canned response and log its creation, in the session's transaction."""
    response = CannedResponse(
        workspace_id=workspace_id,
        created_at=now,
        updated_at=now,
        created_by_user_id=user_id,
        updated_by_user_id=user_id,
    )
    _apply(response, fields)
    session.add(response)
    session.flush()
    _log(session, EventType.CANNED_RESPONSE_CREATED, response, user_id, now)
    return response


def do_add_missing_canned_responses(
    *,
    session: Session,
    workspace_id: int,
    responses: list[CannedResponseIn],
    now: datetime,
    user_id: int | None = None,
) -> int:
    """Give the workspace, in one transaction, each of `responses` whose title (any case)
    it does not use yet; how many it got. UnknownVariableError / InvalidInputError for a
    text, before anything is written."""
    for fields in responses:
        check_response_text(fields.text)
    added = 0
    with unit_of_work(session):
        taken = set(
            session.scalars(select(func.lower(CannedResponse.title)).where(_live(workspace_id)))
        )
        for fields in responses:
            if fields.title.lower() in taken:
                continue
            _create(session, workspace_id, fields, user_id, now)
            taken.add(fields.title.lower())
            added += 1
    return added


def do_update_canned_response(
    *,
    session: Session,
    workspace_id: int,
    response_id: int,
    fields: CannedResponseIn,
    now: datetime,
    user_id: int | None = None,
) -> CannedResponseOut:
    """Replace a canned response's title, text and tags; the errors of creating one, and
    NotFoundError for one of another workspace (or deleted)."""
    check_response_text(fields.text)
    with unit_of_work(session):
        response = _locked(session, workspace_id, response_id)
        _check_title_free(session, workspace_id, fields.title, but=response_id)
        _apply(response, fields)
        response.updated_at = now
        response.updated_by_user_id = user_id
        _log(session, EventType.CANNED_RESPONSE_UPDATED, response, user_id, now)
        return response_out(response)


def do_delete_canned_response(
    *, session: Session, workspace_id: int, response_id: int, now: datetime, user_id: int | None
) -> None:
    """Delete a canned response (kept for the replies that began as it; its title is
    free again). NotFoundError for one of another workspace, or deleted already."""
    with unit_of_work(session):
        response = _locked(session, workspace_id, response_id)
        response.deleted_at = now
        response.updated_by_user_id = user_id
        _log(session, EventType.CANNED_RESPONSE_DELETED, response, user_id, now)


def _live_responses(session: Session, workspace_id: int) -> list[CannedResponse]:
    return list(session.scalars(select(CannedResponse).where(_live(workspace_id))))


def get_canned_response(
    *, session: Session, workspace_id: int, response_id: int
) -> CannedResponseOut:
    response = session.scalar(
        select(CannedResponse).where(_live(workspace_id), CannedResponse.id == response_id)
    )
    if response is None:
        raise NotFoundError(f"no canned response {response_id} in this workspace")
    return response_out(response)


def get_canned_responses(
    *,
    session: Session,
    workspace_id: int,
    query: str | None = None,
    lane: str | None = None,
    intent: str | None = None,
    network: str | None = None,
    limit: int = 100,
) -> CannedResponseList:
    """The workspace's canned responses matching `query` by title and text (title hits
    first; see `responses.search`), or all by title; only those whose tags fit `lane`,
    `intent` and `network` when given (an empty tag list fits all)."""
    if not 1 <= limit <= MAX_LIST:
        raise InvalidInputError([FieldError("limit", f"from 1 to {MAX_LIST}")])
    responses = [
        response
        for response in _live_responses(session, workspace_id)
        if _fits(response.lanes, lane, fold_case=True)
        and _fits(response.intents, intent)
        and _fits(response.networks, network)
    ]
    found = search(responses, query or "")
    return CannedResponseList(items=[response_out(r) for r in found[:limit]])


def _fits(tags: Collection[str], wanted: str | None, *, fold_case: bool = False) -> bool:
    if wanted is None or not tags:
        return True
    if fold_case:
        return wanted.casefold() in {tag.casefold() for tag in tags}
    return wanted in tags


def get_rendered_response(
    *,
    session: Session,
    workspace_id: int,
    response_id: int,
    conversation_id: int,
    agent_id: int | None = None,
    own_agent_ids: Collection[int] = frozenset(),
    may_act_for_others: bool = False,
) -> RenderedOut:
    """The canned response filled in for the conversation and the replying agent (by
    default the user's own). Never fails on the text: missing values are listed."""
    response = get_canned_response(
        session=session, workspace_id=workspace_id, response_id=response_id
    )
    facts = conversation_facts(session, workspace_id=workspace_id, conversation_id=conversation_id)
    agent = acting_agent(
        session,
        workspace_id=workspace_id,
        requested=agent_id,
        own_agent_ids=own_agent_ids,
        may_act_for_others=may_act_for_others,
        required=False,
    )
    rendered = render(response.text, variable_values(session, facts, agent))
    return RenderedOut(
        canned_response_id=response.id,
        title=response.title,
        text=rendered.text,
        missing=list(rendered.missing),
        unknown=list(rendered.unknown),
    )


def get_suggested_responses(
    *,
    session: Session,
    workspace_id: int,
    conversation_id: int,
    agent_id: int | None = None,
    own_agent_ids: Collection[int] = frozenset(),
    may_act_for_others: bool = False,
    limit: int = 3,
) -> SuggestionList:
    """The canned responses that best answer the conversation's latest customer post
    (its triage's intent, lane, categories and topics, and the words they share), best
    first, each filled in; none when nothing fits well enough."""
    if not 1 <= limit <= 20:
        raise InvalidInputError([FieldError("limit", "from 1 to 20")])
    facts = conversation_facts(session, workspace_id=workspace_id, conversation_id=conversation_id)
    post = latest_customer_post(session, conversation_id)
    if post is None:
        return SuggestionList(post_id=None, items=[])
    triage = session.get(PostTriage, post.id)
    detail = triage.detail if triage is not None else {}
    categories = [c.get("name", "") for c in detail.get("categories") or []]
    categories += [t.get("name", "") for t in detail.get("topics") or []]
    responses = {r.id: r for r in _live_responses(session, workspace_id)}
    matches = best_responses(
        [
            ResponseToMatch(r.id, r.title, r.body, r.lanes, r.categories, r.intents, r.networks)
            for r in responses.values()
        ],
        PostToAnswer(
            text=post.text,
            network=facts.network.value,
            intent=triage.intent if triage is not None else None,
            lane=triage.lane if triage is not None else facts.lane,
            categories=[c for c in categories if c] or list(facts.categories),
        ),
        limit=limit,
    )
    agent = acting_agent(
        session,
        workspace_id=workspace_id,
        requested=agent_id,
        own_agent_ids=own_agent_ids,
        may_act_for_others=may_act_for_others,
        required=False,
    )
    values = variable_values(session, facts, agent) if matches else {}
    items = []
    for match in matches:
        response = responses[match.response_id]
        rendered = render(response.body, values)
        items.append(
            SuggestionOut(
                score=match.score,
                reasons=list(match.reasons),
                response=response_out(response),
                rendered=RenderedOut(
                    canned_response_id=response.id,
                    title=response.title,
                    text=rendered.text,
                    missing=list(rendered.missing),
                    unknown=list(rendered.unknown),
                ),
            )
        )
    return SuggestionList(post_id=post.id, items=items)
