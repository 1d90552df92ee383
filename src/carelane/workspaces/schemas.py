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


class RoutingTeamOut(BaseModel):
    """A team on the roster: its tier, the lanes it owns and those it backs up."""

    id: int
    name: str
    tier: int
    description: str | None
    lanes: list[str]
    backup_lanes: list[str]


class RoutingAgentOut(BaseModel):
    """An agent on the roster: their teams, tier, presence and capacity per network."""

    id: int
    name: str
    email: str | None
    tier: int
    teams: list[str]
    state: str
    capacity: dict[str, int]


class RoutingOut(BaseModel):
    """A workspace's teams file as saved (None: none yet) and the roster it made."""

    workspace: str
    teams_yaml: str | None
    teams: list[RoutingTeamOut]
    agents: list[RoutingAgentOut]


class ServiceLevelPolicyOut(BaseModel):
    """A service-level policy: whom it covers and its targets (`30m`, `4h`, `1d 2h`)."""

    name: str
    calendar: str
    networks: list[str] = Field(description="Empty: every network.")
    channel_kinds: list[str] = Field(description="Empty: every kind of channel.")
    min_priority: int
    max_priority: int
    first_response: str
    next_response: str
    resolution: str | None
    warning_fraction: float


class ServiceLevelsOut(BaseModel):
    """A workspace's service-levels file as saved (None: the shipped ones apply) and the
    policies in effect."""

    workspace: str
    service_levels_yaml: str | None
    shipped_default: bool
    calendars: list[str]
    policies: list[ServiceLevelPolicyOut]
