"""Temperature scaling and calibration error."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from analyzer.model import softmax


def nll(logits: np.ndarray, gold: Sequence[int], temperature: float) -> float:
    """Mean negative log-likelihood of ``gold`` under ``softmax(logits / temperature)``."""
    p = softmax(logits.astype(np.float64), temperature)
    return float(-np.mean(np.log(p[np.arange(len(gold)), np.asarray(gold)] + 1e-12)))


def fit_temperature(logits: np.ndarray, gold: Sequence[int], low: float = 0.05, high: float = 20.0) -> float:
    """The temperature minimising dev NLL (golden-section search on log T; NLL is unimodal in T)."""
    if len(gold) == 0:
        return 1.0
    a, b = np.log(low), np.log(high)
    ratio = (np.sqrt(5) - 1) / 2
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    for _ in range(60):
        if nll(logits, gold, float(np.exp(c))) < nll(logits, gold, float(np.exp(d))):
            b = d
        else:
            a = c
        c, d = b - ratio * (b - a), a + ratio * (b - a)
    return float(np.exp((a + b) / 2))


def expected_calibration_error(probs: np.ndarray, gold: Sequence[int], bins: int = 10) -> float:
    """ECE of the top-label confidence with equal-width bins."""
    if len(gold) == 0:
        return 0.0
    conf = probs.max(axis=1)
    correct = probs.argmax(axis=1) == np.asarray(gold)
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (conf > lo) & (conf <= hi)
        if mask.any():
            ece += mask.mean() * abs(correct[mask].mean() - conf[mask].mean())
    return float(ece)
