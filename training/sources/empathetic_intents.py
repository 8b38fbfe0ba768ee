"""EmpatheticDialogues with listener intents (Welivita & Pu 2020).

Reads ``empatheticdialogues_annotated/<emotion>.csv`` (columns Dialog_ID, Type,
Actor, Text, Label). One record per listener utterance. Ref: ``<emotion>:<row>``,
the 0-based data row (header excluded, situation rows counted) of the reply.
The disclosure is the block of speaker utterances right before it in the same
dialog. ``native`` is the row's machine label (an intent, or an emotion).

Only dialogs whose situation emotion (the file name) is negative are
disclosures; ``iter_records`` skips the others unless ``include_non_disclosures``
is set (``resolve`` sets it, so any listener ref resolves). The keyword-matched
``lexically_extended_intent_data`` files have no context and are not read.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from .mapping import is_negative_emotion, map_empathetic_intent
from .record import SourceRecord

NAME = "empathetic_intents"
ANNOTATED = "empatheticdialogues_annotated"
HEADER = ["Dialog_ID", "Type", "Actor", "Text", "Label"]


def emotions(data_dir: Path) -> list[str]:
    """The situation emotions present (one csv each), sorted."""
    return sorted(p.stem for p in (Path(data_dir) / NAME / ANNOTATED).glob("*.csv"))


def iter_emotion(data_dir: Path, emotion: str) -> Iterator[SourceRecord]:
    """Records for every listener utterance of one emotion's csv."""
    path = Path(data_dir) / NAME / ANNOTATED / f"{emotion}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None or [h.strip() for h in header[:5]] != HEADER:
            raise ValueError(f"{path}: expected header {','.join(HEADER)}, got {header!r}")
        dialog_id = None
        block: list[str] = []  # the current run of speaker utterances
        for row_no, row in enumerate(reader):
            if len(row) < 5:
                continue
            did, kind, actor, text, label = (c.strip() for c in row[:5])
            if did != dialog_id:
                dialog_id, block = did, []
            if kind != "utterance":
                continue
            if actor == "speaker":
                block.append(text)
                continue
            if actor != "listener" or not text:
                continue
            disclosure = "\n".join(block) or None
            block = []
            mapped = map_empathetic_intent(label, emotion, text)
            yield SourceRecord(
                source=NAME,
                ref=f"{emotion}:{row_no}",
                disclosure=disclosure,
                reply=text,
                label=mapped.label,
                secondary=list(mapped.secondary),
                native=label,
                rule=mapped.rule,
                group=f"{NAME}:{did}",
            )


def iter_records(data_dir: Path, include_non_disclosures: bool = False) -> Iterator[SourceRecord]:
    """Listener replies of the negative-emotion dialogs (all dialogs when asked)."""
    for emotion in emotions(data_dir):
        if include_non_disclosures or is_negative_emotion(emotion):
            yield from iter_emotion(data_dir, emotion)


def iter_resolvable(data_dir: Path) -> Iterator[SourceRecord]:
    """Every listener reply, for ``resolve`` (positive-emotion ones come back unmapped)."""
    return iter_records(data_dir, include_non_disclosures=True)
