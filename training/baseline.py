"""Baseline: TF-IDF (word + char) + cue-count features + logistic regression, saved with skops.

It shows how much the fine-tuned transformer gains over a linear model; every evaluation
report prints both.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from analyzer.labels import LABEL2ID
from analyzer.lexical import reply_cue_counts as cue_features  # the baseline's cue features
from training.calibrate import expected_calibration_error
from training.metrics import classification_metrics

BASELINE_FILE = "baseline.skops"


class Baseline:
    """The fitted baseline parts (all plain scikit-learn objects)."""

    def __init__(self, parts: dict) -> None:
        self.parts = parts

    @classmethod
    def fit(cls, replies: Sequence[str], labels: Sequence[int], seed: int = 0) -> Baseline:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        parts = {
            "word": TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=40000, sublinear_tf=True),
            "char": TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, max_features=60000, sublinear_tf=True),
            "cues": DictVectorizer(),
            "clf": LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000, random_state=seed),
        }
        model = cls(parts)
        x = model._features(replies, fit=True)
        parts["clf"].fit(x, labels)
        for name in ("word", "char"):
            compact_vectorizer(parts[name])
        return model

    def _features(self, replies: Sequence[str], fit: bool = False):
        from scipy.sparse import hstack

        texts = list(replies)
        cues = cue_features(texts)
        blocks = []
        for name, data in (("word", texts), ("char", texts), ("cues", cues)):
            part = self.parts[name]
            blocks.append(part.fit_transform(data) if fit else part.transform(data))
        return hstack(blocks).tocsr()

    def predict_proba(self, replies: Sequence[str]) -> np.ndarray:
        """Probabilities in LABELS order."""
        return self.parts["clf"].predict_proba(self._features(replies))

    def save(self, folder: Path) -> Path:
        """Write ``baseline.skops`` into ``folder`` (no pickle)."""
        import skops.io as sio

        folder.mkdir(parents=True, exist_ok=True)
        path = folder / BASELINE_FILE
        sio.dump(self.parts, path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
        return path

    @classmethod
    def load(cls, folder: Path) -> Baseline:
        """Load ``baseline.skops``, trusting only scikit-learn, scipy and numpy types."""
        import skops.io as sio

        path = folder / BASELINE_FILE
        untrusted = sio.get_untrusted_types(file=path)
        allowed = [t for t in untrusted if t.split(".")[0] in ("sklearn", "numpy", "scipy", "builtins")]
        if len(allowed) != len(untrusted):
            raise ValueError(f"{path}: contains types outside scikit-learn/numpy/scipy: {sorted(set(untrusted) - set(allowed))}")
        return cls(sio.load(path, trusted=allowed))


def compact_vectorizer(vectorizer) -> None:
    """Shrink a fitted TfidfVectorizer on disk without changing what it computes.

    Drops the terms pruned by min_df/max_features (kept only for introspection, tens of
    MB) and turns the vocabulary's numpy integers into Python ints: skops writes every
    numpy scalar as its own file in the zip, which made ``baseline.skops`` 18 MB, not 3.
    """
    vectorizer.stop_words_ = None
    vectorizer.vocabulary_ = {term: int(index) for term, index in vectorizer.vocabulary_.items()}


def train_baseline(train: Sequence[dict], test: Sequence[dict]) -> tuple[Baseline, dict]:
    """Fit on train replies; return the model and its test metrics."""
    model = Baseline.fit([r["reply"] for r in train], [LABEL2ID[r["label"]] for r in train])
    gold = [LABEL2ID[r["label"]] for r in test]
    probs = model.predict_proba([r["reply"] for r in test])
    metrics = classification_metrics(gold, probs.argmax(1).tolist())
    metrics["ece"] = expected_calibration_error(probs, gold)
    return model, metrics
