"""The lexical half of a blended model: reply n-grams and cue counts -> linear scores, in numpy.

``training.baseline`` fits TF-IDF word and character n-grams plus counts of the spaCy cues
with scikit-learn's logistic regression. ``training.lexical_blend`` exports that fitted
model into two plain files of the model folder (``lexical.json``: vocabularies and
settings; ``lexical.npz``: idf weights and coefficients, read with ``allow_pickle=False``)
and blends its scores with the transformer's. Scoring here re-implements just the
transform scikit-learn fitted (lower-casing, the default word token pattern, ``char_wb``
n-grams, sublinear tf, idf, l2 norm per block) so that the check path needs neither
scikit-learn (0.9 s to import) nor skops (3.7 s to load the same model). A test holds the
two to the same probabilities.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from analyzer.labels import LABELS

LEXICAL_JSON = "lexical.json"
LEXICAL_NPZ = "lexical.npz"
FORMAT = "tfidf-cues-logreg-v1"

WORD_TOKEN_PATTERN = r"(?u)\b\w\w+\b"  # scikit-learn's default token_pattern
_WORD_TOKEN = re.compile(WORD_TOKEN_PATTERN)
_WHITE_SPACES = re.compile(r"\s\s+")


def cue_feature_counts(cues: Iterable) -> dict[str, float]:
    """Counts of each cue label and cue name (objects with ``.label`` and ``.cue``)."""
    counts: Counter[str] = Counter()
    for cue in cues:
        counts[f"label={cue.label}"] += 1
        counts[f"cue={cue.cue}"] += 1
    return dict(counts)


def word_ngrams(text: str, low: int, high: int) -> list[str]:
    """Word n-grams of ``text`` as scikit-learn's ``analyzer="word"`` makes them."""
    tokens = _WORD_TOKEN.findall(text.lower())
    grams = list(tokens) if low == 1 else []
    for n in range(max(low, 2), min(high, len(tokens)) + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


def char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    """Character n-grams inside space-padded words (scikit-learn's ``analyzer="char_wb"``)."""
    grams: list[str] = []
    for word in _WHITE_SPACES.sub(" ", text.lower()).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if len(padded) <= n:  # a short word counts once, whole
                grams.append(padded)
                break
            grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


@lru_cache(maxsize=1)
def _cue_extractor():
    from analyzer.cues import CueExtractor

    return CueExtractor.load()


def reply_cue_counts(replies: Sequence[str]) -> list[dict[str, float]]:
    """:func:`cue_feature_counts` of each reply's cues (parses them with the spaCy cue pipeline)."""
    extractor = _cue_extractor()
    return [cue_feature_counts(extractor.extract(doc)) for doc in extractor.nlp.pipe(replies, batch_size=256)]


def blend_log_scores(transformer_probs: np.ndarray, lexical_log: np.ndarray, weight: float) -> np.ndarray:
    """``(1 - w) * log p_transformer + w * log p_lexical``; its softmax at the blend's temperature is the score."""
    return (1.0 - weight) * np.log(np.clip(transformer_probs, 1e-12, None)) + weight * lexical_log


ANALYZERS = {"word": word_ngrams, "char_wb": char_wb_ngrams}


@dataclass
class NgramBlock:
    """One fitted TF-IDF vectorizer: vocabulary, idf and how text becomes n-grams."""

    analyzer: str
    ngram_range: tuple[int, int]
    vocabulary: dict[str, int]
    idf: np.ndarray
    sublinear_tf: bool = True

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and l2-normalised tf-idf values of ``text``'s known n-grams."""
        counts = Counter(ANALYZERS[self.analyzer](text, *self.ngram_range))
        known = [(self.vocabulary[g], c) for g, c in counts.items() if g in self.vocabulary]
        if not known:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        idx = np.array([i for i, _ in known], dtype=np.int64)
        tf = np.array([c for _, c in known], dtype=np.float64)
        values = (np.log(tf) + 1.0 if self.sublinear_tf else tf) * self.idf[idx]
        norm = math.sqrt(float(values @ values))
        return idx, values / norm if norm else values

    def to_json(self) -> dict:
        terms = [""] * len(self.vocabulary)
        for term, index in self.vocabulary.items():
            terms[index] = term
        return {"analyzer": self.analyzer, "ngram_range": list(self.ngram_range), "sublinear_tf": self.sublinear_tf, "terms": terms}

    @classmethod
    def from_json(cls, raw: dict, idf: np.ndarray) -> NgramBlock:
        terms = raw["terms"]
        if raw["analyzer"] not in ANALYZERS or len(terms) != len(idf):
            raise ValueError(f"bad n-gram block ({raw['analyzer']!r}, {len(terms)} terms, {len(idf)} idf values)")
        return cls(raw["analyzer"], tuple(raw["ngram_range"]), {t: i for i, t in enumerate(terms)}, idf, bool(raw["sublinear_tf"]))


class LexicalModel:
    """Multinomial logistic regression over [word tf-idf | char tf-idf | cue counts] of a reply."""

    def __init__(self, blocks: Sequence[NgramBlock], cue_features: Sequence[str], coef: np.ndarray, intercept: np.ndarray) -> None:
        self.blocks = list(blocks)
        self.cue_features = list(cue_features)
        self._cue_index = {name: i for i, name in enumerate(self.cue_features)}
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        width = sum(len(b.idf) for b in self.blocks) + len(self.cue_features)
        if self.coef.shape != (len(LABELS), width) or self.intercept.shape != (len(LABELS),):
            raise ValueError(f"coefficients {self.coef.shape} do not fit {width} features and {len(LABELS)} labels")

    def logits(self, replies: Sequence[str], cue_counts: Sequence[dict[str, float]]) -> np.ndarray:
        """Decision scores, shape (len(replies), 4); ``cue_counts`` from :func:`cue_feature_counts`."""
        out = np.tile(self.intercept, (len(replies), 1))
        for row, (text, cues) in enumerate(zip(replies, cue_counts, strict=True)):
            offset = 0
            for block in self.blocks:
                idx, values = block.vector(text)
                out[row] += self.coef[:, offset + idx] @ values
                offset += len(block.idf)
            known = [(self._cue_index[k], v) for k, v in cues.items() if k in self._cue_index]
            for index, value in known:
                out[row] += self.coef[:, offset + index] * value
        return out

    def log_proba(self, replies: Sequence[str], cue_counts: Sequence[dict[str, float]]) -> np.ndarray:
        """Log-probabilities in LABELS order (log-softmax of :meth:`logits`)."""
        z = self.logits(replies, cue_counts)
        z = z - z.max(axis=1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True))

    def save(self, folder: Path) -> None:
        """Write ``lexical.json`` and ``lexical.npz`` into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        raw = {"format": FORMAT, "labels": list(LABELS), "blocks": [b.to_json() for b in self.blocks], "cue_features": self.cue_features}
        (folder / LEXICAL_JSON).write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
        arrays = {f"idf_{i}": b.idf.astype(np.float32) for i, b in enumerate(self.blocks)}
        np.savez_compressed(folder / LEXICAL_NPZ, coef=self.coef.astype(np.float32), intercept=self.intercept, **arrays)

    @classmethod
    def load(cls, folder: Path) -> LexicalModel:
        """Read the two files; raise ValueError naming the problem."""
        try:
            raw = json.loads((folder / LEXICAL_JSON).read_text(encoding="utf-8"))
            with np.load(folder / LEXICAL_NPZ, allow_pickle=False) as arrays:
                idf = [arrays[f"idf_{i}"].astype(np.float64) for i in range(len(raw["blocks"]))]
                coef, intercept = arrays["coef"], arrays["intercept"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{folder}: unreadable lexical model ({exc})") from None
        if raw.get("format") != FORMAT or tuple(raw.get("labels", ())) != LABELS:
            raise ValueError(f"{folder / LEXICAL_JSON}: format must be {FORMAT} with labels {list(LABELS)}")
        blocks = [NgramBlock.from_json(b, v) for b, v in zip(raw["blocks"], idf, strict=True)]
        return cls(blocks, raw["cue_features"], coef, intercept)


def has_lexical(folder: Path) -> bool:
    """Whether ``folder`` holds an exported lexical model."""
    return (folder / LEXICAL_JSON).is_file() and (folder / LEXICAL_NPZ).is_file()
