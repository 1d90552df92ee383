"""No collisions, no capacity exceeded, and takeovers that say who held it."""

import pytest

from carelane.domain.errors import ConflictError, InvalidInputError
from carelane.routing.assignment import (
    CapacityExceededError,
    ConversationHeldError,
    NotHeldError,
    Takeover,
    check_assignment,
    take_over,
)
from tests.unit.routing.builders import FACEBOOK, NOW, TWITTER, agent, conversation


def test_a_free_agent_may_take_a_conversation_nobody_holds() -> None:
    check_assignment(conversation(), agent(1, load={TWITTER: 4}))


def test_assigning_to_the_holder_again_is_no_change() -> None:
    check_assignment(conversation(holder=1), agent(1, load={TWITTER: 5}))


def test_a_conversation_another_agent_holds_is_refused() -> None:
    with pytest.raises(ConversationHeldError) as refused:
        check_assignment(conversation(12, holder=2), agent(1, "Ana"))
    assert str(refused.value) == (
        "conversation 12 is held by agent 2; take it over explicitly to give it to Ana"
    )
    assert isinstance(refused.value, ConflictError)
    assert refused.value.code == "conversation_held"


def test_a_full_agent_is_refused() -> None:
    with pytest.raises(CapacityExceededError) as refused:
        check_assignment(conversation(12), agent(1, "Ana", load={TWITTER: 5}))
    assert str(refused.value) == (
        "Ana has no free twitter slot (5 of 5 twitter slots used); "
        "conversation 12 cannot be assigned to them"
    )
    with pytest.raises(CapacityExceededError, match="Ana does not work facebook"):
        check_assignment(conversation(12, network=FACEBOOK), agent(1, "Ana"))


def test_a_takeover_names_who_held_it_who_takes_it_when_and_why() -> None:
    ana, ben = agent(1, "Ana"), agent(2, "Ben")
    takeover = take_over(
        conversation=conversation(12, holder=1),
        holder=ana,
        taker=ben,
        reason="  Ana is off sick  ",
        now=NOW,
    )
    assert takeover == Takeover(12, 1, "Ana", 2, "Ben", "Ana is off sick", NOW)
    assert takeover.explanation == (
        "Ben took over conversation 12 from Ana at 2025-03-03 10:00 UTC: Ana is off sick"
    )


def test_a_takeover_of_a_conversation_nobody_holds_is_refused() -> None:
    with pytest.raises(NotHeldError, match="nobody holds conversation 12; assign it instead"):
        take_over(
            conversation=conversation(12), holder=agent(1), taker=agent(2), reason="x", now=NOW
        )


def test_a_takeover_from_the_wrong_holder_is_refused() -> None:
    with pytest.raises(NotHeldError, match="conversation 12 is held by agent 3, not Ana"):
        take_over(
            conversation=conversation(12, holder=3),
            holder=agent(1, "Ana"),
            taker=agent(2),
            reason="x",
            now=NOW,
        )


def test_a_takeover_needs_a_reason_another_taker_and_a_free_slot() -> None:
    held = conversation(12, holder=1)
    ana = agent(1, "Ana")
    with pytest.raises(InvalidInputError) as no_reason:
        take_over(conversation=held, holder=ana, taker=agent(2), reason=" ", now=NOW)
    assert [(e.field, e.message) for e in no_reason.value.errors] == [
        ("reason", "must say why it is taken over")
    ]
    with pytest.raises(InvalidInputError, match="taker: Ana already holds it"):
        take_over(conversation=held, holder=ana, taker=ana, reason="x", now=NOW)
    with pytest.raises(InvalidInputError, match="reason: is 1,001 characters"):
        take_over(conversation=held, holder=ana, taker=agent(2), reason="x" * 1001, now=NOW)
    with pytest.raises(CapacityExceededError):
        take_over(
            conversation=held,
            holder=ana,
            taker=agent(2, load={TWITTER: 5}),
            reason="x",
            now=NOW,
        )
