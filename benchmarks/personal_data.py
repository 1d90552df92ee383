"""Personal-data detection benchmark: posts per second on one core, over the real posts.

Reads the texts of the airline tweets, the Spotify requests and the customers' turns of
the care conversations (the data folder of `Settings`, or `--data-dir`), then runs
`find_personal_data` over all of them `--repeat` times (3) and prints the best rate, with
how many posts exposed something. Figures are printed; nothing about time is asserted.
Run with `python benchmarks/personal_data.py [--data-dir ../shared/data]`.
"""

import argparse
import csv
import json
import time
from collections import Counter
from pathlib import Path

from carelane.config import Settings
from carelane.triage.personal_data import find_personal_data


def read_texts(data_dir: Path) -> dict[str, list[str]]:
    """The customers' post texts of each real data set."""
    texts: dict[str, list[str]] = {}
    for name in ("airline_tweets", "spotify_support_requests"):
        with (data_dir / f"{name}.csv").open(newline="", encoding="utf-8") as f:
            texts[name] = [row["text"] for row in csv.DictReader(f)]
    with (data_dir / "customer_care_conversations.json").open(encoding="utf-8") as f:
        texts["customer_care_conversations"] = [
            turn["message"]
            for dialogue in json.load(f)
            for turn in dialogue["dialogContent"]
            if "client" in turn
        ]
    return texts


def best_rate(texts: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            find_personal_data(text)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; best is shown")
    args = parser.parse_args()
    data_dir: Path = args.data_dir or Settings().data_dir
    texts = read_texts(data_dir)
    print(f"carelane personal-data benchmark: {data_dir}, best of {args.repeat} runs, one core")
    everything = [text for source in texts.values() for text in source]
    for name, source in [*texts.items(), ("all", everything)]:
        rate = best_rate(source, args.repeat)
        kinds: Counter[str] = Counter()
        exposing = 0
        for text in source:
            finding = find_personal_data(text)
            exposing += bool(finding.spans)
            kinds.update(span.kind.value for span in finding.spans)
        found = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
        print(
            f"  {name:28} {len(source):6,} posts  {rate:9,.0f} posts/s  "
            f"{exposing:4} exposing ({found})"
        )


if __name__ == "__main__":
    main()
