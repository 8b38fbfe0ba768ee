"""Export a fine-tuned torch classifier to ONNX and quantise it to int8 (per-channel).

The export also records, for every torch parameter, which ONNX initializer holds it (and
how it was transposed and quantised), so that ``training.onnx_weights`` can rebuild torch
weights from a shipped ONNX-only model folder and fine-tune it further.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
WRAPPER_PREFIX = "inner."


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
            Wrapper(model).eval(),  # export restores the wrapper's mode onto the model: keep it eval
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


def initializers(path: Path) -> dict[str, np.ndarray]:
    """All initializer tensors of an ONNX file by name."""
    import onnx
    from onnx import numpy_helper

    return {i.name: numpy_helper.to_array(i) for i in onnx.load(str(path)).graph.initializer}


def dequantize(q: np.ndarray, scale: np.ndarray, zero_point: np.ndarray, axis: int | None) -> np.ndarray:
    """Undo linear quantisation: per-tensor (axis None) or per-channel along ``axis`` of a 2-D weight."""
    q = q.astype(np.float32)
    if axis is None:
        return (q - zero_point.astype(np.float32)) * scale
    shape = [1] * q.ndim
    shape[axis] = -1
    return (q - zero_point.astype(np.float32).reshape(shape)) * scale.reshape(shape)


def weight_map(model, fp32: dict[str, np.ndarray], quant: dict[str, np.ndarray]) -> list[dict]:
    """For each torch parameter: its ONNX initializer, transpose flag and quantisation axis.

    Parameters the exporter kept by name are found by name; the others (MatMul weights it
    renamed and transposed) by value. The quantisation axis is the one that reconstructs
    the fp32 weight best; ``max_error`` records how close the reconstruction is.
    """
    by_shape: dict[tuple, list[str]] = {}
    for name, arr in fp32.items():
        by_shape.setdefault(arr.shape, []).append(name)
    entries = []
    for param, tensor in model.state_dict().items():
        value = tensor.detach().cpu().numpy()
        found = None
        if WRAPPER_PREFIX + param in fp32 and np.array_equal(fp32[WRAPPER_PREFIX + param], value):
            found = (WRAPPER_PREFIX + param, False)
        else:
            for transpose in (False, True):
                target = value.T if transpose else value
                for name in by_shape.get(target.shape, []):
                    if np.array_equal(fp32[name], target):
                        found = (name, transpose)
                        break
                if found:
                    break
        if found is None:
            continue  # buffers such as position_ids are rebuilt from the config
        name, transpose = found
        if name in quant:
            entries.append({"param": param, "onnx": name, "transpose": transpose, "axis": None, "quantized": False})
            continue
        # The quantiser stores Gemm weights transposed, under "<name>_Transposed".
        for qname, flipped in ((name, False), (name + "_Transposed", True)):
            if qname + "_quantized" not in quant:
                continue
            reference = fp32[name].T if flipped else fp32[name]
            q, s, z = quant[qname + "_quantized"], quant[qname + "_scale"], quant[qname + "_zero_point"]
            axes = [None] if s.size == 1 else [a for a in range(q.ndim) if q.shape[a] == s.size]
            errors = {a: float(np.abs(dequantize(q, s, z, a) - reference).max()) for a in axes}
            axis = min(errors, key=errors.get)
            entries.append({"param": param, "onnx": qname, "transpose": transpose != flipped, "axis": axis,
                            "quantized": True, "max_error": errors[axis]})
            break
    return entries


def export_quantized(model, out_path: Path) -> list[dict]:
    """Export ``model`` to int8 ONNX at ``out_path``; return the weight map (see ``weight_map``)."""
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.fp32.onnx"
        export_onnx(model, fp32)
        quantize_int8(fp32, out_path)
        return weight_map(model, initializers(fp32), initializers(out_path))
