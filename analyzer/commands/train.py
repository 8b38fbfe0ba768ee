"""`reply-analyzer train`: fine-tune a model folder on your own labelled data."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from analyzer.commands.common import UserError, user_errors
from training.pair_classifier import POOLINGS


# The classifier heads as CLI choices (training.pair_classifier imports nothing heavy).
Pooling = Enum("Pooling", [(p, p) for p in POOLINGS], type=str)


def split_user_records(records: list[dict]) -> dict[str, list[dict]]:
    """Honour each record's ``split``; records without one are split by a hash of the reply."""
    from training.data import split_for

    out: dict[str, list[dict]] = {"train": [], "dev": [], "test": []}
    for r in records:
        out[r.get("split") or split_for(r["reply"])].append(r)
    return out


def check_base(base: Path) -> None:
    """UserError unless ``base`` is an HF encoder folder or an exported model folder of ours."""
    from training.onnx_weights import WEIGHT_MAP_FILE, has_weight_map

    if has_weight_map(base):
        return
    if not (base / "config.json").is_file():
        raise UserError(f"--base {base}: not a model folder (no config.json)")
    if not any((base / n).is_file() for n in ("model.safetensors", "pytorch_model.bin")):
        raise UserError(
            f"--base {base}: no weights to fine-tune (expected model.safetensors, or model.onnx with {WEIGHT_MAP_FILE} "
            "as written by `reply-analyzer train`)"
        )


def train_from_files(
    data: list[Path],
    out: Path,
    base: Path | None = None,
    epochs: float = 3.0,
    seed: int = 13,
    with_default_corpus: bool = False,
    on_step=None,
    soft_labels: bool = False,
    label_offsets: bool = False,
    soup: int = 1,
    freeze_word_embeddings: bool = False,
    pooling: str = "cls",
    lexical_blend: bool = True,
    teacher: Path | list[Path] | None = None,
    distill_weight: float = 0.5,
    patience: int = 4,
    bf16: bool = False,
) -> dict:
    """Validate the files, build splits, fine-tune, write ``out``; return the metrics dict."""
    from training.finetune import TrainConfig
    from training.labelled_files import read_labelled
    from training.train import train_model

    records = read_labelled(data)  # all-or-nothing validation before any training
    splits = split_user_records(records)
    if with_default_corpus:
        from training.data import corpus_records

        for r in corpus_records():
            splits[r["split"]].append(r)
    if not splits["train"]:
        raise UserError("no training records after splitting; add more data or mark records with \"split\": \"train\"")
    if base is not None:
        check_base(base)
    from training.distill import check_teacher, teacher_record, with_teacher_targets

    teacher = teacher or None  # an empty list of teachers means no distillation
    if teacher is not None:
        from analyzer.model import ModelFolderError

        try:
            check_teacher(teacher, distill_weight)
        except ModelFolderError as err:
            raise UserError(f"--teacher: {err}") from None
        except ValueError as err:
            raise UserError(str(err)) from None
        splits["train"] = with_teacher_targets(teacher, splits["train"])

    config = TrainConfig(epochs=epochs, seed=seed, soft_labels=soft_labels, soup=soup,
                         freeze_word_embeddings=freeze_word_embeddings, pooling=pooling,
                         distill_weight=distill_weight if teacher is not None else 0.0,
                         patience=patience, bf16=bf16,
                         extra=teacher_record(teacher) if teacher is not None else {})
    return train_model(
        splits["train"], splits["dev"], splits["test"], out, config, base=base, on_step=on_step, label_offsets=label_offsets,
        lexical_blend=lexical_blend,
    )


def train(
    data: Annotated[list[Path], typer.Option("--data", help="Labelled JSONL/CSV file (repeat for more).")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the trained model to.")],
    base: Annotated[Optional[Path], typer.Option("--base", help="Start from this model: a folder written by `train` (e.g. models/default) or a Hugging Face encoder (default: packaged all-MiniLM-L6-v2).")] = None,
    epochs: Annotated[float, typer.Option("--epochs", min=0.01)] = 3.0,
    seed: Annotated[int, typer.Option("--seed")] = 13,
    with_default_corpus: Annotated[bool, typer.Option("--with-default-corpus", help="Merge the project corpus (needs ../shared/data).")] = False,
    soft_labels: Annotated[bool, typer.Option("--soft-labels", help="Where a record has several annotators' labels (\"votes\": [...]), train towards their shares.")] = False,
    label_offsets: Annotated[bool, typer.Option("--label-offsets", help="Calibrate per-label offsets on dev as well as a temperature (for training data whose label mix differs from dev's).")] = False,
    soup: Annotated[int, typer.Option("--soup", min=1, help="Train this many runs from the same start (different data order) and average their weights where that scores at least as well on dev; N times the training time.")] = 1,
    freeze_word_embeddings: Annotated[bool, typer.Option("--freeze-word-embeddings", help="Keep the pretrained word-embedding matrix fixed (about 14% faster steps; the shipped model was trained this way).")] = False,
    lexical_blend: Annotated[bool, typer.Option("--lexical-blend/--no-lexical-blend", help="Blend the transformer with the TF-IDF + cue baseline at the weight the dev split chooses (needs dev and test splits; the shipped model is blended).")] = True,
    pooling: Annotated[Pooling, typer.Option("--pooling", case_sensitive=False, help="Classifier head for a new model: the [CLS] pooler, or the mean of the token vectors (the packaged encoder's own pooling). A --base model folder keeps its head.")] = Pooling("cls"),
    teacher: Annotated[Optional[list[Path]], typer.Option("--teacher", metavar="DIR", help="Also train towards this model folder's scores (knowledge distillation; e.g. models/default keeps what the shipped model knows while it learns your labels). Repeat it to train towards the mean of several models' scores.")] = None,
    distill_weight: Annotated[float, typer.Option("--distill-weight", help="With --teacher: share of each training target taken from the teacher's scores.")] = 0.5,
    patience: Annotated[int, typer.Option("--patience", min=0, help="Stop after this many dev evaluations (every 250 steps) without a better macro-F1; 0 trains to the end.")] = 4,
    bf16: Annotated[bool, typer.Option("--bf16", help="Run the training forward pass in bfloat16 (up to about 2x faster on CPUs with avx512_bf16 or AMX, slower on others); weights and the exported model stay float32.")] = False,
) -> None:
    """Fine-tune the classifier on labelled data and write a complete model folder."""
    from rich.console import Console

    with user_errors():
        try:
            import torch  # noqa: F401
            import transformers  # noqa: F401
        except ImportError:
            raise UserError("training needs the 'train' extras: pip install torch==2.13.0 'reply-analyzer[train]'") from None
        from training.train import _rich_progress

        on_step, progress = _rich_progress()
        with progress:
            metrics = train_from_files(data, out, base, epochs, seed, with_default_corpus, on_step, soft_labels, label_offsets, soup,
                                       freeze_word_embeddings, pooling.value, lexical_blend, teacher, distill_weight,
                                       patience, bf16)
    console = Console()
    test = metrics.get("test")
    if test:
        console.print(f"test macro-F1 {test['macro_f1']:.3f} (n={test['n']}), ECE {metrics['test_ece']:.3f}")
    console.print(f"model written to {out}")
