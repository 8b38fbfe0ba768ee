"""TEST DOUBLE ONLY: a keyword stand-in for ``analyzer.Analyzer`` used by score/report tests.

It lets the output, summary and report plumbing be tested in milliseconds without the
model. It is never imported by product code; end-to-end tests use the real shipped model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from analyzer.cue_span import Cue
from analyzer.labels import LABELS

RULES = (
    ("advice-giving", "should", re.compile(r"\b(you should|you need to|just|have you tried|why don't you)\b", re.I)),
    ("invalidating", "minimising", re.compile(r"\b(at least|overreacting|not a big deal|could be worse|calm down)\b", re.I)),
    ("self-centering", "me-too", re.compile(r"\b(same thing happened to me|that reminds me|omg same|my \w+ did)\b", re.I)),
    ("validating", "sorry", re.compile(r"\b(i'm so sorry|sounds (really )?(hard|awful|scary)|makes sense|i'm here)\b", re.I)),
)


@dataclass(frozen=True)
class StubAnalysis:
    label: str
    scores: dict[str, float]
    cues: list[Cue] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"label": self.label, "scores": self.scores, "cues": [c.to_dict() for c in self.cues]}


class StubAnalyzer:
    """Labels by the first matching keyword rule (validating when none matches)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str | None, str]] = []

    def analyze_many(self, pairs: Iterable[tuple[str | None, str]], batch_size: int = 64) -> Iterator[StubAnalysis]:
        for disclosure, reply in pairs:
            self.seen.append((disclosure, reply))
            cues = [Cue(m.group(), m.start(), m.end(), label, name)
                    for label, name, rx in RULES for m in rx.finditer(reply)]
            label = cues[0].label if cues else "validating"
            scores = {lab: (0.7 if lab == label else 0.1) for lab in LABELS}
            yield StubAnalysis(label, scores, sorted(cues, key=lambda c: c.start))
