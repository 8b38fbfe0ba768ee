"""Evaluation metrics in the DESIGN.md shape, plus breakdowns."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from analyzer.labels import LABELS


def shown_against_target(value: float, target: float) -> str:
    """``value`` with three decimals, or four where three would round it onto ``target``
    (so a miss such as 0.7496 against 0.75 is never printed as the target itself)."""
    text = f"{value:.3f}"
    return f"{value:.4f}" if float(text) == target and value != target else text


def classification_metrics(gold: Sequence[int], pred: Sequence[int]) -> dict:
    """``{"n", "accuracy", "macro_f1", "per_label", "confusion"}`` (rows gold, columns predicted)."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    k = list(range(len(LABELS)))
    n = len(gold)
    if n == 0:
        return {"n": 0, "accuracy": 0.0, "macro_f1": 0.0, "per_label": {}, "confusion": [[0] * len(k) for _ in k]}
    p, r, f, s = precision_recall_fscore_support(gold, pred, labels=k, zero_division=0)
    present = [i for i in k if s[i] > 0]
    return {
        "n": n,
        "accuracy": float(np.mean(np.asarray(gold) == np.asarray(pred))),
        "macro_f1": float(np.mean([f[i] for i in present])) if present else 0.0,
        "per_label": {
            LABELS[i]: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
            for i in k
        },
        "confusion": confusion_matrix(gold, pred, labels=k).tolist(),
    }


def grouped_metrics(groups: Sequence[str], gold: Sequence[int], pred: Sequence[int]) -> dict:
    """``{group: {"n", "accuracy", "macro_f1"}}`` for a per-source/per-style breakdown."""
    idx: dict[str, list[int]] = defaultdict(list)
    for i, g in enumerate(groups):
        idx[g].append(i)
    out = {}
    for g, ids in sorted(idx.items()):
        m = classification_metrics([gold[i] for i in ids], [pred[i] for i in ids])
        out[g] = {"n": m["n"], "accuracy": m["accuracy"], "macro_f1": m["macro_f1"]}
    return out


def macro_f1_over_labels(gold: Sequence[int], pred: Sequence[int]) -> float:
    """Macro-F1 over all four labels (a label absent from both counts as 0): the bootstrap statistic."""
    from sklearn.metrics import f1_score

    return float(f1_score(gold, pred, labels=list(range(len(LABELS))), average="macro", zero_division=0))


def _percentile_bootstrap(
    n: int, statistic, n_resamples: int, confidence: float, seed: int
) -> tuple[float, float]:
    """Percentile interval of ``statistic(idx)`` over seeded resamples of ``n`` items with replacement."""
    rng = np.random.default_rng(seed)
    values = [statistic(rng.integers(0, n, n)) for _ in range(n_resamples)]
    alpha = (1 - confidence) / 2
    low, high = np.quantile(values, [alpha, 1 - alpha])
    return float(low), float(high)


def bootstrap_macro_f1_interval(
    gold: Sequence[int], pred: Sequence[int], n_resamples: int = 1000, confidence: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of macro-F1 (items resampled with replacement, seeded)."""
    gold_a, pred_a = np.asarray(gold), np.asarray(pred)
    if len(gold_a) == 0:
        return (float("nan"), float("nan"))
    return _percentile_bootstrap(
        len(gold_a), lambda idx: macro_f1_over_labels(gold_a[idx], pred_a[idx]), n_resamples, confidence, seed
    )


def paired_bootstrap_macro_f1_delta(
    gold: Sequence[int], pred_a: Sequence[int], pred_b: Sequence[int],
    n_resamples: int = 1000, confidence: float = 0.95, seed: int = 0,
) -> tuple[float, float, float]:
    """Macro-F1 of ``pred_b`` minus ``pred_a`` on the same items, with a paired percentile
    bootstrap interval (each resample scores both on the same items, seeded)."""
    gold_a, a, b = np.asarray(gold), np.asarray(pred_a), np.asarray(pred_b)
    if len(gold_a) == 0:
        return (float("nan"), float("nan"), float("nan"))

    def delta(idx: np.ndarray) -> float:
        return macro_f1_over_labels(gold_a[idx], b[idx]) - macro_f1_over_labels(gold_a[idx], a[idx])

    low, high = _percentile_bootstrap(len(gold_a), delta, n_resamples, confidence, seed)
    return delta(np.arange(len(gold_a))), low, high
