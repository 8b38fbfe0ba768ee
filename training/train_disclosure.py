"""Train the disclosure detector on data/disclosures/turns.jsonl (train split only).

    python -m training.train_disclosure [--data FILE] [--out analyzer/data/disclosure_model.skops]

C and the decision threshold are chosen by 5-fold cross-validation on the train split
(F1 of the yes class); the test split is never looked at here (see
benchmarks/disclosure_benchmark.py). Takes a few seconds on one core.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from analyzer.disclosure import DEFAULT_MODEL, DisclosureDetector

DATA = Path("data/disclosures/turns.jsonl")
C_GRID = (0.3, 1.0, 3.0, 10.0, 30.0)
THRESHOLDS = tuple(np.round(np.arange(0.3, 0.71, 0.05), 2))


def load_split(path: Path, split: str) -> tuple[list[str], list[bool]]:
    """Texts and labels of one split."""
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r["split"] == split]
    return [r["text"] for r in rows], [bool(r["disclosure"]) for r in rows]


def cross_validate(texts: list[str], labels: list[bool], seed: int = 0) -> tuple[float, float, float]:
    """(best C, best threshold, CV F1) over C_GRID × THRESHOLDS."""
    y = np.asarray(labels)
    folds = list(StratifiedKFold(n_splits=5, shuffle=True, random_state=seed).split(texts, y))
    best = (C_GRID[0], 0.5, -1.0)
    for c in C_GRID:
        proba = np.zeros(len(texts))
        for train_idx, val_idx in folds:
            det = DisclosureDetector.train([texts[i] for i in train_idx], y[train_idx].tolist(), c=c, seed=seed)
            proba[val_idx] = det.predict_proba([texts[i] for i in val_idx])
        for t in THRESHOLDS:
            f1 = f1_score(y, proba >= t)
            if f1 > best[2] + 1e-9:
                best = (c, float(t), float(f1))
    return best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    texts, labels = load_split(args.data, "train")
    c, threshold, f1 = cross_validate(texts, labels, args.seed)
    detector = DisclosureDetector.train(texts, labels, c=c, threshold=threshold, seed=args.seed)
    detector.save(args.out)
    print(json.dumps({"train_size": len(texts), "C": c, "threshold": threshold, "cv_f1": round(f1, 4), "out": str(args.out)}))


if __name__ == "__main__":
    main()
