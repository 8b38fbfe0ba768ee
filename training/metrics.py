"""Evaluation metrics in the DESIGN.md shape, plus breakdowns."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from analyzer.labels import LABELS


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
