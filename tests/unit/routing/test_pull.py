"""Pull: "next conversation" gives an agent the most urgent waiting one they may take."""

import pytest

from carelane.routing.agents import AgentSnapshot, AgentState
from carelane.routing.pull import WaitingQueue, next_conversation
from carelane.routing.requirements import ConversationToRoute
from tests.unit.routing.builders import FACEBOOK, NOW, TWITTER, agent, conversation, roster


def pulled(
    who: AgentSnapshot, *waiting: ConversationToRoute, exclude: frozenset[int] = frozenset()
) -> int | None:
    queue = WaitingQueue(waiting, roster=roster(who), now=NOW)
    taken = next_conversation(who, queue, exclude=exclude).conversation
    return taken.id if taken is not None else None


def test_the_most_urgent_the_agent_may_take() -> None:
    ana = agent(1, "Ana", languages={"en": 5, "es": 3})
    waiting = [
        conversation(1, priority=40),
        conversation(2, priority=90, language="fr"),  # she does not speak French
        conversation(3, priority=60, language="es"),
        conversation(4, priority=10, due_in=5),  # at risk: first
    ]
    queue = WaitingQueue(waiting, roster=roster(ana), now=NOW)
    decision = next_conversation(ana, queue)
    assert decision.conversation == waiting[3]
    assert decision.may_take == 3
    assert decision.explanation == (
        "conversation 4: breaches in 5 min; priority 10; waiting 1 min; Care, twitter, en; "
        "first of 3 Ana may take"
    )
    assert decision.position is not None
    assert decision.position.position == 1
    assert not decision.by_overflow
    assert pulled(ana, *waiting[:3]) == 3


def test_never_a_conversation_someone_holds() -> None:
    ana = agent(1)
    assert pulled(ana, conversation(1, priority=90, holder=2), conversation(2, priority=10)) == 2
    assert pulled(ana, conversation(1, holder=1)) is None  # already hers, not new work


def test_taken_ids_are_skipped() -> None:
    ana = agent(1)
    waiting = [conversation(1, priority=90), conversation(2, priority=80), conversation(3)]
    queue = WaitingQueue(waiting, roster=roster(ana), now=NOW)
    decision = next_conversation(ana, queue, exclude=frozenset({1, 2, 99}))
    assert decision.conversation == waiting[2]
    assert decision.may_take == 1


def test_a_busy_agent_may_pull_but_an_away_one_is_offered_nothing() -> None:
    assert pulled(agent(1, state=AgentState.BUSY), conversation(1)) == 1
    away = agent(1, "Ana", state=AgentState.AWAY)
    queue = WaitingQueue([conversation(1)], roster=roster(away), now=NOW)
    decision = next_conversation(away, queue)
    assert decision.conversation is None
    assert decision.explanation == "Ana is away: nothing is offered"
    assert pulled(agent(1, state=AgentState.OFFLINE), conversation(1)) is None


def test_only_networks_with_a_free_slot() -> None:
    ana = agent(1, capacity={TWITTER: 2, FACEBOOK: 2}, load={TWITTER: 2})
    waiting = [conversation(1, priority=90), conversation(2, network=FACEBOOK, priority=5)]
    assert pulled(ana, *waiting) == 2


def test_only_the_agents_lanes_and_tier() -> None:
    social = agent(1, teams=("Social",))
    assert pulled(social, conversation(1), conversation(2, lane="Social", priority=1)) == 2
    assert pulled(agent(1), conversation(1, tier=3)) is None
    assert pulled(agent(1, teams=("Tier 3",), tier=3), conversation(1, tier=3)) == 1


def test_overflowing_conversations_reach_backup_teams_and_relaxed_skills() -> None:
    social = agent(1, "Sol", teams=("Social",))
    waiting = [conversation(1, priority=90, waited=5), conversation(2, priority=10, waited=16)]
    queue = WaitingQueue(waiting, roster=roster(social), now=NOW)
    decision = next_conversation(social, queue)
    assert decision.conversation == waiting[1]
    assert decision.by_overflow
    assert decision.explanation == (
        "conversation 2: priority 10; no deadline; waiting 16 min; "
        "Care, twitter, en (overflow: backup team); first of 1 Sol may take"
    )
    ben = agent(2, "Ben")
    german = conversation(1, language="de", waited=20)
    decision = next_conversation(ben, WaitingQueue([german], roster=roster(ben), now=NOW))
    assert decision.conversation == german
    assert decision.by_overflow
    assert "(overflow: does not speak de)" in decision.explanation


def test_an_overflowing_conversation_a_member_qualifies_for_is_not_by_overflow() -> None:
    ben = agent(2, "Ben")
    queue = WaitingQueue([conversation(1, waited=30)], roster=roster(ben), now=NOW)
    decision = next_conversation(ben, queue)
    assert decision.conversation is not None
    assert not decision.by_overflow
    assert "overflow" not in decision.explanation


def test_nothing_to_take_says_how_many_wait() -> None:
    ana = agent(1, "Ana")
    queue = WaitingQueue([conversation(1, language="fr")], roster=roster(ana), now=NOW)
    decision = next_conversation(ana, queue)
    assert decision.conversation is None
    assert decision.may_take == 0
    assert decision.explanation == "nothing waiting that Ana may take (1 waiting in all)"


def test_conversations_asking_the_same_share_one_group() -> None:
    waiting = [conversation(i, priority=i) for i in range(1, 40)]
    waiting += [conversation(100, language="es"), conversation(101, categories=("Bags",))]
    waiting += [conversation(102, holder=3)]
    queue = WaitingQueue(waiting, roster=roster(agent(1)), now=NOW)
    assert len(queue) == 42
    assert queue.group_count == 3  # English, Spanish, English about bags; the held one in none


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match=r"now .* has no time zone"):
        WaitingQueue([], roster=roster(), now=NOW.replace(tzinfo=None))
