"""Suggesting the canned response that fits a customer's post."""

from carelane.responses.matching import (
    MIN_SCORE,
    PostToAnswer,
    ResponseToMatch,
    best_responses,
    comparable_text,
)

BAG = ResponseToMatch(
    1,
    "Lost bag - start a trace",
    "Hi {customer_first_name}, sorry your bag didn't arrive. DM us your bag tag.",
    lanes=("Customer Service",),
    categories=("Lost Luggage",),
    intents=("complaint",),
)
THANKS = ResponseToMatch(
    2, "Thanks for the kind words", "Thank you, {customer_first_name}!", intents=("compliment",)
)
DM_ONLY_X = ResponseToMatch(3, "Move to DM", "Please DM us about your bag.", networks=("twitter",))
POST = PostToAnswer(
    text="@united my bag never arrived in Denver, where is it??",
    network="twitter",
    intent="complaint",
    lane="Customer Service",
    categories=("Lost Luggage",),
)


def test_the_response_tagged_for_the_post_and_sharing_its_words_comes_first() -> None:
    matches = best_responses([THANKS, DM_ONLY_X, BAG], POST)
    best = matches[0]
    assert best.response_id == 1
    assert best.reasons[:3] == (
        "intent complaint",
        "category Lost Luggage",
        "lane Customer Service",
    )
    assert best.reasons[3].startswith("words in common")
    assert 2 not in [m.response_id for m in matches], "a compliment's answer does not fit"
    assert all(m.score >= MIN_SCORE for m in matches)


def test_a_response_for_other_networks_is_left_out() -> None:
    on_a_forum = PostToAnswer(text=POST.text, network="forum", intent="complaint")
    assert 3 not in [m.response_id for m in best_responses([DM_ONLY_X, BAG], on_a_forum)]


def test_nothing_fits_an_unrelated_post_and_the_limit_holds() -> None:
    unrelated = PostToAnswer(text="what time is the game tonight", network="twitter")
    assert best_responses([BAG, THANKS], unrelated) == []
    assert len(best_responses([BAG, DM_ONLY_X], POST, limit=1)) == 1


def test_variables_say_nothing_of_what_a_response_answers() -> None:
    assert comparable_text("T", "Hi {customer_first_name}, bye") == "T. Hi  , bye"
