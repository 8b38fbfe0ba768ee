"""Precision / recall of the shipped disclosure detector on the held-out test split, and its speed.

    .venv/bin/python benchmarks/disclosure_benchmark.py [--errors] [--json FILE]

Test split of ``data/disclosures/turns.jsonl`` (never used in training or model selection);
figures overall and on the hard items (emotional-sounding negatives, mixed positives).
Speed: turns per second of ``predict_proba`` in batches of 512, one process.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analyzer.disclosure import DisclosureDetector  # noqa: E402
from benchmarks._common import machine_line, print_table, write_json  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data" / "disclosures" / "turns.jsonl"


def prf(pred: list[bool], gold: list[bool]) -> dict:
    """Precision, recall, F1 and support of the yes class."""
    tp = sum(p and g for p, g in zip(pred, gold))
    fp = sum(p and not g for p, g in zip(pred, gold))
    fn = sum(g and not p for p, g in zip(pred, gold))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"n": len(gold), "positives": sum(gold), "precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(f1, 4), "accuracy": round(sum(p == g for p, g in zip(pred, gold)) / max(1, len(gold)), 4)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="print the misclassified test turns")
    parser.add_argument("--json", type=Path, default=None, dest="json_out", help="also write the headline figures here")
    args = parser.parse_args(argv)
    print(machine_line())
    rows = [json.loads(line) for line in DATA.read_text("utf-8").splitlines() if line.strip()]
    test = [r for r in rows if r["split"] == "test"]
    detector = DisclosureDetector.load()
    texts, gold = [r["text"] for r in test], [bool(r["disclosure"]) for r in test]
    proba = detector.predict_proba(texts)
    pred = [p >= detector.threshold for p in proba]
    overall = prf(pred, gold)
    hard_idx = [i for i, r in enumerate(test) if r.get("hard")]
    hard = prf([pred[i] for i in hard_idx], [gold[i] for i in hard_idx])
    print_table(["subset", "n", "yes", "precision", "recall", "F1", "accuracy"],
                [[name, m["n"], m["positives"], m["precision"], m["recall"], m["f1"], m["accuracy"]]
                 for name, m in (("test", overall), ("test, hard items", hard))])
    speed_texts = [r["text"] for r in rows] * max(1, 20000 // len(rows))
    started = time.perf_counter()
    for i in range(0, len(speed_texts), 512):
        detector.predict_proba(speed_texts[i:i + 512])
    per_second = len(speed_texts) / (time.perf_counter() - started)
    print(f"\nthreshold {detector.threshold}; speed {per_second:,.0f} turns/s ({len(speed_texts):,} turns, batches of 512)")
    if args.errors:
        for text, p, g, prob in zip(texts, pred, gold, proba):
            if p != g:
                print(f"  {'FP' if p else 'FN'} {prob:.2f}  {text[:100]!r}")
    write_json(args.json_out, {"test": overall, "test_hard": hard, "threshold": detector.threshold,
                               "turns_per_second": round(per_second)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
