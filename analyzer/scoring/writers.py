"""Output rows as JSONL or CSV, written atomically (temp file in the same folder, then rename)."""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Iterator

from analyzer.labels import LABELS

SUFFIXES = (".jsonl", ".csv")
SCORE_COLUMNS = tuple(f"score_{label}" for label in LABELS)


@contextmanager
def atomic_text(path: Path) -> Iterator[IO[str]]:
    """Open a temp file beside ``path`` for writing; rename it over ``path`` only on success."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent if str(path.parent) else ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class RowWriter:
    """Writes dict rows; CSV flattens ``scores`` into ``score_<label>`` columns and JSON-encodes lists."""

    def __init__(self, fh: IO[str], kind: str, columns: Sequence[str] = ()) -> None:
        self.fh = fh
        self.kind = kind
        self.count = 0
        self.dropped_keys: set[str] = set()
        self._csv: csv.DictWriter | None = None
        if kind == "csv":
            header: list[str] = []
            for c in columns:
                header.extend(SCORE_COLUMNS if c == "scores" else (c,))
            header += [c for c in SCORE_COLUMNS if c not in header]
            self._csv = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore", lineterminator="\n")
            self._csv.writeheader()

    def write(self, row: dict[str, Any]) -> None:
        """Write one row."""
        self.count += 1
        if self._csv is None:
            self.fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            return
        flat: dict[str, Any] = {}
        for key, value in row.items():
            if key == "scores" and isinstance(value, dict):
                for label, p in value.items():
                    flat[f"score_{label}"] = round(float(p), 6)
            elif isinstance(value, (list, dict)):
                flat[key] = json.dumps(value, ensure_ascii=False)
            else:
                flat[key] = "" if value is None else value
        extra = set(flat) - set(self._csv.fieldnames)
        if extra:
            self.dropped_keys |= extra
        self._csv.writerow(flat)


def output_kind(path: Path) -> str:
    """``"jsonl"`` or ``"csv"`` from the file name (``-`` is JSONL on stdout); ValueError otherwise."""
    if str(path) == "-":
        return "jsonl"
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"--output must end in .jsonl or .csv (or be '-' for stdout), not {path.name!r}")
    return suffix.lstrip(".")


@contextmanager
def open_output(path: Path | None) -> Iterator[IO[str] | None]:
    """The stream rows go to: nothing, stdout (``-``), or an atomically replaced file."""
    if path is None:
        yield None
    elif str(path) == "-":
        yield sys.stdout
        sys.stdout.flush()
    else:
        with atomic_text(path) as fh:
            yield fh
