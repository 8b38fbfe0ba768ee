"""Disclosure detector: does a chat turn share a feeling or a hard experience?

"my boss tore my report apart in front of everyone" → yes; "I love this song",
"I could cry 😂 they fixed the wifi", "that sounds awful, I'm so sorry" → no.

A logistic regression over word and emoji TF-IDF features plus lexicon cue features
(first person near emotion words, hard life events, laughter/hyperbole, support phrases
addressed to "you"; lexicon in ``data/disclosure_cues.json``). Trained by
``training/train_disclosure.py`` on ``data/disclosures/turns.jsonl`` and shipped as a skops
file (no pickle). Scoring is batched; ~tens of thousands of turns per second on one core.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).with_name("data")
DEFAULT_MODEL = DATA_DIR / "disclosure_model.skops"
CUES_FILE = DATA_DIR / "disclosure_cues.json"
# Words and emoji; ASCII punctuation is left out (in the training data it tracked writing style, not meaning).
TOKEN_PATTERN = r"(?u)[\w']+|[^\w\s!-/:-@\[-`{-~…“”‘’]"

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_CLAUSE = re.compile(r"[.!?\n;,]+|\bbut\b|\band\b")
_WORD = re.compile(r"[\w']+")
# Types a shipped detector file may contain; anything else is refused at load.
TRUSTED_TYPES = [
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "numpy.float64",
    "numpy.int64",
    "numpy.dtype",
    "builtins.dict",
    "builtins.list",
    "builtins.str",
    "builtins.float",
    "builtins.int",
]


def normalise(text: str) -> str:
    """Lower-case with curly apostrophes straightened (what both feature sets see)."""
    return text.translate(_APOSTROPHES).lower()


@dataclass(frozen=True)
class CueLexicon:
    """Compiled lexicon categories from ``disclosure_cues.json``."""

    patterns: dict[str, re.Pattern[str]]

    @classmethod
    def load(cls, path: Path = CUES_FILE) -> CueLexicon:
        """Compile every list in the lexicon file into one regex per category."""
        data = json.loads(path.read_text("utf-8"))
        patterns = {}
        for name, items in data.items():
            if name.startswith("_"):
                continue
            words = sorted((i for i in items if i[0].isalnum()), key=len, reverse=True)
            symbols = [i for i in items if not i[0].isalnum()]
            alternatives = []
            if words:
                alternatives.append(r"(?<![\w'])(?:" + "|".join(map(re.escape, words)) + r")(?![\w'])")
            if symbols:
                alternatives.append("|".join(map(re.escape, symbols)))
            patterns[name] = re.compile("|".join(alternatives))
        return cls(patterns)

    def count(self, name: str, text: str) -> int:
        """Occurrences of category ``name`` in already-normalised ``text``."""
        return len(self.patterns[name].findall(text))

    def has(self, name: str, text: str) -> bool:
        """Whether category ``name`` occurs in already-normalised ``text``."""
        return self.patterns[name].search(text) is not None


CUE_FEATURES: tuple[str, ...] = (
    "first_person_rate",
    "second_person_rate",
    "negative_emotion",
    "hard_event",
    "first_person_emotion_clauses",
    "second_person_emotion_clauses",
    "feeling_verb",
    "laughter",
    "hyperbole",
    "positive",
    "support",
    "question",
)


def cue_features(text: str, lex: CueLexicon) -> list[float]:
    """The CUE_FEATURES vector of one normalised text."""
    words = len(_WORD.findall(text)) + 4  # smoothed: "not me" is not 50% first person
    fp, sp = lex.count("first_person", text), lex.count("second_person", text)
    fp_em = sp_em = 0
    for clause in _CLAUSE.split(text):
        if not clause.strip():
            continue
        if not (lex.has("negative_emotion", clause) or lex.has("hard_event", clause)):
            continue
        if lex.has("second_person", clause):
            sp_em += 1  # "that must have hurt you": about the other person
        elif lex.has("first_person", clause):
            fp_em += 1  # "I feel so alone": about oneself
    return [
        fp / words,
        sp / words,
        math.log1p(lex.count("negative_emotion", text)),
        math.log1p(lex.count("hard_event", text)),
        math.log1p(fp_em),
        math.log1p(sp_em),
        float(lex.has("feeling_verb", text)),
        math.log1p(lex.count("laughter", text)),
        math.log1p(lex.count("hyperbole", text)),
        math.log1p(lex.count("positive", text)),
        math.log1p(lex.count("support", text)),
        float(text.rstrip().endswith("?")),
    ]


@lru_cache(maxsize=1)
def _lexicon() -> CueLexicon:
    return CueLexicon.load()


class DisclosureDetector:
    """Scores turns for being an emotional disclosure; ``threshold`` turns scores into yes/no."""

    def __init__(self, vectorizer, classifier, threshold: float = 0.5, lexicon: CueLexicon | None = None) -> None:
        self.vectorizer = vectorizer
        self.classifier = classifier
        self.threshold = float(threshold)
        self.lexicon = lexicon or _lexicon()

    def _matrix(self, texts: Sequence[str]):
        from scipy.sparse import csr_matrix, hstack

        norm = [normalise(t) for t in texts]
        words = self.vectorizer.transform(norm)
        cues = csr_matrix(np.asarray([cue_features(t, self.lexicon) for t in norm], dtype=np.float64))
        return hstack([words, cues], format="csr")

    def predict_proba(self, texts: Sequence[str]) -> list[float]:
        """Probability that each text is a disclosure."""
        if not texts:
            return []
        return self.classifier.predict_proba(self._matrix(texts))[:, 1].tolist()

    def predict(self, texts: Sequence[str]) -> list[bool]:
        """Yes/no for each text at the detector's threshold."""
        return [p >= self.threshold for p in self.predict_proba(texts)]

    def is_disclosure(self, text: str) -> bool:
        """Yes/no for one text."""
        return self.predict([text])[0]

    @classmethod
    def train(
        cls, texts: Sequence[str], labels: Sequence[bool], c: float = 1.0, threshold: float = 0.5, seed: int = 0
    ) -> DisclosureDetector:
        """Fit a new detector (a second or so for a few hundred turns)."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        vectorizer = TfidfVectorizer(
            lowercase=False, token_pattern=TOKEN_PATTERN, ngram_range=(1, 1), sublinear_tf=True, min_df=1
        )
        vectorizer.fit([normalise(t) for t in texts])
        detector = cls(vectorizer, LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=seed))
        detector.classifier.fit(detector._matrix(texts), np.asarray(labels, dtype=bool))
        detector.threshold = threshold
        return detector

    def save(self, path: Path) -> None:
        """Write the detector as a skops file (no pickle)."""
        import skops.io as sio

        state = {
            "format": "reply-analyzer-disclosure/1",
            "vectorizer": self.vectorizer,
            "classifier": self.classifier,
            "threshold": self.threshold,
            "cue_features": list(CUE_FEATURES),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        sio.dump(state, path)

    @classmethod
    def load(cls, path: Path | None = None) -> DisclosureDetector:
        """Load a skops detector file, refusing any type outside TRUSTED_TYPES."""
        import skops.io as sio

        path = Path(path) if path is not None else DEFAULT_MODEL
        if not path.is_file():
            raise FileNotFoundError(f"disclosure detector not found: {path} (train it with python -m training.train_disclosure)")
        untrusted = [t for t in sio.get_untrusted_types(file=path) if t not in TRUSTED_TYPES]
        if untrusted:
            raise ValueError(f"{path.name}: refusing to load unexpected types {untrusted}")
        state = sio.load(path, trusted=TRUSTED_TYPES)
        if state.get("cue_features") != list(CUE_FEATURES):
            raise ValueError(f"{path.name}: built for other cue features; retrain with python -m training.train_disclosure")
        return cls(state["vectorizer"], state["classifier"], state["threshold"])


@lru_cache(maxsize=1)
def default_detector() -> DisclosureDetector:
    """The shipped detector, loaded once per process."""
    return DisclosureDetector.load()
