"""Precision / recall / F1 of the cue extractor on the hand-written cue test set.

    .venv/bin/python benchmarks/cue_benchmark.py [--by-cue] [--errors] [--part dev|heldout|all] [--json FILE]

A predicted cue is correct when a gold cue of the same reply has the same label and cue
name and the two spans overlap (one-to-one matching). Also prints the mean warm time per
reply of ``CueExtractor.extract`` (on pre-parsed docs) and of parse + extract.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analyzer.cues import Cue, CueExtractor  # noqa: E402
from analyzer.labels import LABELS  # noqa: E402
from benchmarks.cue_testset import load  # noqa: E402


def match(pred: list[Cue], gold: list[dict]) -> tuple[list[tuple[Cue, dict]], list[Cue], list[dict]]:
    """Pair predictions with gold cues (same label and cue, overlapping spans)."""
    free = list(gold)
    pairs, false_pos = [], []
    for cue in pred:
        hit = next((g for g in free if g["label"] == cue.label and g["cue"] == cue.cue
                    and cue.start < g["end"] and g["start"] < cue.end), None)
        if hit is None:
            false_pos.append(cue)
        else:
            free.remove(hit)
            pairs.append((cue, hit))
    return pairs, false_pos, free


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def evaluate(records: list[dict], predictions: list[list[Cue]], key: str = "label") -> dict[str, Counter]:
    """Counts of tp/fp/fn per label (or per cue name with key="cue")."""
    counts: dict[str, Counter] = {}
    for rec, pred in zip(records, predictions):
        pairs, false_pos, false_neg = match(pred, rec["cues"])
        for cue, _ in pairs:
            counts.setdefault(getattr(cue, key), Counter())["tp"] += 1
        for cue in false_pos:
            counts.setdefault(getattr(cue, key), Counter())["fp"] += 1
        for gold in false_neg:
            counts.setdefault(gold[key], Counter())["fn"] += 1
    return counts


def table(title: str, counts: dict[str, Counter], order: list[str]) -> str:
    lines = [title, f"{'':24s} {'prec':>6s} {'rec':>6s} {'f1':>6s} {'tp':>4s} {'fp':>4s} {'fn':>4s}"]
    total = Counter()
    for name in order:
        c = counts.get(name, Counter())
        total.update(c)
        p, r, f = prf(c["tp"], c["fp"], c["fn"])
        lines.append(f"{name:24s} {p:6.3f} {r:6.3f} {f:6.3f} {c['tp']:4d} {c['fp']:4d} {c['fn']:4d}")
    p, r, f = prf(total["tp"], total["fp"], total["fn"])
    lines.append(f"{'overall (micro)':24s} {p:6.3f} {r:6.3f} {f:6.3f} {total['tp']:4d} {total['fp']:4d} {total['fn']:4d}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=["dev", "heldout", "all", "each"], default="each")
    ap.add_argument("--by-cue", action="store_true", help="also print a table per cue name")
    ap.add_argument("--errors", action="store_true", help="print false positives and misses")
    ap.add_argument("--json", type=Path, help="write the headline figures (micro P/R/F1 per part, timings) here")
    args = ap.parse_args()

    t0 = time.perf_counter()
    extractor = CueExtractor.load()
    load_s = time.perf_counter() - t0
    records = load()
    docs = list(extractor.nlp.pipe([r["reply"] for r in records]))
    predictions = [extractor.extract(doc) for doc in docs]  # warm-up

    extract_runs = []
    for _ in range(3):
        t = time.perf_counter()
        for doc in docs:
            extractor.extract(doc)
        extract_runs.append((time.perf_counter() - t) / len(docs))
    t = time.perf_counter()
    for rec in records:
        extractor(rec["reply"])
    full_ms = (time.perf_counter() - t) / len(records) * 1000

    parts = ["dev", "heldout", "all"] if args.part == "each" else [args.part]
    cue_order = list(extractor.cue_names)
    figures: dict[str, dict[str, float]] = {}
    for part in parts:
        idx = [i for i, r in enumerate(records) if part == "all" or r["part"] == part]
        if not idx:
            continue
        recs = [records[i] for i in idx]
        preds = [predictions[i] for i in idx]
        n_gold = sum(len(r["cues"]) for r in recs)
        total = Counter()
        for c in evaluate(recs, preds).values():
            total.update(c)
        p, r, f = prf(total["tp"], total["fp"], total["fn"])
        figures[part] = {"precision": p, "recall": r, "f1": f, "replies": len(recs), "gold_cues": n_gold}
        print(table(f"\n== {part}: {len(recs)} replies, {n_gold} gold cues, "
                    f"{sum(not r['cues'] for r in recs)} replies without cues ==",
                    evaluate(recs, preds), list(LABELS)))
        if args.by_cue:
            print(table("-- per cue name --", evaluate(recs, preds, key="cue"), cue_order))
        if args.errors:
            for rec, pred in zip(recs, preds):
                _, false_pos, false_neg = match(pred, rec["cues"])
                for cue in false_pos:
                    print(f"  FP {cue.label}/{cue.cue} {cue.text!r:32s} in {rec['reply']!r}")
                for gold in false_neg:
                    text = rec["reply"][gold["start"]:gold["end"]]
                    print(f"  FN {gold['label']}/{gold['cue']} {text!r:32s} in {rec['reply']!r}")

    print(f"\nload {load_s:.2f} s; {extractor.matcher.__len__()} pattern keys; {len(records)} replies")
    print(f"extract (pre-parsed doc), warm mean per reply: {statistics.mean(extract_runs) * 1000:.3f} ms "
          f"(runs: {', '.join(f'{r * 1000:.3f}' for r in extract_runs)})")
    print(f"parse + extract, warm mean per reply: {full_ms:.2f} ms")
    if args.json:
        figures["timing_ms"] = {"extract_mean": statistics.mean(extract_runs) * 1000, "parse_extract_mean": full_ms}
        args.json.write_text(json.dumps({"cues": figures}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
