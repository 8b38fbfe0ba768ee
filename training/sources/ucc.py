"""Unhealthy Comments Corpus reader (val/test): news comments, tone-only.

Ref: ``<split>:<_unit_id>``; no disclosure. ``native`` holds the probability that
each tone attribute is present, from the aggregated label and its confidence:
``dismissive=<p>,condescending=<p>,sarcastic=<p>`` (two decimals).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from .mapping import map_ucc
from .record import SourceRecord

NAME = "ucc"
SPLITS = ("val", "test")
ATTRIBUTES = ("dismissive", "condescending", "sarcastic")


def attribute_score(row: dict[str, str], attribute: str) -> float:
    """P(attribute present): the confidence when labelled 1, one minus it when labelled 0."""
    value = float(row.get(attribute) or 0)
    conf = float(row.get(f"{attribute}:confidence") or 1)
    return conf if value >= 0.5 else 1.0 - conf


def iter_records(data_dir: Path) -> Iterator[SourceRecord]:
    """Every comment of the val and test csvs (present ones) as an unmapped SourceRecord."""
    folder = Path(data_dir) / NAME
    mapped = map_ucc()
    for split in SPLITS:
        path = folder / f"{split}.csv"
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                comment = (row.get("comment") or "").strip()
                if not comment:
                    continue
                native = ",".join(f"{a}={attribute_score(row, a):.2f}" for a in ATTRIBUTES)
                yield SourceRecord(
                    source=NAME,
                    ref=f"{split}:{row['_unit_id'].strip()}",
                    disclosure=None,
                    reply=comment,
                    label=mapped.label,
                    secondary=[],
                    native=native,
                    rule=mapped.rule,
                    group="",
                )
