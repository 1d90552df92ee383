"""Swim-lane benchmark: how fast carelane decides the lane of real tweets.

Over every tweet of the airline data set (texts read into memory before any timing), for
each shipped lane file (`example`, the seed's swim lanes; `airline`, the data set's
reasons):

  (a) rules path: the file with its example posts left out, so no post is embedded;
  (b) as shipped: rules, and examples compared whenever a category's rules leave it open
      (the post embedded one at a time, as `decide_lane` does without a vector);
  (c) as shipped, with the posts embedded in batches first and passed as vectors
      (embedding included in the time);

and the cost of loading and compiling the file. Each rate is the best of `--repeat` runs
(3). Figures are printed; nothing about time is asserted.
Run with `python benchmarks/lanes.py [--data-dir DIR]`.
"""

import argparse
import csv
import dataclasses
import os
from functools import partial
from pathlib import Path

from carelane.triage.lane_config import LaneConfig
from carelane.triage.lane_rules import PostFacts
from carelane.triage.lanes import (
    SHIPPED_CONFIGS,
    CompiledLanes,
    compile_lanes,
    decide_lane,
    shipped_lane_config,
)
from carelane.triage.text_vectors import embed
from timing import best_of

DATA_DIR = Path(os.environ.get("CARELANE_DATA_DIR", Path(__file__).parents[2] / "shared" / "data"))
BATCH = 256


def read_tweets(data_dir: Path) -> list[PostFacts]:
    with (data_dir / "airline_tweets.csv").open(encoding="utf-8", newline="") as rows:
        return [
            PostFacts(text=row["text"], network="twitter", author_handle=row["name"])
            for row in csv.DictReader(rows)
        ]


def without_examples(config: LaneConfig) -> LaneConfig:
    """The same lanes with the example posts left out (categories of examples only go)."""
    lanes = tuple(
        dataclasses.replace(
            lane,
            categories=tuple(
                dataclasses.replace(category, examples=())
                for category in lane.categories
                if category.rules
            ),
        )
        for lane in config.lanes
    )
    return dataclasses.replace(config, lanes=lanes)


def compile_shipped(name: str) -> CompiledLanes:
    return compile_lanes(shipped_lane_config(name))


def decide_each(lanes: CompiledLanes, posts: list[PostFacts]) -> None:
    for post in posts:
        decide_lane(lanes, post)


def decide_batched(lanes: CompiledLanes, posts: list[PostFacts]) -> None:
    for start in range(0, len(posts), BATCH):
        chunk = posts[start : start + BATCH]
        vectors = embed([post.text for post in chunk])
        for post, vector in zip(chunk, vectors, strict=True):
            decide_lane(lanes, post, vector=vector)


def report(label: str, seconds: float, count: int) -> None:
    print(
        f"  {label:<44} {count / seconds:>10,.0f} decisions/s  "
        f"{seconds / count * 1e6:>7.1f} µs/decision"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()

    posts = read_tweets(options.data_dir)
    print(f"{len(posts):,} airline tweets, best of {options.repeat} runs")
    for name in SHIPPED_CONFIGS:
        config = shipped_lane_config(name)
        compile_seconds = best_of(options.repeat, partial(compile_shipped, name))
        examples = sum(len(category.examples) for category in config.categories)
        print(
            f"lanes_{name}.yaml: {len(config.lanes)} lanes, {len(config.categories)} "
            f"categories, {examples} example posts; load and compile "
            f"{compile_seconds * 1e3:.1f} ms"
        )
        rules_only = compile_lanes(without_examples(config))
        shipped = compile_lanes(config)
        report(
            "(a) rules path",
            best_of(options.repeat, partial(decide_each, rules_only, posts)),
            len(posts),
        )
        report(
            "(b) as shipped, one post at a time",
            best_of(options.repeat, partial(decide_each, shipped, posts)),
            len(posts),
        )
        report(
            f"(c) as shipped, posts embedded {BATCH} at a time",
            best_of(options.repeat, partial(decide_batched, shipped, posts)),
            len(posts),
        )
        lanes = [decide_lane(shipped, post).lane for post in posts]
        shares = ", ".join(
            f"{lane} {lanes.count(lane) / len(lanes):.0%}" for lane in sorted(set(lanes))
        )
        print(f"  lanes given: {shares}")


if __name__ == "__main__":
    main()
