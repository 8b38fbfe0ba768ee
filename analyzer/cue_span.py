"""The cue span type: a labelled span of a reply (kept free of spaCy so light code can use it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Cue:
    """A labelled span of the reply; ``start``/``end`` are character offsets into it."""

    text: str
    start: int
    end: int
    label: str
    cue: str

    def to_dict(self) -> dict:
        """The JSON form used by ``Analysis.to_dict()`` and the CLI."""
        return {"text": self.text, "start": self.start, "end": self.end, "label": self.label, "cue": self.cue}
