"""Writing triage: each post's triage row, in the transaction that stores the post.

A triage's `detail` may come written already (`detail_json`): a triage worker writes it
beside the triage, so that the process that stores, the pipeline's busier one, only
copies it into the row.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import cast

import orjson
from sqlalchemy import Table
from sqlalchemy.orm import Session

from carelane.store.bulk_writes import insert_rows
from carelane.store.json_text import json_text
from carelane.store.models import PostTriage
from carelane.triage.engine import Triage

post_triage_t = cast(Table, PostTriage.__table__)

IN_COLUMNS = frozenset(
    {
        "model_version",
        "actionable",
        "intent",
        "sentiment",
        "sentiment_score",
        "language",
        "lane",
        "priority",
    }
)
"""Parts of a triage that have columns of their own; `detail` holds the rest, so that a
correction or a re-triage changes each fact in one place."""


def detail_json(triage: Triage) -> str:
    """A triage's `detail` column as the JSON text the store writes."""
    return json_text(_detail(triage))


def _detail(triage: Triage) -> dict[str, object]:
    return {k: v for k, v in triage.to_json().items() if k not in IN_COLUMNS}


def triage_row(
    post_id: int, workspace_id: int, triage: Triage, now: datetime, detail: str | None = None
) -> dict[str, object]:
    """The `post_triage` row of a post's triage (`detail`: its `detail_json`, if written)."""
    return {
        "post_id": post_id,
        "workspace_id": workspace_id,
        "model_version": triage.model_version,
        "actionable": triage.actionable,
        "intent": triage.intent.value,
        "sentiment": triage.sentiment.value,
        "sentiment_score": triage.sentiment_score,
        "language": triage.language,
        "lane": triage.lane,
        "priority": triage.priority,
        "take_offline": triage.personal_data.take_offline,
        "detail": _detail(triage) if detail is None else orjson.Fragment(detail),
        "triaged_at": now,
    }


def store_triages(
    session: Session, triages: Sequence[tuple[int, int, Triage, str | None]], now: datetime
) -> None:
    """Insert the triage of new posts, given as (post id, workspace id, triage, its
    `detail_json` if written)."""
    if triages:
        insert_rows(
            session,
            post_triage_t,
            [triage_row(post_id, ws, t, now, detail) for post_id, ws, t, detail in triages],
        )
