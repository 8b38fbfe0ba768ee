"""Does a pair's score depend on the other pairs scored with it? (It must not.)

Scores the dev split (or ``--split test``) with ``ReplyClassifier.batch_logits`` at several
batch sizes and compares each run with batch size 1: the largest logit difference, the share
of pairs whose label changes, and the macro-F1 (transformer alone, calibrated). The int8
encoder quantises activations per tensor, so an encoder run on padded batches gives every
pair a scale shared with its neighbours; ``analyzer.model`` therefore runs each pair alone,
and this script should print a difference of 0 and 100% agreement for every batch size.
Needs ../shared/data.

Run: ``.venv/bin/python benchmarks/batch_invariance.py [--model DIR] [--split dev|test]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from _common import machine_line, model_dir_or_exit, print_table

BATCH_SIZES = (1, 8, 32, 64)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model folder (default: the shipped model)")
    parser.add_argument("--split", default="dev", choices=["dev", "test"])
    args = parser.parse_args(argv)
    model_dir = model_dir_or_exit(args.model)

    from analyzer.model import ReplyClassifier, softmax
    from training.data import corpus_records
    from training.evaluate import metrics_from_probs

    records = [r for r in corpus_records() if r["split"] == args.split]
    pairs = [(r.get("disclosure"), r["reply"]) for r in records]
    clf = ReplyClassifier.load(model_dir)
    print(machine_line())
    print(f"model: {model_dir}; {args.split} split, {len(pairs)} pairs")
    rows, result = [], {}
    reference = None
    for batch_size in BATCH_SIZES:
        start = time.perf_counter()
        logits = clf.batch_logits(pairs, batch_size=batch_size)
        seconds = time.perf_counter() - start
        reference = logits if reference is None else reference
        probs = softmax(logits, clf.config.temperature, clf.config.logit_bias)
        m = metrics_from_probs(records, probs)
        diff = float(np.abs(logits - reference).max())
        agree = float((logits.argmax(1) == reference.argmax(1)).mean())
        hard = m.get("hard", {}).get("macro_f1", float("nan"))
        rows.append([str(batch_size), f"{diff:.3f}", f"{agree:.2%}", f"{m['macro_f1']:.3f}", f"{hard:.3f}", f"{seconds:.1f}"])
        result[batch_size] = {"max_logit_diff": diff, "label_agreement": agree, "macro_f1": m["macro_f1"], "hard_macro_f1": hard}
    print_table(["batch", "max |logit diff| vs batch 1", "labels as batch 1", "macro-F1", "hard", "seconds"], rows)
    invariant = all(v["max_logit_diff"] == 0.0 for v in result.values())
    print(f"\nscores independent of the batch: {'yes' if invariant else 'NO'}")
    return result


if __name__ == "__main__":
    main()
