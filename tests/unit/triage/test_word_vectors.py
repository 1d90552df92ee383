"""Word vectors learnt from the data folder's posts: words used alike end up alike, posts
get vectors of a fixed length, and fitting is reproducible."""

import random
from pathlib import Path

import numpy as np
import pytest

from carelane.triage.features import featurise
from carelane.triage.training import read_unlabelled_texts
from carelane.triage.word_vectors import DIMENSIONS, WEIGHT, WordVectors, fit_word_vectors


@pytest.fixture(scope="module")
def texts(data_dir: Path) -> list[str]:
    return read_unlabelled_texts(data_dir)


@pytest.fixture(scope="module")
def vectors(texts: list[str]) -> WordVectors:
    return fit_word_vectors(texts)


def _word(vectors: WordVectors, word: str) -> np.ndarray:
    features = featurise([word])
    (bucket,) = features.token_column
    assert bucket in set(vectors.buckets.tolist()), f"{word!r} has no vector"
    return vectors.vectors[1:][int(np.searchsorted(vectors.buckets, bucket))]


def _alike(vectors: WordVectors, first: str, second: str) -> float:
    return float(_word(vectors, first) @ _word(vectors, second))


def test_the_corpus_is_every_post_of_the_data_folder(texts: list[str]) -> None:
    # 11,712 airline tweets, 15,103 Spotify requests, the conversations' turns (customers'
    # and agents'), and the 1,199 intent-labelled posts.
    assert len(texts) > 11_712 + 15_103 + 1_199 + 525
    assert any("@SpotifyCares" in t for t in texts)


def test_words_used_alike_are_near(vectors: WordVectors) -> None:
    assert vectors.vectors.shape[1] == DIMENSIONS
    assert _alike(vectors, "delayed", "late") > 0.4
    assert _alike(vectors, "delayed", "late") > _alike(vectors, "delayed", "playlist") + 0.3
    assert _alike(vectors, "bag", "luggage") > _alike(vectors, "bag", "thanks") + 0.3
    assert _alike(vectors, "playlist", "music") > _alike(vectors, "playlist", "cancelled") + 0.3
    # Emoji and punctuation are tokens too, with the company they keep.
    assert _alike(vectors, "😡", "worst") > _alike(vectors, "😡", "thanks") + 0.2
    assert _alike(vectors, "❤", "love") > _alike(vectors, "❤", "delayed") + 0.2
    assert _alike(vectors, "?", "how") > _alike(vectors, "?", "thanks") + 0.2
    norms = np.linalg.norm(vectors.vectors[1:], axis=1)
    assert np.allclose(norms, 1.0, atol=1e-2)


def test_a_post_vector_has_the_set_length_and_no_neighbours(vectors: WordVectors) -> None:
    posts = ["my flight was delayed again", "zzqxv", "", "ꙮꙮ", "my flight was delayed again"]
    found = vectors.of(featurise(posts))
    assert found.shape == (5, DIMENSIONS)
    assert np.linalg.norm(found[0]) == pytest.approx(WEIGHT, rel=1e-4)
    assert not found[1:4].any()  # no known word: no vector
    alone = vectors.of(featurise(["my flight was delayed again"]))[0]
    assert np.array_equal(found[4], alone)
    assert np.array_equal(found[0], alone)
    late = vectors.of(featurise(["the flight is late again"]))[0]
    songs = vectors.of(featurise(["add this song to my playlist"]))[0]
    assert float(alone @ late) > float(alone @ songs)


def test_fitting_is_reproducible_whatever_the_order(texts: list[str], vectors: WordVectors) -> None:
    shuffled = list(texts)
    random.Random(7).shuffle(shuffled)
    again = fit_word_vectors(shuffled)
    assert np.array_equal(again.buckets, vectors.buckets)
    assert np.array_equal(again.vectors, vectors.vectors)


def test_arrays_round_trip(vectors: WordVectors) -> None:
    loaded = WordVectors.from_arrays(vectors.to_arrays())
    assert loaded is not None
    assert np.array_equal(loaded.buckets, vectors.buckets)
    assert np.array_equal(loaded.vectors, vectors.vectors)
    assert np.array_equal(loaded.idf, vectors.idf)
    assert WordVectors.from_arrays({}) is None


@pytest.mark.parametrize(
    "corpus",
    [[], ["hello"], ["the bag", "the bag", "the bag", "a bag the"], ["x y z"] * 5],
)
def test_a_tiny_corpus_still_gives_vectors_of_full_width(corpus: list[str]) -> None:
    small = fit_word_vectors(corpus)
    assert small.vectors.shape[1] == DIMENSIONS
    found = small.of(featurise(["the bag", "nothing known"]))
    assert found.shape == (2, DIMENSIONS)
    assert np.isfinite(found).all()


def test_mismatched_arrays_are_refused() -> None:
    with pytest.raises(ValueError, match="2 word buckets"):
        WordVectors(np.array([1, 2]), np.zeros((3, DIMENSIONS), np.float32), np.ones(2, np.float32))
