"""Transfers and escalations keep the history, carry a note, and are checked against the
roster; the owning lane hears when another lane answers."""

from typing import Any

import pytest

from carelane.domain.errors import InvalidInputError
from carelane.routing.lane_notices import LaneNotice, owning_lane_notice
from carelane.routing.transfers import Transfer, TransferKind, plan_transfer
from tests.unit.routing.builders import NOW, TWITTER, agent, conversation, roster

TEAM = roster(agent(1))


def problems(**fields: Any) -> list[tuple[str, str]]:
    arguments: dict[str, Any] = {
        "conversation": conversation(12, holder=1),
        "roster": TEAM,
        "note": "Customer wants a refund.",
        "now": NOW,
        **fields,
    }
    with pytest.raises(InvalidInputError) as refused:
        plan_transfer(**arguments)
    return [(error.field, error.message) for error in refused.value.errors]


def test_escalation_to_a_higher_tier_team_keeps_the_lane_and_releases_the_holder() -> None:
    held = conversation(12, holder=1, categories=("Refunds",))
    transfer = plan_transfer(
        conversation=held,
        roster=TEAM,
        to_team="tier 3",
        note=" Card charged twice; see the screenshot. ",
        now=NOW,
        by_agent_id=1,
    )
    assert transfer == Transfer(
        conversation_id=12,
        kind=TransferKind.ESCALATION,
        from_lane="Care",
        to_lane="Care",
        from_team=None,
        to_team="Tier 3",
        from_tier=1,
        to_tier=3,
        note="Card charged twice; see the screenshot.",
        at=NOW,
        by_agent_id=1,
        released_agent_id=1,
    )
    assert transfer.explanation == (
        "escalated from Care (tier 1) to Tier 3 (tier 3): Card charged twice; see the "
        "screenshot.; history kept; agent 1 released"
    )
    waiting = transfer.apply(held)
    assert (waiting.lane, waiting.team, waiting.tier) == ("Care", "Tier 3", 3)
    assert waiting.holder_id is None
    assert waiting.previous_agent_id == 1
    assert waiting.waiting_since == NOW
    assert waiting.categories == ("Refunds",)


def test_a_transfer_to_another_lane_at_the_same_tier() -> None:
    transfer = plan_transfer(
        conversation=conversation(12), roster=TEAM, to_lane="Social", note="A campaign", now=NOW
    )
    assert transfer.kind is TransferKind.TRANSFER
    assert (transfer.to_lane, transfer.to_team, transfer.to_tier) == ("Social", None, 1)
    assert transfer.released_agent_id is None
    assert transfer.explanation == (
        "transferred from Care (tier 1) to Social (tier 1): A campaign; history kept"
    )


def test_a_team_that_does_not_answer_the_lane_takes_its_own_first_lane() -> None:
    transfer = plan_transfer(
        conversation=conversation(12, lane="Social"), roster=TEAM, to_team="Care", note="n", now=NOW
    )
    assert (transfer.to_lane, transfer.to_team) == ("Care", "Care")


def test_a_tier_alone_escalates_within_the_lane() -> None:
    transfer = plan_transfer(
        conversation=conversation(12), roster=TEAM, to_tier=3, note="n", now=NOW
    )
    assert (transfer.kind, transfer.to_lane, transfer.to_team, transfer.to_tier) == (
        TransferKind.ESCALATION,
        "Care",
        None,
        3,
    )


def test_back_down_from_tier_3_is_a_transfer() -> None:
    senior = conversation(12, tier=3, team="Tier 3")
    transfer = plan_transfer(conversation=senior, roster=TEAM, to_team="Care", note="n", now=NOW)
    assert (transfer.kind, transfer.to_tier) == (TransferKind.TRANSFER, 1)


def test_every_problem_is_named() -> None:
    assert problems(note=" ", to_tier=3) == [("note", "must say what the next agent needs to know")]
    assert problems(note="x" * 4001, to_tier=3) == [
        ("note", "is 4,001 characters; the limit is 4,000")
    ]
    assert problems() == [("target", "give a lane, a team or a tier to move it to")]
    assert problems(to_team="Tier 4") == [
        ("to_team", "'Tier 4' is not a team; the teams are Care, Social, Tier 3")
    ]
    assert problems(to_lane="Billing") == [("to_lane", "no team owns lane 'Billing'")]
    assert problems(to_lane="Social", to_team="Tier 3") == [
        ("to_team", "Tier 3 does not answer lane 'Social'")
    ]
    assert problems(to_team="Care", to_tier=2) == [("to_tier", "Care works tier 1, not 2")]
    assert problems(to_lane="Social", to_tier=2) == [
        ("to_tier", "no team of lane Social works tier 2")
    ]
    assert problems(to_tier=10) == [("to_tier", "10 is out of range; give 1 to 9")]
    assert problems(to_lane="care") == [("target", "is where the conversation already is")]


def test_several_problems_at_once() -> None:
    assert problems(note="", to_team="Nobody", to_tier=0) == [
        ("note", "must say what the next agent needs to know"),
        ("to_team", "'Nobody' is not a team; the teams are Care, Social, Tier 3"),
        ("to_tier", "0 is out of range; give 1 to 9"),
    ]


def test_support_answering_in_marketings_lane_tells_marketing() -> None:
    ana = agent(1, "Ana")
    notice = owning_lane_notice(
        conversation=conversation(12, lane="Social"), agent=ana, roster=roster(ana)
    )
    assert notice == LaneNotice(
        conversation_id=12,
        lane="Social",
        owning_teams=("Social",),
        answered_by_id=1,
        answered_by_name="Ana",
        answering_teams=("Care",),
        message=(
            "Ana (Care) answered conversation 12 in lane Social; telling Social so nobody "
            "answers twice"
        ),
    )


def test_no_notice_inside_the_lane_for_its_reps_or_for_a_lane_nobody_owns() -> None:
    ana = agent(1)
    rep = agent(2, primary=(("Social", TWITTER),))
    team = roster(ana, rep)
    assert (
        owning_lane_notice(conversation=conversation(lane="Care"), agent=ana, roster=team) is None
    )
    assert (
        owning_lane_notice(conversation=conversation(lane="Social"), agent=rep, roster=team) is None
    )
    assert (
        owning_lane_notice(conversation=conversation(lane="Nobody's"), agent=ana, roster=team)
        is None
    )
