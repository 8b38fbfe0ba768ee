"""Compare two model folders on the same project split, with paired bootstrap intervals.

    python benchmarks/compare_models.py OLD_DIR NEW_DIR [--split test|dev|both]

Prints macro-F1 of each and NEW minus OLD, overall and on hard items, with a 95% paired
bootstrap interval of the difference (both models scored on the same resampled items),
and how often the two agree. An interval that contains 0 means the split cannot tell the
two apart. Needs ../shared/data. Use it to compare a retrained or fine-tuned model with
the shipped one (e.g. an older `models/default` checked out with `git worktree`).
"""

from __future__ import annotations

import argparse
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--split", default="both", choices=["dev", "test", "both"])
    args = parser.parse_args()

    from analyzer.labels import LABEL2ID
    from analyzer.model import ModelFolderError, ReplyClassifier
    from training.data import corpus_records
    from training.metrics import macro_f1_over_labels, paired_bootstrap_macro_f1_delta

    try:
        models = [ReplyClassifier.load(args.old), ReplyClassifier.load(args.new)]
    except ModelFolderError as exc:
        parser.error(str(exc))
    records = corpus_records()
    print(f"old {args.old}\nnew {args.new}")
    print(f"{'split':<6} {'items':<6} {'n':>5}  {'old':>6}  {'new':>6}  {'new-old':>8}  {'95% CI of difference':>22}  agree")
    for split in (["dev", "test"] if args.split == "both" else [args.split]):
        rows = [r for r in records if r["split"] == split]
        pairs = [(r.get("disclosure"), r["reply"]) for r in rows]
        old, new = (m.predict_proba(pairs, batch_size=64).argmax(axis=1) for m in models)
        gold = [LABEL2ID[r["label"]] for r in rows]
        for items, idx in (("all", range(len(rows))), ("hard", [i for i, r in enumerate(rows) if r.get("hard")])):
            idx = list(idx)
            g, a, b = [gold[i] for i in idx], [old[i] for i in idx], [new[i] for i in idx]
            delta, low, high = paired_bootstrap_macro_f1_delta(g, a, b)
            f1_old = macro_f1_over_labels(g, a)
            agree = sum(x == y for x, y in zip(a, b)) / max(len(idx), 1)
            print(f"{split:<6} {items:<6} {len(idx):>5}  {f1_old:>6.3f}  {f1_old + delta:>6.3f}  {delta:>+8.3f}  "
                  f"{f'[{low:+.3f}, {high:+.3f}]':>22}  {agree:.1%}")


if __name__ == "__main__":
    main()
