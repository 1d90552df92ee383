"""Text length as each network counts it: X's weighting (URLs, emoji, CJK), code points
and UTF-8 bytes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carelane.replies.text_length import (
    X_URL_LENGTH,
    Counting,
    text_length,
    x_weighted_length,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("hello", 5),
        ("Ça coûte 5", 10),  # Latin with accents: light
        ("€5", 3),  # the euro sign (U+20AC) is past the light ranges
        ("Привет", 6),  # Cyrillic: light
        ("“quoted” — dash", 15),  # typographic quotes and dashes: light
        ("…", 2),  # the ellipsis (U+2026) is past them
        ("日本語", 6),  # CJK: 2 each
        ("안녕", 4),  # Hangul: 2 each
        ("e\u0301", 1),  # e + combining acute, normalised to é
    ],
)
def test_x_counts_light_code_points_1_and_others_2(text: str, expected: int) -> None:
    assert x_weighted_length(text) == expected


@pytest.mark.parametrize(
    "emoji",
    [
        "😀",
        "👍🏽",  # skin tone
        "👨\u200d👩\u200d👧\u200d👦",  # a family joined by zero-width joiners
        "🇯🇵",  # a flag: two regional indicators
        "1\ufe0f\u20e3",  # a keycap
        "❤\ufe0f",  # a text symbol asked to be an emoji
        "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",  # England
    ],
)
def test_x_counts_any_emoji_as_2(emoji: str) -> None:
    assert x_weighted_length(emoji) == 2
    assert x_weighted_length(f"ok {emoji} ok") == 8


def test_x_counts_every_link_as_23_however_long() -> None:
    long_link = "https://www.example.com/" + "a" * 300
    assert x_weighted_length(long_link) == X_URL_LENGTH
    assert x_weighted_length(f"See {long_link}.") == 4 + 23 + 1  # the full stop is not the link's
    assert x_weighted_length("see www.united.com/bags") == 4 + 23
    assert x_weighted_length("see united.com/bags") == 4 + 23
    assert x_weighted_length("http://t.co/x and https://t.co/y") == 23 + 5 + 23


def test_x_does_not_take_an_email_or_a_decimal_for_a_link() -> None:
    assert x_weighted_length("ana@example.com") == 15
    assert x_weighted_length("it cost 3.50 today") == 18


def test_other_networks_count_code_points_or_bytes() -> None:
    family = "👨\u200d👩\u200d👧"
    assert text_length(family, Counting.CODE_POINTS) == 5
    assert text_length(family, Counting.UTF8_BYTES) == 18
    assert text_length(family, Counting.X_WEIGHTED) == 2
    assert text_length("日本", Counting.UTF8_BYTES) == 6


@given(st.text())
def test_any_text_is_counted_without_error_and_never_below_its_words(text: str) -> None:
    length = x_weighted_length(text)
    assert length >= 0
    assert text_length(text, Counting.CODE_POINTS) == len(text)
    if text.isascii() and "." not in text and ":" not in text:
        assert length == len(text)
