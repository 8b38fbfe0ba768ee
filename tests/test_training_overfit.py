"""spaCy-style overfitting test: a few examples, a few updates, save, load, same predictions."""

from __future__ import annotations

import json

import numpy as np
import pytest

from analyzer.labels import LABELS
from tests.tiny_examples import EXAMPLES
from analyzer.model import ReplyClassifier
from training.finetune import TrainConfig, predict_logits
from training.model_folder import save_model_folder

pytestmark = pytest.mark.slow



@pytest.fixture(scope="module")
def overfit(tmp_path_factory):
    from training.finetune import finetune

    records = [{"disclosure": d, "reply": r, "label": l} for d, r, l in EXAMPLES]
    config = TrainConfig(epochs=25, batch_size=8, learning_rate=3e-4, disclosure_dropout=0.0, eval_every=1000, warmup_ratio=0.0)
    result = finetune(records, [], config)
    out = tmp_path_factory.mktemp("model") / "overfit"
    save_model_folder(
        out, result.model, result.tokenizer, temperature=1.0, max_length=config.max_length,
        base_model="test", train_config=config.to_dict(), data_summary={}, metrics={"note": "overfit test"},
    )
    return result, out, config


def test_overfit_predicts_training_labels(overfit):
    result, _, config = overfit
    logits = predict_logits(result.model, result.tokenizer, [(d, r) for d, r, _ in EXAMPLES], config.max_length)
    assert [LABELS[i] for i in logits.argmax(1)] == [l for _, _, l in EXAMPLES]


def test_saved_folder_is_complete_and_has_no_pickles(overfit):
    _, out, _ = overfit
    names = {p.name for p in out.iterdir()}
    assert {"config.json", "model.onnx", "tokenizer.json", "metrics.json", "MODEL_CARD.md"} <= names
    assert not any(n.endswith((".bin", ".pkl", ".pickle", ".pt")) for n in names)
    assert json.loads((out / "config.json").read_text())["labels"] == list(LABELS)


def test_onnx_round_trip_gives_same_predictions(overfit):
    result, out, config = overfit
    pairs = [(d, r) for d, r, _ in EXAMPLES] + [(None, r) for _, r, _ in EXAMPLES]
    torch_probs = predict_logits(result.model, result.tokenizer, pairs, config.max_length).argmax(1)
    onnx_probs = ReplyClassifier.load(out).predict_proba(pairs)
    assert onnx_probs.shape == (len(pairs), 4)
    np.testing.assert_allclose(onnx_probs.sum(1), 1.0, rtol=1e-5)
    # int8 quantisation may flip a near-tie on reply-only inputs; pairs seen in training must match.
    assert (onnx_probs.argmax(1)[: len(EXAMPLES)] == torch_probs[: len(EXAMPLES)]).all()
    assert (onnx_probs.argmax(1) == torch_probs).mean() >= 0.85


def test_weights_recovered_from_onnx_reproduce_the_model(overfit):
    """A shipped (ONNX-only) folder can be fine-tuned further: its weights come back from the int8 file."""
    from training.finetune import load_base

    result, out, config = overfit
    assert (out / "weights.json").is_file()
    tokenizer, recovered = load_base(out)
    pairs = [(d, r) for d, r, _ in EXAMPLES]
    original = predict_logits(result.model, result.tokenizer, pairs, config.max_length)
    rebuilt = predict_logits(recovered, tokenizer, pairs, config.max_length)
    assert (rebuilt.argmax(1) == original.argmax(1)).all()
    assert np.abs(rebuilt - original).max() < 0.5  # int8 precision, not bit-exact


def test_tail_averaging_is_evaluated_on_dev_and_reported():
    from training.finetune import finetune

    records = [{"disclosure": d, "reply": r, "label": l} for d, r, l in EXAMPLES]
    config = TrainConfig(epochs=4, batch_size=8, learning_rate=3e-4, disclosure_dropout=0.0, eval_every=2,
                         warmup_ratio=0.0, average_tail=0.5, average_every=1, patience=100)
    events = []
    result = finetune(records, records, config, on_step=events.append)
    averaged = [e for e in events if "averaged" in e]
    assert len(averaged) == 1 and averaged[0]["averaged"] >= 2
    entry = result.history[-1]
    assert entry["averaged_snapshots"] == averaged[0]["averaged"]
    # The averaged weights are kept exactly when they match the best single checkpoint on dev.
    singles = [h["dev_macro_f1"] for h in result.history[:-1]]
    assert entry["kept"] == (entry["dev_macro_f1"] >= max(singles))
    assert result.best_dev_macro_f1 == max(singles + [entry["dev_macro_f1"]])


def test_batch_logits_keep_input_order(overfit):
    from analyzer.model import softmax

    _, out, _ = overfit
    clf = ReplyClassifier.load(out)
    pairs = [(d, r) for d, r, _ in EXAMPLES] + [(None, r) for _, r, _ in reversed(EXAMPLES)]
    # One batch holding every pair (sorted by length inside) gives the unsorted batch's rows back
    # in input order. (Smaller batches differ slightly: int8 activations are quantised per batch.)
    np.testing.assert_allclose(clf.batch_logits(pairs, batch_size=len(pairs)), clf.logits(pairs), atol=1e-5)
    small = clf.batch_logits(pairs, batch_size=3)
    assert small.shape == (len(pairs), 4)
    np.testing.assert_allclose(clf.predict_proba(pairs, batch_size=3),
                               softmax(small, clf.config.temperature, clf.config.logit_bias), rtol=1e-5)


def test_recalibrate_refits_config_and_rescores(overfit, tmp_path):
    import shutil

    from training.recalibrate import recalibrate

    _, out, _ = overfit
    folder = tmp_path / "copy"
    shutil.copytree(out, folder)
    metrics = json.loads((folder / "metrics.json").read_text())
    metrics["test_torch_fp32_macro_f1"] = 0.5  # taken under the old calibration
    (folder / "metrics.json").write_text(json.dumps(metrics))
    records = [{"disclosure": d, "reply": r, "label": l, "source": "user"} for d, r, l in EXAMPLES]
    result = recalibrate(folder, records, records, with_bias=True)
    config = json.loads((folder / "config.json").read_text())
    assert config["temperature"] == result["temperature"] != 1.0
    # Too few dev items for label offsets: they stay 0 even when asked for.
    assert config["logit_bias"] == [0.0] * 4 == result["logit_bias"]
    saved = json.loads((folder / "metrics.json").read_text())
    assert "test_torch_fp32_macro_f1" not in saved and saved["temperature_fitted_on_dev"] is True
    assert saved["test"]["n"] == len(EXAMPLES) and "dev_ece_after" in saved
    assert f"T = {config['temperature']:.3f}" in (folder / "MODEL_CARD.md").read_text()


def test_frozen_word_embeddings_stay_pretrained_while_the_encoder_trains():
    import torch

    from training.finetune import finetune, load_base

    records = [{"disclosure": d, "reply": r, "label": l} for d, r, l in EXAMPLES]
    config = TrainConfig(epochs=1, batch_size=8, learning_rate=3e-4, eval_every=1000, warmup_ratio=0.0,
                         freeze_word_embeddings=True)
    trained = finetune(records, [], config).model
    _, pretrained = load_base(None)
    assert torch.equal(trained.get_input_embeddings().weight, pretrained.get_input_embeddings().weight)
    name = "bert.encoder.layer.0.attention.self.query.weight"
    assert not torch.equal(trained.state_dict()[name], pretrained.state_dict()[name])


def test_soup_of_a_folder_with_itself_predicts_like_the_folder(overfit, tmp_path):
    from training.soup import soup_folders

    _, out, _ = overfit
    records = [{"disclosure": d, "reply": r, "label": l, "source": "user"} for d, r, l in EXAMPLES]
    metrics = soup_folders([out, out], tmp_path / "soup", records, records)
    pairs = [(d, r) for d, r, _ in EXAMPLES]
    original = ReplyClassifier.load(out).predict_proba(pairs).argmax(1)
    souped = ReplyClassifier.load(tmp_path / "soup").predict_proba(pairs).argmax(1)
    assert (souped == original).all()
    assert metrics["test"]["n"] == len(EXAMPLES)
    assert json.loads((tmp_path / "soup" / "config.json").read_text())["train_config"]["soup_of"] == [str(out)] * 2


@pytest.mark.parametrize(("patience", "stops_early"), [(1, True), (0, False)])
def test_patience_stops_on_a_flat_dev_score_and_zero_trains_to_the_end(patience, stops_early):
    from training.finetune import finetune

    records = [{"disclosure": d, "reply": r, "label": l} for d, r, l in EXAMPLES]
    # A learning rate of 0 keeps dev macro-F1 flat, so every evaluation after the first is "no better".
    config = TrainConfig(epochs=6, batch_size=8, learning_rate=0.0, disclosure_dropout=0.0, eval_every=1,
                         warmup_ratio=0.0, patience=patience)
    events = []
    result = finetune(records, records, config, on_step=events.append)
    total = events[0]["total"]
    assert total >= 4
    assert (result.steps == 2) == stops_early and (result.steps == total) != stops_early
