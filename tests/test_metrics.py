"""Evaluation metrics: per-label scores and the bootstrap interval of macro-F1."""

from __future__ import annotations

import numpy as np
import pytest

from training.metrics import bootstrap_macro_f1_interval, classification_metrics, paired_bootstrap_macro_f1_delta


def test_perfect_predictions_have_a_point_interval():
    gold = [0, 1, 2, 3] * 10
    assert bootstrap_macro_f1_interval(gold, gold, n_resamples=50) == (1.0, 1.0)


def test_interval_brackets_the_point_estimate_and_is_seeded():
    rng = np.random.default_rng(3)
    gold = rng.integers(0, 4, 400).tolist()
    pred = [g if rng.random() < 0.7 else int(rng.integers(0, 4)) for g in gold]
    point = classification_metrics(gold, pred)["macro_f1"]
    low, high = bootstrap_macro_f1_interval(gold, pred, n_resamples=300)
    assert low < point < high
    assert high - low < 0.2
    assert bootstrap_macro_f1_interval(gold, pred, n_resamples=300) == (low, high)


def test_empty_input_gives_nan():
    low, high = bootstrap_macro_f1_interval([], [])
    assert np.isnan(low) and np.isnan(high)


def test_paired_bootstrap_delta_sign_and_identity():
    gold = [0, 1, 2, 3] * 25
    wrong = [(g + 1) % 4 if i % 3 == 0 else g for i, g in enumerate(gold)]
    assert paired_bootstrap_macro_f1_delta(gold, gold, gold, n_resamples=50) == (0.0, 0.0, 0.0)
    delta, low, high = paired_bootstrap_macro_f1_delta(gold, wrong, gold, n_resamples=200)
    assert 0 < low <= delta <= high
    assert paired_bootstrap_macro_f1_delta(gold, gold, wrong, n_resamples=200)[0] == -delta


@pytest.mark.parametrize(
    ("value", "target", "shown"),
    [(0.7496, 0.75, "0.7496"), (0.75, 0.75, "0.750"), (0.7504, 0.75, "0.7504"), (0.857, 0.85, "0.857"), (0.731, 0.75, "0.731")],
)
def test_a_figure_is_never_rounded_onto_its_target(value, target, shown):
    from training.metrics import shown_against_target

    assert shown_against_target(value, target) == shown
