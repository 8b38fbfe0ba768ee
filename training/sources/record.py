"""The unified record every source reader yields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SourceRecord:
    """One reply from a public data set, with provenance and its mapped label.

    ``ref`` points back to the exact dialog and turn in the source (formats in
    each reader's docstring); ``label`` is the label decided by the mapping rules
    (None = unmapped or dropped: a candidate to relabel, not training data);
    ``native`` is the source's own label/strategy/category; ``rule`` names the
    mapping rule in ``training.sources.mapping`` that decided ``label``.
    ``group`` keys the dialog/thread (records sharing it must share a split).
    """

    source: str
    ref: str
    disclosure: str | None
    reply: str
    label: str | None
    secondary: list[str] = field(default_factory=list)
    native: str = ""
    rule: str = ""
    group: str = ""

    @property
    def id(self) -> str:
        """Stable record id: ``<source>:<ref>``."""
        return f"{self.source}:{self.ref}"

    def to_dict(self) -> dict[str, Any]:
        """The DESIGN.md labelled-record schema plus provenance extras.

        ``split`` is left to the caller (sources split differently or not at all).
        """
        return {
            "id": self.id,
            "disclosure": self.disclosure,
            "reply": self.reply,
            "label": self.label,
            "secondary": list(self.secondary),
            "source": self.source,
            "ref": self.ref,
            "native": self.native,
            "rule": self.rule,
            "group": self.group or self.id,
        }
