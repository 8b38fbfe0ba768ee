"""Does a model's answer depend on texting spelling? Dev and test replies as written and in texting spelling.

Every dev/test reply is rewritten with ``training.texting_register.to_texting`` (lowercase,
u/ur, no apostrophes or final full stop, idk/tbh/rn...), which changes register, never
meaning, so the gold label stays. For each model folder and split the table shows macro-F1
on the replies as written and rewritten, the share of rewritten replies whose predicted
label changes, and the mean change in each label's probability over those replies. A model
that learned "u means invalidating or self-centering" loses F1 and moves probability
towards those two labels.

    .venv/bin/python benchmarks/register_probe.py [--model DIR ...] [--split dev|test|both]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from _common import DEFAULT_MODEL_DIR, model_dir_or_exit, write_json


def main() -> None:
    """Print the register probe table for each model folder."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, action="append", default=None,
                        help="model folder; repeat to compare several (default: models/default)")
    parser.add_argument("--split", default="both", choices=["dev", "test", "both"])
    parser.add_argument("--json", type=Path, default=None, dest="json_out", help="also write the figures here")
    args = parser.parse_args()

    import numpy as np

    from analyzer.labels import LABEL2ID, LABELS
    from analyzer.model import ReplyClassifier
    from training.data import corpus_records
    from training.metrics import macro_f1_over_labels
    from training.texting_register import to_texting

    records = corpus_records()
    splits = ["dev", "test"] if args.split == "both" else [args.split]
    short = [label.split("-")[0][:6] for label in LABELS]
    print(f"{'model':<28} {'split':<5} {'n':>5} {'rewritten':>9} {'F1 as written':>13} {'F1 texting':>10} "
          f"{'labels changed':>14}  " + " ".join(f"{'d ' + s:>8}" for s in short))
    results: dict[str, dict] = {}
    for folder in args.model or [DEFAULT_MODEL_DIR]:
        model = ReplyClassifier.load(model_dir_or_exit(folder))
        for split in splits:
            rows = [r for r in records if r["split"] == split]
            gold = [LABEL2ID[r["label"]] for r in rows]
            texting_replies = [to_texting(r["reply"]) for r in rows]
            written = model.predict_proba([(r.get("disclosure"), r["reply"]) for r in rows], batch_size=64)
            texted = model.predict_proba([(r.get("disclosure"), t) for r, t in zip(rows, texting_replies)], batch_size=64)
            changed = np.array([t != r["reply"] for r, t in zip(rows, texting_replies)])
            flips = float((written.argmax(1) != texted.argmax(1))[changed].mean()) if changed.any() else 0.0
            shift = (texted - written)[changed].mean(axis=0) if changed.any() else np.zeros(len(LABELS))
            f1_written = macro_f1_over_labels(gold, written.argmax(1))
            f1_texted = macro_f1_over_labels(gold, texted.argmax(1))
            name = str(folder)[-28:]
            print(f"{name:<28} {split:<5} {len(rows):>5} {int(changed.sum()):>9} {f1_written:>13.3f} {f1_texted:>10.3f} "
                  f"{flips:>14.1%}  " + " ".join(f"{d:>+8.3f}" for d in shift))
            results[f"{folder}:{split}"] = {
                "n": len(rows), "rewritten": int(changed.sum()), "macro_f1_written": f1_written,
                "macro_f1_texting": f1_texted, "labels_changed": flips,
                "mean_probability_shift": dict(zip(LABELS, map(float, shift))),
            }
    if args.json_out:
        write_json(args.json_out, results)


if __name__ == "__main__":
    main()
