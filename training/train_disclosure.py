"""Train the disclosure detector on data/disclosures/turns.jsonl (train split only).

    python -m training.train_disclosure [--data FILE] [--skops models/disclosure/detector.skops]
                                        [--weights analyzer/data/disclosure_weights.json]

C is chosen by 5-fold cross-validation on the train split (F1 of the yes class); the
decision threshold is then the highest one whose cross-validated recall is still >= 0.95
(a missed disclosure loses its pair, a false one only adds a pair; pairing must reach
recall 0.90 at precision 0.80). The test split is never looked at here (see
benchmarks/disclosure_benchmark.py). Writes the fitted scikit-learn model as skops and its
plain-weights export, which is what the analyzer loads. Takes a few seconds on one core.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score, precision_score, recall_score
from sklearn.model_selection import StratifiedKFold

from analyzer.disclosure import DEFAULT_WEIGHTS
from training.disclosure_model import SKOPS_FILE, SklearnDisclosureModel

DATA = Path("data/disclosures/turns.jsonl")
C_GRID = (0.3, 1.0, 3.0, 10.0, 30.0)
THRESHOLDS = tuple(np.round(np.arange(0.2, 0.71, 0.05), 2))
TARGET_RECALL = 0.95


def load_split(path: Path, split: str) -> tuple[list[str], list[bool]]:
    """Texts and labels of one split."""
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r["split"] == split]
    return [r["text"] for r in rows], [bool(r["disclosure"]) for r in rows]


def cv_proba(texts: list[str], y: np.ndarray, c: float, seed: int) -> np.ndarray:
    """Out-of-fold probabilities of a 5-fold cross-validation."""
    proba = np.zeros(len(texts))
    for train_idx, val_idx in StratifiedKFold(n_splits=5, shuffle=True, random_state=seed).split(texts, y):
        det = SklearnDisclosureModel.train([texts[i] for i in train_idx], y[train_idx].tolist(), c=c, seed=seed)
        proba[val_idx] = det.predict_proba([texts[i] for i in val_idx])
    return proba


def cross_validate(texts: list[str], labels: list[bool], seed: int = 0) -> dict:
    """C by CV F1 at the best threshold, then the threshold rule of the module docstring."""
    y = np.asarray(labels)
    best_c, best_f1, best_proba = C_GRID[0], -1.0, None
    for c in C_GRID:
        proba = cv_proba(texts, y, c, seed)
        f1 = max(f1_score(y, proba >= t) for t in THRESHOLDS)
        if f1 > best_f1 + 1e-9:
            best_c, best_f1, best_proba = c, float(f1), proba
    ok = [t for t in THRESHOLDS if recall_score(y, best_proba >= t) >= TARGET_RECALL]
    threshold = float(max(ok)) if ok else float(max(THRESHOLDS, key=lambda t: f1_score(y, best_proba >= t)))
    pred = best_proba >= threshold
    return {"C": best_c, "threshold": threshold, "cv_f1_best": round(best_f1, 4),
            "cv_precision": round(float(precision_score(y, pred)), 4), "cv_recall": round(float(recall_score(y, pred)), 4)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--skops", type=Path, default=SKOPS_FILE, help="where the fitted scikit-learn model goes")
    parser.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS, help="where the exported weights go")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    texts, labels = load_split(args.data, "train")
    chosen = cross_validate(texts, labels, args.seed)
    model = SklearnDisclosureModel.train(texts, labels, c=chosen["C"], threshold=chosen["threshold"], seed=args.seed)
    model.save(args.skops)
    model.to_detector().save(args.weights)
    print(json.dumps({"train_size": len(texts), **chosen, "skops": str(args.skops), "weights": str(args.weights)}))


if __name__ == "__main__":
    main()
