"""reply-analyzer: how will a reply to an emotional disclosure land?

``from analyzer import Analyzer`` is the Python API (see DESIGN.md). Attributes are
imported lazily so that ``import analyzer`` stays cheap for the CLI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analyzer.labels import LABELS

__version__ = "0.1.0"
__all__ = ["LABELS", "Analysis", "Analyzer", "Cue"]

if TYPE_CHECKING:
    from analyzer.analysis import Analysis, Analyzer
    from analyzer.cue_span import Cue


def __getattr__(name: str):
    if name in ("Analyzer", "Analysis"):
        from analyzer import analysis

        return getattr(analysis, name)
    if name == "Cue":
        from analyzer.cue_span import Cue

        return Cue
    raise AttributeError(f"module 'analyzer' has no attribute {name!r}")
