"""Batch inference throughput: our ONNX int8 classifier vs a bare torch fp32 forward pass.

Both sides get the same ~1000 (disclosure, reply) pairs from the repo's authored data (half
with the disclosure) and the same tokeniser (the model folder's ``tokenizer.json``, truncation
to the folder's ``max_length``), and both include tokenisation and softmax. The torch side is
``AutoModelForSequenceClassification`` built from ``training.finetune.base_encoder_dir()``
(the base MiniLM with a fresh 4-way head: the same compute as the fine-tuned model) under
``torch.inference_mode()`` with torch's default threads, in length-sorted batches padded to
their longest pair. ``ReplyClassifier`` runs every pair alone and unpadded (so a pair's
scores never depend on its batch; see :mod:`analyzer.model`), one onnxruntime thread per
pair and one pair per usable core at a time; its "batch" only bounds how many pairs are
tokenised together. Target: ONNX/torch >= 1.0x. Also shown: batch size 1 on the first 48
pairs (interactive use), and ONNX with a single worker (one core).

The ONNX rows time the pair encoder (``ReplyClassifier.transformer_proba``), the part with
the same compute as the torch side. A folder that blends a lexical model also gets the row
"+ lexical blend": ``predict_proba`` with each reply's cue counts given, as the analyzer
passes them (it parses every reply with spaCy for the cue spans anyway), so the row shows
what the blend itself adds.

If the model folder also holds a torch checkpoint (``model.safetensors``), the argmax
agreement between the ONNX int8 model and that fp32 model is printed; otherwise that line
is skipped (shipped folders normally hold only ``model.onnx``).

Run: ``.venv/bin/python benchmarks/inference_throughput.py [--n 1000] [--batch-size 32]
[--repeats 3] [--model DIR] [--json FILE]``
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from collections.abc import Callable, Sequence

import numpy as np

from _common import Pair, add_common_args, classifier_variant, machine_line, median, model_dir_or_exit, print_table, sample_pairs, write_json

TARGET_RATIO = 1.0
SMALL_BATCH_N = 48  # pairs for the batch-size-1 rows (latency-like use)


def length_order(pairs: Sequence[Pair]) -> list[int]:
    """Pair indices by character length: the torch side's batches, so each pads little."""
    return sorted(range(len(pairs)), key=lambda i: len(pairs[i][1]) + len(pairs[i][0] or ""))


class TorchClassifier:
    """A torch fp32 sequence classifier with ReplyClassifier's tokenizer, in length-sorted padded batches."""

    def __init__(self, model, tokenizer, temperature: float) -> None:
        from tokenizers import Tokenizer

        self.model = model.eval()
        # A copy that pads each batch to its longest pair (ReplyClassifier runs pairs unpadded).
        self.tokenizer = Tokenizer.from_str(tokenizer.to_str())
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.temperature = temperature

    def predict_proba(self, pairs: Sequence[Pair], batch_size: int = 32) -> np.ndarray:
        import torch

        from analyzer.model import softmax

        out = np.zeros((len(pairs), 4), dtype=np.float32)
        order = length_order(pairs)
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                idx = order[start : start + batch_size]
                enc = self.tokenizer.encode_batch([(d, r) if d else r for d, r in (pairs[i] for i in idx)])
                logits = self.model(
                    input_ids=torch.tensor([e.ids for e in enc], dtype=torch.long),
                    attention_mask=torch.tensor([e.attention_mask for e in enc], dtype=torch.long),
                    token_type_ids=torch.tensor([e.type_ids for e in enc], dtype=torch.long),
                ).logits
                out[idx] = softmax(logits.float().numpy(), self.temperature)
        return out


def load_torch_model(checkpoint: str | None = None):
    """The base encoder with a 4-way head; with ``checkpoint`` (safetensors) its fine-tuned weights."""
    from transformers import AutoModelForSequenceClassification
    from transformers.utils import logging as hf_logging

    from training.finetune import base_encoder_dir

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    model = AutoModelForSequenceClassification.from_pretrained(str(base_encoder_dir()), num_labels=4)
    if checkpoint:
        from safetensors.torch import load_file

        model.load_state_dict(load_file(checkpoint))
    return model.eval()


def throughput(predict: Callable[[Sequence[Pair], int], np.ndarray], pairs: Sequence[Pair], batch_size: int) -> float:
    """Pairs per second for one pass of ``predict(pairs, batch_size)``."""
    start = time.perf_counter()
    predict(pairs, batch_size)
    return len(pairs) / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    parser.add_argument("--n", type=int, default=1000, help="pairs (default 1000)")
    parser.add_argument("--batch-size", type=int, default=32, help="batch size of the headline row (default 32)")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes per engine; the median is shown")
    args = parser.parse_args(argv)
    model_dir = model_dir_or_exit(args.model)
    logging.getLogger("transformers").setLevel(logging.ERROR)

    import torch

    from analyzer.model import ReplyClassifier

    onnx = ReplyClassifier.load(model_dir)
    onnx_1w = classifier_variant(onnx, workers=1)
    torch_clf = TorchClassifier(load_torch_model(), onnx._tokenizer, onnx.config.temperature)
    pairs = sample_pairs(args.n, seed=3)
    small = pairs[:SMALL_BATCH_N]
    tokens = [len(e.ids) for e in onnx._tokenizer.encode_batch([(d, r) if d else r for d, r in pairs])]

    print(machine_line())
    print(f"model: {model_dir} (max_length {onnx.config.max_length}); torch {torch.__version__}, "
          f"torch threads {torch.get_num_threads()}, ReplyClassifier workers {onnx.workers} ({os.cpu_count()} cores)")
    print(f"pairs: {len(pairs)} ({sum(1 for d, _ in pairs if d)} with disclosure), tokens per pair "
          f"median {int(np.median(tokens))}, max {max(tokens)}; torch batches sorted by length, ONNX pairs run alone")

    engines: dict[str, Callable[[Sequence[Pair], int], np.ndarray]] = {
        "ONNX int8 (ReplyClassifier)": onnx.transformer_proba,
        "ONNX int8, 1 worker": onnx_1w.transformer_proba,
        "torch fp32 (base encoder)": torch_clf.predict_proba,
    }
    if onnx.lexical is not None:
        from analyzer.lexical import reply_cue_counts

        cues = dict(zip((r for _, r in pairs), reply_cue_counts([r for _, r in pairs]), strict=False))

        def blended(subset: Sequence[Pair], batch_size: int) -> np.ndarray:
            return onnx.predict_proba(subset, batch_size, cue_counts=[cues[r] for _, r in subset])

        engines["ONNX int8 + lexical blend (cues given)"] = blended
    configs = [(args.batch_size, pairs), (1, small)]
    for predict in engines.values():  # warm-up: allocations, thread pools
        predict(pairs[:64], args.batch_size)
    rates: dict[tuple[str, int], list[float]] = {(e, b): [] for e in engines for b, _ in configs}
    for _ in range(args.repeats):  # interleaved so background load hits every engine alike
        for batch_size, subset in configs:
            for name, predict in engines.items():
                rates[(name, batch_size)].append(throughput(predict, subset, batch_size))

    rows = []
    for batch_size, subset in configs:
        base = median(rates[("torch fp32 (base encoder)", batch_size)])
        for name in engines:
            r = median(rates[(name, batch_size)])
            rows.append([name, str(batch_size), str(len(subset)), f"{r:.1f}", f"{1000 / r:.2f}", f"{r / base:.2f}x"])
    print(f"\nThroughput, median of {args.repeats} passes (tokenisation + forward + softmax):")
    print_table(["engine", "batch", "pairs", "pairs/s", "ms/pair", "vs torch"], rows)
    onnx_rate = median(rates[("ONNX int8 (ReplyClassifier)", args.batch_size)])
    torch_rate = median(rates[("torch fp32 (base encoder)", args.batch_size)])
    ratio = onnx_rate / torch_rate
    print(f"\nONNX int8 / torch fp32 at batch {args.batch_size}: {ratio:.2f}x "
          f"(target >= {TARGET_RATIO:.1f}x: {'PASS' if ratio >= TARGET_RATIO else 'FAIL'})")

    agreement = None
    checkpoint = model_dir / "model.safetensors"
    if checkpoint.is_file():
        tuned = TorchClassifier(load_torch_model(str(checkpoint)), onnx._tokenizer, onnx.config.temperature)
        a = onnx.transformer_proba(pairs, args.batch_size).argmax(1)
        b = tuned.predict_proba(pairs, args.batch_size).argmax(1)
        agreement = float((a == b).mean())
        print(f"argmax agreement, ONNX int8 vs the folder's fp32 checkpoint: {agreement:.1%} of {len(pairs)} pairs")
    else:
        print("argmax agreement vs fp32: skipped (no model.safetensors in the model folder)")

    result = {
        "n": len(pairs),
        "batch_size": args.batch_size,
        "onnx_int8_pairs_per_s": round(onnx_rate, 1),
        "torch_fp32_pairs_per_s": round(torch_rate, 1),
        "ratio": round(ratio, 3),
        "rates": {f"{e} @ {b}": round(median(v), 1) for (e, b), v in rates.items()},
        "argmax_agreement": agreement,
        "pass": ratio >= TARGET_RATIO,
    }
    write_json(args.json_out, result)
    return result


if __name__ == "__main__":
    main()
