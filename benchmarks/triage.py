"""Triage benchmark: how fast carelane triages real posts on one core, and what its models
cost to load.

Over the texts of every real data set (read into memory before any timing), in batches
of `--batch` (1,000), on one core (numpy's thread pools limited to one thread):

  (a) the whole triage of a post (`triage_posts`): models, actionability, language,
      personal data, lanes (the shipped example lanes) and priority;
  (b) its parts alone: the fast models (features and scores), personal data, lanes
      (one post at a time, embedding each; and as triage decides them, the batch
      embedded and compared with the examples at once), language (a batch at once);

and, in a fresh child process each, (c) the time to load the shipped models and the
resident memory once they are loaded. Each rate is the best of `--repeat` runs (3).

Other work on the machine slows every figure down. Before each figure a fixed CPU-bound
reference loop is timed, by the clock and by the process's CPU time: their ratio says how
much of a core the benchmark got, and each rate is printed as measured (raw) and scaled
by that ratio (the estimate for an unloaded core).
The last line times a fixed Python loop: the machine's own speed, which moves from day
to day and moves every figure with it.
Figures are printed; nothing about time is asserted.
Run with `make bench` or `python benchmarks/triage.py`.
"""

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from carelane.config import Settings
from carelane.ingest.readers.sources import read_texts
from carelane.triage.engine import PostToTriage, triage_posts
from carelane.triage.lane_rules import PostFacts
from carelane.triage.lanes import decide_lane
from carelane.triage.language import detect_languages
from carelane.triage.models import shipped_models
from carelane.triage.personal_data import find_personal_data
from carelane.workspaces.triage_settings import TriageSettings, workspace_triage
from timing import machine_speed

TARGET = 10_000

_LOAD = """
import resource, time
start = time.perf_counter()
from carelane.triage.models import shipped_models
models = shipped_models()
models.probabilities(["warm up"])
seconds = time.perf_counter() - start
print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def rate(
    texts: Sequence[str], batch: int, repeat: int, work: Callable[[list[str]], object]
) -> tuple[float, float]:
    """(best rate, the share of a core the reference loop got just before it)."""
    best = 0.0
    share = reference_share()
    for _ in range(repeat):
        start = time.perf_counter()
        for i in range(0, len(texts), batch):
            work(list(texts[i : i + batch]))
        best = max(best, len(texts) / (time.perf_counter() - start))
    return best, share


def reference_share(passes: int = 5) -> float:
    """The share of a core this process gets now: CPU time over clock time of a fixed
    CPU-bound loop (1 on an unloaded core), the best of `passes` passes."""
    best = 0.0
    for _ in range(passes):
        clock, cpu = time.perf_counter(), time.process_time()
        total = 0
        for i in range(300_000):
            total += i * i % 7
        best = max(best, (time.process_time() - cpu) / (time.perf_counter() - clock))
    return min(1.0, best)


def main() -> None:
    if os.environ.get("OMP_NUM_THREADS") != "1":  # one core, as the target says
        os.environ.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
        os.execv(sys.executable, [sys.executable, *sys.argv])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data_dir: Path = args.data_dir or Settings().data_dir

    loads = [
        subprocess.run(
            [sys.executable, "-c", _LOAD], check=True, capture_output=True, text=True
        ).stdout.split()
        for _ in range(args.repeat)
    ]
    load_seconds = min(float(seconds) for seconds, _ in loads)
    load_mb = min(float(mb) for _, mb in loads)

    texts = read_texts(data_dir)
    models = shipped_models()
    workspace = workspace_triage(None, TriageSettings())
    lanes = workspace.lanes
    assert lanes is not None

    def whole(chunk: list[str]) -> object:
        return triage_posts([PostToTriage(text=t) for t in chunk], workspace, models)

    def lanes_only(chunk: list[str]) -> object:
        return [decide_lane(lanes, PostFacts(text=t, intent="complaint")) for t in chunk]

    def lanes_batched(chunk: list[str]) -> object:
        nearest = lanes.nearest_examples(lanes.similarities_of_batch(lanes.embed(chunk)))
        return [
            decide_lane(lanes, PostFacts(text=t, intent="complaint"), nearest=row)
            for t, row in zip(chunk, nearest, strict=True)
        ]

    figures = [
        ("(a)  whole triage, posts/s", rate(texts, args.batch, args.repeat, whole)),
        ("(b1) fast models only", rate(texts, args.batch, args.repeat, models.probabilities)),
        (
            "(b2) personal data only",
            rate(texts, args.batch, args.repeat, lambda c: [find_personal_data(t) for t in c]),
        ),
        ("(b3) lanes only (example lanes)", rate(texts, args.batch, args.repeat, lanes_only)),
        ("(b3) lanes, batch-embedded", rate(texts, args.batch, args.repeat, lanes_batched)),
        (
            "(b4) language only",
            rate(texts, args.batch, args.repeat, detect_languages),
        ),
    ]
    print()
    print(
        f"carelane triage benchmark: {len(texts):,} real posts of {data_dir}, "
        f"batches of {args.batch:,}, one core, best of {args.repeat} runs, "
        f"models {models.version}"
    )
    width = max(len(label) for label, _ in figures)
    print(f"{'':<{width}}  {'raw':>10}  {'unloaded':>10}  {'core share':>10}")
    for label, (value, share) in figures:
        print(f"{label:<{width}}  {value:>10,.0f}  {value / share:>10,.0f}  {share:>10.2f}")
    print(f"{'(c)  models: load time, s':<{width}}  {load_seconds:>10.2f}")
    print(f"{'(c)  models: resident memory, MB':<{width}}  {load_mb:>10,.0f}")
    print(f"targets: >= {TARGET:,} posts/s on one core; models load < 1 s and < 300 MB")
    print(machine_speed())


if __name__ == "__main__":
    main()
