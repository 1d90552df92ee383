"""Routing benchmark: push decisions per second and "next conversation" latency.

A contact centre of `--agents` agents (200) in the shipped example teams, and
`--waiting` conversations (10,000) waiting in the example lanes, built in memory from a
fixed seed before any timing: most in English on X/Twitter, a share in Spanish, French,
Portuguese, German and Arabic, on every network, a few escalated to tier 2 or 3 or sent
to one team, 5 % held by an agent. Measured:

  (a) push: `choose_agent` for every waiting conversation nobody holds, best of
      `--repeat` runs (3), as decisions per second;
  (b) building the `WaitingQueue` (order and index) for one moment, best of `--repeat`;
  (c) pull: `next_conversation` for every agent, `--rounds` times (5), each call timed
      alone, as p50, p99 and the slowest.

Figures are printed; nothing about time is asserted.
Run with `python benchmarks/routing_policies.py [--agents N] [--waiting N]`.
"""

import argparse
import random
import statistics
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TypeVar

from carelane.domain.channels import Network
from carelane.routing.agents import (
    AgentProfile,
    AgentSnapshot,
    AgentState,
    LaneDuty,
    RepRole,
    Skill,
    SkillKind,
)
from carelane.routing.config_file import example_team_config
from carelane.routing.pull import WaitingQueue, next_conversation
from carelane.routing.push import PushOutcome, choose_agent
from carelane.routing.requirements import ConversationToRoute
from carelane.routing.roster import Roster
from carelane.routing.team_config import RoutingConfig
from timing import best_of

T = TypeVar("T")
NOW = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
SEED = 20250303
NETWORKS = {
    Network.TWITTER: 50,
    Network.FACEBOOK: 25,
    Network.INSTAGRAM: 10,
    Network.FORUM: 8,
    Network.YOUTUBE: 4,
    Network.REVIEW_SITE: 3,
}
LANGUAGES = {"en": 80, "es": 8, "fr": 5, "pt": 3, "de": 2, "ar": 1, "und": 1}
STATES = {AgentState.AVAILABLE: 80, AgentState.BUSY: 10, AgentState.AWAY: 7, AgentState.OFFLINE: 3}
TEAM_SHARES = {"Customer Service": 60, "Tier 2": 15, "Tier 3": 10, "Marketing/PR": 15}
CATEGORIES = {
    "Customer Service": [
        "Warranty & Rebate Questions",
        "Service & Policy Issues",
        "Product Suggestions",
        "Product Complaints",
        "Existing Ownership Product Inquiries",
        "Thanking Customers For Compliments",
    ],
    "Marketing/PR": [
        "Crisis Communications",
        "Campaign Complaints/Inquiries",
        "Future Product Questions",
        "Blogger/Influencer Interactions",
        "Upcoming Events",
        "Charity/Environmental Concerns",
    ],
}


def pick(rng: random.Random, weights: dict[T, int]) -> T:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def build_agents(config: RoutingConfig, count: int, rng: random.Random) -> list[AgentSnapshot]:
    """`count` agents: the example file's eight as they are, the rest in its teams with
    the same kinds of skills, capacities and primary or backup duties."""
    teams = {team.name: team for team in config.teams}
    agents = []
    for index in range(count):
        if index < len(config.agents):
            profile = config.agents[index]
        else:
            team = teams[pick(rng, TEAM_SHARES)]
            lane = team.lanes[0]
            languages = {"en": rng.randint(3, 5)}
            for code in rng.sample(["es", "fr", "pt", "de", "ar"], k=rng.randint(0, 2)):
                languages[code] = rng.randint(1, 5)
            categories = rng.sample(CATEGORIES[lane], k=rng.randint(1, 3))
            networks = [Network.TWITTER, *rng.sample(list(NETWORKS)[1:], k=rng.randint(1, 4))]
            capacity = {network: rng.randint(2, 6) for network in networks}
            role = pick(rng, {RepRole.PRIMARY: 15, RepRole.BACKUP: 10, None: 75})
            duties = () if role is None else (LaneDuty(lane, role, rng.choice(networks)),)
            profile = AgentProfile(
                name=f"Agent {index + 1}",
                teams=(team.name,),
                tier=team.tier,
                skills=(
                    *(Skill(SkillKind.LANGUAGE, c, level) for c, level in languages.items()),
                    *(Skill(SkillKind.CATEGORY, c, rng.randint(1, 5)) for c in categories),
                ),
                capacity=capacity,
                duties=duties,
            )
        state = pick(rng, STATES)
        load = {network: rng.randint(0, slots) for network, slots in profile.capacity.items()}
        idle = None if rng.random() < 0.05 else NOW - timedelta(seconds=rng.randint(0, 3600))
        agents.append(AgentSnapshot(index + 1, profile, state, load, idle))
    return agents


def build_waiting(count: int, agent_count: int, rng: random.Random) -> list[ConversationToRoute]:
    conversations = []
    for index in range(count):
        lane = pick(rng, {"Customer Service": 75, "Marketing/PR": 25})
        tier = pick(rng, {1: 90, 2: 7, 3: 3})
        team = {1: None, 2: "Tier 2", 3: "Tier 3"}[tier] if lane == "Customer Service" else None
        due = rng.randint(-10, 240) if rng.random() < 0.9 else None
        conversations.append(
            ConversationToRoute(
                id=index + 1,
                lane=lane,
                network=pick(rng, NETWORKS),
                priority=rng.randint(0, 100),
                waiting_since=NOW - timedelta(seconds=rng.randint(0, 3600)),
                language=pick(rng, LANGUAGES),
                categories=(rng.choice(CATEGORIES[lane]),),
                tier=tier if lane == "Customer Service" else 1,
                team=team if rng.random() < 0.5 else None,
                response_due_at=None if due is None else NOW + timedelta(minutes=due),
                previous_agent_id=rng.randint(1, agent_count) if rng.random() < 0.2 else None,
                holder_id=rng.randint(1, agent_count) if rng.random() < 0.05 else None,
            )
        )
    return conversations


def push_each(roster: Roster, conversations: list[ConversationToRoute]) -> None:
    for conversation in conversations:
        choose_agent(conversation, roster, now=NOW)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--waiting", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()

    rng = random.Random(SEED)
    config = example_team_config()
    agents = build_agents(config, options.agents, rng)
    waiting = build_waiting(options.waiting, options.agents, rng)
    roster = config.roster(agents)
    unheld = [c for c in waiting if c.holder_id is None]
    print(
        f"{len(agents)} agents ({sum(a.state is AgentState.AVAILABLE for a in agents)} "
        f"available), {len(waiting):,} waiting ({len(unheld):,} held by nobody); "
        f"best of {options.repeat} runs"
    )

    seconds = best_of(options.repeat, partial(push_each, roster, unheld))
    outcomes = Counter(choose_agent(c, roster, now=NOW).outcome for c in unheld)
    print(
        f"  (a) push {len(unheld):,} decisions: {len(unheld) / seconds:,.0f} decisions/s, "
        f"{seconds / len(unheld) * 1e3:.3f} ms each; "
        + ", ".join(f"{outcome} {outcomes[outcome]:,}" for outcome in PushOutcome)
    )

    build = best_of(options.repeat, partial(WaitingQueue, waiting, roster=roster, now=NOW))
    queue = WaitingQueue(waiting, roster=roster, now=NOW)
    print(
        f"  (b) waiting queue built in {build * 1e3:.1f} ms "
        f"({queue.group_count:,} groups of conversations asking the same)"
    )

    latencies = []
    offered = 0
    for _ in range(options.rounds):
        for agent in agents:
            start = time.perf_counter_ns()
            decision = next_conversation(agent, queue)
            latencies.append(time.perf_counter_ns() - start)
            offered += decision.conversation is not None
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(
        f"  (c) next conversation, {len(latencies):,} calls: "
        f"p50 {statistics.median(latencies) / 1e6:.3f} ms, p99 {p99 / 1e6:.3f} ms, "
        f"slowest {latencies[-1] / 1e6:.3f} ms; {offered / len(latencies):.0%} offered one"
    )


if __name__ == "__main__":
    main()
