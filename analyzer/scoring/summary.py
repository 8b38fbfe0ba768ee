"""Per-replier tallies of a scoring run: pairs, label shares, most common cues (constant memory)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from analyzer.labels import LABELS

TOP_CUES = 3


@dataclass
class ReplierStats:
    """Label and cue counts of one person's replies."""

    pairs: int = 0
    labels: Counter = field(default_factory=Counter)
    cues: Counter = field(default_factory=Counter)

    def add(self, label: str, cue_names: list[str]) -> None:
        self.pairs += 1
        self.labels[label] += 1
        self.cues.update(cue_names)

    def to_dict(self) -> dict:
        return {
            "pairs": self.pairs,
            "counts": {label: self.labels[label] for label in LABELS},
            "labels": {label: round(self.labels[label] / self.pairs, 4) if self.pairs else 0.0 for label in LABELS},
            "top_cues": [[name, n] for name, n in self.cues.most_common(TOP_CUES)],
        }


@dataclass
class Summary:
    """Everything ``score_inputs`` returns besides file names and timing."""

    repliers: dict[str, ReplierStats] = field(default_factory=dict)
    labels: Counter = field(default_factory=Counter)

    def add(self, replier: str, label: str, cue_names: list[str]) -> None:
        """Count one scored reply."""
        self.repliers.setdefault(replier, ReplierStats()).add(label, cue_names)
        self.labels[label] += 1

    def to_dict(self) -> dict:
        ordered = sorted(self.repliers.items(), key=lambda kv: (-kv[1].pairs, kv[0].lower()))
        return {
            "labels": {label: self.labels[label] for label in LABELS},
            "repliers": {name: stats.to_dict() for name, stats in ordered},
        }
