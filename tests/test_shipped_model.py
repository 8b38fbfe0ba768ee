"""The shipped default model folder: complete, no pickles, within the size budget, metrics recorded."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from analyzer.labels import LABELS

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "default"
MAX_BYTES = 40_000_000  # issue 4: the shipped folder holds what inference needs, <= 40 MB


def test_folder_has_what_inference_needs_and_no_pickles():
    names = {p.name for p in MODEL_DIR.iterdir()}
    assert {"model.onnx", "tokenizer.json", "config.json", "metrics.json", "MODEL_CARD.md"} <= names
    assert not any(n.endswith((".bin", ".pkl", ".pickle", ".pt", ".pth")) for n in names)


def test_folder_fits_the_size_budget():
    size = sum(p.stat().st_size for p in MODEL_DIR.rglob("*") if p.is_file())
    assert size <= MAX_BYTES, f"models/default is {size / 1e6:.1f} MB, budget {MAX_BYTES / 1e6:.0f} MB"


def test_metrics_and_card_agree():
    metrics = json.loads((MODEL_DIR / "metrics.json").read_text())
    config = json.loads((MODEL_DIR / "config.json").read_text())
    assert list(config["labels"]) == list(LABELS)
    assert set(metrics["test"]["per_label"]) == set(LABELS)
    card = (MODEL_DIR / "MODEL_CARD.md").read_text()
    assert f"{metrics['test']['macro_f1']:.3f}" in card
    assert "non-commercial" in card.lower()


def test_blend_is_complete_and_described():
    config = json.loads((MODEL_DIR / "config.json").read_text())
    blend = config.get("lexical_blend")
    if blend is None:  # a transformer-only folder is valid too; then nothing of a blend ships
        assert not (MODEL_DIR / "lexical.json").exists()
        return
    assert (MODEL_DIR / "lexical.json").is_file() and (MODEL_DIR / "lexical.npz").is_file()
    metrics = json.loads((MODEL_DIR / "metrics.json").read_text())
    assert metrics["lexical_blend"] == blend
    card = (MODEL_DIR / "MODEL_CARD.md").read_text()
    assert f"w = {blend['weight']:.2f}" in card
    assert f"{metrics['test_transformer_only']['macro_f1']:.3f}" in card


def test_a_pairs_scores_do_not_depend_on_the_rest_of_the_call():
    """The int8 encoder quantises activations per tensor: padded batches made scores depend on neighbours."""
    from analyzer.model import ReplyClassifier

    pairs = [
        ("my boss tore my report apart in front of everyone", "just tell him he's wrong"),
        (None, "ok"),
        ("I failed my driving test again", "that sounds so frustrating, especially after all the practice you put in. "
         "no wonder you're gutted, do you want to talk about it or just vent for a bit?"),
        ("my dog died this morning", "omg same thing happened to me last year, I cried for weeks"),
        (None, "it's not a big deal, everyone fails sometimes"),
    ] * 4
    single = ReplyClassifier.load(MODEL_DIR, threads=1)
    alone = np.stack([single.logits([p])[0] for p in pairs])
    for threads in (1, 2):
        clf = ReplyClassifier.load(MODEL_DIR, threads=threads)
        for batch_size in (1, 3, 64):
            assert np.array_equal(clf.batch_logits(pairs, batch_size=batch_size), alone)
