"""Hashed n-gram features: stable, batch-independent, unit length, safe on any text."""

import html
import json
import os
import re
import subprocess
import sys

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from carelane.triage.features import (
    _MENTION,
    _URL,
    DIMENSIONS,
    MAX_CHARS,
    featurise,
    normalise_batch,
)

# Any text, including what hypothesis leaves out by default: lone surrogates (undecodable
# bytes read with surrogateescape) and control characters.
ANY_TEXT = st.text(max_size=400) | st.builds(
    lambda before, code, after: f"{before}{chr(code)}{after}",
    st.text(max_size=100),
    st.integers(0xD800, 0xDFFF) | st.integers(0, 0x1F),
    st.text(max_size=100),
)


def _row(texts: list[str], index: int) -> dict[int, float]:
    features = featurise(texts)
    mine = features.row == index
    row: dict[int, float] = {}
    for column, value in zip(features.column[mine], features.value[mine], strict=True):
        row[int(column)] = row.get(int(column), 0.0) + float(value)
    return row


def test_normalising_decodes_entities_and_hides_links_mentions_numbers() -> None:
    assert normalise_batch(
        ["@united Flight 2324 was  SOOOOO late &amp; http://t.co/x\nthx", "", "a\x1eb"]
    ) == ["@user flight 0 was soo late & http thx", "", "a b"]


def test_a_post_gets_the_same_features_in_any_batch() -> None:
    text = "@united my bag is lost 😡 &amp; nobody helps"
    alone = _row([text], 0)
    among = _row(["first post", "", text, "another one"], 2)
    assert alone.keys() == among.keys()
    assert all(abs(alone[k] - among[k]) < 1e-6 for k in alone)


def test_tokens_are_words_and_other_characters_in_reading_order() -> None:
    features = featurise(["", "my bag 😡!", "bag"])
    assert features.token_row.tolist() == [1, 1, 1, 1, 2]
    my, bag, angry, bang, bag_again = features.token_column.tolist()
    assert bag == bag_again
    assert len({my, bag, angry, bang}) == 4
    # Words are tokens as the features hash them; neighbouring code points part.
    word_buckets = set(features.column[features.row == 2].tolist())
    assert bag in word_buckets
    (sulk,) = featurise(["😠"]).token_column.tolist()
    assert sulk != angry


def test_features_are_the_same_in_every_process() -> None:
    # Trained weights rely on it: another process, with Python's string hashing seeded
    # differently, gives the same buckets.
    texts = ["thanks", "@united my bag is lost 😡", "ありがとう"]
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, json; from carelane.triage.features import featurise; "
            "f = featurise(json.loads(sys.argv[1])); print(json.dumps(f.column.tolist()))",
            json.dumps(texts),
        ],
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(child.stdout) == featurise(texts).column.tolist()
    features = featurise(["thanks"])
    # 2- to 5-grams of " thanks ", the word, and the cue of thanks
    assert len(features.column) == 7 + 6 + 5 + 4 + 1 + 1
    assert set(features.row.tolist()) == {0}


def test_similar_texts_share_more_features_than_different_ones() -> None:
    def cosine(a: str, b: str) -> float:
        x, y = _row([a], 0), _row([b], 0)
        return sum(v * y.get(k, 0.0) for k, v in x.items())

    assert cosine("my bag is lost", "my bags were lost") > cosine("my bag is lost", "great crew")


def test_idf_weights_rescale_and_rows_stay_unit_length() -> None:
    idf = np.full(DIMENSIONS, 2.0, dtype=np.float32)
    features = featurise(["hello there", "x"], idf)
    for index in range(2):
        values = features.value[features.row == index]
        assert abs(float(np.sum(values**2)) - 1.0) < 1e-5


def test_a_long_post_costs_no_more_than_its_opening() -> None:
    long = "word " * 5_000
    assert len(featurise([long]).column) == len(featurise([long[:MAX_CHARS]]).column)


@given(st.lists(ANY_TEXT, max_size=8))
def test_any_texts_get_valid_features(texts: list[str]) -> None:
    features = featurise(texts)
    assert features.rows == len(texts)
    assert len(features.row) == len(features.column) == len(features.value)
    if len(features.column):
        assert features.column.min() >= 0
        assert features.column.max() < DIMENSIONS
        assert features.row.min() >= 0
        assert features.row.max() < len(texts)
    assert np.all(np.isfinite(features.value))


# Normalising as first written, one substitution after another: what the array version
# of the last three must give.
_DIGITS = re.compile(r"\d+")
_ELONGATED = re.compile(r"([^\x1e])\1\1+")
_SPACES = re.compile(r"[^\S\x1e ][^\S\x1e]*| [^\S\x1e]+")


def _by_substitutions(texts: list[str]) -> list[str]:
    normalised = []
    for text in _with_placeholders(texts):
        shortened = _ELONGATED.sub(r"\1\1", _DIGITS.sub("0", text))
        normalised.append(_SPACES.sub(" ", shortened).lower().strip())
    return normalised


def _with_placeholders(texts: list[str]) -> list[str]:
    """Each text with entities decoded and links and mentions as placeholders."""
    return [
        _MENTION.sub(
            " @user ", _URL.sub(" http ", html.unescape(t[:MAX_CHARS].replace("\x1e", " ")))
        )
        for t in texts
    ]


def test_normalising_real_posts_gives_what_the_substitutions_give(real_texts: list[str]) -> None:
    for start in range(0, len(real_texts), 2_000):
        chunk = real_texts[start : start + 2_000]
        assert normalise_batch(chunk) == _by_substitutions(chunk)


_AWKWARD = st.sampled_from(
    [
        "0",
        "12",
        "٣",
        "१२",
        "\U0001d7ce",
        "\U0001d7d9",
        "²",
        "aaa",
        "!!!!",
        "   ",
        "\t",
        "\n\n",
        "\u3000",
        "\x85",
        "\xa0",
        "\x1c",
        "\x1e",
        "\x1f",
        "\ud800",
        "éé",
        "😡😡😡",
        "&amp;",
        "x",
    ]
)


@given(st.lists(st.lists(_AWKWARD | st.text(max_size=4), max_size=10).map("".join), max_size=6))
def test_normalising_any_texts_gives_what_the_substitutions_give(texts: list[str]) -> None:
    assert normalise_batch(texts) == _by_substitutions(texts)
