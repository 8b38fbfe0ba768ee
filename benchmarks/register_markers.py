"""How often texting markers and offers of help occur per label in each split of the corpus.

A marker that is much commoner under one label in train than in dev/test (or in real
texting) is a shortcut the classifier can learn: in the project corpus the public sources,
which are written in full sentences, supply most of the advice-giving and validating train
rows, so "u"/"ur" lean towards invalidating and self-centering in train but not in dev
or test. Offers of help ("want me to come get u?") are counted because they are rare in
train. Prints one table (share of the label's replies that contain the marker).

    .venv/bin/python benchmarks/register_markers.py
"""

from __future__ import annotations

import re
from collections import Counter

from analyzer.labels import LABELS
from training.texting_register import TEXTING_U

MARKERS: dict[str, re.Pattern[str]] = {
    "u / ur / ya": TEXTING_U,
    "omg": re.compile(r"\bomg\b", re.I),
    "lol / lmao / haha": re.compile(r"\b(lol|lmao|haha+)\b", re.I),
    "offer of help": re.compile(
        r"\b(want me to|i can come|i'?ll come|i'?m coming|come over|want (some )?company|"
        r"i can (pick|bring|drive)|i'?ll (pick|bring|drive))\b",
        re.I,
    ),
}


def marker_table(records: list[dict]) -> tuple[dict[str, Counter], dict[tuple[str, str, str], int]]:
    """Replies per (split, label) and marker hits per (marker, split, label)."""
    totals: dict[str, Counter] = {}
    hits: Counter = Counter()
    for rec in records:
        split = rec.get("split", "")
        totals.setdefault(split, Counter())[rec["label"]] += 1
        for name, pattern in MARKERS.items():
            if pattern.search(rec["reply"]):
                hits[(name, split, rec["label"])] += 1
    return totals, hits


def main() -> None:
    """Print the share of replies with each marker, per split and label."""
    from training.data import corpus_records

    totals, hits = marker_table(corpus_records())
    short = [label.split("-")[0][:8] for label in LABELS]
    print(f"{'marker':20s} {'split':6s} {'n':>6s} " + " ".join(f"{s:>9s}" for s in short))
    for name in MARKERS:
        for split in ("train", "dev", "test"):
            n = totals.get(split, Counter())
            shares = [hits[(name, split, label)] / n[label] if n[label] else float("nan") for label in LABELS]
            print(f"{name:20s} {split:6s} {sum(n.values()):6d} " + " ".join(f"{s:9.3f}" for s in shares))


if __name__ == "__main__":
    main()
