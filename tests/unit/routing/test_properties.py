"""Properties over generated agents and conversations, checked against rules written out
here by hand: push never picks an agent without a free slot, an unqualified agent before
overflow, or one who is not available, and picks someone whenever someone qualifies; pull
never offers a held conversation and offers exactly the one a full scan would; the queue
is a total order that agrees with its explanations."""

import itertools
import re
from dataclasses import replace
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from carelane.domain.channels import Network
from carelane.routing.agents import AgentSnapshot, AgentState, RepRole, SkillKind
from carelane.routing.assignment import check_assignment
from carelane.routing.pull import WaitingQueue, next_conversation, offered_in_order
from carelane.routing.push import choose_agent
from carelane.routing.qualification import assess
from carelane.routing.queues import order_queue, queue_key
from carelane.routing.requirements import ConversationToRoute, requirements_for
from carelane.routing.roster import Roster, Standing
from carelane.routing.skill_groups import SkillGroups
from tests.unit.routing.builders import NOW, TEAMS, agent, conversation, roster

NETWORKS = [Network.TWITTER, Network.FACEBOOK, Network.FORUM]
LANES = ["Care", "Social", "Nowhere"]
TEAM_NAMES = [team.name for team in TEAMS]
OVERFLOW_AFTER = timedelta(minutes=15)  # Care's, and every other lane's default

lanes_and_networks = st.tuples(
    st.sampled_from(["Care", "Social"]), st.sampled_from([*NETWORKS, None])
)


@st.composite
def agents(draw: st.DrawFn, agent_id: int) -> AgentSnapshot:
    return agent(
        agent_id,
        teams=tuple(draw(st.lists(st.sampled_from(TEAM_NAMES), unique=True, max_size=2))),
        tier=draw(st.sampled_from([1, 1, 2, 3])),
        languages=draw(
            st.dictionaries(st.sampled_from(["en", "es", "fr"]), st.integers(1, 5), min_size=1)
        ),
        categories=draw(st.dictionaries(st.sampled_from(["Bags", "Refunds"]), st.integers(1, 5))),
        capacity=draw(st.dictionaries(st.sampled_from(NETWORKS), st.integers(0, 4), min_size=1)),
        load=draw(st.dictionaries(st.sampled_from(NETWORKS), st.integers(0, 5))),
        state=draw(st.sampled_from([AgentState.AVAILABLE, AgentState.AVAILABLE, *AgentState])),
        idle=draw(st.none() | st.integers(0, 120)),
        primary=tuple(draw(st.lists(lanes_and_networks, max_size=2, unique=True))),
        backup=tuple(draw(st.lists(lanes_and_networks, max_size=2, unique=True))),
    )


@st.composite
def rosters(draw: st.DrawFn) -> Roster:
    count = draw(st.integers(0, 9))
    return roster(*(draw(agents(agent_id)) for agent_id in range(1, count + 1)))


@st.composite
def conversations(draw: st.DrawFn, conversation_id: int = 1) -> ConversationToRoute:
    return conversation(
        conversation_id,
        lane=draw(st.sampled_from([*LANES, "Care", "Social"])),
        network=draw(st.sampled_from(NETWORKS)),
        priority=draw(st.integers(0, 100)),
        waited=draw(st.integers(0, 40)),
        language=draw(st.sampled_from(["en", "en", "es", "fr", "und", None])),
        categories=tuple(draw(st.lists(st.sampled_from(["Bags", "Refunds"]), max_size=2))),
        tier=draw(st.sampled_from([1, 1, 1, 2, 3])),
        team=draw(st.sampled_from([None, None, None, *TEAM_NAMES])),
        due_in=draw(st.none() | st.integers(-30, 120)),
        previous=draw(st.integers(-9, 9).map(lambda n: n if n > 0 else None)),
        holder=draw(st.integers(-18, 9).map(lambda n: n if n > 0 else None)),
    )


@st.composite
def waiting_lists(draw: st.DrawFn) -> list[ConversationToRoute]:
    count = draw(st.integers(0, 25))
    return [draw(conversations(conversation_id)) for conversation_id in range(1, count + 1)]


def overflowing(conversation: ConversationToRoute) -> bool:
    return NOW - conversation.waiting_since >= OVERFLOW_AFTER


def may_take(
    who: AgentSnapshot,
    conversation: ConversationToRoute,
    *,
    pulling: bool = False,
    overflow: bool | None = None,
) -> bool:
    """The routing rules, written out once more by hand (`overflow` False: as if the
    conversation had not overflowed)."""
    overflows = overflowing(conversation) if overflow is None else overflow
    present = {AgentState.AVAILABLE, AgentState.BUSY} if pulling else {AgentState.AVAILABLE}
    network, lane = conversation.network, conversation.lane.casefold()
    if who.state not in present:
        return False
    if who.load.get(network, 0) >= who.profile.capacity.get(network, 0):
        return False
    if who.profile.tier < conversation.tier:
        return False
    teams = {team.casefold() for team in who.profile.teams}
    owners = {t.name.casefold() for t in TEAMS if lane in {x.casefold() for x in t.lanes}}
    backups = {t.name.casefold() for t in TEAMS if lane in {x.casefold() for x in t.backup_lanes}}
    has_duty = any(
        duty.lane.casefold() == lane and duty.network in (network, None)
        for duty in who.profile.duties
    )
    if conversation.team is not None:
        in_lane = conversation.team.casefold() in teams
    else:
        in_lane = has_duty or bool(teams & owners)
    if not in_lane and not (overflows and teams & backups):
        return False
    language = conversation.language if conversation.language not in (None, "und") else None
    speaks = language is None or who.profile.proficiency(SkillKind.LANGUAGE, language) > 0
    return speaks or overflows


@given(rosters(), conversations())
def test_push_picks_only_a_qualified_available_agent_with_room(
    team: Roster, waiting: ConversationToRoute
) -> None:
    decision = choose_agent(waiting, team, now=NOW)
    qualified = [who for who in team.agents if may_take(who, waiting)]
    if waiting.holder_id is not None:
        assert decision.agent is None
        return
    assert (decision.agent is not None) == bool(qualified)
    if decision.agent is None:
        return
    chosen = decision.agent
    assert chosen in qualified
    assert chosen.state is AgentState.AVAILABLE
    assert chosen.load.get(waiting.network, 0) < chosen.profile.capacity.get(waiting.network, 0)
    check_assignment(waiting, chosen)  # no collision, no capacity exceeded
    if not overflowing(waiting):
        assert decision.outcome in ("best match", "sticky")
        standing = team.standing(
            chosen, lane=waiting.lane, network=waiting.network, team=waiting.team, overflowing=False
        )
        assert standing is not None
        assert standing is not Standing.BACKUP_TEAM
    previous = team.agent(waiting.previous_agent_id) if waiting.previous_agent_id else None
    if previous is not None and may_take(previous, waiting, overflow=False):
        assert chosen == previous
        assert decision.outcome == "sticky"
    else:
        assert decision.outcome != "sticky"


@given(rosters(), conversations(), st.data())
def test_push_ranks_as_a_full_scan_of_every_agent_with_skill_groups_kept(
    team: Roster, waiting: ConversationToRoute, data: st.DataObject
) -> None:
    """Every free agent assessed gives the choice and runners-up a full scan of every
    agent gives, and so do the free agents of the best skill groups kept for the roster,
    at another moment too (presence and loads changed, some agents left out)."""
    decision = choose_agent(waiting, team, now=NOW)
    if decision.outcome not in ("best match", "overflow"):
        return
    needs = requirements_for(waiting, team.policy(waiting.lane))
    fits = [assess(who, needs, team, overflowing=overflowing(waiting)) for who in team.agents]
    ranked = sorted((fit for fit in fits if fit.qualified), key=lambda fit: fit.rank_key)
    assert decision.agent == ranked[0].agent
    assert decision.runners_up == tuple(fit.explain(NOW) for fit in ranked[1:4])
    assert choose_agent(waiting, team, now=NOW) == decision  # by the roster's own groups

    moment = [
        replace(
            who,
            state=data.draw(st.sampled_from(list(AgentState))),
            load=data.draw(st.dictionaries(st.sampled_from(NETWORKS), st.integers(0, 5))),
        )
        for who in team.agents
        if data.draw(st.booleans())
    ]
    groups = SkillGroups({who.id: who.profile for who in team.agents}, team.teams, team.lanes)
    kept = Roster(tuple(moment), team.teams, team.lanes, skill_groups=groups)
    fresh = Roster(tuple(moment), team.teams, team.lanes)
    assert kept.kept_skill_groups is groups
    assert choose_agent(waiting, kept, now=NOW) == choose_agent(waiting, fresh, now=NOW)


@given(rosters(), conversations())
def test_push_prefers_primary_reps_among_equals(team: Roster, waiting: ConversationToRoute) -> None:
    decision = choose_agent(waiting, team, now=NOW)
    if decision.agent is None or decision.outcome != "best match" or overflowing(waiting):
        return
    primaries = [
        who
        for who in team.agents
        if may_take(who, waiting)
        and waiting.team is None
        and who.profile.duty(waiting.lane, waiting.network) is RepRole.PRIMARY
    ]
    if primaries:
        assert decision.agent in primaries


@given(rosters(), waiting_lists(), st.integers(1, 8), st.sets(st.integers(1, 25), max_size=5))
def test_pull_never_offers_a_held_conversation_and_matches_a_full_scan(
    team: Roster, waiting: list[ConversationToRoute], who_id: int, taken: set[int]
) -> None:
    who = team.agent(who_id)
    if who is None:
        return
    queue = WaitingQueue(waiting, roster=team, now=NOW)
    decision = next_conversation(who, queue, exclude=frozenset(taken))
    offered = decision.conversation
    eligible = [
        c
        for c in waiting
        if c.holder_id is None and c.id not in taken and may_take(who, c, pulling=True)
    ]
    if offered is None:
        assert eligible == []
        return
    assert offered.holder_id is None
    assert offered.id not in taken
    best = min(eligible, key=lambda c: queue_key(c, now=NOW))
    assert offered == best


@given(rosters(), waiting_lists(), st.integers(1, 8), st.sets(st.integers(1, 25), max_size=5))
def test_what_a_pull_offers_in_order_is_next_conversation_again_and_again(
    team: Roster, waiting: list[ConversationToRoute], who_id: int, taken: set[int]
) -> None:
    who = team.agent(who_id)
    if who is None:
        return
    queue = WaitingQueue(waiting, roster=team, now=NOW)

    offered = offered_in_order(who, queue, exclude=frozenset(taken))

    excluded = set(taken)
    for position in offered:
        assert next_conversation(who, queue, exclude=frozenset(excluded)).position == position
        excluded.add(position.conversation.id)
    assert next_conversation(who, queue, exclude=frozenset(excluded)).position is None


@given(waiting_lists())
def test_queue_order_is_total_and_agrees_with_its_explanations(
    waiting: list[ConversationToRoute],
) -> None:
    queue = order_queue(waiting, now=NOW)
    assert [p.position for p in queue] == list(range(1, len(waiting) + 1))
    assert sorted(p.conversation.id for p in queue) == sorted(c.id for c in waiting)
    keys = [p.key for p in queue]
    assert all(a < b for a, b in itertools.pairwise(keys))  # strictly: a total order
    said = [read(p.explanation) for p in queue]
    assert said == sorted(said)
    for position in queue:
        conversation = position.conversation
        assert position.explanation.startswith("breach") == position.at_risk
        assert f"priority {conversation.priority};" in position.explanation
        assert position.at_risk == (
            conversation.response_due_at is not None
            and conversation.response_due_at - NOW <= timedelta(minutes=10)
        )


def read(explanation: str) -> tuple[int, int, float]:
    """What an explanation says, as something to sort by: band, -priority, minutes left
    (floored, as said; no deadline last)."""
    parts = dict(_part(part) for part in explanation.split("; "))
    band = 0 if explanation.startswith("breach") else 1
    return band, -int(parts["priority"]), parts["deadline"]


def _part(part: str) -> tuple[str, float]:
    if part.startswith("priority "):
        return "priority", float(part.removeprefix("priority "))
    if part == "no deadline":
        return "deadline", float("inf")
    if part.startswith("breaches in "):
        return "deadline", _minutes(part.removeprefix("breaches in "))
    if part.startswith("breached "):
        return "deadline", -_minutes(part.removeprefix("breached ").removesuffix(" ago")) - 0.5
    return "waiting", 0.0


def _minutes(said: str) -> float:
    if said == "under 1 min":
        return 0.0
    found = {unit: int(count) for count, unit in re.findall(r"(\d+) (d|h|min)", said)}
    return found.get("d", 0) * 1440 + found.get("h", 0) * 60 + found.get("min", 0)
