"""Workspaces on the wire: the brand, and its triage settings."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from carelane.workspaces.triage_settings import TriageSettings

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


class LaneSummary(BaseModel):
    """A swim lane and the names of its categories."""

    name: str
    categories: list[str]


class LanesSummary(BaseModel):
    """The lanes triage uses for the workspace."""

    shipped_example: bool = Field(
        description="The workspace has no lanes of its own: the example lanes apply."
    )
    default_lane: str
    lanes: list[LaneSummary]


class TriageSettingsOut(BaseModel):
    """A workspace's triage settings: its lanes file as saved (None: the shipped example
    lanes), its other settings, and the lanes in effect."""

    workspace: str
    lanes_yaml: str | None
    settings: TriageSettings
    lanes: LanesSummary
