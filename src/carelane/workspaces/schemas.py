"""Workspaces on the wire."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

WorkspaceSlug = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        description="Lower-case letters, digits, `-` and `_`, e.g. `united`.",
    ),
]


class WorkspaceIn(BaseModel):
    """A brand to create."""

    model_config = ConfigDict(extra="forbid")

    slug: WorkspaceSlug
    name: Annotated[str, Field(min_length=1, max_length=255)]


class WorkspaceOut(BaseModel):
    """A brand carelane serves."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    slug: str
    name: str
    created_at: datetime


class WorkspaceList(BaseModel):
    items: list[WorkspaceOut]
