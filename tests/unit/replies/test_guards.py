"""What stops a reply going out: empty, unfilled variables, no such reply on the
network, over the limit, personal data in public."""

import pytest

from carelane.domain.channels import Network, Visibility
from carelane.domain.errors import (
    InvalidInputError,
    PersonalDataInPublicError,
    ReplyTooLongError,
)
from carelane.replies.guards import MAX_DRAFT_CHARS, check_draft_text, check_reply_text

X, PUBLIC, PRIVATE = Network.TWITTER, Visibility.PUBLIC, Visibility.PRIVATE


def test_a_clean_reply_passes_with_its_count() -> None:
    count = check_reply_text("Hi Cat, so sorry! DM us?", network=X, visibility=PUBLIC)
    assert (count.length, count.limit.limit) == (24, 280)


@pytest.mark.parametrize("text", ["", "   \n"])
def test_an_empty_reply_is_refused(text: str) -> None:
    with pytest.raises(InvalidInputError, match="text: write something"):
        check_reply_text(text, network=X, visibility=PUBLIC)


def test_a_draft_may_be_long_but_not_past_any_network() -> None:
    check_draft_text("x" * MAX_DRAFT_CHARS)
    with pytest.raises(InvalidInputError, match="at most 65,536 characters, not 65,537"):
        check_draft_text("x" * (MAX_DRAFT_CHARS + 1))


def test_unfilled_variables_are_named() -> None:
    with pytest.raises(InvalidInputError) as refused:
        check_reply_text(
            "Hi {customer_first_name}, ref {booking_reference}", network=X, visibility=PRIVATE
        )
    assert refused.value.errors[0].message == (
        "fill in {customer_first_name}, {booking_reference} first: no value was found for it here"
    )
    check_reply_text("Use {{braces}} and {unknown} freely", network=X, visibility=PRIVATE)


def test_over_the_limit_names_the_limit_and_the_count() -> None:
    with pytest.raises(ReplyTooLongError) as refused:
        check_reply_text("日" * 141, network=X, visibility=PUBLIC)
    assert refused.value.extra == {
        "limit": 280,
        "count": 282,
        "unit": "weighted characters",
        "network": "twitter",
        "visibility": "public",
    }
    assert refused.value.message == (
        "the reply is 282 weighted characters long, over the limit of 280 weighted "
        "characters for a public post on X/Twitter"
    )
    check_reply_text("日" * 141, network=X, visibility=PRIVATE)


def test_no_private_messages_on_youtube() -> None:
    with pytest.raises(InvalidInputError) as refused:
        check_reply_text("hi", network=Network.YOUTUBE, visibility=PRIVATE)
    assert refused.value.errors[0].field == "visibility"
    assert "YouTube has no private messages" in refused.value.errors[0].message


def test_personal_data_in_public_is_refused_with_each_span() -> None:
    text = "Cat, email cat.jones@gmail.com or call +44 20 7946 0018"
    with pytest.raises(PersonalDataInPublicError) as refused:
        check_reply_text(text, network=X, visibility=PUBLIC)
    error = refused.value
    assert [span["kind"] for span in error.extra["personal_data"]] == ["email", "phone"]
    assert [span["text"] for span in error.extra["personal_data"]] == [
        "cat.jones@gmail.com",
        "+44 20 7946 0018",
    ]
    assert error.extra["private_message_allowed"] is True
    assert error.message == (
        "a public reply may not show personal data (an email address, a phone number): "
        "send it as a private message instead"
    )
    assert [e.message.split(":")[0] for e in error.errors] == [
        "an email address at characters 12-30",
        "a phone number at characters 40-55",
    ]
    check_reply_text(text, network=X, visibility=PRIVATE)


def test_a_brands_freephone_number_may_be_posted_in_public() -> None:
    check_reply_text("Call us free on 1-800-433-7300", network=X, visibility=PUBLIC)


def test_where_there_are_no_private_messages_the_refusal_says_take_it_offline() -> None:
    with pytest.raises(PersonalDataInPublicError) as refused:
        check_reply_text(
            "Your booking QX7T2P is fine", network=Network.REVIEW_SITE, visibility=PUBLIC
        )
    assert refused.value.extra["private_message_allowed"] is False
    assert "a review site has no private messages: take it offline instead" in refused.value.message
