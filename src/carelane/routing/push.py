"""Push: a new or reopened conversation goes to the best available agent.

Sticky first: a returning customer goes back to the agent who answered them before, when
that agent is available, has a free slot and is qualified without any overflow
relaxation. Otherwise every agent is assessed (`qualification.assess`) and the qualified
one ranked first is chosen: fewest skills relaxed by overflow, then primary reps before
team members before backup reps (before backup teams, once the conversation overflows),
then the tier nearest the conversation's, the best category and language proficiency,
the lowest occupancy, and the longest idle. Only the free agents of the best skill
groups (`skill_groups`, kept between decisions by a service) are ranked, not every agent.
"""

import heapq
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from carelane.domain.instants import utc_instant
from carelane.routing.agents import AgentSnapshot, AgentState
from carelane.routing.overflow import OverflowStage, overflow_stage
from carelane.routing.qualification import Assessment, RankKey, assess
from carelane.routing.requirements import ConversationToRoute, Requirements, requirements_for
from carelane.routing.roster import Roster, Standing
from carelane.routing.skill_groups import is_free_for

RUNNERS_UP = 3
"""Next-best agents a decision names, so a supervisor sees the choice was close or not."""


class PushOutcome(StrEnum):
    """How a push decision came out."""

    STICKY = "sticky"  # back to the customer's previous agent
    BEST_MATCH = "best match"  # the best qualified agent
    OVERFLOW = "overflow"  # an agent offered it only because it overflowed
    HELD = "held"  # someone holds it already: nothing to push
    NOBODY = "nobody"  # nobody may take it now; it waits in the queue


@dataclass(frozen=True, slots=True)
class PushDecision:
    """Who gets a conversation, and why, in sentences a supervisor reads."""

    conversation_id: int
    agent: AgentSnapshot | None
    outcome: PushOutcome
    overflow: OverflowStage
    explanation: str
    runners_up: tuple[str, ...] = ()

    @property
    def assigned(self) -> bool:
        return self.agent is not None


def choose_agent(
    conversation: ConversationToRoute, roster: Roster, *, now: datetime
) -> PushDecision:
    """The agent a conversation should be pushed to at `now`, or why there is none."""
    utc_instant(now, "now")
    stage = overflow_stage(conversation, roster, now=now)
    if conversation.holder_id is not None:
        holder = roster.agent(conversation.holder_id)
        who = holder.name if holder is not None else f"agent {conversation.holder_id}"
        return PushDecision(
            conversation.id, None, PushOutcome.HELD, stage, f"already held by {who}"
        )
    requirements = requirements_for(conversation, roster.policy(conversation.lane))
    overflowing = stage.overflowing
    suffix = f" ({stage.explanation})" if overflowing else ""
    previous_note = ""
    previous = (
        roster.agent(conversation.previous_agent_id)
        if conversation.previous_agent_id is not None
        else None
    )
    if previous is not None:  # only as qualified as without overflow: a backup team or a
        # relaxed skill is no reason to pass over the lane's own agents
        sticky = assess(previous, requirements, roster, overflowing=False)
        if sticky.qualified:
            return PushDecision(
                conversation.id,
                previous,
                PushOutcome.STICKY,
                stage,
                f"back to the customer's previous agent; {sticky.explain(now)}{suffix}",
            )
        previous_note = f"; previous agent {sticky.explain(now)}"
    ranked = _free_in_best_groups(requirements, roster, overflowing=overflowing)
    if not ranked:
        everyone = [
            assess(agent, requirements, roster, overflowing=overflowing) for agent in roster.agents
        ]
        return PushDecision(
            conversation.id,
            None,
            PushOutcome.NOBODY,
            stage,
            f"nobody may take it now: {_why_nobody(everyone)}{previous_note}{suffix}",
        )
    best, *runners_up = (
        assess(agent, requirements, roster, overflowing=overflowing)
        for _, agent in heapq.nsmallest(1 + RUNNERS_UP, ranked, key=_first)
    )
    outcome = PushOutcome.OVERFLOW if _by_overflow(best) else PushOutcome.BEST_MATCH
    return PushDecision(
        conversation.id,
        best.agent,
        outcome,
        stage,
        f"{best.explain(now)}{previous_note}{suffix}",
        tuple(other.explain(now) for other in runners_up),
    )


def _free_in_best_groups(
    requirements: Requirements, roster: Roster, *, overflowing: bool
) -> list[tuple[RankKey, AgentSnapshot]]:
    """The agents free to be pushed the conversation, with their rank keys: from the best
    skill groups down until the best and the runners-up are certain to be among them, or
    every free agent assessed when the roster has no skill groups (`ranking_groups`)."""
    groups = roster.ranking_groups
    if groups is None:
        fits = (
            assess(agent, requirements, roster, overflowing=overflowing)
            for agent in roster.agents
            if is_free_for(agent, requirements)
        )
        return [(fit.rank_key, fit.agent) for fit in fits if fit.qualified]
    ranked: list[tuple[RankKey, AgentSnapshot]] = []
    network = requirements.network
    agents = roster.agents_by_id
    available = AgentState.AVAILABLE
    never_idle = float("-inf")
    for group in groups.ranked(requirements, overflowing=overflowing):
        if len(ranked) > RUNNERS_UP:
            break  # everyone in a later group ranks below all of these
        relaxed, standing, tier, category, language = group.rank
        for agent_id, capacity, slots in group.members:
            agent = agents.get(agent_id)
            # `is_free_for` and `rank_key`, with the profile's slots the group holds
            if agent is None or agent.state is not available:
                continue
            load = agent.load
            if load.get(network, 0) >= capacity:
                continue
            idle = agent.idle_since
            key: RankKey = (
                relaxed,
                standing,
                tier,
                category,
                language,
                sum(load.values()) / slots if slots else 1.0,  # `occupancy`
                idle.timestamp() if idle is not None else never_idle,
                agent_id,
            )
            ranked.append((key, agent))
    return ranked


def _first(pair: tuple[RankKey, AgentSnapshot]) -> RankKey:
    return pair[0]


def _by_overflow(assessment: Assessment) -> bool:
    return bool(assessment.relaxed) or assessment.standing is Standing.BACKUP_TEAM


def _why_nobody(assessments: list[Assessment]) -> str:
    """The agents' first reasons counted: `3 is away, 2 no free twitter slot`."""
    if not assessments:
        return "no agents on the roster"
    reasons = Counter(_reason_kind(a.refusals[0]) for a in assessments)
    return ", ".join(f"{count} {reason}" for reason, count in reasons.most_common())


def _reason_kind(refusal: str) -> str:
    """A refusal without its per-agent figures, so like reasons count together."""
    return refusal.split(" (", 1)[0]
