"""The triage stage in a process of its own, beside the process that stores.

Triage is pure CPU work and storing is CPU and database work; on a machine with two cores
they can run at once, on consecutive batches (`run_pipeline` keeps one batch in triage
while the one before it is stored). The worker opens its own database engine, to read the
workspaces' triage settings, and loads the models once. Only plain values cross between
the processes: the posts to triage with their workspaces, and their triages back, each
with its stored detail written as JSON (`triage_store.detail_json`): the storing process
is the busier of the two, and copies it into the row.

The worker's linear algebra runs on one thread. Its products are small (a batch's
posts by a hundred word-vector columns), and a BLAS library left to itself would start a
thread per core that keeps spinning between products, on the very core the storing process
needs: on two cores, storing then waits for a core a sixth of its time.

A worker costs a second or two to start (a fresh interpreter imports carelane and loads
the models), so it pays for itself on long runs: imports and replays of whole data sets.
"""

import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from carelane.ingest.pipeline import (
    Batch,
    post_to_triage,
    posts_to_triage,
    triage_in_workspaces,
)
from carelane.ingest.triage_store import detail_json
from carelane.store.database import create_database_engine, create_session_factory
from carelane.triage.engine import PostToTriage, Triage
from carelane.triage.models import TriageModels, load_models, shipped_models

WORTH_IT_FROM = 5_000
"""Posts from which a run gains more from a triage worker than the worker costs to start."""
WORTH_IT_FROM_BYTES = 1_000_000
"""The same for a file whose posts are not counted before the run: about 5,000 posts."""


class TriageWorker:
    """A `BackgroundStage` that triages batches in a worker process.

    Use it as a context manager: the process starts on entry and stops on exit. Errors in
    the worker are raised here, by the batch they happened on."""

    def __init__(self, database_url: str, *, models_folder: Path | None = None) -> None:
        self.database_url = database_url
        self.models_folder = models_folder
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Self:
        self._pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_open,
            initargs=(self.database_url, self.models_folder),
        )
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def wait_ready(self) -> None:
        """Wait until the worker has started and loaded its models."""
        if self._pool is None:
            raise RuntimeError("the triage worker is not running; use it in a with block")
        self._pool.submit(_triage, [], []).result()

    def start(self, batch: Batch) -> Callable[[], Batch]:
        """Hand the batch's posts to the worker; the returned callable waits for their
        triages and gives the batch back with them."""
        if self._pool is None:
            raise RuntimeError("the triage worker is not running; use it in a with block")
        pending = posts_to_triage(batch)
        posts = [e.post for e in pending if e.post is not None]
        triaged: Future[list[tuple[Triage, str]]] | None = None
        if posts:
            triaged = self._pool.submit(
                _triage, [post_to_triage(p) for p in posts], [p.workspace for p in posts]
            )

        def finish() -> Batch:
            if triaged is not None:
                for entry, (triage, detail) in zip(pending, triaged.result(), strict=True):
                    entry.triage, entry.triage_detail = triage, detail
            return batch

        return finish

    def __call__(self, batch: Batch) -> Batch:
        return self.start(batch)()


# -- in the worker process -----------------------------------------------------------------

_engine: Engine | None = None
_sessions: sessionmaker[Session] | None = None
_models: TriageModels | None = None


def _open(database_url: str, models_folder: Path | None) -> None:
    global _engine, _sessions, _models  # noqa: PLW0603 - the worker process's own state
    _engine = create_database_engine(database_url)
    _sessions = create_session_factory(_engine)
    _models = load_models(models_folder) if models_folder is not None else shipped_models()
    threadpool_limits(limits=1)  # every library loaded by now, for the life of the process


def _triage(posts: list[PostToTriage], workspaces: list[str]) -> list[tuple[Triage, str]]:
    if _sessions is None or _models is None:  # pragma: no cover - set by the initializer
        raise RuntimeError("the triage worker was not opened")
    triages = triage_in_workspaces(_sessions, _models, posts, workspaces)
    return [(triage, detail_json(triage)) for triage in triages]
