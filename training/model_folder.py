"""Write a complete model folder (the DESIGN.md contract) from a fine-tuned torch model."""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from analyzer.labels import LABELS
from training.export import export_quantized
from training.metrics import shown_against_target
from training.onnx_weights import WEIGHT_MAP_FILE

CARD_TEMPLATE = Path(__file__).with_name("MODEL_CARD.template.md")
# The target for hard items: the card never rounds a miss onto it.
HARD_MACRO_F1_TARGET = 0.75


def write_json(path: Path, obj: dict) -> None:
    """Write ``obj`` as pretty JSON (UTF-8, trailing newline)."""
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_json_list(path: Path, rows: list[dict]) -> None:
    """Write a list of small objects as JSON, one per line inside the brackets."""
    body = ",\n".join("  " + json.dumps(r, ensure_ascii=False) for r in rows)
    path.write_text("[\n" + body + "\n]\n", encoding="utf-8")


def parse_model_folders(parser: argparse.ArgumentParser, argv: list[str] | None = None) -> argparse.Namespace:
    """Parse ``argv`` with ``parser`` (which has a ``folders`` argument) and check every folder.

    A missing or incomplete model folder is a usage error (exit 2), raised before any
    folder is rewritten.
    """
    from analyzer.model import ModelFolderError, check_model_dir

    args = parser.parse_args(argv)
    for folder in args.folders:
        try:
            check_model_dir(folder)
        except ModelFolderError as exc:
            parser.error(str(exc))
    return args


def save_model_folder(
    out_dir: Path,
    model,
    tokenizer,
    *,
    temperature: float,
    max_length: int,
    base_model: str,
    train_config: dict,
    data_summary: dict,
    metrics: dict,
) -> Path:
    """Write config, int8 ONNX weights, tokenizer, metrics and card to ``out_dir`` atomically.

    The folder is built in a temporary sibling and renamed into place, so a failed run
    never leaves a half-written model where a good one was.
    """
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        write_json_list(tmp / WEIGHT_MAP_FILE, export_quantized(model, tmp / "model.onnx"))
        tokenizer.backend_tokenizer.save(str(tmp / "tokenizer.json"))
        config = {
            "labels": list(LABELS),
            "base_model": base_model,
            "max_length": max_length,
            "temperature": temperature,
            "inputs": "(disclosure, reply) pair, or reply alone",
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "format": "onnx-int8-per-channel",
            "train_config": train_config,
            "training_data": data_summary,
        }
        write_json(tmp / "config.json", config)
        write_json(tmp / "metrics.json", metrics)
        (tmp / "MODEL_CARD.md").write_text(render_model_card(config, metrics), encoding="utf-8")
        if out_dir.exists():
            backup = out_dir.with_name(f".{out_dir.name}.old")
            shutil.rmtree(backup, ignore_errors=True)
            out_dir.rename(backup)
            tmp.rename(out_dir)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            tmp.rename(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir


def _metrics_table(m: dict) -> str:
    rows = ["| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for label, v in m.get("per_label", {}).items():
        rows.append(f"| {label} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']} |")
    return "\n".join(rows)


def _group_table(groups: dict) -> str:
    rows = ["| group | n | accuracy | macro-F1 |", "|---|---|---|---|"]
    for g, v in groups.items():
        rows.append(f"| {g} | {v['n']} | {v['accuracy']:.3f} | {v['macro_f1']:.3f} |")
    return "\n".join(rows)


def _blend_text(config: dict) -> str:
    blend = config.get("lexical_blend")
    if not blend:
        return "Scores: the transformer's alone (no lexical blend)."
    return (
        "Scores: a weighted product of the transformer's calibrated probabilities and those of the "
        "TF-IDF + cue-count logistic regression baseline (`lexical.json` + `lexical.npz`, scored "
        "with numpy), `softmax(((1 - w) log p_transformer + w log p_lexical) / t)` with "
        f"w = {blend['weight']:.2f} (the lowest dev NLL of the weights 0-0.8) and t = {blend['temperature']:.3f}."
    )


def _transformer_only_text(metrics: dict) -> str:
    alone = metrics.get("test_transformer_only")
    if not alone:
        return ""
    hard = alone.get("hard_macro_f1")
    hard_text = f", hard items {hard:.3f}" if hard is not None else ""
    return f"The transformer alone (no blend): macro-F1 {alone['macro_f1']:.3f}{hard_text}, ECE {alone['ece']:.3f}. "


def _distillation_text(train_config: dict) -> str:
    """The card's sentence on knowledge distillation ("" when the model was trained on labels alone)."""
    weight = float(train_config.get("distill_weight") or 0.0)
    if weight <= 0:
        return ""
    extra = train_config.get("extra") or {}
    teachers = extra.get("teacher", "a teacher model")
    shas = extra.get("teacher_model_sha256")
    if isinstance(teachers, str):
        teachers, shas = [teachers], [shas]
    shas = shas if isinstance(shas, list) and len(shas) == len(teachers) else [None] * len(teachers)
    idents = "; ".join(f"`{t}`" + (f", model.onnx SHA-256 {sha[:12]}..." if sha else "") for t, sha in zip(teachers, shas))
    whose = (f"a teacher model ({idents})" if len(teachers) == 1
             else f"an ensemble teacher, the mean of {len(teachers)} models ({idents}),")
    return (f"\n  Knowledge distillation: each training target was {1 - weight:.0%} the label and {weight:.0%} "
            f"the calibrated transformer scores of {whose} for the same input.")


def _precision_text(train_config: dict) -> str:
    """The card's sentence on bfloat16 training ("" for a float32 run)."""
    if not train_config.get("bf16"):
        return ""
    return ("\n  Fine-tuned with the forward pass under bfloat16 autocast (`--bf16`); weights, gradients, "
            "optimizer state, dev selection and this export are float32.")


def render_model_card(config: dict, metrics: dict) -> str:
    """Fill the model card template with the config and the evaluation the folder ships with."""
    test = metrics.get("test", {})
    baseline = metrics.get("baseline_test", {})
    fields = {
        "created": config["created"],
        "base_model": config["base_model"],
        "max_length": config["max_length"],
        "temperature": f"{config['temperature']:.3f}",
        "logit_bias": "[" + ", ".join(f"{b:+.2f}" for b in config.get("logit_bias") or [0.0] * len(LABELS)) + "]",
        "training_data": json.dumps(config["training_data"], indent=2),
        "train_config": json.dumps(config["train_config"], indent=2),
        "test_n": test.get("n", 0),
        "test_macro_f1": f"{test.get('macro_f1', 0):.3f}",
        "test_accuracy": f"{test.get('accuracy', 0):.3f}",
        "test_ece": f"{metrics.get('test_ece', 0):.3f}",
        "hard_macro_f1": shown_against_target(metrics.get("test_hard", {}).get("macro_f1", 0), HARD_MACRO_F1_TARGET),
        "baseline_macro_f1": f"{baseline.get('macro_f1', 0):.3f}" if baseline else "n/a",
        "blend": _blend_text(config),
        "distillation": _distillation_text(config.get("train_config") or {}),
        "precision": _precision_text(config.get("train_config") or {}),
        "transformer_only": _transformer_only_text(metrics),
        "per_label_table": _metrics_table(test),
        "per_source_table": _group_table(metrics.get("test_by_source", {})),
        "per_style_table": _group_table(metrics.get("test_by_style", {})),
    }
    return CARD_TEMPLATE.read_text(encoding="utf-8").format(**fields)


if __name__ == "__main__":  # python -m training.model_folder models/default  (re-render MODEL_CARD.md)
    import sys

    for arg in sys.argv[1:]:
        folder = Path(arg)
        cfg = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        met = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
        (folder / "MODEL_CARD.md").write_text(render_model_card(cfg, met), encoding="utf-8")
        print(f"{folder / 'MODEL_CARD.md'} rewritten")
