"""What a conversation asks of an agent, and when it overflows."""

import dataclasses
from datetime import datetime, timedelta
from typing import Any

import pytest

from carelane.routing.agents import SkillKind
from carelane.routing.lane_policies import LanePolicy, Need
from carelane.routing.overflow import overflow_stage
from carelane.routing.requirements import SkillNeed, requirements_for
from tests.unit.routing.builders import NOW, TWITTER, agent, conversation, minutes, roster


def test_language_is_required_and_main_category_preferred_by_default() -> None:
    needs = requirements_for(
        conversation(language="es", categories=("Baggage", "Refunds"), tier=2),
        LanePolicy("Care"),
    )
    assert needs.language == SkillNeed(SkillKind.LANGUAGE, "es", Need.REQUIRED)
    assert needs.category == SkillNeed(SkillKind.CATEGORY, "Baggage", Need.PREFERRED)
    assert (needs.lane, needs.network, needs.tier, needs.team) == ("Care", TWITTER, 2, None)


def test_a_lane_may_require_the_category_and_only_prefer_the_language() -> None:
    policy = LanePolicy("Care", language_skill=Need.PREFERRED, category_skill=Need.REQUIRED)
    needs = requirements_for(conversation(language="es", categories=("Baggage",)), policy)
    assert [need.need for need in needs.skills] == [Need.PREFERRED, Need.REQUIRED]


@pytest.mark.parametrize("language", [None, "", "und"])
def test_an_unknown_language_asks_for_none(language: str | None) -> None:
    needs = requirements_for(conversation(language=language), LanePolicy("Care"))
    assert needs.language is None
    assert needs.skills == ()


def test_skill_needs_read_as_a_supervisor_says_them() -> None:
    language = SkillNeed(SkillKind.LANGUAGE, "es", Need.REQUIRED)
    category = SkillNeed(SkillKind.CATEGORY, "Baggage", Need.PREFERRED)
    assert language.describe(4) == "speaks es 4/5"
    assert language.describe(0) == "does not speak es"
    assert category.describe(3) == "category Baggage 3/5"
    assert category.describe(0) == "no category Baggage"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"priority": 101}, "priority 101 is not 0 to 100"),
        ({"priority": -1}, "priority -1 is not 0 to 100"),
        ({"tier": 0}, "tier 0 is not 1 to 9"),
        ({"waiting_since": datetime(2025, 3, 3)}, "waiting_since .* has no time zone"),  # noqa: DTZ001
        ({"response_due_at": datetime(2025, 3, 3)}, "response_due_at .* has no time zone"),  # noqa: DTZ001
    ],
)
def test_a_conversation_refuses_impossible_values(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(conversation(), **change)


def test_within_the_overflow_wait_nothing_relaxes() -> None:
    stage = overflow_stage(conversation(7, waited=6), roster(agent(1)), now=NOW)
    assert not stage.overflowing
    assert not stage.tell_supervisor
    assert stage.waited == minutes(6)
    assert stage.overflows_at == NOW + minutes(9)
    assert (
        stage.explanation
        == "waiting 6 min, within Care's 15 min overflow wait (overflows in 9 min)"
    )


def test_past_the_overflow_wait_skills_relax_and_the_supervisor_is_told() -> None:
    stage = overflow_stage(conversation(7, waited=15), roster(agent(1)), now=NOW)
    assert stage.overflowing
    assert stage.tell_supervisor
    assert stage.backup_teams == ("Social",)
    assert stage.overflows_at == NOW
    assert stage.explanation == (
        "waiting 15 min, past Care's 15 min overflow wait: skills relaxed, "
        "backup teams Social offered; tell the supervisor"
    )


def test_a_lane_without_backup_teams_says_so_and_uses_the_default_wait() -> None:
    stage = overflow_stage(conversation(lane="Social", waited=20), roster(agent(1)), now=NOW)
    assert stage.overflow_after == timedelta(minutes=15)
    assert stage.explanation.endswith("skills relaxed, no backup team; tell the supervisor")


def test_a_conversation_waiting_since_after_now_has_waited_nothing() -> None:
    stage = overflow_stage(conversation(waited=-5), roster(agent(1)), now=NOW)
    assert stage.waited == timedelta(0)
    assert not stage.overflowing
