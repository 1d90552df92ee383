"""Small hand-made setups: one team owning the Customer Service lane, agents that work
X/Twitter one contact at a time, the shipped service levels (30 minutes on X/Twitter)."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from carelane.domain.channels import Network
from carelane.routing.agents import AgentProfile, Skill, SkillKind, Team
from carelane.routing.team_config import RoutingConfig
from carelane.simulation.arrivals import Contact
from carelane.simulation.distributions import ByNetwork, Distribution, Family
from carelane.simulation.engine import SimulationSetup
from carelane.simulation.staffing import StaffingPlan
from carelane.sla.config_file import shipped_service_levels
from carelane.sla.policies import ServiceLevels

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday, on the hour
ROUTING = RoutingConfig(teams=(Team("Care", lanes=("Customer Service",)),), lanes=(), agents=())


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def agent(name: str, capacity: int = 1) -> AgentProfile:
    return AgentProfile(
        name=name,
        teams=("Care",),
        skills=(Skill(SkillKind.LANGUAGE, "en", 5),),
        capacity={Network.TWITTER: capacity},
    )


def contact(number: int, minutes: float, *, priority: int = 50) -> Contact:
    return Contact(
        id=number,
        arrived_at=at(minutes),
        network=Network.TWITTER,
        lane="Customer Service",
        priority=priority,
        language="en",
    )


def fixed(minutes: float | None) -> ByNetwork:
    if minutes is None:
        return ByNetwork(Distribution(Family.NEVER))
    return ByNetwork(Distribution(Family.FIXED, timedelta(minutes=minutes)))


def setup(
    agents: Sequence[AgentProfile],
    *,
    handle: ByNetwork | None = None,
    patience: ByNetwork | None = None,
    plan: StaffingPlan | None = None,
    levels: ServiceLevels | None = None,
    seed: int = 0,
) -> SimulationSetup:
    return SimulationSetup(
        agents=tuple(agents),
        routing=ROUTING,
        service_levels=levels or shipped_service_levels(),
        handle_time=handle or fixed(5),
        patience=patience or fixed(None),
        seed=seed,
        plan=plan,
    )
