"""Text vectors behind lane examples: shape, length, determinism and what counts as alike."""

import subprocess
import sys

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from carelane.triage.lane_config import DEFAULT_SIMILARITY
from carelane.triage.text_vectors import DIMENSIONS, HALF, embed


def similarity(a: str, b: str) -> float:
    rows = embed([a, b])
    return float(rows[0] @ rows[1])


def test_rows_are_float32_unit_length_or_zero() -> None:
    texts = ["my bag is lost", "", "   ", "@united http://t.co/x", "😡😡", "the to of", "ok"]
    rows = embed(texts)
    assert rows.shape == (len(texts), DIMENSIONS)
    assert rows.dtype == np.float32
    norms = np.linalg.norm(rows, axis=1)
    # Nothing left once mentions, links and function words go: an all-zero row.
    assert np.allclose(norms, [1, 0, 0, 0, 1, 0, 1], atol=1e-6)
    assert embed([]).shape == (0, DIMENSIONS)


def test_each_half_is_normalised_on_its_own() -> None:
    (row,) = embed(["they lost my suitcase in Denver"])
    words, chars = row[:HALF], row[HALF:]
    assert np.isclose(np.linalg.norm(words), np.linalg.norm(chars), atol=1e-6)


def test_rewordings_are_closer_than_other_topics() -> None:
    lost = "they lost my suitcase on the way to Denver"
    assert similarity(lost, lost) > 0.999
    assert similarity(lost, "@united my suitcase was lost on the flight to Denver!") > (
        DEFAULT_SIMILARITY
    )
    assert similarity(lost, "thanks for the great service and the friendly crew") < 0.1
    assert similarity("LOST my BAGS", "lost my bag") > similarity("lost my bag", "found a cat")
    # Mentions, links, case and entities do not count.
    assert (
        similarity("@united Lost bag &amp; no help http://t.co/1", "@delta lost bag & no HELP")
        > 0.999
    )


def test_short_texts_need_more_than_one_shared_word() -> None:
    assert similarity("Not that I know of", "You don\u2019t know you have a service outage?") < 0.25
    assert similarity("It didn't help", "Can you help me out with tickets to the event?") < 0.25


def test_batches_give_the_rows_texts_get_alone() -> None:
    texts = [f"post number {i} about a delayed flight to city {i % 7}" for i in range(300)]
    alone = np.vstack([embed([text]) for text in texts])
    assert np.array_equal(embed(texts), alone)


def test_vectors_are_the_same_in_another_process() -> None:
    code = (
        "from carelane.triage.text_vectors import embed;"
        "print(embed(['they lost my suitcase in Denver'])[0].tobytes().hex())"
    )
    other = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.strip()
    assert other == embed(["they lost my suitcase in Denver"])[0].tobytes().hex()


_PIECES = st.sampled_from(
    [
        "don't",
        "a'b'c",
        "a''b",
        "'",
        "x_y",
        "\U0001d42d\U0001d421\U0001d41e",
        "é́",
        "٣٤",
        "#tag",
        "@who",
        "http://t.co/x",
        "the",
        "delayed",
        "  ",
        "\n",
        "😡",
        "&amp;",
        "\ud800",
    ]
)


@given(
    st.lists(
        st.lists(_PIECES | st.text(max_size=5), max_size=8).map(" ".join), min_size=1, max_size=40
    )
)
def test_any_texts_get_the_same_rows_alone_and_in_a_batch(texts: list[str]) -> None:
    alone = np.vstack([embed([text]) for text in texts])
    assert np.array_equal(embed(texts + [""] * 40)[: len(texts)], alone)
