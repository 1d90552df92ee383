"""Cues are found where their phrases stand as whole words, in any text, for a batch."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carelane.triage import cues
from carelane.triage.cues import CUE_PHRASES, CUES, spelled_out
from carelane.triage.features import cues_of, normalise_batch

# A word as the features read one: letters and digits (of the Basic Multilingual Plane)
# and apostrophes; around a phrase, no such character.
_WORD_CHARACTER = r"(?:[^\W_]|')"


def _reference(name: str) -> re.Pattern[str]:
    """The cue as a plain regular expression over the normalised text."""
    texts = sorted(
        (text for phrase in CUE_PHRASES[name] if phrase != "?" for text in spelled_out(phrase)),
        key=len,
        reverse=True,
    )
    words = "|".join(re.escape(text) for text in texts)
    question = r"\?|" if "?" in CUE_PHRASES[name] else ""
    return re.compile(f"{question}(?<!{_WORD_CHARACTER})(?:{words})(?!{_WORD_CHARACTER})")


def _by_reference(text: str) -> set[str]:
    (normalised,) = normalise_batch([text])
    return {name for name in CUES if _reference(name).search(f" {normalised} ")}


def test_spelling_out_expands_groups_and_optional_parts() -> None:
    assert spelled_out("why (don'?t|not) (you|we)") == [
        "why dont you",
        "why dont we",
        "why don't you",
        "why don't we",
        "why not you",
        "why not we",
    ]
    assert spelled_out("come (soon )?to") == ["come to", "come soon to"]
    assert spelled_out("delay(s|ed)?") == ["delay", "delays", "delayed"]


@pytest.mark.parametrize("phrase", ["delay\\w*", "(a|b", "a)", "ca+ncel", "[ab]c", "a.b"])
def test_a_phrase_that_is_not_words_and_groups_is_refused(phrase: str) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(phrase))):
        spelled_out(phrase)


def test_a_text_of_two_cues_is_refused() -> None:
    with pytest.raises(ValueError, match="'thank you' is a phrase of two cues, thanks and sales"):
        cues._tables({"thanks": ("thank you",), "sales": ("(thank|buy) you",)})


def test_every_cue_is_found_in_real_posts_where_its_phrases_stand(real_texts: list[str]) -> None:
    found = [
        cue
        for chunk in range(0, len(real_texts), 1_000)
        for cue in cues_of(real_texts[chunk : chunk + 1_000])
    ]
    for name in CUES:
        having = sum(name in cue for cue in found)
        assert having >= 20, name
    for text, cue in list(zip(real_texts, found, strict=True))[::7]:
        assert cue == _by_reference(text), text


def test_a_post_has_the_cues_of_its_own_words_in_any_batch() -> None:
    texts = [
        "Why don't you fly to Lisbon? Thank you!",
        "how much is a family plan",
        "still waiting, flight cancelled",
        "bookings a flight",  # no phrase: "booking a flight" is
        "you",
        "should have",
        "",
    ]
    assert cues_of(texts) == [
        {"suggestion", "question", "thanks"},
        {"sales"},
        {"trouble"},
        set(),
        set(),
        {"suggestion"},
        set(),
    ]
    assert [cues_of([text])[0] for text in texts] == cues_of(texts)
    assert cues_of(["how", "much"]) == [set(), set()]  # a phrase never spans two posts


_PIECES = st.sampled_from(
    [
        "how do",
        "how",
        " ",
        "  ",
        "would be nice if",
        "it'd be great if",
        "itd be cool if",
        "?",
        "thanks",
        "thank you",
        "cancelled",
        "canceled",
        "delayed",
        "book a flight",
        "when will you be flying",
        "x",
        "_",
        "é",
        "'",
        "4",
        "é́",
        "\x1e",
    ]
)


@given(st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=12).map("".join))
def test_the_cues_of_any_text_are_those_a_plain_pattern_finds(text: str) -> None:
    if any(ord(char) > 0xFFFF for char in text):
        text = "".join(char for char in text if ord(char) <= 0xFFFF)
    assert cues_of([text]) == [_by_reference(text)]
