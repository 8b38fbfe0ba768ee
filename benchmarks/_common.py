"""Shared helpers for the benchmark scripts: paths, the model folder, sample pairs, tables.

The scripts print tables for people; with ``--json FILE`` they also write their headline
figures as a JSON object, which ``run_all.py`` collects into its summary table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = REPO_DIR / ".venv" / "bin"
DEFAULT_MODEL_DIR = REPO_DIR / "models" / "default"
AUTHORED_DIR = REPO_DIR / "data" / "authored"

if str(REPO_DIR) not in sys.path:  # `python benchmarks/x.py` puts only benchmarks/ on the path
    sys.path.insert(0, str(REPO_DIR))

Pair = tuple[str | None, str]


def add_common_args(parser: argparse.ArgumentParser) -> None:
    """``--model DIR`` and ``--json FILE``, shared by every benchmark script."""
    parser.add_argument("--model", type=Path, default=None, help="model folder (default: models/default)")
    parser.add_argument("--json", type=Path, default=None, dest="json_out", help="also write the headline figures here")


def model_dir_or_exit(model: Path | None) -> Path:
    """The model folder to benchmark; exit with a one-line message (code 2) if it has no model.onnx."""
    path = Path(model) if model is not None else DEFAULT_MODEL_DIR
    if not (path / "model.onnx").is_file():
        print(f"error: no model.onnx in {path}; pass --model DIR (any folder written by training.train)", file=sys.stderr)
        sys.exit(2)
    return path


def sample_pairs(n: int, seed: int = 0, disclosure_share: float = 0.5) -> list[Pair]:
    """``n`` varied (disclosure, reply) pairs from the repo's authored data, all four labels.

    Deterministic for a seed. A ``disclosure_share`` of the pairs keep their disclosure;
    the rest are replies alone (the paste-a-draft case). Cycles if ``n`` exceeds the data.
    """
    records: list[dict] = []
    for path in sorted(AUTHORED_DIR.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            records.extend(json.loads(line) for line in fh if line.strip())
    if not records:
        raise SystemExit(f"error: no authored records under {AUTHORED_DIR}")
    rng = random.Random(seed)
    by_label: dict[str, list[dict]] = {}
    for r in records:
        by_label.setdefault(r["label"], []).append(r)
    for group in by_label.values():
        rng.shuffle(group)
    # Round-robin over labels so small labels are represented, then shuffle.
    mixed: list[dict] = []
    groups = [by_label[k] for k in sorted(by_label)]
    for i in range(max(len(g) for g in groups)):
        mixed.extend(g[i] for g in groups if i < len(g))
    picked = [mixed[i % len(mixed)] for i in range(n)]
    rng.shuffle(picked)
    return [
        ((r.get("disclosure") or None) if i < round(n * disclosure_share) else None, r["reply"])
        for i, r in enumerate(picked)
    ]


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) with linear interpolation."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def load_average() -> str:
    """``os.getloadavg()`` as "1.23 1.10 0.98" (1, 5, 15 minutes)."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def machine_line() -> str:
    """Cores and load average, printed at the top of every benchmark."""
    return f"machine: {os.cpu_count()} cores, load average {load_average()} (1/5/15 min)"


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A plain aligned text table (first column left-aligned, the rest right-aligned)."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def fmt(row: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))

    print(fmt(cells[0]))
    print("  ".join("-" * w for w in widths))
    for row in cells[1:]:
        print(fmt(row))


def classifier_variant(clf, workers: int):
    """A copy of a ReplyClassifier (same onnxruntime session) that scores ``workers`` pairs at once."""
    from analyzer.model import ReplyClassifier

    return ReplyClassifier(clf.model_dir, clf.config, clf._session, clf._tokenizer, clf.lexical, workers=workers)


def write_json(path: Path | None, obj: dict) -> None:
    """Write the headline figures for run_all.py (no-op without ``--json``)."""
    if path is not None:
        Path(path).write_text(json.dumps(obj, indent=2) + "\n", encoding="utf-8")
