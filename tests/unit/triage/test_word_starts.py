"""Word-list patterns rewritten to skip ahead find the same matches, at the same places."""

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carelane.ingest.readers.sources import SOURCES, read_source
from carelane.triage.features import _CUES, normalise_batch
from carelane.triage.word_starts import at_word_starts


def spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def test_the_cues_find_the_same_in_every_real_post(data_dir: Path) -> None:
    texts = [
        item.data["text"]
        for name in SOURCES
        for item in read_source(name, data_dir)
        if item.data is not None and isinstance(item.data.get("text"), str)
    ]
    joined = " ".join(normalise_batch(texts))
    for name, cue in _CUES.items():
        found = spans(cue, joined)
        assert found, name
        assert spans(at_word_starts(cue.pattern), joined) == found, name


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
        "x",
        "_",
        "can you please add",
        "wish you",
        "when will you be flying",
        "é",
        "'",
        "4",
        "é́",
    ]
)


@given(st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=12).map("".join))
def test_the_cues_find_the_same_in_any_text(text: str) -> None:
    for cue in _CUES.values():
        assert spans(at_word_starts(cue.pattern), text) == spans(cue, text)


@pytest.mark.parametrize(
    "source",
    [r"how (do|can)", r"\b(how|(?:x)y)\b", r"\b(\w+ing)\b", r"\b(a?b)\b", r"\b((a|b)?c)\b"],
)
def test_a_pattern_it_cannot_rewrite_is_refused(source: str) -> None:
    with pytest.raises(ValueError, match=r"pattern|alternative|group"):
        at_word_starts(source)
