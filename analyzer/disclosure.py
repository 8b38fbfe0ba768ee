"""Disclosure detector: does a chat turn share a feeling or a hard experience?

"my boss tore my report apart in front of everyone" → yes; "I love this song",
"I could cry 😂 they fixed the wifi", "that sounds awful, I'm so sorry" → no.

A logistic regression over word/emoji TF-IDF features plus lexicon cue features
(first person near emotion words, hard life events, laughter/hyperbole, support phrases
addressed to "you"; lexicon in ``data/disclosure_cues.json``). It is trained with
scikit-learn by ``training/train_disclosure.py`` (the fitted model is kept as a skops file in
``models/disclosure/``) and exported to plain weights, ``data/disclosure_weights.json``,
which this module scores with the standard library and numpy only: the ``score`` command
needs neither scikit-learn nor scipy, and loading the detector runs no code from a file.
A test checks that these weights give the scikit-learn model's probabilities.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")
DEFAULT_WEIGHTS = DATA_DIR / "disclosure_weights.json"
CUES_FILE = DATA_DIR / "disclosure_cues.json"
WEIGHTS_FORMAT = "reply-analyzer-disclosure-weights/1"
# Words and emoji; ASCII punctuation is left out (in the training data it tracked writing style, not meaning).
TOKEN_PATTERN = r"(?u)[\w']+|[^\w\s!-/:-@\[-`{-~…“”‘’]"

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_CLAUSE = re.compile(r"[.!?\n;,]+|\bbut\b|\band\b")
_WORD = re.compile(r"[\w']+")


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
def default_lexicon() -> CueLexicon:
    """The shipped lexicon, compiled once."""
    return CueLexicon.load()


class DisclosureDetector:
    """Scores turns for being an emotional disclosure; ``threshold`` turns scores into yes/no.

    ``words`` maps each vocabulary token to ``(idf, weight)``; the score of a text is the
    logistic of ``weight · l2-normalised sublinear tf-idf + cue_weights · cue features + bias``
    (exactly what the scikit-learn model it was exported from computes).
    """

    def __init__(self, words: dict[str, tuple[float, float]], cue_weights: Sequence[float], bias: float,
                 threshold: float = 0.5, lexicon: CueLexicon | None = None) -> None:
        if len(cue_weights) != len(CUE_FEATURES):
            raise ValueError(f"expected {len(CUE_FEATURES)} cue weights, got {len(cue_weights)}")
        self.words = words
        self.cue_weights = [float(w) for w in cue_weights]
        self.bias = float(bias)
        self.threshold = float(threshold)
        self.lexicon = lexicon or default_lexicon()
        self._tokens = re.compile(TOKEN_PATTERN)

    def decision(self, text: str) -> float:
        """The logit of one text."""
        norm = normalise(text)
        counts = Counter(self._tokens.findall(norm))
        dot = square = 0.0
        for token, tf in counts.items():
            entry = self.words.get(token)
            if entry is None:
                continue
            value = (1.0 + math.log(tf)) * entry[0]
            dot += value * entry[1]
            square += value * value
        logit = self.bias + (dot / math.sqrt(square) if square else 0.0)
        return logit + sum(w * f for w, f in zip(self.cue_weights, cue_features(norm, self.lexicon)))

    def predict_proba(self, texts: Sequence[str]) -> list[float]:
        """Probability that each text is a disclosure."""
        out = []
        for text in texts:
            z = self.decision(text)
            out.append(1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z)))
        return out

    def predict(self, texts: Sequence[str]) -> list[bool]:
        """Yes/no for each text at the detector's threshold."""
        return [p >= self.threshold for p in self.predict_proba(texts)]

    def is_disclosure(self, text: str) -> bool:
        """Yes/no for one text."""
        return self.predict([text])[0]

    def to_dict(self) -> dict:
        """The JSON form written by ``save``."""
        return {
            "format": WEIGHTS_FORMAT,
            "threshold": self.threshold,
            "bias": self.bias,
            "token_pattern": TOKEN_PATTERN,
            "cue_features": list(CUE_FEATURES),
            "cue_weights": self.cue_weights,
            "words": {token: list(entry) for token, entry in sorted(self.words.items())},
        }

    def save(self, path: Path) -> None:
        """Write the weights as JSON."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path | None = None) -> DisclosureDetector:
        """Load a weights file (default: the shipped detector); ValueError if it is not one."""
        path = Path(path) if path is not None else DEFAULT_WEIGHTS
        if not path.is_file():
            raise FileNotFoundError(f"disclosure detector not found: {path} (train it with python -m training.train_disclosure)")
        try:
            data = json.loads(path.read_text("utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise ValueError(f"{path.name}: not a disclosure detector file ({err})") from None
        if not isinstance(data, dict) or data.get("format") != WEIGHTS_FORMAT:
            raise ValueError(f"{path.name}: not a disclosure detector file")
        if data.get("cue_features") != list(CUE_FEATURES) or data.get("token_pattern") != TOKEN_PATTERN:
            raise ValueError(f"{path.name}: built for other features; retrain with python -m training.train_disclosure")
        words = {token: (float(idf), float(w)) for token, (idf, w) in data["words"].items()}
        return cls(words, data["cue_weights"], data["bias"], data["threshold"])


@lru_cache(maxsize=1)
def default_detector() -> DisclosureDetector:
    """The shipped detector, loaded once per process."""
    return DisclosureDetector.load()
