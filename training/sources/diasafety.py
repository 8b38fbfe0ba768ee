"""DiaSafety reader: context/response pairs with unsafe categories.

Ref: ``<split>:<index>`` with split in train/val/test and a 0-based index into the
JSON list. ``native`` is ``<category>/<label>`` (e.g. ``Risk Ignorance/Unsafe``).
Records sharing a context share a ``group``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from .mapping import map_diasafety
from .record import SourceRecord

NAME = "diasafety"
SPLITS = ("train", "val", "test")


def iter_records(data_dir: Path) -> Iterator[SourceRecord]:
    """Every DiaSafety pair as a SourceRecord (mostly unmapped: candidate pools)."""
    folder = Path(data_dir) / NAME
    for split in SPLITS:
        with (folder / f"{split}.json").open(encoding="utf-8") as fh:
            items = json.load(fh)
        for index, item in enumerate(items):
            reply = (item.get("response") or "").strip()
            if not reply:
                continue
            context = (item.get("context") or "").strip()
            category, label = item.get("category", ""), item.get("label", "")
            mapped = map_diasafety(category, label, reply)
            digest = hashlib.sha1(context.encode("utf-8")).hexdigest()[:12]
            yield SourceRecord(
                source=NAME,
                ref=f"{split}:{index}",
                disclosure=context or None,
                reply=reply,
                label=mapped.label,
                secondary=list(mapped.secondary),
                native=f"{category}/{label}",
                rule=mapped.rule,
                group=f"{NAME}:{digest}",
            )
