"""An agent whose role bounds them to some lanes (a Marketing/PR member: the marketing
lanes) is qualified for those lanes' conversations only: never pushed, pulled, given by
overflow, sticky routing, by hand or by takeover one of another lane, whatever their
teams and duties say."""

from dataclasses import replace

import pytest

from carelane.routing.agents import AgentProfile, AgentSnapshot
from carelane.routing.assignment import OutsideLanesError, check_assignment, take_over
from carelane.routing.pull import WaitingQueue, next_conversation, offered_in_order
from carelane.routing.push import PushOutcome, choose_agent
from carelane.routing.qualification import assess
from carelane.routing.requirements import requirements_for
from carelane.routing.roster import Roster
from carelane.routing.skill_groups import SkillGroups
from tests.unit.routing.builders import LANES, NOW, TEAMS, agent, conversation, roster

SOCIAL_ONLY = frozenset({"Social"})


def grace(**bounds: frozenset[str] | None) -> AgentSnapshot:
    """A member of team Social (which owns Social and backs up Care once it overflows)
    with a primary duty on Care, bounded to the Social lane unless told otherwise."""
    return agent(
        7,
        "Grace",
        teams=("Social",),
        primary=(("Care", None),),
        lanes_only=bounds.get("lanes_only", SOCIAL_ONLY),
    )


def test_an_overflowing_conversation_of_another_lane_is_not_pushed_to_them() -> None:
    waiting = conversation(lane="Care", waited=20)  # past Care's overflow wait

    bounded = choose_agent(waiting, roster(grace()), now=NOW)
    unbounded = choose_agent(waiting, roster(grace(lanes_only=None)), now=NOW)

    assert bounded.agent is None
    assert bounded.outcome is PushOutcome.NOBODY
    assert bounded.explanation.startswith("nobody may take it now: 1 works only the Social lane")
    assert unbounded.agent is not None  # a primary rep of Care, were it not for the bound


def test_their_own_lanes_conversations_are_pushed_to_them() -> None:
    decision = choose_agent(conversation(lane="social"), roster(grace()), now=NOW)

    assert decision.agent is not None
    assert decision.agent.id == 7


def test_kept_skill_groups_leave_them_out_too() -> None:
    them, care = grace(), agent(1, "Cara", teams=("Care",))
    groups = SkillGroups({a.id: a.profile for a in (them, care)}, TEAMS, LANES)
    staffed = Roster((them, care), TEAMS, LANES, skill_groups=groups)
    waiting = conversation(lane="Care", waited=20)

    decisions = [choose_agent(waiting, staffed, now=NOW) for _ in range(2)]
    alone = Roster((them,), TEAMS, LANES, skill_groups=SkillGroups({7: them.profile}, TEAMS, LANES))

    assert [d.agent.id if d.agent else None for d in decisions] == [1, 1]
    assert choose_agent(waiting, alone, now=NOW).agent is None


def test_sticky_routing_never_brings_another_lanes_customer_back_to_them() -> None:
    care = agent(1, "Cara", teams=("Care",), idle=1)

    decision = choose_agent(conversation(lane="Care", previous=7), roster(grace(), care), now=NOW)

    assert decision.agent == care
    assert decision.outcome is PushOutcome.BEST_MATCH
    assert "previous agent Grace: works only the Social lane" in decision.explanation


def test_a_pull_offers_them_only_their_lanes() -> None:
    them = grace()
    waiting = [
        conversation(1, lane="Care", priority=90, waited=30),  # more urgent, overflowing
        conversation(2, lane="Social", priority=10),
    ]
    queue = WaitingQueue(waiting, roster=roster(them), now=NOW)

    assert [p.conversation.id for p in offered_in_order(them, queue)] == [2]
    pulled = next_conversation(them, queue)
    assert pulled.conversation == waiting[1]
    assert pulled.may_take == 1


def test_no_lane_at_all_when_their_role_has_none() -> None:
    them = grace(lanes_only=frozenset())
    fit = assess(
        them,
        requirements_for(conversation(lane="Social"), roster(them).policy("Social")),
        roster(them),
        overflowing=False,
    )

    assert fit.refusals == ("works no lane (none is for their role)",)


def test_they_are_never_given_another_lanes_conversation_by_hand_or_takeover() -> None:
    them, care = grace(), agent(1, "Cara", teams=("Care",))
    waiting = conversation(5, lane="Care")

    with pytest.raises(OutsideLanesError, match="Grace works only the Social lane"):
        check_assignment(waiting, them)
    with pytest.raises(OutsideLanesError, match="conversation 5 is in Care"):
        take_over(
            conversation=replace(waiting, holder_id=1),
            holder=care,
            taker=them,
            reason="covering the break",
            now=NOW,
        )
    check_assignment(conversation(6, lane="SOCIAL"), them)  # their lane, in any case


def test_a_profile_compares_lanes_in_any_case() -> None:
    profile = AgentProfile("Grace", lanes_only=frozenset({"Marketing/PR"}))

    assert profile.works_lane("marketing/pr")
    assert not profile.works_lane("Customer Service")
    assert AgentProfile("Ana").works_lane("Customer Service")
    assert profile.describe_lanes_only() == "works only the Marketing/PR lane"
