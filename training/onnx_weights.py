"""Rebuild torch weights from a model folder's int8 ONNX file (to fine-tune a shipped model).

The shipped folder holds no torch checkpoint (it would triple its size). Its
``weights.json`` (written at export) says which ONNX initializer holds each parameter;
dequantising them gives int8-precision weights, a close starting point for fine-tuning.
"""

from __future__ import annotations

import json
from pathlib import Path

from training.export import dequantize, initializers

WEIGHT_MAP_FILE = "weights.json"


def has_weight_map(folder: Path) -> bool:
    """True when ``folder`` is an exported model folder whose ONNX weights can be recovered."""
    return (folder / WEIGHT_MAP_FILE).is_file() and (folder / "model.onnx").is_file()


def state_dict_from_onnx(folder: Path) -> dict:
    """Torch state dict (float32 tensors) recovered from ``folder/model.onnx``."""
    import torch

    entries = json.loads((folder / WEIGHT_MAP_FILE).read_text(encoding="utf-8"))
    inits = initializers(folder / "model.onnx")
    state = {}
    for e in entries:
        if e["quantized"]:
            n = e["onnx"]
            arr = dequantize(inits[n + "_quantized"], inits[n + "_scale"], inits[n + "_zero_point"], e["axis"])
        else:
            arr = inits[e["onnx"]]
        if e["transpose"]:
            arr = arr.T
        state[e["param"]] = torch.from_numpy(arr.copy()).float()
    return state


def layout_map_for(folder: Path) -> list[dict]:
    """Derive ``weights.json`` for a folder exported without one.

    The exporter names and lays out initializers the same way for every model of this
    architecture, so exporting the base encoder gives the map; it is checked against the
    folder's own ONNX file (same names, same shapes) before use.
    """
    import tempfile

    from transformers import AutoModelForSequenceClassification

    from analyzer.labels import LABELS
    from training.export import export_quantized
    from training.finetune import base_encoder_dir

    model = AutoModelForSequenceClassification.from_pretrained(str(base_encoder_dir()), num_labels=len(LABELS))
    with tempfile.TemporaryDirectory() as tmp:
        entries = export_quantized(model, Path(tmp) / "layout.onnx")
        layout = {n: a.shape for n, a in initializers(Path(tmp) / "layout.onnx").items()}
    target = {n: a.shape for n, a in initializers(folder / "model.onnx").items()}
    if layout != target:
        raise ValueError(f"{folder / 'model.onnx'}: initializer layout differs from this exporter's; cannot map weights")
    return entries


if __name__ == "__main__":  # python -m training.onnx_weights models/default
    import sys

    from training.model_folder import write_json_list

    for arg in sys.argv[1:]:
        folder = Path(arg)
        rows = layout_map_for(folder)
        write_json_list(folder / WEIGHT_MAP_FILE, rows)
        print(f"{folder / WEIGHT_MAP_FILE}: {len(rows)} parameters mapped")
