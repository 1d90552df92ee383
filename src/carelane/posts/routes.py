"""HTTP: receive a batch of posts; list a workspace's posts; a post's triage and agents'
corrections of it."""

from collections.abc import Collection
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from carelane.accounts.roles import Permission
from carelane.domain.channels import Direction
from carelane.domain.errors import FieldError
from carelane.domain.triage import Intent, Sentiment
from carelane.ingest.readers.base import RawItem
from carelane.ingest.results import IngestSummary, ItemResult, ItemStatus
from carelane.ingest.schema import PostIn
from carelane.posts.batch import parse_batch
from carelane.posts.corrections import do_correct_triage, get_post_triage
from carelane.posts.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from carelane.posts.schemas import BatchResultOut, PostDetail, PostPage
from carelane.posts.service import PostFilters, PostOrder, do_receive_posts, get_post, get_posts
from carelane.posts.triage_schemas import PostTriageOut, TriageCorrectionIn, TriageCorrectionOut
from carelane.web.auth import SignedInDep, allowed
from carelane.web.dependencies import (
    SessionDep,
    SessionsDep,
    SettingsDep,
    WorkspaceIdDep,
    utc_now,
)
from carelane.web.errors import ERROR_RESPONSES, error_body, printable
from carelane.web.lane_access import LanesSeenDep
from carelane.web.row_ids import MAX_ROW_ID, PathId
from carelane.workspaces.service import get_workspace_slugs

router = APIRouter(tags=["posts"], responses=ERROR_RESPONSES)


def _inline_refs(schema: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline_refs(definitions[ref.removeprefix("#/$defs/")], definitions)
        return {k: _inline_refs(v, definitions) for k, v in schema.items() if k != "$defs"}
    if isinstance(schema, list):
        return [_inline_refs(v, definitions) for v in schema]
    return schema


def _batch_schema() -> dict[str, Any]:
    post = PostIn.model_json_schema()
    item = _inline_refs(post, post.get("$defs", {}))
    items = {"type": "array", "items": item, "minItems": 1}
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "oneOf": [
                            items,
                            {
                                "type": "object",
                                "properties": {"posts": items},
                                "required": ["posts"],
                            },
                        ]
                    }
                }
            },
        }
    }


def _batch_result(results: list[ItemResult]) -> BatchResultOut:
    summary = IngestSummary()
    summary.add(results)
    details = [
        FieldError(f"{r.index}.{e.field}", e.message)
        for r in results
        if r.status is ItemStatus.REJECTED
        for e in r.errors
    ]
    body: dict[str, Any] = {
        "results": [
            {
                "index": r.index,
                "status": r.status,
                "post_id": r.post_id,
                "conversation_id": r.conversation_id,
                "opened_conversation": r.opened_conversation,
                "errors": [
                    {"field": printable(e.field), "message": printable(e.message)} for e in r.errors
                ],
            }
            for r in results
        ],
        "created": summary.created,
        "duplicate": summary.duplicate,
        "rejected": summary.rejected,
        "conversations_opened": summary.conversations_opened,
    }
    if summary.rejected:
        message = f"{summary.rejected} of {summary.total} posts were rejected"
        body.update(error_body("rejected_items", message, details))
    return BatchResultOut.model_validate(body)


def _of_workspaces(item: RawItem, slugs: Collection[str]) -> RawItem:
    """`item`, or the same item rejected as of an unknown workspace when it names one the
    sender is not a member of (the answer a workspace that does not exist gets)."""
    slug = item.data.get("workspace") if item.data is not None else None
    if not isinstance(slug, str) or slug in slugs:
        return item
    problem = FieldError("workspace", f"unknown workspace {slug!r}")
    return RawItem(where=item.where, data=None, at=item.at, errors=(problem,))


@router.post(
    "/posts",
    dependencies=[allowed(Permission.INGEST_POSTS, "send posts in")],
    response_model=BatchResultOut,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=_batch_schema(),
    responses={
        422: {
            "model": BatchResultOut,
            "description": "Some items were rejected (the others were stored), or the body "
            "is not a batch at all (then only `error` is set).",
        }
    },
)
async def receive_posts(
    request: Request, sessions: SessionsDep, settings: SettingsDep, user: SignedInDep
) -> JSONResponse:
    """Store a batch of posts in the normalised format: a JSON array or `{"posts": [...]}`.

    Every item gets a result, in input order: `created`, `duplicate` (already stored: posting
    again is safe) or `rejected` with every problem, each naming its field. Good items are
    stored even when others are rejected; the answer is then 422 instead of 201.
    """
    body = await request.body()

    def receive() -> list[ItemResult]:
        items = parse_batch(body, max_items=settings.max_batch_items)
        if not user.all_workspaces:
            with sessions() as session:
                slugs = get_workspace_slugs(session=session, ids=user.workspace_ids)
            items = [_of_workspaces(item, slugs) for item in items]
        return do_receive_posts(sessions=sessions, items=items, settings=settings, clock=utc_now)

    results = await run_in_threadpool(receive)
    outcome = _batch_result(results)
    code = status.HTTP_422_UNPROCESSABLE_CONTENT if outcome.rejected else status.HTTP_201_CREATED
    return JSONResponse(outcome.model_dump(mode="json"), status_code=code)


@router.get("/workspaces/{workspace}/posts", response_model=PostPage)
def list_posts(
    *,
    workspace: str,
    session: SessionDep,
    lanes_seen: LanesSeenDep,
    channel: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID, description="Channel id.")] = None,
    direction: Direction | None = None,
    since: Annotated[datetime | None, Query(description="Created at or after.")] = None,
    until: Annotated[datetime | None, Query(description="Created before.")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Text contains.")] = None,
    conversation_id: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)] = None,
    intent: Intent | None = None,
    sentiment: Sentiment | None = None,
    actionable: Annotated[
        bool | None, Query(description="Only posts triage found actionable (or not).")
    ] = None,
    lane: Annotated[str | None, Query(max_length=100, description="Swim lane, any case.")] = None,
    min_priority: Annotated[
        int | None, Query(ge=0, le=100, description="Priority at least this.")
    ] = None,
    sort: Annotated[
        PostOrder, Query(description="`newest` first, or `priority`: most urgent first.")
    ] = PostOrder.NEWEST,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: str | None = None,
) -> PostPage:
    """The workspace's posts with their triage, newest first or most urgent first,
    filtered and paged."""
    filters = PostFilters(
        channel_id=channel,
        direction=direction,
        since=since,
        until=until,
        text=q,
        conversation_id=conversation_id,
        intent=intent,
        sentiment=sentiment,
        actionable=actionable,
        lane=lane,
        min_priority=min_priority,
        lanes_seen=lanes_seen,
    )
    return get_posts(
        session=session,
        workspace=workspace,
        filters=filters,
        limit=limit,
        cursor=cursor,
        order=sort,
    )


@router.get("/workspaces/{workspace}/posts/{post_id}", response_model=PostDetail)
def show_post(workspace: str, post_id: PathId, session: SessionDep) -> PostDetail:
    """One post with the whole of its triage: reasons, topics, categories, personal data
    found, and the priority's breakdown."""
    return get_post(session=session, workspace=workspace, post_id=post_id)


@router.get("/workspaces/{workspace}/posts/{post_id}/triage", response_model=PostTriageOut)
def show_post_triage(workspace: str, post_id: PathId, session: SessionDep) -> PostTriageOut:
    """The post's stored triage, with every correction agents made to it."""
    return get_post_triage(session=session, workspace=workspace, post_id=post_id)


@router.post(
    "/workspaces/{workspace}/posts/{post_id}/triage/corrections",
    dependencies=[allowed(Permission.HANDLE_CONVERSATIONS, "correct triage")],
    response_model=TriageCorrectionOut,
    status_code=status.HTTP_201_CREATED,
)
def correct_post_triage(
    workspace_id: WorkspaceIdDep, post_id: PathId, body: TriageCorrectionIn, session: SessionDep
) -> TriageCorrectionOut:
    """Correct the post's intent, sentiment, category or lane; the models learn from it
    at the next `carelane train`, and re-triage keeps it. 422 names the bad field."""
    return do_correct_triage(
        session=session,
        workspace_id=workspace_id,
        post_id=post_id,
        field=body.field,
        new_value=body.value,
        agent_id=body.agent_id,
        now=utc_now(),
    )
