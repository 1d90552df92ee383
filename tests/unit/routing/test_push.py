"""Push: who a new or reopened conversation goes to, and the sentence that says why."""

from dataclasses import replace
from typing import Any

import pytest

from carelane.routing.agents import AgentSnapshot, AgentState
from carelane.routing.lane_policies import LanePolicy, Need
from carelane.routing.push import PushOutcome, choose_agent
from carelane.routing.roster import Roster
from carelane.routing.skill_groups import SkillGroups
from tests.unit.routing.builders import (
    FACEBOOK,
    LANES,
    NOW,
    TEAMS,
    TWITTER,
    agent,
    conversation,
    minutes,
    roster,
)


def chosen(*agents: AgentSnapshot, **conversation_fields: Any) -> int | None:
    decision = choose_agent(conversation(**conversation_fields), roster(*agents), now=NOW)
    return decision.agent.id if decision.agent is not None else None


def test_the_supervisor_reads_why_the_agent_was_chosen() -> None:
    ana = agent(
        1,
        "Ana",
        languages={"es": 4, "en": 5},
        categories={"Baggage": 4},
        load={TWITTER: 1},
        idle=12,
        primary=(("Care", TWITTER),),
    )
    decision = choose_agent(
        conversation(language="es", categories=("Baggage",)), roster(ana), now=NOW
    )
    assert decision.agent == ana
    assert decision.outcome is PushOutcome.BEST_MATCH
    assert decision.assigned
    assert decision.explanation == (
        "Ana: primary rep, speaks es 4/5, category Baggage 4/5, "
        "1 of 5 twitter slots used, idle 12 min"
    )
    assert decision.runners_up == ()


def test_primary_before_member_before_backup_whatever_their_skills() -> None:
    primary = agent(1, categories={"Baggage": 1}, primary=(("Care", TWITTER),))
    member = agent(2, categories={"Baggage": 5}, idle=60)
    backup = agent(3, categories={"Baggage": 5}, idle=90, backup=(("Care", None),))
    assert chosen(backup, member, primary, categories=("Baggage",)) == 1
    assert chosen(backup, member, categories=("Baggage",)) == 2
    assert chosen(backup, categories=("Baggage",)) == 3


def test_then_the_tier_nearest_the_conversations() -> None:
    senior = agent(1, teams=("Tier 3",), tier=3, idle=60)
    first_line = agent(2, idle=1)
    assert chosen(senior, first_line) == 2
    assert chosen(senior, first_line, tier=3) == 1


def test_then_best_category_then_best_language() -> None:
    a = agent(1, languages={"es": 5}, categories={"Baggage": 2}, idle=60)
    b = agent(2, languages={"es": 2}, categories={"Baggage": 4})
    c = agent(3, languages={"es": 4}, categories={"Baggage": 4})
    assert chosen(a, b, c, language="es", categories=("Baggage",)) == 3
    assert chosen(a, b, language="es", categories=("Baggage",)) == 2


def test_then_lowest_occupancy_over_all_networks() -> None:
    busy = agent(1, capacity={TWITTER: 5, FACEBOOK: 5}, load={FACEBOOK: 4}, idle=60)
    calm = agent(2, capacity={TWITTER: 5, FACEBOOK: 5}, load={TWITTER: 1})
    assert chosen(busy, calm) == 2


def test_then_longest_idle_with_nothing_yet_this_shift_first() -> None:
    assert chosen(agent(1, idle=3), agent(2, idle=30), agent(3, idle=10)) == 2
    assert chosen(agent(1, idle=3), agent(2, idle=None), agent(3, idle=10)) == 2


def test_ties_go_to_the_lowest_id() -> None:
    assert chosen(agent(9, idle=5), agent(4, idle=5)) == 4


@pytest.mark.parametrize("state", [AgentState.BUSY, AgentState.AWAY, AgentState.OFFLINE])
def test_only_available_agents_are_pushed_to(state: AgentState) -> None:
    assert chosen(agent(1, state=state, idle=60), agent(2)) == 2
    assert chosen(agent(1, state=state)) is None


def test_an_agent_without_a_free_slot_on_the_network_is_passed_over() -> None:
    full = agent(1, load={TWITTER: 5}, idle=60)
    no_twitter = agent(2, capacity={FACEBOOK: 5}, idle=60)
    assert chosen(full, no_twitter, agent(3)) == 3
    decision = choose_agent(conversation(), roster(full, no_twitter), now=NOW)
    assert decision.agent is None
    assert decision.outcome is PushOutcome.NOBODY
    assert decision.explanation == (
        "nobody may take it now: 1 no free twitter slot, 1 does not work twitter"
    )


def test_required_language_and_tier_filter_before_overflow() -> None:
    english = agent(1, idle=60)
    assert chosen(english, language="es") is None
    assert chosen(english, tier=2) is None
    decision = choose_agent(conversation(language="es"), roster(english), now=NOW)
    assert decision.explanation == "nobody may take it now: 1 does not speak es"


def test_a_preferred_category_does_not_filter() -> None:
    assert chosen(agent(1), categories=("Baggage",)) == 1


def test_a_required_category_filters() -> None:
    lanes = (LanePolicy("Care", category_skill=Need.REQUIRED),)
    decision = choose_agent(
        conversation(categories=("Baggage",)), roster(agent(1), lanes=lanes), now=NOW
    )
    assert decision.agent is None
    assert decision.explanation == "nobody may take it now: 1 no category Baggage"


def test_agents_outside_the_lane_are_not_offered_it() -> None:
    social = agent(1, teams=("Social",), idle=60)
    assert chosen(social) is None
    assert chosen(social, lane="Social") == 1


def test_overflow_relaxes_skills_and_offers_backup_teams_and_says_so() -> None:
    english = agent(1, "Ben", idle=5)
    social_speaker = agent(2, "Sol", teams=("Social",), languages={"es": 3}, idle=2)
    team = roster(english, social_speaker)
    waiting = conversation(language="es", waited=20)
    decision = choose_agent(waiting, team, now=NOW)
    assert decision.outcome is PushOutcome.OVERFLOW
    assert decision.agent == social_speaker  # speaks the language: fewer skills relaxed
    assert decision.overflow.overflowing
    assert decision.explanation == (
        "Sol: backup team, speaks es 3/5, 0 of 5 twitter slots used, idle 2 min "
        "(waiting 20 min, past Care's 15 min overflow wait: skills relaxed, "
        "backup teams Social offered; tell the supervisor)"
    )
    assert decision.runners_up == (
        "Ben: team member, does not speak es (relaxed: overflow), "
        "0 of 5 twitter slots used, idle 5 min",
    )
    assert chosen(english, language="es", waited=14) is None


def test_overflow_never_relaxes_tier_capacity_or_presence() -> None:
    assert chosen(agent(1), tier=3, waited=60) is None
    assert chosen(agent(1, load={TWITTER: 5}), waited=60) is None
    assert chosen(agent(1, state=AgentState.AWAY), waited=60) is None


def test_an_overflow_decision_for_a_qualified_member_is_a_best_match() -> None:
    decision = choose_agent(conversation(waited=60), roster(agent(1)), now=NOW)
    assert decision.outcome is PushOutcome.BEST_MATCH
    assert decision.overflow.tell_supervisor


def test_sticky_goes_back_to_the_previous_agent_when_free() -> None:
    ana = agent(1, "Ana", idle=1)
    ben = agent(2, "Ben", idle=90, primary=(("Care", TWITTER),))
    decision = choose_agent(conversation(previous=1), roster(ana, ben), now=NOW)
    assert decision.agent == ana
    assert decision.outcome is PushOutcome.STICKY
    assert decision.explanation == (
        "back to the customer's previous agent; Ana: team member, speaks en 5/5, "
        "0 of 5 twitter slots used, idle 1 min"
    )


def test_sticky_gives_way_when_the_previous_agent_is_not_free() -> None:
    ana = agent(1, "Ana", load={TWITTER: 5})
    ben = agent(2, "Ben", idle=4)
    decision = choose_agent(conversation(previous=1), roster(ana, ben), now=NOW)
    assert decision.agent == ben
    assert decision.outcome is PushOutcome.BEST_MATCH
    assert decision.explanation == (
        "Ben: team member, speaks en 5/5, 0 of 5 twitter slots used, idle 4 min; "
        "previous agent Ana: no free twitter slot (5 of 5 twitter slots used)"
    )


def test_sticky_needs_no_overflow_relaxation() -> None:
    social = agent(1, teams=("Social",), idle=0)  # offered Care's work only as a backup team
    spanish = agent(2, languages={"es": 4}, idle=0)
    care = agent(3, idle=1)
    assert chosen(social, care, previous=1, waited=30) == 3
    assert chosen(spanish, care, previous=2, waited=30, language="fr") == 3
    decision = choose_agent(conversation(previous=1, waited=30), roster(social), now=NOW)
    assert decision.agent == social
    assert decision.outcome is PushOutcome.OVERFLOW


def test_sticky_never_bypasses_qualification() -> None:
    social = agent(1, teams=("Social",))
    assert chosen(social, agent(2), previous=1) == 2
    assert chosen(agent(2), previous=99) == 2  # a previous agent no longer on the roster


def test_a_held_conversation_is_not_pushed() -> None:
    ana = agent(1, "Ana")
    decision = choose_agent(conversation(holder=1), roster(ana, agent(2)), now=NOW)
    assert decision.outcome is PushOutcome.HELD
    assert decision.agent is None
    assert decision.explanation == "already held by Ana"
    gone = choose_agent(conversation(holder=7), roster(ana), now=NOW)
    assert gone.explanation == "already held by agent 7"


def test_runners_up_are_the_next_three_in_order() -> None:
    agents = [agent(i, f"A{i}", idle=10 * i) for i in range(1, 6)]
    decision = choose_agent(conversation(), roster(*agents), now=NOW)
    assert decision.agent == agents[4]
    assert [line.split(":")[0] for line in decision.runners_up] == ["A4", "A3", "A2"]


def test_nobody_on_the_roster() -> None:
    decision = choose_agent(conversation(), roster(), now=NOW)
    assert decision.explanation == "nobody may take it now: no agents on the roster"


def test_the_overflow_moment_comes_from_the_lane() -> None:
    decision = choose_agent(conversation(waited=3), roster(agent(1)), now=NOW)
    assert decision.overflow.overflows_at == NOW + minutes(12)


def test_a_roster_at_a_later_moment_decides_as_one_made_anew() -> None:
    agents = [agent(number, idle=number) for number in range(1, 6)]
    groups = SkillGroups({a.id: a.profile for a in agents}, TEAMS, LANES)
    kept = Roster(tuple(agents), TEAMS, LANES, skill_groups=groups)
    later = kept
    for _ in range(7):  # each push fills the chosen agent's slot, as a dispatch does
        decision = choose_agent(conversation(), later, now=NOW)
        anew = choose_agent(
            conversation(), Roster(later.agents, TEAMS, LANES, skill_groups=groups), now=NOW
        )
        assert decision == anew
        assert decision.agent is not None
        load = {TWITTER: decision.agent.load_on(TWITTER) + 1}
        later = later.replacing(replace(decision.agent, load=load, idle_since=NOW))
    assert [a.load_on(TWITTER) for a in later.agents] == [2, 2, 1, 1, 1]  # the longest idle first
    assert later.kept_skill_groups is groups
    assert [a.load_on(TWITTER) for a in kept.agents] == [0] * 5  # the first one unchanged
    with pytest.raises(ValueError, match="another profile"):
        later.replacing(agent(1))
