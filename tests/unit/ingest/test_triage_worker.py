"""Triage in a worker process gives what triage in this process gives, batch by batch."""

import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from threadpoolctl import threadpool_info  # type: ignore[import-untyped]

from carelane.ingest.pipeline import (
    Batch,
    batches,
    ingest_stages,
    post_to_triage,
    run_pipeline,
    triage_in_workspaces,
)
from carelane.ingest.readers.base import RawItem
from carelane.ingest.results import ItemStatus
from carelane.ingest.triage_store import triage_row
from carelane.ingest.triage_worker import TriageWorker
from carelane.store.models import PostTriage
from carelane.triage.models import shipped_models
from tests.conftest import at
from tests.helpers import post_data

TEXTS = [
    "@AcmeHelp my order never arrived and nobody answers, worst service ever",
    "@AcmeHelp thanks so much, the new app is great!",
    "RT @AcmeHelp: our spring sale starts today",
    "@AcmeHelp how do I change the card on my account?",
    "@AcmeHelp call me on 0161 496 0000 about booking ABC123",
    "🙂🙂🙂",
    "@AcmeHelp tenéis envíos a Canarias?",
]


def test_a_worker_triages_every_batch_as_this_process_would(
    database_url: str, sessions: sessionmaker[Session], now: datetime
) -> None:
    raw = [
        RawItem(f"w:{n}", post_data(str(n), created_at=at(n), text=TEXTS[n % len(TEXTS)]))
        for n in range(20)
    ]
    raw.append(RawItem("w:bad", {"workspace": "acme"}))  # rejected before triage
    with TriageWorker(database_url) as worker:
        stages = ingest_stages(
            sessions,
            clock=lambda: now,
            max_clock_skew=timedelta(minutes=5),
            create_workspaces=True,
            triage=worker,
        )
        done: list[Batch] = list(run_pipeline(stages, batches(raw, 6)))
    entries = [entry for batch in done for entry in batch.items]
    assert [entry.index for entry in entries] == list(range(21))
    statuses = [entry.result.status for entry in entries if entry.result is not None]
    assert statuses == [ItemStatus.CREATED] * 20 + [ItemStatus.REJECTED]
    posts = [entry.post for entry in entries if entry.post is not None]
    expected = triage_in_workspaces(
        sessions, shipped_models(), [post_to_triage(p) for p in posts], [p.workspace for p in posts]
    )
    assert [entry.triage for entry in entries[:20]] == expected
    with sessions() as session:
        stored = session.execute(
            select(PostTriage.intent, PostTriage.detail).order_by(PostTriage.post_id)
        ).all()
    assert [intent for intent, _ in stored] == [t.intent.value for t in expected]
    # The detail the worker wrote is what this process would have stored.
    assert [detail for _, detail in stored] == [
        json.loads(json.dumps(triage_row(0, 0, t, now)["detail"])) for t in expected
    ]


def test_a_worker_on_a_database_without_tables_fails_the_run(
    tmp_path: Path, sessions: sessionmaker[Session], now: datetime
) -> None:
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    raw = [RawItem("x:0", post_data("1", created_at=at(1)))]
    with TriageWorker(empty) as worker:
        stages = ingest_stages(
            sessions,
            clock=lambda: now,
            max_clock_skew=timedelta(minutes=5),
            create_workspaces=True,
            triage=worker,
        )
        with pytest.raises(OperationalError, match="no such table: workspace"):
            list(run_pipeline(stages, batches(raw, 10)))


def blas_threads() -> list[int]:
    """The thread count of each BLAS library loaded in the calling process."""
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_a_worker_keeps_its_linear_algebra_to_one_thread(database_url: str) -> None:
    np.ones((2, 2)) @ np.ones((2, 2))  # numpy's BLAS loaded here too
    assert blas_threads(), "numpy's BLAS library is visible to threadpoolctl"
    with TriageWorker(database_url) as worker:
        worker.wait_ready()
        assert worker._pool is not None
        in_worker = worker._pool.submit(blas_threads).result()
    assert in_worker, "the worker has loaded a BLAS library"
    assert in_worker == [1] * len(in_worker)


def test_a_worker_must_be_started_first() -> None:
    with pytest.raises(RuntimeError, match="use it in a with block"):
        TriageWorker("sqlite://").wait_ready()
