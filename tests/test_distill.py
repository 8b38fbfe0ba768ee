"""Knowledge distillation: teacher targets on records, and how fine-tuning mixes them in."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.labels import LABEL2ID, LABELS
from tests.tiny_examples import EXAMPLES
from training.distill import PAIR_KEY, REPLY_KEY, teacher_arrays
from training.finetune import TrainConfig


def _records() -> list[dict]:
    return [{"disclosure": d, "reply": r, "label": l} for d, r, l in EXAMPLES]


def _one_hot(label: str) -> list[float]:
    out = [0.0] * len(LABELS)
    out[LABEL2ID[label]] = 1.0
    return out


def test_records_without_teacher_scores_give_none():
    assert teacher_arrays(_records()) is None


def test_teacher_arrays_fall_back_to_pair_scores_for_the_reply_alone():
    records = [{**r, PAIR_KEY: _one_hot(r["label"])} for r in _records()]
    pair, reply = teacher_arrays(records)
    assert pair.shape == (len(records), len(LABELS))
    np.testing.assert_array_equal(pair, reply)


def test_teacher_scores_on_only_some_records_are_an_error():
    records = _records()
    records[0] = {**records[0], PAIR_KEY: _one_hot(records[0]["label"])}
    with pytest.raises(ValueError, match=f"{len(records) - 1} of {len(records)}"):
        teacher_arrays(records)


def test_teacher_scores_of_the_wrong_width_are_an_error():
    records = [{**r, PAIR_KEY: [0.5, 0.5]} for r in _records()]
    with pytest.raises(ValueError, match="4 values"):
        teacher_arrays(records)


def test_distilling_without_teacher_scores_is_an_error():
    from training.finetune import finetune

    with pytest.raises(ValueError, match="teacher probabilities"):
        finetune(_records(), [], TrainConfig(epochs=1, batch_size=8, distill_weight=0.5))


def _trained_logits(records: list[dict], **config) -> np.ndarray:
    from training.finetune import finetune, predict_logits

    base = dict(epochs=2, batch_size=4, learning_rate=3e-4, eval_every=1000, warmup_ratio=0.0, disclosure_dropout=0.0)
    result = finetune(records, [], TrainConfig(**{**base, **config}))
    pairs = [(r["disclosure"], r["reply"]) for r in records]
    return predict_logits(result.model, result.tokenizer, pairs, 64)


@pytest.mark.slow
def test_a_teacher_that_repeats_the_labels_changes_nothing_and_another_teacher_does():
    plain = _trained_logits(_records())
    echo = [{**r, PAIR_KEY: _one_hot(r["label"])} for r in _records()]
    np.testing.assert_array_equal(_trained_logits(echo, distill_weight=0.5), plain)
    uniform = [{**r, PAIR_KEY: [0.25] * len(LABELS)} for r in _records()]
    assert np.abs(_trained_logits(uniform, distill_weight=0.5) - plain).max() > 1e-3


@pytest.mark.slow
def test_a_reply_shown_alone_is_taught_with_the_teachers_reply_alone_scores():
    # Every disclosure is dropped, so only the reply-alone scores may reach the loss.
    plain = _trained_logits(_records(), disclosure_dropout=1.0)
    records = [{**r, PAIR_KEY: [0.25] * len(LABELS), REPLY_KEY: _one_hot(r["label"])} for r in _records()]
    np.testing.assert_array_equal(_trained_logits(records, distill_weight=1.0, disclosure_dropout=1.0), plain)


@pytest.mark.slow
def test_shipped_model_as_teacher_scores_pairs_and_replies_alone():
    from analyzer.model import DEFAULT_MODEL_DIR
    from training.distill import with_teacher_targets

    records = _records() + [{"disclosure": None, "reply": "ok and?", "label": "invalidating"}]
    taught = with_teacher_targets(DEFAULT_MODEL_DIR, records)
    assert [r["reply"] for r in taught] == [r["reply"] for r in records] and PAIR_KEY not in records[0]
    pair, reply = teacher_arrays(taught)
    np.testing.assert_allclose(pair.sum(1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(reply.sum(1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(pair[-1], reply[-1])  # no disclosure: the same input
    assert np.abs(pair[:-1] - reply[:-1]).max() > 1e-4
    # The teacher's calibrated transformer scores, not the lexical blend.
    from analyzer.model import ReplyClassifier

    clf = ReplyClassifier.load(DEFAULT_MODEL_DIR)
    np.testing.assert_allclose(pair, clf.transformer_proba([(r["disclosure"], r["reply"]) for r in records]), atol=1e-6)
    np.testing.assert_allclose(reply, clf.transformer_proba([(None, r["reply"]) for r in records]), atol=1e-6)


def test_several_teachers_give_the_mean_of_their_scores(monkeypatch):
    import training.distill as distill

    records = _records()
    n = len(records)
    scores = {
        "a": (np.tile([0.7, 0.1, 0.1, 0.1], (n, 1)), np.tile([0.4, 0.2, 0.2, 0.2], (n, 1))),
        "b": (np.tile([0.1, 0.7, 0.1, 0.1], (n, 1)), np.tile([0.2, 0.2, 0.2, 0.4], (n, 1))),
    }
    monkeypatch.setattr(distill, "_one_teacher_probabilities", lambda d, _: scores[d.name])
    pair, reply = distill.teacher_probabilities(["a", "b"], records)
    np.testing.assert_allclose(pair[0], [0.4, 0.4, 0.1, 0.1])
    np.testing.assert_allclose(reply[0], [0.3, 0.2, 0.2, 0.3])
    np.testing.assert_allclose(distill.teacher_probabilities("a", records)[0], scores["a"][0])


def test_teacher_record_names_one_teacher_or_lists_several(tmp_path):
    from training.distill import teacher_record

    for name, content in (("a", b"one"), ("b", b"two")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "model.onnx").write_bytes(content)
    one = teacher_record(tmp_path / "a")
    assert one["teacher"] == str(tmp_path / "a") and len(one["teacher_model_sha256"]) == 64
    both = teacher_record([tmp_path / "a", tmp_path / "b"])
    assert both["teacher"] == [str(tmp_path / "a"), str(tmp_path / "b")]
    assert both["teacher_model_sha256"][0] == one["teacher_model_sha256"] != both["teacher_model_sha256"][1]


def test_check_teacher_needs_a_folder_and_a_weight_in_range():
    from training.distill import check_teacher

    with pytest.raises(ValueError, match="at least one teacher"):
        check_teacher([], 0.5)
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        check_teacher([], 0.0)


def test_model_card_names_an_ensemble_teacher():
    from training.model_folder import _distillation_text

    one = _distillation_text({"distill_weight": 0.5, "extra": {"teacher": "t1", "teacher_model_sha256": "ab" * 32}})
    assert "a teacher model (`t1`, model.onnx SHA-256 abababababab...)" in one and "50% the label" in one
    two = _distillation_text({"distill_weight": 0.5, "extra": {"teacher": ["t1", "t2"], "teacher_model_sha256": ["ab" * 32, "cd" * 32]}})
    assert "the mean of 2 models (`t1`, model.onnx SHA-256 abababababab...; `t2`, model.onnx SHA-256 cdcdcdcdcdcd...)" in two
    assert _distillation_text({"distill_weight": 0.0}) == ""
