"""An agent's routing profile as plain records (JSON-ready dicts and lists), the way the
store keeps it, and back. Pure: no database here, only the shapes."""

from collections.abc import Mapping, Sequence
from typing import Any

from carelane.domain.channels import Network
from carelane.routing.agents import AgentProfile, LaneDuty, RepRole, Skill, SkillKind


def skill_records(profile: AgentProfile) -> list[dict[str, Any]]:
    """`[{"kind": "language", "name": "es", "proficiency": 4}, ...]`"""
    return [
        {"kind": skill.kind.value, "name": skill.name, "proficiency": skill.proficiency}
        for skill in profile.skills
    ]


def capacity_record(profile: AgentProfile) -> dict[str, int]:
    """`{"twitter": 5, "facebook": 3}`"""
    return {network.value: slots for network, slots in profile.capacity.items()}


def duty_records(profile: AgentProfile) -> list[dict[str, Any]]:
    """`[{"lane": "Customer Service", "role": "primary", "network": "twitter"}, ...]`;
    network null: every network."""
    return [
        {
            "lane": duty.lane,
            "role": duty.role.value,
            "network": duty.network.value if duty.network is not None else None,
        }
        for duty in profile.duties
    ]


def profile_from_records(
    *,
    name: str,
    email: str | None,
    teams: Sequence[str],
    tier: int,
    skills: Sequence[Mapping[str, Any]] | None,
    capacity: Mapping[str, int] | None,
    duties: Sequence[Mapping[str, Any]] | None,
    lanes_only: frozenset[str] | None = None,
) -> AgentProfile:
    """The profile the records describe (as `skill_records` & co. wrote them), bound to
    `lanes_only` when given (see `AgentProfile`)."""
    return AgentProfile(
        name=name,
        email=email,
        teams=tuple(teams),
        tier=tier,
        skills=tuple(
            Skill(SkillKind(s["kind"]), str(s["name"]), int(s["proficiency"])) for s in skills or ()
        ),
        capacity={Network(network): int(slots) for network, slots in (capacity or {}).items()},
        duties=tuple(
            LaneDuty(
                str(d["lane"]),
                RepRole(d["role"]),
                Network(d["network"]) if d.get("network") is not None else None,
            )
            for d in duties or ()
        ),
        lanes_only=lanes_only,
    )
