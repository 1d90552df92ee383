"""Builders for test input in the normalised post format."""

from datetime import datetime
from typing import Any


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
