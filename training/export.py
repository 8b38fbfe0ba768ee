"""Export a fine-tuned torch classifier to ONNX and quantise it to int8 (per-channel)."""

from __future__ import annotations

import tempfile
from pathlib import Path

ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def export_onnx(model, out_path: Path, opset: int = 17) -> None:
    """Write ``model`` (a BERT-style sequence classifier) as fp32 ONNX with dynamic batch/length."""
    import torch

    class Wrapper(torch.nn.Module):
        """Passes positional ONNX inputs to the HF model as keyword arguments."""

        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).logits

    model.eval()
    # A padded second row, so tracing sees a real attention mask (not an all-ones shortcut).
    ids = torch.tensor([[101, 2023, 2003, 1037, 3231, 102, 2009, 102], [101, 7592, 102, 0, 0, 0, 0, 0]])
    mask = (ids != 0).long()
    types = torch.tensor([[0, 0, 0, 0, 0, 0, 1, 1], [0, 0, 0, 0, 0, 0, 0, 0]])
    dummy = (ids, mask, types)
    axes = {name: {0: "batch", 1: "sequence"} for name in ONNX_INPUTS}
    axes["logits"] = {0: "batch"}
    with torch.inference_mode():
        torch.onnx.export(
            Wrapper(model),
            dummy,
            str(out_path),
            input_names=list(ONNX_INPUTS),
            output_names=["logits"],
            dynamic_axes=axes,
            opset_version=opset,
            do_constant_folding=True,
            dynamo=False,
        )


def quantize_int8(fp32_path: Path, out_path: Path) -> None:
    """Dynamic int8 quantisation with per-channel weights (onnxruntime.quantization)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32_path), str(out_path), per_channel=True, weight_type=QuantType.QInt8)


def export_quantized(model, out_path: Path) -> None:
    """Export ``model`` to an int8 ONNX file at ``out_path`` (the fp32 file is temporary)."""
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.fp32.onnx"
        export_onnx(model, fp32)
        quantize_int8(fp32, out_path)
