"""Reader for `customer_care_conversations.json`: whole customer-care threads of 25 brands.

Each dialogue's turns become posts on the brand's X/Twitter handle, each replying to the
turn before it; customers' turns are inbound, agents' turns (and the agent's closing
answer with its help document) outbound.
"""

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from carelane.domain.errors import FieldError
from carelane.ingest.readers.base import RawItem
from carelane.ingest.readers.twitter import tweet_text, workspace_slug

_DURATION = re.compile(r"^(\d+):(\d{2}):(\d{2})(?:\.\d+)?$")
_CUSTOMER_KEYS = ("client", "client1")


def _duration(value: str) -> timedelta | None:
    match = _DURATION.match(value or "")
    if not match:
        return None
    hours, minutes, seconds = (int(g) for g in match.groups())
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


def read_care_conversations(path: Path) -> Iterator[RawItem]:
    """Every turn of every dialogue as a normalised post, in dialogue order."""
    try:
        dialogues = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as error:
        yield RawItem(path.name, None, errors=(FieldError("file", f"is not JSON: {error}"),))
        return
    if not isinstance(dialogues, list):
        yield RawItem(path.name, None, errors=(FieldError("file", "must hold a JSON list"),))
        return
    for number, dialogue in enumerate(dialogues):
        yield from _dialogue_posts(f"{path.name}[{number}]", dialogue)


def _dialogue_posts(where: str, dialogue: Any) -> Iterator[RawItem]:
    try:
        header = dialogue["dialogHeader"]
        brand = header["company"]
        turns = list(dialogue["dialogContent"])
    except (KeyError, TypeError) as error:
        yield RawItem(where, None, errors=(FieldError("dialogHeader", f"missing {error}"),))
        return
    workspace = workspace_slug(brand)
    previous: str | None = None
    for number, turn in enumerate(turns):
        item = _turn_post(f"{where}.dialogContent[{number}]", workspace, brand, turn, previous)
        yield item
        if item.data is not None:
            previous = item.data["external_id"]
    closing = dialogue.get("agentURL")
    if isinstance(closing, dict) and closing.get("tweet_ID") and closing.get("url_utterance"):
        yield _closing_post(
            f"{where}.agentURL",
            workspace=workspace,
            brand=brand,
            header=header,
            closing=closing,
            previous=previous,
        )


def _turn_post(where: str, workspace: str, brand: str, turn: Any, previous: str | None) -> RawItem:
    if not isinstance(turn, dict):
        return RawItem(where, None, errors=(FieldError("turn", "must be an object"),))
    customer = next((turn[k] for k in _CUSTOMER_KEYS if k in turn), None)
    inbound = customer is not None
    handle = customer if inbound else turn.get("agent", brand)
    when = turn.get("datetime", "")
    try:
        at = datetime.fromisoformat(when)
    except (TypeError, ValueError):
        at = None
    return RawItem(
        where,
        {
            "workspace": workspace,
            "network": "twitter",
            "channel": brand,
            "external_id": turn.get("tweet_ID"),
            "author": {"handle": handle},
            "direction": "inbound" if inbound else "outbound",
            "text": tweet_text(turn.get("message", "")),
            "created_at": when,
            "in_reply_to": previous,
            "raw": turn,
        },
        at=at,
    )


def _closing_post(
    where: str,
    *,
    workspace: str,
    brand: str,
    header: dict[str, Any],
    closing: dict[str, Any],
    previous: str | None,
) -> RawItem:
    """The agent's final answer: sent when the dialogue ended (start + duration)."""
    try:
        start = datetime.fromisoformat(header["conversationDateTime"])
    except (KeyError, TypeError, ValueError):
        start = None
    length = _duration(header.get("duration", ""))
    at = start + length if start and length is not None else None
    return RawItem(
        where,
        {
            "workspace": workspace,
            "network": "twitter",
            "channel": brand,
            "external_id": closing["tweet_ID"],
            "author": {"handle": brand},
            "direction": "outbound",
            "text": tweet_text(closing["url_utterance"]),
            "created_at": at.isoformat() if at else header.get("conversationDateTime"),
            "in_reply_to": previous,
            "raw": closing,
        },
        at=at,
    )
