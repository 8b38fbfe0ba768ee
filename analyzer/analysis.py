"""The Analyzer: classifier + per-sentence breakdown + cue spans + suggestion for each reply."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import numpy as np

from analyzer.cues import Cue, CueExtractor
from analyzer.labels import LABELS
from analyzer.lexical import cue_feature_counts
from analyzer.model import ReplyClassifier
from analyzer.nlp import load_nlp
from analyzer.suggest import find_feeling, suggest

MAX_REPLY_CHARS = 20_000
MAX_SENTENCES = 40


class ReplyError(ValueError):
    """A reply that cannot be analysed (empty, blank, too long); the message is user-facing."""


@dataclass(frozen=True)
class SentenceResult:
    """One sentence of the reply with its own classification."""

    text: str
    start: int
    end: int
    label: str
    scores: dict[str, float]

    def to_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end, "label": self.label, "scores": self.scores}


@dataclass(frozen=True)
class Analysis:
    """Everything the tool says about one reply (``to_dict`` is the DESIGN.md JSON object)."""

    reply: str
    disclosure: str | None
    label: str
    scores: dict[str, float]
    sentences: list[SentenceResult] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)
    suggestion: str = ""

    @property
    def sentences_disagree(self) -> bool:
        """True when the sentences do not all carry the same label (worth showing a breakdown)."""
        return len({s.label for s in self.sentences}) > 1

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "scores": self.scores,
            "sentences": [s.to_dict() for s in self.sentences],
            "cues": [c.to_dict() for c in self.cues],
            "suggestion": self.suggestion,
        }


def check_reply(reply: object, truncate: bool = False) -> str:
    """Validate a reply; raise ReplyError for non-text, blank, or (unless truncating) over-long text."""
    if not isinstance(reply, str):
        raise ReplyError(f"reply must be text, not {type(reply).__name__}")
    if not reply.strip():
        raise ReplyError("the reply is empty")
    if len(reply) > MAX_REPLY_CHARS:
        if truncate:
            return reply[:MAX_REPLY_CHARS]
        raise ReplyError(
            f"the reply is {len(reply):,} characters; the limit is {MAX_REPLY_CHARS:,} (this tool reads text messages, not documents)"
        )
    return reply


def _scores(row: np.ndarray) -> dict[str, float]:
    return {label: float(p) for label, p in zip(LABELS, row)}


def _label(row: np.ndarray) -> str:
    return LABELS[int(np.argmax(row))]


def _sentence_spans(doc) -> list[tuple[int, int]]:
    """Character spans of the sentences worth scoring on their own (ones with a word in them)."""
    spans: list[tuple[int, int]] = []
    for sent in islice(doc.sents, MAX_SENTENCES):
        if any(t.is_alpha for t in sent):
            spans.append((sent.start_char, sent.end_char))
        elif spans:  # emoji / punctuation-only tail: attach to the previous sentence
            spans[-1] = (spans[-1][0], sent.end_char)
    return spans


class Analyzer:
    """Loads the classifier and spaCy once; analyses replies one at a time or in batches."""

    def __init__(self, classifier: ReplyClassifier, cue_extractor: CueExtractor, nlp) -> None:
        self.classifier = classifier
        self.cue_extractor = cue_extractor
        self.nlp = nlp

    @classmethod
    def load(cls, model_dir: str | Path | None = None) -> Analyzer:
        """Load a model folder (default: the shipped model) plus the spaCy cue pipeline."""
        classifier = ReplyClassifier.load(model_dir)
        nlp = load_nlp()
        return cls(classifier, CueExtractor.load(nlp), nlp)

    def analyze(self, reply: str, disclosure: str | None = None) -> Analysis:
        """Analyse one reply (optionally with the disclosure it answers)."""
        reply = check_reply(reply)
        return next(self._analyze_batch([(disclosure, reply)]))

    def analyze_many(self, pairs: Iterable[tuple[str | None, str]], batch_size: int = 64) -> Iterator[Analysis]:
        """Analyse (disclosure, reply) pairs lazily, in order; over-long replies are truncated."""
        it = iter(pairs)
        while batch := list(islice(it, batch_size)):
            yield from self._analyze_batch([(d, check_reply(r, truncate=True)) for d, r in batch])

    def _analyze_batch(self, pairs: Sequence[tuple[str | None, str]]) -> Iterator[Analysis]:
        disclosures = [d.strip() if isinstance(d, str) and d.strip() else None for d, _ in pairs]
        replies = [r for _, r in pairs]
        docs = list(self.nlp.pipe(replies))
        # Disclosures are only searched for feeling words (text and lemma): no parse needed.
        with_disclosure = [i for i, d in enumerate(disclosures) if d]
        disclosure_docs = dict(
            zip(with_disclosure, self.nlp.pipe([disclosures[i] for i in with_disclosure], disable=["parser"]))
        )
        cues = [self.cue_extractor.extract(doc) for doc in docs]
        # Whole replies and their sentences are scored in one call (each pair runs alone, so
        # a reply scores the same here as in `check`). A blended model's lexical half reads
        # the cues found here (a sentence: those inside it).
        sentence_inputs: list[tuple[str | None, str]] = []
        sentence_cues: list[dict[str, float]] = []
        sentence_slots: list[list[tuple[int, int, int]]] = []
        for i, doc in enumerate(docs):
            spans = _sentence_spans(doc)
            slots = []
            if len(spans) > 1:
                for start, end in spans:
                    slots.append((start, end, len(sentence_inputs)))
                    sentence_inputs.append((disclosures[i], replies[i][start:end]))
                    sentence_cues.append(cue_feature_counts(c for c in cues[i] if c.start >= start and c.end <= end))
            sentence_slots.append(slots)
        scored = self.classifier.predict_proba(
            list(zip(disclosures, replies)) + sentence_inputs, cue_counts=[cue_feature_counts(c) for c in cues] + sentence_cues
        )
        probs, sentence_probs = scored[: len(replies)], scored[len(replies) :]
        for i, doc in enumerate(docs):
            row = probs[i]
            label = _label(row)
            if sentence_slots[i]:
                sentences = [
                    SentenceResult(replies[i][s:e], s, e, _label(sentence_probs[k]), _scores(sentence_probs[k]))
                    for s, e, k in sentence_slots[i]
                ]
            else:
                text = replies[i]
                start = len(text) - len(text.lstrip())
                end = len(text.rstrip())
                sentences = [SentenceResult(text[start:end], start, end, label, _scores(row))]
            ddoc = disclosure_docs.get(i)
            feeling = find_feeling([(t.lower_, t.lemma_.lower()) for t in ddoc]) if ddoc is not None else None
            has_question = "?" in replies[i]
            yield Analysis(
                reply=replies[i],
                disclosure=disclosures[i],
                label=label,
                scores=_scores(row),
                sentences=sentences,
                cues=cues[i],
                suggestion=suggest(replies[i], label, cues[i], feeling, has_question),
            )
