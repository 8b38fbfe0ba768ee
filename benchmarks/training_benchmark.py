"""Fine-tuning time: the recorded full run of the shipped model, and a short re-measurement.

    python benchmarks/training_benchmark.py            # recorded figures + 40 timed steps now
    python benchmarks/training_benchmark.py --steps 0  # recorded figures only
    python benchmarks/training_benchmark.py --compare-grouping  # length-grouped vs random batches
    python benchmarks/training_benchmark.py --compare-bf16      # also the other precision (bf16 / float32)

The full fine-tune is `make model` (python -m training.train --out models/default); its
wall time is written to models/default/metrics.json as train_seconds. Target: <= 30 min
on the 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def measure_steps(steps: int, group_by_length: bool = True, bf16: bool = False, freeze_word_embeddings: bool = False) -> float:
    """Seconds per optimisation step (batch 16, dynamic padding) on a seeded sample of train pairs."""
    import random

    from training.data import corpus_records
    from training.finetune import TrainConfig, finetune

    train = [r for r in corpus_records() if r["split"] == "train"]
    records = random.Random(0).sample(train, min(len(train), steps * 16))
    config = TrainConfig(epochs=1.0, eval_every=10**9, group_by_length=group_by_length, bf16=bf16,
                         freeze_word_embeddings=freeze_word_embeddings)
    started = time.perf_counter()
    finetune(records, [], config)
    return (time.perf_counter() - started) / max(1, len(records) // 16)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=REPO / "models" / "default")
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--compare-grouping", action="store_true", help="also time batches not grouped by length")
    parser.add_argument("--compare-bf16", action="store_true",
                        help="also time steps in the other precision than the model's (float32 or bfloat16 autocast)")
    args = parser.parse_args()
    metrics = json.loads((args.model / "metrics.json").read_text())
    config = json.loads((args.model / "config.json").read_text())
    n_train = config["training_data"]["train"]
    rows = [
        ("recorded full fine-tune (make model)", f"{metrics['train_seconds'] / 60:.1f} min", "<= 30 min"),
        ("  steps / train pairs / epochs", f"{metrics['steps']} / {n_train} / {config['train_config']['epochs']}", ""),
    ]
    if args.steps:
        # Time steps the way the model was trained (precision, frozen word embeddings).
        shipped = config["train_config"]
        bf16, frozen = bool(shipped.get("bf16")), bool(shipped.get("freeze_word_embeddings"))
        precision = {True: "bfloat16 autocast", False: "float32"}
        per_step = measure_steps(args.steps, bf16=bf16, freeze_word_embeddings=frozen)
        rows.append((f"seconds per step now ({args.steps} steps, batch 16, {precision[bf16]})", f"{per_step:.2f} s", ""))
        if args.compare_grouping:
            ungrouped = measure_steps(args.steps, group_by_length=False, bf16=bf16, freeze_word_embeddings=frozen)
            rows.append(("  same, batches not grouped by length", f"{ungrouped:.2f} s", f"{ungrouped / per_step:.2f}x slower"))
        other = None
        if args.compare_bf16:
            from training.finetune import cpu_has_native_bf16

            other = measure_steps(args.steps, bf16=not bf16, freeze_word_embeddings=frozen)
            native = "native bf16" if cpu_has_native_bf16() else "no native bf16"
            rows.append((f"  same, {precision[not bf16]} ({native})", f"{other:.2f} s", f"{per_step / other:.2f}x the speed"))
        rows.append(("  => full run estimate at this speed", f"{per_step * metrics['steps'] / 60:.1f} min", "<= 30 min"))
        if other is not None:
            rows.append((f"  => same, {precision[not bf16]}", f"{other * metrics['steps'] / 60:.1f} min", "<= 30 min"))
    rows.append(("load average (1 min)", f"{os.getloadavg()[0]:.2f}", "2 cores"))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>18}  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>18}  {target}")


if __name__ == "__main__":
    main()
