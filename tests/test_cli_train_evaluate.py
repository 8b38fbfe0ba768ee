"""`reply-analyzer train` / `evaluate`: bad data fails before training; a tiny real run round-trips."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.labels import LABELS
from analyzer.model import DEFAULT_MODEL_DIR
from tests.tiny_examples import EXAMPLES as ROWS

runner = CliRunner()



def write_jsonl(path, rows, split="train"):
    path.write_text("\n".join(json.dumps({"disclosure": d, "reply": r, "label": l, "split": split}) for d, r, l in rows) + "\n")
    return path


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"reply": "ok", "label": "rude"}\n', "bad.jsonl:1: unknown label 'rude'"),
        ('{"reply": "fine", "label": "validating"}\n{"label": "validating"}\n', "bad.jsonl:2: missing or empty 'reply'"),
        ("", "bad.jsonl: no records (empty file)"),
    ],
)
def test_train_rejects_bad_data_before_training(tmp_path, content, expected):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content)
    res = runner.invoke(app, ["train", "--data", str(bad), "--out", str(tmp_path / "m")])
    assert res.exit_code == 2
    assert expected in res.stderr
    assert not (tmp_path / "m").exists()


def test_train_rejects_onnx_only_base(tmp_path):
    data = write_jsonl(tmp_path / "d.jsonl", ROWS)
    (tmp_path / "onnx").mkdir()
    (tmp_path / "onnx" / "config.json").write_text("{}")
    res = runner.invoke(app, ["train", "--data", str(data), "--out", str(tmp_path / "m"), "--base", str(tmp_path / "onnx")])
    assert res.exit_code == 2 and "no weights to fine-tune" in res.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [(["--teacher", "no-such-folder"], "--teacher: model folder no-such-folder does not exist"),
     (["--teacher", "models/default", "--distill-weight", "0"], "--distill-weight must be in (0, 1]")],
)
def test_train_rejects_a_bad_teacher_before_training(tmp_path, args, expected):
    data = write_jsonl(tmp_path / "d.jsonl", ROWS)
    res = runner.invoke(app, ["train", "--data", str(data), "--out", str(tmp_path / "m"), *args])
    assert res.exit_code == 2 and expected in res.stderr
    assert not (tmp_path / "m").exists()


@pytest.mark.slow
def test_tiny_train_then_evaluate(tmp_path):
    train = write_jsonl(tmp_path / "train.jsonl", ROWS)
    # One record carries three annotators' labels: with --soft-labels it trains towards 2/3 : 1/3.
    first = json.loads(train.read_text().splitlines()[0])
    first["votes"] = [first["label"], first["label"], next(l for l in LABELS if l != first["label"])]
    train.write_text("\n".join([json.dumps(first)] + train.read_text().splitlines()[1:]) + "\n")
    test = write_jsonl(tmp_path / "test.jsonl", ROWS, split="test")
    out = tmp_path / "model"
    res = runner.invoke(app, ["train", "--data", str(train), "--data", str(test), "--out", str(out), "--epochs", "20",
                              "--seed", "3", "--soft-labels", "--label-offsets", "--pooling", "mean",
                              "--teacher", str(DEFAULT_MODEL_DIR), "--teacher", str(DEFAULT_MODEL_DIR),
                              "--distill-weight", "0.3", "--patience", "0", "--bf16"])
    assert res.exit_code == 0, res.output
    assert (out / "model.onnx").is_file() and (out / "baseline.skops").is_file()
    config = json.loads((out / "config.json").read_text())
    assert config["train_config"]["soft_labels"] is True
    assert config["train_config"]["pooling"] == "mean"
    assert config["train_config"]["distill_weight"] == 0.3
    assert config["train_config"]["extra"]["teacher"] == [str(DEFAULT_MODEL_DIR)] * 2  # an ensemble teacher
    assert [len(sha) for sha in config["train_config"]["extra"]["teacher_model_sha256"]] == [64, 64]
    assert config["train_config"]["patience"] == 0
    assert config["train_config"]["bf16"] is True
    # No dev split: calibration is not fitted on training data (that would learn overconfidence).
    assert config["temperature"] == 1.0 and config["logit_bias"] == [0.0] * 4
    res = runner.invoke(app, ["evaluate", "--data", str(test), "--model", str(out), "--json"])
    assert res.exit_code == 0, res.output
    metrics = json.loads(res.stdout)
    assert {"n", "accuracy", "macro_f1", "per_label", "confusion"} <= set(metrics)
    assert metrics["n"] == len(ROWS) and list(metrics["per_label"]) == list(LABELS)
    assert len(metrics["confusion"]) == 4 and sum(map(sum, metrics["confusion"])) == len(ROWS)
    assert metrics["accuracy"] >= 0.75  # 20 epochs on 8 examples: it has learnt them
    assert "baseline" in metrics
    table = runner.invoke(app, ["evaluate", "--data", str(test), "--model", str(out)])
    assert table.exit_code == 0 and "confusion" in table.stdout and "per source" in table.stdout
