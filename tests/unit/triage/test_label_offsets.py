"""Label offsets: chosen on out-of-fold probabilities, they move triage's decisions where
a rare label is missed or the commonest one over-called, never lower the accuracy they
were chosen on, and are folded into each model's intercepts."""

from pathlib import Path

import numpy as np
import pytest

from carelane.triage.label_offsets import accuracy_and_macro_f1, decide, tune_offsets
from carelane.triage.labelled import read_labelled
from carelane.triage.training import (
    _label_offsets,
    document_frequencies,
    fit_linear_models,
    training_examples,
)

OTHER = 2


def test_a_post_ruled_out_or_half_other_is_other_else_the_likeliest_acted_on_label() -> None:
    probabilities = np.array([[0.6, 0.1, 0.3], [0.3, 0.2, 0.5], [0.5, 0.1, 0.4], [0.1, 0.8, 0.1]])
    ruled_out = np.array([False, False, False, True])
    decided = decide(np.log(probabilities), np.zeros(3), OTHER, ruled_out)
    assert decided.tolist() == [0, 2, 0, 2]
    # An offset of log(2) on `other` makes 0.4 against 0.5 + 0.1 more than one half.
    moved = decide(np.log(probabilities), np.array([0.0, 0.0, np.log(2.0)]), OTHER, ruled_out)
    assert moved.tolist() == [0, 2, 2, 2]


def test_accuracy_and_macro_f1_count_every_gold_label_alike() -> None:
    gold = np.array([0, 0, 0, 1])
    accuracy, macro_f1 = accuracy_and_macro_f1(gold, np.array([0, 0, 0, 0]))
    assert accuracy == 0.75
    assert macro_f1 == pytest.approx((2 * 0.75 / 1.75 + 0.0) / 2)


def test_offsets_find_a_rare_label_the_model_never_puts_first() -> None:
    # Label 1 is always second to label 0, a little closer where it is the truth.
    rng = np.random.default_rng(7)
    gold = np.array([0] * 80 + [1] * 20 + [2] * 20)
    probabilities = np.zeros((len(gold), 3))
    probabilities[:, 0] = 0.5
    probabilities[:, 1] = np.where(gold == 1, 0.45, 0.2) + rng.uniform(0, 0.02, len(gold))
    probabilities[:, 2] = np.where(gold == 2, 0.48, 0.05)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    no_rules = np.zeros(len(gold), dtype=bool)
    before = accuracy_and_macro_f1(
        gold, decide(np.log(probabilities), np.zeros(3), OTHER, no_rules)
    )
    offsets = tune_offsets(probabilities, gold.tolist(), OTHER, no_rules)
    after = accuracy_and_macro_f1(gold, decide(np.log(probabilities), offsets, OTHER, no_rules))
    assert before[1] < after[1]
    assert before[0] <= after[0]
    assert np.any(offsets != 0)
    # The same input gives the same offsets.
    assert np.array_equal(offsets, tune_offsets(probabilities, gold.tolist(), OTHER, no_rules))


def test_nothing_to_tune_keeps_the_model_as_fitted() -> None:
    probabilities = np.array([[0.9, 0.05, 0.05], [0.05, 0.9, 0.05], [0.05, 0.05, 0.9]])
    no_rules = np.zeros(3, dtype=bool)
    assert tune_offsets(probabilities, [0, 1, 2], OTHER, no_rules).tolist() == [0.0, 0.0, 0.0]


def test_intent_offsets_come_from_the_training_posts_and_need_every_label(data_dir: Path) -> None:
    posts = read_labelled(data_dir / "intent_labels.csv")[:300]
    examples = training_examples(posts)["intent"]
    idf = document_frequencies([p.text for p in posts])
    labels = ("complaint", "question", "compliment", "other")
    kept = [e for e in examples if e.label in labels]
    offsets = _label_offsets("intent", kept, idf, None, labels)
    assert offsets.shape == (4,)
    assert np.all(np.isfinite(offsets))
    # A label with fewer examples than folds: no offsets at all.
    few = [e for e in kept if e.label != "other"] + [e for e in kept if e.label == "other"][:2]
    assert _label_offsets("intent", few, idf, None, labels).tolist() == [0.0] * 4


def test_without_other_the_likeliest_label_is_the_decision() -> None:
    probabilities = np.array([[0.6, 0.3, 0.1], [0.2, 0.3, 0.5]])
    assert decide(np.log(probabilities), np.zeros(3)).tolist() == [0, 2]
    assert decide(np.log(probabilities), np.array([-1.0, 0.0, 0.0])).tolist() == [1, 2]


def test_accuracy_alone_moves_a_label_the_model_over_calls() -> None:
    # Label 0 is called for every post, though a fifth of them are label 1, whose
    # probability is higher where it is the truth: a lower offset on 0 gets them right.
    gold = np.array([0] * 80 + [1] * 20)
    probabilities = np.zeros((len(gold), 2))
    probabilities[:, 1] = np.where(gold == 1, 0.42, 0.1)
    probabilities[:, 0] = 1 - probabilities[:, 1]
    offsets = tune_offsets(probabilities, gold.tolist(), macro_f1_weight=0.0)
    before, _ = accuracy_and_macro_f1(gold, decide(np.log(probabilities), np.zeros(2)))
    after, _ = accuracy_and_macro_f1(gold, decide(np.log(probabilities), offsets))
    assert before == 0.8
    assert after == 1.0


def test_sentiment_and_reason_models_carry_offsets_and_the_stacked_intent_model_sees_them(
    data_dir: Path,
) -> None:
    posts = read_labelled(data_dir / "airline_tweets.csv")[:1000]
    posts += read_labelled(data_dir / "intent_labels.csv")[:200]
    examples = training_examples(posts)
    idf = document_frequencies([p.text for p in posts])
    tuned = fit_linear_models(examples, idf)
    plain = fit_linear_models(examples, idf, tuned=False)
    texts = [p.text for p in posts[:50]]
    moved = {
        task: not np.allclose(tuned.probabilities(texts)[task], plain.probabilities(texts)[task])
        for task in ("sentiment", "reason", "intent")
    }
    assert moved == {"sentiment": True, "reason": True, "intent": True}
