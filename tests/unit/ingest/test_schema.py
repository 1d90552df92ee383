"""Validating one item of the normalised format: every bad input names its field."""

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from carelane.domain.channels import ChannelKind, Direction, Network, Visibility
from carelane.domain.errors import FieldError
from carelane.domain.posts import MAX_TEXT_CHARS, NormalisedPost
from carelane.ingest.schema import validate_post
from tests.conftest import NOW, at
from tests.helpers import post_data

SKEW = timedelta(minutes=5)


def _validate(item: Any) -> NormalisedPost | list[FieldError]:
    return validate_post(item, now=NOW, max_clock_skew=SKEW)


def _errors(item: Any) -> dict[str, str]:
    result = _validate(item)
    assert isinstance(result, list), f"accepted: {result}"
    return {error.field: error.message for error in result}


def _item(**changes: Any) -> dict[str, Any]:
    data = post_data("1", created_at=at(0))
    data.update(changes)
    return data


def test_a_complete_item_becomes_a_normalised_post() -> None:
    post = _validate(
        _item(
            author={"handle": "ana", "display_name": "Ana B", "followers": 12, "verified": True},
            channel_kind="keyword_search",
            direction="outbound",
            visibility="private",
            in_reply_to="0",
            language="en",
            raw={"id": 1, "nested": {"list": ["a", 2]}},
        )
    )
    assert isinstance(post, NormalisedPost)
    assert post.network is Network.TWITTER
    assert post.channel_kind is ChannelKind.KEYWORD_SEARCH
    assert post.direction is Direction.OUTBOUND
    assert post.visibility is Visibility.PRIVATE
    assert post.author.followers == 12
    assert post.author.verified is True
    assert post.created_at == at(0)
    assert post.raw == {"id": 1, "nested": {"list": ["a", 2]}}


@pytest.mark.parametrize("item", [None, [], "post", 3, 1.5, True])
def test_an_item_that_is_not_an_object(item: Any) -> None:
    assert _errors(item) == {"item": f"must be a JSON object, not {type(item).__name__}"}


@pytest.mark.parametrize(
    "field", ["workspace", "network", "channel", "external_id", "author", "text", "created_at"]
)
def test_each_missing_required_field_is_named(field: str) -> None:
    item = _item()
    del item[field]
    assert _errors(item) == {field: "Field required"}


def test_a_missing_author_handle_is_named() -> None:
    assert _errors(_item(author={"display_name": "Ana"})) == {"author.handle": "Field required"}


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("text", 42, "valid string"),
        ("text", ["a"], "valid string"),
        ("external_id", 17, "valid string"),
        ("external_id", "", "at least 1 character"),
        ("created_at", "yesterday", "valid datetime"),
        ("created_at", ["2015"], "valid datetime"),
        ("author", "ana", "valid dictionary"),
        ("raw", "payload", "valid dictionary"),
        ("raw", [1, 2], "valid dictionary"),
        ("direction", "sideways", "'inbound' or 'outbound'"),
        ("visibility", "secret", "'public' or 'private'"),
        ("channel_kind", "radio", "'owned_account'"),
        ("workspace", "Not A Slug", "should match pattern"),
        ("workspace", "", "at least 1 character"),
        ("channel", "", "at least 1 character"),
        ("channel", "x" * 256, "at most 255 characters"),
        ("external_id", "9" * 256, "at most 255 characters"),
        ("in_reply_to", "", "at least 1 character"),
        ("language", "e", "at least 2 characters"),
    ],
)
def test_wrongly_typed_or_malformed_fields_are_named(field: str, value: Any, words: str) -> None:
    errors = _errors(_item(**{field: value}))
    assert list(errors) == [field]
    assert words in errors[field]


@pytest.mark.parametrize(
    ("author", "field", "words"),
    [
        ({"handle": ""}, "author.handle", "at least 1 character"),
        ({"handle": 7}, "author.handle", "valid string"),
        ({"handle": "ana", "followers": -1}, "author.followers", "greater than or equal to 0"),
        ({"handle": "ana", "followers": "many"}, "author.followers", "valid integer"),
        ({"handle": "ana", "verified": "perhaps"}, "author.verified", "valid boolean"),
        ({"handle": "ana", "age": 3}, "author.age", "Extra inputs are not permitted"),
    ],
)
def test_bad_author_fields_are_named(author: dict[str, Any], field: str, words: str) -> None:
    errors = _errors(_item(author=author))
    assert list(errors) == [field]
    assert words in errors[field]


def test_followers_beyond_what_the_database_holds_are_rejected() -> None:
    errors = _errors(_item(author={"handle": "ana", "followers": 2**31}))
    assert list(errors) == ["author.followers"]
    assert "less than or equal to" in errors["author.followers"]


def test_unknown_network_lists_the_known_ones() -> None:
    errors = _errors(_item(network="myspace"))
    assert list(errors) == ["network"]
    assert "'twitter'" in errors["network"]
    assert "'review_site'" in errors["network"]


def test_extra_fields_are_named() -> None:
    assert _errors(_item(sentiment="angry")) == {"sentiment": "Extra inputs are not permitted"}


def test_every_problem_of_an_item_is_reported_at_once() -> None:
    errors = _errors(_item(network="myspace", text="", created_at="2015-02-16T10:00:00"))
    assert set(errors) == {"network", "text", "created_at"}


@pytest.mark.parametrize("text", ["", " ", "\n\t  \n"])
def test_empty_text(text: str) -> None:
    assert _errors(_item(text=text)) == {"text": "must not be empty"}


def test_text_at_the_limit_passes_and_one_more_character_fails() -> None:
    assert isinstance(_validate(_item(text="a" * MAX_TEXT_CHARS)), NormalisedPost)
    errors = _errors(_item(text="a" * (MAX_TEXT_CHARS + 1)))
    assert errors == {"text": f"is {MAX_TEXT_CHARS + 1:,} characters; the limit is 65,536"}


def test_invalid_utf8_names_the_byte_and_position() -> None:
    # What a reader makes of b"caf\xe9" with errors="surrogateescape".
    text = b"caf\xe9 au lait".decode("utf-8", errors="surrogateescape")
    assert _errors(_item(text=text)) == {"text": "is not valid UTF-8 (byte 0xe9 at position 3)"}


@pytest.mark.parametrize("code", [0xD83D, 0xDFFF, 0xD800])
def test_lone_surrogates_are_rejected(code: int) -> None:
    surrogate = chr(code)
    errors = _errors(_item(text=f"ok {surrogate} then"))
    assert errors == {
        "text": f"contains an unpaired surrogate U+{ord(surrogate):04X} at position 3"
    }


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f"])
def test_control_characters_are_rejected(char: str) -> None:
    errors = _errors(_item(text=f"ab{char}c"))
    assert errors == {"text": f"contains control character U+{ord(char):04X} at position 2"}


def test_control_characters_in_other_fields_name_that_field() -> None:
    errors = _errors(_item(author={"handle": "an\x00a"}, external_id="1\x1b"))
    assert set(errors) == {"author.handle", "external_id"}
    assert "U+0000" in errors["author.handle"]


@pytest.mark.parametrize(
    "text",
    [
        "tab\there",
        "two\nlines\r\nand more",
        "@SpotifyCares love it 😍🎶👍🏽",
        "family 👨‍👩‍👧 flag 🇺🇸",
        "שלום, الخدمة سيئة",
        "\u202bright-to-left\u202c mark",
        "航班延误了三个小时",
        "Premium &amp; shuffle &lt;3",
        "zero\u200bwidth",
    ],
)
def test_real_world_text_passes_unchanged(text: str) -> None:
    post = _validate(_item(text=text))
    assert isinstance(post, NormalisedPost)
    assert post.text == text


def test_created_at_without_a_zone() -> None:
    errors = _errors(_item(created_at="2015-02-16T23:36:05"))
    assert errors == {"created_at": "has no time zone; give an offset such as +00:00 or Z"}


def test_created_at_with_an_offset_keeps_the_instant() -> None:
    post = _validate(_item(created_at="2015-02-16T23:36:05-08:00"))
    assert isinstance(post, NormalisedPost)
    assert post.created_at == datetime(2015, 2, 17, 7, 36, 5, tzinfo=UTC)
    assert post.created_at.utcoffset() == timedelta(0)


def test_created_at_in_the_future_beyond_the_allowed_skew() -> None:
    within = NOW + SKEW
    assert isinstance(_validate(_item(created_at=within.isoformat())), NormalisedPost)
    beyond = NOW + SKEW + timedelta(seconds=1)
    errors = _errors(_item(created_at=beyond.isoformat()))
    assert list(errors) == ["created_at"]
    assert "is in the future" in errors["created_at"]


def test_created_at_that_cannot_be_expressed_in_utc_is_rejected() -> None:
    # 0001-01-01 00:00 at +14:00 lies before the first instant a UTC datetime can hold.
    early = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))
    errors = _errors(_item(created_at=early.isoformat()))
    assert list(errors) == ["created_at"]
    assert "out of range" in errors["created_at"]


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"text": "bad \ud800 text"}, "raw.text"),
        ({"text": "nul \x00 inside"}, "raw.text"),
        ({"user": {"name": "a\x00b"}}, "raw.user.name"),
        ({"entities": ["fine", "lone \udc80"]}, "raw.entities.1"),
        ({"bad\ud800key": 1}, "raw"),
        ({"nul\x00key": 1}, "raw"),
    ],
)
def test_raw_must_hold_text_the_database_can_store(raw: dict[str, Any], field: str) -> None:
    errors = _errors(_item(raw=raw))
    assert list(errors) == [field]


def test_raw_may_hold_tabs_newlines_and_other_controls_json_can_carry() -> None:
    raw = {"text": "line\none\ttab", "bell": "\x07", "list": [1, None, 2.5, True]}
    post = _validate(_item(raw=raw))
    assert isinstance(post, NormalisedPost)
    assert post.raw == raw


def test_an_unknown_field_with_bad_text_is_refused_once_as_unknown() -> None:
    errors = validate_post({"": "\x08", "bio": "\x00"}, now=NOW, max_clock_skew=SKEW)
    assert isinstance(errors, list)
    assert all(e.field for e in errors)
    unknown = [(e.field, e.message) for e in errors if "Extra inputs" in e.message]
    assert unknown == [
        ("item", "Extra inputs are not permitted"),
        ("bio", "Extra inputs are not permitted"),
    ]
    assert not [e for e in errors if "control character" in e.message]
