"""bfloat16 autocast training (TrainConfig.bf16) and the CPU check behind its warning."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.labels import LABELS
from tests.tiny_examples import EXAMPLES
from training.finetune import TrainConfig, cpu_has_native_bf16

X86_WITH = "processor\t: 0\nflags\t\t: fpu sse2 avx512f avx512_bf16 avx512_vnni\n\nprocessor\t: 1\nflags\t\t: fpu\n"
X86_AMX = "flags\t\t: fpu avx2 amx_tile amx_bf16 amx_int8\n"
X86_WITHOUT = "flags\t\t: fpu sse2 avx2 avx512f avx512_vnni\n"
ARM_WITH = "Features\t: fp asimd bf16 i8mm\n"
ARM_WITHOUT = "Features\t: fp asimd evtstrm\n"


@pytest.mark.parametrize(
    ("cpuinfo", "native"),
    [(X86_WITH, True), (X86_AMX, True), (X86_WITHOUT, False), (ARM_WITH, True), (ARM_WITHOUT, False), ("", False),
     ("model name\t: some cpu with bf16 in its name\n", False)],
)
def test_native_bf16_is_read_from_the_flags_lines_only(cpuinfo, native):
    assert cpu_has_native_bf16(cpuinfo) is native


def test_the_model_card_says_when_a_model_was_trained_in_bf16():
    from training.model_folder import _precision_text

    assert "bfloat16" in _precision_text({"bf16": True})
    assert _precision_text({"bf16": False}) == _precision_text({}) == ""


def _train(**config):
    from training.finetune import finetune, predict_logits

    records = [{"disclosure": d, "reply": r, "label": l} for d, r, l in EXAMPLES]
    base = dict(epochs=25, batch_size=8, learning_rate=3e-4, disclosure_dropout=0.0, eval_every=1000, warmup_ratio=0.0)
    result = finetune(records, [], TrainConfig(**{**base, **config}))
    logits = predict_logits(result.model, result.tokenizer, [(d, r) for d, r, _ in EXAMPLES], 64)
    return result, logits


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:bf16 training on a CPU")
def test_bf16_training_overfits_and_keeps_float32_weights():
    import torch

    result, logits = _train(bf16=True)
    assert [LABELS[i] for i in logits.argmax(1)] == [l for _, _, l in EXAMPLES]
    assert {p.dtype for p in result.model.parameters()} == {torch.float32}


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:bf16 training on a CPU")
def test_bf16_changes_the_updates_of_an_otherwise_identical_run():
    # Same seed and data: only the autocast differs (float32 runs repeat bit for bit, see
    # test_distill), so any difference beyond rounding of the logits comes from bf16.
    _, bf16_logits = _train(bf16=True, epochs=2)
    _, fp32_logits = _train(bf16=False, epochs=2)
    assert np.abs(bf16_logits - fp32_logits).max() > 1e-4
