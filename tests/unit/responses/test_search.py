"""Searching canned responses: every word in the title or text, title hits first."""

from dataclasses import dataclass

from carelane.responses.search import search


@dataclass(frozen=True)
class Response:
    title: str
    body: str


RESPONSES = [
    Response("Refund status", "Refunds reach your card in 7 to 10 days."),
    Response("Cancelled flight - refund", "You're entitled to a full refund."),
    Response("Lost bag", "DM us your bag tag and we'll trace it; refund of costs too."),
    Response("Thanks", "Thank you so much!"),
]


def _titles(query: str) -> list[str]:
    return [r.title for r in search(RESPONSES, query)]


def test_title_hits_come_first_then_text_hits() -> None:
    assert _titles("refund") == ["Cancelled flight - refund", "Refund status", "Lost bag"]


def test_every_word_must_be_found_in_title_or_text() -> None:
    assert _titles("refund card") == ["Refund status"]
    assert _titles("refund bag") == ["Lost bag"]
    assert _titles("nothing here") == []


def test_the_whole_query_in_the_title_ranks_above_its_words_apart() -> None:
    responses = [Response("Flight refund cancelled", ""), Response("Cancelled flight", "refund")]
    assert [r.title for r in search(responses, "cancelled flight")] == [
        "Cancelled flight",
        "Flight refund cancelled",
    ]


def test_any_case_and_an_empty_query_lists_all_by_title() -> None:
    assert _titles("THANK") == ["Thanks"]
    assert _titles("  ") == ["Cancelled flight - refund", "Lost bag", "Refund status", "Thanks"]
