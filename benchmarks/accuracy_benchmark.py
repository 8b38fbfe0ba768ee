"""Accuracy of a model folder on the project test split, against the targets.

    python benchmarks/accuracy_benchmark.py [--model models/default] [--split test]

Prints macro-F1, per-label F1, hard-item macro-F1, expected calibration error and the
reply-only score (no disclosure given), for the shipped model, for the transformer alone
when the folder blends it with its lexical baseline, and for the TF-IDF baseline shipped
beside it; then hard items split into authored and public reviewed items, with the first
blind annotator's score on the public ones as a human reference; then per-source and
per-style breakdowns. Needs ../shared/data.
"""

from __future__ import annotations

import argparse
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGETS = {"macro_f1": 0.85, "label_f1": 0.75, "hard_macro_f1": 0.75, "ece": 0.05}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=REPO / "models" / "default")
    parser.add_argument("--split", default="test", choices=["dev", "test"])
    args = parser.parse_args()

    from analyzer.labels import LABEL2ID
    from analyzer.model import ReplyClassifier
    from training.baseline import BASELINE_FILE, Baseline
    from training.data import corpus_records
    from training.evaluate import first_vote_reference, metrics_from_probs, score_with_reply_only
    from training.metrics import bootstrap_macro_f1_interval, macro_f1_over_labels, shown_against_target

    records = [r for r in corpus_records() if r["split"] == args.split]
    classifier = ReplyClassifier.load(args.model)
    parts, reply_only_probs = score_with_reply_only(classifier, records)
    probs = parts.blended
    model = metrics_from_probs(records, probs)
    gold = [LABEL2ID[r["label"]] for r in records]
    pred = probs.argmax(axis=1).tolist()
    hard_idx = [i for i, r in enumerate(records) if r.get("hard")]
    ci_all = bootstrap_macro_f1_interval(gold, pred)
    ci_hard = bootstrap_macro_f1_interval([gold[i] for i in hard_idx], [pred[i] for i in hard_idx])
    reply_only = metrics_from_probs(records, reply_only_probs)
    alone = metrics_from_probs(records, parts.transformer) if parts.lexical is not None else None
    base = None
    if parts.lexical is not None:  # the blend's lexical half is the baseline, exported (same scores, no skops load)
        base = metrics_from_probs(records, parts.lexical)
    elif (args.model / BASELINE_FILE).is_file():
        base = metrics_from_probs(records, Baseline.load(args.model).predict_proba([r["reply"] for r in records]))

    def row(name, value, target="", ok=None):
        mark = "" if ok is None else ("ok" if ok else "MISSED")
        print(f"{name:<38} {value:>10} {target:>10} {mark:>7}")

    print(f"model {args.model}  split {args.split}  n={model['n']}")
    print(f"{'measure':<38} {'value':>10} {'target':>10} {'':>7}")
    row("macro-F1", shown_against_target(model['macro_f1'], TARGETS["macro_f1"]), ">= 0.85", model["macro_f1"] >= TARGETS["macro_f1"])
    for label, v in model["per_label"].items():
        row(f"  F1 {label}", shown_against_target(v['f1'], TARGETS["label_f1"]), ">= 0.75", v["f1"] >= TARGETS["label_f1"])
    hard = model.get("hard", {}).get("macro_f1", float("nan"))
    row(f"hard items macro-F1 (n={model.get('hard', {}).get('n', 0)})", shown_against_target(hard, TARGETS["hard_macro_f1"]), ">= 0.75", hard >= TARGETS["hard_macro_f1"])
    row("  95% bootstrap interval, all / hard", f"{ci_all[0]:.3f}-{ci_all[1]:.3f} / {ci_hard[0]:.3f}-{ci_hard[1]:.3f}")
    row("expected calibration error", f"{model['ece']:.3f}", "<= 0.05", model["ece"] <= TARGETS["ece"])
    row("macro-F1, reply only (no disclosure)", f"{reply_only['macro_f1']:.3f}")
    if alone:
        w = classifier.config.lexical_weight
        row(f"transformer alone (w={w:.2f}) macro-F1", f"{alone['macro_f1']:.3f}")
        row("transformer alone, hard items / ECE", f"{alone.get('hard', {}).get('macro_f1', float('nan')):.3f} / {alone['ece']:.3f}")
    if base:
        row("baseline (TF-IDF + cues + LR) macro-F1", f"{base['macro_f1']:.3f}")
        row("baseline hard items macro-F1", f"{base.get('hard', {}).get('macro_f1', float('nan')):.3f}")
    print("\nhard items: authored / public reviewed (model macro-F1; human reference = the first blind")
    print("annotator's vote against the final label, optimistic since that vote helped make the label)")
    for name, keep in (("authored", lambda r: r["source"] == "authored"), ("public reviewed", lambda r: r["source"] != "authored")):
        idx = [i for i in hard_idx if keep(records[i])]
        if not idx:
            continue
        f1 = macro_f1_over_labels([gold[i] for i in idx], [pred[i] for i in idx])
        ref = first_vote_reference([records[i] for i in idx])
        human = f"   human reference {ref['macro_f1']:.3f} (n={ref['n']})" if ref else ""
        print(f"  {name:<24} n={len(idx):<5} {f1:.3f}{human}")
    print("\nby source (model / baseline macro-F1)")
    for src, v in model["by_source"].items():
        b = base["by_source"][src]["macro_f1"] if base else float("nan")
        print(f"  {src:<24} n={v['n']:<5} {v['macro_f1']:.3f} / {b:.3f}")
    print("\nby style of authored replies (model / baseline macro-F1)")
    for style, v in model["by_style"].items():
        b = base["by_style"][style]["macro_f1"] if base else float("nan")
        print(f"  {style:<24} n={v['n']:<5} {v['macro_f1']:.3f} / {b:.3f}")


if __name__ == "__main__":
    main()
