"""Lanes that learn from agents: posts agents placed in a category or moved to a lane are
compared like a category's examples, so similar posts follow them; the lanes file stays
as written."""

import pytest

from carelane.triage.lane_config import LaneConfig
from carelane.triage.lane_file import load_lane_config
from carelane.triage.lane_learning import (
    MAX_LEARNED,
    LearnedExamples,
    learned_category,
    with_learned,
)
from carelane.triage.lane_rules import PostFacts
from carelane.triage.lanes import compile_lanes, decide_lane

LANES = """\
version: 1
default_lane: Support
lanes:
  - name: Press
    categories:
      - name: Journalists
        match:
          keywords: [journalist, reporter]
  - name: Support
    categories:
      - name: Lost Bags
        match:
          keywords: [luggage, suitcase]
"""
# An airline's agents keep moving posts about the seat-back screens to Press, which
# answers the press about its new screens; no rule of the file says so.
PLACED = "@united the seat-back screen froze for the whole flight to Denver"
SIMILAR = "@united the seat-back screen froze for the whole flight to Dallas"
UNLIKE = "@united thanks for the upgrade on my anniversary trip"


@pytest.fixture
def config() -> LaneConfig:
    return load_lane_config(LANES)


def _decide(config: LaneConfig, text: str) -> tuple[str, list[str], str]:
    decision = decide_lane(compile_lanes(config), PostFacts(text=text, intent="complaint"))
    return decision.lane, [c.name for c in decision.categories], decision.why


def test_a_post_like_one_placed_in_a_category_falls_in_it(config: LaneConfig) -> None:
    assert _decide(config, SIMILAR)[:2] == ("Support", [])

    learned = with_learned(config, LearnedExamples.of({"journalists": [PLACED]}, {}))

    lane, categories, why = _decide(learned, SIMILAR)
    assert (lane, categories) == ("Press", ["Journalists"])
    assert "similar to a post agents placed here (0." in why
    assert _decide(learned, UNLIKE)[:2] == ("Support", [])
    # The rules still decide as before, and the file's categories are unchanged.
    assert _decide(learned, "@united a reporter called about the delay")[1] == ["Journalists"]
    journalists = learned.categories[0]
    assert journalists.learned == (PLACED,)
    assert journalists.examples == ()


def test_a_post_like_one_moved_to_a_lane_goes_there(config: LaneConfig) -> None:
    learned = with_learned(config, LearnedExamples.of({}, {"PRESS": [PLACED]}))

    assert [c.name for c in learned.categories] == [
        "Journalists",
        learned_category("Press"),
        "Lost Bags",
    ]
    lane, categories, why = _decide(learned, SIMILAR)
    assert (lane, categories) == ("Press", ["Press (agents' corrections)"])
    assert "similar to a post agents placed here" in why


def test_names_the_lanes_no_longer_have_are_passed_over(config: LaneConfig) -> None:
    learned = LearnedExamples.of({"Retired Category": [PLACED]}, {"Old Lane": [PLACED]})

    assert with_learned(config, learned) == config
    assert with_learned(config, LearnedExamples()) is config


def test_the_latest_posts_are_kept_and_stored_as_json() -> None:
    texts = [f"post {n}" for n in range(MAX_LEARNED + 5)]
    learned = LearnedExamples.of({"Journalists": texts, "Empty": []}, {"Press": ["moved"]})

    assert learned.categories == (("Journalists", tuple(texts[5:])),)
    assert learned.count() == MAX_LEARNED + 1
    assert learned.to_json() == {
        "categories": {"Journalists": texts[5:]},
        "lanes": {"Press": ["moved"]},
    }
    assert LearnedExamples.from_json(learned.to_json()) == learned
    assert LearnedExamples.from_json(None) == LearnedExamples.from_json({}) == LearnedExamples()
    assert not LearnedExamples()
    assert hash(learned) == hash(LearnedExamples.from_json(learned.to_json()))


def test_an_example_of_the_file_is_still_named_by_its_number() -> None:
    config = load_lane_config(
        LANES
        + """\
      - name: Screens
        examples:
          - the seat-back screen froze for the whole flight
          - my screen would not turn on
          - no movies, the screen was dead
          - the entertainment screen kept rebooting
          - screen at my seat was broken
"""
    )
    learned = with_learned(config, LearnedExamples.of({"Screens": [UNLIKE]}, {}))

    why = _decide(learned, SIMILAR)[2]
    assert "Screens (similar to example 1 (0." in why
    why = _decide(learned, "@united thanks for the upgrade on my anniversary trip!")[2]
    assert "Screens (similar to a post agents placed here (0." in why
