"""Read users' labelled data (JSONL or CSV in the DESIGN.md record schema) with clear errors."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

from analyzer.labels import LABEL2ID, LABELS


class LabelledDataError(ValueError):
    """Bad labelled data; the message names the file and line (user-facing, one line)."""


def _clean_secondary(value: object, where: str) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LabelledDataError(f"{where}: 'secondary' must be a list of labels")
    for v in value:
        if v not in LABEL2ID:
            raise LabelledDataError(f"{where}: unknown secondary label {v!r} (expected {', '.join(LABELS)})")
    return value


def _clean_votes(value: object, where: str) -> list[str]:
    """Optional annotators' labels (``""``/null: that annotator rejected the item)."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [v.strip() for v in value.replace(";", ",").split(",")]
    if not isinstance(value, list) or not all(v is None or isinstance(v, str) for v in value):
        raise LabelledDataError(f"{where}: 'votes' must be a list of labels")
    for v in value:
        if v and v not in LABEL2ID:
            raise LabelledDataError(f"{where}: unknown vote {v!r} (expected {', '.join(LABELS)})")
    return [v or "" for v in value]


def normalise_record(raw: dict, where: str, default_id: str, require_label: bool = True) -> dict:
    """Validate one raw row and return it in the DESIGN.md record schema (extra keys kept)."""
    reply = raw.get("reply")
    if not isinstance(reply, str) or not reply.strip():
        raise LabelledDataError(f"{where}: missing or empty 'reply'")
    label = raw.get("label")
    if label is not None and not isinstance(label, str):
        raise LabelledDataError(f"{where}: 'label' must be text, one of {', '.join(LABELS)}")
    if label in (None, "") and require_label:
        raise LabelledDataError(f"{where}: missing 'label'")
    if label not in (None, "") and label not in LABEL2ID:
        raise LabelledDataError(f"{where}: unknown label {label!r} (expected {', '.join(LABELS)})")
    disclosure = raw.get("disclosure")
    if disclosure is not None and not isinstance(disclosure, str):
        raise LabelledDataError(f"{where}: 'disclosure' must be text or null")
    split = raw.get("split") or None
    if split is not None and (not isinstance(split, str) or split not in ("train", "dev", "test")):
        raise LabelledDataError(f"{where}: 'split' must be train, dev or test, not {split!r}")
    record = dict(raw)
    record.update(
        id=str(raw.get("id") or default_id),
        disclosure=disclosure.strip() if disclosure and disclosure.strip() else None,
        reply=reply,
        label=label or None,
        secondary=_clean_secondary(raw.get("secondary"), where),
        votes=_clean_votes(raw.get("votes"), where),
        source=str(raw.get("source") or "user"),
        split=split,
    )
    return record


def _read_jsonl(path: Path, require_label: bool) -> list[dict]:
    records = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise LabelledDataError(f"{where}: not valid JSON ({exc.msg})") from None
            if not isinstance(raw, dict):
                raise LabelledDataError(f"{where}: expected a JSON object per line")
            records.append(normalise_record(raw, where, f"{path.stem}:{n}", require_label))
    return records


def _read_csv(path: Path, require_label: bool) -> list[dict]:
    records = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or "reply" not in reader.fieldnames:
            raise LabelledDataError(f"{path}:1: CSV header must have a 'reply' column")
        for row in reader:
            where = f"{path}:{reader.line_num}"
            raw = {k: v for k, v in row.items() if k is not None}
            if raw.get("disclosure") == "":
                raw["disclosure"] = None
            records.append(normalise_record(raw, where, f"{path.stem}:{reader.line_num}", require_label))
    return records


def read_labelled(paths: Iterable[str | Path], require_label: bool = True) -> list[dict]:
    """Read and validate every file (``.jsonl``/``.json`` lines or ``.csv``); all-or-nothing."""
    records: list[dict] = []
    for p in paths:
        path = Path(p)
        if not path.is_file():
            raise LabelledDataError(f"{path}: no such file")
        try:
            if path.suffix.lower() == ".csv":
                part = _read_csv(path, require_label)
            else:
                part = _read_jsonl(path, require_label)
        except UnicodeDecodeError:
            raise LabelledDataError(f"{path}: not UTF-8 text") from None
        if not part:
            raise LabelledDataError(f"{path}: no records (empty file)")
        records.extend(part)
    return records
