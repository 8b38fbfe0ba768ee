"""ESConv reader: supporter turns of train.jsonl / valid.jsonl / failed.json.

Refs: ``train:<line>:<turn>`` / ``valid:<line>:<turn>`` (0-based line of the jsonl,
0-based index into ``dialog``); ``failed:<index>:<turn>`` (0-based index into the
top-level list of failed.json, 0-based index into its ``dialog``). The disclosure is
the nearest block of consecutive help-seeker turns before the reply (joined by
newlines; None when the supporter speaks first). ``native`` is the strategy as written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .mapping import map_esconv
from .record import SourceRecord

NAME = "esconv"
SPLIT_FILES = (("train", "train.jsonl"), ("valid", "valid.jsonl"))
FAILED_FILE = "failed.json"
SEEKERS = frozenset({"usr", "speaker"})
SUPPORTERS = frozenset({"sys", "listener"})


def _turn(turn: dict[str, Any]) -> tuple[str, str, str]:
    """(speaker, text, strategy) of a turn in either schema (new: text/strategy, old: content/annotation)."""
    text = turn.get("text", turn.get("content", "")) or ""
    strategy = turn.get("strategy") or (turn.get("annotation") or {}).get("strategy") or ""
    return turn.get("speaker", ""), text.strip(), strategy


def dialog_records(dialog: list[dict[str, Any]], prefix: str) -> Iterator[SourceRecord]:
    """Records for the supporter turns of one dialog; refs are ``<prefix>:<turn>``."""
    turns = [_turn(t) for t in dialog]
    for i, (speaker, text, strategy) in enumerate(turns):
        if speaker not in SUPPORTERS or not text:
            continue
        yield _record(turns, i, prefix, text, strategy)


def _record(turns: list[tuple[str, str, str]], i: int, prefix: str, text: str, strategy: str) -> SourceRecord:
    j = i - 1
    while j >= 0 and turns[j][0] not in SEEKERS:
        j -= 1
    block: list[str] = []
    while j >= 0 and turns[j][0] in SEEKERS:
        if turns[j][1]:
            block.append(turns[j][1])
        j -= 1
    mapped = map_esconv(strategy, text)
    return SourceRecord(
        source=NAME,
        ref=f"{prefix}:{i}",
        disclosure="\n".join(reversed(block)) or None,
        reply=text,
        label=mapped.label,
        secondary=list(mapped.secondary),
        native=strategy,
        rule=mapped.rule,
        group=f"{NAME}:{prefix}",
    )


def iter_records(data_dir: Path) -> Iterator[SourceRecord]:
    """Every supporter turn of ESConv (train, valid, failed) as a SourceRecord."""
    folder = Path(data_dir) / NAME
    for split, filename in SPLIT_FILES:
        with (folder / filename).open(encoding="utf-8") as fh:
            for line_no, line in enumerate(fh):
                if line.strip():
                    yield from dialog_records(json.loads(line)["dialog"], f"{split}:{line_no}")
    failed = folder / FAILED_FILE
    if failed.exists():
        with failed.open(encoding="utf-8") as fh:
            conversations = json.load(fh)
        for index, conv in enumerate(conversations):
            yield from dialog_records(conv["dialog"], f"failed:{index}")
