"""The classifier heads: [CLS] pooler or masked mean; folders remember theirs."""

from __future__ import annotations

import json

import numpy as np
import pytest

from analyzer.labels import LABELS
from tests.tiny_examples import EXAMPLES
from training.pair_classifier import build_classifier, folder_pooling


def test_unknown_pooling_is_refused_before_loading_anything():
    with pytest.raises(ValueError, match="unknown pooling 'max'"):
        build_classifier("/nonexistent", "max")


def test_folder_pooling_defaults_to_cls_for_older_folders(tmp_path):
    assert folder_pooling(tmp_path) == "cls"  # no config.json
    (tmp_path / "config.json").write_text(json.dumps({"train_config": {"epochs": 3}}))
    assert folder_pooling(tmp_path) == "cls"
    (tmp_path / "config.json").write_text(json.dumps({"train_config": {"pooling": "mean"}}))
    assert folder_pooling(tmp_path) == "mean"


def test_soup_refuses_folders_with_different_heads(tmp_path):
    from training.soup import soup_folders

    for name, pooling in (("a", "cls"), ("b", "mean")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "weights.json").write_text("[]")
        (folder / "model.onnx").write_bytes(b"")
        (folder / "config.json").write_text(json.dumps({"train_config": {"pooling": pooling}}))
    with pytest.raises(ValueError, match="different classifier heads"):
        soup_folders([tmp_path / "a", tmp_path / "b"], tmp_path / "out", [], [])


@pytest.mark.slow
def test_mean_head_ignores_padding():
    """A reply scores the same alone and in a batch padded to a longer pair."""
    from training.finetune import load_base, predict_logits

    tokenizer, model = load_base(None, "mean")
    assert model.bert.pooler is None
    model.eval()
    pairs = [("my boss tore my report apart in front of everyone", "that sounds humiliating, I'm sorry"),
             (None, "just tell him he's wrong")]
    together = predict_logits(model, tokenizer, pairs, 160)
    alone = np.concatenate([predict_logits(model, tokenizer, [p], 160) for p in pairs])
    np.testing.assert_allclose(together, alone, atol=1e-5)


@pytest.mark.slow
def test_mean_head_overfits_exports_and_comes_back_from_its_folder(tmp_path):
    """Overfit with the mean head, save, and get the same predictions from ONNX and from the folder's weights."""
    from analyzer.model import ReplyClassifier
    from training.finetune import TrainConfig, finetune, load_base, predict_logits
    from training.model_folder import save_model_folder

    records = [{"disclosure": d, "reply": r, "label": l} for d, r, l in EXAMPLES]
    config = TrainConfig(epochs=25, batch_size=8, learning_rate=3e-4, disclosure_dropout=0.0, eval_every=1000,
                         warmup_ratio=0.0, pooling="mean", freeze_word_embeddings=True)
    result = finetune(records, [], config)
    pairs = [(d, r) for d, r, _ in EXAMPLES]
    torch_logits = predict_logits(result.model, result.tokenizer, pairs, config.max_length)
    assert [LABELS[i] for i in torch_logits.argmax(1)] == [l for _, _, l in EXAMPLES]

    out = tmp_path / "mean"
    save_model_folder(out, result.model, result.tokenizer, temperature=1.0, max_length=config.max_length,
                      base_model="test", train_config=config.to_dict(), data_summary={}, metrics={})
    assert folder_pooling(out) == "mean"
    assert (ReplyClassifier.load(out).predict_proba(pairs).argmax(1) == torch_logits.argmax(1)).all()

    tokenizer, recovered = load_base(out)  # the folder's head, whatever the caller asks for
    assert recovered.bert.pooler is None
    rebuilt = predict_logits(recovered, tokenizer, pairs, config.max_length)
    assert (rebuilt.argmax(1) == torch_logits.argmax(1)).all()
    assert np.abs(rebuilt - torch_logits).max() < 0.5  # int8 precision, not bit-exact
