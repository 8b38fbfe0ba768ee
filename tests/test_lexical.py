"""The numpy lexical model and its blend with the transformer (analyzer.lexical, training.lexical_blend)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.labels import LABEL2ID
from analyzer.lexical import LexicalModel, char_wb_ngrams, has_lexical, word_ngrams
from analyzer.model import DEFAULT_MODEL_DIR, ModelFolderError, ReplyClassifier
from training.baseline import Baseline, cue_features
from training.lexical_blend import blend_folder, choose_blend, lexical_from_baseline, remove_blend
from tests.test_baseline import LABELS as BASELINE_LABELS
from tests.test_baseline import REPLIES

ODD_TEXTS = ["", "   ", "a", "I  am\tso\n\nsorry 😢 ÉCOLE", "x" * 60, "it's   not a big deal!!", "ok. ok. OK."]


@given(st.text(max_size=80))
@settings(max_examples=200, deadline=None)
def test_ngrams_match_scikit_learn_analyzers(text):
    from sklearn.feature_extraction.text import TfidfVectorizer

    assert word_ngrams(text, 1, 2) == TfidfVectorizer(ngram_range=(1, 2)).build_analyzer()(text)
    assert char_wb_ngrams(text, 2, 5) == TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()(text)


@pytest.fixture(scope="module")
def baseline():
    return Baseline.fit(REPLIES, BASELINE_LABELS)


def test_exported_lexical_model_scores_like_the_baseline(baseline, tmp_path):
    lexical_from_baseline(baseline).save(tmp_path)
    assert has_lexical(tmp_path)
    assert not any(p.suffix in (".pkl", ".pickle", ".skops") for p in tmp_path.iterdir())
    texts = REPLIES + ODD_TEXTS
    loaded = LexicalModel.load(tmp_path)
    ours = np.exp(loaded.log_proba(texts, cue_features(texts)))
    np.testing.assert_allclose(ours, baseline.predict_proba(texts), atol=1e-6)


def test_export_refuses_settings_it_cannot_reproduce(baseline):
    baseline.parts["word"].set_params(binary=True)
    try:
        with pytest.raises(ValueError, match="does not reproduce"):
            lexical_from_baseline(baseline)
    finally:
        baseline.parts["word"].set_params(binary=False)


def test_unreadable_lexical_files_are_a_clear_error(tmp_path):
    (tmp_path / "lexical.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "lexical.npz").write_bytes(b"nope")
    with pytest.raises(ValueError, match="unreadable lexical model"):
        LexicalModel.load(tmp_path)


def _probs(rng, n, correct, gold, sharpness):
    """Random probabilities whose argmax is the gold label where ``correct``."""
    z = rng.normal(size=(n, 4))
    z[np.arange(n), np.where(correct, gold, (gold + 1) % 4)] += sharpness
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def test_blend_weight_follows_what_the_lexical_model_adds():
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 4, 600)
    transformer = _probs(rng, 600, rng.random(600) < 0.8, gold, 3.0)
    # A lexical model right where the transformer is wrong earns weight; pure noise earns none.
    helpful = np.log(_probs(rng, 600, rng.random(600) < 0.8, gold, 3.0))
    noise = np.log(_probs(rng, 600, np.zeros(600, bool), gold, 0.0))
    assert choose_blend(transformer, helpful, gold)["weight"] >= 0.2
    choice = choose_blend(transformer, noise, gold)
    assert choice["weight"] == 0.0
    nlls = [v["nll"] for v in choice["dev_by_weight"].values()]
    assert min(nlls) == choice["dev_by_weight"]["0.00"]["nll"]


@pytest.fixture()
def folder(tmp_path):
    out = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, out)
    remove_blend(out)
    return out


def test_blend_folder_writes_a_loadable_blend(folder):
    from training.data import iter_authored

    dev = [r for r in iter_authored() if r["label"] in LABEL2ID][:160]
    fields = blend_folder(folder, dev)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    assert set(fields["dev_by_lexical_weight"]) >= {"0.00", "0.40"}
    # The shipped baseline saw most authored replies in training, so it earns a weight here.
    assert fields["lexical_blend"] is not None and fields["lexical_blend"]["weight"] > 0
    assert config["lexical_blend"] == fields["lexical_blend"] and has_lexical(folder)
    clf = ReplyClassifier.load(folder)
    pairs = [(r.get("disclosure"), r["reply"]) for r in dev[:20]]
    given_cues = clf.predict_proba(pairs, cue_counts=cue_features([r for _, r in pairs]))
    np.testing.assert_allclose(clf.predict_proba(pairs), given_cues, atol=1e-6)
    np.testing.assert_allclose(given_cues.sum(1), 1.0, rtol=1e-5)
    assert not np.allclose(given_cues, clf.transformer_proba(pairs))
    parts = clf.score_parts(pairs)  # one encoder pass gives both halves and the blend
    np.testing.assert_allclose(parts.blended, given_cues, atol=1e-6)
    np.testing.assert_allclose(parts.transformer, clf.transformer_proba(pairs), atol=1e-6)
    np.testing.assert_allclose(parts.lexical.sum(1), 1.0, rtol=1e-6)
    remove_blend(folder)
    assert not has_lexical(folder) and "lexical_blend" not in json.loads((folder / "config.json").read_text(encoding="utf-8"))
    ReplyClassifier.load(folder)


def test_blend_config_without_lexical_files_is_a_folder_error(folder):
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    config["lexical_blend"] = {"weight": 0.4, "temperature": 1.0}
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ModelFolderError, match="lexical"):
        ReplyClassifier.load(folder)


@pytest.mark.parametrize("blend", [{"weight": 1.5, "temperature": 1.0}, {"weight": 0.3}, "heavy"])
def test_bad_blend_settings_are_a_folder_error(folder, blend):
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    config["lexical_blend"] = blend
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ModelFolderError, match="lexical_blend"):
        ReplyClassifier.load(folder)


@pytest.mark.parametrize("module", ["training.lexical_blend", "training.recalibrate"])
def test_folder_clis_refuse_a_missing_folder_with_a_usage_error(module, tmp_path, capsys):
    import importlib

    with pytest.raises(SystemExit) as exit_info:
        importlib.import_module(module).main([str(tmp_path / "missing")])
    assert exit_info.value.code == 2
    assert "does not exist" in capsys.readouterr().err
