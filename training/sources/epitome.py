"""EPITOME reader: Reddit seeker posts and replies rated on three empathy dimensions.

Ref: ``<sp_id>:<rp_id>`` (the same pair across the three csvs). ``native`` is
``er=<n>,in=<n>,ex=<n>`` (emotional reactions, interpretations, explorations). A
pair listed twice in a csv (60 pairs in the public files) gives one record with
the highest level seen per dimension. The three csvs carry slightly different
copies of some texts (whitespace, a redacted word); the first file's is kept.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from .mapping import map_epitome
from .record import SourceRecord

NAME = "epitome"
DIMENSIONS = (
    ("er", "emotional-reactions-reddit.csv"),
    ("in", "interpretations-reddit.csv"),
    ("ex", "explorations-reddit.csv"),
)


def iter_records(data_dir: Path) -> Iterator[SourceRecord]:
    """One record per (seeker post, response) pair, in first-seen order."""
    folder = Path(data_dir) / NAME
    texts: dict[tuple[str, str], tuple[str, str]] = {}
    levels: dict[tuple[str, str], dict[str, int]] = {}
    for dim, filename in DIMENSIONS:
        with (folder / filename).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                key = (row["sp_id"].strip(), row["rp_id"].strip())
                texts.setdefault(key, (row["seeker_post"].strip(), row["response_post"].strip()))
                dims = levels.setdefault(key, {d: 0 for d, _ in DIMENSIONS})
                dims[dim] = max(dims[dim], int(row["level"]))
    for key, (post, reply) in texts.items():
        if not reply:
            continue
        lv = levels[key]
        mapped = map_epitome(lv["er"], lv["in"], lv["ex"], reply)
        yield SourceRecord(
            source=NAME,
            ref=f"{key[0]}:{key[1]}",
            disclosure=post or None,
            reply=reply,
            label=mapped.label,
            secondary=list(mapped.secondary),
            native=f"er={lv['er']},in={lv['in']},ex={lv['ex']}",
            rule=mapped.rule,
            group=f"{NAME}:{key[0]}",
        )
