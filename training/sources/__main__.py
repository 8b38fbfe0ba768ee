"""Print per-source counts: total records, per mapped label, dropped (None), per rule.

Usage: ``python -m training.sources [--rules] [--data DIR] [SOURCE ...]``
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from analyzer.labels import LABELS

from . import SOURCES, iter_all
from .paths import shared_data_dir


def count(data_dir: Path, sources: list[str]) -> dict[str, dict[str, object]]:
    """Per source: total, per label, dropped, per rule, seconds taken."""
    out: dict[str, dict[str, object]] = {}
    for name in sources:
        start = time.perf_counter()
        labels: Counter[str] = Counter()
        rules: Counter[str] = Counter()
        for rec in iter_all(data_dir, [name]):
            labels[rec.label or "None"] += 1
            rules[rec.rule] += 1
        out[name] = {
            "total": sum(labels.values()),
            "labels": {label: labels[label] for label in LABELS},
            "dropped": labels["None"],
            "rules": dict(rules.most_common()),
            "seconds": round(time.perf_counter() - start, 2),
        }
    return out


def main(argv: list[str] | None = None) -> None:
    """Print the stats table."""
    parser = argparse.ArgumentParser(prog="python -m training.sources", description=__doc__)
    parser.add_argument("sources", nargs="*", choices=[[], *SOURCES], default=[], metavar="SOURCE")
    parser.add_argument("--data", type=Path, default=None, help="shared data folder (default: ../shared/data)")
    parser.add_argument("--rules", action="store_true", help="also print counts per mapping rule")
    args = parser.parse_args(argv)
    data_dir = args.data or shared_data_dir()
    stats = count(data_dir, list(args.sources) or list(SOURCES))
    cols = ["total", *LABELS, "None", "secs"]
    print(f"{'source':<20}" + "".join(f"{c:>16}" for c in cols))
    totals: Counter[str] = Counter()
    for name, st in stats.items():
        row = [st["total"], *st["labels"].values(), st["dropped"], st["seconds"]]  # type: ignore[union-attr]
        totals.update(dict(zip(cols, row)))
        print(f"{name:<20}" + "".join(f"{v:>16}" for v in row))
    print(f"{'all':<20}" + "".join(f"{round(totals[c], 2):>16}" for c in cols))
    if args.rules:
        for name, st in stats.items():
            print(f"\n{name}")
            for rule, n in st["rules"].items():  # type: ignore[union-attr]
                print(f"  {rule:<36}{n:>8}")


if __name__ == "__main__":
    main()
