"""The scikit-learn side of the disclosure detector: fit, persist with skops, export weights.

``analyzer/disclosure.py`` scores with the exported weights alone; this module is only
needed to train (``training/train_disclosure.py``) and to check the export.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from analyzer.disclosure import CUE_FEATURES, TOKEN_PATTERN, DisclosureDetector, cue_features, default_lexicon, normalise

SKOPS_FILE = Path(__file__).resolve().parents[1] / "models" / "disclosure" / "detector.skops"
SKOPS_FORMAT = "reply-analyzer-disclosure/1"
# Types a detector skops file may contain beyond skops' own safe defaults; anything else is refused.
TRUSTED_TYPES = [
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "numpy.float64",
    "numpy.int64",
    "numpy.dtype",
]


class SklearnDisclosureModel:
    """TF-IDF (words and emoji) + lexicon cue features → logistic regression."""

    def __init__(self, vectorizer, classifier, threshold: float = 0.5) -> None:
        self.vectorizer = vectorizer
        self.classifier = classifier
        self.threshold = float(threshold)

    def _matrix(self, texts: Sequence[str]):
        from scipy.sparse import csr_matrix, hstack

        norm = [normalise(t) for t in texts]
        lex = default_lexicon()
        cues = csr_matrix(np.asarray([cue_features(t, lex) for t in norm], dtype=np.float64).reshape(len(norm), -1))
        return hstack([self.vectorizer.transform(norm), cues], format="csr")

    @classmethod
    def train(cls, texts: Sequence[str], labels: Sequence[bool], c: float = 1.0, threshold: float = 0.5,
              seed: int = 0) -> SklearnDisclosureModel:
        """Fit on texts and yes/no labels (a second or so for a few hundred turns)."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        vectorizer = TfidfVectorizer(lowercase=False, token_pattern=TOKEN_PATTERN, ngram_range=(1, 1),
                                     sublinear_tf=True, min_df=1)
        vectorizer.fit([normalise(t) for t in texts])
        model = cls(vectorizer, LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=seed),
                    threshold)
        model.classifier.fit(model._matrix(texts), np.asarray(labels, dtype=bool))
        return model

    def predict_proba(self, texts: Sequence[str]) -> list[float]:
        """Probability of yes for each text."""
        return self.classifier.predict_proba(self._matrix(texts))[:, 1].tolist() if texts else []

    def to_detector(self) -> DisclosureDetector:
        """The same model as plain weights for ``analyzer.disclosure``."""
        coef = self.classifier.coef_[0]
        n_words = len(self.vectorizer.vocabulary_)
        words = {token: (float(self.vectorizer.idf_[j]), float(coef[j])) for token, j in self.vectorizer.vocabulary_.items()}
        return DisclosureDetector(words, coef[n_words:].tolist(), float(self.classifier.intercept_[0]), self.threshold)

    def save(self, path: Path = SKOPS_FILE) -> None:
        """Persist with skops (no pickle)."""
        import skops.io as sio

        path.parent.mkdir(parents=True, exist_ok=True)
        sio.dump({"format": SKOPS_FORMAT, "vectorizer": self.vectorizer, "classifier": self.classifier,
                  "threshold": self.threshold, "cue_features": list(CUE_FEATURES)}, path)

    @classmethod
    def load(cls, path: Path = SKOPS_FILE) -> SklearnDisclosureModel:
        """Load a skops file, refusing types outside skops' defaults and TRUSTED_TYPES."""
        import skops.io as sio
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        untrusted = [t for t in sio.get_untrusted_types(file=path) if t not in TRUSTED_TYPES]
        if untrusted:
            raise ValueError(f"{Path(path).name}: refusing to load unexpected types {untrusted}")
        state = sio.load(path, trusted=TRUSTED_TYPES)
        if not (isinstance(state, dict) and isinstance(state.get("vectorizer"), TfidfVectorizer)
                and isinstance(state.get("classifier"), LogisticRegression)):
            raise ValueError(f"{Path(path).name}: not a disclosure detector file")
        if state.get("cue_features") != list(CUE_FEATURES):
            raise ValueError(f"{Path(path).name}: built for other cue features; retrain")
        return cls(state["vectorizer"], state["classifier"], state["threshold"])
