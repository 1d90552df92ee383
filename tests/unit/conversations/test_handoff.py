"""The hand-off's pure parts: which destinations each channel takes, and the summary
written for whoever takes the conversation offline."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from carelane.conversations.handoff import (
    HandOffChannel,
    HandOffFacts,
    check_destination,
    hand_off_summary,
)

FACTS = HandOffFacts(
    network="twitter",
    channel="AcmeHelp",
    status="open",
    lane="Customer Service",
    priority=72,
    tier=2,
    opened_at=datetime(2026, 11, 1, 9, 30, tzinfo=UTC),
    message_count=4,
    handle="cat",
    display_name="Cat Jones",
    followers=48_000,
    verified=True,
    customer="Catherine Jones",
    latest_posts=["my order never came", "still nothing, card 4111 ends 1111"],
    triage={
        "intent": "complaint",
        "sentiment": "negative",
        "categories": [{"name": "Lost Parcels"}],
        "priority_why": "+30 complaint, +20 very negative",
        "personal_data": {"take_offline": True, "spans": [{"kind": "card_number"}]},
    },
    notes=["Escalated: needs a refund approval"],
)


@pytest.mark.parametrize(
    ("channel", "destination", "ok"),
    [
        (HandOffChannel.EMAIL, "cat@example.com", True),
        (HandOffChannel.EMAIL, "cat@example", False),
        (HandOffChannel.EMAIL, "two words@example.com", False),
        (HandOffChannel.EMAIL, "", False),
        (HandOffChannel.PHONE, "+44 20 7946 0958", True),
        (HandOffChannel.PHONE, "(020) 7946-0958", True),
        (HandOffChannel.PHONE, "12345", False),
        (HandOffChannel.PHONE, "1234567890123456", False),
        (HandOffChannel.PHONE, "call me maybe", False),
        (HandOffChannel.EMAIL, "a" * 310 + "@example.com", False),
    ],
)
def test_destinations(channel: HandOffChannel, destination: str, ok: bool) -> None:
    assert (check_destination(channel, destination) is None) is ok


def test_the_summary_tells_whoever_takes_it_what_they_need() -> None:
    summary = hand_off_summary(
        FACTS, channel=HandOffChannel.PHONE, destination="+44 20 7946 0958", note="call after 5"
    )
    lines = summary.splitlines()
    assert lines[0] == "Taken offline to phone: +44 20 7946 0958."
    assert lines[1] == (
        "Customer: @cat (Cat Jones) on twitter (AcmeHelp), 48,000 followers, verified; "
        "known as Catherine Jones."
    )
    assert (
        "lane Customer Service, priority 72, tier 2, 4 messages since 2026-11-01 09:30" in summary
    )
    assert "Triage: intent complaint; sentiment negative; categories Lost Parcels." in lines
    assert "Why this priority: +30 complaint, +20 very negative." in lines
    assert any("personal data in public (card_number)" in line for line in lines)
    assert lines.index("- my order never came") < lines.index(
        "- still nothing, card 4111 ends 1111"
    )
    assert "- Escalated: needs a refund approval" in lines
    assert "Agent's note: call after 5" in lines
    assert lines[-1] == "Close the loop on twitter once it is settled offline."


def test_a_summary_without_triage_notes_or_reach_says_only_what_is_known() -> None:
    bare = replace(
        FACTS,
        followers=None,
        verified=False,
        customer=None,
        display_name=None,
        triage=None,
        notes=[],
        latest_posts=[],
    )
    summary = hand_off_summary(bare, channel=HandOffChannel.EMAIL, destination="c@x.io", note=None)
    assert "Customer: @cat on twitter (AcmeHelp)." in summary
    assert "Triage" not in summary
    assert "Notes" not in summary
    assert "Agent's note" not in summary
