"""Calibration on dev: temperature scaling, bias-corrected temperature scaling, and ECE.

Bias-corrected temperature scaling (BCTS; Alexandari et al., ICML 2020) fits a temperature
and one offset per label by dev NLL. The offsets undo a label shift between the training
mix and the dev/test distribution (e.g. a user's data merged with the project corpus).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from analyzer.model import softmax


def nll(logits: np.ndarray, gold: Sequence[int], temperature: float, bias: Sequence[float] | None = None) -> float:
    """Mean negative log-likelihood of ``gold`` under ``softmax(logits / temperature + bias)``."""
    p = softmax(logits.astype(np.float64), temperature, bias)
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


# Per-label offsets are only fitted on a dev split at least this large, with each label present.
MIN_BIAS_ITEMS = 200
MIN_BIAS_PER_LABEL = 20
BIAS_L2 = 1e-3


def fit_bias_temperature(logits: np.ndarray, gold: Sequence[int]) -> tuple[float, list[float]]:
    """Temperature and per-label offsets minimising dev NLL of ``softmax(logits / T + b)``.

    The first offset is fixed at 0 (softmax is shift-invariant); a small L2 penalty keeps
    the offsets finite when a label is rare.
    """
    from scipy.optimize import minimize

    logits = np.asarray(logits, dtype=np.float64)
    k = logits.shape[1]

    def loss(params: np.ndarray) -> float:
        bias = np.r_[0.0, params[1:]]
        return nll(logits, gold, float(np.exp(params[0])), bias) + BIAS_L2 * float(np.sum(bias**2))

    start = np.r_[np.log(fit_temperature(logits, gold)), np.zeros(k - 1)]
    params = minimize(loss, start, method="L-BFGS-B").x
    return float(np.exp(params[0])), [0.0] + [float(b) for b in params[1:]]


def fit_calibration(logits: np.ndarray, gold: Sequence[int], with_bias: bool = True) -> tuple[float, list[float]]:
    """Temperature and per-label offsets for a model's dev logits.

    Offsets are fitted (BCTS) when ``with_bias`` and the dev split is large enough and has
    every label; otherwise only the temperature is fitted and the offsets are 0.
    """
    k = logits.shape[1]
    counts = np.bincount(np.asarray(gold, dtype=int), minlength=k)
    if with_bias and len(gold) >= MIN_BIAS_ITEMS and counts.min() >= MIN_BIAS_PER_LABEL:
        return fit_bias_temperature(logits, gold)
    return fit_temperature(logits, gold), [0.0] * k


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
