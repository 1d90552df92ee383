"""The lane files that ship with carelane: they load, they are in the package, their
examples are real posts, and they place real posts sensibly."""

import csv
import json
from functools import cache
from importlib.resources import files
from pathlib import Path

import pytest

from carelane.triage.lane_rules import PostFacts
from carelane.triage.lanes import (
    SHIPPED_CONFIGS,
    CompiledLanes,
    compile_lanes,
    decide_lane,
    shipped_lane_config,
)

SEED_LANES = {
    "Marketing/PR": [
        "Crisis Communications",
        "Campaign Complaints/Inquiries",
        "Future Product Questions",
        "Blogger/Influencer Interactions",
        "Upcoming Events",
        "Charity/Environmental Concerns",
    ],
    "Customer Service": [
        "Warranty & Rebate Questions",
        "Service & Policy Issues",
        "Product Suggestions",
        "Product Complaints",
        "Existing Ownership Product Inquiries",
        "Thanking Customers For Compliments",
    ],
}
AIRLINE_REASONS = {
    "Customer Service Issue",
    "Late Flight",
    "Can't Tell",
    "Cancelled Flight",
    "Lost Luggage",
    "Bad Flight",
    "Flight Booking Problems",
    "Flight Attendant Complaints",
    "longlines",
    "Damaged Luggage",
}


@cache
def compiled(name: str) -> CompiledLanes:
    return compile_lanes(shipped_lane_config(name))


@pytest.mark.parametrize("name", SHIPPED_CONFIGS)
def test_shipped_files_are_package_resources(name: str) -> None:
    assert (files("carelane.triage") / f"lanes_{name}.yaml").is_file()
    config = shipped_lane_config(name)
    assert config.source == f"lanes_{name}.yaml"
    assert config.default_lane == "Customer Service"


def test_an_unknown_shipped_name_is_refused() -> None:
    with pytest.raises(ValueError, match="no shipped lanes named 'nope'"):
        shipped_lane_config("nope")


def test_the_example_has_the_seed_swim_lanes() -> None:
    config = shipped_lane_config("example")
    assert {lane.name: [c.name for c in lane.categories] for lane in config.lanes} == SEED_LANES
    with_examples = [c for c in config.categories if c.examples]
    assert len(with_examples) >= 4
    assert all(5 <= len(c.examples) <= 10 for c in with_examples)


def test_the_airline_file_follows_the_data_sets_reasons() -> None:
    config = shipped_lane_config("airline")
    service = {c.name for c in config.lanes[1].categories}
    assert config.lanes[1].name == "Customer Service"
    assert service >= AIRLINE_REASONS
    assert all(c.rules and c.examples for c in config.categories if c.name in AIRLINE_REASONS)


def _real_texts(data_dir: Path) -> set[str]:
    texts: set[str] = set()
    for name in ("airline_tweets.csv", "spotify_support_requests.csv"):
        with (data_dir / name).open(encoding="utf-8", newline="") as rows:
            texts.update(row["text"] for row in csv.DictReader(rows))
    with (data_dir / "customer_care_conversations.json").open(encoding="utf-8") as dialogues:
        for dialogue in json.load(dialogues):
            texts.update(turn["message"] for turn in dialogue["dialogContent"])
    return texts


@pytest.mark.parametrize("name", SHIPPED_CONFIGS)
def test_every_example_is_a_real_post_verbatim(name: str, data_dir: Path) -> None:
    real = _real_texts(data_dir)
    examples = [e for c in shipped_lane_config(name).categories for e in c.examples]
    assert examples
    assert [e for e in examples if e not in real] == []


@pytest.mark.parametrize(
    ("text", "lane", "category"),
    [
        (
            "@USAirways @DRVRugby  team is back home but luggage all wet and partly damaged - "
            "Not happy! #blizzard",
            "Customer Service",
            "Damaged Luggage",
        ),
        (
            "@AmericanAir - where are my bags? Baggage claim C25 or C26 (flt# 959)?? I can see "
            "the plane from here? Why does it take 25 min???",
            "Customer Service",
            "Lost Luggage",
        ),
        (
            "@USAirways can you get me home to Syracuse? After 6 Cancelled Flightled flights, "
            "one re routing three of us are sitting in Charlotte",
            "Customer Service",
            "Cancelled Flight",
        ),
        (
            "@united #worst2unitedflightsever UA1429 IAD to LAS 2/19 mechanical problems - "
            "switched aircraft delayed 3.5 hours!",
            "Customer Service",
            "Late Flight",
        ),
        (
            "@SouthwestAir are you guys alive? i've been on hold for 25 minutes and counting.....",
            "Customer Service",
            "Customer Service Issue",
        ),
        (
            "@SouthwestAir thanks for your assistance..you guys ROCK!!💯",
            "Customer Service",
            "Thanking Customers For Compliments",
        ),
        (
            "@SouthwestAir so was there a winner for #DestinationDragons ???",
            "Marketing/PR",
            "Upcoming Events",
        ),
        (
            "@SouthwestAir knows whats up! That #BlackHistoryMonth commercial. Just another "
            "thing to add to reasons why I fly with #SouthWestAirlines",
            "Marketing/PR",
            "Campaigns & Promotions",
        ),
        (
            "@VirginAmerica trying to book a flight &amp; your site is down 😁",
            "Marketing/PR",
            "Crisis Communications",
        ),
    ],
)
def test_the_airline_file_on_real_tweets(text: str, lane: str, category: str) -> None:
    decision = decide_lane(compiled("airline"), PostFacts(text))
    assert (decision.lane, decision.category and decision.category.name) == (lane, category)
    assert decision.why.startswith(f"{lane} because it matches {category} (")


@pytest.mark.parametrize(
    ("text", "intent", "lane", "category"),
    [
        ("@SpotifyCares Still not working :(", None, "Customer Service", "Product Complaints"),
        (
            "@SpotifyCares You should also do music video support. Spotify would be a even "
            "bigger power house. 😎👌🏾",
            None,
            "Customer Service",
            "Product Suggestions",
        ),
        (
            "@SpotifyCares Cheers. I\u2019m loving your service. Will you ever have music videos  "
            "like Apple Music?",
            None,
            "Marketing/PR",
            "Future Product Questions",
        ),
        (
            "@SpotifyCares i cannot contact Spotify by email, and seem my Spotify account has "
            "been hack by someone. the email that i registered is not valid anymore.",
            None,
            "Marketing/PR",
            "Crisis Communications",
        ),
        (
            "@SpotifyCares Alright thank you",
            None,
            "Customer Service",
            "Thanking Customers For Compliments",
        ),
        (
            "@SpotifyCares Alright thank you",
            "compliment",
            "Customer Service",
            "Thanking Customers For Compliments",
        ),
        (
            "@SpotifyCares Soptify app version is 8.4.28.875 arm v7",
            "question",
            "Customer Service",
            "Existing Ownership Product Inquiries",
        ),
        ("@SpotifyCares Soptify app version is 8.4.28.875 arm v7", None, "Customer Service", None),
    ],
)
def test_the_example_file_on_real_posts(
    text: str, intent: str | None, lane: str, category: str | None
) -> None:
    decision = decide_lane(compiled("example"), PostFacts(text, intent=intent))
    assert decision.lane == lane
    assert (decision.category and decision.category.name) == category
