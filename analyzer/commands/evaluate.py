"""`reply-analyzer evaluate`: metrics of a model folder on labelled data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from analyzer.commands.common import UserError, print_json, user_errors
from analyzer.labels import LABELS


def evaluate_files(data: list[Path], model_dir: Path | None = None) -> dict:
    """DESIGN.md metrics (+ per source, hard items, ECE, baseline when the folder has one, and the
    transformer alone when the folder blends the two)."""
    from analyzer.model import resolve_model_dir
    from training.evaluate import evaluate_model
    from training.labelled_files import read_labelled

    records = read_labelled(data)
    result = evaluate_model(model_dir, records)
    folder = resolve_model_dir(model_dir)
    from training.baseline import BASELINE_FILE

    if "baseline" not in result and (folder / BASELINE_FILE).is_file():
        from training.baseline import Baseline
        from training.evaluate import metrics_from_probs

        probs = Baseline.load(folder).predict_proba([r["reply"] for r in records])
        b = metrics_from_probs(records, probs)
        result["baseline"] = {k: b[k] for k in ("n", "accuracy", "macro_f1", "per_label")}
    return result


def print_report(result: dict) -> None:
    """Tables: per-label metrics, confusion matrix, per-source breakdown."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    line = f"n={result['n']}  accuracy {result['accuracy']:.3f}  macro-F1 {result['macro_f1']:.3f}  ECE {result['ece']:.3f}"
    parts = [f"{name} macro-F1 {result[key]['macro_f1']:.3f}" for key, name in (("transformer_only", "transformer alone"), ("baseline", "baseline")) if key in result]
    if parts:
        line += f"   ({'; '.join(parts)})"
    console.print(line)
    t = Table(title="per label")
    for col in ("label", "precision", "recall", "F1", "support"):
        t.add_column(col, justify="right" if col != "label" else "left")
    for label, v in result["per_label"].items():
        t.add_row(label, f"{v['precision']:.3f}", f"{v['recall']:.3f}", f"{v['f1']:.3f}", str(v["support"]))
    console.print(t)
    c = Table(title="confusion (rows gold, columns predicted)")
    c.add_column("gold \\ pred")
    for label in LABELS:
        c.add_column(label, justify="right")
    for label, row in zip(LABELS, result["confusion"]):
        c.add_row(label, *map(str, row))
    console.print(c)
    s = Table(title="per source")
    for col in ("source", "n", "accuracy", "macro-F1"):
        s.add_column(col, justify="right" if col != "source" else "left")
    for src, v in result["by_source"].items():
        s.add_row(src, str(v["n"]), f"{v['accuracy']:.3f}", f"{v['macro_f1']:.3f}")
    console.print(s)


def evaluate(
    data: Annotated[list[Path], typer.Option("--data", help="Labelled JSONL/CSV file (repeat for more).")],
    model: Annotated[Optional[Path], typer.Option("--model", help="Model folder (default: the shipped model).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON.")] = False,
) -> None:
    """Evaluate a model folder on labelled data: per label, per source, confusion matrix."""
    with user_errors():
        try:
            import sklearn  # noqa: F401
        except ImportError:
            raise UserError("evaluate needs the 'train' extras: pip install torch==2.13.0 'reply-analyzer[train]'") from None
        result = evaluate_files(data, model)
    if as_json:
        print_json(result)
    else:
        print_report(result)
