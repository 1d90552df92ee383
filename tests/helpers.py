"""Builders for test input: posts in the normalised format, slices of the real data
sets, and lanes files."""

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import Any

BAGGAGE_LANES = """\
version: 1
default_lane: Customer Service
lanes:
  - name: Customer Service
  - name: Baggage
    categories:
      - name: Lost Bags
        priority_boost: 5
        match:
          keywords: [suitcase, luggage]
"""
"""A valid lanes file with one category."""

BROKEN_LANES = """\
version: 1
default_lane: Nowhere
lanes:
  - name: Baggage
    categories:
      - name: Lost Bags
        match:
          keywordz: [suitcase]
"""
"""A lanes file with two problems: an unknown default lane and a misspelt field."""


def post_data(
    external_id: str,
    *,
    created_at: datetime,
    author: str = "ana",
    text: str = "@brand my order never arrived",
    workspace: str = "acme",
    channel: str = "AcmeHelp",
    network: str = "twitter",
    **fields: Any,
) -> dict[str, Any]:
    """One post as `POST /api/v1/posts` takes it."""
    return {
        "workspace": workspace,
        "network": network,
        "channel": channel,
        "external_id": external_id,
        "author": {"handle": author},
        "text": text,
        "created_at": created_at.isoformat(),
        **fields,
    }


def slice_of_real_data(
    data_dir: Path, into: Path, *, rows: int, airline_only: bool = False
) -> None:
    """The first `rows` rows of each real data set in `into` (a fifth as many dialogues
    of the conversations); with `airline_only`, the airline tweets and nothing else."""
    into.mkdir()
    for name in ("airline_tweets.csv", "spotify_support_requests.csv"):
        keep = 0 if airline_only and not name.startswith("airline") else rows
        with (data_dir / name).open(encoding="utf-8", newline="") as source:
            reader = csv.reader(source)
            with (into / name).open("w", encoding="utf-8", newline="") as target:
                writer = csv.writer(target)
                for number, row in enumerate(reader):
                    if number > keep:
                        break
                    writer.writerow(row)
    dialogues = json.loads((data_dir / "customer_care_conversations.json").read_bytes())
    kept = [] if airline_only else dialogues[: rows // 5]
    (into / "customer_care_conversations.json").write_text(
        json.dumps(kept, ensure_ascii=False), encoding="utf-8"
    )
